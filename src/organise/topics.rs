//! From clusters of entries to topics: the canonical phrasing, the other
//! phrasings, a stable URL slug and the related topics.

use std::collections::HashSet;

use rayon::prelude::*;

use super::corpus::AnalysedEntry;
use super::similarity::SimilarityGraph;
use crate::analysis::{is_stop_word, words, FastHashMap};
use crate::config::DedupConfig;
use crate::model::{Entry, Topic};

/// Longest slug, in bytes (all ASCII): URLs stay readable.
pub const MAX_SLUG_LEN: usize = 60;

/// A question of this many words reads as complete without rambling.
const CLEAR_WORDS: std::ops::RangeInclusive<usize> = 7..=16;

/// Builds one topic per cluster: the canonical member is chosen with the
/// similarities that decided the merge (`merge_graph`), related topics with
/// `related_graph`, as `[dedup]` in `settings` says.
///
/// Clusters must be in a stable order (by first entry): slugs are made
/// unique in that order, so the same input always gets the same slugs.
pub fn build_topics(
    entries: &[Entry],
    analysed: &[AnalysedEntry],
    clusters: &[Vec<usize>],
    merge_graph: &SimilarityGraph,
    related_graph: &SimilarityGraph,
    settings: &DedupConfig,
) -> Vec<Topic> {
    let mut topics: Vec<Topic> = clusters
        .par_iter()
        .map(|members| {
            let canonical = canonical_member(members, entries, analysed, merge_graph);
            let ordered: Vec<usize> =
                std::iter::once(canonical).chain(members.iter().copied().filter(|&m| m != canonical)).collect();
            let title = entries[canonical].question.trim().to_owned();
            let mut seen = HashSet::from([title.to_lowercase()]);
            let variants = ordered[1..]
                .iter()
                .map(|&m| entries[m].question.trim().to_owned())
                .filter(|q| seen.insert(q.to_lowercase()))
                .collect();
            // The slug leaves out the framing ("tell me about a time"), like
            // the similarity does: it names what is asked.
            let content = &analysed[canonical].intent.content;
            Topic {
                slug: slugify(if content.is_empty() { &title } else { content }),
                chapter: entries[canonical].chapter.clone(),
                entries: ordered.iter().map(|&m| entries[m].id.clone()).collect(),
                title,
                variants,
                related: Vec::new(),
            }
        })
        .collect();
    // Uniqueness depends on order, so it is settled sequentially.
    let mut slugs = SlugAllocator::default();
    for topic in &mut topics {
        topic.slug = slugs.unique(&topic.slug);
    }
    let related = related_topics(clusters, related_graph, settings.related_threshold, settings.related_limit);
    let slug_of: Vec<String> = topics.iter().map(|t| t.slug.clone()).collect();
    for (topic, related) in topics.iter_mut().zip(related) {
        topic.related = related.into_iter().map(|other| slug_of[other].clone()).collect();
    }
    topics
}

/// The member whose question is the clearest phrasing of the topic: a
/// complete, moderately long question without story framing or asides,
/// close to the other members (so it says what they all ask).
fn canonical_member(
    members: &[usize],
    entries: &[Entry],
    analysed: &[AnalysedEntry],
    graph: &SimilarityGraph,
) -> usize {
    let centrality = |member: usize| -> f64 {
        if members.len() < 2 {
            return 0.0;
        }
        let total: f64 = graph
            .neighbours(member)
            .iter()
            // Cluster members are sorted (see `cluster::average_link`).
            .filter(|(other, _)| members.binary_search(other).is_ok())
            .map(|&(_, similarity)| similarity)
            .sum();
        total / (members.len() - 1) as f64
    };
    let score = |member: usize| clarity(&entries[member].question, &analysed[member]) + centrality(member);
    let mut best = members[0];
    let mut best_score = score(best);
    for &member in &members[1..] {
        let candidate = score(member);
        if candidate > best_score {
            (best, best_score) = (member, candidate);
        }
    }
    best
}

/// How well `question` reads as a page title, higher is clearer. The
/// penalties are in the same unit as a member's mean similarity to the
/// others, which is added to it: a story prompt (-0.5) loses to a how-to
/// phrasing unless it is clearly more central.
fn clarity(question: &str, analysed: &AnalysedEntry) -> f64 {
    let question = question.trim();
    let word_count = question.split_whitespace().count();
    let content_words = analysed.intent.content.split_whitespace().count();
    let mut score = 0.0;
    // Too short is cryptic, too long rambles: 0.1 per word outside the range.
    let outside = if word_count < *CLEAR_WORDS.start() {
        CLEAR_WORDS.start() - word_count
    } else {
        word_count.saturating_sub(*CLEAR_WORDS.end())
    };
    score -= 0.1 * outside as f64;
    // Framing words are filler: the fewer, the more direct the question.
    score -= 0.04 * word_count.saturating_sub(content_words) as f64;
    // A how-to phrasing serves every reader; a story prompt only interviewees.
    if analysed.intent.is_story {
        score -= 0.5;
    }
    // A complete question, not a fragment or a heading.
    if question.ends_with('?') {
        score += 0.2;
    }
    // Asides and alternatives ("(e.g. ...)", "a/b") make a title busy.
    if question.contains(['(', '/', '—', ';']) {
        score -= 0.1;
    }
    // A lowercase start is usually a damaged or cut-off question.
    if question.starts_with(|c: char| c.is_lowercase()) {
        score -= 0.2;
    }
    score
}

