//! The tantivy index behind `srebook search` and the preview server.
//!
//! One document per topic. The text fields are analysed by
//! [`SearchTokenizer`] (the shared [`crate::analysis::Analyzer`], synonym phrases kept as both
//! their canonical term and their own words) and ranked by BM25 with
//! per-field boosts ([`TextField::boost`]). Queries are built from a
//! [`QueryPlan`] with tantivy's query types, never by its query parser, so
//! nothing a reader types is ever read as query syntax.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::directory::error::OpenReadError;
use tantivy::directory::RamDirectory;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING};
use tantivy::snippet::{collapse_overlapped_ranges, Snippet, SnippetGenerator};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Directory, Index, IndexReader, IndexSettings, ReloadPolicy, TantivyDocument, TantivyError, Term};

use super::analysed::{AnalysedDoc, ReplayTokenizer, SearchTokenizer};
use super::document::{opening, SearchDoc, TextField};
use super::freshness::{Fingerprint, INDEX_FORMAT};
use super::plan::{plan, QueryPlan, SynonymPatterns};
use super::stored::{self, SectionsDirectory, StoredIndex, VOCABULARY_SECTION};
use super::vocabulary::Vocabulary;
use crate::render::escape_html;
use crate::{Error, Result};

/// The tokenizer name the schema refers to.
const TOKENIZER: &str = "srebook";
/// Bounds of the indexing memory budget. The whole book is always one
/// segment (the writer never flushes early); the budget only sizes the term
/// hash table tantivy allocates up front, which grows when it fills. A small
/// book gets a small table: touching a big one costs more than indexing.
const MIN_WRITER_MEMORY: usize = 1_000_000;
const MAX_WRITER_MEMORY: usize = 50_000_000;
/// Length of a result's snippet, in characters.
pub const SNIPPET_CHARS: usize = 160;

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// The topic's slug.
    pub slug: String,
    /// The topic's canonical phrasing.
    pub title: String,
    /// Chapter slug.
    pub chapter: String,
    /// Site-relative path of the topic's page.
    pub path: String,
    /// BM25 score; only the order is meaningful.
    pub score: f32,
    /// HTML: a passage of the answers (or the phrasing) that matched, escaped,
    /// with the matched words in `<mark>`.
    pub snippet: String,
}

/// What to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOptions {
    /// At most this many hits.
    pub limit: usize,
    /// Only topics of this chapter (slug).
    pub chapter: Option<String>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { limit: 10, chapter: None }
    }
}

/// A chapter as the index knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterInfo {
    pub slug: String,
    pub title: String,
}

/// What an index was built from, stored beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The [`INDEX_FORMAT`] of the srebook that wrote it.
    pub format: u32,
    /// The sources and book.toml it was built from.
    pub fingerprint: Fingerprint,
    /// The book's chapters, in order (for `--chapter` and chapter titles).
    pub chapters: Vec<ChapterInfo>,
    /// How many topics it holds.
    pub topics: usize,
}

/// The schema's fields. The analysed text fields are indexed only (they are
/// fed their terms, see [`AnalysedDoc::indexed_text`]); the text a hit
/// shows is kept in stored-only fields beside them.
#[derive(Debug, Clone, Copy)]
struct Fields {
    slug: Field,
    chapter: Field,
    path: Field,
    title: Field,
    variants: Field,
    body: Field,
    code: Field,
    context: Field,
    title_text: Field,
    variants_text: Field,
    body_text: Field,
}

impl Fields {
    fn text(&self, field: TextField) -> Field {
        match field {
            TextField::Title => self.title,
            TextField::Variants => self.variants,
            TextField::Body => self.body,
            TextField::Code => self.code,
            TextField::Context => self.context,
        }
    }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs);
    let indexed = TextOptions::default().set_indexing_options(indexing);
    let mut text_field = |field: TextField| builder.add_text_field(field.name(), indexed.clone());
    let title = text_field(TextField::Title);
    let variants = text_field(TextField::Variants);
    let body = text_field(TextField::Body);
    let code = text_field(TextField::Code);
    let context = text_field(TextField::Context);
    let mut stored_field = |field: TextField| builder.add_text_field(&stored_name(field), STORED);
    let title_text = stored_field(TextField::Title);
    let variants_text = stored_field(TextField::Variants);
    let body_text = stored_field(TextField::Body);
    let fields = Fields {
        slug: builder.add_text_field("slug", STORED),
        chapter: builder.add_text_field("chapter", STRING | STORED),
        path: builder.add_text_field("path", STORED),
        title,
        variants,
        body,
        code,
        context,
        title_text,
        variants_text,
        body_text,
    };
    (builder.build(), fields)
}

