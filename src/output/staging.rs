//! The folder a build writes its site into, swapped into place only when
//! everything succeeded.
//!
//! A rebuild mostly writes what the previous site already holds, so the
//! staging folder avoids making files it can keep. A file whose bytes did
//! not change is hard-linked from the previous site instead of written.
//! And the site a build replaces is not deleted but kept beside the output
//! (`.book.srebook-spare/`) to be the next build's staging folder: there,
//! the files that still have the right bytes stay as they are, changed
//! files are overwritten in place when nothing else links to them, and
//! only what the new site no longer has is deleted. A rebuild after a small
//! edit so creates and deletes almost nothing: creating a file can cost
//! more than writing it (ext4 without a journal, as on this project's
//! benchmark machine, scans past every recently deleted inode for a free
//! one), and on filesystems mounted with `discard`, deleting a large site is
//! slow.

use std::collections::{HashMap, HashSet};
use std::fs::Metadata;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use super::{absolute, unsafe_output, SiteSink, MARKER, MARKER_TEXT};
use crate::{Error, Result};

/// Lists every file of a site with a fingerprint of its bytes, so the next
/// build can tell which files are unchanged without reading them.
const MANIFEST: &str = ".srebook-manifest";

/// How a label line of the manifest starts.
const LABEL: &str = "label\t";

/// A content fingerprint: XXH3's 128 bits. Every byte of every page passes
/// through it, so it must be fast (SipHash was a tenth of the render's
/// CPU); and two different contents sharing one would leave a stale file,
/// so it must be wide.
fn fingerprint(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// What a site folder's manifest says of it.
#[derive(Debug, Default)]
struct SiteRecord {
    /// Path → content fingerprint.
    files: HashMap<String, u128>,
    /// Folder → label (see [`SiteSink::label`]).
    labels: HashMap<String, String>,
    /// When the manifest was written: a file modified since (by hand) is
    /// not trusted to match its fingerprint.
    written: Option<SystemTime>,
}

impl SiteRecord {
    /// Reads `site`'s manifest. A label line is `label<TAB>folder<TAB>key`;
    /// a file line is `fingerprint<TAB>path`.
    fn read(site: &Path) -> SiteRecord {
        let path = site.join(MANIFEST);
        let Ok(text) = std::fs::read_to_string(&path) else { return SiteRecord::default() };
        let mut record =
            SiteRecord { written: std::fs::metadata(&path).and_then(|m| m.modified()).ok(), ..SiteRecord::default() };
        for line in text.lines() {
            if let Some(label) = line.strip_prefix(LABEL) {
                if let Some((folder, key)) = label.split_once('\t') {
                    record.labels.insert(folder.to_string(), key.to_string());
                }
            } else if let Some((hash, path)) = line.split_once('\t') {
                if let Ok(hash) = u128::from_str_radix(hash, 16) {
                    record.files.insert(path.to_string(), hash);
                }
            }
        }
        record
    }

    /// Whether the file at `rel`, of which `meta` was read, is as this
    /// manifest recorded it with the fingerprint `hash`: `len` bytes, not
    /// modified since.
    fn vouches_for(&self, rel: &str, hash: u128, len: u64, meta: &Metadata) -> bool {
        self.files.get(rel) == Some(&hash)
            && meta.is_file()
            && meta.len() == len
            && self.written.is_some_and(|written| meta.modified().is_ok_and(|modified| modified <= written))
    }
}

/// How many names a file has: 1 when no other site (or anything else)
/// links to it, so it can be overwritten in place. Where that cannot be
/// told, never 1.
fn link_count(meta: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::nlink(meta)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        u64::MAX
    }
}

fn remove_entry(path: &Path, meta: &Metadata) -> Result<()> {
    super::remove_file_or_folder(path, meta).map_err(|e| Error::io(path, e))
}

impl SiteSink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        Staging::write(self, rel, bytes)
    }

    fn carry_over(&self, prefix: &str, key: &str) -> Result<bool> {
        Staging::carry_over(self, prefix, key)
    }

    fn label(&self, prefix: &str, key: &str) {
        self.labels.lock().unwrap_or_else(|p| p.into_inner()).push((prefix.to_string(), key.to_string()));
    }
}

