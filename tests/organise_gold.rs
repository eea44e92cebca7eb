//! End-to-end quality of the organise stage on the five seed documents,
//! measured against the hand labels in `../shared/gold/questions.jsonl`.
//!
//! Runs the real pipeline (walk, decode, segment, classify, dedup), matches
//! predicted question entries to gold units by (source file name, line) and
//! checks chapter accuracy, merge precision and recall, and how many gold
//! duplicate pairs a reader can reach (merged, or listed as related).
//! Pairs are counted over gold questions only.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use srebook::model::{Book, EntryKind};
use srebook::timings::Timings;
use srebook::{BookPaths, Config};

const SHARED: &str = "../shared";

/// One labelled unit of the gold file (only the fields this test needs).
#[derive(Debug, serde::Deserialize)]
struct GoldUnit {
    id: String,
    seed: String,
    line: usize,
    kind: String,
    chapter: String,
    alt_chapter: String,
    cluster: String,
}

fn load_gold(path: &Path) -> Vec<GoldUnit> {
    let text = std::fs::read_to_string(path).expect("gold file is readable");
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("gold line parses")).collect()
}

/// The figures the test asserts on.
#[derive(Debug, Default)]
struct Figures {
    matched: usize,
    gold_questions: usize,
    chapter_correct: usize,
    predicted_pairs: usize,
    predicted_pairs_correct: usize,
    gold_pairs: usize,
    gold_pairs_merged: usize,
    gold_pairs_reachable: usize,
}

impl Figures {
    fn ratio(numerator: usize, denominator: usize) -> f64 {
        if denominator == 0 {
            1.0
        } else {
            numerator as f64 / denominator as f64
        }
    }
    fn chapter_accuracy(&self) -> f64 {
        Self::ratio(self.chapter_correct, self.gold_questions)
    }
    fn precision(&self) -> f64 {
        Self::ratio(self.predicted_pairs_correct, self.predicted_pairs)
    }
    fn recall(&self) -> f64 {
        Self::ratio(self.gold_pairs_merged, self.gold_pairs)
    }
    fn reachability(&self) -> f64 {
        Self::ratio(self.gold_pairs_reachable, self.gold_pairs)
    }
}

/// File name of a source path (`sub/dir/000_x.txt` → `000_x.txt`).
fn file_name(source: &str) -> &str {
    source.rsplit('/').next().unwrap_or(source)
}

fn measure(book: &Book, gold: &[GoldUnit]) -> Figures {
    let gold_questions: Vec<&GoldUnit> = gold.iter().filter(|g| g.kind == "question").collect();
    // Entry id → index of its topic.
    let topic_of_entry: HashMap<&str, usize> = book
        .topics
        .iter()
        .enumerate()
        .flat_map(|(t, topic)| topic.entries.iter().map(move |id| (id.as_str(), t)))
        .collect();
    let by_place: HashMap<(&str, usize), &srebook::model::Entry> = book
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Question)
        .map(|e| ((file_name(&e.source), e.line), e))
        .collect();
    let topic_index: HashMap<&str, usize> = book.topics.iter().enumerate().map(|(i, t)| (t.slug.as_str(), i)).collect();

    let mut figures = Figures { gold_questions: gold_questions.len(), ..Figures::default() };
    // (gold unit, topic index) for every matched gold question.
    let mut matched: Vec<(&GoldUnit, usize)> = Vec::new();
    for unit in &gold_questions {
        let Some(entry) = by_place.get(&(unit.seed.as_str(), unit.line)) else {
            eprintln!("unmatched gold question {} ({}:{})", unit.id, unit.seed, unit.line);
            continue;
        };
        figures.matched += 1;
        if entry.chapter == unit.chapter || (!unit.alt_chapter.is_empty() && entry.chapter == unit.alt_chapter) {
            figures.chapter_correct += 1;
        } else {
            eprintln!(
                "chapter: {} predicted {}, gold {} / {:?}",
                unit.id, entry.chapter, unit.chapter, unit.alt_chapter
            );
        }
        matched.push((unit, topic_of_entry[entry.id.as_str()]));
    }

    let related = |from: usize, to: usize| -> bool {
        book.topics[from].related.iter().any(|slug| topic_index.get(slug.as_str()) == Some(&to))
    };
    for (i, &(a, topic_a)) in matched.iter().enumerate() {
        for &(b, topic_b) in &matched[i + 1..] {
            let same_gold = a.cluster == b.cluster;
            let same_topic = topic_a == topic_b;
            if same_topic {
                figures.predicted_pairs += 1;
                if same_gold {
                    figures.predicted_pairs_correct += 1;
                } else {
                    eprintln!("false merge: {} + {} ({} / {})", a.id, b.id, a.cluster, b.cluster);
                }
            }
            if same_gold {
                figures.gold_pairs += 1;
                if same_topic {
                    figures.gold_pairs_merged += 1;
                }
                if same_topic || related(topic_a, topic_b) || related(topic_b, topic_a) {
                    figures.gold_pairs_reachable += 1;
                } else {
                    eprintln!("unreachable: {} + {} ({})", a.id, b.id, a.cluster);
                }
            }
        }
    }
    figures
}

