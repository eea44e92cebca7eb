//! Watching the book: which file events matter, and when a burst of them has
//! settled enough to rebuild.
//!
//! - Folders are watched, not files: editors that save by writing a temp
//!   file and renaming it over the original replace the file's inode, and a
//!   watch on the old inode would go quiet (Zola #2266). The book's root is
//!   watched non-recursively for book.toml and for `templates/` or `static/`
//!   appearing; the content, templates and static folders recursively.
//! - Editor temp, swap and backup files, hidden files (which the walk skips
//!   anyway), the output folder and read-only events are ignored: reading the
//!   sources during a rebuild raises open and close events, and treating them
//!   as changes would rebuild forever.
//! - Debounce: a rebuild starts once events have been quiet for
//!   [`Debounce::quiet`] and no file is still being written, or
//!   [`Debounce::max_wait`] after the first event of a burst at the latest.
//!   Events that arrive during a rebuild start the next one, so the last
//!   save of a burst is always built.
//! - Writes in progress: where the platform reports a writer closing a file
//!   (inotify does), a file with a write seen and no close yet is still
//!   being written; an editor saving in place truncates it first, so reading
//!   it then would see it empty. The rebuild loop asks
//!   [`BookWatcher::being_written`] before publishing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::rebuild::Changes;
use crate::ingest::is_temp_file;
use crate::BookPaths;

/// How long events must be quiet before a rebuild starts.
#[derive(Debug, Clone, Copy)]
pub struct Debounce {
    /// Quiet period after the last event. An editor's save is a handful of
    /// events within a millisecond or two; 20 ms covers it without adding
    /// noticeably to the edit-to-reload time (mdBook and Zola wait 1 s).
    pub quiet: Duration,
    /// The quiet period where the platform reports writers closing files
    /// (inotify): once every write seen has closed, the save is complete and
    /// only a "save all" of several files is worth waiting for.
    pub settle: Duration,
    /// Upper bound from the first event, so a stream of events (a checkout,
    /// a generator writing many files) still rebuilds regularly.
    pub max_wait: Duration,
}

impl Default for Debounce {
    fn default() -> Debounce {
        Debounce {
            quiet: Duration::from_millis(20),
            settle: Duration::from_millis(5),
            max_wait: Duration::from_millis(200),
        }
    }
}

/// The folders and files of one book, as absolute paths, and what an event
/// at a path means for the rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    root: PathBuf,
    content: PathBuf,
    templates: PathBuf,
    static_dir: PathBuf,
    config_file: Option<PathBuf>,
    output: PathBuf,
}

impl Targets {
    /// The targets of the book at `paths`.
    pub fn of(paths: &BookPaths) -> Targets {
        let root = absolute(&paths.root_dir);
        Targets {
            content: absolute(&paths.content_dir),
            templates: root.join("templates"),
            static_dir: root.join("static"),
            config_file: paths.config_file.as_deref().map(absolute),
            output: absolute(&paths.output_dir),
            root,
        }
    }

    /// The folders to watch, and how. Missing folders are left out; the root
    /// watch reports when they appear.
    fn watches(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut watches = Vec::new();
        let mut add = |path: &Path, mode| {
            let covered = watches
                .iter()
                .any(|(w, m): &(PathBuf, _)| w == path || (*m == RecursiveMode::Recursive && path.starts_with(w)));
            if path.is_dir() && !covered {
                watches.retain(|(w, _)| !(mode == RecursiveMode::Recursive && w.starts_with(path)));
                watches.push((path.to_path_buf(), mode));
            }
        };
        add(&self.content, RecursiveMode::Recursive);
        add(&self.templates, RecursiveMode::Recursive);
        add(&self.static_dir, RecursiveMode::Recursive);
        add(&self.root, RecursiveMode::NonRecursive);
        if let Some(parent) = self.config_file.as_deref().and_then(Path::parent) {
            add(parent, RecursiveMode::NonRecursive);
        }
        watches
    }

