//! Edit-to-reload latency of `srebook serve`, debounce included: the time
//! from writing a source to the live-reload socket saying "reload", as a
//! browser showing the edited answer's page would hear it. Median over 10
//! edits, each appending a sentence to the last answer of one source.
//!
//! `cargo bench --bench serve_latency [-- seeds] [-- 10000]` measures the
//! real seeds (`../shared/seeds`) and a generated corpus of that many
//! questions (`../shared/corpus/gen_corpus.py`, cached in
//! `target/bench-corpus/`); with no argument, both the seeds and 10,000.
//! Each runs on a scratch copy under `target/bench-serve/`, with the server
//! on 127.0.0.1. Each edit is made with the server idle: the book settled
//! (organised in full again after the answer-only reload) and the search
//! indexes rebuilt. The server's own per-stage timings of those rebuilds,
//! and of settling, are printed too, to show where the time goes.

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
    let watched = page_of_last_entry(&work, edited);

    let started = Instant::now();
    let mut server = Server::start(&work, &[]);
    let first_build = started.elapsed();
    let mut latencies = Vec::new();
    for edit in 0..EDITS {
        // A browser that has just loaded the page of the answer being edited.
        let status = server.status();
        let generation = status["generation"].as_u64().unwrap();
        let mut socket = LiveSocket::connect(&server.addr, &watched, generation, status["server"].as_str().unwrap());
        assert_eq!(socket.next(WAIT).unwrap()["reload"], false);

        let mut text = std::fs::read_to_string(edited).unwrap();
        text.push_str(&format!("\nLatency marker {edit}.\n"));
        let saved = Instant::now();
        std::fs::write(edited, text).unwrap();
        socket.wait_for(WAIT, |message| message["reload"] == true);
        latencies.push(saved.elapsed());
        server.wait_for_line("Rebuilt in");
        // Settling and the search indexes follow the reload; measure the
        // next edit from an idle server.
        server.wait_for_lines(&["settled in", "search indexes updated"]);
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
    println!("  server stages, median over the rebuilds: {}", stage_medians(&log, "Rebuilt in"));
    println!("  settling after each reload, median: {}", stage_medians(&log, "  settled in"));
}

/// The site path (`/chapter/topic.html`) of the page showing the last
/// answer of `source`, which the edits append to, from `srebook inspect`.
fn page_of_last_entry(work: &Path, source: &Path) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_srebook"))
        .args(["inspect", "--json", "--content"])
        .arg(work.join("content"))
        .current_dir(work)
        .output()
        .expect("srebook inspect runs");
    assert!(output.status.success(), "srebook inspect failed: {}", String::from_utf8_lossy(&output.stderr));
    let book: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let name = source.file_name().unwrap().to_string_lossy();
    let last = book["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"].as_str() == Some(&*name))
        .max_by_key(|e| e["line"].as_u64())
        .expect("the edited source has entries");
    let id = last["id"].as_str().unwrap();
    let topic = book["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["entries"].as_array().unwrap().iter().any(|e| e.as_str() == Some(id)))
        .expect("every entry is in a topic");
    format!("/{}/{}.html", topic["chapter"].as_str().unwrap(), topic["slug"].as_str().unwrap())
}

/// Median per stage over the server's lines starting with `prefix`
/// (`Rebuilt in … [stage ms, …]` after the first build, or the settling
/// lines).
fn stage_medians(log: &str, prefix: &str) -> String {
    let mut stages: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let skip = usize::from(prefix == "Rebuilt in");
    for line in log.lines().filter(|l| l.starts_with(prefix)).skip(skip) {
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