/// The stored-only field holding `field`'s text.
fn stored_name(field: TextField) -> String {
    format!("{}_text", field.name())
}

/// An open search index.
pub struct SearchIndex {
    /// Where it lives, for error messages (None: in memory).
    dir: Option<PathBuf>,
    reader: IndexReader,
    fields: Fields,
    vocabulary: Vocabulary,
    synonyms: SynonymPatterns,
    manifest: Manifest,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).field("manifest", &self.manifest).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Builds an index of `docs` in memory (the preview server's).
    pub fn in_memory(
        docs: &[SearchDoc],
        analysed: &[AnalysedDoc],
        vocabulary: Vocabulary,
        chapters: Vec<ChapterInfo>,
    ) -> Result<SearchIndex> {
        let (index, fields) = build(docs, analysed).map_err(|e| index_error(None, e))?;
        let manifest = Manifest { format: INDEX_FORMAT, fingerprint: Fingerprint::NONE, chapters, topics: docs.len() };
        SearchIndex::from_parts(None, index, fields, vocabulary, manifest)
    }

    /// Writes an index of `docs` to `dir`, replacing any index there: one
    /// file, replaced whole (see [`stored`]), so a failed write leaves the
    /// previous index usable.
    pub fn write(
        dir: &Path,
        docs: &[SearchDoc],
        analysed: &[AnalysedDoc],
        vocabulary: &Vocabulary,
        manifest: &Manifest,
    ) -> Result<()> {
        let (index, _) = build(docs, analysed).map_err(|e| index_error(Some(dir), e))?;
        let files = tantivy_files(&index, dir)?;
        let vocabulary = vocabulary.to_text();
        let mut sections: Vec<(&str, &[u8])> = vec![(VOCABULARY_SECTION, vocabulary.as_bytes())];
        sections.extend(files.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())));
        stored::write(dir, manifest, &sections)
    }

    /// The manifest of the index in `dir`, if there is a readable one.
    pub fn read_manifest(dir: &Path) -> Option<Manifest> {
        stored::read_manifest(dir)
    }

    /// Opens the index written to `dir`.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        let stored = StoredIndex::read(dir)?;
        let invalid = |message: &str| stored::invalid(&stored.path, message);
        let (vocabulary, tantivy): (Vec<_>, Vec<_>) =
            stored.sections()?.into_iter().partition(|(name, _)| name == VOCABULARY_SECTION);
        let (_, vocabulary) = vocabulary.into_iter().next().ok_or_else(|| invalid("the index has no vocabulary"))?;
        let vocabulary = vocabulary.read_bytes().map_err(|e| Error::io(&stored.path, e))?;
        let vocabulary =
            std::str::from_utf8(vocabulary.as_slice()).map_err(|_| invalid("the vocabulary is not UTF-8"))?;
        let vocabulary = Vocabulary::from_text(vocabulary, &stored.path)?;
        let index = Index::open(SectionsDirectory::new(tantivy)).map_err(|e| index_error(Some(&stored.path), e))?;
        let fields = fields_of(&index.schema())
            .ok_or_else(|| invalid("the index schema is not srebook's; delete the folder and search again"))?;
        SearchIndex::from_parts(Some(dir.to_path_buf()), index, fields, vocabulary, stored.manifest)
    }

    fn from_parts(
        dir: Option<PathBuf>,
        index: Index,
        fields: Fields,
        vocabulary: Vocabulary,
        manifest: Manifest,
    ) -> Result<SearchIndex> {
        index.tokenizers().register(TOKENIZER, SearchTokenizer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| index_error(dir.as_deref(), e))?;
        Ok(SearchIndex { dir, reader, fields, vocabulary, synonyms: SynonymPatterns::english(), manifest })
    }

    /// What the index was built from.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The book's chapters, in order.
    pub fn chapters(&self) -> &[ChapterInfo] {
        &self.manifest.chapters
    }

    /// How `query` is read (see [`super::plan`]).
    pub fn plan(&self, query: &str) -> QueryPlan {
        plan(query, &self.vocabulary, &self.synonyms)
    }

    /// The topics that best match `query`, best first. Any text is a valid
    /// query: one without a term (empty, punctuation, only stop words)
    /// matches nothing.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<Vec<SearchHit>> {
        let plan = self.plan(query);
        if plan.is_empty() || options.limit == 0 {
            return Ok(Vec::new());
        }
        let query = self.query_for(&plan, options.chapter.as_deref());
        let dir = self.dir.as_deref();
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(options.limit).order_by_score())
            .map_err(|e| index_error(dir, e))?;
        let snippet_generator = |field: Field| -> Result<SnippetGenerator> {
            let mut generator = SnippetGenerator::create(&searcher, &query, field).map_err(|e| index_error(dir, e))?;
            generator.set_max_num_chars(SNIPPET_CHARS);
            Ok(generator)
        };
        let body_snippets = snippet_generator(self.fields.body)?;
        let variant_snippets = snippet_generator(self.fields.variants)?;
        top.into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).map_err(|e| index_error(dir, e))?;
                let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let body = text(self.fields.body_text);
                let variants = text(self.fields.variants_text);
                let snippet = [(&body_snippets, &body), (&variant_snippets, &variants)]
                    .into_iter()
                    .map(|(generator, text)| (generator.snippet(text), text))
                    .find(|(snippet, _)| !snippet.highlighted().is_empty())
                    .map(|(snippet, text)| snippet_html(&snippet, text))
                    .unwrap_or_else(|| match opening(&body, SNIPPET_CHARS) {
                        (text, true) => format!("{} …", escape_html(&text)),
                        (text, false) => escape_html(&text),
                    });
                Ok(SearchHit {
                    slug: text(self.fields.slug),
                    title: text(self.fields.title_text),
                    chapter: text(self.fields.chapter),
                    path: text(self.fields.path),
                    score,
                    snippet,
                })
            })
            .collect()
    }

    /// The tantivy query for `plan`: per clause, the best alternative; per
    /// alternative, the weighted BM25 sum of its terms over every field.
    fn query_for(&self, plan: &QueryPlan, chapter: Option<&str>) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = plan
            .clauses
            .iter()
            .map(|clause| {
                let alternatives: Vec<Box<dyn Query>> = clause
                    .alternatives
                    .iter()
                    .map(|alternative| {
                        let term_queries: Vec<(Occur, Box<dyn Query>)> = alternative
                            .terms
                            .iter()
                            .flat_map(|term| TextField::ALL.map(|field| (term, field)))
                            .map(|(term, field)| {
                                let term = Term::from_field_text(self.fields.text(field), term);
                                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                                (
                                    Occur::Should,
                                    Box::new(BoostQuery::new(Box::new(query), field.boost())) as Box<dyn Query>,
                                )
                            })
                            .collect();
                        Box::new(BoostQuery::new(Box::new(BooleanQuery::new(term_queries)), alternative.weight))
                            as Box<dyn Query>
                    })
                    .collect();
                (Occur::Should, Box::new(DisjunctionMaxQuery::new(alternatives)) as Box<dyn Query>)
            })
            .collect();
        let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        match chapter {
            None => query,
            Some(chapter) => {
                let in_chapter =
                    TermQuery::new(Term::from_field_text(self.fields.chapter, chapter), IndexRecordOption::Basic);
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, query),
                    (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(in_chapter), 0.0))),
                ]))
            }
        }
    }
}