    /// What an event at `path` changes, if anything.
    pub fn classify(&self, path: &Path) -> Option<Changes> {
        if path.starts_with(&self.output) {
            return None;
        }
        if self.config_file.as_deref() == Some(path) {
            return Some(Changes { config: true, ..Changes::default() });
        }
        let theme = |base: &Path| path.strip_prefix(base).ok().filter(|rel| is_visible(rel));
        if theme(&self.templates).or_else(|| theme(&self.static_dir)).is_some() {
            return Some(Changes { theme: true, ..Changes::default() });
        }
        if let Ok(rel) = path.strip_prefix(&self.content) {
            if rel.as_os_str().is_empty() {
                // The content folder itself appeared, vanished or moved.
                return Some(Changes { rescan: true, ..Changes::default() });
            }
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            return is_visible(Path::new(&rel)).then(|| Changes { sources: [rel].into(), ..Changes::default() });
        }
        None
    }
}

/// Not hidden (no component starts with `.`) and not an editor temp file.
fn is_visible(rel: &Path) -> bool {
    let hidden = rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let temp = rel.file_name().is_some_and(|name| is_temp_file(&name.to_string_lossy()));
    !hidden && !temp
}

/// Absolute, with symbolic links resolved where the path exists (notify
/// reports paths under the folder as it was watched, and the watched folder
/// is this form).
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| std::env::current_dir().unwrap_or_default().join(path))
}

/// Whether an event can mean changed contents. Opening and reading a file
/// (which every rebuild does) cannot.
fn may_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// What wakes the rebuild thread: a file event, or the server stopping.
enum Signal {
    Event(notify::Result<Event>),
    Stop,
}

/// Stops a [`BookWatcher`] from another thread: its
/// [`next_changes`](BookWatcher::next_changes) returns `None`.
#[derive(Clone)]
pub struct StopHandle(Sender<Signal>);

impl StopHandle {
    pub fn stop(&self) {
        // Fails only when the watcher is already gone.
        let _ = self.0.send(Signal::Stop);
    }
}

/// A notify watcher over one book, turning raw events into debounced
/// [`Changes`].
pub struct BookWatcher {
    watcher: RecommendedWatcher,
    signals: Receiver<Signal>,
    stop: Sender<Signal>,
    targets: Option<Targets>,
    watched: Vec<(PathBuf, RecursiveMode)>,
    debounce: Debounce,
    /// Changes taken from the channel by [`being_written`] and not yet
    /// returned by [`next_changes`].
    ///
    /// [`being_written`]: BookWatcher::being_written
    /// [`next_changes`]: BookWatcher::next_changes
    backlog: Changes,
    /// Files with a write seen and no close yet, and when the last write was.
    writing: HashMap<PathBuf, Instant>,
    /// Whether the platform reports closes after writes at all; until one is
    /// seen, `writing` is not trusted (it would never empty).
    closes_reported: bool,
    stopped: bool,
}

/// How long a file counts as being written after its last write event
/// without a close: a process may keep a file open indefinitely.
const WRITE_HOLD: Duration = Duration::from_secs(1);

impl BookWatcher {
    /// Starts a watcher with nothing watched yet; call [`follow`].
    ///
    /// [`follow`]: BookWatcher::follow
    pub fn new(debounce: Debounce) -> notify::Result<BookWatcher> {
        let (sender, signals) = std::sync::mpsc::channel();
        let stop = sender.clone();
        let watcher = notify::recommended_watcher(move |event| {
            // The receiver is gone only when the server is shutting down.
            let _ = sender.send(Signal::Event(event));
        })?;
        Ok(BookWatcher {
            watcher,
            signals,
            stop,
            targets: None,
            watched: Vec::new(),
            debounce,
            backlog: Changes::default(),
            writing: HashMap::new(),
            closes_reported: false,
            stopped: false,
        })
    }

