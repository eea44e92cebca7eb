//! `srebook init`: a starter book.toml and a content folder with one example
//! document, so `srebook build` works straight away.

use std::path::{Path, PathBuf};

use crate::config::DEFAULT_BOOK_TOML;
use crate::{Error, Result};

const EXAMPLE: &str = "# Getting started\n\n\
## 1. How do I add my own questions?\n\n\
Put markdown or text files in this folder. A question can be a heading \
(`## 3. How do you …?`), a bullet (`- **How do you …?**` with the answer indented \
below it) or a plain line (`Q3. How do you …? (Category)`).\n\n\
## 2. How do I change the chapters?\n\n\
Edit the `[[chapters]]` tables in `book.toml`. Each chapter's description and \
keywords steer which questions land in it.\n";

/// Creates `dir/book.toml` and `dir/content/getting-started.md`. Existing
/// files are never overwritten: that is an error naming the file.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let files = [(dir.join("book.toml"), DEFAULT_BOOK_TOML), (dir.join("content").join("getting-started.md"), EXAMPLE)];
    for (path, _) in &files {
        if path.exists() {
            return Err(Error::UnsafeOutput {
                path: path.clone(),
                message: "already exists; init never overwrites files".into(),
            });
        }
    }
    let mut written = Vec::new();
    for (path, text) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
