//! `srebook check --dedup`: what dedup merged, and the closest pairs it
//! kept apart with the reason, so an author can pin a decision with
//! `[[dedup.merge]]` or `[[dedup.separate]]`.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

use super::corpus::Corpus;
use super::Grouping;
use crate::model::Entry;
use crate::{Config, Result};

/// How many near misses [`dedup_review`] reports at most.
pub const NEAR_MISS_LIMIT: usize = 30;

/// What dedup decided, for an author to review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DedupReview {
    /// `[dedup] threshold`: the mean similarity at which entries merge.
    pub threshold: f64,
    /// Number of entries compared.
    pub entries: usize,
    /// Number of topics they make.
    pub topics: usize,
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
    /// Chapter slug.
    pub chapter: String,
    /// Entry ids, canonical first.
    pub entries: Vec<String>,
    /// The members' questions, in the same order.
    pub questions: Vec<String>,
    /// Mean similarity over all pairs of members (what average link
    /// compared with the threshold; a `[[dedup.merge]]` can make it lower).
    pub similarity: f64,
}

/// Two entries of the same kind that dedup kept apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMiss {
    pub a_id: String,
    pub a_question: String,
    pub b_id: String,
    pub b_question: String,
    /// Their similarity, after the same-source factor.
    pub similarity: f64,
    /// Why they are in different topics.
    pub reason: ApartReason,
}

/// Why two similar entries are in different topics.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ApartReason {
    /// Their similarity is under the threshold.
    BelowThreshold,
    /// One source asks both, and the same-source factor took their
    /// similarity under the threshold.
    SameSource,
    /// One asks what the other asks plus a requirement that changes the
    /// answer ("with a TTL", "distributed").
    AddedRequirement { requirement: String },
    /// A `[[dedup.separate]]` group keeps them apart.
    Separated,
    /// Similar enough as a pair, but each joined a topic whose members are,
    /// on average, not similar enough to the other's.
    AverageLink,
}

impl fmt::Display for ApartReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApartReason::BelowThreshold => f.write_str("below the threshold"),
            ApartReason::SameSource => f.write_str("one source asks both, so they need more evidence"),
            ApartReason::AddedRequirement { requirement } => {
                write!(f, "one adds a requirement to the other ({requirement})")
            }
            ApartReason::Separated => f.write_str("a [[dedup.separate]] group keeps them apart"),
            ApartReason::AverageLink => f.write_str("close as a pair, but their topics are not close on average"),
        }
    }
}

/// Runs dedup and reports its merges and its near misses.
pub fn dedup_review(config: &Config, config_path: &Path, entries: &[Entry]) -> Result<DedupReview> {
    let grouping = Grouping::new(config, config_path, entries, Corpus::analyse(entries))?;
    let by_id: HashMap<&str, usize> = entries.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    let graph = &grouping.graph;
    let similarity = |a: usize, b: usize| -> f64 {
        graph.neighbours(a).iter().find(|&&(other, _)| other == b).map_or(0.0, |&(_, similarity)| similarity)
    };
    let merges = grouping
        .topics
        .iter()
        .filter(|topic| topic.entries.len() > 1)
        .map(|topic| {
            let members: Vec<usize> = topic.entries.iter().map(|id| by_id[id.as_str()]).collect();
            let pairs = members.len() * (members.len() - 1) / 2;
            let total: f64 = members
                .iter()
                .enumerate()
                .flat_map(|(i, &a)| members[i + 1..].iter().map(move |&b| (a, b)))
                .map(|(a, b)| similarity(a, b))
                .sum();
            MergedTopic {
                slug: topic.slug.clone(),
                chapter: topic.chapter.clone(),
                entries: topic.entries.clone(),
                questions: members.iter().map(|&m| entries[m].question.clone()).collect(),
                similarity: total / pairs as f64,
            }
        })
        .collect();

    let mut topic_of = vec![0; entries.len()];
    for (cluster, members) in grouping.clusters.iter().enumerate() {
        for &member in members {
            topic_of[member] = cluster;
        }
    }
    let mut near: Vec<(usize, usize, f64)> =
        graph.edges().filter(|&(a, b, _)| topic_of[a] != topic_of[b] && entries[a].kind == entries[b].kind).collect();
    near.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    let settings = &config.dedup;
    let reason = |a: usize, b: usize, similarity: f64| -> ApartReason {
        if let Some(&(_, _, requirement)) = grouping.kept_apart.iter().find(|&&(x, y, _)| (x, y) == (a, b)) {
            ApartReason::AddedRequirement { requirement: requirement.to_owned() }
        } else if grouping.constraints.separates(a, b) {
            ApartReason::Separated
        } else if similarity >= settings.threshold {
            ApartReason::AverageLink
        } else if entries[a].source == entries[b].source
            && settings.same_source_factor > 0.0
            && similarity / settings.same_source_factor >= settings.threshold
        {
            ApartReason::SameSource
        } else {
            ApartReason::BelowThreshold
        }
    };
    let near_misses = near
        .into_iter()
        .take(NEAR_MISS_LIMIT)
        .map(|(a, b, similarity)| NearMiss {
            a_id: entries[a].id.clone(),
            a_question: entries[a].question.clone(),
            b_id: entries[b].id.clone(),
            b_question: entries[b].question.clone(),
            similarity,
            reason: reason(a, b, similarity),
        })
        .collect();
    Ok(DedupReview {
        threshold: settings.threshold,
        entries: entries.len(),
        topics: grouping.topics.len(),
        merges,
        near_misses,
    })
}
