//! Incremental rebuilds: the same pipeline as `srebook build`, redoing only
//! what a change can affect.
//!
//! - book.toml is re-read only when it changed (or failed last time); the
//!   theme likewise when `templates/` or `static/` changed.
//! - Sources go through [`SourceCache`]: only changed files are decoded and
//!   segmented again.
//! - Organise (classify, dedup) is global, so it reruns when any entry or
//!   its settings changed, and is skipped when none did (a `touch`, a save
//!   without changes, an edit to `[book]` metadata).
//! - An edit that changes only answers (the same questions, in the same
//!   places) is published at once from the previous organisation: only the
//!   pages of the topics holding those answers are rendered. Organise then
//!   runs in full in [`Builder::settle`], when no other change is waiting,
//!   and publishes whatever it changes (the printable pages always; every
//!   page if an answer moved a question to another topic or chapter).
//! - Render writes into a [`SnapshotSink`], which keeps the previous bytes
//!   of every file whose output did not change and counts those that did.
//! - The search indexes (the browser's files and the server's tantivy index)
//!   are built from [`Builder::book`] on another thread after the new pages
//!   are published (`indexing.rs`), so they never delay a reload.
//!
//! Nothing here touches the output folder: the preview lives in memory.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::cache::{Ingested, ReadFile, SourceCache};
use super::site::{PageChanges, Site, SnapshotSink};
use crate::model::{Book, Diagnostic, Entry};
use crate::render::{self, Theme};
use crate::timings::Timings;
use crate::{ingest, BookPaths, Config, Result};

/// The command-line arguments that locate the book, kept so the paths can be
/// resolved again whenever book.toml changes.
#[derive(Debug, Clone, Default)]
pub struct BookArgs {
    /// `--config`: book.toml (default: `./book.toml` when it exists).
    pub config: Option<PathBuf>,
    /// `--content`: the sources (default: book.toml's `build.content`).
    pub content: Option<PathBuf>,
}

/// What the watcher saw since the last rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// book.toml changed.
    pub config: bool,
    /// Something under the book's `templates/` or `static/` changed.
    pub theme: bool,
    /// Sources named by events, relative to the content folder.
    pub sources: HashSet<String>,
    /// Events were lost, or this is the first build: check everything.
    pub rescan: bool,
}

impl Changes {
    /// Everything, as for the first build.
    pub fn everything() -> Changes {
        Changes { config: true, theme: true, sources: HashSet::new(), rescan: true }
    }

    /// Whether there is anything to rebuild.
    pub fn is_empty(&self) -> bool {
        !self.config && !self.theme && !self.rescan && self.sources.is_empty()
    }

    /// Adds `other` to these changes.
    pub fn merge(&mut self, other: Changes) {
        self.config |= other.config;
        self.theme |= other.theme;
        self.rescan |= other.rescan;
        self.sources.extend(other.sources);
    }
}

/// The result of one successful rebuild.
#[derive(Debug)]
pub struct Rebuilt {
    /// The new site, or `None` when no file of the site changed.
    pub site: Option<Site>,
    pub pages: PageChanges,
    /// Source files read from disk, and how many of them had changed.
    pub sources_read: usize,
    pub sources_reingested: usize,
    /// The files read, to check that none changed while this rebuild ran.
    pub read_files: Vec<ReadFile>,
    /// Warnings and errors found in the sources (the overlay shows the
    /// blocking ones).
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
}

/// The organised book and the inputs it was organised from.
struct Organised {
    /// The entries as segmented, before classification: organise's input.
    input: Vec<Entry>,
    /// The settings organise read from book.toml.
    config: Config,
    /// Shared with the search indexer.
    book: Arc<Book>,
    /// Chapters whose answers changed since organise last ran in full: the
    /// book is provisional, and their printable pages are stale. Empty
    /// when settled.
    unsettled_chapters: HashSet<String>,
}

/// A provisional book: the previous organisation with new answers.
struct Patched {
    input: Vec<Entry>,
    book: Book,
    /// Slugs of the topics that hold a changed answer.
    topics: HashSet<String>,
    /// Slugs of their chapters.
    chapters: HashSet<String>,
}

impl Organised {
    /// Whether organising `ingested` with `config` would give this book:
    /// same entries, and the same settings apart from `[book]` (what the
    /// site says about itself) and `[build]` (where files are).
    fn still_valid(&self, config: &Config, ingested: &Ingested) -> bool {
        self.same_settings(config) && self.input.iter().eq(ingested.files.iter().flat_map(|file| file.entries.iter()))
    }

