//! `srebook serve`: a local preview that rebuilds on every save and reloads
//! the browser, fast and never wrong.
//!
//! Three threads of control share one value, the [`LiveState`]:
//!
//! - the rebuild thread waits for file events ([`watch`]), rebuilds
//!   incrementally ([`rebuild`], [`cache`]) into a new in-memory [`Site`],
//!   and publishes it;
//! - the indexing thread then adds the search indexes ([`indexing`]);
//! - the tokio runtime serves the current site over HTTP ([`http`]) and
//!   tells browsers when their page changed over a WebSocket ([`reload`]).
//!
//! Publishing swaps the whole state at once through a `tokio::sync::watch`
//! channel, and that same swap wakes the sockets. So a request sees the old
//! site or the new one, never a mix or a gap, and no browser hears about a
//! rebuild before its pages are in place. A failed rebuild leaves the last
//! good site in place and publishes the problem, which browsers show as an
//! overlay ([`overlay`]). A rebuild that read a source while it was being
//! saved is not published at all: it is built again once the save is done.
//!
//! [`Site`]: site::Site

mod cache;
mod http;
mod indexing;
mod overlay;
mod rebuild;
mod reload;
mod site;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{oneshot, watch as channel};

use self::indexing::{SearchSlot, SearchWorker};
use self::overlay::Problem;
pub use self::rebuild::BookArgs;
use self::rebuild::{Builder, Changes, Rebuilt, Settled};
use self::site::LiveState;
use self::watch::{BookWatcher, Debounce};
use crate::BookPaths;

/// How long sources that keep changing while they are read may hold back
/// publishing (see `rebuild_loop`): a file rewritten without pause still
/// shows up in the preview, just not after every write.
const MAX_HOLD: Duration = Duration::from_secs(5);

/// How long a source that suddenly reads blank may take to be written
/// before the preview believes it is empty. Emptying a source is rare; an
/// editor stalled between truncating and writing on a busy machine is not.
const EMPTIED_GRACE: Duration = Duration::from_millis(500);

/// How long Ctrl-C waits for open requests before the server stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Everything `srebook serve` needs to know.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub book: BookArgs,
    /// Address to listen on (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Open the preview in the default browser once it is ready.
    pub open: bool,
    /// Print nothing but errors.
    pub quiet: bool,
}

/// Why the server could not start or stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "cannot listen on {addr}: the port is already in use (another srebook serve?). \
         Pass --port N for another port, or --port 0 to pick a free one"
    )]
    PortInUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot watch the book for changes: {0}")]
    Watch(#[from] notify::Error),
    #[error("preview server: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the preview server until Ctrl-C.
pub fn run(options: ServeOptions) -> Result<(), ServeError> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(serve(options))
}

async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| match source.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse { addr },
        _ => ServeError::Bind { addr, source },
    })?;
    let url = format!("http://{}/", listener.local_addr()?);
    let (live, _) = channel::channel(LiveState { server_id: server_id().into(), site: None, problem: None });
    let (stop_sockets, shutdown) = channel::channel(false);
    let search = Arc::new(SearchSlot::default());
    let app = Arc::new(http::App {
        live: live.clone(),
        search: search.clone(),
        shutdown,
        loopback_only: options.bind.is_loopback(),
    });

    // Watch before the first build, so nothing saved during it is missed.
    let watcher = BookWatcher::new(Debounce::default())?;
    let stop_watcher = watcher.stop_handle();
    let (ready, first_build) = oneshot::channel();
    let builder = Builder::new(options.book.clone());
    let quiet = options.quiet;
    if !quiet {
        eprintln!("Building {} …", builder.paths().content_dir.display());
    }
    let indexer = SearchWorker::start(live.clone(), search, quiet)?;
    let rebuild_thread = std::thread::Builder::new()
        .name("srebook-rebuild".into())
        .spawn(move || rebuild_loop(builder, watcher, live, &indexer, quiet, ready))?;

    let announce = {
        let url = url.clone();
        async move {
            if first_build.await.is_ok() {
                if !quiet {
                    eprintln!("Serving {url} (Ctrl-C to stop)");
                }
                if options.open {
                    open_browser(&url);
                }
            }
        }
    };
    tokio::spawn(announce);

    let (stopping, stopped) = oneshot::channel();
    let server = axum::serve(listener, http::router(app)).with_graceful_shutdown(async move {
        ctrl_c().await;
        // Close the live-reload sockets, or graceful shutdown would wait
        // for them forever.
        let _ = stop_sockets.send(true);
        let _ = stopping.send(());
    });
    let grace = async {
        if stopped.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server => result?,
        () = grace => eprintln!("warning: some requests were still open; stopped anyway"),
    }

    stop_watcher.stop();
    // A rebuild in progress finishes first; wait briefly, not for a whole
    // large build (it only writes to memory, so abandoning it is safe).
    let deadline = Instant::now() + Duration::from_secs(1);
    while !rebuild_thread.is_finished() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    if !quiet {
        eprintln!("Stopped.");
    }
    Ok(())
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn ctrl_c() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    // If no handler can be installed this fails at once and the server
    // stops: better than a server that cannot be stopped cleanly.
    let _ = tokio::signal::ctrl_c().await;
}

