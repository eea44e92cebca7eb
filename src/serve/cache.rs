//! Incremental ingest: each source's decoded and segmented result, kept
//! between rebuilds so that an edit re-reads one file, not the whole book.
//!
//! A file is reused when its length and modification time are unchanged and
//! the watcher did not name it. Timestamps are too coarse to trust alone
//! (two saves within one clock tick of the same length look identical), so a
//! file the watcher named is always read again; its content hash then decides
//! whether to decode and segment it again (a `touch` costs a read, nothing
//! more). decode and segment are pure per file, which is what makes this
//! cache exact: the result is the same as ingesting everything afresh.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::ingest::{self, Decoded, SourceFile};
use crate::model::{Diagnostic, Entry, Severity};

/// What a source file contributes to the book. (Its repairs are not kept:
/// the preview shows the repaired text; `srebook check` lists them.)
#[derive(Debug, Default)]
pub struct IngestedFile {
    /// Why decode skipped the file (binary, empty), if it did.
    pub decode_diagnostic: Option<Diagnostic>,
    pub entries: Vec<Entry>,
    pub segment_diagnostics: Vec<Diagnostic>,
}

/// Identity of a file's contents as cheaply known from `stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp { len: meta.len(), modified: meta.modified().ok() }
    }
}

#[derive(Debug)]
struct CachedFile {
    stamp: Stamp,
    hash: u64,
    /// Nothing but whitespace.
    blank: bool,
    ingested: Arc<IngestedFile>,
}

/// Every source file's ingest result, keyed by path relative to the content
/// folder.
#[derive(Debug, Default)]
pub struct SourceCache {
    files: HashMap<String, CachedFile>,
}

/// At most this many files read by one refresh keep their handle open for
/// [`ReadFile::modified_since_read`]; a first build or a rescan reads every
/// file, and holding them all open could exhaust the process's file limit.
const HELD_HANDLES: usize = 64;

/// A file read from disk by a refresh, with its stamp from just before the
/// read.
#[derive(Debug)]
pub struct ReadFile {
    /// Path relative to the content folder.
    pub rel_path: String,
    abs_path: PathBuf,
    stamp: Stamp,
    /// The file as opened for the read: it still names the inode that was
    /// read after an editor replaces the path by rename.
    handle: Option<File>,
    /// It read blank where it had text before: what an editor saving in
    /// place leaves between truncating and writing.
    pub emptied: bool,
}

impl ReadFile {
    /// Whether the file read was written to after it was read, so what was
    /// read may be half of that write (an editor that truncates, then
    /// writes). The kernel updates length and modification time as it
    /// writes, so unlike events (delivered later) this cannot lag. Without a
    /// held handle the path is checked, which also counts a replaced file as
    /// modified: wrong only on the safe side.
    pub fn modified_since_read(&self) -> bool {
        let now = match &self.handle {
            Some(file) => file.metadata().ok().map(|meta| Stamp::of(&meta)),
            None => stamp_at(&self.abs_path),
        };
        now != Some(self.stamp)
    }
}

/// The sources of one rebuild, in walk order, and how many were re-read.
#[derive(Debug, Default)]
pub struct Ingested {
    pub files: Vec<Arc<IngestedFile>>,
    /// Files that could not be read this time (not cached: retried next time).
    pub read_errors: Vec<Diagnostic>,
    /// The files read from disk this time.
    pub read_files: Vec<ReadFile>,
    /// Files decoded and segmented again because their content changed.
    pub reingested: usize,
}

enum Refreshed {
    /// Read, and the same bytes as cached.
    Same(ReadFile),
    New(ReadFile, CachedFile),
    Unreadable(Diagnostic),
}

impl SourceCache {
    /// Brings the cache up to date with `files` (as walked, in order) and
    /// returns every file's result. `dirty` lists paths (relative to the
    /// content folder) the watcher saw change; `None` means "check
    /// everything by content" (a full rescan).
    pub fn refresh(&mut self, files: &[SourceFile], dirty: Option<&HashSet<String>>) -> Ingested {
        let stale: Vec<&SourceFile> = files
            .iter()
            .filter(|file| {
                let cached = self.files.get(&file.rel_path);
                let named = dirty.is_none_or(|dirty| dirty.contains(&file.rel_path));
                named || cached.is_none_or(|cached| Some(cached.stamp) != stamp_at(&file.abs_path))
            })
            .collect();
        let hold = stale.len() <= HELD_HANDLES;
        let refreshed: Vec<Refreshed> = stale.into_par_iter().map(|file| self.refresh_one(file, hold)).collect();
        let mut ingested = Ingested::default();
        for result in refreshed {
            match result {
                Refreshed::Same(read) => {
                    if let Some(cached) = self.files.get_mut(&read.rel_path) {
                        cached.stamp = read.stamp;
                    }
                    ingested.read_files.push(read);
                }
                Refreshed::New(read, file) => {
                    ingested.reingested += 1;
                    self.files.insert(read.rel_path.clone(), file);
                    ingested.read_files.push(read);
                }
                Refreshed::Unreadable(diagnostic) => {
                    self.files.remove(&diagnostic.source);
                    ingested.read_errors.push(diagnostic);
                }
            }
        }
        let present: HashSet<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
        self.files.retain(|rel, _| present.contains(rel.as_str()));
        ingested.files =
            files.iter().filter_map(|f| self.files.get(&f.rel_path)).map(|cached| cached.ingested.clone()).collect();
        ingested
    }

