//! The printable book. A small book prints as one page, `print.html`. A
//! large one (past [`PRINT_IN_ONE_PAGE_LIMIT`](super::PRINT_IN_ONE_PAGE_LIMIT) topics) prints
//! one page per chapter, `print/<chapter>.html`, with `print.html` as their
//! cover: one page of 10,000 questions is tens of megabytes that no browser
//! lays out comfortably, and rendering it as one template holds all of it
//! in memory twice (Tera's context, then its output).

use serde::Serialize;

use super::{prefix_anchors, Answer, Site};
use crate::model::{Chapter, Topic};

/// Site-relative path of the one-page book, or of the cover of its parts.
pub const PRINT_PATH: &str = "print.html";

/// Site-relative path of a chapter's printable part.
pub fn part_path(chapter: &str) -> String {
    format!("print/{chapter}.html")
}

/// One chapter of a printable page, with the answers of its topics.
pub(super) struct PrintChapter<'p, 'a> {
    /// 1-based position of the chapter in the book.
    pub number: usize,
    pub chapter: &'a Chapter,
    /// The chapter's topics in reading order, with their answers.
    pub topics: Vec<(&'a Topic, &'p [Answer<'a>])>,
}

/// A link to one printable part, for the parts list.
#[derive(Serialize)]
struct Part<'a> {
    number: usize,
    title: &'a str,
    path: String,
    topic_count: usize,
    /// True on the part being shown.
    current: bool,
}

impl<'a> Site<'a> {
    /// The context of a printable page at `path` holding `chapters`. When
    /// the book prints in parts, `current` is the chapter slug of this part
    /// (empty on the cover) and `print_parts` lists them all.
    pub(super) fn print_context(&self, path: &str, chapters: &[PrintChapter], current: &str) -> tera::Context {
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
        let title = match self.book.chapters.iter().find(|c| c.slug == current) {
            Some(chapter) => format!("{} · {book_title} (printable)", chapter.title),
            None => format!("{book_title} (printable)"),
        };
        let mut ctx = self.page_context("print", &title, &self.config.book.description, path, "", "");
        ctx.insert("chapters", &chapters);
        let parts: Vec<Part> = if self.print_in_parts() {
            self.book
                .chapters
                .iter()
                .enumerate()
                .map(|(i, c)| Part {
                    number: i + 1,
                    title: &c.title,
                    path: part_path(&c.slug),
                    topic_count: c.topics.len(),
                    current: c.slug == current,
                })
                .collect()
        } else {
            Vec::new()
        };
        ctx.insert("print_parts", &parts);
        ctx
    }
}
