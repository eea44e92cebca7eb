//! Whether a search index on disk still matches its book.
//!
//! An index records a fingerprint of what it was built from: every source
//! file's path, size and modification time, book.toml's bytes and the
//! srebook that built it (its version and a digest of its source code).
//! Listing and stat-ing the sources costs about a millisecond, far less than
//! reading them, so `srebook search` can check freshness on every run and
//! rebuild only when something changed, and `srebook build` can keep both
//! indexes when nothing did. Like make and cargo, it takes a file with the
//! same size and modification time to be unchanged.

use std::hash::Hasher;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::analysis::FnvHasher;
use crate::{BookPaths, Error, Result};

/// Bumped whenever the index layout or the analysis changes, so indexes
/// written by an older srebook are rebuilt rather than misread.
pub const INDEX_FORMAT: u32 = 3;

/// A digest of everything a book's index depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(u64);

impl Fingerprint {
    /// The fingerprint of the book `paths` describe, as it is on disk now.
    pub fn of(paths: &BookPaths) -> Result<Fingerprint> {
        let mut hasher = FnvHasher::default();
        hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.write(env!("SREBOOK_SOURCE_KEY").as_bytes());
        hasher.write_u32(INDEX_FORMAT);
        match &paths.config_file {
            Some(config) => hasher.write(&std::fs::read(config).map_err(|e| Error::io(config, e))?),
            None => hasher.write(b"built-in defaults"),
        }
        let walked = crate::ingest::walk(&paths.content_dir, std::slice::from_ref(&paths.output_dir))?;
        for file in &walked.files {
            hasher.write(file.rel_path.as_bytes());
            hasher.write_u8(0);
            // A file that vanished since the walk hashes as absent: the build
            // that follows sees it gone too.
            if let Ok(meta) = std::fs::metadata(&file.abs_path) {
                hasher.write_u64(meta.len());
                let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
                hasher.write_u128(modified.as_nanos());
            }
        }
        Ok(Fingerprint(hasher.finish()))
    }

    /// A fingerprint no book has, for indexes that are never checked for
    /// freshness (built in memory).
    pub const NONE: Fingerprint = Fingerprint(0);
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// The folder where the search index of the site in `output_dir` lives: a
/// hidden sibling of the site (`book/` → `.book.srebook-index/`), so the
/// index is never published and survives the swap of a rebuilt site.
pub fn index_dir_for(output_dir: &Path) -> std::path::PathBuf {
    crate::output::beside_output(output_dir, "srebook-index")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_sits_beside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let index = index_dir_for(&site);
        assert_eq!(index.file_name().unwrap(), ".site.srebook-index");
        assert_eq!(index.parent().unwrap(), dir.path().canonicalize().unwrap_or(dir.path().to_path_buf()));
    }

    #[test]
    fn the_fingerprint_changes_with_sources_and_config() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        std::fs::write(content.join("a.md"), "## What is toil?\n\nWork.\n").unwrap();
        let paths = BookPaths {
            config_file: None,
            content_dir: content.clone(),
            output_dir: dir.path().join("book"),
            root_dir: dir.path().to_path_buf(),
        };
        let first = Fingerprint::of(&paths).unwrap();
        assert_eq!(Fingerprint::of(&paths).unwrap(), first);
        std::fs::write(content.join("a.md"), "## What is toil?\n\nManual work.\n").unwrap();
        let edited = Fingerprint::of(&paths).unwrap();
        assert_ne!(edited, first);
        std::fs::write(content.join(".hidden.md"), "ignored").unwrap();
        assert_eq!(Fingerprint::of(&paths).unwrap(), edited);
        let config = dir.path().join("book.toml");
        std::fs::write(&config, "[book]\ntitle = \"T\"\n").unwrap();
        let configured = BookPaths { config_file: Some(config), ..paths };
        assert_ne!(Fingerprint::of(&configured).unwrap(), edited);
    }
}