/// The rebuild thread: builds, publishes, waits for changes, repeats.
fn rebuild_loop(
    mut builder: Builder,
    mut watcher: BookWatcher,
    live: channel::Sender<LiveState>,
    indexer: &SearchWorker,
    quiet: bool,
    ready: oneshot::Sender<()>,
) {
    watcher.follow(&builder.watched_paths());
    let mut ready = Some(ready);
    let mut changes = Changes::everything();
    let mut held_since: Option<Instant> = None;
    loop {
        let started = Instant::now();
        let previous = live.borrow().site.clone();
        let result = builder.rebuild(&changes, previous.as_deref());
        let torn = result.as_ref().map(|rebuilt| unsettled_sources(rebuilt, &mut watcher)).unwrap_or_default();
        if !torn.is_empty() && held_since.get_or_insert(started).elapsed() < MAX_HOLD {
            // A source was being saved while this rebuild read it: what it
            // read may be half a file (an editor truncates, then writes), and
            // a page built from that could be missing. Wait for the save to
            // settle and build again instead of publishing it.
            changes = match watcher.next_changes() {
                Some(more) => more,
                None => return,
            };
            changes.sources.extend(torn);
            continue;
        }
        held_since = None;
        let published = publish(&live, result, builder.paths(), started, quiet);
        if let Some(ready) = ready.take() {
            let _ = ready.send(());
        }
        if let Some(book) = builder.book().filter(|_| published) {
            indexer.index(book);
        }
        // An answers-only edit was published from the previous organisation;
        // organise in full now, unless another change is already waiting
        // (it is handled first, and this waits for the next quiet moment).
        if builder.needs_settling() && !watcher.has_pending() {
            let started = Instant::now();
            let previous = live.borrow().site.clone();
            if let Some(previous) = previous {
                let result = builder.settle(&previous);
                if publish_settled(&live, result, started, quiet) {
                    if let Some(book) = builder.book() {
                        indexer.index(book);
                    }
                }
            }
        }
        // Files created in a folder before its watch began were missed:
        // check everything once more when a new folder is watched.
        changes = if watcher.follow(&builder.watched_paths()).is_empty() {
            match watcher.next_changes() {
                Some(changes) => changes,
                None => return,
            }
        } else {
            Changes { rescan: true, ..Changes::default() }
        };
    }
}

/// The sources a rebuild read that were written to since, or are still
/// being written: its site may show half a save.
///
/// Three checks, because each can miss: the file's length and time (exact,
/// but only once the writer has written); the watcher's open writes (the
/// event can arrive late on a busy machine); and a source that suddenly
/// reads blank, which is given [`EMPTIED_GRACE`] to be written before it is
/// believed.
fn unsettled_sources(rebuilt: &Rebuilt, watcher: &mut BookWatcher) -> Vec<String> {
    let emptied: Vec<_> = rebuilt.read_files.iter().filter(|file| file.emptied).collect();
    let deadline = Instant::now() + EMPTIED_GRACE;
    while !emptied.is_empty() && Instant::now() < deadline && !emptied.iter().any(|file| file.modified_since_read()) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let read: Vec<String> = rebuilt.read_files.iter().map(|file| file.rel_path.clone()).collect();
    let mut unsettled = rebuilt.sources_modified_since_read();
    unsettled.extend(watcher.being_written(&read));
    unsettled
}

