//! Ingest: find the source files, decode and repair them, and cut each into
//! entries (questions and guide sections) whatever its shape.

mod answer;
mod codelang;
mod decode;
mod language_memo;
mod pdf;
mod segment;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use codelang::detect_language;
pub use decode::{decode, Decoded};
pub use segment::{segment, Segmented};

use crate::model::{Diagnostic, SourceDoc};
use crate::{Error, Result};

/// A file found in the content folder.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the content folder, with `/` separators.
    pub rel_path: String,
    pub abs_path: PathBuf,
}

/// The source files found, and the entries that could not be listed.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lists the source files under `content_dir` in a stable, sorted order,
/// skipping hidden files and folders, editor temp files and `exclude`d folders
/// (the output folder, when it sits inside the content). Symbolic links are
/// followed; a broken one is a warning, not a failure.
pub fn walk(content_dir: &Path, exclude: &[PathBuf]) -> Result<Walked> {
    if !content_dir.is_dir() {
        return Err(Error::io(
            content_dir,
            std::io::Error::new(std::io::ErrorKind::NotFound, "content folder not found"),
        ));
    }
    let exclude: Vec<PathBuf> = exclude.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let walker =
        walkdir::WalkDir::new(content_dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|entry| {
            let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
            let excluded =
                entry.file_type().is_dir() && entry.path().canonicalize().is_ok_and(|p| exclude.contains(&p));
            !hidden && !excluded
        });
    let relative = |path: &Path| {
        let rel = path.strip_prefix(content_dir).unwrap_or(path);
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    };
    let mut walked = Walked::default();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let source = error.path().map(relative).unwrap_or_else(|| content_dir.display().to_string());
                walked.diagnostics.push(Diagnostic {
                    source,
                    line: 0,
                    severity: crate::model::Severity::Warning,
                    kind: "unreadable".into(),
                    message: format!("cannot read: {error}; skipped"),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() || is_temp_file(&entry.file_name().to_string_lossy()) {
            continue;
        }
        walked.files.push(SourceFile { rel_path: relative(entry.path()), abs_path: entry.path().to_path_buf() });
    }
    Ok(walked)
}

/// Editor swap, backup and temp files: never sources.
pub fn is_temp_file(name: &str) -> bool {
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".kate-swp", ".crdownload", ".part"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name == "4913"
}

/// Every readable text file, decoded; warnings for the others.
#[derive(Debug, Default)]
pub struct DecodedFiles {
    pub docs: Vec<SourceDoc>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Compiles the patterns segment and (with `code_languages`) the
/// code-language detector use, which they would otherwise compile on first
/// use: `build` calls this on a thread of its own while the sources are read.
pub fn compile_patterns(code_languages: bool) {
    segment::compile_patterns();
    if code_languages {
        codelang::compile_patterns();
    }
}

pub use language_memo::{load as load_language_memo, save as save_language_memo};

/// Reads and decodes `files` in parallel, keeping their order.
pub fn decode_all(files: &[SourceFile]) -> DecodedFiles {
    let results: Vec<Decoded> = files
        .par_iter()
        .map(|file| match std::fs::read(&file.abs_path) {
            Ok(bytes) => decode(&file.rel_path, &bytes),
            Err(e) => Decoded::Skipped(Diagnostic {
                source: file.rel_path.clone(),
                line: 0,
                severity: crate::model::Severity::Warning,
                kind: "unreadable".into(),
                message: format!("cannot read file: {e}; skipped"),
            }),
        })
        .collect();
    let mut out = DecodedFiles::default();
    for result in results {
        match result {
            Decoded::Doc(doc) => out.docs.push(doc),
            Decoded::Skipped(diagnostic) => out.diagnostics.push(diagnostic),
        }
    }
    out
}

/// Segments every document in parallel; entries keep document order.
pub fn segment_all(docs: &[SourceDoc]) -> Segmented {
    let results: Vec<Segmented> = docs.par_iter().map(segment).collect();
    let mut out = Segmented::default();
    for result in results {
        out.entries.extend(result.entries);
        out.diagnostics.extend(result.diagnostics);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_temp_file;

    #[test]
    fn editor_temp_files_are_recognised() {
        for name in
            ["notes.md~", ".#notes.md", "#notes.md#", "notes.md.swp", "notes.md.swx", "4913", "a.md___jb_tmp___"]
        {
            assert!(is_temp_file(name), "{name}");
        }
        for name in ["notes.md", "q&a.txt", "tmp-notes.md"] {
            assert!(!is_temp_file(name), "{name}");
        }
    }
}
