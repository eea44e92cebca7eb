//! What render needs that the sources do not change, made ready on a thread
//! of its own while the sources are read and organised: ingest's patterns,
//! the last build's highlighted code, the theme's templates, syntect's
//! start-up; and, when there was no highlighted code to reuse, the book's
//! code itself, highlighted ahead of render in the gaps organise leaves on
//! the cores.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::model::Entry;
use crate::{ingest, render, Result};

/// The preparation thread of one build.
pub struct Preparation {
    thread: Option<JoinHandle<()>>,
    theme: Receiver<(Result<render::Theme>, Duration)>,
    answers: Option<Sender<Vec<String>>>,
    /// Set once the last build's highlighted code is known to be missing.
    nothing_highlighted: Arc<AtomicBool>,
    /// Set when render starts: highlighting ahead has no more gaps to fill.
    stop: Arc<AtomicBool>,
}

impl Preparation {
    /// Starts preparing for a book at `book_root` whose highlighted code was
    /// kept in `highlight_cache`; `code_languages` compiles the code-language
    /// detector too (no language was kept from the last build).
    pub fn start(book_root: &Path, highlight_cache: &Path, code_languages: bool) -> Preparation {
        let (theme_sender, theme) = channel();
        let (answers, answers_received) = channel::<Vec<String>>();
        let (nothing_highlighted, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let (book_root, highlight_cache): (PathBuf, PathBuf) = (book_root.into(), highlight_cache.into());
        let thread = {
            let (nothing_highlighted, stop) = (nothing_highlighted.clone(), stop.clone());
            std::thread::spawn(move || {
                ingest::compile_patterns(code_languages);
                let reused = render::load_highlight_cache(&highlight_cache);
                nothing_highlighted.store(reused == 0, Ordering::Release);
                let started = Instant::now();
                let theme = render::Theme::load(&book_root);
                let _ = theme_sender.send((theme, started.elapsed()));
                render::warm_up_highlighter(reused == 0);
                if reused == 0 {
                    if let Ok(markdowns) = answers_received.recv() {
                        render::highlight_ahead(&markdowns, &stop);
                    }
                }
            })
        };
        Preparation { thread: Some(thread), theme, answers: Some(answers), nothing_highlighted, stop }
    }

    /// Hands over the segmented entries: their code is highlighted ahead
    /// when the last build's highlighted code was not found. A build that
    /// reuses it has little or nothing to highlight.
    pub fn entries_segmented(&mut self, entries: &[Entry]) {
        let answers = self.answers.take();
        if let Some(answers) = answers.filter(|_| self.nothing_highlighted.load(Ordering::Acquire)) {
            let _ = answers.send(entries.iter().map(|e| e.answer_markdown.clone()).collect());
        }
    }

    /// The theme, and how long it took to load; waits for it.
    pub fn theme(&mut self) -> (Result<render::Theme>, Duration) {
        self.answers = None;
        match self.theme.recv() {
            Ok(theme) => theme,
            // The thread ended without sending it: it panicked.
            Err(_) => {
                let panic = self.thread.take().map(JoinHandle::join).and_then(Result::err);
                std::panic::resume_unwind(panic.unwrap_or_else(|| Box::new("the theme was never loaded")))
            }
        }
    }

    /// Stops highlighting ahead (render highlights the rest itself) and
    /// waits for the thread.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            // Only highlighting ahead can be left, and render does without it.
            let _ = thread.join();
        }
    }
}
