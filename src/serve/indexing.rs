//! The search indexes of the preview, built off the rebuild thread.
//!
//! After each rebuild that publishes new pages, the rebuild thread hands the
//! book to a [`SearchWorker`] and goes back to watching: a save made while
//! the indexes are built (a second or so for a 10,000-question book) starts
//! its rebuild at once. The worker builds the browser's search files and the
//! tantivy index `/api/search` answers from, always for the newest book it
//! was given, skipping any it was handed meanwhile.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::site::LiveState;
use crate::model::Book;
use crate::output::MemorySite;
use crate::search::{BookSearch, SearchIndex};

/// The index `/api/search` answers from. It may lag an edit by the time it
/// takes to build; pages never do.
#[derive(Default)]
pub struct SearchSlot(RwLock<Option<Arc<SearchIndex>>>);

impl SearchSlot {
    fn set(&self, index: SearchIndex) {
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Arc::new(index));
    }

    /// The current index, if one has been built.
    pub fn current(&self) -> Option<Arc<SearchIndex>> {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

/// Hands books to the indexing thread.
pub struct SearchWorker {
    books: Sender<Arc<Book>>,
}

impl SearchWorker {
    /// Starts the indexing thread. It publishes the browser's files into
    /// `live` and the tantivy index into `slot`, and stops when this worker
    /// is dropped.
    pub fn start(live: watch::Sender<LiveState>, slot: Arc<SearchSlot>, quiet: bool) -> std::io::Result<SearchWorker> {
        let (books, received) = mpsc::channel();
        std::thread::Builder::new()
            .name("srebook-search".into())
            .spawn(move || index_loop(&received, &live, &slot, quiet))?;
        Ok(SearchWorker { books })
    }

    /// Asks for the indexes of `book` (replacing any book still waiting).
    pub fn index(&self, book: Arc<Book>) {
        // Fails only when the thread is gone, and then there is no one to tell.
        let _ = self.books.send(book);
    }
}

fn index_loop(books: &Receiver<Arc<Book>>, live: &watch::Sender<LiveState>, slot: &SearchSlot, quiet: bool) {
    while let Ok(mut book) = books.recv() {
        // Only the newest book matters.
        while let Ok(newer) = books.try_recv() {
            book = newer;
        }
        let started = Instant::now();
        let search = BookSearch::of(&book);
        let files = MemorySite::default();
        match search.write_browser_index(&files) {
            Ok(_) => {
                let files = files.into_files();
                // On the state as it is now, under its lock: a rebuild
                // published meanwhile keeps its pages and gets this index.
                live.send_if_modified(|state| {
                    let Some(site) = state.site.as_ref().and_then(|site| site.with_search_files(files)) else {
                        return false;
                    };
                    state.site = Some(Arc::new(site));
                    true
                });
            }
            Err(error) => eprintln!("warning: the search box's index was not updated: {error}"),
        }
        let browser = started.elapsed();
        match search.in_memory_index() {
            Ok(index) => slot.set(index),
            Err(error) => eprintln!("warning: /api/search was not updated: {error}"),
        }
        if !quiet {
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            eprintln!(
                "  search indexes updated in {:.0} ms [browser {:.1}, server {:.1} ms]",
                ms(started.elapsed()),
                ms(browser),
                ms(started.elapsed() - browser)
            );
        }
    }
}
