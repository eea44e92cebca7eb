//! The sidebar: every chapter, with the current chapter's topics open.
//!
//! The theme's `nav.html` renders it. In a book of up to [`FULL_NAV_LIMIT`]
//! topics every page shows every topic, so the sidebar differs between two
//! pages of the same chapter only in which link is the page itself: it is
//! rendered once per chapter (and per folder depth), and each page gets a
//! copy with its own link marked `aria-current="page"`. Rendering it for
//! every page cost more than the rest of the page put together.
//!
//! Past that limit a page shows only a window of its chapter's topics
//! around its own (see [`Sidebar::window`]). Windows start at every
//! [`WINDOW_STEP`]th topic, so neighbouring pages share one, rendered once
//! and marked the same way; the page's own topic is always near the middle.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

use super::highlight::escape_html;
use super::theme::{template_error, Theme};
use super::{chapter_path, topic_path};
use crate::model::{Book, Topic};
use crate::Result;

/// Books with at most this many topics list every topic in every sidebar.
pub(super) const FULL_NAV_LIMIT: usize = 400;

/// Topics shown either side of the current one in a windowed sidebar, give
/// or take half a [`WINDOW_STEP`].
const NAV_WINDOW: usize = 12;

/// Topics in a windowed sidebar.
const WINDOW_LENGTH: usize = 2 * NAV_WINDOW + 1;

/// Windows start this many topics apart: a page's topic is at most half a
/// step off the middle of its window, and six pages share one rendering.
const WINDOW_STEP: usize = NAV_WINDOW / 2;

/// The template that renders the sidebar.
const NAV_TEMPLATE: &str = "nav.html";

#[derive(Serialize)]
struct NavChapter {
    slug: String,
    title: String,
    path: String,
    topic_count: usize,
    topics: Vec<NavTopic>,
}

#[derive(Serialize, Clone)]
struct NavTopic {
    slug: String,
    title: String,
    path: String,
}

/// The book's sidebar, rendered on demand and kept per chapter and window.
pub(super) struct Sidebar {
    chapters: Vec<NavChapter>,
    /// Whether every page lists every topic (see the module comment).
    full: bool,
    /// Chapter slug → its index in `chapters`.
    chapter_index: HashMap<String, usize>,
    /// Topic slug → its position in its chapter.
    positions: HashMap<String, usize>,
    /// Per value of `root` ([`ROOTS`]), per current chapter (the last for
    /// pages outside any chapter), per window: the rendered sidebar,
    /// unmarked. Filled as pages ask, from any thread.
    rendered: [Vec<Vec<OnceLock<Rendered>>>; ROOTS.len()],
}

/// A sidebar as `nav.html` rendered it, with where each link's `href`
/// value ends, so marking a page's own link needs no search.
struct Rendered {
    html: String,
    /// `href` value (as written, escaped) → byte offset just past its
    /// closing quote, for the first link with that value.
    link_ends: HashMap<String, usize>,
}

impl Rendered {
    fn new(html: String) -> Rendered {
        let mut link_ends = HashMap::new();
        let mut from = 0;
        while let Some(at) = html[from..].find(HREF) {
            let value_start = from + at + HREF.len();
            let Some(length) = html[value_start..].find('"') else { break };
            let end = value_start + length + 1;
            link_ends.entry(html[value_start..end - 1].to_string()).or_insert(end);
            from = end;
        }
        Rendered { html, link_ends }
    }

    /// The sidebar with ` aria-current="page"` added to the first link
    /// whose `href` is exactly `href`: how `nav.html` links to the page
    /// being shown.
    fn marked(&self, href: &str) -> String {
        match self.link_ends.get(&escape_html(href)) {
            Some(&end) => [&self.html[..end], CURRENT, &self.html[end..]].concat(),
            None => self.html.clone(),
        }
    }
}

const HREF: &str = "href=\"";
const CURRENT: &str = " aria-current=\"page\"";

/// Every value of `root` a page can have.
const ROOTS: [&str; 2] = ["", "../"];

impl Sidebar {
    pub(super) fn new(book: &Book, topics: &HashMap<&str, &Topic>) -> Sidebar {
        let chapters: Vec<NavChapter> = book
            .chapters
            .iter()
            .map(|c| NavChapter {
                slug: c.slug.clone(),
                title: c.title.clone(),
                path: chapter_path(&c.slug),
                topic_count: c.topics.len(),
                topics: c
                    .topics
                    .iter()
                    .filter_map(|slug| topics.get(slug.as_str()))
                    .map(|t| NavTopic { slug: t.slug.clone(), title: t.title.clone(), path: topic_path(t) })
                    .collect(),
            })
            .collect();
        let full = book.topics.len() <= FULL_NAV_LIMIT;
        let chapter_index = chapters.iter().enumerate().map(|(i, c)| (c.slug.clone(), i)).collect();
        let positions =
            chapters.iter().flat_map(|c| c.topics.iter().enumerate().map(|(at, t)| (t.slug.clone(), at))).collect();
        let windows = |topics: usize| if full { 1 } else { window_count(topics) };
        let slots = || {
            chapters
                .iter()
                .map(|c| windows(c.topics.len()))
                .chain([1])
                .map(|count| (0..count).map(|_| OnceLock::new()).collect())
                .collect()
        };
        let rendered = std::array::from_fn(|_| slots());
        Sidebar { chapters, full, chapter_index, positions, rendered }
    }

