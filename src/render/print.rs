//! The printable book. A small book prints as one page, `print.html`. A
//! large one (past [`PRINT_IN_ONE_PAGE_LIMIT`](super::PRINT_IN_ONE_PAGE_LIMIT)
//! topics) prints in parts of at most [`PART_TOPICS`] topics, in reading
//! order and never across chapters (`print/<chapter>.html`, or
//! `print/<chapter>-<k>.html` for a chapter in several parts), with
//! `print.html` as their cover. One page of 10,000 questions is tens of
//! megabytes that no browser lays out comfortably, and rendering it through
//! one template holds all of it in memory twice (Tera's context, then its
//! output); parts of bounded size render side by side in bounded memory.

use std::collections::HashSet;
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use super::{prefix_anchors, Answer, Site};
use crate::model::{Chapter, Topic};
use crate::output::SiteSink;
use crate::Result;

/// Site-relative path of the one-page book, or of the cover of its parts.
pub const PRINT_PATH: &str = "print.html";

/// The most topics one printable part holds.
pub const PART_TOPICS: usize = 200;

/// One chapter of a printable page, with the answers of its topics.
pub(super) struct PrintChapter<'p, 'a> {
    /// 1-based position of the chapter in the book.
    pub number: usize,
    pub chapter: &'a Chapter,
    /// The chapter's topics in reading order, with their answers.
    pub topics: Vec<(&'a Topic, &'p [Answer<'a>])>,
}

/// One printable part of a book printed in parts.
pub(super) struct Part<'a> {
    /// 1-based position of the chapter in the book.
    pub chapter_number: usize,
    pub chapter: &'a Chapter,
    /// The part's topics, as positions in the reading order.
    pub range: Range<usize>,
    pub path: String,
    pub title: String,
}

/// A link to one printable part, for the parts list.
#[derive(Serialize)]
struct PartLink<'a> {
    number: usize,
    title: &'a str,
    path: &'a str,
    topic_count: usize,
    /// True on the part being shown.
    current: bool,
}

impl<'a> Site<'a> {
    /// The printable parts, in reading order (none when the book prints on
    /// one page).
    pub(super) fn print_parts(&self) -> &[Part<'a>] {
        self.print_parts.get_or_init(|| self.plan_print_parts())
    }