/// A folder being filled with the new site. Dropped without [`commit`], it
/// removes itself and the previous site stays as it was.
///
/// [`commit`]: Staging::commit
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    /// Where the replaced site is kept for the next build.
    spare: PathBuf,
    /// The target was srebook's (it had the marker): only then is it kept as
    /// the spare.
    target_is_ours: bool,
    /// The site being replaced.
    previous: SiteRecord,
    /// When `dir` is a former site taken over from the spare: its record.
    recycled: Option<SiteRecord>,
    files: AtomicUsize,
    /// Files whose bytes did not change since the previous build (and so
    /// were not rewritten).
    unchanged: AtomicUsize,
    /// This site's folder labels.
    labels: Mutex<Vec<(String, String)>>,
    /// This site's manifest, filled as files are written.
    manifest: Mutex<Vec<(String, u128)>>,
    /// Folders known to exist, so writing a file costs no `mkdir`.
    folders: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Starts the staging folder beside `target` (same filesystem, so the
    /// final swap is a rename): the spare former site when there is one,
    /// else a new folder.
    pub fn begin(target: &Path) -> Result<Staging> {
        let target = absolute(target);
        let parent = target.parent().ok_or_else(|| unsafe_output(&target, "has no parent folder"))?;
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let nanos = SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let dir = parent.join(format!(".{name}.srebook-staging-{}-{nanos}", std::process::id()));
        let spare = parent.join(format!(".{name}.srebook-spare"));
        let target_is_ours = target.join(MARKER).is_file();
        let previous = if target_is_ours { SiteRecord::read(&target) } else { SiteRecord::default() };
        // Taking the spare is a rename: of two builds at once, one gets it.
        let recycled =
            (spare.join(MARKER).is_file() && std::fs::rename(&spare, &dir).is_ok()).then(|| SiteRecord::read(&dir));
        if recycled.is_none() {
            std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let staging = Staging {
            target,
            folders: Mutex::new(HashSet::from([dir.clone()])),
            dir,
            spare,
            target_is_ours,
            previous,
            recycled,
            files: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            labels: Mutex::new(Vec::new()),
            manifest: Mutex::new(Vec::new()),
            committed: false,
        };
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// The folder files are being written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one file; `rel` is a `/`-separated path inside the site.
    /// Safe to call from many threads at once.
    ///
    /// Bytes the recycled folder already holds at `rel` stay as they are;
    /// bytes the same as the previous site's are hard-linked from it.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(rel)?;
        self.make_parent(&path)?;
        let (hash, len) = (fingerprint(bytes), bytes.len() as u64);
        let mut existing = self.recycled_entry(&path);
        let unchanged = self.recycled_holds(rel, hash, len, existing.as_ref())
            || (rel != MARKER
                && self.previous.files.get(rel) == Some(&hash)
                && self.previous_length(rel) == Some(len)
                && self.link_previous(rel, &path, existing.take())?);
        if !unchanged {
            // Overwritten in place only when no other site shares the file.
            if let Some(meta) = existing.filter(|meta| !meta.is_file() || link_count(meta) != 1) {
                remove_entry(&path, &meta)?;
            }
            std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        }
        self.record(rel, hash, unchanged);
        Ok(())
    }

    /// [`SiteSink::carry_over`]: all of the previous folder or none of it.
    fn carry_over(&self, prefix: &str, key: &str) -> Result<bool> {
        if self.previous.labels.get(prefix).is_none_or(|previous| previous != key) {
            return Ok(false);
        }
        let folder = format!("{prefix}/");
        let files: Vec<(&String, &u128)> =
            self.previous.files.iter().filter(|(rel, _)| rel.starts_with(&folder)).collect();
        let lengths: Option<Vec<u64>> = files.iter().map(|(rel, _)| self.previous_length(rel)).collect();
        let Some(lengths) = lengths.filter(|_| !files.is_empty()) else { return Ok(false) };
        for ((rel, &hash), len) in files.into_iter().zip(lengths) {
            let path = self.path_of(rel)?;
            self.make_parent(&path)?;
            let existing = self.recycled_entry(&path);
            if !self.recycled_holds(rel, hash, len, existing.as_ref()) && !self.link_previous(rel, &path, existing)? {
                std::fs::copy(self.target.join(rel), &path).map_err(|e| Error::io(&path, e))?;
            }
            self.record(rel, hash, true);
        }
        SiteSink::label(self, prefix, key);
        Ok(true)
    }

    /// Replaces what the recycled folder holds at `path` (`existing`) by a
    /// hard link to the previous site's `rel`; returns whether linking
    /// worked (if not, `path` is left empty).
    fn link_previous(&self, rel: &str, path: &Path, existing: Option<Metadata>) -> Result<bool> {
        if let Some(meta) = existing {
            remove_entry(path, &meta)?;
        }
        Ok(std::fs::hard_link(self.target.join(rel), path).is_ok())
    }

    /// What the recycled folder holds at `path`, if it is one.
    fn recycled_entry(&self, path: &Path) -> Option<Metadata> {
        self.recycled.as_ref().and_then(|_| std::fs::symlink_metadata(path).ok())
    }

    /// Whether the recycled folder's file at `rel` (read into `existing`)
    /// already has the bytes fingerprinted `hash`.
    fn recycled_holds(&self, rel: &str, hash: u128, len: u64, existing: Option<&Metadata>) -> bool {
        match (&self.recycled, existing) {
            (Some(recycled), Some(meta)) => recycled.vouches_for(rel, hash, len, meta),
            _ => false,
        }
    }

    /// The length of the previous site's file, if it was not modified after
    /// the previous manifest was written.
    fn previous_length(&self, rel: &str) -> Option<u64> {
        let meta = std::fs::metadata(self.target.join(rel)).ok()?;
        let modified = meta.modified().ok()?;
        self.previous.written.is_some_and(|written| modified <= written).then_some(meta.len())
    }

    /// Makes sure the folder `path` goes in exists.
    fn make_parent(&self, path: &Path) -> Result<()> {
        let Some(parent) = path.parent() else { return Ok(()) };
        if self.folders.lock().unwrap_or_else(|p| p.into_inner()).contains(parent) {
            return Ok(());
        }
        if std::fs::create_dir_all(parent).is_err() {
            // A recycled site can hold a file where this one has a folder.
            let inside: Vec<&Path> = parent.ancestors().take_while(|a| a.starts_with(&self.dir)).collect();
            for ancestor in inside.into_iter().rev() {
                if let Ok(meta) = std::fs::symlink_metadata(ancestor) {
                    if !meta.is_dir() {
                        remove_entry(ancestor, &meta)?;
                    }
                }
            }
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        self.folders.lock().unwrap_or_else(|p| p.into_inner()).insert(parent.to_path_buf());
        Ok(())
    }

    /// Counts a file of the new site and lists it in its manifest.
    fn record(&self, rel: &str, hash: u128, unchanged: bool) {
        if unchanged {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.manifest.lock().unwrap_or_else(|p| p.into_inner()).push((rel.to_string(), hash));
    }

    /// How many files were unchanged since the previous build (and so not
    /// rewritten).
    pub fn unchanged_count(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// How many files have been written.
    pub fn file_count(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    fn path_of(&self, rel: &str) -> Result<PathBuf> {
        let rel_path = Path::new(rel);
        let inside = rel_path.components().all(|c| matches!(c, Component::Normal(_)));
        if rel.is_empty() || !inside {
            return Err(unsafe_output(rel_path, "output path escapes the site folder"));
        }
        Ok(self.dir.join(rel_path))
    }

    /// Swaps the staged site into place. The previous site is kept as the
    /// spare for the next build (or removed, if srebook did not make it)
    /// only after the new one is there.
    pub fn commit(mut self) -> Result<()> {
        let mut manifest = std::mem::take(&mut *self.manifest.lock().unwrap_or_else(|p| p.into_inner()));
        manifest.sort_unstable();
        if self.recycled.is_some() {
            self.remove_leftovers(&manifest)?;
        }
        let mut text: String = manifest.iter().map(|(path, hash)| format!("{hash:032x}\t{path}\n")).collect();
        for (folder, key) in self.labels.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            text.push_str(&format!("{LABEL}{folder}\t{key}\n"));
        }
        let manifest_path = self.dir.join(MANIFEST);
        std::fs::write(&manifest_path, text).map_err(|e| Error::io(&manifest_path, e))?;
        if self.target.exists() {
            swap(&self.dir, &self.target).map_err(|e| Error::io(&self.target, e))?;
            // `self.dir` now holds the previous site.
            self.keep_as_spare();
        } else {
            std::fs::rename(&self.dir, &self.target).map_err(|e| Error::io(&self.target, e))?;
        }
        self.committed = true;
        Ok(())
    }

    /// Deletes what the recycled folder holds that the new site does not.
    fn remove_leftovers(&self, manifest: &[(String, u128)]) -> Result<()> {
        let files: HashSet<&str> = manifest.iter().map(|(rel, _)| rel.as_str()).chain([MANIFEST]).collect();
        let folders: HashSet<&str> =
            files.iter().flat_map(|rel| rel.match_indices('/').map(|(end, _)| &rel[..end])).collect();
        let mut walk = walkdir::WalkDir::new(&self.dir).min_depth(1).into_iter();
        while let Some(entry) = walk.next() {
            let entry = entry.map_err(|e| Error::io(&self.dir, e.into()))?;
            let rel = entry.path().strip_prefix(&self.dir).unwrap_or(entry.path());
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let is_dir = entry.file_type().is_dir();
            if (is_dir && !folders.contains(rel.as_str())) || (!is_dir && !files.contains(rel.as_str())) {
                let meta = entry.path().symlink_metadata().map_err(|e| Error::io(entry.path(), e))?;
                remove_entry(entry.path(), &meta)?;
                if is_dir {
                    walk.skip_current_dir();
                }
            }
        }
        Ok(())
    }

    /// Moves the replaced site, now in `self.dir`, to the spare's place, or
    /// removes it when srebook did not make it.
    fn keep_as_spare(&self) {
        if self.target_is_ours {
            // Another build's spare, left meanwhile: this one is newer.
            if self.spare.exists() {
                let _ = std::fs::remove_dir_all(&self.spare);
            }
            if std::fs::rename(&self.dir, &self.spare).is_ok() {
                return;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Exchanges two folders. On Linux a single `renameat2(RENAME_EXCHANGE)`, so
/// a reader (the preview server) never sees the output missing; elsewhere,
/// or where the filesystem refuses, two renames.
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        if renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    let aside = a.with_extension("previous");
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&aside, b);
        return Err(e);
    }
    std::fs::rename(&aside, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    /// Builds a site of `files` into `site`.
    fn build(site: &Path, files: &[(&str, &str)]) {
        let staging = Staging::begin(site).unwrap();
        for (rel, text) in files {
            staging.write(rel, text.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
    }

    #[test]
    #[cfg(unix)]
    fn a_rebuild_recycles_the_spare_keeping_unchanged_files_and_deleting_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let spare = tmp.path().join(".site.srebook-spare");
        let files = [("same.html", "same"), ("changed.html", "one"), ("gone.html", "gone"), ("sub/old.html", "x")];
        build(&site, &files);
        let first_changed = inode(&site.join("changed.html"));
        build(&site, &[("same.html", "same"), ("changed.html", "two"), ("gone.html", "gone"), ("sub/old.html", "x")]);
        assert!(spare.join(MARKER).is_file(), "the replaced site was not kept");
        assert_eq!(std::fs::read(spare.join("changed.html")).unwrap(), b"one");
        std::fs::write(spare.join("stray.txt"), "not in any manifest").unwrap();
        let second_same = inode(&site.join("same.html"));

        let third = Staging::begin(&site).unwrap();
        assert!(!spare.exists(), "the spare was not taken as the staging folder");
        third.write("same.html", b"same").unwrap();
        third.write("changed.html", b"three").unwrap();
        third.write("new/page.html", b"new").unwrap();
        assert_eq!(std::fs::read(site.join("changed.html")).unwrap(), b"two", "the live site changed before commit");
        third.commit().unwrap();

        assert_eq!(std::fs::read(site.join("changed.html")).unwrap(), b"three");
        assert_eq!(inode(&site.join("changed.html")), first_changed, "an unshared file was not overwritten in place");
        assert_eq!(inode(&site.join("same.html")), second_same, "an unchanged file is not the previous site's");
        assert_eq!(std::fs::read(site.join("new/page.html")).unwrap(), b"new");
        for gone in ["gone.html", "sub", "stray.txt"] {
            assert!(!site.join(gone).exists(), "{gone} outlived the build that dropped it");
        }
        assert_eq!(listing(tmp.path()), [".site.srebook-spare", "site"]);
        assert_eq!(std::fs::read(spare.join("changed.html")).unwrap(), b"two", "the spare is not the replaced site");
    }

    #[test]
    fn a_file_the_live_site_shares_is_never_written_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        build(&site, &[("a.html", "one")]);
        // Unchanged, so the spare and the site now share the file.
        build(&site, &[("a.html", "one")]);
        let third = Staging::begin(&site).unwrap();
        third.write("a.html", b"two").unwrap();
        assert_eq!(std::fs::read(site.join("a.html")).unwrap(), b"one");
        drop(third);
        assert_eq!(std::fs::read(site.join("a.html")).unwrap(), b"one");
        assert_eq!(listing(tmp.path()), ["site"], "a failed build left its staging folder");
    }

    #[test]
    fn a_recycled_file_where_a_folder_goes_and_a_folder_where_a_file_goes_are_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        build(&site, &[("x/a.html", "a"), ("f", "file")]);
        build(&site, &[("x/a.html", "a"), ("f", "file")]);
        build(&site, &[("x", "now a file"), ("f/g.html", "now in a folder")]);
        assert_eq!(std::fs::read(site.join("x")).unwrap(), b"now a file");
        assert_eq!(std::fs::read(site.join("f/g.html")).unwrap(), b"now in a folder");
    }

    #[test]
    fn a_file_changed_by_hand_in_the_spare_is_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        build(&site, &[("a.html", "one")]);
        build(&site, &[("a.html", "two")]);
        std::thread::sleep(std::time::Duration::from_millis(20));
        // Same length as what the spare's manifest recorded, other bytes.
        std::fs::write(tmp.path().join(".site.srebook-spare/a.html"), "eno").unwrap();
        build(&site, &[("a.html", "one")]);
        assert_eq!(std::fs::read(site.join("a.html")).unwrap(), b"one");
    }

    #[test]
    fn staging_paths_cannot_escape() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::begin(&tmp.path().join("site")).unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../x", ""] {
            assert!(staging.write(bad, b"x").is_err(), "{bad}");
        }
        staging.write("a/b.html", b"ok").unwrap();
    }

    #[test]
    fn a_folder_is_carried_over_only_whole_with_its_label() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let first = Staging::begin(&site).unwrap();
        first.write("search/a.js", b"a").unwrap();
        first.write("search/x/b.js", b"b").unwrap();
        SiteSink::label(&first, "search", "k1");
        first.commit().unwrap();

        let other_key = Staging::begin(&site).unwrap();
        assert!(!other_key.carry_over("search", "k2").unwrap());
        let same_key = Staging::begin(&site).unwrap();
        assert!(same_key.carry_over("search", "k1").unwrap());
        assert_eq!(std::fs::read(same_key.dir().join("search/x/b.js")).unwrap(), b"b");
        same_key.commit().unwrap();
        drop(other_key);

        // Carried over, the folder keeps its label for the build after.
        let again = Staging::begin(&site).unwrap();
        assert!(again.carry_over("search", "k1").unwrap());
        drop(again);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let next = Staging::begin(&site).unwrap();
        // A file changed by hand since: nothing is carried over.
        std::fs::write(site.join("search/a.js"), b"z").unwrap();
        assert!(!next.carry_over("search", "k1").unwrap());
        assert!(!next.dir().join("search/x/b.js").exists(), "part of the folder was carried over");
    }

    #[test]
    fn dropped_staging_leaves_previous_site() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let first = Staging::begin(&site).unwrap();
        first.write("index.html", b"one").unwrap();
        first.commit().unwrap();
        let second = Staging::begin(&site).unwrap();
        second.write("index.html", b"two").unwrap();
        drop(second);
        assert_eq!(std::fs::read(site.join("index.html")).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "staging folder left behind");
    }

    #[test]
    fn unchanged_files_are_linked_not_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let first = Staging::begin(&site).unwrap();
        first.write("same.html", b"same").unwrap();
        first.write("changed.html", b"one").unwrap();
        first.commit().unwrap();
        let second = Staging::begin(&site).unwrap();
        second.write("same.html", b"same").unwrap();
        second.write("changed.html", b"two").unwrap();
        second.write("new.html", b"new").unwrap();
        assert_eq!(second.unchanged_count(), 1);
        second.commit().unwrap();
        assert_eq!(std::fs::read(site.join("same.html")).unwrap(), b"same");
        assert_eq!(std::fs::read(site.join("changed.html")).unwrap(), b"two");
        assert_eq!(std::fs::read(site.join("new.html")).unwrap(), b"new");
        assert_eq!(listing(tmp.path()), [".site.srebook-spare", "site"], "staging folder left behind");
    }

    #[test]
    fn commit_replaces_previous_site() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        for text in [b"one", b"two"] {
            let staging = Staging::begin(&site).unwrap();
            staging.write("index.html", text).unwrap();
            staging.commit().unwrap();
        }
        assert_eq!(std::fs::read(site.join("index.html")).unwrap(), b"two");
        assert_eq!(listing(tmp.path()), [".site.srebook-spare", "site"]);
    }
}
