//! Chapter classification: which chapter of the taxonomy an entry belongs in.
//!
//! The only domain knowledge is the taxonomy in book.toml (each chapter's
//! title, description and keywords) and the synonym list in
//! [`crate::analysis`]. Each chapter becomes a *profile*, a tf-idf vector whose
//! terms are weighted by how well they tell chapters apart. An entry is
//! scored against every profile on three kinds of evidence, weighted by
//! `[classify]`:
//!
//! - its question, with framing removed ([`QuestionIntent`]);
//! - the prose of its answer;
//! - the source's own section name ("Incident Management").
//!
//! A second round adds to each profile the centroid of the entries the first
//! round placed in it with a clear margin, so that vocabulary the taxonomy
//! never mentions (tool names, jargon) starts to count for the chapter whose
//! questions use it.
//!
//! Story prompts ("Tell me about a time ...") are scored on their content,
//! with the framing gone, and the chapter that story framing itself matches
//! (the behavioural one in the default taxonomy) gets `story-weight` extra:
//! a story about leading a postmortem still lands in incidents, a story
//! about a conflict with a colleague does not find a technical chapter and
//! stays behavioural.

use rayon::prelude::*;

use super::corpus::{AnalysedEntry, Corpus};
use super::vectors::{InverseDocumentFrequency, SparseVector, TermId, Vocabulary};
use crate::analysis::Analyzer;
use crate::config::{ChapterDef, ClassifyConfig};
use crate::model::EntryKind;

/// Words that frame a story prompt. The chapter whose profile matches them
/// best is where stories without a technical subject go.
const STORY_FRAMING: &str = "tell me about a time, describe a situation, share an experience, \
    an example from your career, teamwork, your team";

/// Profile weight of a word in a chapter's description.
const DESCRIPTION_WEIGHT: f32 = 1.0;
/// Profile weight of a word in a chapter's title: titles and keywords are
/// chosen word by word, descriptions are prose.
const TITLE_WEIGHT: f32 = 2.0;
/// Profile weight of a word in one of a chapter's keywords.
const KEYWORD_WEIGHT: f32 = 2.0;

/// How much the centroid of first-round members adds to a profile.
const CENTROID_WEIGHT: f32 = 0.5;

/// An entry joins its chapter's centroid only if its best score beats the
/// runner-up by this factor: unsure placements would teach the wrong words.
const CONFIDENT_MARGIN: f32 = 1.3;

/// Chapter profiles and the evidence weights, ready to score entries.
pub struct Classifier<'c> {
    config: &'c ClassifyConfig,
    profiles: Vec<SparseVector>,
    /// How far each source section's name can be trusted, in `0..=1`, by
    /// section id (see [`Classifier::trust_sections`]); empty means fully.
    section_trust: Vec<f32>,
    /// Index of the chapter story prompts default to, if any profile matches
    /// story framing at all.
    story_chapter: Option<usize>,
    /// Number of distinct terms in the corpus and profiles.
    vocabulary_size: usize,
    /// `profiles` as dense vectors by term id, once they have learnt from
    /// the corpus (see [`Classifier::classify_all`]); empty before.
    dense_profiles: Vec<Vec<f32>>,
}

/// One entry's score for every chapter, in taxonomy order.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterScores(pub Vec<f32>);

impl ChapterScores {
    /// Index of the best chapter; the earlier chapter wins a tie.
    pub fn best(&self) -> usize {
        let mut best = 0;
        for (index, &score) in self.0.iter().enumerate() {
            if score > self.0[best] {
                best = index;
            }
        }
        best
    }

    /// Ratio of the best score to the runner-up (infinite when alone).
    fn margin(&self) -> f32 {
        let best = self.best();
        let runner_up = self.0.iter().enumerate().filter(|&(i, _)| i != best).map(|(_, &s)| s).fold(0.0, f32::max);
        if runner_up > 0.0 {
            self.0[best] / runner_up
        } else {
            f32::INFINITY
        }
    }
}

