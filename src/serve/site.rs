//! The site the preview serves: an immutable in-memory snapshot, swapped
//! whole after every successful rebuild.
//!
//! Every page remembers the generation in which its bytes last changed. A
//! browser tells the server which page it shows and from which generation;
//! the server can then answer "reload or not" exactly, however many rebuilds
//! happened in between, with no history to keep (see `reload.rs`).
//!
//! The browser's search index (under `search/`) is added to a site after its
//! pages are published ([`Site::with_search_files`]), and a new site adopts
//! the current index when it is published ([`Site::adopt_search_from`]). Its
//! files are not something a page shows, so they never make a browser
//! reload; instead the shards of the previous index stay served one
//! generation longer, so a page that loaded the previous `meta.js` can still
//! search.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

use super::overlay::Problem;
use crate::output::SiteSink;
use crate::{Error, Result};

/// One file of the site.
#[derive(Debug, Clone)]
pub struct Page {
    pub bytes: Bytes,
    /// The generation in which these bytes first appeared.
    pub changed_in: u64,
    /// For HTML: where the live-reload script goes (before `</body>`).
    pub inject_at: Option<usize>,
}

/// A complete rendered site. Never modified once published.
#[derive(Debug, Default)]
pub struct Site {
    /// Counts successful rebuilds that changed at least one file; 1 is the
    /// first build.
    pub generation: u64,
    pages: HashMap<String, Page>,
    /// The last generation that added or removed a page. A browser showing a
    /// 404 reloads when this moves on (the page may exist now).
    pub structure_changed_in: u64,
    /// The last generation that changed a file other than an HTML page
    /// (styles, scripts): every page depends on those.
    pub assets_changed_in: u64,
    /// The shard folders (`search/<digest>/`) of the current search index.
    search_shards: BTreeSet<String>,
}

impl Site {
    /// The paths of the files whose path ends with `suffix`, sorted.
    #[cfg(test)]
    pub fn pages_named(&self, suffix: &str) -> Vec<String> {
        let mut paths: Vec<String> = self.pages.keys().filter(|path| path.ends_with(suffix)).cloned().collect();
        paths.sort();
        paths
    }

    /// The file at a site-relative path (`slos/index.html`).
    pub fn get(&self, path: &str) -> Option<&Page> {
        self.pages.get(path)
    }

    /// Number of files in the site.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether `path` names a folder of the site (some file lies under it).
    pub fn is_folder(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.pages.contains_key(&format!("{prefix}index.html")) || self.pages.keys().any(|k| k.starts_with(&prefix))
    }

    /// This site with `files` as its browser search index (all under
    /// `search/`), or `None` when it already has exactly that index. The
    /// previous index's shards stay; older ones go.
    pub fn with_search_files(&self, files: BTreeMap<String, Vec<u8>>) -> Option<Site> {
        let shards: BTreeSet<String> = files.keys().filter_map(|path| shard_folder(path)).collect();
        let unchanged = shards == self.search_shards
            && files
                .iter()
                .all(|(path, bytes)| self.pages.get(path).is_some_and(|page| page.bytes == bytes.as_slice()));
        if unchanged {
            return None;
        }
        let generation = self.generation + 1;
        let keep = |path: &str| {
            !is_search_file(path) || shard_folder(path).is_some_and(|folder| self.search_shards.contains(&folder))
        };
        let mut pages: HashMap<String, Page> =
            self.pages.iter().filter(|(path, _)| keep(path)).map(|(path, page)| (path.clone(), page.clone())).collect();
        for (path, bytes) in files {
            let page = match self.pages.get(&path) {
                Some(old) if old.bytes == bytes.as_slice() => old.clone(),
                _ => Page { bytes: Bytes::from(bytes), changed_in: generation, inject_at: None },
            };
            pages.insert(path, page);
        }
        Some(Site {
            generation,
            pages,
            structure_changed_in: self.structure_changed_in,
            assets_changed_in: self.assets_changed_in,
            search_shards: shards,
        })
    }

    /// Takes over `current`'s search index (render does not write one).
    /// Called while publishing, so an index added to `current` meanwhile is
    /// not lost.
    pub fn adopt_search_from(&mut self, current: &Site) {
        for (path, page) in current.pages.iter().filter(|(path, _)| is_search_file(path)) {
            self.pages.entry(path.clone()).or_insert_with(|| page.clone());
        }
        self.search_shards.clone_from(&current.search_shards);
    }

    /// Whether the page at `path` (or what it depends on) changed after
    /// `generation`. A missing page counts as changed when pages were added
    /// or removed since, so a browser on a 404 page reloads exactly once.
    pub fn changed_since(&self, path: &str, generation: u64) -> bool {
        if self.assets_changed_in > generation {
            return true;
        }
        match self.pages.get(path) {
            Some(page) => page.changed_in > generation,
            None => self.structure_changed_in > generation,
        }
    }
}