    /// A handle that stops this watcher.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.stop.clone())
    }

    /// Watches the book at `paths` (again, after book.toml moved it or a
    /// watched folder was replaced). Returns the folders that are newly
    /// watched: files created there before the watch began were missed, so
    /// the caller should check them. Folders that cannot be watched are
    /// reported on stderr; the server goes on without them.
    pub fn follow(&mut self, paths: &BookPaths) -> Vec<PathBuf> {
        let targets = Targets::of(paths);
        let wanted = targets.watches();
        self.targets = Some(targets);
        for (path, mode) in &self.watched {
            if !wanted.contains(&(path.clone(), *mode)) || !path.is_dir() {
                let _ = self.watcher.unwatch(path);
            }
        }
        self.watched.retain(|watch| wanted.contains(watch) && watch.0.is_dir());
        let mut added = Vec::new();
        for (path, mode) in wanted {
            if self.watched.contains(&(path.clone(), mode)) {
                continue;
            }
            match self.watcher.watch(&path, mode) {
                Ok(()) => {
                    added.push(path.clone());
                    self.watched.push((path, mode));
                }
                Err(error) => eprintln!("warning: cannot watch {}: {error}", path.display()),
            }
        }
        added
    }

    /// Forgets the watch on a folder that was removed or replaced, so the
    /// next [`follow`] watches the new one.
    ///
    /// [`follow`]: BookWatcher::follow
    fn forget_replaced(&mut self, event: &Event) {
        if !(event.kind.is_create() || event.kind.is_remove() || matches!(event.kind, EventKind::Modify(_))) {
            return;
        }
        for path in &event.paths {
            if let Some(index) = self.watched.iter().position(|(watched, _)| watched == path) {
                let (watched, _) = self.watched.swap_remove(index);
                let _ = self.watcher.unwatch(&watched);
            }
        }
    }

    /// What one event changes (empty if nothing).
    fn changes_of(&mut self, event: notify::Result<Event>) -> Changes {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                eprintln!("warning: file watcher: {error}; checking every file");
                return Changes { rescan: true, ..Changes::default() };
            }
        };
        if event.need_rescan() {
            return Changes { rescan: true, ..Changes::default() };
        }
        if !may_change(&event.kind) {
            return Changes::default();
        }
        if matches!(event.kind, EventKind::Access(AccessKind::Close(AccessMode::Write))) {
            // Even of an ignored file: the platform reports closes.
            self.closes_reported = true;
        }
        self.forget_replaced(&event);
        let mut changes = Changes::default();
        let mut relevant = Vec::new();
        if let Some(targets) = &self.targets {
            for path in &event.paths {
                if let Some(change) = targets.classify(path) {
                    changes.merge(change);
                    relevant.push(path);
                }
            }
        }
        for path in relevant {
            self.track_writes(&event.kind, path);
        }
        changes
    }

    /// Follows which files are open for writing (see the module docs).
    fn track_writes(&mut self, kind: &EventKind, path: &Path) {
        match kind {
            EventKind::Create(CreateKind::File) | EventKind::Modify(ModifyKind::Data(_)) => {
                self.writing.insert(path.to_path_buf(), Instant::now());
            }
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Name(_)) => {
                self.writing.remove(path);
            }
            _ => {}
        }
    }

    /// Whether any file is still being written.
    fn writes_in_progress(&mut self) -> bool {
        self.writing.retain(|_, last| last.elapsed() < WRITE_HOLD);
        self.closes_reported && !self.writing.is_empty()
    }

    /// Which of `sources` (relative to the content folder) are being written
    /// right now, taking in the events that have arrived meanwhile (they are
    /// kept for [`next_changes`](BookWatcher::next_changes)).
    pub fn being_written(&mut self, sources: &[String]) -> Vec<String> {
        loop {
            match self.signals.try_recv() {
                Ok(Signal::Event(event)) => {
                    let changes = self.changes_of(event);
                    self.backlog.merge(changes);
                }
                Ok(Signal::Stop) => self.stopped = true,
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        if !self.writes_in_progress() {
            return Vec::new();
        }
        let Some(content) = self.targets.as_ref().map(|t| t.content.clone()) else { return Vec::new() };
        sources.iter().filter(|rel| self.writing.contains_key(&content.join(rel.as_str()))).cloned().collect()
    }

    /// Whether changes have arrived that [`next_changes`](BookWatcher::next_changes)
    /// has not returned yet. Does not block.
    pub fn has_pending(&mut self) -> bool {
        self.being_written(&[]);
        !self.backlog.is_empty()
    }

    /// Blocks until something changed and the events have settled; returns
    /// everything that changed. `None` once stopped.
    pub fn next_changes(&mut self) -> Option<Changes> {
        if self.stopped {
            return None;
        }
        let mut changes = std::mem::take(&mut self.backlog);
        while changes.is_empty() {
            match self.signals.recv().ok()? {
                Signal::Event(event) => changes = self.changes_of(event),
                Signal::Stop => return None,
            }
        }
        let first = Instant::now();
        let mut last = first;
        loop {
            let quiet = if self.closes_reported { self.debounce.settle } else { self.debounce.quiet };
            let settled = if self.writes_in_progress() { first + self.debounce.max_wait } else { last + quiet };
            let deadline = settled.min(first + self.debounce.max_wait);
            let Some(wait) = deadline.checked_duration_since(Instant::now()) else { break };
            match self.signals.recv_timeout(wait) {
                Ok(Signal::Stop) => return None,
                Ok(Signal::Event(event)) => {
                    let more = self.changes_of(event);
                    if !more.is_empty() {
                        changes.merge(more);
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> Targets {
        Targets {
            root: "/b".into(),
            content: "/b/content".into(),
            templates: "/b/templates".into(),
            static_dir: "/b/static".into(),
            config_file: Some("/b/book.toml".into()),
            output: "/b/content/site".into(),
        }
    }

    fn source(rel: &str) -> Option<Changes> {
        Some(Changes { sources: [rel.to_string()].into(), ..Changes::default() })
    }

    #[test]
    fn events_are_classified_by_where_they_happen() {
        let t = targets();
        assert_eq!(t.classify(Path::new("/b/content/a.md")), source("a.md"));
        assert_eq!(t.classify(Path::new("/b/content/sub/b.txt")), source("sub/b.txt"));
        assert_eq!(t.classify(Path::new("/b/book.toml")), Some(Changes { config: true, ..Changes::default() }));
        let theme = Some(Changes { theme: true, ..Changes::default() });
        assert_eq!(t.classify(Path::new("/b/templates/topic.html")), theme);
        assert_eq!(t.classify(Path::new("/b/static/css/x.css")), theme);
        assert_eq!(t.classify(Path::new("/b/content")), Some(Changes { rescan: true, ..Changes::default() }));
    }

    #[test]
    fn temp_hidden_and_output_files_are_ignored() {
        let t = targets();
        for path in [
            "/b/content/a.md~",
            "/b/content/.a.md.swp",
            "/b/content/4913",
            "/b/content/#a.md#",
            "/b/content/a.md___jb_tmp___",
            "/b/content/.git/index",
            "/b/content/site/index.html",
            "/b/templates/.topic.html.swp",
            "/b/book.toml~",
            "/b/other.txt",
            "/elsewhere/a.md",
        ] {
            assert_eq!(t.classify(Path::new(path)), None, "{path}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!may_change(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!may_change(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(may_change(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(may_change(&EventKind::Remove(notify::event::RemoveKind::File)));
    }

    #[test]
    fn nested_folders_share_one_recursive_watch() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        let paths = BookPaths {
            config_file: Some(root.join("book.toml")),
            content_dir: root.join("content"),
            output_dir: root.join("book"),
            root_dir: root.clone(),
        };
        let watches = Targets::of(&paths).watches();
        assert_eq!(
            watches,
            [
                (root.join("content"), RecursiveMode::Recursive),
                (root.join("templates"), RecursiveMode::Recursive),
                (root.clone(), RecursiveMode::NonRecursive),
            ]
        );
        let whole = BookPaths { content_dir: root.clone(), ..paths };
        assert_eq!(Targets::of(&whole).watches(), [(root, RecursiveMode::Recursive)]);
    }

    #[test]
    fn atomic_saves_are_seen_as_changes_to_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        let paths = BookPaths {
            config_file: None,
            content_dir: root.join("content"),
            output_dir: root.join("book"),
            root_dir: root.clone(),
        };
        let mut watcher = BookWatcher::new(Debounce::default()).unwrap();
        watcher.follow(&paths);
        for i in 0..5 {
            // An editor's atomic save: write a temp file, rename it over the source.
            std::fs::write(root.join("content/.a.md.tmp"), format!("v{i}")).unwrap();
            std::fs::rename(root.join("content/.a.md.tmp"), root.join("content/a.md")).unwrap();
        }
        let changes = watcher.next_changes().unwrap();
        assert_eq!(changes.sources, ["a.md".to_string()].into());
        assert!(!changes.config && !changes.theme);
    }
}