    /// The sidebar of the page at `page_path` (site-relative), in `chapter`
    /// and showing `topic` (slugs, or empty), with the link to the page
    /// itself marked.
    pub(super) fn html(
        &self,
        theme: &Theme,
        base: &tera::Context,
        root: &str,
        chapter: &str,
        topic: &str,
        page_path: &str,
    ) -> Result<String> {
        let href = format!("{root}{page_path}");
        let chapter_index = self.chapter_index.get(chapter).copied();
        let window = match chapter_index {
            Some(index) if !self.full => {
                let at = self.positions.get(topic).copied().unwrap_or(0);
                window_number(self.chapters[index].topics.len(), at)
            }
            _ => 0,
        };
        let render = || {
            if self.full {
                self.render(theme, base, root, chapter, &self.chapters)
            } else {
                self.render(theme, base, root, chapter, &self.window(chapter_index, window))
            }
        };
        let Some(root_index) = ROOTS.iter().position(|r| *r == root) else {
            return Ok(Rendered::new(render()?).marked(&href));
        };
        let chapter_slot = chapter_index.unwrap_or(self.chapters.len());
        let cell = &self.rendered[root_index][chapter_slot][window];
        if let Some(rendered) = cell.get() {
            return Ok(rendered.marked(&href));
        }
        let rendered = Rendered::new(render()?);
        // Another thread may have got there first: theirs is the same.
        Ok(cell.get_or_init(|| rendered).marked(&href))
    }

    fn render<T: Serialize>(
        &self,
        theme: &Theme,
        base: &tera::Context,
        root: &str,
        chapter: &str,
        nav: &T,
    ) -> Result<String> {
        let mut ctx = base.clone();
        ctx.insert("nav", nav);
        ctx.insert("root", root);
        ctx.insert("current_chapter", chapter);
        theme.tera.render(NAV_TEMPLATE, &ctx).map_err(|e| template_error(Path::new(NAV_TEMPLATE), e))
    }

    /// Every chapter, with only window number `window` of the current
    /// chapter's topics (if any), and a last link to the chapter page that
    /// lists them all.
    fn window(&self, current: Option<usize>, window: usize) -> Vec<NavChapter> {
        self.chapters
            .iter()
            .enumerate()
            .map(|(index, c)| {
                let mut topics = Vec::new();
                if current == Some(index) {
                    let range = window_range(c.topics.len(), window);
                    let shown = range.len();
                    topics.extend_from_slice(&c.topics[range]);
                    if shown < c.topics.len() {
                        topics.push(NavTopic {
                            slug: String::new(),
                            title: format!("All {} topics in this chapter…", c.topics.len()),
                            path: c.path.clone(),
                        });
                    }
                }
                NavChapter {
                    slug: c.slug.clone(),
                    title: c.title.clone(),
                    path: c.path.clone(),
                    topic_count: c.topic_count,
                    topics,
                }
            })
            .collect()
    }
}

/// Number of windows over a chapter of `topics` topics.
fn window_count(topics: usize) -> usize {
    topics.saturating_sub(WINDOW_LENGTH).div_ceil(WINDOW_STEP) + 1
}

/// The window a page shows in a chapter of `topics` topics when its own
/// topic is at position `at`: the one whose middle is nearest.
fn window_number(topics: usize, at: usize) -> usize {
    ((at.saturating_sub(NAV_WINDOW) + WINDOW_STEP / 2) / WINDOW_STEP).min(window_count(topics) - 1)
}

/// The positions window number `window` shows in a chapter of `topics`
/// topics: [`WINDOW_LENGTH`] of them, all of a shorter chapter.
fn window_range(topics: usize, window: usize) -> std::ops::Range<usize> {
    let start = (window * WINDOW_STEP).min(topics.saturating_sub(WINDOW_LENGTH));
    start..(start + WINDOW_LENGTH).min(topics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_is_near_the_middle_of_its_window() {
        for topics in [1, 24, 25, 26, 31, 32, 100, 1001] {
            let windows = window_count(topics);
            let mut used = vec![false; windows];
            for at in 0..topics {
                let window = window_number(topics, at);
                used[window] = true;
                let range = window_range(topics, window);
                assert!(range.contains(&at), "{topics} topics: {at} outside {range:?}");
                assert_eq!(range.len(), topics.min(WINDOW_LENGTH));
                // Far from the chapter's ends, at least NAV_WINDOW - WINDOW_STEP / 2 either side.
                let margin = NAV_WINDOW - WINDOW_STEP / 2;
                assert!(at - range.start >= margin.min(at), "{topics} topics: {at} in {range:?}");
                assert!(range.end - 1 - at >= margin.min(topics - 1 - at), "{topics} topics: {at} in {range:?}");
            }
            assert!(used.iter().all(|&u| u), "{topics} topics: a window no page uses");
        }
    }

    #[test]
    fn only_the_first_exact_link_to_the_page_is_marked() {
        let html = r#"<a href="../a/index.html">A</a><a href="../a/one.html">One</a><a href="../a/one.html.bak">x</a><a href="../a/one.html">again</a>"#;
        let marked = Rendered::new(html.to_string()).marked("../a/one.html");
        assert_eq!(
            marked,
            r#"<a href="../a/index.html">A</a><a href="../a/one.html" aria-current="page">One</a><a href="../a/one.html.bak">x</a><a href="../a/one.html">again</a>"#
        );
        assert_eq!(Rendered::new(html.to_string()).marked("../b/two.html"), html, "no link to the page: unchanged");
    }

    #[test]
    fn hrefs_are_matched_in_their_escaped_form() {
        let html = r#"<a href="a/q&amp;a.html">Q&amp;A</a>"#;
        assert!(Rendered::new(html.to_string()).marked("a/q&a.html").contains(r#"q&amp;a.html" aria-current="page""#));
    }
}
