//! The data every pipeline stage passes to the next.
//!
//! Stages are plain functions over these types: ingest turns files into
//! [`SourceDoc`]s and [`Entry`]s, organise turns entries into a [`Book`] of
//! [`Chapter`]s and [`Topic`]s, render turns the book into pages. The field
//! names of the serialisable types are the `srebook inspect --json` contract
//! documented in the README, so rename nothing without updating it.

use serde::Serialize;

/// One decoded source file, relative to the content directory.
///
/// `text` keeps exactly the line structure of the file on disk (repairs never
/// add or remove a line), so a line number in `text` is a line number in the
/// original file.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Path relative to the content directory, with `/` separators.
    pub path: String,
    /// The decoded, repaired text, one `\n` per original line break.
    pub text: String,
    /// Every change decode and repair made to the bytes on disk.
    pub repairs: Vec<Repair>,
}

/// A change made to a source so that readers never see its defects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    /// Source path relative to the content directory.
    pub source: String,
    /// 1-based line in the original file.
    pub line: usize,
    /// Machine-readable kind, e.g. `encoding`, `mojibake`, `line-endings`.
    pub kind: String,
    /// What was changed, for an author to review.
    pub detail: String,
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; the build goes on.
    Warning,
    /// `srebook check` exits 1; the build still goes on where it can.
    Error,
}

/// A suspicious spot in the sources: reported by build and by `srebook check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub source: String,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    pub severity: Severity,
    /// Machine-readable kind, e.g. `unreadable`, `binary`, `empty-answer`.
    pub kind: String,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        if self.line > 0 {
            write!(f, "{}:{}: {}: {}: {}", self.source, self.line, severity, self.kind, self.message)
        } else {
            write!(f, "{}: {}: {}: {}", self.source, severity, self.kind, self.message)
        }
    }
}

/// Whether an entry is a question or a piece of guidance (interview tips,
/// certification overviews) that is kept but not counted as a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Question,
    Guide,
}

/// A fenced or indented code block inside an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeBlock {
    /// The language used for highlighting (`text` when none fits).
    pub lang: String,
    /// True when the language was detected from the content rather than taken
    /// from the fence's tag.
    pub detected: bool,
}

/// One question (or guide section) with its answer, as one source wrote it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Stable identifier: `source:line`.
    pub id: String,
    pub kind: EntryKind,
    /// Source path relative to the content directory.
    pub source: String,
    /// 1-based line where the question starts in the original file.
    pub line: usize,
    /// The question text, cleaned of numbering, markup and category tags.
    pub question: String,
    /// The answer as markdown, with code fences tagged with their language.
    pub answer_markdown: String,
    /// Chapter slug, filled in by the classifier (empty before).
    pub chapter: String,
    /// The source's own section or category name for this entry.
    pub source_section: String,
    pub code_blocks: Vec<CodeBlock>,
}

impl Entry {
    /// The identifier an entry from `source` at `line` gets.
    pub fn make_id(source: &str, line: usize) -> String {
        format!("{source}:{line}")
    }
}

/// One page of the handbook: every entry that asks the same thing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    /// URL-safe, unique across the book; the page is `<chapter>/<slug>.html`.
    pub slug: String,
    /// The canonical (clearest) phrasing.
    pub title: String,
    /// Chapter slug.
    pub chapter: String,
    /// Entry ids, canonical entry first.
    pub entries: Vec<String>,
    /// The other phrasings, shown as "Also asked as".
    pub variants: Vec<String>,
    /// Slugs of the nearest topics that were not merged with this one.
    pub related: Vec<String>,
}

/// A chapter of the book, as the taxonomy in book.toml defines it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chapter {
    pub slug: String,
    pub title: String,
    pub description: String,
    /// Topic slugs in reading order.
    pub topics: Vec<String>,
    /// The same topics grouped under the chapter's `[[chapters.sections]]`,
    /// in the same order as `topics` (a topic that fits no section is under
    /// "Other", last). Empty when the chapter defines no sections.
    pub sections: Vec<Section>,
}

/// A heading inside a chapter and the topics listed under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub title: String,
    /// Topic slugs in reading order.
    pub topics: Vec<String>,
}

/// The organised book: what `srebook inspect --json` prints and what render
/// turns into pages.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Book {
    pub chapters: Vec<Chapter>,
    pub topics: Vec<Topic>,
    pub entries: Vec<Entry>,
    pub repairs: Vec<Repair>,
    /// Warnings and errors found on the way (not part of the inspect contract,
    /// but printed with it for authors).
    pub diagnostics: Vec<Diagnostic>,
}

impl Book {
    /// Number of source files that contributed at least one entry.
    pub fn source_count(&self) -> usize {
        let mut sources: Vec<&str> = self.entries.iter().map(|e| e.source.as_str()).collect();
        sources.sort_unstable();
        sources.dedup();
        sources.len()
    }
}
