//! How alike two entries are, behind a small trait so that a sentence
//! embedding backend can replace the lexical one later.
//!
//! Comparing all pairs is quadratic (50,000 entries make 1.25 billion pairs),
//! so a [`Similarity`] also proposes *candidate* pairs, each entry's likely
//! neighbours, and only those are scored. A [`SimilarityGraph`] holds the
//! scored pairs; every pair it lacks counts as similarity 0.

use rayon::prelude::*;

use super::corpus::Corpus;
use super::vectors::{self, InverseDocumentFrequency, PackedVectors, SparseVector, TermId, WeightedTerms};
use crate::analysis::FastHashMap;

/// Pairwise similarity between the entries of one corpus.
pub trait Similarity: Sync {
    /// Number of entries compared.
    fn entry_count(&self) -> usize;

    /// Similarity of entries `a` and `b`, in `0..=1`, symmetric.
    fn similarity(&self, a: usize, b: usize) -> f64;

    /// [`Similarity::similarity`] of `a` and each of `others`, in order: an
    /// implementation may score one entry against many faster than pair by
    /// pair, with exactly the same results.
    fn similarities(&self, a: usize, others: &[usize]) -> Vec<f64> {
        others.iter().map(|&b| self.similarity(a, b)).collect()
    }

    /// Pairs `(a, b)` with `a < b`, no repeats, that may be similar. Must be
    /// sub-quadratic in [`Similarity::entry_count`]: pairs left out count as 0.
    fn candidates(&self) -> Vec<(usize, usize)>;
}

/// Only the first content terms of an answer count when deciding a merge:
/// the opening sentences state what the answer is about, the rest is detail
/// in each author's own style, which makes answers to different questions
/// on one subject look alike. That likeness is what related topics are
/// about, so [`RELATED_ANSWER_TERMS`] takes the whole analysed answer.
pub const MERGE_ANSWER_TERMS: usize = 60;

/// Answer terms that count for related topics: all of them.
pub const RELATED_ANSWER_TERMS: usize = usize::MAX;

/// The question's share of the similarity of two story prompts, at least.
/// Each answer to "Tell me about a time ..." is its teller's own anecdote:
/// two answers to one prompt share little beyond the vocabulary of
/// storytelling, while two answers to different prompts share just as much.
/// What the prompts ask is the better evidence.
const STORY_QUESTION_WEIGHT: f64 = 0.5;

/// Question terms taken from each entry as blocking keys.
const KEY_QUESTION_TERMS: usize = 8;
/// Question-and-answer terms taken from each entry as blocking keys.
const KEY_COMBINED_TERMS: usize = 24;
/// Each entry keeps at most this many candidates: those whose shared keys
/// add up to the largest part of the similarity.
const CANDIDATES_PER_ENTRY: usize = 32;
/// An entry compares itself with at most this many of the entries sharing
/// one key (more on a large corpus, see [`posting_cap`]).
const MIN_POSTING_CAP: usize = 256;

/// Lexical similarity: tf-idf cosine of the question content mixed with
/// tf-idf cosine of question plus answer, `question_weight` to the first
/// (at least [`STORY_QUESTION_WEIGHT`] for two story prompts).
///
/// The question says what is asked; the answer adds the vocabulary of how
/// it is answered, which catches rewordings that share few question words.
#[derive(Debug)]
pub struct LexicalSimilarity {
    /// Entry `i`'s unit question vector at `2i`, its unit combined vector
    /// at `2i + 1`: scoring a pair reads both of the other entry's vectors,
    /// and next to each other they cost one trip to memory, not four (on a
    /// large corpus the vectors are far out of cache).
    vectors: PackedVectors,
    question_weight: f64,
    /// Whether each entry is a story prompt.
    stories: Vec<bool>,
    /// `question_weight` for a pair of story prompts.
    story_question_weight: f64,
    /// Number of term ids, the length of a dense vector.
    vocabulary_size: usize,
}