    fn same_settings(&self, config: &Config) -> bool {
        let mut settings = self.config.clone();
        settings.book.clone_from(&config.book);
        settings.build.clone_from(&config.build);
        settings == *config
    }

    /// This book with the answers of `ingested`, when nothing but answers
    /// changed: the same settings, and the same questions from the same
    /// places in the same order. `None` otherwise.
    fn patched(&self, config: &Config, ingested: &Ingested) -> Option<Patched> {
        if !self.same_settings(config) {
            return None;
        }
        let input: Vec<Entry> = ingested.files.iter().flat_map(|file| file.entries.iter().cloned()).collect();
        let same_questions = input.len() == self.input.len()
            && input.iter().zip(&self.input).all(|(new, old)| {
                new.id == old.id
                    && new.kind == old.kind
                    && new.question == old.question
                    && new.source_section == old.source_section
            });
        if !same_questions {
            return None;
        }
        let changed: HashMap<&str, &Entry> = input
            .iter()
            .zip(&self.input)
            .filter(|(new, old)| new != old)
            .map(|(new, _)| (new.id.as_str(), new))
            .collect();
        let mut book = (*self.book).clone();
        for entry in &mut book.entries {
            if let Some(new) = changed.get(entry.id.as_str()) {
                entry.answer_markdown.clone_from(&new.answer_markdown);
                entry.code_blocks.clone_from(&new.code_blocks);
            }
        }
        let touched: Vec<&crate::model::Topic> =
            book.topics.iter().filter(|t| t.entries.iter().any(|id| changed.contains_key(id.as_str()))).collect();
        let topics = touched.iter().map(|t| t.slug.clone()).collect();
        let chapters = touched.iter().map(|t| t.chapter.clone()).collect();
        Some(Patched { input, book, topics, chapters })
    }
}

/// Owns everything kept between rebuilds.
pub struct Builder {
    args: BookArgs,
    paths: BookPaths,
    /// `None` until book.toml has loaded once.
    config: Option<Config>,
    theme: Option<Theme>,
    /// Set when the input changed and cleared once it loads: a failed load is
    /// retried on the next rebuild, whatever triggers it.
    config_stale: bool,
    theme_stale: bool,
    sources: SourceCache,
    organised: Option<Organised>,
    /// Whether the last render finished; if not, the next rebuild renders
    /// even when its inputs look unchanged.
    rendered: bool,
}

impl Builder {
    /// A builder for the book located by `args`. Builds nothing yet; a
    /// book.toml that does not load is reported by the first rebuild.
    pub fn new(args: BookArgs) -> Builder {
        let paths = BookPaths::resolve(args.config.as_deref(), args.content.as_deref(), None)
            .map_or_else(|_| fallback_paths(&args), |(_, paths)| paths);
        Builder {
            args,
            paths,
            config: None,
            theme: None,
            config_stale: true,
            theme_stale: true,
            sources: SourceCache::default(),
            organised: None,
            rendered: false,
        }
    }

    /// The book as last organised (its `repairs` and `diagnostics` are left
    /// empty: the preview reports them as they are found).
    pub fn book(&self) -> Option<Arc<Book>> {
        self.organised.as_ref().map(|organised| organised.book.clone())
    }

    /// What to watch: [`paths`](Builder::paths), with the book.toml that
    /// would be read if it appeared when there is none yet.
    pub fn watched_paths(&self) -> BookPaths {
        let mut paths = self.paths.clone();
        if paths.config_file.is_none() {
            paths.config_file = Some(self.args.config.clone().unwrap_or_else(|| PathBuf::from("book.toml")));
        }
        paths
    }

    /// Where the book currently lives (changes when book.toml does).
    pub fn paths(&self) -> &BookPaths {
        &self.paths
    }