/// What a rebuild changed, compared with the site before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageChanges {
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    /// Files in the new site.
    pub total: usize,
}

impl PageChanges {
    /// Whether the new site is byte-for-byte the previous one.
    pub fn is_empty(&self) -> bool {
        self.changed == 0 && self.added == 0 && self.removed == 0
    }
}

/// A [`SiteSink`] that builds the next [`Site`] while the renderer writes,
/// comparing each file with the previous site as it arrives: unchanged files
/// keep the previous bytes (no copy, and their old `changed_in`), so only the
/// files whose output really changed count as changed.
pub struct SnapshotSink<'a> {
    previous: Option<&'a Site>,
    /// Keep the previous version of every file not written (a partial
    /// render), rather than counting it as removed.
    keep_unwritten: bool,
    generation: u64,
    pages: Mutex<HashMap<String, Page>>,
    changed: AtomicUsize,
    added: AtomicUsize,
    assets_changed: AtomicUsize,
}

impl<'a> SnapshotSink<'a> {
    /// A sink for the site that follows `previous` (`None` for the first).
    pub fn new(previous: Option<&'a Site>) -> SnapshotSink<'a> {
        SnapshotSink {
            previous,
            keep_unwritten: false,
            generation: previous.map_or(1, |site| site.generation + 1),
            pages: Mutex::default(),
            changed: AtomicUsize::new(0),
            added: AtomicUsize::new(0),
            assets_changed: AtomicUsize::new(0),
        }
    }

    /// A sink for a partial render over `previous`: files not written keep
    /// their previous bytes (and generation) instead of being removed.
    pub fn patching(previous: &'a Site) -> SnapshotSink<'a> {
        SnapshotSink { keep_unwritten: true, ..SnapshotSink::new(Some(previous)) }
    }

    /// The finished site and what changed. When nothing changed, the site
    /// keeps the previous generation and the caller should keep serving the
    /// previous one. Render writes no search index, so the previous one does
    /// not count as removed; publishing adds it back
    /// ([`Site::adopt_search_from`]).
    pub fn finish(self) -> (Site, PageChanges) {
        let mut pages = self.pages.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let (true, Some(previous)) = (self.keep_unwritten, self.previous) {
            for (path, page) in &previous.pages {
                if !is_search_file(path) {
                    pages.entry(path.clone()).or_insert_with(|| page.clone());
                }
            }
        }
        let removed_paths: Vec<&String> = match self.previous {
            Some(previous) => {
                previous.pages.keys().filter(|path| !pages.contains_key(*path) && !is_search_file(path)).collect()
            }
            None => Vec::new(),
        };
        let changes = PageChanges {
            changed: self.changed.into_inner(),
            added: self.added.into_inner(),
            removed: removed_paths.len(),
            total: pages.len(),
        };
        let generation = self.generation;
        let (previous_structure, previous_assets) =
            self.previous.map_or((0, 0), |site| (site.structure_changed_in, site.assets_changed_in));
        let assets_changed = self.assets_changed.into_inner() > 0 || removed_paths.iter().any(|path| !is_html(path));
        let site = Site {
            generation: if changes.is_empty() { generation - 1 } else { generation },
            pages,
            structure_changed_in: if changes.added + changes.removed > 0 { generation } else { previous_structure },
            assets_changed_in: if assets_changed { generation } else { previous_assets },
            search_shards: BTreeSet::new(),
        };
        (site, changes)
    }
}

impl SiteSink for SnapshotSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let inside = Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)));
        if rel.is_empty() || !inside {
            return Err(Error::UnsafeOutput {
                path: rel.into(),
                message: "output path escapes the site folder".into(),
            });
        }
        let page = match self.previous.and_then(|site| site.pages.get(rel)) {
            Some(old) if old.bytes == bytes => old.clone(),
            old => {
                let counter = if old.is_some() { &self.changed } else { &self.added };
                counter.fetch_add(1, Ordering::Relaxed);
                if !is_html(rel) && !is_search_file(rel) {
                    self.assets_changed.fetch_add(1, Ordering::Relaxed);
                }
                let inject_at = if is_html(rel) { injection_point(bytes) } else { None };
                Page { bytes: Bytes::copy_from_slice(bytes), changed_in: self.generation, inject_at }
            }
        };
        self.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(rel.to_string(), page);
        Ok(())
    }
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html")
}

fn is_search_file(path: &str) -> bool {
    path.starts_with("search/")
}

/// `search/<digest>/` for a shard of the browser search index.
fn shard_folder(path: &str) -> Option<String> {
    let rest = path.strip_prefix("search/")?;
    let (folder, _) = rest.split_once('/')?;
    Some(format!("search/{folder}/"))
}

/// Where the live-reload script goes: just before the last `</body>`, or at
/// the end of a page that has none.
fn injection_point(html: &[u8]) -> Option<usize> {
    const CLOSE: &[u8] = b"</body>";
    Some(html.windows(CLOSE.len()).rposition(|w| w.eq_ignore_ascii_case(CLOSE)).unwrap_or(html.len()))
}

