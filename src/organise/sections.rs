//! Sections inside a chapter: which `[[chapters.sections]]` heading each
//! of the chapter's topics is listed under.
//!
//! A section is scored like a chapter (see `classify.rs`): a profile of its
//! title and keywords, whose terms weigh more the fewer sibling sections
//! share them. A topic's evidence is what all of its members ask, plus a
//! little of their answers; it goes to the best-scoring section, or to
//! [`OTHER`] when no section's words occur in it at all.

use super::classify::{discriminative, raw_profile_of};
use super::corpus::Corpus;
use super::vectors::SparseVector;
use crate::analysis::Analyzer;
use crate::config::SectionDef;
use crate::model::Section;

/// The heading of topics that fit none of a chapter's sections.
pub const OTHER: &str = "Other";

/// How much a member's answer counts next to its question: the question
/// says what the topic is about, the answer only confirms it.
const ANSWER_SHARE: f32 = 0.35;

/// The sections of one chapter, ready to place topics.
pub struct SectionProfiles<'d> {
    sections: &'d [SectionDef],
    profiles: Vec<SparseVector>,
}

impl<'d> SectionProfiles<'d> {
    /// Profiles for `sections`, with terms interned into the corpus.
    pub fn new(sections: &'d [SectionDef], corpus: &mut Corpus) -> SectionProfiles<'d> {
        let analyzer = Analyzer::english();
        let raw: Vec<SparseVector> = sections
            .iter()
            .map(|section| raw_profile_of(&section.title, "", &section.keywords, analyzer, &mut corpus.vocabulary))
            .collect();
        SectionProfiles { sections, profiles: discriminative(&raw, &corpus.classify_idf) }
    }

    /// The section a topic made of entries `members` belongs under, if any
    /// section's words occur in it. The earlier section wins a tie.
    pub fn best(&self, members: &[usize], corpus: &Corpus) -> Option<usize> {
        let evidence = members.iter().fold(SparseVector::default(), |sum, &member| {
            let entry = &corpus.entries[member];
            sum.plus(&entry.classify_question).plus(&entry.classify_answer.clone().scaled(ANSWER_SHARE))
        });
        let scores: Vec<f32> = self.profiles.iter().map(|profile| profile.dot(&evidence)).collect();
        let mut best: Option<usize> = None;
        for (index, &score) in scores.iter().enumerate() {
            if score > 0.0 && best.is_none_or(|b| score > scores[b]) {
                best = Some(index);
            }
        }
        best
    }

    /// Groups topics, given in reading order as `(slug, section)` pairs,
    /// under their sections: in taxonomy order, then [`OTHER`]; each keeps
    /// the reading order, and empty sections are left out.
    pub fn group(&self, topics: &[(String, Option<usize>)]) -> Vec<Section> {
        // An author's own "Other" section takes the topics that fit nowhere.
        let other = self
            .sections
            .iter()
            .position(|s| s.title.trim().eq_ignore_ascii_case(OTHER))
            .unwrap_or(self.sections.len());
        let titles = self.sections.iter().map(|s| s.title.trim().to_owned()).chain([OTHER.to_owned()]);
        titles
            .enumerate()
            .map(|(index, title)| Section {
                title,
                topics: topics
                    .iter()
                    .filter(|(_, section)| section.unwrap_or(other) == index)
                    .map(|(slug, _)| slug.clone())
                    .collect(),
            })
            .filter(|section| !section.topics.is_empty())
            .collect()
    }
}