/// For every cluster, the nearest other clusters (by their closest pair of
/// members), at least `threshold` similar, nearest first, at most `limit`.
fn related_topics(clusters: &[Vec<usize>], graph: &SimilarityGraph, threshold: f64, limit: usize) -> Vec<Vec<usize>> {
    let mut cluster_of = vec![0; graph.entry_count()];
    for (cluster, members) in clusters.iter().enumerate() {
        for &member in members {
            cluster_of[member] = cluster;
        }
    }
    clusters
        .par_iter()
        .enumerate()
        .map(|(cluster, members)| {
            let mut nearest: FastHashMap<usize, f64> = FastHashMap::default();
            for &member in members {
                for &(neighbour, similarity) in graph.neighbours(member) {
                    let other = cluster_of[neighbour];
                    if other != cluster && similarity >= threshold {
                        let best = nearest.entry(other).or_insert(0.0);
                        *best = best.max(similarity);
                    }
                }
            }
            let mut ranked: Vec<(usize, f64)> = nearest.into_iter().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.into_iter().take(limit).map(|(other, _)| other).collect()
        })
        .collect()
}

/// Hands out unique slugs in call order.
#[derive(Debug, Default)]
struct SlugAllocator {
    taken: HashSet<String>,
    /// The next number to try for each base slug, so a thousand identical
    /// titles cost a thousand steps, not half a million.
    next_number: FastHashMap<String, usize>,
}

impl SlugAllocator {
    /// `base` if it is free, else `base` with `-2`, `-3`, ... (shortened at a
    /// word boundary to stay within [`MAX_SLUG_LEN`]).
    fn unique(&mut self, base: &str) -> String {
        let mut slug = base.to_owned();
        if self.taken.contains(&slug) {
            let number = self.next_number.entry(base.to_owned()).or_insert(2);
            loop {
                let suffix = format!("-{number}");
                *number += 1;
                slug = format!("{}{suffix}", cut_at_word(base, MAX_SLUG_LEN - suffix.len()));
                if !self.taken.contains(&slug) {
                    break;
                }
            }
        }
        self.taken.insert(slug.clone());
        slug
    }
}

/// A URL-safe slug for a title: its topic words (stop words dropped unless
/// nothing else is left), ASCII-folded, joined by `-`, cut at a word
/// boundary to [`MAX_SLUG_LEN`]. Never empty.
pub fn slugify(title: &str) -> String {
    let all: Vec<String> = words(title).iter().map(|w| ascii_fold(w)).filter(|w| !w.is_empty()).collect();
    let topical: Vec<&String> = all.iter().filter(|w| !is_stop_word(w)).collect();
    let chosen: Vec<&String> = if topical.is_empty() { all.iter().collect() } else { topical };
    let joined = chosen.iter().map(|w| w.as_str()).collect::<Vec<_>>().join("-");
    let slug = cut_at_word(&joined, MAX_SLUG_LEN);
    if slug.is_empty() {
        "topic".to_owned()
    } else {
        slug.to_owned()
    }
}

/// The longest prefix of a slug within `limit` bytes that ends at a word.
fn cut_at_word(slug: &str, limit: usize) -> &str {
    if slug.len() <= limit {
        return slug;
    }
    match slug[..=limit].rfind('-') {
        Some(end) if end > 0 => &slug[..end],
        // One overlong word: cut it (slugs are ASCII, any byte is a boundary).
        _ => &slug[..limit],
    }
}

/// Lowercase ASCII letters and digits of `word`; common accented Latin
/// letters lose their accent, anything else is dropped.
fn ascii_fold(word: &str) -> String {
    word.chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                return Some(c.to_ascii_lowercase());
            }
            let folded = match c {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
                'ç' => 'c',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ñ' => 'n',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                'ý' | 'ÿ' => 'y',
                _ => return None,
            };
            Some(folded)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_url_safe_topic_words() {
        assert_eq!(slugify("How do you define SLOs?"), "define-slos");
        assert_eq!(slugify("What’s the point of burn-rate alerts for SLOs?"), "point-burn-rate-alerts-slos");
        assert_eq!(slugify("Café résumé"), "cafe-resume");
        assert_eq!(slugify("???"), "topic");
        let long = slugify(&"reliability ".repeat(20));
        assert!(long.len() <= MAX_SLUG_LEN && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn repeated_slugs_get_numbered() {
        let mut slugs = SlugAllocator::default();
        assert_eq!(slugs.unique("define-slos"), "define-slos");
        assert_eq!(slugs.unique("define-slos"), "define-slos-2");
        assert_eq!(slugs.unique("define-slos-2"), "define-slos-2-2");
        assert_eq!(slugs.unique("define-slos"), "define-slos-3");
        let long = "a".repeat(MAX_SLUG_LEN);
        assert_eq!(slugs.unique(&long), long);
        assert_eq!(slugs.unique(&long).len(), MAX_SLUG_LEN);
    }
}
