//! `book.toml`: the book's metadata, where it reads and writes, its chapter
//! taxonomy and the dedup settings.
//!
//! Every table rejects unknown keys (a typo must not be silently ignored) and
//! every error names the file and line, which toml's own messages carry.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The whole of `book.toml`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub book: BookMeta,
    #[serde(default)]
    pub build: BuildPaths,
    /// The chapter taxonomy, in reading order. Empty means the built-in one.
    #[serde(default = "default_chapters")]
    pub chapters: Vec<ChapterDef>,
    #[serde(default)]
    pub classify: ClassifyConfig,
    #[serde(default)]
    pub dedup: DedupConfig,
}

/// `[book]`: what the site says about itself.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct BookMeta {
    pub title: String,
    pub description: String,
    pub authors: Vec<String>,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
    /// Absolute URL the site is published at; enables sitemap.xml.
    pub site_url: Option<String>,
    /// `light`, `dark`, `sepia`; unset follows the reader's OS preference.
    pub default_theme: Option<String>,
}

impl Default for BookMeta {
    fn default() -> Self {
        BookMeta {
            title: "SRE Handbook".into(),
            description: "Site reliability engineering questions and answers, organised by topic.".into(),
            authors: Vec::new(),
            language: "en".into(),
            site_url: None,
            default_theme: None,
        }
    }
}

/// `[build]`: where sources are read and the site is written, relative to the
/// directory holding book.toml.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct BuildPaths {
    pub content: PathBuf,
    pub output: PathBuf,
}

impl Default for BuildPaths {
    fn default() -> Self {
        BuildPaths { content: "content".into(), output: "book".into() }
    }
}

/// One `[[chapters]]` table: a chapter and the evidence the classifier uses.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChapterDef {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Words and phrases typical of the chapter's questions.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Optional `[[chapters.sections]]`: groups the chapter's page lists its
    /// topics under, in this order. Topics that fit none go under "Other".
    #[serde(default)]
    pub sections: Vec<SectionDef>,
}

/// One `[[chapters.sections]]` table: a heading inside a chapter and the
/// words that put a topic under it. Sections only group a chapter's topics;
/// they never move a topic to another chapter.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SectionDef {
    pub title: String,
    /// Words and phrases typical of the section's questions.
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// `[classify]`: how much each kind of evidence counts.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct ClassifyConfig {
    /// Weight of the question text against the chapter profiles.
    pub question_weight: f64,
    /// Weight of the answer text.
    pub answer_weight: f64,
    /// Weight of the source's own section or category name.
    pub section_weight: f64,
    /// Extra score a story prompt ("Tell me about a time ...") or a guide
    /// (interview tips) gives the chapter story framing matches (the
    /// behavioural one): a technical chapter must beat it on content to win.
    pub story_weight: f64,
}

impl Default for ClassifyConfig {
    fn default() -> Self {
        ClassifyConfig { question_weight: 1.0, answer_weight: 0.35, section_weight: 0.8, story_weight: 0.15 }
    }
}

/// `[dedup]`: when two entries become one topic.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct DedupConfig {
    /// Average-link similarity at or above which clusters merge.
    pub threshold: f64,
    /// Share of the similarity that comes from the question text alone; the
    /// rest comes from question plus answer.
    pub question_weight: f64,
    /// Topics closer than this (but not merged) are listed as related.
    pub related_threshold: f64,
    /// At most this many related topics per page.
    pub related_limit: usize,
    /// Similarity factor for two entries of one source: an author seldom
    /// asks the same thing twice, so such pairs need more evidence.
    pub same_source_factor: f64,
    /// Groups of questions that must share a topic.
    pub merge: Vec<OverrideGroup>,
    /// Groups of questions that must not share a topic.
    pub separate: Vec<OverrideGroup>,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            threshold: 0.275,
            question_weight: 0.18,
            related_threshold: 0.12,
            related_limit: 5,
            same_source_factor: 0.7,
            merge: Vec::new(),
            separate: Vec::new(),
        }
    }
}

/// A `[[dedup.merge]]` or `[[dedup.separate]]` table. Each item is a question's
/// text or `source:line`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OverrideGroup {
    pub questions: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            book: BookMeta::default(),
            build: BuildPaths::default(),
            chapters: default_chapters(),
            classify: ClassifyConfig::default(),
            dedup: DedupConfig::default(),
        }
    }
}

/// The starter book.toml that `srebook init` writes, and the source of the
/// built-in taxonomy.
pub const DEFAULT_BOOK_TOML: &str = include_str!("default_book.toml");

fn default_chapters() -> Vec<ChapterDef> {
    #[derive(Deserialize)]
    struct OnlyChapters {
        chapters: Vec<ChapterDef>,
    }
    // The built-in taxonomy is the one in the starter book.toml, so the two can
    // never disagree. A unit test proves it parses.
    toml::from_str::<toml::Table>(DEFAULT_BOOK_TOML)
        .ok()
        .and_then(|table| table.get("chapters").cloned())
        .and_then(|chapters| {
            let mut t = toml::Table::new();
            t.insert("chapters".into(), chapters);
            toml::Value::Table(t).try_into::<OnlyChapters>().ok()
        })
        .map(|c| c.chapters)
        .unwrap_or_default()
}