/// What the preview is showing right now: the last good site and, if the
/// latest rebuild failed or found unreadable sources, what went wrong.
/// Published through a `tokio::sync::watch` channel, which swaps the whole
/// value at once: a request sees the old state or the new one, never a mix.
#[derive(Debug, Clone)]
pub struct LiveState {
    /// Identifies this server process, so a browser notices a restart.
    pub server_id: Arc<str>,
    /// `None` until the first build succeeds.
    pub site: Option<Arc<Site>>,
    pub problem: Option<Arc<Problem>>,
}

impl LiveState {
    /// The generation of the site being served (0 before the first build).
    pub fn generation(&self) -> u64 {
        self.site.as_ref().map_or(0, |site| site.generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(previous: Option<&Site>, files: &[(&str, &str)]) -> (Site, PageChanges) {
        let sink = SnapshotSink::new(previous);
        for (path, text) in files {
            sink.write(path, text.as_bytes()).unwrap();
        }
        sink.finish()
    }

    #[test]
    fn unchanged_pages_keep_their_generation_and_bytes() {
        let (first, changes) = render(None, &[("index.html", "<body>a</body>"), ("x/a.html", "a")]);
        assert_eq!(changes, PageChanges { changed: 0, added: 2, removed: 0, total: 2 });
        let (second, changes) = render(Some(&first), &[("index.html", "<body>b</body>"), ("x/a.html", "a")]);
        assert_eq!(changes, PageChanges { changed: 1, added: 0, removed: 0, total: 2 });
        assert_eq!(second.generation, 2);
        assert_eq!(second.get("x/a.html").unwrap().changed_in, 1);
        assert_eq!(second.get("x/a.html").unwrap().bytes.as_ptr(), first.get("x/a.html").unwrap().bytes.as_ptr());
        assert!(second.changed_since("index.html", 1));
        assert!(!second.changed_since("x/a.html", 1));
        assert!(!second.changed_since("missing.html", 1), "no page was added or removed");
    }

    #[test]
    fn identical_rebuild_keeps_the_generation() {
        let (first, _) = render(None, &[("index.html", "a")]);
        let (second, changes) = render(Some(&first), &[("index.html", "a")]);
        assert!(changes.is_empty());
        assert_eq!(second.generation, first.generation);
    }

    #[test]
    fn assets_and_structure_changes_reach_every_page() {
        let (first, _) = render(None, &[("index.html", "a"), ("static/style.css", "x")]);
        let (second, _) = render(Some(&first), &[("index.html", "a"), ("static/style.css", "y")]);
        assert!(second.changed_since("index.html", 1), "a stylesheet change reloads every page");
        let (third, changes) = render(Some(&second), &[("index.html", "a"), ("static/style.css", "y"), ("n.html", "")]);
        assert_eq!(changes.added, 1);
        assert!(third.changed_since("gone.html", 2), "a 404 page reloads when pages appear");
        assert!(!third.changed_since("index.html", 2));
    }

    #[test]
    fn search_files_never_reload_pages_and_the_previous_shards_stay() {
        let search = |digest: &str| -> BTreeMap<String, Vec<u8>> {
            [("search/meta.js".to_string(), digest.into()), (format!("search/{digest}/t0.js"), b"t".to_vec())].into()
        };
        let (first, _) = render(None, &[("index.html", "a")]);
        let one = first.with_search_files(search("d1")).unwrap();
        assert!(one.with_search_files(search("d1")).is_none(), "the same index is not published again");
        let two = one.with_search_files(search("d2")).unwrap();
        assert!(two.get("search/d1/t0.js").is_some() && two.get("search/d2/t0.js").is_some());
        let three = two.with_search_files(search("d3")).unwrap();
        assert!(three.get("search/d1/t0.js").is_none(), "only one previous index is kept");
        assert!(!three.changed_since("index.html", first.generation));

        // A render after that does not write the index, and adopts it.
        let (mut four, changes) = render(Some(&three), &[("index.html", "b")]);
        assert_eq!((changes.changed, changes.removed), (1, 0));
        four.adopt_search_from(&three);
        assert!(four.get("search/d3/t0.js").is_some() && four.get("search/d2/t0.js").is_some());
        let five = four.with_search_files(search("d4")).unwrap();
        assert!(five.get("search/d3/t0.js").is_some() && five.get("search/d2/t0.js").is_none());
    }

    #[test]
    fn script_goes_before_the_last_body_close() {
        assert_eq!(injection_point(b"<body>x</BODY>\n"), Some(7));
        assert_eq!(injection_point(b"no body"), Some(7));
    }

    #[test]
    fn sink_rejects_paths_outside_the_site() {
        let sink = SnapshotSink::new(None);
        for bad in ["../x", "/etc/passwd", "", "a/../../b"] {
            assert!(sink.write(bad, b"x").is_err(), "{bad}");
        }
    }
}