impl LexicalSimilarity {
    /// Builds unit tf-idf vectors for every entry of `corpus`, from its
    /// question and the first `answer_terms` terms of its answer.
    pub fn new(corpus: &Corpus, question_weight: f64, answer_terms: usize) -> LexicalSimilarity {
        let vocabulary_size = corpus.vocabulary.len();
        let question_counts: Vec<SparseVector> =
            corpus.entries.par_iter().map(|e| SparseVector::counts(&e.question_terms)).collect();
        let combined_counts: Vec<SparseVector> = corpus
            .entries
            .par_iter()
            .map(|e| {
                let answer = &e.answer_terms[..e.answer_terms.len().min(answer_terms)];
                SparseVector::counts(&[e.question_terms.as_slice(), answer].concat())
            })
            .collect();
        let question_idf = InverseDocumentFrequency::new(&question_counts, vocabulary_size);
        let combined_idf = InverseDocumentFrequency::new(&combined_counts, vocabulary_size);
        let question: Vec<SparseVector> = question_counts.par_iter().map(|c| question_idf.tf_idf(c)).collect();
        let combined: Vec<SparseVector> = combined_counts.par_iter().map(|c| combined_idf.tf_idf(c)).collect();
        LexicalSimilarity {
            vectors: PackedVectors::new(question.iter().zip(&combined).flat_map(|(q, c)| [q, c])),
            question_weight,
            stories: corpus.entries.iter().map(|e| e.intent.is_story).collect(),
            story_question_weight: question_weight.max(STORY_QUESTION_WEIGHT),
            vocabulary_size,
        }
    }

    /// The blocking keys of entry `index`: its heaviest question terms and
    /// its heaviest question-and-answer terms, with their weights.
    fn keys(&self, index: usize) -> Vec<Key> {
        let (question, combined) = self.vectors_of(index);
        let mut terms = vectors::top_terms(question, KEY_QUESTION_TERMS);
        terms.extend(vectors::top_terms(combined, KEY_COMBINED_TERMS));
        terms.sort_unstable();
        terms.dedup();
        terms
            .into_iter()
            .map(|term| Key {
                term,
                entry: EntryId::try_from(index).expect("fewer than 2^32 entries"),
                question: vectors::weight(question, term),
                combined: vectors::weight(combined, term),
            })
            .collect()
    }
}

impl Similarity for LexicalSimilarity {
    fn entry_count(&self) -> usize {
        self.vectors.len() / 2
    }

    fn similarity(&self, a: usize, b: usize) -> f64 {
        let ((question_a, combined_a), (question_b, combined_b)) = (self.vectors_of(a), self.vectors_of(b));
        self.mix(a, b, vectors::dot(question_a, question_b), vectors::dot(combined_a, combined_b))
    }

