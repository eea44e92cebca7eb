//! Render: the organised book into HTML pages through the theme's Tera
//! templates. Pages render in parallel and stream straight into a sink (the
//! staging folder, or memory for the preview server), so a build never holds
//! the whole site in memory.

mod highlight;
mod highlight_cache;
mod highlight_lines;
mod markdown;
mod overlap;
mod print;
mod sidebar;
mod theme;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

pub use highlight::{escape_html, highlight, stylesheet as highlight_css, warm_up as warm_up_highlighter};
pub use highlight_cache::{load as load_highlight_cache, save as save_highlight_cache};
pub use markdown::{highlight_ahead, render_markdown, slug};
pub use print::{PART_TOPICS as PRINT_PART_TOPICS, PRINT_PATH};
pub use theme::Theme;

use crate::model::{Book, Chapter, Entry, EntryKind, Topic};
use crate::output::SiteSink;
use crate::{Config, Result};

/// Site-relative path of a chapter's page.
pub fn chapter_path(chapter: &str) -> String {
    format!("{chapter}/index.html")
}

/// Site-relative path of a topic's page.
pub fn topic_path(topic: &Topic) -> String {
    format!("{}/{}.html", topic.chapter, topic.slug)
}

#[derive(Serialize)]
struct BookInfo<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    authors: &'a [String],
    default_theme: &'a str,
}

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    path: String,
}

#[derive(Serialize)]
struct PageInfo<'a> {
    kind: &'a str,
    title: &'a str,
    description: &'a str,
    path: &'a str,
}

#[derive(Serialize, Clone)]
struct Answer<'a> {
    id: &'a str,
    anchor: String,
    source: &'a str,
    line: usize,
    source_section: &'a str,
    kind: EntryKind,
    question: &'a str,
    html: String,
}

/// Everything pages share, computed once.
struct Site<'a> {
    config: &'a Config,
    book: &'a Book,
    theme: &'a Theme,
    entries: HashMap<&'a str, &'a Entry>,
    topics: HashMap<&'a str, &'a Topic>,
    chapter_titles: HashMap<&'a str, &'a str>,
    /// Topics in reading order, for previous/next links.
    reading_order: Vec<&'a Topic>,
    /// The sidebar. Past [`sidebar::FULL_NAV_LIMIT`] topics pages carry
    /// only a window of the current chapter, or every page would repeat the
    /// whole table of contents (mdBook's 90 MB at 10,000 questions).
    sidebar: sidebar::Sidebar,
    /// Whether the printable book is one page per chapter (see `print.rs`).
    print_in_parts: bool,
    /// The printable parts, worked out once (see `print.rs`).
    print_parts: std::sync::OnceLock<Vec<print::Part<'a>>>,
    base: tera::Context,
}

/// Books with more topics than this print one page per chapter.
const PRINT_IN_ONE_PAGE_LIMIT: usize = 400;

/// Renders every page and static file into `sink`; returns the number of
/// HTML pages written.
pub fn render_site(config: &Config, book: &Book, theme: &Theme, sink: &dyn SiteSink) -> Result<usize> {
    let site = Site::new(config, book, theme);
    // The pages that show answers are most of the work; the rest, each
    // rendered on one thread, go beside them rather than before or after.
    let (answer_pages, other_pages) = rayon::join(|| site.write_answer_pages(sink), || site.write_book_pages(sink));
    Ok(answer_pages? + other_pages?)
}

impl Site<'_> {
    /// The topic pages and the printable book; returns how many pages.
    fn write_answer_pages(&self, sink: &dyn SiteSink) -> Result<usize> {
        // Each topic's answers are rendered once, for its page and its printable page.
        let print_pages = if self.print_in_parts() {
            // Part by part, side by side: only the parts being rendered hold
            // their answers.
            let parts = self.print_parts();
            parts.par_iter().try_for_each(|part| {
                let topics = &self.reading_order[part.range.clone()];
                let answers: Vec<Vec<Answer>> = topics.iter().map(|topic| self.answers(topic)).collect();
                self.write_topic_pages(sink, part.range.start, topics, &answers)?;
                self.write_print_part(sink, part, &answers)
            })?;
            self.write_print_cover(sink)?;
            parts.len() + 1
        } else {
            let answers: Vec<Vec<Answer>> = self.reading_order.par_iter().map(|topic| self.answers(topic)).collect();
            let (topics, print) = rayon::join(
                || self.write_topic_pages(sink, 0, &self.reading_order, &answers),
                || self.write_one_page_print(sink, &answers),
            );
            topics.and(print)?;
            1
        };
        Ok(self.reading_order.len() + print_pages)
    }

    /// Static files, the home, search, 404, chapter and overlap pages and
    /// the sitemap; returns how many pages.
    fn write_book_pages(&self, sink: &dyn SiteSink) -> Result<usize> {
        for (name, bytes) in &self.theme.static_files {
            sink.write(&format!("static/{name}"), bytes)?;
        }
        sink.write("static/highlight.css", highlight::stylesheet().as_bytes())?;
        self.write_page(sink, "index.html", "index.html", self.index_context()?)?;
        self.write_page(sink, "404.html", "404.html", self.not_found_context()?)?;
        // The search results page: static/search.js fills it in from `?q=`.
        let description = book_description(self.config);
        let search_page = self.page_context("search", "Search", &description, "search.html", "", "")?;
        self.write_page(sink, "search.html", "search.html", search_page)?;
        for (i, chapter) in self.book.chapters.iter().enumerate() {
            self.write_page(sink, "chapter.html", &chapter_path(&chapter.slug), self.chapter_context(i, chapter)?)?;
        }
        let overlap_pages = overlap::render_overlap(self, sink)?;
        if let Some(url) = &self.config.book.site_url {
            sink.write("sitemap.xml", self.sitemap(url).as_bytes())?;
        }
        Ok(3 + self.book.chapters.len() + overlap_pages)
    }
}