    /// Reads one file; decodes and segments it only if its content changed.
    fn refresh_one(&self, file: &SourceFile, hold: bool) -> Refreshed {
        // Stamped from the open file before reading: a write racing with the
        // read leaves a stamp the next stat will not match, so the next
        // rebuild reads the file again.
        let opened = File::open(&file.abs_path).and_then(|mut handle| {
            let stamp = Stamp::of(&handle.metadata()?);
            let mut bytes = Vec::with_capacity(usize::try_from(stamp.len).unwrap_or(0));
            handle.read_to_end(&mut bytes)?;
            Ok((handle, stamp, bytes))
        });
        let (handle, stamp, bytes) = match opened {
            Ok(read) => read,
            Err(error) => {
                return Refreshed::Unreadable(Diagnostic {
                    source: file.rel_path.clone(),
                    line: 0,
                    severity: Severity::Warning,
                    kind: "unreadable".into(),
                    message: format!("cannot read file: {error}; skipped"),
                })
            }
        };
        let cached = self.files.get(&file.rel_path);
        let blank = bytes.iter().all(u8::is_ascii_whitespace);
        let read = ReadFile {
            rel_path: file.rel_path.clone(),
            abs_path: file.abs_path.clone(),
            stamp,
            handle: hold.then_some(handle),
            emptied: blank && cached.is_some_and(|cached| !cached.blank),
        };
        let hash = content_hash(&bytes);
        match cached {
            Some(cached) if cached.hash == hash => Refreshed::Same(read),
            _ => {
                let ingested = Arc::new(ingest_bytes(&file.rel_path, &bytes));
                Refreshed::New(read, CachedFile { stamp, hash, blank, ingested })
            }
        }
    }
}

/// decode then segment: exactly what the full pipeline does for one file.
fn ingest_bytes(rel_path: &str, bytes: &[u8]) -> IngestedFile {
    match ingest::decode(rel_path, bytes) {
        Decoded::Doc(doc) => {
            let segmented = ingest::segment(&doc);
            IngestedFile {
                decode_diagnostic: None,
                entries: segmented.entries,
                segment_diagnostics: segmented.diagnostics,
            }
        }
        Decoded::Skipped(diagnostic) => IngestedFile { decode_diagnostic: Some(diagnostic), ..IngestedFile::default() },
    }
}

fn stamp_at(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path).ok().map(|meta| Stamp::of(&meta))
}

fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(dir: &std::path::Path) -> Vec<SourceFile> {
        ingest::walk(dir, &[]).unwrap().files
    }

    #[test]
    fn only_changed_files_are_ingested_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "## 1. What is an SLO?\n\nA target.\n").unwrap();
        std::fs::write(dir.path().join("b.md"), "## 1. What is toil?\n\nManual work.\n").unwrap();
        let mut cache = SourceCache::default();
        let first = cache.refresh(&walk(dir.path()), None);
        assert_eq!((first.read_files.len(), first.reingested), (2, 2));

        let untouched = cache.refresh(&walk(dir.path()), Some(&HashSet::new()));
        assert_eq!((untouched.read_files.len(), untouched.reingested), (0, 0));

        let named: HashSet<String> = ["a.md".to_string()].into();
        let same_bytes = cache.refresh(&walk(dir.path()), Some(&named));
        assert_eq!((same_bytes.read_files.len(), same_bytes.reingested), (1, 0), "same content: read, not decoded");

        std::fs::write(dir.path().join("a.md"), "## 1. What is an SLI?\n\nA measure.\n").unwrap();
        let edited = cache.refresh(&walk(dir.path()), Some(&named));
        assert_eq!(edited.reingested, 1);
        assert_eq!(edited.files[0].entries[0].question, "What is an SLI?");
        assert_eq!(edited.files[1].entries[0].question, "What is toil?");
    }

    #[test]
    fn writes_after_the_read_are_noticed_replacements_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("a.md");
        std::fs::write(&source, "## 1. What is an SLO?\n\nA target.\n").unwrap();
        let mut cache = SourceCache::default();
        let named: HashSet<String> = ["a.md".to_string()].into();

        let read = cache.refresh(&walk(dir.path()), Some(&named));
        assert!(!read.read_files[0].modified_since_read());
        std::fs::write(dir.path().join(".a.tmp"), "## 1. Replaced?\n\nWhole.\n").unwrap();
        std::fs::rename(dir.path().join(".a.tmp"), &source).unwrap();
        assert!(!read.read_files[0].modified_since_read(), "the file read was replaced by rename, not written");

        let read = cache.refresh(&walk(dir.path()), Some(&named));
        // An editor saving in place: truncate, then write.
        std::fs::write(&source, "").unwrap();
        assert!(read.read_files[0].modified_since_read(), "a write in place after the read is noticed");
        let emptied = cache.refresh(&walk(dir.path()), Some(&named));
        assert!(emptied.read_files[0].emptied, "a source that reads blank after having text is suspect");
    }

    #[test]
    fn deleted_files_leave_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "## 1. What is an SLO?\n\nA target.\n").unwrap();
        let mut cache = SourceCache::default();
        cache.refresh(&walk(dir.path()), None);
        std::fs::remove_file(dir.path().join("a.md")).unwrap();
        let after = cache.refresh(&walk(dir.path()), None);
        assert!(after.files.is_empty());
        assert!(cache.files.is_empty());
    }
}