    /// Spreads `a`'s vectors out densely once, so that each dot product
    /// with it walks only the other vector: no merge of two term lists and
    /// its unpredictable branches, per pair. The products are added in the
    /// same order as [`SparseVector::dot`] does, plus zeros, so the sums
    /// are bit for bit the same.
    fn similarities(&self, a: usize, others: &[usize]) -> Vec<f64> {
        thread_local! {
            static DENSE: std::cell::RefCell<(Vec<f32>, Vec<f32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
        }
        DENSE.with_borrow_mut(|(question, combined)| {
            question.resize(self.vocabulary_size, 0.0);
            combined.resize(self.vocabulary_size, 0.0);
            let (question_a, combined_a) = self.vectors_of(a);
            vectors::scatter(question_a, question);
            vectors::scatter(combined_a, combined);
            let scores = others
                .iter()
                .map(|&b| {
                    let (question_b, combined_b) = self.vectors_of(b);
                    self.mix(a, b, vectors::dot_dense(question_b, question), vectors::dot_dense(combined_b, combined))
                })
                .collect();
            vectors::clear_in(question_a, question);
            vectors::clear_in(combined_a, combined);
            scores
        })
    }

    fn candidates(&self) -> Vec<(usize, usize)> {
        let count = self.entry_count();
        let keys: Vec<Vec<Key>> = (0..count).into_par_iter().map(|i| self.keys(i)).collect();
        let cap = posting_cap(count);
        let postings = inverted_index(&keys, cap);
        let question_weight = self.question_weight as f32;
        let mut pairs: Vec<(usize, usize)> = (0..count)
            .into_par_iter()
            .map_init(
                || Accumulator::new(count),
                |accumulator, entry| {
                    // Rank the entries sharing a key by the part of the
                    // similarity that the shared keys make up.
                    for key in &keys[entry] {
                        let Some(posting) = postings.get(&key.term) else { continue };
                        // Hoisted out of the inner loop; the products are
                        // grouped as before, so the scores are the same.
                        let question = question_weight * key.question;
                        let combined = (1.0 - question_weight) * key.combined;
                        for other in neighbourhood(posting, key, cap).iter().filter(|other| other.entry != key.entry) {
                            let evidence = question * other.question + combined * other.combined;
                            accumulator.add(other.entry as usize, evidence);
                        }
                    }
                    accumulator
                        .drain_top(CANDIDATES_PER_ENTRY)
                        .into_iter()
                        .map(|other| (entry.min(other), entry.max(other)))
                        .collect::<Vec<_>>()
                },
            )
            .flatten()
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs
    }
}

impl LexicalSimilarity {
    /// The question and combined vectors of `entry`.
    fn vectors_of(&self, entry: usize) -> (&WeightedTerms, &WeightedTerms) {
        (self.vectors.get(2 * entry), self.vectors.get(2 * entry + 1))
    }

    /// The similarity of `a` and `b` given the dot products of their
    /// question vectors and of their combined vectors.
    fn mix(&self, a: usize, b: usize, question: f32, combined: f32) -> f64 {
        let (question, combined) = (f64::from(question), f64::from(combined));
        let weight = if self.stories[a] && self.stories[b] { self.story_question_weight } else { self.question_weight };
        (weight * question + (1.0 - weight) * combined).clamp(0.0, 1.0)
    }
}

/// Scales down the similarity of two entries from the same source.
///
/// An author rarely asks the same thing twice in one document: two similar
/// questions from one source are more often siblings ("implement an LRU
/// cache", "implement an LRU cache with TTL") than duplicates. On the seed
/// documents a same-source pair is half as likely to be a duplicate as a
/// cross-source pair.
pub struct SourcePrior<S> {
    pub inner: S,
    /// Source id of each entry.
    pub sources: Vec<usize>,
    /// Factor for same-source pairs, in `0..=1`.
    pub same_source_factor: f64,
}

impl<S: Similarity> Similarity for SourcePrior<S> {
    fn entry_count(&self) -> usize {
        self.inner.entry_count()
    }

    fn similarity(&self, a: usize, b: usize) -> f64 {
        self.prior(a, b, self.inner.similarity(a, b))
    }

    fn similarities(&self, a: usize, others: &[usize]) -> Vec<f64> {
        let scores = self.inner.similarities(a, others);
        others.iter().zip(scores).map(|(&b, similarity)| self.prior(a, b, similarity)).collect()
    }

