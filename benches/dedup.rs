//! Classify + dedup on generated corpora: time, peak memory, and precision
//! and recall against the duplicates the generator planted.
//!
//! `cargo bench --bench dedup -- [SIZES...]` (default: 10000 50000)
//! generates each corpus with `../shared/corpus/gen_corpus.py` into
//! `target/bench-corpus/syn<N>/` (kept for later runs), then measures each
//! size in a fresh child process, so that every size's peak memory
//! (`VmHWM`) is its own. A run prints one line per size and the growth of
//! the time from the smallest size to the largest.
//!
//! The planted duplicates are the manifest's `dup_of` links: an item and
//! the item it rewords. Two items are a gold pair when they reword the same
//! original; a predicted pair is two items on one topic. Pairs count over
//! the items matched to an entry (by file and question text). The
//! generator also repeats many originals word for word, which the manifest
//! counts as different questions, so a second figure also counts items
//! whose questions read the same as duplicates.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use srebook::model::{Entry, EntryKind};
use srebook::{organise, Config};

/// Sizes measured when none are given.
const DEFAULT_SIZES: [usize; 2] = [10_000, 50_000];

/// The argument that makes the bench measure one size in this process.
const CHILD_FLAG: &str = "--measure-one";

/// One item of the generator's manifest (the fields this bench reads).
#[derive(Debug, serde::Deserialize)]
struct Item {
    id: usize,
    file: String,
    question: String,
    dup_of: Option<usize>,
}

#[derive(Debug, serde::Deserialize)]
struct Manifest {
    items: Vec<Item>,
}

#[path = "support/corpus.rs"]
mod support;

fn corpus(questions: usize) -> PathBuf {
    support::generated_corpus(questions)
}

/// Peak resident memory of this process so far, in MiB (Linux only).
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Lowercase words only: the generator's question text and the entry's
/// cleaned question compare equal whatever markup or repair came between.
fn normalise(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Manifest item → index of the entry it became, by file and question.
fn match_items(items: &[Item], entries: &[Entry]) -> HashMap<usize, usize> {
    let mut by_text: HashMap<(&str, String), Vec<usize>> = HashMap::new();
    for (index, entry) in entries.iter().enumerate().filter(|(_, e)| e.kind == EntryKind::Question) {
        by_text.entry((entry.source.as_str(), normalise(&entry.question))).or_default().push(index);
    }
    let mut matched = HashMap::new();
    for item in items {
        if let Some(candidates) = by_text.get_mut(&(item.file.as_str(), normalise(&item.question))) {
            if !candidates.is_empty() {
                matched.insert(item.id, candidates.remove(0));
            }
        }
    }
    matched
}

/// The planted duplicate groups: each item's group is the original it
/// rewords (itself when it is an original). With `same_text`, items whose
/// questions read the same are one group too: the generator draws many
/// originals from one template ("Tell me about a time you dealt with X."),
/// and a reader wants those on one page, although the manifest calls them
/// different questions.
fn planted_groups(items: &[Item], same_text: bool) -> HashMap<usize, usize> {
    let index: HashMap<usize, usize> = items.iter().enumerate().map(|(i, item)| (item.id, i)).collect();
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let join = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        parent[ra.max(rb)] = ra.min(rb);
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(&original) = item.dup_of.and_then(|id| index.get(&id)) {
            join(&mut parent, i, original);
        }
    }
    if same_text {
        let mut first_with: HashMap<String, usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let first = *first_with.entry(normalise(&item.question)).or_insert(i);
            join(&mut parent, i, first);
        }
    }
    items.iter().enumerate().map(|(i, item)| (item.id, root(&mut parent, i))).collect()
}

/// Number of pairs within groups of the given sizes.
fn pairs<'a>(sizes: impl Iterator<Item = &'a usize>) -> usize {
    sizes.map(|n| n * (n - 1) / 2).sum()
}