impl<'c> Classifier<'c> {
    /// Builds profiles from the taxonomy. Terms are interned into the
    /// corpus vocabulary so profiles and entries share ids.
    pub fn new(chapters: &[ChapterDef], config: &'c ClassifyConfig, corpus: &mut Corpus) -> Classifier<'c> {
        let analyzer = Analyzer::english();
        let raw: Vec<SparseVector> =
            chapters.iter().map(|chapter| raw_profile(chapter, analyzer, &mut corpus.vocabulary)).collect();
        let profiles = discriminative(&raw, &corpus.classify_idf);
        let story_terms = corpus.vocabulary.intern_all(&analyzer.terms(STORY_FRAMING));
        let story = corpus.classify_idf.tf_idf(&SparseVector::counts(&story_terms));
        let story_scores = ChapterScores(profiles.iter().map(|p| p.dot(&story)).collect());
        let story_chapter = (story_scores.0[story_scores.best()] > 0.0).then(|| story_scores.best());
        Classifier {
            config,
            profiles,
            section_trust: Vec::new(),
            story_chapter,
            vocabulary_size: corpus.vocabulary.len(),
            dense_profiles: Vec::new(),
        }
    }

    /// Scores every entry, refines the profiles once with the confident
    /// placements, and returns each entry's final chapter index.
    pub fn classify_all(mut self, entries: &[AnalysedEntry]) -> Vec<usize> {
        self.trust_sections(entries);
        let first: Vec<ChapterScores> = entries.par_iter().map(|e| self.score(e)).collect();
        self.learn_from(entries, &first);
        // A learnt profile holds every term of its chapter's entries, so a
        // sparse dot product with it would cost more the larger the book:
        // scored against dense copies, each entry costs its own terms only.
        // The sums run over the same terms in the same order: same scores.
        self.dense_profiles = self
            .profiles
            .iter()
            .map(|profile| {
                let mut dense = vec![0.0; self.vocabulary_size];
                profile.scatter(&mut dense);
                dense
            })
            .collect();
        entries.par_iter().map(|e| self.score(e).best()).collect()
    }

    /// The evidence for each chapter, combined.
    ///
    /// Guides (interview tips, certification overviews) are advice about the
    /// interview and the career rather than a question on a subject: like
    /// story prompts they get the story chapter's prior, and the section
    /// they sit in, named after the questions around them, does not count.
    pub fn score(&self, entry: &AnalysedEntry) -> ChapterScores {
        let is_guide = entry.kind == EntryKind::Guide;
        let trust = self.section_trust.get(entry.section_id).copied().unwrap_or(1.0);
        let section_weight = if is_guide { 0.0 } else { self.config.section_weight as f32 * trust };
        self.score_with_section(entry, section_weight)
    }

    /// The scores with the section name weighted by `section_weight`
    /// (0 leaves it out).
    fn score_with_section(&self, entry: &AnalysedEntry, section_weight: f32) -> ChapterScores {
        let weights = self.config;
        let mut scores: Vec<f32> = self
            .profiles
            .iter()
            .enumerate()
            .map(|(chapter, profile)| {
                let dot = |vector: &SparseVector| match self.dense_profiles.get(chapter) {
                    Some(dense) => vector.dot_dense(dense),
                    None => profile.dot(vector),
                };
                let mut score = weights.question_weight as f32 * dot(&entry.classify_question)
                    + weights.answer_weight as f32 * dot(&entry.classify_answer);
                if section_weight != 0.0 {
                    score += section_weight * dot(&entry.classify_section);
                }
                score
            })
            .collect();
        if let (true, Some(story)) = (entry.intent.is_story || entry.kind == EntryKind::Guide, self.story_chapter) {
            scores[story] += weights.story_weight as f32;
        }
        ChapterScores(scores)
    }

    /// Works out how far each section name can be trusted.
    ///
    /// A section name is evidence when it names what its entries are
    /// about ("Incident Management"). A generic one ("Technical
    /// Questions", "Part 2") can still happen to match a chapter's words
    /// ("technical debt") and would pull every entry under it there. So a
    /// section is trusted as far as its entries, scored on their own text,
    /// agree with the chapter its name points to: with `n` entries of which
    /// `k` agree, `(k + 1) / (n + 1)`, so that a lone entry keeps half the
    /// weight even when it disagrees, and a long section whose entries
    /// mostly go elsewhere keeps little.
    fn trust_sections(&mut self, entries: &[AnalysedEntry]) {
        let sections = entries.iter().map(|e| e.section_id + 1).max().unwrap_or(0);
        let (mut agreeing, mut members) = (vec![0u32; sections], vec![0u32; sections]);
        let agrees: Vec<Option<bool>> = entries
            .par_iter()
            .map(|entry| {
                let name = ChapterScores(self.profiles.iter().map(|p| p.dot(&entry.classify_section)).collect());
                if entry.kind == EntryKind::Guide || name.0[name.best()] <= 0.0 {
                    return None;
                }
                Some(self.score_with_section(entry, 0.0).best() == name.best())
            })
            .collect();
        for (entry, agrees) in entries.iter().zip(agrees) {
            if let Some(agrees) = agrees {
                members[entry.section_id] += 1;
                agreeing[entry.section_id] += u32::from(agrees);
            }
        }
        self.section_trust = agreeing.iter().zip(&members).map(|(&k, &n)| (k + 1) as f32 / (n + 1) as f32).collect();
    }

    /// How close an entry's question is to one chapter's profile: how
    /// squarely it sits in what the chapter is about.
    pub fn affinity(&self, entry: &AnalysedEntry, chapter: usize) -> f32 {
        self.profiles[chapter].dot(&entry.classify_question)
    }

    /// Adds to each profile the centroid of the entries placed in it with a
    /// clear margin (pseudo-relevance feedback).
    fn learn_from(&mut self, entries: &[AnalysedEntry], scores: &[ChapterScores]) {
        // Dense sums: a large corpus puts millions of weights in each centroid.
        let mut sums = vec![vec![0.0f32; self.vocabulary_size]; self.profiles.len()];
        for (entry, score) in entries.iter().zip(scores) {
            if score.margin() < CONFIDENT_MARGIN {
                continue;
            }
            let sum = &mut sums[score.best()];
            for &(term, weight) in entry.classify_question.entries().iter().chain(entry.classify_answer.entries()) {
                sum[term as usize] += weight;
            }
        }
        for (profile, sum) in self.profiles.iter_mut().zip(sums) {
            let pairs: Vec<(TermId, f32)> = (0..).zip(sum).filter(|&(_, weight)| weight > 0.0).collect();
            if !pairs.is_empty() {
                let centroid = SparseVector::from_pairs(pairs).normalized();
                *profile = profile.plus(&centroid.scaled(CENTROID_WEIGHT)).normalized();
            }
        }
    }
}

/// Term weights of one chapter's title, description and keywords.
fn raw_profile(chapter: &ChapterDef, analyzer: &Analyzer, vocabulary: &mut Vocabulary) -> SparseVector {
    raw_profile_of(&chapter.title, &chapter.description, &chapter.keywords, analyzer, vocabulary)
}

/// Term weights of a title, a description and keywords: a chapter's, or
/// a section's (which has no description).
pub(super) fn raw_profile_of(
    title: &str,
    description: &str,
    keywords: &[String],
    analyzer: &Analyzer,
    vocabulary: &mut Vocabulary,
) -> SparseVector {
    let mut pairs: Vec<(TermId, f32)> = Vec::new();
    let mut add = |text: &str, weight: f32| {
        for term in analyzer.terms(text) {
            pairs.push((vocabulary.intern(&term), weight));
        }
    };
    add(title, TITLE_WEIGHT);
    add(description, DESCRIPTION_WEIGHT);
    for keyword in keywords {
        add(keyword, KEYWORD_WEIGHT);
    }
    SparseVector::from_pairs(pairs)
}

/// Unit profiles whose terms are weighted by how well they separate
/// chapters (a term in one profile only counts most) and by their rarity in
/// the corpus (a term every entry uses tells nothing).
pub(super) fn discriminative(raw: &[SparseVector], corpus_idf: &InverseDocumentFrequency) -> Vec<SparseVector> {
    let chapter_count = raw.len() as f32;
    let chapters_with = |term: TermId| raw.iter().filter(|p| p.weight(term) > 0.0).count() as f32;
    raw.iter()
        .map(|profile| {
            profile
                .map(|term, weight| {
                    let separation = (1.0 + chapter_count / chapters_with(term)).ln();
                    (1.0 + weight.ln().max(0.0)) * separation * corpus_idf.idf(term)
                })
                .normalized()
        })
        .collect()
}
