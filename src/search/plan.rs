//! From what the reader typed to what to look up: the query plan.
//!
//! Both search engines run the same plan. `static/search.js` implements these
//! rules again over the exported vocabulary and synonym table, and
//! `tests/search.rs` checks that the two produce identical plans, so the rules
//! here are the specification of the JavaScript side too:
//!
//! 1. The query is split into words exactly as [`analysis::words`] does; only
//!    the first [`MAX_QUERY_WORDS`] count.
//! 2. Each word is read through the [`Vocabulary`]: its stem and whether it is
//!    a term. A word the vocabulary does not know stands for itself.
//! 3. Synonym phrases fold as in [`Analyzer::terms`]: at each word, the
//!    longest synonym variant starting there becomes its canonical terms.
//! 4. Each remaining term word becomes a clause. A word of the book's
//!    vocabulary is taken as it is; an unknown word of
//!    [`TYPO_MIN_CHARS`]..=[`TYPO_MAX_CHARS`] characters (with a letter)
//!    also matches the book's words one edit away. The last word also
//!    matches the words it starts (at least [`PREFIX_MIN_CHARS`] characters).
//!
//! A document's score is the sum over clauses of the best alternative's
//! score; an alternative scores its weight times the BM25 sum of its terms.

use std::collections::HashMap;

use serde::Serialize;

use super::vocabulary::{Vocabulary, VocabularyWord, TYPO_MAX_CHARS, TYPO_MIN_CHARS};
use crate::analysis::{self, Analyzer};

/// Words after the first this many are ignored: a pasted paragraph must not
/// build a query of thousands of clauses.
pub const MAX_QUERY_WORDS: usize = 32;
/// The last word matches as a prefix from this many characters on.
pub const PREFIX_MIN_CHARS: usize = 3;
/// At most this many different readings of a typo are tried…
pub const MAX_TYPO_EXPANSIONS: usize = 4;
/// …and at most this many completions of the last word, shortest first.
pub const MAX_PREFIX_EXPANSIONS: usize = 8;
/// A match through a corrected typo counts this much of an exact match: the
/// typed word is not in the book, so a near spelling is almost surely meant.
pub const TYPO_WEIGHT: f32 = 0.9;
/// A match through a completion of a last word that is a word of the book
/// counts this much: the reader may well have finished typing.
pub const PREFIX_WEIGHT: f32 = 0.5;
/// A completion of a last word the book does not know counts this much: it
/// can only be the start of a word.
pub const PARTIAL_WORD_WEIGHT: f32 = 0.9;

/// What to look up for a query.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueryPlan {
    pub clauses: Vec<Clause>,
}

/// One word (or synonym phrase) of the query and the ways it may match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause {
    /// The query words this clause stands for, space-separated.
    pub text: String,
    /// The exact reading first; a document scores the best one.
    pub alternatives: Vec<Alternative>,
}

/// One reading of a clause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    pub kind: MatchKind,
    /// The vocabulary word this reading comes from (the query word for an
    /// exact reading).
    pub word: String,
    /// Index terms; their scores add up.
    pub terms: Vec<String>,
    pub weight: f32,
}

/// How an [`Alternative`] relates to what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    Exact,
    Typo,
    Prefix,
}

impl QueryPlan {
    /// True when nothing can match: no term word in the query.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Every distinct term of every alternative.
    pub fn terms(&self) -> Vec<&str> {
        let mut terms: Vec<&str> = self
            .clauses
            .iter()
            .flat_map(|c| &c.alternatives)
            .flat_map(|a| a.terms.iter().map(String::as_str))
            .collect();
        terms.sort_unstable();
        terms.dedup();
        terms
    }
}

/// One synonym variant, as stems, and the canonical stems it folds into.
#[derive(Debug)]
struct SynonymPattern {
    stems: Vec<String>,
    canonical: Vec<String>,
}

/// The synonym patterns, keyed by first stem, each list in matching order.
#[derive(Debug)]
pub struct SynonymPatterns {
    by_first_stem: HashMap<String, Vec<SynonymPattern>>,
}

