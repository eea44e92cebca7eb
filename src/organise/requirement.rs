//! The added-requirement rule: "Implement an LRU cache" and "Implement an
//! LRU cache whose entries expire after a TTL" share almost every word, yet
//! the expiry changes the solution, so one page cannot answer both.
//!
//! Two questions are kept apart when one asks everything the other asks
//! (it contains most of the other's question terms) *plus* a qualifier that
//! changes how the thing is built: a time to live, distribution over many
//! machines, safety under concurrency, persistence. The qualifier must sit
//! in a clause that names part of the shared subject: in "What is
//! consistent hashing, and why do distributed caches use it?" the word
//! "distributed" belongs to a second ask about caches, so the question
//! still merges with "Explain consistent hashing".
//!
//! The qualifiers are general engineering vocabulary, not corpus tuning:
//! each names a requirement that turns a textbook answer into a different
//! design.

use rayon::prelude::*;

use super::corpus::AnalysedEntry;
use super::vectors::{TermId, Vocabulary};
use crate::analysis::Analyzer;

/// Requirements that change the solution when added to a question.
/// Each is a phrase; a question has it when it has all of its terms.
const QUALIFIERS: &[&str] = &[
    "ttl",
    "expire",
    "expiry",
    "expiration",
    "distributed",
    "multi-region",
    "multi-tenant",
    "thread-safe",
    "thread safety",
    "concurrent",
    "lock-free",
    "persistent",
    "real-time",
];

/// Share of the narrower question's distinct terms the broader one must
/// contain to count as asking the same thing plus more: one word in four
/// may differ ("for a public API" / "for an API gateway").
const MIN_COVERAGE: f64 = 0.75;

/// A qualifier found in a question, with the clause it sits in.
#[derive(Debug, Clone)]
struct QualifiedClause {
    /// Index into [`QUALIFIERS`].
    qualifier: usize,
    /// Sorted distinct terms of the clause.
    clause: Vec<TermId>,
}

/// The qualifiers of every entry's question, ready to compare pairs.
#[derive(Debug, Clone)]
pub struct Requirements {
    /// Sorted distinct terms of each qualifier phrase.
    phrases: Vec<Vec<TermId>>,
    /// Sorted distinct question terms of each entry.
    questions: Vec<Vec<TermId>>,
    /// The qualifiers each entry's question carries (usually none).
    qualified: Vec<Vec<QualifiedClause>>,
}

impl Requirements {
    /// Finds the qualifiers in every entry's question. Terms the corpus
    /// never uses match nothing, so `vocabulary` is only read.
    pub fn new(entries: &[AnalysedEntry], vocabulary: &Vocabulary) -> Requirements {
        let analyzer = Analyzer::english();
        let ids = |text: &str| -> Option<Vec<TermId>> {
            let terms: Option<Vec<TermId>> = analyzer.terms(text).iter().map(|t| vocabulary.get(t)).collect();
            terms.map(|terms| distinct(&terms))
        };
        // A phrase with a term no entry uses can never match: leave it empty.
        let phrases: Vec<Vec<TermId>> = QUALIFIERS.iter().map(|phrase| ids(phrase).unwrap_or_default()).collect();
        let questions: Vec<Vec<TermId>> = entries.par_iter().map(|e| distinct(&e.question_terms)).collect();
        let qualified = entries
            .par_iter()
            .zip(&questions)
            .map(|(entry, terms)| {
                let carried: Vec<usize> = (0..phrases.len())
                    .filter(|&q| !phrases[q].is_empty() && contains_all(terms, &phrases[q]))
                    .collect();
                if carried.is_empty() {
                    return Vec::new();
                }
                // Unknown words are dropped: they cannot be shared terms.
                let clauses: Vec<Vec<TermId>> = clauses(&entry.intent.content)
                    .map(|clause| {
                        distinct(&analyzer.terms(clause).iter().filter_map(|t| vocabulary.get(t)).collect::<Vec<_>>())
                    })
                    .collect();
                carried
                    .into_iter()
                    .flat_map(|qualifier| {
                        clauses
                            .iter()
                            .filter(|clause| contains_all(clause, &phrases[qualifier]))
                            .map(move |clause| QualifiedClause { qualifier, clause: clause.clone() })
                            .collect::<Vec<_>>()
                    })
                    .collect()
            })
            .collect();
        Requirements { phrases, questions, qualified }
    }

