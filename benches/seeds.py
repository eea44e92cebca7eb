#!/usr/bin/env python3
"""Seeds benchmark: `srebook build` of ../shared/seeds as a whole process.

Copies the seeds to a scratch folder (so marking them edited leaves
../shared alone), builds twice to warm up, then alternates three kinds of
build, each timed from outside with process start and exit included:

- nothing changed: a rebuild over the previous output with the sources as
  the last build saw them (the search indexes are kept);
- after an edit: one source's modification time changes first (a different
  one each run), so everything is read, organised, rendered and indexed;
- into an empty folder: a new folder, nothing kept from an earlier build.

Prints the median, min and max of each, and with --record appends them to
benches/RESULTS.md.

    python3 benches/seeds.py            # 30 runs of each
    python3 benches/seeds.py --runs 10 --record
"""
import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.normpath(os.path.join(ROOT, "..", "shared", "seeds"))
BINARY = os.path.join(ROOT, "target", "release", "srebook")


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--record", action="store_true", help="append the figures to benches/RESULTS.md")
    args = ap.parse_args()
    if not os.path.isdir(SEEDS):
        sys.exit(f"no seeds at {SEEDS}")
    if not os.path.exists(BINARY):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as scratch:
        content = os.path.join(scratch, "seeds")
        shutil.copytree(SEEDS, content)
        sources = sorted(os.listdir(content))
        build = lambda out: [BINARY, "build", "--quiet", "--content", content, "--out", os.path.join(scratch, out)]
        for _ in range(2):
            timed(build("site"))
        times = {"nothing changed": [], "after an edit": [], "into an empty folder": []}
        for run in range(args.runs):
            times["nothing changed"].append(timed(build("site")))
            os.utime(os.path.join(content, sources[run % len(sources)]))
            times["after an edit"].append(timed(build("site")))
            # A new folder each run; old ones are deleted only at the end, so
            # the file system is not timed scanning just-deleted inodes (see
            # set_aside_with_siblings in scale.py).
            times["into an empty folder"].append(timed(build(f"fresh{run}")))
    lines = [
        f"### Seeds, {datetime.date.today().isoformat()} — {platform.node()}, {os.cpu_count()} cores, "
        f"{args.runs} runs of each",
        "",
        "| build | median | min | max |",
        "|---|---|---|---|",
    ]
    for kind, values in times.items():
        lines.append(f"| {kind} | {statistics.median(values):.1f} ms | {min(values):.1f} ms | {max(values):.1f} ms |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.record:
        with open(os.path.join(ROOT, "benches", "RESULTS.md"), "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
