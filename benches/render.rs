//! Render speed: milliseconds per topic page on a generated corpus, and the
//! start-up cost of syntax highlighting.
//!
//! `cargo bench --bench render -- [QUESTIONS]` generates a corpus with
//! `../shared/corpus/gen_corpus.py` (default 10,000 questions) into
//! `target/bench-corpus/`, organises it once with the library pipeline, then
//! renders the whole site into memory (`output::MemorySite`) three times on
//! every core and once on a single thread, and prints the median. Topic pages
//! are rendered together and in parallel, so the time from the write before the
//! first topic page to the last topic page (answers included), divided by the
//! number of topics, is the cost of one topic page, in wall time and in CPU time
//! (which other programs on the machine barely disturb). print.html is timed
//! apart.
//!
//! Start-up: the bench runs itself again in fresh processes (`SREBOOK_BENCH_CHILD`)
//! and times loading the precompiled syntax set and the first highlight, which is
//! what every `srebook build` pays once.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use srebook::output::{MemorySite, SiteSink};
use srebook::render;

const CHILD_ENV: &str = "SREBOOK_BENCH_CHILD";

#[path = "support/corpus.rs"]
mod support;

fn corpus(questions: usize) -> PathBuf {
    support::generated_corpus(questions)
}

/// CPU time used so far by this process, all threads (Linux: /proc/self/stat,
/// in 10 ms ticks). Unlike wall time it barely moves when other programs load
/// the machine.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0) // USER_HZ is 100 on Linux
}

fn is_topic(path: &str) -> bool {
    path.contains('/') && !path.starts_with("static/") && !path.ends_with("/index.html")
}

/// One finished write: path, wall time since the render began, process CPU time.
struct Write {
    path: String,
    at: Duration,
    cpu: f64,
}

/// A memory sink that notes when each page was written.
struct TimedSink {
    inner: MemorySite,
    start: Instant,
    /// Every write, in the order they finished.
    writes: Mutex<Vec<Write>>,
}

impl SiteSink for TimedSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> srebook::Result<()> {
        self.inner.write(rel, bytes)?;
        let mut writes = self.writes.lock().unwrap();
        writes.push(Write { path: rel.to_string(), at: self.start.elapsed(), cpu: cpu_ms().unwrap_or(f64::NAN) });
        Ok(())
    }
}

struct Run {
    total: Duration,
    /// From the last non-topic page to the last topic page.
    topics: Duration,
    /// CPU time (all threads) spent on the topic pages.
    topics_cpu: f64,
    print: Duration,
    topic_pages: usize,
    bytes: usize,
}

fn render_once(config: &srebook::Config, book: &srebook::Book, theme: &render::Theme) -> Run {
    let sink = TimedSink { inner: MemorySite::default(), start: Instant::now(), writes: Mutex::new(Vec::new()) };
    render::render_site(config, book, theme, &sink).expect("render");
    let total = sink.start.elapsed();
    let writes = sink.writes.into_inner().unwrap();
    // The topic phase runs from the write before the first topic page (so it
    // includes rendering the answers, whenever that happens) to the last one.
    let first = writes.iter().position(|w| is_topic(&w.path)).expect("topic pages");
    let last = writes.iter().rposition(|w| is_topic(&w.path)).unwrap();
    assert!(writes[first..=last].iter().all(|w| is_topic(&w.path)), "topic pages are not written together");
    let (before, end) = (&writes[first - 1], &writes[last]);
    let print = writes.iter().position(|w| w.path == "print.html").expect("print.html");
    let bytes = sink.inner.into_files().values().map(Vec::len).sum();
    Run {
        total,
        topics: end.at - before.at,
        topics_cpu: end.cpu - before.cpu,
        print: writes[print].at - writes[print - 1].at,
        topic_pages: last + 1 - first,
        bytes,
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// In a fresh process: the syntax set's load, then the first highlights.
fn startup_child() {
    let t0 = Instant::now();
    render::warm_up_highlighter(true);
    let load = t0.elapsed();
    let t1 = Instant::now();
    let html = render::highlight("fn main() {\n    println!(\"hi\");\n}\n", "rust");
    let first = t1.elapsed();
    let t2 = Instant::now();
    let yaml = render::highlight("groups:\n  - name: slo\n    rules: []\n", "yaml");
    let second = t2.elapsed();
    let t3 = Instant::now();
    let css = render::highlight_css();
    let stylesheet = t3.elapsed();
    assert!(html.contains("hl-") && yaml.contains("hl-") && css.contains("hl-"));
    println!("{} {} {} {}", ms(load), ms(first), ms(second), ms(stylesheet));
}

fn startup() {
    let exe = std::env::current_exe().expect("bench binary");
    let mut rows: Vec<[f64; 4]> = Vec::new();
    for _ in 0..7 {
        let out = Command::new(&exe).env(CHILD_ENV, "startup").output().expect("rerun the bench");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().last().unwrap_or_default();
        let v: Vec<f64> = line.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        assert_eq!(v.len(), 4, "child printed {line:?}");
        rows.push([v[0], v[1], v[2], v[3]]);
    }
    let col = |i: usize| median(rows.iter().map(|r| r[i]).collect());
    println!(
        "syntect start-up (fresh process, median of {}): load syntax set {:.1} ms, first highlight (rust) {:.2} ms, \
         first yaml {:.2} ms; highlight.css for 3 themes {:.1} ms",
        rows.len(),
        col(0),
        col(1),
        col(2),
        col(3)
    );
}

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        startup_child();
        return;
    }
    let questions: usize =
        std::env::args().skip(1).find(|a| !a.starts_with('-')).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    startup();

    let dir = corpus(questions);
    let config = srebook::Config::default();
    let scratch = tempfile::tempdir().expect("temp dir");
    let paths = srebook::BookPaths {
        config_file: None,
        content_dir: dir.clone(),
        output_dir: scratch.path().join("site"),
        root_dir: scratch.path().to_path_buf(), // no overrides: the built-in theme
    };
    let t = Instant::now();
    let book = srebook::organise_book(&config, &paths, &mut Default::default()).expect("organise");
    let organise = t.elapsed();
    let theme = render::Theme::load(&paths.root_dir).expect("theme");
    render::warm_up_highlighter(true);
    println!(
        "corpus {questions} questions: {} entries, {} topics, {} chapters (organised in {:.0} ms)",
        book.entries.len(),
        book.topics.len(),
        book.chapters.len(),
        ms(organise)
    );

    let report = |label: &str, runs: Vec<Run>| {
        let topics = runs[0].topic_pages;
        let total = median(runs.iter().map(|r| ms(r.total)).collect());
        let topic_ms = median(runs.iter().map(|r| ms(r.topics)).collect());
        let cpu = median(runs.iter().map(|r| r.topics_cpu).collect());
        let print = median(runs.iter().map(|r| ms(r.print)).collect());
        println!(
            "render ({label}, median of {}): whole site {total:.0} ms ({:.1} MB); {topics} topic pages in {topic_ms:.0} ms \
             wall = {:.3} ms per topic page; {cpu:.0} ms CPU = {:.3} ms CPU per topic page; print.html {print:.0} ms",
            runs.len(),
            runs[0].bytes as f64 / 1e6,
            topic_ms / topics.max(1) as f64,
            cpu / topics.max(1) as f64,
        );
    };
    let threads = rayon::current_num_threads();
    report(&format!("{threads} threads"), (0..3).map(|_| render_once(&config, &book, &theme)).collect());
    let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
    report("1 thread", vec![single.install(|| render_once(&config, &book, &theme))]);
}
