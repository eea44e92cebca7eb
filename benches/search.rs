//! Search at scale: index size, bytes the browser downloads per query, browser
//! ranking time and `srebook search` time, on a generated corpus.
//!
//! `cargo bench --bench search -- [QUESTIONS]` generates a corpus with
//! `../shared/corpus/gen_corpus.py` (default 10,000 questions) into
//! `target/search-bench/`, organises it, writes both search indexes (no site
//! pages: rendering is measured by the render bench) and then measures, for
//! queries made from the corpus's own questions (two words, some with a typo
//! or a cut-off last word):
//!
//! - bytes per query: `static/search.js` plus every index script one query
//!   loads from a cold start, as the shipped engine run under node loads them;
//! - browser ranking: the same query again with everything loaded (median);
//! - CLI: wall time of `srebook search --json`, process start included.
//!
//! It exits with status 1 when a budget is exceeded: 150 KB per query,
//! 20 ms browser ranking, 50 ms CLI (medians for the times).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use srebook::search::{self, BookSearch, Fingerprint};
use srebook::BookPaths;

const BYTES_PER_QUERY_BUDGET: usize = 150 * 1024;
const RANKING_MS_BUDGET: f64 = 20.0;
const CLI_MS_BUDGET: f64 = 50.0;
const QUERIES: usize = 60;
const CLI_QUERIES: usize = 20;
const CLI_RUNS: usize = 3;
const RANKING_RUNS: usize = 7;

fn main() {
    let questions: usize =
        std::env::args().skip(1).find(|a| !a.starts_with('-')).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = root.join(format!("target/search-bench/syn{questions}"));
    let content = corpus(root, &work, questions);
    let site = work.join("book");
    let paths =
        BookPaths { config_file: None, content_dir: content.clone(), output_dir: site.clone(), root_dir: work.clone() };

    let fingerprint = Fingerprint::of(&paths).expect("fingerprint");
    let start = Instant::now();
    let book = srebook::organise_book(&srebook::Config::default(), &paths, &mut Default::default()).expect("organise");
    let organise_ms = ms(start);

    let start = Instant::now();
    let book_search = BookSearch::of(&book);
    let prepare_ms = ms(start);
    let start = Instant::now();
    let browser = search::export_browser_index(
        &book_search.docs,
        &book_search.analysed,
        &book_search.vocabulary,
        &book_search.chapters,
    );
    let browser_ms = ms(start);
    let start = Instant::now();
    let index_dir = search::index_dir_for(&site);
    book_search.write_index(&index_dir, fingerprint).expect("tantivy index");
    let tantivy_ms = ms(start);

    let _ = std::fs::remove_dir_all(&site);
    for (rel, bytes) in &browser.files {
        write(&site.join(rel), bytes);
    }
    let script = site.join("static/search.js");
    write(&script, &std::fs::read(root.join("static/search.js")).expect("static/search.js"));
    let tantivy_bytes = dir_size(&index_dir);

    println!(
        "search {questions} questions: {} topics, {} vocabulary words; organised in {organise_ms:.0} ms",
        book_search.docs.len(),
        book_search.vocabulary.words().len()
    );
    println!(
        "index stage: {:.0} ms (prepare {prepare_ms:.0}, browser {browser_ms:.0}, tantivy {tantivy_ms:.0}; run in parallel by build)",
        prepare_ms + browser_ms + tantivy_ms
    );
    println!(
        "browser index: {} files, {:.2} MB; search.js {:.1} KB; tantivy index: {:.2} MB",
        browser.files.len(),
        browser.total_bytes() as f64 / 1e6,
        std::fs::metadata(&script).map(|m| m.len()).unwrap_or(0) as f64 / 1024.0,
        tantivy_bytes as f64 / 1e6
    );

    let queries = queries_from(&book_search);
    let mut over_budget = Vec::new();
    match browser_figures(root, &script, &site.join(search::SEARCH_DIR), &queries) {
        None => println!("browser: skipped (node is not installed)"),
        Some(figures) => {
            let bytes: Vec<f64> = figures.iter().map(|f| f.bytes as f64).collect();
            let ranking: Vec<f64> = figures.iter().map(|f| f.rank_ms).collect();
            let cold: Vec<f64> = figures.iter().map(|f| f.cold_ms).collect();
            let (worst, worst_query) = figures.iter().map(|f| (f.bytes, f.query.as_str())).max().unwrap_or_default();
            println!(
                "browser bytes per query ({} queries): median {:.1} KB, mean {:.1} KB, max {:.1} KB ({worst_query:?})",
                figures.len(),
                median(&bytes) / 1024.0,
                mean(&bytes) / 1024.0,
                worst as f64 / 1024.0
            );
            println!(
                "browser ranking (node, all loaded): median {:.2} ms, max {:.2} ms; cold query incl. loading from disk: median {:.1} ms",
                median(&ranking),
                max(&ranking),
                median(&cold)
            );
            if worst > BYTES_PER_QUERY_BUDGET {
                over_budget.push(format!("bytes per query {worst} > {BYTES_PER_QUERY_BUDGET}"));
            }
            if median(&ranking) > RANKING_MS_BUDGET {
                over_budget.push(format!("browser ranking {:.2} ms > {RANKING_MS_BUDGET} ms", median(&ranking)));
            }
        }
    }

    let cli = cli_times(&work, &content, &queries[..CLI_QUERIES.min(queries.len())]);
    println!(
        "CLI `srebook search --json` ({} runs): median {:.1} ms, max {:.1} ms (process start included)",
        cli.len(),
        median(&cli),
        max(&cli)
    );
    if median(&cli) > CLI_MS_BUDGET {
        over_budget.push(format!("CLI {:.1} ms > {CLI_MS_BUDGET} ms", median(&cli)));
    }
    if !over_budget.is_empty() {
        eprintln!("over budget: {}", over_budget.join("; "));
        std::process::exit(1);
    }
}