impl SynonymPatterns {
    /// The analyzer's synonym table.
    pub fn english() -> SynonymPatterns {
        let mut by_first_stem: HashMap<String, Vec<SynonymPattern>> = HashMap::new();
        for (stems, canonical) in Analyzer::english().synonym_patterns() {
            if let Some(first) = stems.first() {
                let pattern = SynonymPattern { stems: stems.to_vec(), canonical: canonical.to_vec() };
                by_first_stem.entry(first.clone()).or_default().push(pattern);
            }
        }
        SynonymPatterns { by_first_stem }
    }

    /// The first pattern (longest first) matching at the start of `stems`:
    /// its length in words and its canonical terms.
    fn longest_match(&self, stems: &[&str]) -> Option<(usize, &[String])> {
        let candidates = self.by_first_stem.get(*stems.first()?)?;
        candidates.iter().find_map(|pattern| {
            let length = pattern.stems.len();
            let matches = length <= stems.len() && pattern.stems.iter().zip(stems).all(|(p, s)| p == s);
            matches.then_some((length, pattern.canonical.as_slice()))
        })
    }

    fn starts_with(&self, stem: &str) -> bool {
        self.by_first_stem.contains_key(stem)
    }

    /// The terms of one word on its own: a one-word synonym's canonical
    /// terms, else its stem if it is a term.
    pub fn word_terms(&self, word: &VocabularyWord) -> Vec<String> {
        match self.longest_match(&[word.stem.as_str()]) {
            Some((_, canonical)) => canonical.to_vec(),
            None if word.is_term => vec![word.stem.clone()],
            None => Vec::new(),
        }
    }
}

/// The plan for `query` over `vocabulary`.
pub fn plan(query: &str, vocabulary: &Vocabulary, synonyms: &SynonymPatterns) -> QueryPlan {
    let mut words = analysis::words(query);
    words.truncate(MAX_QUERY_WORDS);
    let readings: Vec<(VocabularyWord, bool)> = words
        .iter()
        .map(|word| match vocabulary.get(word) {
            Some(known) => (known.clone(), true),
            None => (VocabularyWord { word: word.clone(), stem: word.clone(), is_term: true, in_book: false }, false),
        })
        .collect();
    let mut clauses = Vec::new();
    let mut i = 0;
    while i < readings.len() {
        let (reading, known) = &readings[i];
        let is_last = i + 1 == readings.len();
        if synonyms.starts_with(&reading.stem) {
            let window: Vec<&str> = readings[i..].iter().map(|(r, _)| r.stem.as_str()).collect();
            if let Some((length, canonical)) = synonyms.longest_match(&window) {
                let text = words[i..i + length].join(" ");
                let exact =
                    Alternative { kind: MatchKind::Exact, word: text.clone(), terms: canonical.to_vec(), weight: 1.0 };
                let mut clause = Clause { text, alternatives: vec![exact] };
                if length == 1 {
                    expand(&mut clause, reading, *known, is_last, vocabulary, synonyms);
                }
                clauses.push(clause);
                i += length;
                continue;
            }
        }
        if reading.is_term {
            let exact = Alternative {
                kind: MatchKind::Exact,
                word: reading.word.clone(),
                terms: vec![reading.stem.clone()],
                weight: 1.0,
            };
            let mut clause = Clause { text: reading.word.clone(), alternatives: vec![exact] };
            expand(&mut clause, reading, *known, is_last, vocabulary, synonyms);
            clauses.push(clause);
        }
        i += 1;
    }
    QueryPlan { clauses }
}

/// Adds the typo readings of an unknown word and the completions of the last
/// word to `clause`, skipping readings whose terms it already has.
fn expand(
    clause: &mut Clause,
    reading: &VocabularyWord,
    known: bool,
    is_last: bool,
    vocabulary: &Vocabulary,
    synonyms: &SynonymPatterns,
) {
    let length = reading.word.chars().count();
    if !known && (TYPO_MIN_CHARS..=TYPO_MAX_CHARS).contains(&length) && reading.word.chars().any(char::is_alphabetic) {
        let candidates = vocabulary.typo_candidates(&reading.word);
        add_readings(clause, candidates, MatchKind::Typo, TYPO_WEIGHT, MAX_TYPO_EXPANSIONS, synonyms);
    }
    if is_last && length >= PREFIX_MIN_CHARS {
        let mut completions: Vec<&VocabularyWord> =
            vocabulary.with_prefix(&reading.word).iter().filter(|w| w.word != reading.word).collect();
        completions
            .sort_by(|a, b| a.word.chars().count().cmp(&b.word.chars().count()).then_with(|| a.word.cmp(&b.word)));
        let weight = if known { PREFIX_WEIGHT } else { PARTIAL_WORD_WEIGHT };
        add_readings(clause, completions, MatchKind::Prefix, weight, MAX_PREFIX_EXPANSIONS, synonyms);
    }
}

