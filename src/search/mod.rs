//! Search: a tantivy index for `srebook search` and the preview server, and a
//! sharded script index for the site's own search box.
//!
//! Both engines share one analysis and one query plan:
//!
//! - [`search_docs`] turns each topic into a [`SearchDoc`] of fields (title,
//!   other phrasings, answers, code, context) that rank differently
//!   ([`TextField::boost`]).
//! - Text is analysed by [`crate::analysis::Analyzer`]: Snowball English
//!   stems, stop words, SRE synonyms and acronyms.
//! - [`Vocabulary`] records how the analyzer reads every word the book uses;
//!   the browser gets it instead of a stemmer.
//! - [`plan()`] turns a query into clauses with exact, typo and prefix readings
//!   over that vocabulary. `static/search.js` implements the same rules, and
//!   the tests hold the two to identical plans.
//! - [`SearchIndex`] (tantivy, BM25) runs a plan for the command line;
//!   [`export_browser_index`] writes the per-term scores the browser sums.
//!
//! The tantivy index lives beside the site, in [`index_dir_for`] the output
//! folder, and records a [`Fingerprint`] of the sources and book.toml it was
//! built from; [`open_for_book`] rebuilds it when they changed.

mod analysed;
mod browser;
mod document;
mod engine;
mod freshness;
mod plan;
mod report;
mod stored;
mod vocabulary;

use std::path::Path;

pub use analysed::{AnalysedDoc, SearchTokenizer};
pub use browser::{export as export_browser_index, BrowserIndex, SEARCH_DIR};
pub use document::{search_docs, SearchDoc, TextField};
pub use engine::{ChapterInfo, Manifest, SearchHit, SearchIndex, SearchOptions, SNIPPET_CHARS};
pub use freshness::{index_dir_for, Fingerprint, INDEX_FORMAT};
pub use plan::{
    plan, Alternative, Clause, MatchKind, QueryPlan, SynonymPatterns, MAX_PREFIX_EXPANSIONS, MAX_QUERY_WORDS,
    MAX_TYPO_EXPANSIONS, PARTIAL_WORD_WEIGHT, PREFIX_MIN_CHARS, PREFIX_WEIGHT, TYPO_WEIGHT,
};
pub use report::{format_hits, OutputFormat};
pub use vocabulary::{within_one_edit, Vocabulary, VocabularyWord, TYPO_MAX_CHARS, TYPO_MIN_CHARS};

use crate::model::Book;
use crate::output::SiteSink;
use crate::timings::Timings;
use crate::{BookPaths, Config, Result};

/// What both indexes are built from, computed once per build.
#[derive(Debug, Clone)]
pub struct BookSearch {
    pub docs: Vec<SearchDoc>,
    /// `docs` analysed, in the same order: both indexes read these.
    pub analysed: Vec<AnalysedDoc>,
    pub vocabulary: Vocabulary,
    pub chapters: Vec<ChapterInfo>,
}

impl BookSearch {
    /// The search view of `book`.
    pub fn of(book: &Book) -> BookSearch {
        let docs = search_docs(book);
        let (analysed, vocabulary) = rayon::join(|| AnalysedDoc::all(&docs), || Vocabulary::build(&docs));
        let chapters =
            book.chapters.iter().map(|c| ChapterInfo { slug: c.slug.clone(), title: c.title.clone() }).collect();
        BookSearch { docs, analysed, vocabulary, chapters }
    }

    /// Writes the browser index into `site` (under [`SEARCH_DIR`]); returns
    /// its size in bytes.
    pub fn write_browser_index(&self, site: &dyn SiteSink) -> Result<usize> {
        let index = export_browser_index(&self.docs, &self.analysed, &self.vocabulary, &self.chapters);
        for (path, bytes) in &index.files {
            site.write(path, bytes)?;
        }
        Ok(index.total_bytes())
    }

    /// Writes the tantivy index to `dir`, marked as built from `fingerprint`.
    pub fn write_index(&self, dir: &Path, fingerprint: Fingerprint) -> Result<()> {
        let manifest =
            Manifest { format: INDEX_FORMAT, fingerprint, chapters: self.chapters.clone(), topics: self.docs.len() };
        SearchIndex::write(dir, &self.docs, &self.analysed, &self.vocabulary, &manifest)
    }

    /// A tantivy index in memory (for a server that rebuilds on every edit).
    pub fn in_memory_index(&self) -> Result<SearchIndex> {
        SearchIndex::in_memory(&self.docs, &self.analysed, self.vocabulary.clone(), self.chapters.clone())
    }
}

/// The build's index stage: the browser index into the site being written,
/// and the tantivy index beside the site's final folder. `fingerprint` must
/// be taken before the sources were read, so an edit made during the build
/// leaves the index stale rather than wrongly fresh.
///
/// Sources, book.toml and srebook all as the last build saw them (the same
/// `fingerprint`) make the same indexes: then the tantivy index is left as it
/// is and the browser index is taken from the previous site.
pub fn write_indexes(book: &Book, paths: &BookPaths, fingerprint: Fingerprint, site: &dyn SiteSink) -> Result<()> {
    let index_dir = index_dir_for(&paths.output_dir);
    let key = fingerprint.to_string();
    let tantivy_fresh = fingerprint != Fingerprint::NONE
        && SearchIndex::read_manifest(&index_dir)
            .is_some_and(|m| m.format == INDEX_FORMAT && m.fingerprint == fingerprint);
    let browser_kept = tantivy_fresh && site.carry_over(SEARCH_DIR, &key)?;
    if browser_kept {
        return Ok(());
    }
    let search = BookSearch::of(book);
    let (browser, tantivy) = rayon::join(
        || {
            search.write_browser_index(site)?;
            site.label(SEARCH_DIR, &key);
            Ok::<(), crate::Error>(())
        },
        || if tantivy_fresh { Ok(()) } else { search.write_index(&index_dir, fingerprint) },
    );
    browser?;
    tantivy
}

/// Whether [`open_for_book`] could use the index on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexStatus {
    /// It matched the sources and book.toml.
    Fresh,
    /// It was missing or stale and has been rebuilt.
    Rebuilt,
}

/// Opens the search index of the book `paths` describe, first rebuilding it
/// (sources read, organised and indexed; no site written) when it is missing
/// or was built from other sources, another book.toml or another srebook.
pub fn open_for_book(config: &Config, paths: &BookPaths) -> Result<(SearchIndex, IndexStatus)> {
    let dir = index_dir_for(&paths.output_dir);
    let fingerprint = Fingerprint::of(paths)?;
    let fresh =
        SearchIndex::read_manifest(&dir).is_some_and(|m| m.format == INDEX_FORMAT && m.fingerprint == fingerprint);
    if fresh {
        if let Ok(index) = SearchIndex::open(&dir) {
            return Ok((index, IndexStatus::Fresh));
        }
    }
    let book = crate::organise_book(config, paths, &mut Timings::default())?;
    BookSearch::of(&book).write_index(&dir, fingerprint)?;
    Ok((SearchIndex::open(&dir)?, IndexStatus::Rebuilt))
}

/// Searches the index written to `index_dir`: the simplest entry point for a
/// server (`/api/search?q=`). Open a [`SearchIndex`] once instead to answer
/// many queries.
pub fn query(index_dir: &Path, q: &str, limit: usize, chapter: Option<&str>) -> Result<Vec<SearchHit>> {
    let options = SearchOptions { limit, chapter: chapter.map(str::to_string) };
    SearchIndex::open(index_dir)?.search(q, &options)
}