/// The generated corpus (sources only: its manifest is moved beside it).
fn corpus(root: &Path, work: &Path, questions: usize) -> PathBuf {
    let content = work.join("content");
    if !work.join("manifest.json").is_file() {
        let _ = std::fs::remove_dir_all(&content);
        let status = Command::new("python3")
            .arg(root.join("../shared/corpus/gen_corpus.py"))
            .args(["--questions", &questions.to_string(), "--out"])
            .arg(&content)
            .stdout(Stdio::null())
            .status()
            .expect("python3 runs gen_corpus.py");
        assert!(status.success(), "gen_corpus.py failed");
        std::fs::rename(content.join("manifest.json"), work.join("manifest.json")).expect("move manifest");
    }
    content
}

/// Queries made of the corpus's questions: the two longest words of a
/// question's title; every third with a typo in its longest word, every third
/// with its last word cut to a prefix, as a reader types them.
fn queries_from(book: &BookSearch) -> Vec<String> {
    let step = (book.docs.len() / QUERIES).max(1);
    book.docs
        .iter()
        .step_by(step)
        .take(QUERIES)
        .enumerate()
        .filter_map(|(i, doc)| {
            let words: Vec<String> = srebook::analysis::words(&doc.title)
                .into_iter()
                .filter(|w| w.len() >= 4 && !srebook::analysis::is_stop_word(w))
                .collect();
            let mut longest: Vec<&String> = words.iter().collect();
            longest.sort_by_key(|w| std::cmp::Reverse(w.len()));
            let mut chosen: Vec<String> =
                words.iter().filter(|w| longest.iter().take(2).any(|l| l == w)).cloned().collect();
            chosen.dedup();
            match i % 3 {
                1 => {
                    let target = chosen.iter_mut().max_by_key(|w| w.len())?;
                    let mut letters: Vec<char> = target.chars().collect();
                    letters.swap(2, 3);
                    *target = letters.into_iter().collect();
                }
                2 => {
                    let last = chosen.last_mut()?;
                    *last = last.chars().take(4).collect();
                }
                _ => {}
            }
            (!chosen.is_empty()).then(|| chosen.join(" "))
        })
        .collect()
}

struct BrowserFigures {
    query: String,
    bytes: usize,
    cold_ms: f64,
    rank_ms: f64,
}

/// Runs the shipped engine under node over `queries` (None without node).
fn browser_figures(root: &Path, script: &Path, search_dir: &Path, queries: &[String]) -> Option<Vec<BrowserFigures>> {
    let harness = root.join("src/search/node_harness.js");
    let input = serde_json::json!({"queries": queries, "limit": 8, "runs": RANKING_RUNS});
    let mut child = Command::new("node")
        .arg(&harness)
        .arg(script)
        .arg(search_dir)
        .arg("bench")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    serde_json::to_writer(child.stdin.take()?, &input).ok()?;
    let output = child.wait_with_output().ok()?;
    assert!(output.status.success(), "node harness failed");
    let figures: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("harness output");
    Some(
        figures
            .into_iter()
            .map(|f| BrowserFigures {
                query: f["query"].as_str().unwrap_or_default().to_string(),
                bytes: f["bytes"].as_u64().unwrap_or_default() as usize,
                cold_ms: f["coldMs"].as_f64().unwrap_or_default(),
                rank_ms: f["rankMs"].as_f64().unwrap_or_default(),
            })
            .collect(),
    )
}

/// Wall times of `srebook search`, run from `work` so it finds the index
/// beside `work/book`.
fn cli_times(work: &Path, content: &Path, queries: &[String]) -> Vec<f64> {
    let mut times = Vec::new();
    for query in queries {
        for _ in 0..CLI_RUNS {
            let start = Instant::now();
            let output = Command::new(env!("CARGO_BIN_EXE_srebook"))
                .current_dir(work)
                .arg("search")
                .arg("--content")
                .arg(content)
                .args(["--json", "--limit", "10", "--"])
                .arg(query)
                .output()
                .expect("srebook runs");
            times.push(ms(start));
            assert!(output.status.success(), "srebook search failed: {}", String::from_utf8_lossy(&output.stderr));
            assert!(output.stderr.is_empty(), "the index was not fresh: {}", String::from_utf8_lossy(&output.stderr));
        }
    }
    times
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
    std::fs::write(path, bytes).expect("write");
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(0.0, f64::max)
}
