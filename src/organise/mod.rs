//! Organise: put each entry in a chapter, merge entries that ask the same
//! thing into topics, and link related topics.
//!
//! - [`classify`] scores every entry against the chapter taxonomy of
//!   book.toml (`classify.rs` explains the evidence and how it is combined).
//! - [`deduplicate`] compares entries (`similarity.rs`), clusters the ones
//!   that ask the same thing with average link (`cluster.rs`), honouring the
//!   author's `[[dedup.merge]]` and `[[dedup.separate]]` groups
//!   (`overrides.rs`), turns clusters into topics with a canonical title,
//!   variants and related topics (`topics.rs`), and orders each chapter
//!   (`order.rs`).
//! - [`organise`] does both, analysing the text once (`corpus.rs`); the
//!   pipeline calls the steps one by one through [`Analysis`] to time them.
//! - [`dedup_review`] reports the merges and the closest pairs left apart,
//!   for `srebook check --dedup`.
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
mod overrides;
mod similarity;
mod topics;
mod vectors;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use self::corpus::Corpus;
pub use self::similarity::Similarity;
use self::similarity::{LexicalSimilarity, SimilarityGraph, SourcePrior, MERGE_ANSWER_TERMS, RELATED_ANSWER_TERMS};
use crate::model::{Chapter, Entry, Topic};
use crate::{Config, Result};

/// How many near misses [`dedup_review`] reports at most.
pub const NEAR_MISS_LIMIT: usize = 30;

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

/// What dedup decided, for an author to review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DedupReview {
    /// Every topic that merged two or more entries, in the order of their
    /// first entry.
    pub merges: Vec<MergedTopic>,
    /// The most similar pairs of entries left in different topics, most
    /// similar first: candidates for a `[[dedup.merge]]`.
    pub near_misses: Vec<NearMiss>,
}

/// A topic made of several entries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergedTopic {
    pub slug: String,
    /// Entry ids, canonical first.
    pub entries: Vec<String>,
    /// The members' questions, in the same order.
    pub questions: Vec<String>,
}

/// Two entries of the same kind that dedup kept apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMiss {
    pub a_id: String,
    pub a_question: String,
    pub b_id: String,
    pub b_question: String,
    pub similarity: f64,
}

/// Runs dedup and reports its merges and its near misses.
pub fn dedup_review(config: &Config, config_path: &Path, entries: &[Entry]) -> Result<DedupReview> {
    let grouping = Grouping::new(config, config_path, entries, Corpus::analyse(entries))?;
    let by_id: HashMap<&str, &Entry> = entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let merges = grouping
        .topics
        .iter()
        .filter(|topic| topic.entries.len() > 1)
        .map(|topic| MergedTopic {
            slug: topic.slug.clone(),
            entries: topic.entries.clone(),
            questions: topic.entries.iter().map(|id| by_id[id.as_str()].question.clone()).collect(),
        })
        .collect();
    let mut topic_of = vec![0; entries.len()];
    for (cluster, members) in grouping.clusters.iter().enumerate() {
        for &member in members {
            topic_of[member] = cluster;
        }
    }
    let mut near: Vec<(usize, usize, f64)> = grouping
        .graph
        .edges()
        .filter(|&(a, b, _)| topic_of[a] != topic_of[b] && entries[a].kind == entries[b].kind)
        .collect();
    near.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    let near_misses = near
        .into_iter()
        .take(NEAR_MISS_LIMIT)
        .map(|(a, b, similarity)| NearMiss {
            a_id: entries[a].id.clone(),
            a_question: entries[a].question.clone(),
            b_id: entries[b].id.clone(),
            b_question: entries[b].question.clone(),
            similarity,
        })
        .collect();
    Ok(DedupReview { merges, near_misses })
}

/// Everything dedup works out, kept together for [`deduplicate`] and
/// [`dedup_review`].
struct Grouping {
    /// Entry indices of each topic, in the order of `topics`.
    clusters: Vec<Vec<usize>>,
    graph: SimilarityGraph,
    topics: Vec<Topic>,
    chapters: Vec<Chapter>,
}

impl Grouping {
    fn new(config: &Config, config_path: &Path, entries: &[Entry], mut corpus: Corpus) -> Result<Grouping> {
        let settings = &config.dedup;
        let constraints = overrides::resolve(settings, entries, config_path)?;
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
        let related_similarity = LexicalSimilarity::new(&corpus, settings.question_weight, RELATED_ANSWER_TERMS);
        let candidates = merge_similarity.candidates();
        // Near misses reported by the review lie below the merge threshold.
        let merge_floor = settings.related_threshold.min(settings.threshold);
        let graph = SimilarityGraph::build(&merge_similarity, &candidates, merge_floor);
        let related_graph = SimilarityGraph::build(&related_similarity, &candidates, settings.related_threshold);
        // Questions only merge with questions, guides with guides.
        let mergeable = graph.edges().filter(|&(a, b, _)| entries[a].kind == entries[b].kind);
        let clusters = cluster::average_link(entries.len(), mergeable, settings.threshold, &constraints);
        let topics = topics::build_topics(entries, &corpus.entries, &clusters, &graph, &related_graph, settings);
        let chapters = order::chapters_in_reading_order(config, entries, &mut corpus, &clusters, &topics);
        Ok(Grouping { clusters, graph, topics, chapters })
    }
}