fn add_readings<'v>(
    clause: &mut Clause,
    candidates: impl IntoIterator<Item = &'v VocabularyWord>,
    kind: MatchKind,
    weight: f32,
    limit: usize,
    synonyms: &SynonymPatterns,
) {
    let mut added = 0;
    for candidate in candidates {
        if added == limit {
            break;
        }
        let terms = synonyms.word_terms(candidate);
        if terms.is_empty() || clause.alternatives.iter().any(|a| a.terms == terms) {
            continue;
        }
        clause.alternatives.push(Alternative { kind, word: candidate.word.clone(), terms, weight });
        added += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::document::SearchDoc;

    fn vocabulary() -> Vocabulary {
        let doc = SearchDoc {
            title: "How do you plan disaster recovery for Kubernetes?".into(),
            body: "Recover the cluster, restore the service level objectives, then run a postmortem.".into(),
            ..SearchDoc::default()
        };
        Vocabulary::build(&[doc])
    }

    fn terms_of(plan: &QueryPlan) -> Vec<Vec<Vec<String>>> {
        plan.clauses.iter().map(|c| c.alternatives.iter().map(|a| a.terms.clone()).collect()).collect()
    }

    #[test]
    fn words_stem_synonyms_fold_and_stop_words_drop() {
        let plan = plan("the k8s SLOs", &vocabulary(), &SynonymPatterns::english());
        assert_eq!(terms_of(&plan), [vec![vec!["kubernet"]], vec![vec!["slo"]]]);
        assert_eq!(plan.clauses[1].text, "slos");
    }

    #[test]
    fn an_unknown_word_also_reads_as_the_book_words_one_typo_away() {
        let plan = plan("recovry clustre plan", &vocabulary(), &SynonymPatterns::english());
        let first = &plan.clauses[0].alternatives;
        assert_eq!((first[0].kind, first[0].terms.as_slice()), (MatchKind::Exact, &["recovry".to_string()][..]));
        assert_eq!((first[1].kind, first[1].terms.as_slice()), (MatchKind::Typo, &["recoveri".to_string()][..]));
        assert_eq!(first.len(), 2, "{first:?}");
        let second = &plan.clauses[1].alternatives;
        assert!(second.iter().any(|a| a.kind == MatchKind::Typo && a.terms == ["cluster"]), "{second:?}");
        // A word of the book is taken as typed, even when another is one edit away.
        let plan = super::plan("cluster plans", &vocabulary(), &SynonymPatterns::english());
        assert!(plan.clauses[0].alternatives.iter().all(|a| a.kind == MatchKind::Exact));
    }

    #[test]
    fn the_last_word_completes() {
        let plan = plan("disaster recov", &vocabulary(), &SynonymPatterns::english());
        let last = &plan.clauses.last().unwrap().alternatives;
        assert!(last.iter().any(|a| a.kind == MatchKind::Prefix && a.terms == ["recoveri"]), "{last:?}");
        let plan = super::plan("postm", &vocabulary(), &SynonymPatterns::english());
        assert!(plan.clauses[0].alternatives.iter().any(|a| a.terms == ["postmortem"]));
    }

    #[test]
    fn queries_without_terms_plan_nothing() {
        for query in ["", "   ", "?!*:", "AND", "the of", "\"", "field:"] {
            let plan = plan(query, &vocabulary(), &SynonymPatterns::english());
            assert!(plan.clauses.iter().all(|c| c.text != "and" && c.text != "the"), "{query}: {plan:?}");
        }
        assert!(plan("?!*", &vocabulary(), &SynonymPatterns::english()).is_empty());
        let long = "word ".repeat(2000);
        assert_eq!(plan(&long, &vocabulary(), &SynonymPatterns::english()).clauses.len(), MAX_QUERY_WORDS);
    }
}