/// An index in memory of `docs` (`analysed` their analysis, in the same
/// order), as one segment. The single-segment writer indexes on the calling
/// thread: no indexing, merging or compression threads to start for a book
/// that is always one segment anyway.
fn build(docs: &[SearchDoc], analysed: &[AnalysedDoc]) -> tantivy::Result<(Index, Fields)> {
    let (schema, fields) = schema();
    // Searching (snippets) registers the real analyzer under the same name.
    let tokenizers = TokenizerManager::default();
    tokenizers.register(TOKENIZER, ReplayTokenizer::default());
    let settings = IndexSettings { docstore_compress_dedicated_thread: false, ..IndexSettings::default() };
    let text_bytes: usize = docs.iter().map(|d| d.body.len() + d.code.len() + d.title.len()).sum();
    let budget = (text_bytes * 2).clamp(MIN_WRITER_MEMORY, MAX_WRITER_MEMORY);
    let mut writer = Index::builder()
        .schema(schema)
        .settings(settings)
        .tokenizers(tokenizers)
        .single_segment_index_writer(RamDirectory::create(), budget)?;
    for (doc, analysed) in docs.iter().zip(analysed) {
        let mut document = TantivyDocument::default();
        document.add_text(fields.slug, &doc.slug);
        document.add_text(fields.chapter, &doc.chapter);
        document.add_text(fields.path, &doc.path);
        document.add_text(fields.title_text, &doc.title);
        document.add_text(fields.variants_text, doc.field_text(TextField::Variants));
        document.add_text(fields.body_text, &doc.body);
        for (i, field) in TextField::ALL.into_iter().enumerate() {
            document.add_text(fields.text(field), analysed.indexed_text(i));
        }
        writer.add_document(document)?;
    }
    Ok((writer.finalize()?, fields))
}