/// Pairwise precision and recall of the topics against `groups`, over the
/// matched items: `(precision, recall, group pairs)`.
fn precision_recall(
    groups: &HashMap<usize, usize>,
    matched: &HashMap<usize, usize>,
    topic_of: &[usize],
) -> (f64, f64, usize) {
    let mut gold: HashMap<usize, usize> = HashMap::new();
    let mut predicted: HashMap<usize, usize> = HashMap::new();
    let mut both: HashMap<(usize, usize), usize> = HashMap::new();
    for (item, &entry) in matched {
        let (group, topic) = (groups[item], topic_of[entry]);
        *gold.entry(group).or_default() += 1;
        *predicted.entry(topic).or_default() += 1;
        *both.entry((group, topic)).or_default() += 1;
    }
    let (gold_pairs, predicted_pairs, correct) =
        (pairs(gold.values()), pairs(predicted.values()), pairs(both.values()));
    let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    (ratio(correct, predicted_pairs), ratio(correct, gold_pairs), gold_pairs)
}

/// Measures one size in this process and prints its line; returns the
/// classify + dedup time in seconds.
fn measure(questions: usize) -> f64 {
    let dir = corpus(questions);
    let manifest: Manifest =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json is readable"))
            .expect("manifest.json parses");
    let walked = srebook::ingest::walk(&dir, &[]).expect("the corpus folder is readable");
    let decoded = srebook::ingest::decode_all(&walked.files);
    let entries = srebook::ingest::segment_all(&decoded.docs).entries;
    drop(decoded);
    let memory_before = peak_memory_mib();

    let config = Config::default();
    let started = Instant::now();
    let mut analysis = organise::Analysis::of(&entries);
    let analysed = started.elapsed();
    let entries = organise::classify_entries(&config, entries, &mut analysis);
    let classified = started.elapsed();
    let (_, topics) = organise::deduplicate_analysed(&config, Path::new("book.toml"), &entries, analysis)
        .expect("no overrides to resolve");
    let total = started.elapsed();
    let memory_after = peak_memory_mib();

    let index: HashMap<&str, usize> = entries.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    let mut topic_of = vec![0; entries.len()];
    for (t, topic) in topics.iter().enumerate() {
        for id in &topic.entries {
            topic_of[index[id.as_str()]] = t;
        }
    }
    let matched = match_items(&manifest.items, &entries);
    let (precision, recall, gold_pairs) =
        precision_recall(&planted_groups(&manifest.items, false), &matched, &topic_of);
    let (same_text_precision, same_text_recall, same_text_pairs) =
        precision_recall(&planted_groups(&manifest.items, true), &matched, &topic_of);
    let mib = |m: Option<f64>| m.map_or("n/a".to_owned(), |m| format!("{m:.0} MiB"));
    println!(
        "dedup {questions} questions: {} entries, {} topics | analyse {:.2} s, classify {:.2} s, dedup {:.2} s, \
         total {:.2} s | peak memory {} ({} after ingest) | planted: precision {precision:.3}, recall {recall:.3} \
         ({gold_pairs} pairs) | planted or same text: precision {same_text_precision:.3}, recall \
         {same_text_recall:.3} ({same_text_pairs} pairs) | {}/{} items matched",
        entries.len(),
        topics.len(),
        analysed.as_secs_f64(),
        (classified - analysed).as_secs_f64(),
        (total - classified).as_secs_f64(),
        total.as_secs_f64(),
        mib(memory_after),
        mib(memory_before),
        matched.len(),
        manifest.items.len(),
    );
    total.as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == CHILD_FLAG) {
        let questions = args.get(at + 1).and_then(|n| n.parse().ok()).expect("a size after --measure-one");
        println!("{}", measure(questions));
        return;
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = DEFAULT_SIZES.to_vec();
    }
    sizes.sort_unstable();
    let exe = std::env::current_exe().expect("the bench knows its own path");
    let mut times = Vec::new();
    for &size in &sizes {
        corpus(size); // generate outside the child, so it never counts
        let output = Command::new(&exe).args([CHILD_FLAG, &size.to_string()]).output().expect("the bench runs itself");
        assert!(output.status.success(), "measuring {size} failed: {}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let mut lines: Vec<&str> = stdout.lines().collect();
        let seconds: f64 = lines.pop().and_then(|l| l.parse().ok()).expect("the child prints its time last");
        for line in lines {
            println!("{line}");
        }
        times.push((size, seconds));
    }
    if let (Some(&(small, first)), Some(&(large, last))) = (times.first(), times.last()) {
        if large > small {
            println!(
                "time grows {:.1}x from {small} to {large} questions ({:.1}x the questions)",
                last / first,
                large as f64 / small as f64
            );
        }
    }
}