    /// Brings the site up to date with `changes`. `previous` is the site
    /// being served; on error it stays in place.
    pub fn rebuild(&mut self, changes: &Changes, previous: Option<&Site>) -> Result<Rebuilt> {
        let mut timings = Timings::default();
        self.config_stale |= changes.config || changes.rescan;
        self.theme_stale |= changes.theme || changes.rescan;
        let mut settings_changed = false;
        let mut rescan_sources = changes.rescan;
        if self.config_stale {
            let (config, paths) = timings.time("config", || {
                BookPaths::resolve(self.args.config.as_deref(), self.args.content.as_deref(), None)
            })?;
            if paths.content_dir != self.paths.content_dir || paths.root_dir != self.paths.root_dir {
                rescan_sources = true;
                self.theme_stale = true;
            }
            settings_changed = self.config.as_ref() != Some(&config);
            self.config = Some(config);
            self.paths = paths;
            self.config_stale = false;
        }
        if self.theme_stale {
            self.theme = Some(timings.time("theme", || Theme::load(&self.paths.root_dir))?);
            self.theme_stale = false;
            settings_changed = true;
        }
        let (Some(config), Some(theme)) = (&self.config, &self.theme) else {
            unreachable!("config and theme are loaded above or the rebuild returned")
        };

        let exclude = [self.paths.output_dir.clone()];
        let walked = timings.time("walk", || ingest::walk(&self.paths.content_dir, &exclude))?;
        let dirty = (!rescan_sources).then_some(&changes.sources);
        let ingested = timings.time("ingest", || self.sources.refresh(&walked.files, dirty));
        let diagnostics = collect_diagnostics(walked.diagnostics, &ingested);

        let reuse = self.organised.as_ref().is_some_and(|organised| organised.still_valid(config, &ingested));
        let patch = match (&self.organised, previous) {
            (Some(organised), Some(_)) if !reuse && !settings_changed && self.rendered => {
                timings.time("patch", || organised.patched(config, &ingested))
            }
            _ => None,
        };
        let mut rebuilt = Rebuilt {
            site: None,
            pages: PageChanges { total: previous.map_or(0, Site::len), ..PageChanges::default() },
            sources_read: ingested.read_files.len() + ingested.read_errors.len(),
            sources_reingested: ingested.reingested,
            read_files: ingested.read_files,
            diagnostics,
            timings: Timings::default(),
        };
        if let (Some(patch), Some(previous)) = (patch, previous) {
            let mut unsettled_chapters = self.organised.take().map(|o| o.unsettled_chapters).unwrap_or_default();
            unsettled_chapters.extend(patch.chapters);
            let organised = Organised {
                input: patch.input,
                config: config.clone(),
                book: Arc::new(patch.book),
                unsettled_chapters,
            };
            let sink = SnapshotSink::patching(previous);
            let rendered = timings
                .time("render", || render::render_topic_pages(config, &organised.book, theme, &sink, &patch.topics));
            self.organised = Some(organised);
            // After a failed partial render the site is half old, half new:
            // the next rebuild renders everything.
            self.rendered = rendered.is_ok();
            rendered?;
            let (site, pages) = timings.time("diff", || sink.finish());
            rebuilt.pages = pages;
            rebuilt.site = (!pages.is_empty()).then_some(site);
            rebuilt.timings = timings;
            return Ok(rebuilt);
        }
        if !reuse {
            self.organised = None;
            let input: Vec<Entry> = ingested.files.iter().flat_map(|file| file.entries.iter().cloned()).collect();
            let book = crate::organise_entries(config, &self.paths, input.clone(), &mut timings)?;
            self.organised = Some(Organised {
                input,
                config: config.clone(),
                book: Arc::new(book),
                unsettled_chapters: HashSet::new(),
            });
        }
        let organised = self.organised.as_ref().expect("organised above");
        if reuse && !settings_changed && self.rendered && previous.is_some() {
            rebuilt.timings = timings;
            return Ok(rebuilt);
        }
        self.rendered = false;
        let sink = SnapshotSink::new(previous);
        timings.time("render", || render::render_site(config, &organised.book, theme, &sink))?;
        self.rendered = true;
        let (site, pages) = timings.time("diff", || sink.finish());
        rebuilt.pages = pages;
        rebuilt.site = (!pages.is_empty() || previous.is_none()).then_some(site);
        rebuilt.timings = timings;
        Ok(rebuilt)
    }

    /// Whether the book is provisional (see [`Builder::settle`]).
    pub fn needs_settling(&self) -> bool {
        self.organised.as_ref().is_some_and(|organised| !organised.unsettled_chapters.is_empty())
    }