/// The files of an index built in memory, by name. `dir` names the index
/// in errors.
fn tantivy_files(index: &Index, dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let directory = index.directory();
    let mut names: Vec<PathBuf> = directory.list_managed_files().into_iter().collect();
    names.sort();
    names.extend(["meta.json", ".managed.json"].map(PathBuf::from));
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        match directory.atomic_read(&name) {
            Ok(bytes) => files.push((name.to_string_lossy().into_owned(), bytes)),
            // Listed, then merged away: nothing to keep.
            Err(OpenReadError::FileDoesNotExist(_)) => {}
            Err(error) => return Err(Error::io(dir, std::io::Error::other(error))),
        }
    }
    Ok(files)
}

/// The fields of an index srebook wrote, looked up by name.
fn fields_of(schema: &Schema) -> Option<Fields> {
    let field = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        slug: field("slug")?,
        chapter: field("chapter")?,
        path: field("path")?,
        title: field(TextField::Title.name())?,
        variants: field(TextField::Variants.name())?,
        body: field(TextField::Body.name())?,
        code: field(TextField::Code.name())?,
        context: field(TextField::Context.name())?,
        title_text: field(&stored_name(TextField::Title))?,
        variants_text: field(&stored_name(TextField::Variants))?,
        body_text: field(&stored_name(TextField::Body))?,
    })
}

