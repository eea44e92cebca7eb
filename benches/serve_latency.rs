//! Edit-to-reload latency of `srebook serve`, debounce included: the time
//! from writing a source to the live-reload socket saying "reload", as a
//! browser showing `print.html` would hear it. Median over 10 edits.
//!
//! `cargo bench --bench serve_latency [-- seeds] [-- 10000]` measures the
//! real seeds (`../shared/seeds`) and a generated corpus of that many
//! questions (`../shared/corpus/gen_corpus.py`, cached in
//! `target/bench-corpus/`); with no argument, both the seeds and 10,000.
//! Each runs on a scratch copy under `target/bench-serve/`, with the server
//! on 127.0.0.1. Each edit is made with the server idle (the search indexes
//! it builds after each reload are finished). The server's own per-stage
//! timings of those rebuilds are printed too, to show where the time goes.

#[path = "support/corpus.rs"]
mod corpus;
#[path = "../tests/serve/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::{LiveSocket, Server, WAIT};

const EDITS: usize = 10;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let corpora = if args.is_empty() { vec!["seeds".to_string(), "10000".to_string()] } else { args };
    for corpus in corpora {
        let Some(source) = corpus_dir(&corpus) else { continue };
        bench(&corpus, &source);
    }
}

/// The folder of sources for `name` (`seeds` or a number of questions).
fn corpus_dir(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if name == "seeds" {
        let seeds = root.join("../shared/seeds");
        if !seeds.is_dir() {
            eprintln!("skipped seeds: ../shared/seeds is not beside the repository");
            return None;
        }
        return Some(seeds);
    }
    let questions: usize = name.parse().expect("a corpus is `seeds` or a number of questions");
    Some(corpus::generated_corpus(questions))
}

fn bench(name: &str, source: &Path) {
    let work = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-serve").join(name);
    let _ = std::fs::remove_dir_all(&work);
    let content = work.join("content");
    std::fs::create_dir_all(&content).unwrap();
    let mut sources: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.file_name().is_some_and(|n| n != "manifest.json") {
            let copy = content.join(path.file_name().unwrap());
            std::fs::copy(&path, &copy).unwrap();
            sources.push(copy);
        }
    }
    sources.sort();
    let edited = &sources[sources.len() / 2];

    let started = Instant::now();
    let mut server = Server::start(&work, &[]);
    let first_build = started.elapsed();
    let mut latencies = Vec::new();
    for edit in 0..EDITS {
        // A browser that has just loaded print.html (which every edit changes).
        let status = server.status();
        let generation = status["generation"].as_u64().unwrap();
        let mut socket =
            LiveSocket::connect(&server.addr, "/print.html", generation, status["server"].as_str().unwrap());
        assert_eq!(socket.next(WAIT).unwrap()["reload"], false);

        let mut text = std::fs::read_to_string(edited).unwrap();
        text.push_str(&format!("\nLatency marker {edit}.\n"));
        let saved = Instant::now();
        std::fs::write(edited, text).unwrap();
        socket.wait_for(WAIT, |message| message["reload"] == true);
        latencies.push(saved.elapsed());
        server.wait_for_line("Rebuilt in");
        // The search indexes follow the reload on another thread; measure
        // the next edit from an idle server.
        server.wait_for_line("search indexes updated");
        std::thread::sleep(Duration::from_millis(300));
    }
    let log = server.log();
    drop(server);

    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "serve {name}: edit-to-reload median {:.0} ms (min {:.0}, max {:.0}) over {EDITS} edits of {}; first build + start {:.0} ms",
        ms(latencies[EDITS / 2]),
        ms(latencies[0]),
        ms(latencies[EDITS - 1]),
        edited.file_name().unwrap().to_string_lossy(),
        ms(first_build),
    );
    println!("  server stages, median over the rebuilds: {}", stage_medians(&log));
}

/// Median per stage over the rebuilds after the first, from the server's
/// `Rebuilt in … [stage ms, …]` lines.
fn stage_medians(log: &str) -> String {
    let mut stages: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for line in log.lines().filter(|l| l.starts_with("Rebuilt in")).skip(1) {
        let Some(list) = line.rsplit_once('[').map(|(_, rest)| rest.trim_end_matches(" ms]")) else { continue };
        for item in list.split(", ") {
            if let Some((stage, value)) = item.rsplit_once(' ') {
                if !order.iter().any(|s| s == stage) {
                    order.push(stage.to_string());
                }
                stages.entry(stage.to_string()).or_default().push(value.parse().unwrap_or(0.0));
            }
        }
        let total = line.split_whitespace().nth(2).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        stages.entry("total".into()).or_default().push(total);
    }
    order.push("total".into());
    order
        .iter()
        .filter_map(|stage| {
            let values = stages.get_mut(stage)?;
            values.sort_by(f64::total_cmp);
            Some(format!("{stage} {:.1}", values[values.len() / 2]))
        })
        .collect::<Vec<_>>()
        .join(", ")
        + " ms"
}
