//! The site theme: Tera templates and static files, built in and overridable
//! one file at a time by a book's own `templates/` and `static/` folders.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{Error, Result};

include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));

/// Templates ready to render and the static files to copy.
pub struct Theme {
    pub tera: tera::Tera,
    /// Site-relative path under `static/` → contents.
    pub static_files: BTreeMap<String, Vec<u8>>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("static_files", &self.static_files.keys()).finish_non_exhaustive()
    }
}

impl Theme {
    /// The built-in theme with the overrides found under `book_root`.
    pub fn load(book_root: &Path) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = embedded_templates()
            .iter()
            .map(|(name, bytes)| (name.to_string(), String::from_utf8_lossy(bytes).into_owned()))
            .collect();
        for (name, bytes) in read_overrides(&book_root.join("templates"))? {
            if name.ends_with(".html") {
                templates.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default escaper also turns `/` into `&#x2F;`, which is legal
        // but makes every link in the page source unreadable.
        tera.set_escape_fn(super::highlight::escape_html);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| template_error(&book_root.join("templates"), e))?;

        let mut static_files: BTreeMap<String, Vec<u8>> =
            embedded_static().iter().map(|(name, bytes)| (name.to_string(), bytes.to_vec())).collect();
        static_files.extend(read_overrides(&book_root.join("static"))?);
        Ok(Theme { tera, static_files })
    }
}

/// Every file under `dir` (missing folder: none), keyed by relative path.
fn read_overrides(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || name.starts_with('.') || crate::ingest::is_temp_file(&name) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        files.push((rel, bytes));
    }
    Ok(files)
}

/// Tera's error chain, flattened: the useful part (which template, which
/// line) is usually in the sources.
pub fn template_error(context: &Path, error: tera::Error) -> Error {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Template { name: context.display().to_string(), message }
}