    /// The qualifier one of entries `a` and `b` adds to the other, if any:
    /// one asks what the other asks, plus a requirement the other lacks.
    pub fn added_requirement(&self, a: usize, b: usize) -> Option<&'static str> {
        self.added_to(a, b).or_else(|| self.added_to(b, a))
    }

    /// The qualifier `broad` adds to `narrow`, when `broad` covers `narrow`.
    fn added_to(&self, narrow: usize, broad: usize) -> Option<&'static str> {
        let qualified = &self.qualified[broad];
        if qualified.is_empty() {
            return None;
        }
        let (narrow_terms, broad_terms) = (&self.questions[narrow], &self.questions[broad]);
        let shared = narrow_terms.iter().filter(|term| broad_terms.binary_search(term).is_ok()).count();
        if narrow_terms.is_empty() || (shared as f64) < MIN_COVERAGE * narrow_terms.len() as f64 {
            return None;
        }
        qualified
            .iter()
            .find(|q| {
                !contains_all(narrow_terms, &self.phrases[q.qualifier])
                    && q.clause.iter().any(|term| narrow_terms.binary_search(term).is_ok())
            })
            .map(|q| QUALIFIERS[q.qualifier])
    }
}

/// The clauses of a question: split at sentence ends and where a new ask
/// begins (", and why ...", "; ...").
fn clauses(question: &str) -> impl Iterator<Item = &str> {
    question
        .split(['?', ';', '!'])
        .flat_map(|part| part.split(". "))
        .flat_map(|part| part.split(", and "))
        .flat_map(|part| part.split(", but "))
        .filter(|clause| !clause.trim().is_empty())
}

/// True when sorted `terms` contain every term of sorted `phrase`.
fn contains_all(terms: &[TermId], phrase: &[TermId]) -> bool {
    phrase.iter().all(|term| terms.binary_search(term).is_ok())
}

/// Sorted distinct terms.
fn distinct(terms: &[TermId]) -> Vec<TermId> {
    let mut terms = terms.to_vec();
    terms.sort_unstable();
    terms.dedup();
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, EntryKind};
    use crate::organise::corpus::Corpus;

    fn added(a: &str, b: &str) -> Option<&'static str> {
        let entries: Vec<Entry> = [a, b]
            .iter()
            .enumerate()
            .map(|(line, question)| Entry {
                id: Entry::make_id("a.md", line + 1),
                kind: EntryKind::Question,
                source: "a.md".into(),
                line: line + 1,
                question: (*question).into(),
                answer_markdown: String::new(),
                chapter: String::new(),
                source_section: String::new(),
                code_blocks: Vec::new(),
            })
            .collect();
        let corpus = Corpus::analyse(&entries);
        Requirements::new(&corpus.entries, &corpus.vocabulary).added_requirement(0, 1)
    }

    #[test]
    fn a_constraint_on_the_same_subject_is_an_added_requirement() {
        assert_eq!(
            added("Implement an LRU cache.", "Implement an LRU cache whose entries expire after a TTL."),
            Some("ttl")
        );
        assert_eq!(added("Build a thread-safe LRU cache.", "Build an LRU cache."), Some("thread-safe"));
        assert_eq!(
            added("Design a rate limiter for a public API.", "Design a distributed rate limiter for an API gateway."),
            Some("distributed")
        );
    }

    #[test]
    fn shared_or_unrelated_qualifiers_are_not() {
        // "distributed" belongs to a second ask, about caches.
        assert_eq!(
            added("Explain consistent hashing.", "What is consistent hashing, and why do distributed caches use it?"),
            None
        );
        assert_eq!(added("Design a distributed cache.", "How would you design a distributed cache?"), None);
        // The qualifier is there, but the questions ask different things.
        assert_eq!(added("Implement an LRU cache.", "Design a URL shortener whose links expire."), None);
    }
}