    fn candidates(&self) -> Vec<(usize, usize)> {
        self.inner.candidates()
    }
}

impl<S> SourcePrior<S> {
    fn prior(&self, a: usize, b: usize, similarity: f64) -> f64 {
        if self.sources[a] == self.sources[b] {
            similarity * self.same_source_factor
        } else {
            similarity
        }
    }
}

/// How many entries sharing one key an entry looks at, at most.
fn posting_cap(count: usize) -> usize {
    MIN_POSTING_CAP.max(2 * (count as f64).sqrt() as usize)
}

/// Index of an entry in a [`Key`]: 32 bits keep a key at 16 bytes, and
/// reading postings is the inner loop of candidate generation.
type EntryId = u32;

/// A blocking key of one entry: a term and its weights there.
#[derive(Debug, Clone, Copy)]
struct Key {
    term: TermId,
    entry: EntryId,
    question: f32,
    combined: f32,
}

/// Term → the keys of the entries having it. A posting longer than `cap`
/// is sorted by the term's weights in each entry (see [`neighbourhood`]).
fn inverted_index(keys: &[Vec<Key>], cap: usize) -> FastHashMap<TermId, Vec<Key>> {
    let mut postings: FastHashMap<TermId, Vec<Key>> = FastHashMap::default();
    for key in keys.iter().flatten() {
        postings.entry(key.term).or_default().push(*key);
    }
    postings.par_iter_mut().filter(|(_, posting)| posting.len() > cap).for_each(|(_, posting)| {
        posting.sort_unstable_by(weight_order);
    });
    postings
}

/// Orders the keys of one term by the term's weight in each entry.
fn weight_order(a: &Key, b: &Key) -> std::cmp::Ordering {
    a.combined.total_cmp(&b.combined).then(a.question.total_cmp(&b.question)).then(a.entry.cmp(&b.entry))
}

/// The part of `posting` that the entry of `key` compares itself with: all
/// of it when it is short. A long posting would make blocking quadratic,
/// but dropping it loses every pair it is the best evidence for, as when
/// thousands of questions share one subject. So when the term is in the
/// entry's question, the entry looks at the `cap` keys nearest its own in
/// weight order (sorted-neighbourhood blocking): entries that reword each
/// other weigh a shared term alike, so they sit close in that order. A
/// common term only in the answer says little about what is asked and is
/// skipped.
fn neighbourhood<'p>(posting: &'p [Key], key: &Key, cap: usize) -> &'p [Key] {
    if posting.len() <= cap {
        return posting;
    }
    if key.question == 0.0 {
        return &[];
    }
    let at = posting.partition_point(|other| weight_order(other, key).is_lt());
    let start = at.saturating_sub(cap / 2).min(posting.len() - cap);
    &posting[start..start + cap]
}

/// Scores per entry for one query, dense but cleared in time proportional
/// to what was touched.
struct Accumulator {
    scores: Vec<f32>,
    touched: Vec<usize>,
    /// Room for [`Accumulator::drain_top`], kept between queries.
    ranked: Vec<Ranked>,
}

impl Accumulator {
    fn new(count: usize) -> Accumulator {
        Accumulator { scores: vec![0.0; count], touched: Vec::new(), ranked: Vec::new() }
    }

    fn add(&mut self, entry: usize, score: f32) {
        if self.scores[entry] == 0.0 {
            self.touched.push(entry);
        }
        self.scores[entry] += score;
    }

    /// The `limit` best entries, best first (ties by index), and a clean
    /// accumulator.
    fn drain_top(&mut self, limit: usize) -> Vec<usize> {
        // Scores are copied next to their entries first: selecting among
        // thousands of touched entries then compares neighbours in memory
        // rather than scores looked up at random, several times each.
        let mut ranked = std::mem::take(&mut self.ranked);
        ranked.extend(self.touched.iter().map(|&entry| {
            let score = std::mem::take(&mut self.scores[entry]);
            Ranked { score, entry: EntryId::try_from(entry).expect("fewer than 2^32 entries") }
        }));
        self.touched.clear();
        let best_first = |a: &Ranked, b: &Ranked| b.cmp(a);
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit, best_first);
        }
        let best = ranked.len().min(limit);
        ranked[..best].sort_unstable_by(best_first);
        let top = ranked[..best].iter().map(|r| r.entry as usize).collect();
        ranked.clear();
        self.ranked = ranked;
        top
    }
}

/// An entry and its accumulated score, ordered best last: higher score,
/// then lower index.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: f32,
    entry: EntryId,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ranked {}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score.total_cmp(&other.score).then(other.entry.cmp(&self.entry))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The scored candidate pairs: for each entry, its neighbours and their
/// similarity, most similar first.
#[derive(Debug, Clone, Default)]
pub struct SimilarityGraph {
    neighbours: Vec<Vec<(usize, f64)>>,
}