impl Config {
    /// Parses book.toml text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let config: Config = toml::from_str(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            line: e.span().map(|span| line_of(text, span.start)),
            message: e.message().to_string(),
        })?;
        config.validate(path)?;
        Ok(config)
    }

    /// Reads and parses a book.toml file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Config::parse(&text, path)
    }

    fn validate(&self, path: &Path) -> Result<(), Error> {
        let invalid = |message: String| Error::Config { path: path.to_path_buf(), line: None, message };
        if self.chapters.is_empty() {
            return Err(invalid("the book needs at least one [[chapters]] table".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for chapter in &self.chapters {
            let slug_ok = !chapter.slug.is_empty()
                && chapter.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !slug_ok {
                return Err(invalid(format!(
                    "chapter slug {:?} must be non-empty lowercase letters, digits and '-'",
                    chapter.slug
                )));
            }
            if !seen.insert(chapter.slug.as_str()) {
                return Err(invalid(format!("chapter slug {:?} is defined twice", chapter.slug)));
            }
            let mut titles = std::collections::HashSet::new();
            for section in &chapter.sections {
                let title = section.title.trim();
                if title.is_empty() {
                    return Err(invalid(format!("a section of chapter {:?} has an empty title", chapter.slug)));
                }
                if !titles.insert(title.to_lowercase()) {
                    return Err(invalid(format!("chapter {:?} has two sections titled {title:?}", chapter.slug)));
                }
            }
        }
        let unit = |name: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(invalid(format!("dedup.{name} must be between 0 and 1, not {value}")))
            }
        };
        unit("threshold", self.dedup.threshold)?;
        unit("question-weight", self.dedup.question_weight)?;
        unit("related-threshold", self.dedup.related_threshold)?;
        unit("same-source-factor", self.dedup.same_source_factor)?;
        for (name, weight) in [
            ("question-weight", self.classify.question_weight),
            ("answer-weight", self.classify.answer_weight),
            ("section-weight", self.classify.section_weight),
            ("story-weight", self.classify.story_weight),
        ] {
            if !(weight >= 0.0 && weight.is_finite()) {
                return Err(invalid(format!("classify.{name} must be a non-negative number, not {weight}")));
            }
        }
        Ok(())
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_book_toml_is_the_default() {
        let parsed = Config::parse(DEFAULT_BOOK_TOML, Path::new("book.toml")).unwrap();
        assert_eq!(parsed.chapters, Config::default().chapters);
        let slugs: Vec<_> = parsed.chapters.iter().map(|c| c.slug.as_str()).collect();
        assert_eq!(slugs, ["slos", "incidents", "automation", "design", "behavioral"]);
    }

    #[test]
    fn empty_file_gets_defaults() {
        let parsed = Config::parse("", Path::new("book.toml")).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err =
            Config::parse("[book]\ntitle = \"x\"\ncolour = \"red\"\n", Path::new("b.toml")).unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
        assert!(err.contains("b.toml:3"), "{err}");
    }

    #[test]
    fn wrong_type_names_line() {
        let err = Config::parse("[build]\noutput = 5\n", Path::new("b.toml")).unwrap_err().to_string();
        assert!(err.contains("b.toml:2"), "{err}");
    }

    #[test]
    fn sections_parse_and_reject_unknown_keys_and_repeated_titles() {
        let chapter = "[[chapters]]\nslug = \"a\"\ntitle = \"A\"\n";
        let text = format!("{chapter}[[chapters.sections]]\ntitle = \"S\"\nkeywords = [\"x\"]\n");
        let parsed = Config::parse(&text, Path::new("b.toml")).unwrap();
        assert_eq!(parsed.chapters[0].sections, [SectionDef { title: "S".into(), keywords: vec!["x".into()] }]);

        let unknown = format!("{chapter}[[chapters.sections]]\ntitle = \"S\"\nslug = \"s\"\n");
        let err = Config::parse(&unknown, Path::new("b.toml")).unwrap_err().to_string();
        assert!(err.contains("slug") && err.contains("b.toml:6"), "{err}");

        let twice = format!("{chapter}[[chapters.sections]]\ntitle = \"S\"\n[[chapters.sections]]\ntitle = \"s\"\n");
        let err = Config::parse(&twice, Path::new("b.toml")).unwrap_err().to_string();
        assert!(err.contains("two sections titled"), "{err}");
    }

    #[test]
    fn duplicate_chapter_slug_is_rejected() {
        let text = "[[chapters]]\nslug = \"a\"\ntitle = \"A\"\n[[chapters]]\nslug = \"a\"\ntitle = \"B\"\n";
        let err = Config::parse(text, Path::new("b.toml")).unwrap_err().to_string();
        assert!(err.contains("defined twice"), "{err}");
    }
}