#[test]
fn organise_matches_gold_labels() {
    let gold_path = PathBuf::from(SHARED).join("gold/questions.jsonl");
    let seeds = PathBuf::from(SHARED).join("seeds");
    if !gold_path.is_file() || !seeds.is_dir() {
        eprintln!("skipped: {} or {} is missing", gold_path.display(), seeds.display());
        return;
    }
    let gold = load_gold(&gold_path);
    let output = std::env::temp_dir().join(format!("srebook-organise-gold-{}", std::process::id()));
    let paths = BookPaths { config_file: None, content_dir: seeds, output_dir: output, root_dir: ".".into() };
    let config = Config::default();
    let mut timings = Timings::default();
    let started = Instant::now();
    let book = srebook::organise_book(&config, &paths, &mut timings).expect("the seeds organise");
    let elapsed = started.elapsed();
    let organise_time: std::time::Duration = timings
        .stages()
        .iter()
        .filter(|(name, _)| ["classify", "dedup", "organise"].contains(name))
        .map(|(_, d)| *d)
        .sum();

    let figures = measure(&book, &gold);
    let questions = book.entries.iter().filter(|e| e.kind == EntryKind::Question).count();
    let merged_topics = book.topics.iter().filter(|t| t.entries.len() > 1).count();
    println!(
        "entries: {} ({questions} questions), topics: {} ({merged_topics} merged)",
        book.entries.len(),
        book.topics.len()
    );
    println!("gold questions matched: {}/{}", figures.matched, figures.gold_questions);
    println!(
        "chapter accuracy: {:.3} ({}/{})",
        figures.chapter_accuracy(),
        figures.chapter_correct,
        figures.gold_questions
    );
    println!(
        "merge precision: {:.3} ({}/{} predicted pairs)",
        figures.precision(),
        figures.predicted_pairs_correct,
        figures.predicted_pairs
    );
    println!("merge recall: {:.3} ({}/{} gold pairs)", figures.recall(), figures.gold_pairs_merged, figures.gold_pairs);
    println!(
        "reachability: {:.3} ({}/{} gold pairs)",
        figures.reachability(),
        figures.gold_pairs_reachable,
        figures.gold_pairs
    );
    println!("classify+dedup: {organise_time:?} (whole organise_book: {elapsed:?})");

    for guide in book.entries.iter().filter(|e| e.kind == EntryKind::Guide) {
        println!("guide {} ({}) -> {}", guide.id, guide.question, guide.chapter);
    }
    let slugs: HashSet<&str> = book.topics.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs.len(), book.topics.len(), "topic slugs are unique");
    assert!(figures.matched as f64 >= 0.95 * figures.gold_questions as f64, "most gold questions are segmented");
    assert!(figures.chapter_accuracy() >= 0.90, "chapter accuracy {:.3}", figures.chapter_accuracy());
    assert!(figures.precision() >= 0.85, "merge precision {:.3}", figures.precision());
    assert!(figures.recall() >= 0.35, "merge recall {:.3}", figures.recall());
    assert!(figures.reachability() >= 0.85, "reachability {:.3}", figures.reachability());
}
