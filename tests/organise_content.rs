//! Our own example `content/`: the questions its five documents repeat on
//! purpose share a topic, and no two different questions do.
//!
//! The documents are ours, written to exercise dedup, so this test may name
//! their questions. Each question is given as (file name prefix, a part of
//! its text that only that question of the file contains).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use srebook::model::{Book, Topic};
use srebook::timings::Timings;
use srebook::{BookPaths, Config};

/// One question of content/: (file prefix, unique fragment).
type Question = (&'static str, &'static str);

/// The deliberate repeats that lexical similarity finds: each pair must
/// share a topic.
const REPEATS: &[(Question, Question)] = &[
    (("01", "choose SLIs and set SLOs"), ("03", "difference between an SLI")),
    (("01", "How do error budgets work"), ("03", "What is an error budget")),
    (("01", "How much downtime"), ("04", "convert an availability target")),
    (("03", "How is SRE different from DevOps"), ("05", "relate to DevOps")),
    (("01", "run a blameless postmortem"), ("03", "good postmortem")),
    (("01", "reduce alert fatigue"), ("02", "pager goes off")),
    (("02", "What counts as toil"), ("03", "What is toil")),
    (("02", "canary release and a blue-green"), ("04", "canary releases differ")),
    (("02", "Terraform state safely"), ("03", "Terraform state file")),
    (("04", "Design a rate limiter"), ("03", "build a rate limiter")),
    (("04", "What is consistent hashing"), ("03", "consistent hashing in simple terms")),
    (("01", "pod that keeps restarting"), ("02", "CrashLoopBackOff")),
    (("04", "estimate the capacity"), ("03", "plan capacity")),
    // Reworded stories, bridged by the general synonyms (conflict /
    // disagreement, teammate / colleague).
    (("04", "conflict with a teammate"), ("03", "disagreement with a colleague")),
    (("03", "caused a production outage"), ("05", "outage you caused in production")),
];

/// Different questions that look alike: each pair must stay apart.
const DIFFERENT: &[(Question, Question)] = &[
    // One adds a requirement (a TTL) that changes the solution.
    (("04", "Implement an LRU cache."), ("03", "LRU cache whose entries also expire")),
    (("02", "CI/CD pipeline"), ("02", "canary release and a blue-green")),
    (("01", "choose SLIs and set SLOs"), ("01", "SLO burn rate")),
    (("01", "How much downtime"), ("01", "choose an availability target")),
    (("04", "What is consistent hashing"), ("04", "load balancers decide")),
    (("04", "survive the loss of an entire availability zone"), ("04", "high availability and disaster recovery")),
    (("03", "caused a production outage"), ("03", "disagreement with a colleague")),
    (("01", "major production incident"), ("01", "run a blameless postmortem")),
];

/// The organised example book, with the repository's book.toml.
fn example_book() -> Book {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config_file = root.join("book.toml");
    let config = Config::load(&config_file).expect("book.toml parses");
    let paths = BookPaths {
        config_file: Some(config_file),
        content_dir: root.join("content"),
        output_dir: std::env::temp_dir().join(format!("srebook-organise-content-{}", std::process::id())),
        root_dir: root,
    };
    srebook::organise_book(&config, &paths, &mut Timings::default()).expect("content/ organises")
}

/// Looks questions up in the organised book.
struct Lookup<'b> {
    book: &'b Book,
    topic_of_entry: HashMap<&'b str, &'b Topic>,
}

impl<'b> Lookup<'b> {
    fn new(book: &'b Book) -> Lookup<'b> {
        let topic_of_entry =
            book.topics.iter().flat_map(|t| t.entries.iter().map(move |id| (id.as_str(), t))).collect();
        Lookup { book, topic_of_entry }
    }

    /// The entry id of a question; panics unless exactly one matches.
    fn id(&self, (file, fragment): Question) -> &'b str {
        let matches: Vec<&str> = self
            .book
            .entries
            .iter()
            .filter(|e| Path::new(&e.source).file_name().is_some_and(|n| n.to_string_lossy().starts_with(file)))
            .filter(|e| e.question.contains(fragment))
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(matches.len(), 1, "{file} {fragment:?} should name one question, names {matches:?}");
        matches[0]
    }

    fn topic(&self, question: Question) -> &'b Topic {
        self.topic_of_entry[self.id(question)]
    }

    fn merged(&self, a: Question, b: Question) -> bool {
        self.topic(a).slug == self.topic(b).slug
    }
}

#[test]
fn repeated_questions_merge_and_different_ones_do_not() {
    let book = example_book();
    let lookup = Lookup::new(&book);
    let mut failures = Vec::new();
    for &(a, b) in REPEATS {
        if !lookup.merged(a, b) {
            failures.push(format!("not merged: {a:?} / {b:?}"));
        }
    }
    for &(a, b) in DIFFERENT {
        if lookup.merged(a, b) {
            failures.push(format!("wrongly merged: {a:?} / {b:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_merge_is_a_deliberate_repeat() {
    let book = example_book();
    let lookup = Lookup::new(&book);
    let intended: Vec<[&str; 2]> = REPEATS.iter().map(|&(a, b)| [lookup.id(a), lookup.id(b)]).collect();
    for topic in book.topics.iter().filter(|t| t.entries.len() > 1) {
        let mut members: Vec<&str> = topic.entries.iter().map(String::as_str).collect();
        members.sort_unstable();
        let is_intended = intended.iter().any(|pair| {
            let mut pair = pair.to_vec();
            pair.sort_unstable();
            pair == members
        });
        assert!(is_intended, "topic {} merges questions that differ: {members:?}", topic.slug);
    }
}
