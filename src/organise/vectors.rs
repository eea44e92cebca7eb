//! Sparse term vectors and tf-idf weighting, the common currency of the
//! classifier and the lexical similarity.
//!
//! Terms are interned to `u32` ids by a [`Vocabulary`] so vectors are small
//! sorted arrays and a dot product is a linear merge.

use crate::analysis::FastHashMap;

/// Id of an interned term.
pub type TermId = u32;

/// A sparse vector's `(term, weight)` entries, sorted by term.
pub type WeightedTerms = [(TermId, f32)];

/// Interns terms to dense ids.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    ids: FastHashMap<String, TermId>,
}

impl Vocabulary {
    /// The id of `term`, adding it if it is new.
    pub fn intern(&mut self, term: &str) -> TermId {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = TermId::try_from(self.ids.len()).expect("fewer than 2^32 distinct terms");
        self.ids.insert(term.to_owned(), id);
        id
    }

    /// The id of `term`, if it was interned.
    pub fn get(&self, term: &str) -> Option<TermId> {
        self.ids.get(term).copied()
    }

    /// Interns every term and returns the ids in the same order.
    pub fn intern_all(&mut self, terms: &[String]) -> Vec<TermId> {
        terms.iter().map(|t| self.intern(t)).collect()
    }

    /// Number of distinct terms.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

/// A sparse vector: `(term, weight)` pairs sorted by term, no duplicates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVector {
    entries: Vec<(TermId, f32)>,
}

impl SparseVector {
    /// Builds a vector from `(term, weight)` pairs in any order; weights of a
    /// repeated term add up.
    pub fn from_pairs(mut pairs: Vec<(TermId, f32)>) -> SparseVector {
        pairs.sort_unstable_by_key(|&(term, _)| term);
        let mut entries: Vec<(TermId, f32)> = Vec::with_capacity(pairs.len());
        for (term, weight) in pairs {
            match entries.last_mut() {
                Some(last) if last.0 == term => last.1 += weight,
                _ => entries.push((term, weight)),
            }
        }
        entries.retain(|&(_, weight)| weight != 0.0);
        SparseVector { entries }
    }

    /// Raw term counts of a bag of term ids.
    pub fn counts(terms: &[TermId]) -> SparseVector {
        SparseVector::from_pairs(terms.iter().map(|&t| (t, 1.0)).collect())
    }

    /// The `(term, weight)` pairs, sorted by term.
    pub fn entries(&self) -> &[(TermId, f32)] {
        &self.entries
    }

    /// The weight of `term` (0 when absent).
    pub fn weight(&self, term: TermId) -> f32 {
        weight(&self.entries, term)
    }

    /// Dot product, by merging the two sorted term lists.
    pub fn dot(&self, other: &SparseVector) -> f32 {
        dot(&self.entries, &other.entries)
    }

    /// Writes the weights into `dense`, indexed by term id (long enough for
    /// every term).
    pub fn scatter(&self, dense: &mut [f32]) {
        scatter(&self.entries, dense);
    }

    /// Dot product with a vector spread out by [`SparseVector::scatter`]:
    /// the same sum as [`SparseVector::dot`], terms in the same order.
    pub fn dot_dense(&self, dense: &[f32]) -> f32 {
        dot_dense(&self.entries, dense)
    }

    /// Euclidean length.
    pub fn norm(&self) -> f32 {
        self.entries.iter().map(|&(_, w)| w * w).sum::<f32>().sqrt()
    }

    /// This vector scaled to unit length (unchanged when empty).
    pub fn normalized(mut self) -> SparseVector {
        let norm = self.norm();
        if norm > 0.0 {
            for entry in &mut self.entries {
                entry.1 /= norm;
            }
        }
        self
    }

    /// Each weight multiplied by `factor`.
    pub fn scaled(mut self, factor: f32) -> SparseVector {
        for entry in &mut self.entries {
            entry.1 *= factor;
        }
        self
    }