impl SimilarityGraph {
    /// Scores `candidates` (see [`Similarity::candidates`]) in parallel and
    /// keeps the pairs at or above `floor`.
    pub fn build(similarity: &dyn Similarity, candidates: &[(usize, usize)], floor: f64) -> SimilarityGraph {
        // Candidates come sorted, so each entry's pairs are one run, scored
        // together (see [`Similarity::similarities`]).
        let scored: Vec<(usize, usize, f64)> = candidates
            .par_chunk_by(|x, y| x.0 == y.0)
            .flat_map_iter(|run| {
                let a = run[0].0;
                let others: Vec<usize> = run.iter().map(|&(_, b)| b).collect();
                let scores = similarity.similarities(a, &others);
                others.into_iter().zip(scores).map(move |(b, s)| (a, b, s))
            })
            .filter(|&(_, _, s)| s >= floor && s > 0.0)
            .collect();
        // Sized up front: growing every list a step at a time took nearly
        // half as long as scoring the pairs (50k entries).
        let mut degree = vec![0; similarity.entry_count()];
        for &(a, b, _) in &scored {
            degree[a] += 1;
            degree[b] += 1;
        }
        let mut neighbours: Vec<Vec<(usize, f64)>> = degree.into_iter().map(Vec::with_capacity).collect();
        for (a, b, s) in scored {
            neighbours[a].push((b, s));
            neighbours[b].push((a, s));
        }
        neighbours.par_iter_mut().for_each(|list| list.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0))));
        SimilarityGraph { neighbours }
    }

    /// Number of entries.
    pub fn entry_count(&self) -> usize {
        self.neighbours.len()
    }

    /// The scored neighbours of `entry`, most similar first.
    pub fn neighbours(&self, entry: usize) -> &[(usize, f64)] {
        &self.neighbours[entry]
    }

    /// Every scored pair once, as `(a, b, similarity)` with `a < b`.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        self.neighbours
            .iter()
            .enumerate()
            .flat_map(|(a, list)| list.iter().filter(move |&&(b, _)| a < b).map(move |&(b, s)| (a, b, s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(entry: EntryId, question: f32, combined: f32) -> Key {
        Key { term: 7, entry, question, combined }
    }

    #[test]
    fn a_long_posting_is_searched_near_the_entry_s_own_weight() {
        let keys: Vec<Vec<Key>> = (0..10).map(|i| vec![key(i, 0.5, i as f32 / 10.0)]).collect();
        let postings = inverted_index(&keys, 4);
        let posting = &postings[&7];
        let near: Vec<EntryId> = neighbourhood(posting, &keys[6][0], 4).iter().map(|k| k.entry).collect();
        assert_eq!(near, [4, 5, 6, 7]);
        let first: Vec<EntryId> = neighbourhood(posting, &keys[0][0], 4).iter().map(|k| k.entry).collect();
        assert_eq!(first, [0, 1, 2, 3], "the window stays inside the posting");
        // A common term of the answer alone is no evidence of what is asked.
        assert!(neighbourhood(posting, &key(3, 0.0, 0.3), 4).is_empty());
        // A short posting is searched whole.
        assert_eq!(neighbourhood(posting, &keys[6][0], 10).len(), 10);
    }

    #[test]
    fn the_accumulator_keeps_the_best_ties_by_index_and_comes_back_clean() {
        let mut accumulator = Accumulator::new(8);
        for (entry, score) in [(5, 0.5), (2, 0.25), (7, 0.5), (1, 0.75), (3, 0.125), (2, 0.25)] {
            accumulator.add(entry, score);
        }
        // 2 has 0.5 in all; 2, 5 and 7 tie, the lowest indexes win.
        assert_eq!(accumulator.drain_top(3), [1, 2, 5]);
        assert!(accumulator.scores.iter().all(|&s| s == 0.0) && accumulator.touched.is_empty());
        accumulator.add(6, 0.25);
        assert_eq!(accumulator.drain_top(3), [6], "nothing left from the last query");
    }
}
