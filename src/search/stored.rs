//! The search index on disk: one file in the index folder.
//!
//! Everything `srebook search` needs (what the index was built from, the
//! vocabulary and tantivy's files) goes into one file, replaced whole by a
//! rename, so a reader sees the old index or the new one and a rebuild
//! creates one file and deletes one. tantivy's own layout is a folder of
//! files named after a new segment id on every build: a dozen files created
//! and deleted per build, and creating files is slow on a filesystem where
//! many were recently deleted (ext4 without a journal scans past each).
//!
//! The file is a header line, the manifest as one line of JSON, then named
//! sections, each `name<TAB>length<LF>` followed by that many bytes:
//! `vocabulary` (see [`Vocabulary::to_text`](super::Vocabulary::to_text)),
//! tantivy's files under their own names, and last an empty `end`, so a
//! file cut short at a section boundary is not taken for a whole one.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{DirectoryLock, FileHandle, FileSlice, Lock, WatchCallback, WatchHandle, WritePtr};
use tantivy::Directory;

use super::engine::Manifest;
use crate::{Error, Result};

/// The index file's name inside the index folder.
const INDEX_FILE: &str = "index.srebook";
/// Its first line.
const HEADER: &str = "srebook-index";
/// The section holding the vocabulary table.
pub const VOCABULARY_SECTION: &str = "vocabulary";
/// The last section's name.
const END: &str = "end";
/// What earlier srebooks kept in the index folder, removed when a new index
/// is written.
const LEGACY_FILES: [&str; 3] = ["tantivy", "vocabulary.tsv", "srebook-index.json"];

/// The path of the index file in `dir`.
pub fn index_file(dir: &Path) -> PathBuf {
    dir.join(INDEX_FILE)
}

/// An error for a malformed index file at `path`.
pub fn invalid(path: &Path, message: impl Into<String>) -> Error {
    Error::io(path, std::io::Error::new(std::io::ErrorKind::InvalidData, message.into()))
}

/// Writes the index file into `dir` (created if missing), replacing any
/// there: the manifest, then `sections` in order.
pub fn write(dir: &Path, manifest: &Manifest, sections: &[(&str, &[u8])]) -> Result<()> {
    let path = index_file(dir);
    let mut bytes = Vec::with_capacity(sections.iter().map(|(_, data)| data.len() + 64).sum::<usize>() + 1024);
    bytes.extend_from_slice(HEADER.as_bytes());
    bytes.push(b'\n');
    serde_json::to_writer(&mut bytes, manifest).map_err(|e| Error::io(&path, e.into()))?;
    bytes.push(b'\n');
    for (name, data) in sections.iter().chain([&(END, &b""[..])]) {
        bytes.extend_from_slice(format!("{name}\t{}\n", data.len()).as_bytes());
        bytes.extend_from_slice(data);
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for legacy in LEGACY_FILES {
        let legacy = dir.join(legacy);
        if let Ok(meta) = std::fs::symlink_metadata(&legacy) {
            crate::output::remove_file_or_folder(&legacy, &meta).map_err(|e| Error::io(&legacy, e))?;
        }
    }
    crate::output::replace_file(&path, &bytes).map_err(|e| Error::io(&path, e))
}

/// The manifest of the index in `dir`, if there is a readable one. Reads
/// only the file's first two lines.
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    let mut reader = std::io::BufReader::new(std::fs::File::open(index_file(dir)).ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    if line.trim_end() != HEADER {
        return None;
    }
    line.clear();
    reader.read_line(&mut line).ok()?;
    serde_json::from_str(&line).ok()
}

/// The index file in `dir`, read whole.
pub struct StoredIndex {
    pub path: PathBuf,
    pub manifest: Manifest,
    /// The whole file: sections are slices of it, never copies.
    file: FileSlice,
    /// Where the sections start in the file.
    sections_start: usize,
}

impl StoredIndex {
    /// Reads the index file in `dir`.
    pub fn read(dir: &Path) -> Result<StoredIndex> {
        let path = index_file(dir);
        let bytes = std::fs::read(&path).map_err(|e| {
            let message = "no search index here (or an unreadable one); `srebook build` or `srebook search` writes it";
            Error::io(&path, std::io::Error::new(e.kind(), message))
        })?;
        let header_end = line_end(&bytes, 0).ok_or_else(|| invalid(&path, "truncated index"))?;
        if &bytes[..header_end] != HEADER.as_bytes() {
            return Err(invalid(&path, "not an srebook search index"));
        }
        let manifest_end = line_end(&bytes, header_end + 1).ok_or_else(|| invalid(&path, "truncated index"))?;
        let manifest = serde_json::from_slice(&bytes[header_end + 1..manifest_end])
            .map_err(|e| invalid(&path, format!("unreadable index manifest: {e}")))?;
        Ok(StoredIndex { path, manifest, file: FileSlice::from(bytes), sections_start: manifest_end + 1 })
    }

    /// Every section, as (name, its bytes), in file order.
    pub fn sections(&self) -> Result<Vec<(String, FileSlice)>> {
        let truncated = || invalid(&self.path, "truncated index");
        let bytes = self.file.read_bytes().map_err(|e| Error::io(&self.path, e))?;
        let bytes = bytes.as_slice();
        let mut sections = Vec::new();
        let mut at = self.sections_start;
        loop {
            let end = line_end(bytes, at).ok_or_else(truncated)?;
            let line = std::str::from_utf8(&bytes[at..end]).map_err(|_| truncated())?;
            let (name, len) = line.split_once('\t').ok_or_else(truncated)?;
            let len: usize = len.parse().map_err(|_| truncated())?;
            let data = end + 1..(end + 1).checked_add(len).filter(|&stop| stop <= bytes.len()).ok_or_else(truncated)?;
            at = data.end;
            if name == END {
                return if at == bytes.len() { Ok(sections) } else { Err(truncated()) };
            }
            sections.push((name.to_string(), self.file.slice(data)));
        }
    }
}

/// tantivy's files, served from the sections of an index file: a read-only
/// [`Directory`] over the bytes read once.
#[derive(Debug, Clone)]
pub struct SectionsDirectory {
    files: Arc<HashMap<PathBuf, FileSlice>>,
}

impl SectionsDirectory {
    pub fn new(files: impl IntoIterator<Item = (String, FileSlice)>) -> SectionsDirectory {
        SectionsDirectory {
            files: Arc::new(files.into_iter().map(|(name, data)| (PathBuf::from(name), data)).collect()),
        }
    }

    fn read_only(path: &Path) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::PermissionDenied, format!("{} is in a read-only index", path.display()))
    }
}

