#!/usr/bin/env python3
"""Scale benchmark: full `srebook build` of generated corpora, as whole processes.

For each corpus size it generates the corpus once with
../shared/corpus/gen_corpus.py (into target/bench-corpus/), then times full
builds (median of --runs, process start included), records peak RSS, the
per-stage times printed by `srebook build --timings`, and the output and
search-index sizes. Where `mdbook` is on PATH it also builds the same corpus's
naive mdBook layout (gen_corpus.py writes DIR-mdbook/), alternating the two
tools run by run, and prints the ratio. Results are appended to
benches/RESULTS.md with the date and the machine.

    python3 benches/scale.py                    # 1k, 10k (5 runs) and 50k (3 runs)
    python3 benches/scale.py --quick            # 1k, one run: what CI runs
    python3 benches/scale.py --sizes 10000 --runs 5 --no-record
"""
import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
GENERATOR = os.path.join(SHARED, "corpus", "gen_corpus.py")
CORPORA = os.path.join(ROOT, "target", "bench-corpus")
BINARY = os.path.join(ROOT, "target", "release", "srebook")


def run_measured(cmd, cwd=None):
    """Runs cmd; returns (wall seconds, peak RSS in MiB, stderr text)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Drain stderr while the child runs: a full pipe would block it.
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stderr.read()))
    reader.start()
    # wait4 gives this child's own rusage, so ru_maxrss is its peak RSS.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    reader.join()
    stderr = b"".join(chunks)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{stderr.decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024.0, stderr.decode(errors="replace")


def dir_size(path):
    total, files = 0, 0
    for base, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(base, name))
            files += 1
    return total, files


def corpus(size):
    path = os.path.join(CORPORA, f"syn{size}")
    if not os.path.isfile(os.path.join(path, "manifest.json")):
        subprocess.run([sys.executable, GENERATOR, "--questions", str(size), "--out", path],
                       check=True, stdout=subprocess.DEVNULL)
    # The manifest is the generator's answer key, not a source document.
    content = path + "-content"
    if not os.path.isdir(content):
        os.makedirs(content)
        for name in os.listdir(path):
            if name.endswith(".md"):
                shutil.copy(os.path.join(path, name), content)
    return path, content


def parse_timings(stderr):
    stages = {}
    for line in stderr.splitlines():
        # "  render    1234.5 ms  cpu  2000 ms  peak  250 MiB" (cpu and peak where the OS tells)
        m = re.match(r"\s+(\S+)\s+([\d.]+) ms\b", line)
        if m:
            stages[m.group(1)] = float(m.group(2))
    return stages


def touch_a_source(content, run):
    """Marks one source file (a different one each run) as edited, as a
    writer saving it would: the build must then read, organise and index
    everything again, which a build over unchanged sources need not."""
    sources = sorted(os.path.join(base, name) for base, _, names in os.walk(content) for name in names)
    os.utime(sources[run % len(sources)])


# Old outputs of empty-folder builds wait here, deleted when the harness ends.
TRASH = os.path.join(CORPORA, "trash")


def set_aside_with_siblings(out):
    """Moves an output folder and what srebook keeps beside it into TRASH.

    Deleting them here, just before the next build, would time the file
    system rather than srebook: this VM's ext4 has no journal, and there a
    new file's inode is found by scanning past every inode deleted in the
    last minutes (the kernel's `recently_deleted`, a quarter of the CPU
    samples of a 10k build made right after `rm -rf` of the last one). A
    first build into a new folder does not pay that; the harness deletes
    the trash when it ends."""
    os.makedirs(TRASH, exist_ok=True)
    parent, name = os.path.dirname(out), os.path.basename(out)
    for path in [out] + [os.path.join(parent, s) for s in os.listdir(parent) if s.startswith(f".{name}.srebook-")]:
        if os.path.exists(path):
            os.rename(path, os.path.join(TRASH, f"{len(os.listdir(TRASH))}-{os.path.basename(path)}"))


def fresh_builds(size, runs):
    """Builds into a folder that does not exist yet, with nothing kept from
    an earlier build: every file is written and all code highlighted.

    The harness makes these before any mdBook build: mdBook deletes its whole
    output before writing it again, and on this machine's journal-less ext4
    a build creating files in the minutes after that pays for every inode
    mdBook freed (see `set_aside_with_siblings`). Measured: a 10k build into
    a new folder took 1.82-2.21 s quiet and 2.90 s right after 45,000 files
    were deleted; a 50k one 9.95 s quiet and 10.83 s right after an mdBook
    build of the 50k layout."""
    _, content = corpus(size)
    fresh_out = os.path.join(CORPORA, f"out{size}-fresh")
    fresh = []
    for _ in range(runs):
        set_aside_with_siblings(fresh_out)
        fresh.append(run_measured([BINARY, "build", "--content", content, "--out", fresh_out]))
    set_aside_with_siblings(fresh_out)
    return fresh


def bench(size, runs, with_mdbook, fresh):
    source, content = corpus(size)
    out = os.path.join(CORPORA, f"out{size}")
    build = [BINARY, "build", "--timings", "--force", "--content", content, "--out", out]
    ours, theirs, stages = [], [], []
    for run in range(runs + 1):  # run 0 is a warm-up, not counted
        touch_a_source(content, run)
        wall, rss, stderr = run_measured(build)
        if run:
            ours.append((wall, rss))
            stages.append(parse_timings(stderr))
        if with_mdbook:
            book = source + "-mdbook"
            wall, rss, _ = run_measured(["mdbook", "build", book])
            if run:
                theirs.append((wall, rss))
    # One more build with nothing changed since the last: the search
    # indexes are kept.
    unchanged_wall, _, _ = run_measured(build)
    size_bytes, files = dir_size(out)
    # A large book prints one page per chapter under print/, print.html being their cover.
    print_bytes = os.path.getsize(os.path.join(out, "print.html"))
    if os.path.isdir(os.path.join(out, "print")):
        print_bytes += dir_size(os.path.join(out, "print"))[0]
    index_dir = os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.srebook-index")
    index_bytes = dir_size(index_dir)[0] if os.path.isdir(index_dir) else 0
    browser_index = dir_size(os.path.join(out, "search"))[0] if os.path.isdir(os.path.join(out, "search")) else 0
    result = {
        "size": size,
        "runs": runs,
        "wall": statistics.median(w for w, _ in ours),
        "wall_range": (min(w for w, _ in ours), max(w for w, _ in ours)),
        "rss": max(r for _, r in ours),
        "fresh_wall": statistics.median(w for w, _, _ in fresh),
        "fresh_range": (min(w for w, _, _ in fresh), max(w for w, _, _ in fresh)),
        "fresh_runs": len(fresh),
        "unchanged_wall": unchanged_wall,
        "fresh_rss": max(r for _, r, _ in fresh),
        "stages": {k: statistics.median(s.get(k, 0.0) for s in stages) for k in stages[0]},
        "output": size_bytes,
        "files": files,
        "print": print_bytes,
        "index": index_bytes,
        "browser_index": browser_index,
    }
    if theirs:
        result["mdbook_wall"] = statistics.median(w for w, _ in theirs)
        result["mdbook_rss"] = max(r for _, r in theirs)
    return result


def report(results, quick):
    mb = lambda b: f"{b / 1e6:.1f} MB"
    lines = [
        f"### {datetime.date.today().isoformat()} — {platform.node()}, {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}{' (quick mode)' if quick else ''}",
        "",
        "| questions | runs | srebook wall after an edit (median, min–max) | peak RSS | mdBook wall | ratio "
        "| mdBook RSS | nothing changed | into an empty folder (median, min–max; ratio) | output (files) | printable pages "
        "| tantivy index | browser index |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        md = r.get("mdbook_wall")
        ratio = f"{r['wall'] / md:.2f}×" if md else "n/a"
        md_wall = f"{md:.2f} s" if md else "not installed"
        md_rss = f"{r['mdbook_rss']:.0f} MiB" if md else "n/a"
        fresh_ratio = f", {r['fresh_wall'] / md:.2f}×" if md else ""
        lines.append(
            f"| {r['size']:,} | {r['runs']} | {r['wall']:.3f} s ({r['wall_range'][0]:.3f}–{r['wall_range'][1]:.3f}) "
            f"| {r['rss']:.0f} MiB | {md_wall} | {ratio} | {md_rss} | {r['unchanged_wall']:.3f} s "
            f"| {r['fresh_wall']:.3f} s ({r['fresh_range'][0]:.3f}–{r['fresh_range'][1]:.3f}, "
            f"{r['fresh_runs']} runs), {r['fresh_rss']:.0f} MiB{fresh_ratio} "
            f"| {mb(r['output'])} ({r['files']:,}) | {mb(r['print'])} | {mb(r['index'])} | {mb(r['browser_index'])} |"
        )
    lines += ["", "Each timed srebook run follows an edit (one source file's modification time changes, a "
                  "different file each run), so it reads, organises, renders and indexes the whole book. It "
                  "rebuilds over the previous output, as `srebook build` does: files whose bytes did not change "
                  "are kept from it (the site it replaced is its staging folder), and code highlighted (and "
                  "languages detected) by the last build are reused. \"Nothing changed\" is one more build "
                  "with no edit: the search indexes are kept. \"Into an empty folder\" builds into a new folder "
                  "with nothing kept from an earlier build (the last one's output is moved aside, not deleted: "
                  "see `set_aside_with_siblings`); these run for every size before any mdBook build, which "
                  "deletes its output (see `fresh_builds`). mdBook runs alternate with srebook's, run by run.",
              "", "Per-stage medians (ms; render and index run side by side):", ""]
    stage_names = list(results[0]["stages"])
    lines.append("| questions | " + " | ".join(stage_names) + " |")
    lines.append("|---|" + "---|" * len(stage_names))
    for r in results:
        lines.append(f"| {r['size']:,} | " + " | ".join(f"{r['stages'][s]:.0f}" for s in stage_names) + " |")
    if len(results) > 1:
        a, b = results[-2], results[-1]
        lines += ["", f"Growth {a['size']:,} → {b['size']:,} questions: {b['wall'] / a['wall']:.2f}× wall time "
                      f"for {b['size'] / a['size']:.0f}× input."]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--runs", type=int, default=5, help="runs per size (50k uses at most 3)")
    ap.add_argument("--quick", action="store_true", help="1k questions, one run (for CI)")
    ap.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = ap.parse_args()
    if not os.path.isfile(GENERATOR):
        print(f"skipped: {GENERATOR} not found")
        return
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    with_mdbook = shutil.which("mdbook") is not None
    runs_of = {size: 1 if args.quick else (min(args.runs, 3) if size >= 50000 else args.runs) for size in sizes}
    fresh = {size: fresh_builds(size, min(runs_of[size], 3)) for size in sizes}
    results = []
    for size in sizes:
        results.append(bench(size, runs_of[size], with_mdbook, fresh[size]))
        print(f"{size:>6} questions: {results[-1]['wall']:.3f} s, {results[-1]['rss']:.0f} MiB", flush=True)
    shutil.rmtree(TRASH, ignore_errors=True)
    text = report(results, args.quick)
    print(text)
    if not args.no_record and not args.quick:
        with open(os.path.join(ROOT, "benches", "RESULTS.md"), "a") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
