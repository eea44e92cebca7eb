//! Organise: put each entry in a chapter, merge entries that ask the same
//! thing into topics, and link related topics.
//!
//! - [`classify`] scores every entry against the chapter taxonomy of
//!   book.toml (`classify.rs` explains the evidence and how it is combined).
//! - [`deduplicate`] compares entries (`similarity.rs`), keeps apart pairs
//!   where one question adds a requirement to the other (`requirement.rs`),
//!   clusters the ones that ask the same thing with average link
//!   (`cluster.rs`), honouring the author's `[[dedup.merge]]` and
//!   `[[dedup.separate]]` groups (`overrides.rs`), turns clusters into
//!   topics with a canonical title, variants and related topics
//!   (`topics.rs`), and orders each chapter (`order.rs`), under its
//!   `[[chapters.sections]]` when it has some (`sections.rs`).
//! - [`organise`] does both, analysing the text once (`corpus.rs`); the
//!   pipeline calls the steps one by one through [`Analysis`] to time them.
//! - [`dedup_review`] reports the merges and the closest pairs left apart,
//!   with the reason, for `srebook check --dedup` (`review.rs`).
//! - [`overlap()`] counts which chapters each source covers and the topics
//!   sources share, for the Overlap page.
//!
//! Everything is deterministic: the same entries and book.toml give the same
//! chapters, topics and slugs. Work that is independent per entry runs on
//! rayon; nothing compares all pairs of entries, so 50,000 entries organise
//! in a few seconds.

mod classify;
mod cluster;
mod corpus;
mod intent;
mod order;
mod overlap;
mod overrides;
mod requirement;
mod review;
mod sections;
mod similarity;
mod topics;
mod vectors;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use self::cluster::Constraints;
use self::corpus::Corpus;
pub use self::overlap::{overlap, Overlap};
use self::requirement::Requirements;
pub use self::review::{dedup_review, ApartReason, DedupReview, MergedTopic, NearMiss, NEAR_MISS_LIMIT};
pub use self::similarity::Similarity;
use self::similarity::{LexicalSimilarity, SimilarityGraph, SourcePrior, MERGE_ANSWER_TERMS, RELATED_ANSWER_TERMS};
use crate::model::{Chapter, Entry, Topic};
use crate::{Config, Result};

/// Assigns every entry a chapter slug from the taxonomy in `config`.
pub fn classify(config: &Config, mut entries: Vec<Entry>) -> Vec<Entry> {
    let mut corpus = Corpus::analyse(&entries);
    classify_analysed(config, &mut entries, &mut corpus);
    entries
}

/// Groups entries into topics and orders them into chapters.
/// `config_path` names book.toml in override errors.
pub fn deduplicate(config: &Config, config_path: &Path, entries: &[Entry]) -> Result<(Vec<Chapter>, Vec<Topic>)> {
    let grouping = Grouping::new(config, config_path, entries, Corpus::analyse(entries))?;
    Ok((grouping.chapters, grouping.topics))
}

/// The entries' text, tokenised, stemmed and weighted once for both
/// [`classify_analysed`] and [`deduplicate_analysed`] (analysis is most of the
/// cost of each on a large corpus).
pub struct Analysis(Corpus);

impl Analysis {
    /// Analyses `entries`; pass the same entries, in the same order, to the
    /// `*_analysed` functions.
    pub fn of(entries: &[Entry]) -> Analysis {
        Analysis(Corpus::analyse(entries))
    }
}

/// [`classify`] on analysed text.
pub fn classify_entries(config: &Config, mut entries: Vec<Entry>, analysis: &mut Analysis) -> Vec<Entry> {
    classify_analysed(config, &mut entries, &mut analysis.0);
    entries
}

/// [`deduplicate`] on analysed text.
pub fn deduplicate_analysed(
    config: &Config,
    config_path: &Path,
    entries: &[Entry],
    analysis: Analysis,
) -> Result<(Vec<Chapter>, Vec<Topic>)> {
    let grouping = Grouping::new(config, config_path, entries, analysis.0)?;
    Ok((grouping.chapters, grouping.topics))
}

