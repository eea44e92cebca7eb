//! srebook turns a folder of overlapping SRE Q&A documents into one
//! deduplicated handbook website.
//!
//! The pipeline is a list of stages, each a plain function over the data types
//! in [`model`]: walk and decode ([`ingest`]), segment ([`ingest`]), classify
//! and deduplicate ([`organise`]), render ([`render`]) and write ([`output`]).
//! [`build`] runs them in order and times each one.

pub mod analysis;
pub mod config;
pub mod error;
pub mod ingest;
pub mod init;
pub mod inspect;
pub mod model;
pub mod organise;
pub mod output;
mod prepare;
pub mod render;
pub mod search;
pub mod serve;
pub mod timings;

use std::path::{Path, PathBuf};

pub use config::Config;
pub use error::{Error, Result};
pub use model::Book;
use timings::Timings;

/// Where a command reads its configuration and sources and writes its site.
#[derive(Debug, Clone, Default)]
pub struct BookPaths {
    /// book.toml, if there is one (the built-in defaults apply otherwise).
    pub config_file: Option<PathBuf>,
    /// The folder of source documents.
    pub content_dir: PathBuf,
    /// The folder the site is written to.
    pub output_dir: PathBuf,
    /// The folder holding book.toml: a book's own `templates/` and `static/`
    /// override the built-in theme from here.
    pub root_dir: PathBuf,
}

impl BookPaths {
    /// Resolves the paths a command uses. Explicit arguments win; then
    /// book.toml (`config` if given, else `./book.toml` when it exists); then
    /// the defaults. Paths from book.toml are relative to its folder.
    pub fn resolve(
        config: Option<&Path>,
        content: Option<&Path>,
        output: Option<&Path>,
    ) -> Result<(Config, BookPaths)> {
        let config_file = match config {
            Some(path) => Some(path.to_path_buf()),
            None => Some(PathBuf::from("book.toml")).filter(|p| p.is_file()),
        };
        let (config, root_dir) = match &config_file {
            Some(path) => {
                let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
                (Config::load(path)?, root)
            }
            None => (Config::default(), PathBuf::new()),
        };
        let root = |p: &Path| if root_dir.as_os_str().is_empty() { p.to_path_buf() } else { root_dir.join(p) };
        let content_dir = content.map(Path::to_path_buf).unwrap_or_else(|| root(&config.build.content));
        let output_dir = output.map(Path::to_path_buf).unwrap_or_else(|| root(&config.build.output));
        let root_dir = if root_dir.as_os_str().is_empty() { PathBuf::from(".") } else { root_dir };
        Ok((config, BookPaths { config_file, content_dir, output_dir, root_dir }))
    }

    /// The path named in error messages about book.toml.
    pub fn config_label(&self) -> PathBuf {
        self.config_file.clone().unwrap_or_else(|| PathBuf::from("book.toml"))
    }
}

/// What a build produced, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub sources: usize,
    pub entries: usize,
    pub questions: usize,
    pub topics: usize,
    pub chapters: usize,
    pub pages: usize,
    pub timings: Timings,
    pub diagnostics: Vec<model::Diagnostic>,
}

/// Build options beyond the paths.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Replace an output folder srebook did not create.
    pub force: bool,
}

/// Reads, organises and renders the book, then swaps it into place.
///
/// On any error the previous site is left untouched.
pub fn build(config: &Config, paths: &BookPaths, options: BuildOptions) -> Result<BuildReport> {
    let mut timings = Timings::default();
    output::check_output_dir(&paths.output_dir, &paths.content_dir, options.force)?;
    // The code highlighted by the last build, like the search index, lives
    // beside the output folder.
    let highlight_cache = output::beside_output(&paths.output_dir, "srebook-highlight");
    // So do the languages found for its untagged code; read before the
    // sources are, because segment asks for them.
    let languages_memo = output::beside_output(&paths.output_dir, "srebook-languages");
    let known_languages = ingest::load_language_memo(&languages_memo);
    let mut preparing = prepare::Preparation::start(&paths.root_dir, &highlight_cache, known_languages == 0);
    // Before the sources are read: an edit during the build leaves the search index stale, not wrongly fresh.
    let sources_fingerprint = search::Fingerprint::of(paths)?;
    let book = organise_book_with(config, paths, &mut timings, |entries| preparing.entries_segmented(entries))?;
    let (theme, theme_wall) = preparing.theme();
    timings.record("theme", theme_wall);
    preparing.finish();
    let theme = theme?;
    let staging = output::Staging::begin(&paths.output_dir)?;
    // Render and index both read the book and write disjoint files: side
    // by side, each fills the gaps the other leaves on the cores.
    let (pages, indexed) = timings.time_concurrently(
        ("render", || render::render_site(config, &book, &theme, &staging)),
        ("index", || search::write_indexes(&book, paths, sources_fingerprint, &staging)),
    );
    let (pages, ()) = (pages?, indexed?);
    timings.time("write", || staging.commit())?;
    // A cache: failing to keep it only makes the next build slower.
    let _ = render::save_highlight_cache(&highlight_cache);
    let _ = ingest::save_language_memo(&languages_memo);
    Ok(BuildReport {
        sources: book.source_count(),
        entries: book.entries.len(),
        questions: book.entries.iter().filter(|e| e.kind == model::EntryKind::Question).count(),
        topics: book.topics.len(),
        chapters: book.chapters.len(),
        pages,
        timings,
        diagnostics: book.diagnostics,
    })
}

/// Runs every stage up to the organised book: walk, decode, segment,
/// classify, dedup. `srebook inspect` prints its result.
pub fn organise_book(config: &Config, paths: &BookPaths, timings: &mut Timings) -> Result<Book> {
    organise_book_with(config, paths, timings, |_| {})
}

/// [`organise_book`], showing the segmented entries to `segmented_entries`
/// before they are organised.
fn organise_book_with(
    config: &Config,
    paths: &BookPaths,
    timings: &mut Timings,
    segmented_entries: impl FnOnce(&[model::Entry]),
) -> Result<Book> {
    let exclude = [paths.output_dir.clone()];
    let walked = timings.time("walk", || ingest::walk(&paths.content_dir, &exclude))?;
    let decoded = timings.time("decode", || ingest::decode_all(&walked.files));
    let segmented = timings.time("segment", || ingest::segment_all(&decoded.docs));
    segmented_entries(&segmented.entries);
    let mut book = organise_entries(config, paths, segmented.entries, timings)?;
    book.diagnostics = walked.diagnostics;
    book.diagnostics.extend(decoded.diagnostics);
    book.diagnostics.extend(segmented.diagnostics);
    book.repairs = decoded.docs.into_iter().flat_map(|doc| doc.repairs).collect();
    Ok(book)
}

/// The organise stages on ingested entries: analyse, classify, dedup. The
/// book has no repairs or diagnostics yet; the caller adds its own.
pub fn organise_entries(
    config: &Config,
    paths: &BookPaths,
    entries: Vec<model::Entry>,
    timings: &mut Timings,
) -> Result<Book> {
    let mut analysis = timings.time("analyse", || organise::Analysis::of(&entries));
    let entries = timings.time("classify", || organise::classify_entries(config, entries, &mut analysis));
    let (chapters, topics) =
        timings.time("dedup", || organise::deduplicate_analysed(config, &paths.config_label(), &entries, analysis))?;
    Ok(Book { chapters, topics, entries, repairs: Vec::new(), diagnostics: Vec::new() })
}