/// Publishes a rebuild's outcome (a new site, a problem, or both cleared)
/// and reports it on stderr. Returns whether a new site was published.
fn publish(
    live: &channel::Sender<LiveState>,
    result: crate::Result<Rebuilt>,
    paths: &BookPaths,
    started: Instant,
    quiet: bool,
) -> bool {
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(rebuilt) => {
            let problem = Problem::from_diagnostics(&rebuilt.diagnostics, paths).map(Arc::new);
            if let Some(problem) = &problem {
                eprintln!("warning: {}", problem.to_terminal());
            }
            if !quiet {
                eprintln!("{}", summary(&rebuilt, elapsed));
            }
            let published = rebuilt.site.is_some();
            live.send_if_modified(|state| {
                let changed = rebuilt.site.is_some() || state.problem != problem;
                if let Some(mut site) = rebuilt.site {
                    if let Some(current) = &state.site {
                        site.adopt_search_from(current);
                    }
                    state.site = Some(Arc::new(site));
                }
                state.problem = problem;
                changed
            });
            published
        }
        Err(error) => {
            eprintln!("error: {error}");
            let problem = Some(Arc::new(Problem::build_failed(&error, paths)));
            live.send_if_modified(|state| {
                let changed = state.problem != problem;
                state.problem = problem;
                changed
            });
            false
        }
    }
}

/// Publishes what settling a provisional book changed, and reports it on
/// stderr. Returns whether the organisation itself changed (the search
/// indexes then follow).
fn publish_settled(
    live: &channel::Sender<LiveState>,
    result: crate::Result<Settled>,
    started: Instant,
    quiet: bool,
) -> bool {
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(settled) => {
            if !quiet {
                eprintln!(
                    "  settled in {elapsed:.0} ms: organisation {}; {} files changed [{} ms]",
                    if settled.reorganised { "changed" } else { "unchanged" },
                    settled.pages.changed + settled.pages.added + settled.pages.removed,
                    stage_list(&settled.timings)
                );
            }
            if let Some(mut site) = settled.site {
                live.send_if_modified(|state| {
                    if let Some(current) = &state.site {
                        site.adopt_search_from(current);
                    }
                    state.site = Some(Arc::new(site));
                    true
                });
            }
            settled.reorganised
        }
        Err(error) => {
            // The provisional site stays; the next rebuild organises in full.
            eprintln!("error: {error}");
            false
        }
    }
}

/// `stage ms, stage ms, …`: where a rebuild's time went.
fn stage_list(timings: &crate::timings::Timings) -> String {
    let stages: Vec<String> = timings
        .stages()
        .iter()
        .map(|(stage, duration)| format!("{stage} {:.1}", duration.as_secs_f64() * 1000.0))
        .collect();
    stages.join(", ")
}

/// One line about a rebuild: what changed, and where the time went.
fn summary(rebuilt: &Rebuilt, elapsed_ms: f64) -> String {
    let pages = rebuilt.pages;
    format!(
        "Rebuilt in {elapsed_ms:.0} ms: {} of {} files changed, {} added, {} removed; {} of {} sources read changed [{} ms]",
        pages.changed,
        pages.total,
        pages.added,
        pages.removed,
        rebuilt.sources_reingested,
        rebuilt.sources_read,
        stage_list(&rebuilt.timings)
    )
}

/// Distinguishes this server process from a restarted one.
fn server_id() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{:x}", nanos ^ u128::from(std::process::id()))
}

/// Opens `url` in the default browser; a failure is only a warning.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(error) = spawned {
        eprintln!("warning: cannot open a browser ({error}); open {url} yourself");
    }
}
