//! Reading order: which topics each chapter lists, and in what order.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::classify::Classifier;
use super::corpus::Corpus;
use super::sections::SectionProfiles;
use crate::model::{Chapter, Entry, EntryKind, Topic};
use crate::Config;

/// The chapters of the taxonomy, each listing its topics in reading order:
///
/// 1. questions before guides (tips read best after the questions);
/// 2. topics more sources ask first: what everyone asks is what a reader
///    most likely needs;
/// 3. then fundamentals first: topics closest to the chapter's own
///    description come before specialised ones;
/// 4. then by title, so the order is total and stable.
///
/// A chapter with `[[chapters.sections]]` lists its topics section by
/// section (see `sections.rs`), each section in the order above.
pub fn chapters_in_reading_order(
    config: &Config,
    entries: &[Entry],
    corpus: &mut Corpus,
    clusters: &[Vec<usize>],
    topics: &[Topic],
) -> Vec<Chapter> {
    let classifier = Classifier::new(&config.chapters, &config.classify, corpus);
    let index_of_id: HashMap<&str, usize> = entries.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    config
        .chapters
        .iter()
        .enumerate()
        .map(|(chapter_index, chapter)| {
            let mut members: Vec<(usize, &Topic)> =
                topics.iter().enumerate().filter(|(_, t)| t.chapter == chapter.slug).collect();
            let sort_key = |&(cluster, topic): &(usize, &Topic)| {
                let canonical = topic
                    .entries
                    .first()
                    .and_then(|id| index_of_id.get(id.as_str()).copied())
                    .unwrap_or(clusters[cluster][0]);
                let sources: HashSet<&str> = clusters[cluster].iter().map(|&m| entries[m].source.as_str()).collect();
                let affinity = classifier.affinity(&corpus.entries[canonical], chapter_index);
                (
                    entries[canonical].kind == EntryKind::Guide,
                    Reverse(sources.len()),
                    Reverse(OrderedScore(affinity)),
                    topic.title.to_lowercase(),
                    topic.slug.clone(),
                )
            };
            members.sort_by_cached_key(sort_key);
            let (topics, sections) = if chapter.sections.is_empty() {
                (members.into_iter().map(|(_, t)| t.slug.clone()).collect(), Vec::new())
            } else {
                let profiles = SectionProfiles::new(&chapter.sections, corpus);
                let corpus = &*corpus;
                let placed: Vec<(String, Option<usize>)> = members
                    .into_par_iter()
                    .map(|(cluster, topic)| (topic.slug.clone(), profiles.best(&clusters[cluster], corpus)))
                    .collect();
                // Read section by section: the flat list follows the headings.
                let sections = profiles.group(&placed);
                (sections.iter().flat_map(|s| s.topics.iter().cloned()).collect(), sections)
            };
            Chapter {
                slug: chapter.slug.clone(),
                title: chapter.title.clone(),
                description: chapter.description.clone(),
                topics,
                sections,
            }
        })
        .collect()
}

/// An `f32` score with a total order, for sort keys.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedScore(f32);

impl Eq for OrderedScore {}

impl PartialOrd for OrderedScore {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedScore {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
