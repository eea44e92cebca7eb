//! Entries analysed once into term ids, shared by the classifier, the
//! similarity and topic ordering.

use std::collections::HashMap;

use rayon::prelude::*;

use super::intent::{answer_prose, QuestionIntent};
use super::vectors::{InverseDocumentFrequency, SparseVector, TermId, Vocabulary};
use crate::analysis::{Analyzer, FastHashMap, FastHashSet};
use crate::model::{Entry, EntryKind};

/// Only the first words of an answer are analysed: answers state their
/// subject early, later paragraphs wander, and the cap bounds the work.
pub const ANSWER_WORDS: usize = 150;

/// A source needs at least this many entries before its repeated answer
/// scaffolding ("ANSWER (45 seconds):", "KEY POINTS") can be told apart from
/// its subject matter.
const BOILERPLATE_MIN_ENTRIES: usize = 8;

/// A term in at least this share of one source's answers is that source's
/// scaffolding, not content.
const BOILERPLATE_SHARE: f32 = 0.5;

/// One entry as term ids and the vectors the classifier scores.
#[derive(Debug, Clone)]
pub struct AnalysedEntry {
    pub kind: EntryKind,
    pub intent: QuestionIntent,
    /// Terms of the question's content (framing removed).
    pub question_terms: Vec<TermId>,
    /// Terms of the answer's first [`ANSWER_WORDS`] words of prose, without
    /// the source's boilerplate.
    pub answer_terms: Vec<TermId>,
    /// Unit tf-idf vectors of the three fields, for chapter scoring.
    pub classify_question: SparseVector,
    pub classify_answer: SparseVector,
    pub classify_section: SparseVector,
    /// Which section of which source the entry sits in: entries with the
    /// same source and section name share an id, numbered from 0.
    pub section_id: usize,
}

/// Every entry analysed, with the shared vocabulary.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub vocabulary: Vocabulary,
    /// Document frequencies over question-plus-answer documents.
    pub classify_idf: InverseDocumentFrequency,
    pub entries: Vec<AnalysedEntry>,
}

/// The analysed fields of one entry: terms as strings while analysing in
/// parallel, as ids once interned.
struct Fields<Term> {
    intent: QuestionIntent,
    question: Vec<Term>,
    answer: Vec<Term>,
    section: Vec<Term>,
}

impl Corpus {
    /// Analyses every entry (in parallel) and builds the classifier vectors.
    pub fn analyse(entries: &[Entry]) -> Corpus {
        let analyzer = Analyzer::english();
        let terms: Vec<Fields<String>> = entries
            .par_iter()
            .map(|entry| {
                let intent = QuestionIntent::of(&entry.question);
                let question = analyzer.terms(&intent.content);
                let answer = analyzer.terms(&answer_prose(&entry.answer_markdown, ANSWER_WORDS));
                let section = analyzer.terms(&entry.source_section);
                Fields { intent, question, answer, section }
            })
            .collect();

        let mut vocabulary = Vocabulary::default();
        let mut interned: Vec<Fields<TermId>> = terms
            .into_iter()
            .map(|t| Fields {
                question: vocabulary.intern_all(&t.question),
                answer: vocabulary.intern_all(&t.answer),
                section: vocabulary.intern_all(&t.section),
                intent: t.intent,
            })
            .collect();
        remove_boilerplate(entries, &mut interned);

        let documents: Vec<SparseVector> =
            interned.par_iter().map(|f| SparseVector::counts(&[f.question.as_slice(), &f.answer].concat())).collect();
        let classify_idf = InverseDocumentFrequency::new(&documents, vocabulary.len());
        let mut section_ids: HashMap<(&str, &str), usize> = HashMap::new();
        let sections: Vec<usize> = entries
            .iter()
            .map(|e| {
                let next = section_ids.len();
                *section_ids.entry((e.source.as_str(), e.source_section.as_str())).or_insert(next)
            })
            .collect();
        let analysed = entries
            .par_iter()
            .zip(interned)
            .zip(sections)
            .map(|((entry, fields), section_id)| AnalysedEntry {
                kind: entry.kind,
                classify_question: classify_idf.tf_idf(&SparseVector::counts(&fields.question)),
                classify_answer: classify_idf.tf_idf(&SparseVector::counts(&fields.answer)),
                classify_section: classify_idf.tf_idf(&SparseVector::counts(&fields.section)),
                section_id,
                intent: fields.intent,
                question_terms: fields.question,
                answer_terms: fields.answer,
            })
            .collect();
        Corpus { vocabulary, classify_idf, entries: analysed }
    }
}

/// Drops from each source's answers the terms most of its answers share:
/// answer templates repeat across one source only and would make all of its
/// entries look alike.
fn remove_boilerplate(entries: &[Entry], interned: &mut [Fields<TermId>]) {
    let mut by_source: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        by_source.entry(entry.source.as_str()).or_default().push(index);
    }
    // Each source's scaffolding on its own, in parallel; then each entry
    // drops its source's.
    let interned_ref = &*interned;
    let boilerplate: HashMap<&str, FastHashSet<TermId>> = by_source
        .par_iter()
        .filter(|(_, members)| members.len() >= BOILERPLATE_MIN_ENTRIES)
        .map(|(&source, members)| {
            let mut document_frequency: FastHashMap<TermId, usize> = FastHashMap::default();
            for &index in members {
                let mut terms = interned_ref[index].answer.clone();
                terms.sort_unstable();
                terms.dedup();
                for term in terms {
                    *document_frequency.entry(term).or_default() += 1;
                }
            }
            let limit = (BOILERPLATE_SHARE * members.len() as f32).ceil() as usize;
            let terms = document_frequency.into_iter().filter(|&(_, df)| df >= limit).map(|(term, _)| term).collect();
            (source, terms)
        })
        .collect();
    interned.par_iter_mut().zip(entries).for_each(|(fields, entry)| {
        if let Some(terms) = boilerplate.get(entry.source.as_str()).filter(|terms| !terms.is_empty()) {
            fields.answer.retain(|term| !terms.contains(term));
        }
    });
}