/// Renders only the pages of `topics` (slugs) into `sink`, for a preview
/// whose answers changed but whose organisation did not: nothing else on the
/// site shows an answer except the printable pages ([`render_print_pages`]).
/// Returns the number of pages written.
pub fn render_topic_pages(
    config: &Config,
    book: &Book,
    theme: &Theme,
    sink: &dyn SiteSink,
    topics: &HashSet<String>,
) -> Result<usize> {
    let site = Site::new(config, book, theme);
    let chosen: Vec<(usize, &Topic)> =
        site.reading_order.iter().copied().enumerate().filter(|(_, topic)| topics.contains(&topic.slug)).collect();
    chosen.par_iter().try_for_each(|&(index, topic)| {
        let answers = site.answers(topic);
        site.write_page(sink, "topic.html", &topic_path(topic), site.topic_context(index, topic, &answers)?)
    })?;
    Ok(chosen.len())
}

/// Renders only the printable pages that show `chapters` (slugs): their
/// parts, or `print.html` when the book prints on one page. Returns the
/// number of pages written.
pub fn render_print_pages(
    config: &Config,
    book: &Book,
    theme: &Theme,
    sink: &dyn SiteSink,
    chapters: &HashSet<String>,
) -> Result<usize> {
    Site::new(config, book, theme).write_print_pages(sink, Some(chapters))
}

fn book_description(config: &Config) -> String {
    config.book.description.clone()
}