    fn plan_print_parts(&self) -> Vec<Part<'a>> {
        if !self.print_in_parts() {
            return Vec::new();
        }
        let mut parts = Vec::new();
        for (chapter_number, chapter, range) in self.chapter_ranges() {
            let count = range.len().div_ceil(PART_TOPICS).max(1);
            for k in 0..count {
                let start = range.start + k * PART_TOPICS;
                let end = (start + PART_TOPICS).min(range.end);
                let (path, title) = if count == 1 {
                    (format!("print/{}.html", chapter.slug), chapter.title.clone())
                } else {
                    (
                        format!("print/{}-{}.html", chapter.slug, k + 1),
                        format!("{} ({} of {count})", chapter.title, k + 1),
                    )
                };
                parts.push(Part { chapter_number, chapter, range: start..end, path, title });
            }
        }
        parts
    }

    /// Renders the printable pages showing `chapters` (all of them when
    /// `None`) into `sink`: their parts, or `print.html` on a one-page book;
    /// also the cover when rendering all. Returns the number of pages.
    pub(super) fn write_print_pages(&self, sink: &dyn SiteSink, chapters: Option<&HashSet<String>>) -> Result<usize> {
        let wanted = |chapter: &Chapter| chapters.is_none_or(|set| set.contains(&chapter.slug));
        if !self.print_in_parts() {
            if !self.book.chapters.iter().any(wanted) {
                return Ok(0);
            }
            let answers: Vec<Vec<Answer>> = self.reading_order.par_iter().map(|topic| self.answers(topic)).collect();
            self.write_one_page_print(sink, &answers)?;
            return Ok(1);
        }
        let parts = self.print_parts();
        let chosen: Vec<&Part> = parts.iter().filter(|part| wanted(part.chapter)).collect();
        chosen.par_iter().try_for_each(|part| {
            let answers: Vec<Vec<Answer>> =
                self.reading_order[part.range.clone()].iter().map(|t| self.answers(t)).collect();
            self.write_print_part(sink, part, &answers)
        })?;
        let mut pages = chosen.len();
        if chapters.is_none() {
            self.write_print_cover(sink)?;
            pages += 1;
        }
        Ok(pages)
    }

    /// Renders `print.html` of a book that prints on one page, from the
    /// answers of every topic in reading order.
    pub(super) fn write_one_page_print(&self, sink: &dyn SiteSink, answers: &[Vec<Answer>]) -> Result<()> {
        let chapters: Vec<PrintChapter> = self
            .chapter_ranges()
            .map(|(number, chapter, range)| PrintChapter {
                number,
                chapter,
                topics: self.reading_order[range.clone()]
                    .iter()
                    .copied()
                    .zip(answers[range].iter().map(Vec::as_slice))
                    .collect(),
            })
            .collect();
        self.write_page(sink, "print.html", PRINT_PATH, self.print_context(PRINT_PATH, &chapters, None)?)
    }

    /// Renders the cover of a book printed in parts: the list of parts.
    pub(super) fn write_print_cover(&self, sink: &dyn SiteSink) -> Result<()> {
        self.write_page(sink, "print.html", PRINT_PATH, self.print_context(PRINT_PATH, &[], None)?)
    }

    /// Renders one part from its topics' answers.
    pub(super) fn write_print_part(&self, sink: &dyn SiteSink, part: &Part, answers: &[Vec<Answer>]) -> Result<()> {
        let topics = &self.reading_order[part.range.clone()];
        let chapter = PrintChapter {
            number: part.chapter_number,
            chapter: part.chapter,
            topics: topics.iter().copied().zip(answers.iter().map(Vec::as_slice)).collect(),
        };
        self.write_page(sink, "print.html", &part.path, self.print_context(&part.path, &[chapter], Some(part))?)
    }

    /// The context of a printable page at `path` holding `chapters`; `part`
    /// is the part shown (`None` on a one-page book and on the cover).
    fn print_context(&self, path: &str, chapters: &[PrintChapter], part: Option<&Part>) -> Result<tera::Context> {
        let chapters: Vec<serde_json::Value> = chapters
            .iter()
            .map(|c| {
                let topics: Vec<serde_json::Value> = c
                    .topics
                    .iter()
                    .map(|(t, answers)| {
                        let answers: Vec<Answer> = answers
                            .iter()
                            .map(|a| Answer {
                                anchor: format!("{}-{}", t.slug, a.anchor),
                                html: prefix_anchors(&a.html, &t.slug),
                                ..a.clone()
                            })
                            .collect();
                        serde_json::json!({"slug": t.slug, "title": t.title, "variants": t.variants, "answers": answers})
                    })
                    .collect();
                serde_json::json!({
                    "slug": c.chapter.slug, "title": c.chapter.title, "description": c.chapter.description,
                    "number": c.number, "topics": topics,
                })
            })
            .collect();
        let book_title = &self.config.book.title;
        let title = match part {
            Some(part) => format!("{} · {book_title} (printable)", part.title),
            None => format!("{book_title} (printable)"),
        };
        let mut ctx = self.page_context("print", &title, &self.config.book.description, path, "", "")?;
        ctx.insert("chapters", &chapters);
        let parts = self.print_parts();
        let links: Vec<PartLink> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| PartLink {
                number: i + 1,
                title: &p.title,
                path: &p.path,
                topic_count: p.range.len(),
                current: part.is_some_and(|part| part.path == p.path),
            })
            .collect();
        ctx.insert("print_parts", &links);
        Ok(ctx)
    }
}