    /// Organises the provisional book in full and renders what that
    /// changes over `previous`: the printable pages of the chapters whose
    /// answers changed, or every page when the organisation itself moved.
    pub fn settle(&mut self, previous: &Site) -> Result<Settled> {
        let mut timings = Timings::default();
        let (Some(config), Some(theme), Some(provisional)) = (&self.config, &self.theme, self.organised.take()) else {
            return Ok(Settled::default());
        };
        let book = crate::organise_entries(config, &self.paths, provisional.input.clone(), &mut timings)?;
        let reorganised = book.chapters != provisional.book.chapters || book.topics != provisional.book.topics;
        let organised = Organised {
            input: provisional.input,
            config: provisional.config,
            book: Arc::new(book),
            unsettled_chapters: HashSet::new(),
        };
        let (sink, rendered) = if reorganised {
            let sink = SnapshotSink::new(Some(previous));
            let rendered = timings.time("render", || render::render_site(config, &organised.book, theme, &sink));
            (sink, rendered)
        } else {
            let sink = SnapshotSink::patching(previous);
            let chapters = &provisional.unsettled_chapters;
            let rendered =
                timings.time("render", || render::render_print_pages(config, &organised.book, theme, &sink, chapters));
            (sink, rendered)
        };
        self.organised = Some(organised);
        self.rendered = rendered.is_ok();
        rendered?;
        let (site, pages) = timings.time("diff", || sink.finish());
        Ok(Settled { site: (!pages.is_empty()).then_some(site), pages, reorganised, timings })
    }
}

/// The result of [`Builder::settle`].
#[derive(Debug, Default)]
pub struct Settled {
    /// The new site, or `None` when no file changed.
    pub site: Option<Site>,
    pub pages: PageChanges,
    /// Whether organising in full changed topics or chapters.
    pub reorganised: bool,
    pub timings: Timings,
}

impl Rebuilt {
    /// Sources (relative to the content folder) written to after this
    /// rebuild read them: what it read may be half of a save, so its site
    /// should not be published.
    pub fn sources_modified_since_read(&self) -> Vec<String> {
        self.read_files.iter().filter(|file| file.modified_since_read()).map(|file| file.rel_path.clone()).collect()
    }
}

/// The diagnostics in the order `srebook build` reports them: walk, then
/// read and decode, then segment.
fn collect_diagnostics(walk: Vec<Diagnostic>, ingested: &Ingested) -> Vec<Diagnostic> {
    let mut diagnostics = walk;
    diagnostics.extend(ingested.read_errors.iter().cloned());
    diagnostics.extend(ingested.files.iter().filter_map(|file| file.decode_diagnostic.clone()));
    diagnostics.extend(ingested.files.iter().flat_map(|file| file.segment_diagnostics.iter().cloned()));
    diagnostics
}

