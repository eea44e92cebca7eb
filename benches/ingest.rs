//! Ingest throughput (walk + decode + segment) in MB/s on a generated corpus.
//!
//! `cargo bench --bench ingest -- [QUESTIONS]` generates a corpus with
//! `../shared/corpus/gen_corpus.py` (default 10,000 questions) into
//! `target/bench-corpus/`, then times five ingests and prints the median.

use std::path::PathBuf;
use std::time::Instant;

#[path = "support/corpus.rs"]
mod support;

fn corpus(questions: usize) -> PathBuf {
    support::generated_corpus(questions)
}

fn main() {
    let questions: usize =
        std::env::args().skip(1).find(|a| !a.starts_with('-')).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = corpus(questions);
    let mut runs = Vec::new();
    let mut bytes = 0u64;
    let mut entries = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let walked = srebook::ingest::walk(&dir, &[]).unwrap();
        let decoded = srebook::ingest::decode_all(&walked.files);
        let segmented = srebook::ingest::segment_all(&decoded.docs);
        runs.push(start.elapsed().as_secs_f64());
        bytes = walked.files.iter().filter_map(|f| std::fs::metadata(&f.abs_path).ok()).map(|m| m.len()).sum();
        entries = segmented.entries.len();
    }
    runs.sort_by(f64::total_cmp);
    let median = runs[runs.len() / 2];
    let mb = bytes as f64 / 1e6;
    println!(
        "ingest {questions} questions: {mb:.1} MB, {entries} entries, median {:.0} ms over {} runs = {:.1} MB/s",
        median * 1000.0,
        runs.len(),
        mb / median
    );
}