impl<'a> Site<'a> {
    fn new(config: &'a Config, book: &'a Book, theme: &'a Theme) -> Site<'a> {
        let entries = book.entries.iter().map(|e| (e.id.as_str(), e)).collect();
        let topics: HashMap<&str, &Topic> = book.topics.iter().map(|t| (t.slug.as_str(), t)).collect();
        let chapter_titles = book.chapters.iter().map(|c| (c.slug.as_str(), c.title.as_str())).collect();
        let reading_order: Vec<&Topic> = book
            .chapters
            .iter()
            .flat_map(|c| c.topics.iter().filter_map(|slug| topics.get(slug.as_str()).copied()))
            .collect();
        let sidebar = sidebar::Sidebar::new(book, &topics);
        let mut base = tera::Context::new();
        base.insert(
            "book",
            &BookInfo {
                title: &config.book.title,
                description: &config.book.description,
                language: &config.book.language,
                authors: &config.book.authors,
                default_theme: config.book.default_theme.as_deref().unwrap_or(""),
            },
        );
        base.insert("search_enabled", &true);
        let print_in_parts = book.topics.len() > PRINT_IN_ONE_PAGE_LIMIT;
        base.insert("print_in_parts", &print_in_parts);
        base.insert("srebook_version", env!("CARGO_PKG_VERSION"));
        base.insert("prev", &None::<Link>);
        base.insert("next", &None::<Link>);
        Site {
            config,
            book,
            theme,
            entries,
            topics,
            chapter_titles,
            reading_order,
            sidebar,
            print_in_parts,
            print_parts: std::sync::OnceLock::new(),
            base,
        }
    }

    /// The context every page starts from. `chapter` and `topic` are the
    /// current page's slugs, or empty.
    fn page_context(
        &self,
        kind: &str,
        title: &str,
        description: &str,
        path: &str,
        chapter: &str,
        topic: &str,
    ) -> Result<tera::Context> {
        let mut ctx = self.base.clone();
        let root = if path.contains('/') { "../" } else { "" };
        ctx.insert("page", &PageInfo { kind, title, description, path });
        ctx.insert("root", root);
        ctx.insert("current_chapter", chapter);
        ctx.insert("sidebar", &self.sidebar.html(self.theme, &self.base, root, chapter, topic, path)?);
        Ok(ctx)
    }

    fn write_page(&self, sink: &dyn SiteSink, template: &str, path: &str, ctx: tera::Context) -> Result<()> {
        let html = self.theme.tera.render(template, &ctx).map_err(|e| theme::template_error(Path::new(template), e))?;
        sink.write(path, html.as_bytes())
    }

    /// Whether the printable book is one page per chapter rather than one
    /// page (see `print.rs`).
    fn print_in_parts(&self) -> bool {
        self.print_in_parts
    }

    /// Each chapter with its 1-based number and the range of its topics in
    /// `reading_order`.
    fn chapter_ranges(&self) -> impl Iterator<Item = (usize, &'a Chapter, std::ops::Range<usize>)> + '_ {
        let mut start = 0;
        self.book.chapters.iter().enumerate().map(move |(i, chapter)| {
            let count = chapter.topics.iter().filter(|slug| self.topics.contains_key(slug.as_str())).count();
            let range = start..start + count;
            start += count;
            (i + 1, chapter, range)
        })
    }

    /// The pages of `topics`, which start at position `first` of the
    /// reading order, in parallel.
    fn write_topic_pages(
        &self,
        sink: &dyn SiteSink,
        first: usize,
        topics: &[&'a Topic],
        answers: &[Vec<Answer<'a>>],
    ) -> Result<()> {
        topics.par_iter().zip(answers).enumerate().try_for_each(|(i, (topic, answers))| {
            self.write_page(sink, "topic.html", &topic_path(topic), self.topic_context(first + i, topic, answers)?)
        })
    }

    /// The page-not-found page, which lists the chapters.
    fn not_found_context(&self) -> Result<tera::Context> {
        let mut ctx = self.page_context("404", "Page not found", &book_description(self.config), "404.html", "", "")?;
        let chapters: Vec<Link> =
            self.book.chapters.iter().map(|c| Link { title: c.title.clone(), path: chapter_path(&c.slug) }).collect();
        ctx.insert("chapters", &chapters);
        Ok(ctx)
    }

    fn index_context(&self) -> Result<tera::Context> {
        #[derive(Serialize)]
        struct Card<'a> {
            slug: &'a str,
            title: &'a str,
            description: &'a str,
            path: String,
            topic_count: usize,
            entry_count: usize,
        }
        let cards: Vec<Card> = self
            .book
            .chapters
            .iter()
            .map(|c| Card {
                slug: &c.slug,
                title: &c.title,
                description: &c.description,
                path: chapter_path(&c.slug),
                topic_count: c.topics.len(),
                entry_count: c.topics.iter().filter_map(|t| self.topics.get(t.as_str())).map(|t| t.entries.len()).sum(),
            })
            .collect();
        let config = self.config;
        let mut ctx = self.page_context("index", &config.book.title, &config.book.description, "index.html", "", "")?;
        ctx.insert("chapters", &cards);
        let questions = self.book.entries.iter().filter(|e| e.kind == EntryKind::Question).count();
        ctx.insert(
            "stats",
            &serde_json::json!({
                "sources": self.book.source_count(),
                "entries": self.book.entries.len(),
                "questions": questions,
                "topics": self.book.topics.len(),
            }),
        );
        Ok(ctx)
    }

    fn chapter_context(&self, index: usize, chapter: &Chapter) -> Result<tera::Context> {
        #[derive(Serialize)]
        struct Item<'a> {
            slug: &'a str,
            title: &'a str,
            path: String,
            answer_count: usize,
            variants: &'a [String],
        }
        let items: Vec<Item> = chapter
            .topics
            .iter()
            .filter_map(|slug| self.topics.get(slug.as_str()))
            .map(|t| Item {
                slug: &t.slug,
                title: &t.title,
                path: topic_path(t),
                answer_count: t.entries.len(),
                variants: &t.variants,
            })
            .collect();
        let path = chapter_path(&chapter.slug);
        let description = first_sentence(&chapter.description);
        let mut ctx = self.page_context("chapter", &chapter.title, &description, &path, &chapter.slug, "")?;
        ctx.insert(
            "chapter",
            &serde_json::json!({
                "slug": chapter.slug, "title": chapter.title, "description": chapter.description,
                "path": path, "topics": items, "sections": chapter.sections, "number": index + 1,
            }),
        );
        let chapters = &self.book.chapters;
        let prev = index
            .checked_sub(1)
            .map(|i| Link { title: chapters[i].title.clone(), path: chapter_path(&chapters[i].slug) });
        let next = chapter
            .topics
            .first()
            .and_then(|slug| self.topics.get(slug.as_str()))
            .map(|t| Link { title: t.title.clone(), path: topic_path(t) })
            .or_else(|| chapters.get(index + 1).map(|c| Link { title: c.title.clone(), path: chapter_path(&c.slug) }));
        ctx.insert("prev", &prev);
        ctx.insert("next", &next);
        Ok(ctx)
    }

    /// The topic's answers as HTML, anchored `a1`, `a2`, ….
    fn answers(&self, topic: &Topic) -> Vec<Answer<'a>> {
        let mut used_ids = HashSet::new();
        topic
            .entries
            .iter()
            .filter_map(|id| self.entries.get(id.as_str()).copied())
            .enumerate()
            .map(|(i, entry)| {
                let anchor = format!("a{}", i + 1);
                used_ids.insert(anchor.clone());
                let html = render_markdown(&entry.answer_markdown, &anchor, &mut used_ids);
                Answer {
                    id: &entry.id,
                    anchor,
                    source: &entry.source,
                    line: entry.line,
                    source_section: &entry.source_section,
                    kind: entry.kind,
                    question: &entry.question,
                    html,
                }
            })
            .collect()
    }

    fn topic_context(&self, index: usize, topic: &Topic, answers: &[Answer]) -> Result<tera::Context> {
        let path = topic_path(topic);
        let description = answers.first().map(|a| plain_summary(&a.html)).unwrap_or_default();
        let mut ctx = self.page_context("topic", &topic.title, &description, &path, &topic.chapter, &topic.slug)?;
        let chapter_title = self.chapter_titles.get(topic.chapter.as_str()).copied().unwrap_or("");
        ctx.insert(
            "chapter",
            &serde_json::json!({"slug": topic.chapter, "title": chapter_title, "path": chapter_path(&topic.chapter)}),
        );
        let related: Vec<serde_json::Value> = topic
            .related
            .iter()
            .filter_map(|slug| self.topics.get(slug.as_str()))
            .map(|t| {
                serde_json::json!({
                    "title": t.title, "path": topic_path(t),
                    "chapter_title": self.chapter_titles.get(t.chapter.as_str()).copied().unwrap_or(""),
                })
            })
            .collect();
        let toc: Vec<serde_json::Value> = answers
            .iter()
            .map(|a| {
                let title = if a.source_section.is_empty() {
                    a.source.to_string()
                } else {
                    format!("{} · {}", a.source, a.source_section)
                };
                serde_json::json!({"anchor": a.anchor, "title": title})
            })
            .collect();
        ctx.insert(
            "topic",
            &serde_json::json!({
                "slug": topic.slug, "title": topic.title, "path": path, "variants": topic.variants,
                "related": related, "answers": answers, "toc": toc,
            }),
        );
        let link = |t: &Topic| Link { title: t.title.clone(), path: topic_path(t) };
        let chapter_link = |slug: &str| Link {
            title: self.chapter_titles.get(slug).copied().unwrap_or("").to_string(),
            path: chapter_path(slug),
        };
        let prev = match index.checked_sub(1).map(|i| self.reading_order[i]) {
            Some(p) if p.chapter == topic.chapter => Some(link(p)),
            _ => Some(chapter_link(&topic.chapter)),
        };
        let next = self.reading_order.get(index + 1).map(|n| {
            if n.chapter == topic.chapter {
                link(n)
            } else {
                chapter_link(&n.chapter)
            }
        });
        ctx.insert("prev", &prev);
        ctx.insert("next", &next);
        Ok(ctx)
    }

    fn sitemap(&self, site_url: &str) -> String {
        let base = if site_url.ends_with('/') { site_url.to_string() } else { format!("{site_url}/") };
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        let mut add =
            |path: &str| xml.push_str(&format!("  <url><loc>{}</loc></url>\n", escape_html(&format!("{base}{path}"))));
        add("index.html");
        for chapter in &self.book.chapters {
            add(&chapter_path(&chapter.slug));
        }
        for topic in &self.reading_order {
            add(&topic_path(topic));
        }
        xml.push_str("</urlset>\n");
        xml
    }
}

/// Heading ids inside an answer start with its anchor (`a1-…`); on a page
/// holding many topics they get the topic's slug in front.
fn prefix_anchors(html: &str, slug: &str) -> String {
    html.replace("id=\"a", &format!("id=\"{slug}-a")).replace("href=\"#a", &format!("href=\"#{slug}-a"))
}

fn first_sentence(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    text[..end].to_string()
}

/// About 160 characters of an answer's text, for `<meta name="description">`.
fn plain_summary(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "Copy").collect();
    let mut out = String::new();
    for word in words {
        if out.len() + word.len() > 155 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}