/// The snippet of `text` as escaped HTML with `<mark>`ed matches, an
/// ellipsis where it cuts the text and its line breaks as spaces.
fn snippet_html(snippet: &Snippet, text: &str) -> String {
    let range = snippet.fragment_range();
    // Tantivy cuts right after the last token: keep the punctuation after it.
    let end = text[range.end..].find(char::is_whitespace).map_or(text.len(), |gap| range.end + gap);
    let fragment = &text[range.start..end];
    let mut html = String::with_capacity(fragment.len() + 32);
    if range.start > 0 {
        html.push_str("… ");
    }
    let mut at = 0;
    // A synonym phrase highlights as a whole and word by word: merge the overlaps.
    for marked in collapse_overlapped_ranges(snippet.highlighted()) {
        html.push_str(&escape_html(&fragment[at..marked.start]));
        html.push_str("<mark>");
        html.push_str(&escape_html(&fragment[marked.start..marked.end]));
        html.push_str("</mark>");
        at = marked.end;
    }
    html.push_str(&escape_html(&fragment[at..]));
    if end < text.len() {
        html.push_str(" …");
    }
    html.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A tantivy error, with the index folder it happened in.
fn index_error(dir: Option<&Path>, error: TantivyError) -> Error {
    let path = dir.map_or_else(|| PathBuf::from("<in-memory search index>"), Path::to_path_buf);
    Error::io(path, std::io::Error::other(format!("search index: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(slug: &str, chapter: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            slug: slug.into(),
            title: title.into(),
            chapter: chapter.into(),
            path: format!("{chapter}/{slug}.html"),
            body: body.into(),
            ..SearchDoc::default()
        }
    }

    fn docs() -> Vec<SearchDoc> {
        vec![
            doc(
                "rollouts",
                "automation",
                "How do you roll out a risky change?",
                "Canary first, then widen; watch the error budget.",
            ),
            doc("budgets", "slos", "What is an error budget?", "The unreliability a service may spend in a window."),
            doc("queues", "design", "How do you size a queue?", "Measure arrival rates & keep headroom <always>."),
        ]
    }

    fn index() -> SearchIndex {
        let docs = docs();
        let chapters = ["slos", "automation", "design"].map(|c| ChapterInfo { slug: c.into(), title: c.into() });
        SearchIndex::in_memory(&docs, &AnalysedDoc::all(&docs), Vocabulary::build(&docs), chapters.to_vec()).unwrap()
    }

    fn slugs(hits: &[SearchHit]) -> Vec<&str> {
        hits.iter().map(|h| h.slug.as_str()).collect()
    }

    #[test]
    fn a_title_match_ranks_above_a_body_match_and_snippets_mark_the_words() {
        let hits = index().search("error budgets", &SearchOptions::default()).unwrap();
        assert_eq!(slugs(&hits), ["budgets", "rollouts"]);
        assert!(hits[0].score > hits[1].score);
        assert_eq!(hits[1].snippet, "Canary first, then widen; watch the <mark>error</mark> <mark>budget</mark>.");
        let hits = index().search("headroom", &SearchOptions::default()).unwrap();
        assert_eq!(hits[0].snippet, "Measure arrival rates &amp; keep <mark>headroom</mark> &lt;always&gt;.");
    }

    #[test]
    fn a_chapter_filter_keeps_only_that_chapter() {
        let options = SearchOptions { limit: 10, chapter: Some("automation".into()) };
        assert_eq!(slugs(&index().search("error budget", &options).unwrap()), ["rollouts"]);
        let options = SearchOptions { limit: 10, chapter: Some("nowhere".into()) };
        assert!(index().search("error budget", &options).unwrap().is_empty());
    }

    #[test]
    fn a_written_index_opens_and_answers_like_the_one_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let index_dir = dir.path().join(".book.srebook-index");
        let docs = docs();
        let manifest =
            Manifest { format: INDEX_FORMAT, fingerprint: Fingerprint::NONE, chapters: Vec::new(), topics: 3 };
        SearchIndex::write(&index_dir, &docs, &AnalysedDoc::all(&docs), &Vocabulary::build(&docs), &manifest).unwrap();
        // Writing again replaces it in place.
        SearchIndex::write(&index_dir, &docs, &AnalysedDoc::all(&docs), &Vocabulary::build(&docs), &manifest).unwrap();
        let on_disk = SearchIndex::open(&index_dir).unwrap();
        assert_eq!(on_disk.manifest(), &manifest);
        let options = SearchOptions::default();
        assert_eq!(
            on_disk.search("queue sizing", &options).unwrap(),
            index().search("queue sizing", &options).unwrap()
        );
        let siblings: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(siblings.len(), 1, "temporary files left behind");
        let inside: Vec<_> = std::fs::read_dir(&index_dir).unwrap().collect();
        assert_eq!(inside.len(), 1, "the index is not one file");
    }

    #[test]
    fn opening_a_folder_without_an_index_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let error = SearchIndex::open(dir.path()).unwrap_err().to_string();
        assert!(error.contains("no search index here"), "{error}");
    }
}