/// [`classify`] then [`deduplicate`], analysing the text once.
pub fn organise(
    config: &Config,
    config_path: &Path,
    entries: Vec<Entry>,
) -> Result<(Vec<Entry>, Vec<Chapter>, Vec<Topic>)> {
    let mut analysis = Analysis::of(&entries);
    let entries = classify_entries(config, entries, &mut analysis);
    let (chapters, topics) = deduplicate_analysed(config, config_path, &entries, analysis)?;
    Ok((entries, chapters, topics))
}

fn classify_analysed(config: &Config, entries: &mut [Entry], corpus: &mut Corpus) {
    if config.chapters.is_empty() {
        return;
    }
    let classifier = classify::Classifier::new(&config.chapters, &config.classify, corpus);
    let chapters = classifier.classify_all(&corpus.entries);
    for (entry, chapter) in entries.iter_mut().zip(chapters) {
        entry.chapter = config.chapters[chapter].slug.clone();
    }
}

/// Everything dedup works out, kept together for [`deduplicate`] and
/// [`dedup_review`].
struct Grouping {
    /// Entry indices of each topic, in the order of `topics`.
    clusters: Vec<Vec<usize>>,
    graph: SimilarityGraph,
    /// Pairs kept apart because one adds a requirement to the other, with
    /// the requirement.
    kept_apart: Vec<(usize, usize, &'static str)>,
    /// The author's overrides and the pairs kept apart, as the clustering
    /// saw them.
    constraints: Constraints,
    topics: Vec<Topic>,
    chapters: Vec<Chapter>,
}

impl Grouping {
    fn new(config: &Config, config_path: &Path, entries: &[Entry], mut corpus: Corpus) -> Result<Grouping> {
        let settings = &config.dedup;
        let mut constraints = overrides::resolve(settings, entries, config_path)?;
        let mut source_ids: HashMap<&str, usize> = HashMap::new();
        let sources = entries
            .iter()
            .map(|e| {
                let next = source_ids.len();
                *source_ids.entry(e.source.as_str()).or_insert(next)
            })
            .collect();
        let merge_similarity = SourcePrior {
            inner: LexicalSimilarity::new(&corpus, settings.question_weight, MERGE_ANSWER_TERMS),
            sources,
            same_source_factor: settings.same_source_factor,
        };
        let candidates = merge_similarity.candidates();
        // Near misses reported by the review lie below the merge threshold.
        let merge_floor = settings.related_threshold.min(settings.threshold);
        let graph = SimilarityGraph::build(&merge_similarity, &candidates, merge_floor);
        // Related links and the clustering are independent, and clustering
        // runs on one core: the related graph takes the other.
        let (related_graph, (kept_apart, clusters)) = rayon::join(
            || {
                let related = LexicalSimilarity::new(&corpus, settings.question_weight, RELATED_ANSWER_TERMS);
                SimilarityGraph::build(&related, &candidates, settings.related_threshold)
            },
            || {
                // One question adding a requirement to another keeps the
                // two apart, unless the author merged them.
                let requirements = Requirements::new(&corpus.entries, &corpus.vocabulary);
                let kept_apart: Vec<(usize, usize, &'static str)> = graph
                    .edges()
                    .filter_map(|(a, b, _)| requirements.added_requirement(a, b).map(|why| (a, b, why)))
                    .filter(|&(a, b, _)| !constraints.must_join(a, b))
                    .collect();
                for &(a, b, _) in &kept_apart {
                    constraints.keep_apart(a, b);
                }
                // Questions only merge with questions, guides with guides.
                let mergeable = graph.edges().filter(|&(a, b, _)| entries[a].kind == entries[b].kind);
                (kept_apart, cluster::average_link(entries.len(), mergeable, settings.threshold, &constraints))
            },
        );
        let topics = topics::build_topics(entries, &corpus.entries, &clusters, &graph, &related_graph, settings);
        let chapters = order::chapters_in_reading_order(config, entries, &mut corpus, &clusters, &topics);
        Ok(Grouping { clusters, graph, kept_apart, constraints, topics, chapters })
    }
}