    /// Sum of two vectors, by merging the two sorted term lists.
    pub fn plus(&self, other: &SparseVector) -> SparseVector {
        let (a, b) = (&self.entries, &other.entries);
        let mut entries = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => {
                    entries.push(a[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    entries.push(b[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    entries.push((a[i].0, a[i].1 + b[j].1));
                    i += 1;
                    j += 1;
                }
            }
        }
        entries.extend_from_slice(&a[i..]);
        entries.extend_from_slice(&b[j..]);
        entries.retain(|&(_, weight)| weight != 0.0);
        SparseVector { entries }
    }

    /// Applies `weigh(term, count)` to every entry, dropping zero weights.
    pub fn map(&self, mut weigh: impl FnMut(TermId, f32) -> f32) -> SparseVector {
        let entries = self
            .entries
            .iter()
            .map(|&(term, count)| (term, weigh(term, count)))
            .filter(|&(_, weight)| weight != 0.0)
            .collect();
        SparseVector { entries }
    }
}

/// Inverse document frequencies over a collection of documents.
#[derive(Debug, Clone, Default)]
pub struct InverseDocumentFrequency {
    document_count: usize,
    document_frequency: Vec<u32>,
}

impl InverseDocumentFrequency {
    /// Counts, for every term, how many of `documents` contain it.
    pub fn new<'a>(documents: impl IntoIterator<Item = &'a SparseVector>, vocabulary_size: usize) -> Self {
        let mut document_frequency = vec![0u32; vocabulary_size];
        let mut document_count = 0;
        for document in documents {
            document_count += 1;
            for &(term, _) in document.entries() {
                document_frequency[term as usize] += 1;
            }
        }
        InverseDocumentFrequency { document_count, document_frequency }
    }

    /// Number of documents containing `term`.
    pub fn document_frequency(&self, term: TermId) -> u32 {
        self.document_frequency.get(term as usize).copied().unwrap_or(0)
    }

    /// Smoothed idf: `ln((1 + N) / (1 + df)) + 1`, so no term weighs zero and
    /// a term in every document still counts a little.
    pub fn idf(&self, term: TermId) -> f32 {
        let n = self.document_count as f32;
        let df = self.document_frequency(term) as f32;
        ((1.0 + n) / (1.0 + df)).ln() + 1.0
    }

    /// Unit-length tf-idf vector of raw term counts, with sublinear tf
    /// (`1 + ln tf`) so a word repeated ten times does not dominate.
    pub fn tf_idf(&self, counts: &SparseVector) -> SparseVector {
        counts.map(|term, count| (1.0 + count.ln()) * self.idf(term)).normalized()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_terms_add_up_and_sort() {
        let v = SparseVector::from_pairs(vec![(3, 1.0), (1, 2.0), (3, 0.5)]);
        assert_eq!(v.entries(), [(1, 2.0), (3, 1.5)]);
        assert_eq!(v.weight(3), 1.5);
        assert_eq!(v.weight(2), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn plus_merges_like_adding_up_all_pairs(
            a in proptest::collection::vec((0u32..12, -2i8..3), 0..10),
            b in proptest::collection::vec((0u32..12, -2i8..3), 0..10),
        ) {
            let vector = |pairs: &[(u32, i8)]| {
                SparseVector::from_pairs(pairs.iter().map(|&(t, w)| (t, f32::from(w) * 0.3)).collect())
            };
            let (a, b) = (vector(&a), vector(&b));
            let all = SparseVector::from_pairs(a.entries().iter().chain(b.entries()).copied().collect());
            let sum = a.plus(&b);
            proptest::prop_assert_eq!(sum.entries(), all.entries());
        }
    }

    #[test]
    fn dot_of_unit_vectors_is_cosine() {
        let a = SparseVector::from_pairs(vec![(0, 1.0), (1, 1.0)]).normalized();
        let b = SparseVector::from_pairs(vec![(1, 1.0), (2, 1.0)]).normalized();
        assert!((a.dot(&b) - 0.5).abs() < 1e-6);
        assert!((a.dot(&a) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn packed_vectors_keep_each_vector_and_its_order() {
        let vectors = [
            SparseVector::from_pairs(vec![(4, 0.5), (1, 0.25)]),
            SparseVector::default(),
            SparseVector::from_pairs(vec![(2, 1.0)]),
        ];
        let packed = PackedVectors::new(&vectors);
        assert_eq!(packed.len(), 3);
        for (index, vector) in vectors.iter().enumerate() {
            assert_eq!(packed.get(index), vector.entries());
        }
        assert_eq!(top_terms(packed.get(0), 1), [4]);
        assert_eq!(weight(packed.get(0), 1), 0.25);
        assert_eq!(dot(packed.get(0), packed.get(2)), 0.0);
    }

    #[test]
    fn dense_dot_is_the_sparse_dot() {
        let a = SparseVector::from_pairs(vec![(0, 0.3), (2, 0.7), (5, 0.1)]);
        let b = SparseVector::from_pairs(vec![(2, 0.4), (3, 0.9), (5, 0.6)]);
        let mut dense = vec![0.0; 6];
        a.scatter(&mut dense);
        assert_eq!(b.dot_dense(&dense).to_bits(), a.dot(&b).to_bits());
        clear_in(a.entries(), &mut dense);
        assert!(dense.iter().all(|&w| w == 0.0));
    }

    #[test]
    fn rare_terms_weigh_more() {
        let docs = [SparseVector::counts(&[0, 1]), SparseVector::counts(&[0]), SparseVector::counts(&[0, 2])];
        let idf = InverseDocumentFrequency::new(&docs, 3);
        assert!(idf.idf(1) > idf.idf(0));
        let weighted = idf.tf_idf(&docs[0]);
        assert!(weighted.weight(1) > weighted.weight(0));
        assert!((weighted.norm() - 1.0).abs() < 1e-6);
    }
}

/// [`SparseVector::weight`] on a vector's entries.
pub fn weight(entries: &WeightedTerms, term: TermId) -> f32 {
    entries.binary_search_by_key(&term, |&(t, _)| t).map_or(0.0, |index| entries[index].1)
}

/// [`SparseVector::dot`] on two vectors' entries.
pub fn dot(a: &WeightedTerms, b: &WeightedTerms) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// The `limit` heaviest of a vector's terms, heaviest first (ties by term id).
pub fn top_terms(entries: &WeightedTerms, limit: usize) -> Vec<TermId> {
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    sorted.into_iter().take(limit).map(|(term, _)| term).collect()
}

/// [`SparseVector::scatter`] on a vector's entries.
pub fn scatter(entries: &WeightedTerms, dense: &mut [f32]) {
    for &(term, weight) in entries {
        dense[term as usize] = weight;
    }
}

/// Sets the terms of a vector's entries back to zero in `dense`.
pub fn clear_in(entries: &WeightedTerms, dense: &mut [f32]) {
    for &(term, _) in entries {
        dense[term as usize] = 0.0;
    }
}

/// [`SparseVector::dot_dense`] on a vector's entries.
pub fn dot_dense(entries: &WeightedTerms, dense: &[f32]) -> f32 {
    let mut sum = 0.0;
    for &(term, weight) in entries {
        sum += dense[term as usize] * weight;
    }
    sum
}

/// Sparse vectors stored end to end in one allocation.
#[derive(Debug, Clone, Default)]
pub struct PackedVectors {
    /// Vector `i` is `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    entries: Vec<(TermId, f32)>,
}

impl PackedVectors {
    /// Packs `vectors`, numbered in order.
    pub fn new<'a>(vectors: impl IntoIterator<Item = &'a SparseVector>) -> PackedVectors {
        let mut packed = PackedVectors { starts: vec![0], entries: Vec::new() };
        for vector in vectors {
            packed.entries.extend_from_slice(&vector.entries);
            packed.starts.push(packed.entries.len());
        }
        packed
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The entries of vector `index`, sorted by term.
    pub fn get(&self, index: usize) -> &WeightedTerms {
        &self.entries[self.starts[index]..self.starts[index + 1]]
    }
}
