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
//! around its own (see [`Sidebar::window`]), so the sidebar is rendered per
//! page, and marked the same way.

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

/// Topics shown either side of the current one in a windowed sidebar.
const NAV_WINDOW: usize = 12;

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

/// The book's sidebar, rendered on demand and kept per chapter.
pub(super) struct Sidebar {
    chapters: Vec<NavChapter>,
    /// Whether every page lists every topic (see the module comment).
    full: bool,
    /// `(root, current chapter)` → the rendered sidebar, unmarked. Filled
    /// as pages ask, from any thread.
    rendered: HashMap<(&'static str, String), OnceLock<Rendered>>,
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
        let current_chapters = chapters.iter().map(|c| c.slug.clone()).chain([String::new()]);
        let rendered =
            current_chapters.flat_map(|chapter| ROOTS.map(|root| ((root, chapter.clone()), OnceLock::new()))).collect();
        Sidebar { chapters, full: book.topics.len() <= FULL_NAV_LIMIT, rendered }
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
        if !self.full {
            let window = self.window(chapter, topic);
            return Ok(Rendered::new(self.render(theme, base, root, chapter, &window)?).marked(&href));
        }
        let Some(cell) = self.rendered.get(&(root_key(root), chapter.to_string())) else {
            return Ok(Rendered::new(self.render(theme, base, root, chapter, &self.chapters)?).marked(&href));
        };
        if let Some(rendered) = cell.get() {
            return Ok(rendered.marked(&href));
        }
        let rendered = Rendered::new(self.render(theme, base, root, chapter, &self.chapters)?);
        let marked = rendered.marked(&href);
        // Another thread may have got there first: theirs is the same.
        let _ = cell.set(rendered);
        Ok(marked)
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

    /// Every chapter, with only the current chapter's topics near the
    /// current one, and a last link to the chapter page that lists them all.
    fn window(&self, chapter: &str, topic: &str) -> Vec<NavChapter> {
        self.chapters
            .iter()
            .map(|c| {
                let mut topics = Vec::new();
                if c.slug == chapter {
                    let at = c.topics.iter().position(|t| t.slug == topic).unwrap_or(0);
                    let start = at.saturating_sub(NAV_WINDOW);
                    let end = (at + NAV_WINDOW + 1).min(c.topics.len());
                    topics.extend_from_slice(&c.topics[start..end]);
                    if end - start < c.topics.len() {
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

fn root_key(root: &str) -> &'static str {
    ROOTS.into_iter().find(|r| *r == root).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

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