impl Directory for SectionsDirectory {
    fn get_file_handle(&self, path: &Path) -> std::result::Result<Arc<dyn FileHandle>, OpenReadError> {
        let file = self.files.get(path).ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))?;
        Ok(Arc::new(file.clone()))
    }

    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        Err(DeleteError::IoError { io_error: Arc::new(Self::read_only(path)), filepath: path.to_path_buf() })
    }

    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        Ok(self.files.contains_key(path))
    }

    fn open_write(&self, path: &Path) -> std::result::Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError { io_error: Arc::new(Self::read_only(path)), filepath: path.to_path_buf() })
    }

    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        let file = self.files.get(path).ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))?;
        let bytes = file
            .read_bytes()
            .map_err(|e| OpenReadError::IoError { io_error: Arc::new(e), filepath: path.to_path_buf() })?;
        Ok(bytes.as_slice().to_vec())
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> std::io::Result<()> {
        Err(Self::read_only(path))
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        Ok(())
    }

    /// Nothing writes a read-only index, so readers need no lock.
    fn acquire_lock(&self, _lock: &Lock) -> std::result::Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}

/// Where the line starting at `start` ends (its `\n`).
fn line_end(bytes: &[u8], start: usize) -> Option<usize> {
    bytes.get(start..)?.iter().position(|&b| b == b'\n').map(|i| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{ChapterInfo, Fingerprint, INDEX_FORMAT};

    fn manifest() -> Manifest {
        let chapters = vec![ChapterInfo { slug: "slos".into(), title: "SLOs \"and\"\nnewlines".into() }];
        Manifest { format: INDEX_FORMAT, fingerprint: Fingerprint::NONE, chapters, topics: 7 }
    }

    #[test]
    fn sections_and_manifest_read_back_and_legacy_files_go() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tantivy")).unwrap();
        std::fs::write(dir.path().join("srebook-index.json"), "{}").unwrap();
        let binary: Vec<u8> = (0..=255).collect();
        write(dir.path(), &manifest(), &[("vocabulary", b"a\ta\ttb\n"), ("x.idx", &binary), ("empty", b"")]).unwrap();
        assert_eq!(read_manifest(dir.path()), Some(manifest()));
        let stored = StoredIndex::read(dir.path()).unwrap();
        assert_eq!(stored.manifest, manifest());
        let sections: Vec<(String, Vec<u8>)> = stored
            .sections()
            .unwrap()
            .into_iter()
            .map(|(name, data)| (name, data.read_bytes().unwrap().as_slice().to_vec()))
            .collect();
        let expected = [("vocabulary", &b"a\ta\ttb\n"[..]), ("x.idx", &binary[..]), ("empty", &b""[..])];
        assert_eq!(sections, expected.map(|(name, data)| (name.to_string(), data.to_vec())));
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [INDEX_FILE], "legacy or temporary files left");
    }

    #[test]
    fn a_truncated_or_foreign_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &manifest(), &[("x.idx", b"0123456789")]).unwrap();
        let whole = std::fs::read(index_file(dir.path())).unwrap();
        for cut in 0..whole.len() {
            std::fs::write(index_file(dir.path()), &whole[..cut]).unwrap();
            if let Ok(stored) = StoredIndex::read(dir.path()) {
                assert!(stored.sections().is_err(), "cut at {cut} of {} read as whole", whole.len());
            }
        }
        std::fs::write(index_file(dir.path()), "something else\n{}\n").unwrap();
        assert!(StoredIndex::read(dir.path()).is_err());
        assert_eq!(read_manifest(dir.path()), None);
    }
}