/// The paths to watch before book.toml has loaded (or when it never does):
/// what [`BookPaths::resolve`] would give with the default settings.
fn fallback_paths(args: &BookArgs) -> BookPaths {
    let config_file = args.config.clone().or_else(|| Some(PathBuf::from("book.toml")).filter(|p| p.is_file()));
    let root_dir = config_file
        .as_deref()
        .and_then(|file| file.parent())
        .filter(|parent| !parent.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let defaults = Config::default();
    BookPaths {
        content_dir: args.content.clone().unwrap_or_else(|| root_dir.join(&defaults.build.content)),
        output_dir: root_dir.join(&defaults.build.output),
        config_file,
        root_dir,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "## 1. What is an error budget?\n\nWhat you may spend.\n")
            .unwrap();
        std::fs::write(dir.path().join("content/b.md"), "## 1. How do you run a postmortem?\n\nBlamelessly.\n")
            .unwrap();
        std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
        dir
    }

    fn builder(dir: &std::path::Path) -> Builder {
        Builder::new(BookArgs { config: Some(dir.join("book.toml")), content: None })
    }

    fn content_change(rel: &str) -> Changes {
        Changes { sources: [rel.to_string()].into(), ..Changes::default() }
    }

    #[test]
    fn an_edit_changes_only_the_pages_that_show_it() {
        let dir = book();
        let mut builder = builder(dir.path());
        let first = builder.rebuild(&Changes::everything(), None).unwrap();
        let site = first.site.unwrap();
        assert_eq!(site.generation, 1);

        std::fs::write(dir.path().join("content/a.md"), "## 1. What is an error budget?\n\nEDITED.\n").unwrap();
        let second = builder.rebuild(&content_change("a.md"), Some(&site)).unwrap();
        assert_eq!((second.sources_read, second.sources_reingested), (1, 1));
        // Only the answer changed: its topic page is published at once,
        // without organising again.
        assert_eq!(second.pages.changed, 1, "{:?}", second.pages);
        assert_eq!(second.pages.added + second.pages.removed, 0);
        assert!(second.timings.stages().iter().all(|(stage, _)| *stage != "dedup"));
        let next = second.site.unwrap();
        assert_eq!(next.generation, 2);
        let page = next.pages_named("error-budget.html").pop().expect("the edited topic has a page");
        assert!(String::from_utf8_lossy(&next.get(&page).unwrap().bytes).contains("EDITED."));
        assert!(!String::from_utf8_lossy(&next.get("print.html").unwrap().bytes).contains("EDITED."));

        // Settling organises in full and brings print.html, the other page
        // showing the answer, up to date; the organisation did not move.
        assert!(builder.needs_settling());
        let settled = builder.settle(&next).unwrap();
        assert!(!settled.reorganised);
        assert_eq!(settled.pages.changed, 1, "{:?}", settled.pages);
        let last = settled.site.unwrap();
        assert!(String::from_utf8_lossy(&last.get("print.html").unwrap().bytes).contains("EDITED."));
        assert_eq!(last.len(), site.len());
        assert!(!builder.needs_settling());
    }

    #[test]
    fn an_edited_question_is_organised_again_at_once() {
        let dir = book();
        let mut builder = builder(dir.path());
        let site = builder.rebuild(&Changes::everything(), None).unwrap().site.unwrap();
        std::fs::write(dir.path().join("content/a.md"), "## 1. What is toil?\n\nWhat you may spend.\n").unwrap();
        let rebuilt = builder.rebuild(&content_change("a.md"), Some(&site)).unwrap();
        assert!(rebuilt.timings.stages().iter().any(|(stage, _)| *stage == "dedup"));
        assert!(!builder.needs_settling());
        let next = rebuilt.site.unwrap();
        assert!(
            next.pages_named(".html").iter().any(|path| path.ends_with("toil.html")),
            "{:?}",
            next.pages_named(".html")
        );
    }

    #[test]
    fn a_save_without_changes_renders_nothing() {
        let dir = book();
        let mut builder = builder(dir.path());
        let site = builder.rebuild(&Changes::everything(), None).unwrap().site.unwrap();
        let again = builder.rebuild(&content_change("a.md"), Some(&site)).unwrap();
        assert!(again.site.is_none());
        assert!(again.timings.stages().iter().all(|(stage, _)| *stage != "render"));
    }

    #[test]
    fn a_broken_book_toml_fails_and_the_fix_recovers() {
        let dir = book();
        let mut builder = builder(dir.path());
        let site = builder.rebuild(&Changes::everything(), None).unwrap().site.unwrap();
        std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"T\"\ncolour = 1\n").unwrap();
        let config_change = Changes { config: true, ..Changes::default() };
        let error = builder.rebuild(&config_change, Some(&site)).unwrap_err().to_string();
        assert!(error.contains("book.toml:3"), "{error}");
        // Still broken: an unrelated change retries book.toml and fails again.
        assert!(builder.rebuild(&content_change("a.md"), Some(&site)).is_err());
        std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Renamed\"\n").unwrap();
        let fixed = builder.rebuild(&config_change, Some(&site)).unwrap();
        assert!(fixed.pages.changed > 0, "the title is on every page");
        assert_eq!(fixed.sources_reingested, 0);
    }

    #[test]
    fn a_book_toml_that_appears_later_is_watched_and_read() {
        let dir = book();
        let config = dir.path().join("book.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::remove_file(&config).unwrap();
        let mut builder = builder(dir.path());
        assert_eq!(builder.watched_paths().config_file.as_deref(), Some(config.as_path()));
        let error = builder.rebuild(&Changes::everything(), None).unwrap_err().to_string();
        assert!(error.contains("book.toml"), "{error}");
        std::fs::write(&config, text).unwrap();
        let built = builder.rebuild(&Changes { config: true, ..Changes::default() }, None).unwrap();
        assert!(built.site.is_some());
    }

    #[test]
    fn fallback_paths_follow_the_config_folder() {
        let paths = fallback_paths(&BookArgs { config: Some("books/a/book.toml".into()), content: None });
        assert_eq!(paths.root_dir, PathBuf::from("books/a"));
        assert_eq!(paths.content_dir, PathBuf::from("books/a/content"));
    }
}
