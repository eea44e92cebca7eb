//! Search end to end: `srebook search` and the browser engine (the shipped
//! `static/search.js`, run under node) on the seeds' site.
//!
//! Relevance uses `../shared/queries.jsonl`: for at least 90% of the queries,
//! every expected question must be the title or another phrasing of one of
//! the top results. Tests print a skip reason when the shared material or
//! node is missing.

mod common;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use predicates::prelude::*;
use serde_json::Value;
use srebook::search::SearchIndex;

/// The seeds' site, built once for every test here.
struct SeedsSite {
    /// Holds the site (`book/`) and its index (`.book.srebook-index/`).
    dir: tempfile::TempDir,
    seeds: PathBuf,
    /// Topic slug → its title and other phrasings, from `srebook inspect`.
    phrasings: HashMap<String, Vec<String>>,
}

impl SeedsSite {
    fn index_dir(&self) -> PathBuf {
        self.dir.path().join(".book.srebook-index")
    }

    fn search_dir(&self) -> PathBuf {
        self.dir.path().join("book/search")
    }

    fn script(&self) -> PathBuf {
        self.dir.path().join("book/static/search.js")
    }

    /// `srebook search --json` hits for `query`.
    fn cli_search(&self, query: &str, limit: usize) -> Vec<Value> {
        let output = common::srebook(self.dir.path())
            .args(["search", "--json", "--limit", &limit.to_string(), "--content"])
            .arg(&self.seeds)
            .arg("--")
            .arg(query)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{query:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{query:?}: {stderr}");
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{query:?}: not JSON ({e})"))
    }
}

fn seeds_site() -> Option<&'static SeedsSite> {
    static SITE: OnceLock<Option<SeedsSite>> = OnceLock::new();
    SITE.get_or_init(|| {
        let seeds = common::seeds_dir()?;
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        common::srebook(dir.path()).args(["--quiet", "build", "--content"]).arg(&seeds).assert().success();
        let inspect =
            common::srebook(dir.path()).args(["inspect", "--json", "--content"]).arg(&seeds).output().unwrap();
        let book: Value = serde_json::from_slice(&inspect.stdout).unwrap();
        let phrasings = book["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|topic| {
                let mut texts = vec![topic["title"].as_str().unwrap().to_string()];
                texts.extend(topic["variants"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()));
                (topic["slug"].as_str().unwrap().to_string(), texts)
            })
            .collect();
        Some(SeedsSite { dir, seeds, phrasings })
    })
    .as_ref()
}

/// One line of queries.jsonl.
struct GoldQuery {
    query: String,
    expect: Vec<String>,
    top_k: usize,
}

fn gold_queries() -> Option<Vec<GoldQuery>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/queries.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is not beside the repository", path.display());
        return None;
    };
    let queries = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap();
            GoldQuery {
                query: value["query"].as_str().unwrap().to_string(),
                expect: value["expect"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect(),
                top_k: value["top_k"].as_u64().unwrap_or(5) as usize,
            }
        })
        .collect();
    Some(queries)
}

/// Runs `src/search/node_harness.js` with `command` over the seeds' site;
/// None (and a printed reason) when node is not installed.
fn node(site: &SeedsSite, command: &str, input: &Value) -> Option<Value> {
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/search/node_harness.js");
    let child = Command::new("node")
        .arg(harness)
        .arg(site.script())
        .arg(site.search_dir())
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("skipped: node is not installed, so the browser engine cannot run");
            return None;
        }
        Err(error) => panic!("cannot run node: {error}"),
    };
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "node harness failed: {}", String::from_utf8_lossy(&output.stderr));
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

/// The share of `queries` whose expected questions are all among `results`
/// (each result's phrasings); prints the misses.
fn relevance(engine: &str, queries: &[GoldQuery], results: &[Vec<Vec<String>>]) -> f64 {
    let mut passed = 0;
    for (query, phrasings) in queries.iter().zip(results) {
        let top = &phrasings[..phrasings.len().min(query.top_k)];
        let missing: Vec<&String> = query
            .expect
            .iter()
            .filter(|expected| !top.iter().any(|texts| texts.iter().any(|t| t.contains(expected.as_str()))))
            .collect();
        if missing.is_empty() {
            passed += 1;
        } else {
            eprintln!("{engine}: {:?} misses {missing:?}", query.query);
        }
    }
    let share = passed as f64 / queries.len().max(1) as f64;
    eprintln!("{engine}: {passed}/{} queries have every expected question in the top results", queries.len());
    share
}

#[test]
fn the_command_line_finds_the_expected_questions() {
    let (Some(site), Some(queries)) = (seeds_site(), gold_queries()) else { return };
    let results: Vec<Vec<Vec<String>>> = queries
        .iter()
        .map(|q| {
            let hits = site.cli_search(&q.query, q.top_k);
            hits.iter().map(|hit| site.phrasings[hit["slug"].as_str().unwrap()].clone()).collect()
        })
        .collect();
    assert!(relevance("srebook search", &queries, &results) >= 0.9);
}

#[test]
fn the_browser_finds_the_expected_questions() {
    let (Some(site), Some(queries)) = (seeds_site(), gold_queries()) else { return };
    let input = serde_json::json!({"queries": queries.iter().map(|q| &q.query).collect::<Vec<_>>(), "limit": 5});
    let Some(output) = node(site, "search", &input) else { return };
    let results: Vec<Vec<Vec<String>>> = output
        .as_array()
        .unwrap()
        .iter()
        .map(|hits| {
            hits.as_array()
                .unwrap()
                .iter()
                .map(|hit| {
                    let mut texts = vec![hit["title"].as_str().unwrap().to_string()];
                    texts.extend(hit["variants"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()));
                    texts
                })
                .collect()
        })
        .collect();
    assert!(relevance("browser", &queries, &results) >= 0.9);
}

/// Queries that exercise every rule of the plan: the book's own questions,
/// with a typo, cut short, synonym phrases, stop words, odd characters.
fn plan_queries(site: &SeedsSite) -> Vec<String> {
    let mut titles: Vec<&String> = site.phrasings.values().map(|texts| &texts[0]).collect();
    titles.sort();
    let mut queries: Vec<String> = Vec::new();
    for (i, title) in titles.iter().enumerate().step_by(4) {
        let words = srebook::analysis::words(title);
        queries.push(title.to_string());
        if let Some(long) = words.iter().filter(|w| w.len() >= 6).nth(i % 2) {
            let mut letters: Vec<char> = long.chars().collect();
            letters.swap(1, 2);
            queries.push(words.join(" ").replace(long.as_str(), &letters.into_iter().collect::<String>()));
            queries.push(format!("{} {}", words[0], &long[..long.len() - 2]));
            queries.push(long[1..].to_string());
        }
    }
    for extra in [
        "service level objectives and SLIs",
        "mean time to recovery vs MTTD",
        "on call rotation k8s",
        "post-mortem RCA",
        "blue/green CI/CD",
        "what's the",
        "Ünïcode naïve café",
        "ΣΊΣΥΦΟΣ",
        "",
        "  \"unbalanced quote",
        "field: * AND OR NOT",
        "kube",
        "obser",
    ] {
        queries.push(extra.to_string());
    }
    queries
}

/// serde_json keeps `1` and `1.0` apart; the engines need not agree on that.
fn numbers_as_floats(value: Value) -> Value {
    match value {
        // Rust plans in f32, JavaScript in f64: compare at f32 precision.
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap() as f32),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, numbers_as_floats(v))).collect()),
        other => other,
    }
}

#[test]
fn rust_and_the_browser_plan_every_query_the_same_way() {
    let Some(site) = seeds_site() else { return };
    let queries = plan_queries(site);
    let Some(browser_plans) = node(site, "plan", &serde_json::json!(queries)) else { return };
    let index = SearchIndex::open(&site.index_dir()).unwrap();
    let mut expansions = 0;
    for (query, browser_plan) in queries.iter().zip(browser_plans.as_array().unwrap()) {
        let plan = index.plan(query);
        expansions += plan.clauses.iter().map(|c| c.alternatives.len() - 1).sum::<usize>();
        let rust_plan = numbers_as_floats(serde_json::to_value(&plan).unwrap());
        assert_eq!(rust_plan, numbers_as_floats(browser_plan.clone()), "{query:?}");
    }
    // The comparison covered typo and prefix readings, not just exact words.
    assert!(expansions > 50, "only {expansions} expansions");
}

/// Queries with no word in them: every engine must answer them with nothing.
fn wordless_queries() -> Vec<String> {
    ["", "   ", "?!.,;", "*", "\"", "'", "((", "-", ":", "AND", "NOT OR", "the of", "*:*"].map(str::to_string).to_vec()
}

/// Query syntax and what it must mean: the same as its words.
const SYNTAX: &[(&str, &str)] = &[
    ("title:helm", "title helm"),
    ("\"incident response", "incident response"),
    ("incident AND response", "incident response"),
    ("terraform*", "terraform"),
    ("field: (helm", "field helm"),
];

#[test]
fn bad_queries_neither_fail_nor_match_syntax() {
    let Some(site) = seeds_site() else { return };
    for query in wordless_queries() {
        assert_eq!(site.cli_search(&query, 10), Vec::<Value>::new(), "{query:?}");
    }
    for (syntax, words) in SYNTAX {
        assert_eq!(site.cli_search(syntax, 5), site.cli_search(words, 5), "{syntax:?}");
    }
    let long = ["a".repeat(10_000), "incident response ".repeat(560), "x".repeat(100_000)];
    assert!(site.cli_search(&long[0], 5).is_empty());
    assert!(!site.cli_search(&long[1], 5).is_empty());
    assert!(site.cli_search(&long[2], 5).is_empty());

    let mut queries = wordless_queries();
    queries.extend(long);
    queries.extend(SYNTAX.iter().flat_map(|(syntax, words)| [syntax.to_string(), words.to_string()]));
    let Some(results) = node(site, "search", &serde_json::json!({"queries": queries, "limit": 5})) else { return };
    let results = results.as_array().unwrap();
    for (query, hits) in queries.iter().zip(results).take(wordless_queries().len()) {
        assert_eq!(hits, &serde_json::json!([]), "browser: {query:?}");
    }
    let syntax_results = &results[wordless_queries().len() + 3..];
    for (pair, (syntax, _)) in syntax_results.chunks(2).zip(SYNTAX) {
        assert_eq!(pair[0], pair[1], "browser: {syntax:?}");
    }
}

#[test]
fn results_carry_a_marked_snippet_and_a_page_that_exists() {
    let Some(site) = seeds_site() else { return };
    let hits = site.cli_search("incident response", 5);
    assert_eq!(hits.len(), 5);
    for hit in &hits {
        for field in ["slug", "title", "chapter", "path", "snippet"] {
            assert!(hit[field].as_str().is_some_and(|s| !s.is_empty()), "{field} in {hit}");
        }
        assert!(hit["score"].as_f64().is_some_and(|s| s > 0.0));
        assert!(site.dir.path().join("book").join(hit["path"].as_str().unwrap()).is_file(), "{hit}");
    }
    assert!(hits.iter().any(|hit| hit["snippet"].as_str().unwrap().contains("<mark>")));
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|pair| pair[0] >= pair[1]), "{scores:?}");
}

#[test]
fn a_typo_an_unfinished_word_and_an_acronym_still_find_the_topic() {
    let Some(site) = seeds_site() else { return };
    let first_title = |query: &str| site.cli_search(query, 1)[0]["title"].as_str().unwrap().to_lowercase();
    for query in ["terraform", "terrafrom", "terraf"] {
        assert!(first_title(query).contains("terraform"), "{query:?}");
    }
    for query in ["upgrading kubernetes", "upgarding kubernetes", "upgrad kub", "k8s upgrade"] {
        let title = first_title(query);
        assert!(title.contains("upgrading") && title.contains("kubernetes"), "{query:?}: {title}");
    }
}

#[test]
fn the_title_outranks_a_mention_in_an_answer() {
    let Some(site) = seeds_site() else { return };
    let hits = site.cli_search("observability", 10);
    let in_title = |hit: &Value| hit["title"].as_str().unwrap().to_lowercase().contains("observability");
    let first_without = hits.iter().position(|h| !in_title(h)).unwrap();
    assert!(first_without >= 2, "{hits:#?}");
    assert!(hits[first_without..].iter().all(|h| !in_title(h)), "{hits:#?}");
}

#[test]
fn chapter_filters_and_unknown_chapters_are_refused() {
    let Some(site) = seeds_site() else { return };
    let hits = common::srebook(site.dir.path())
        .args(["search", "--json", "--chapter", "incidents", "--content"])
        .arg(&site.seeds)
        .arg("monitoring alerts")
        .output()
        .unwrap();
    let hits: Vec<Value> = serde_json::from_slice(&hits.stdout).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["chapter"] == "incidents"), "{hits:#?}");
    common::srebook(site.dir.path())
        .args(["search", "--chapter", "no-such-chapter", "--content"])
        .arg(&site.seeds)
        .arg("helm")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-such-chapter").and(predicates::str::contains("slos")));
}

#[test]
fn the_site_has_a_search_page_and_every_page_loads_the_engine() {
    let Some(site) = seeds_site() else { return };
    let book = site.dir.path().join("book");
    let page = std::fs::read_to_string(book.join("search.html")).unwrap();
    assert!(page.contains("id=\"search-page-results\"") && page.contains("static/search.js"));
    let topic =
        walkdir::WalkDir::new(book.join("slos")).into_iter().filter_map(Result::ok).find(|e| e.file_type().is_file());
    let topic = std::fs::read_to_string(topic.unwrap().path()).unwrap();
    assert!(topic.contains("id=\"search-input\"") && topic.contains("src=\"../static/search.js\""));
    let meta = std::fs::read_to_string(book.join("search/meta.js")).unwrap();
    assert!(meta.starts_with("srebookSearch.load(\"meta\","));
}

#[test]
fn search_builds_a_missing_index_and_rebuilds_a_stale_one() {
    let dir = common::small_book();
    let search = |query: &str| {
        let output = common::srebook(dir.path()).args(["search", "--json", query]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let hits: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
        (hits, String::from_utf8_lossy(&output.stderr).into_owned())
    };
    // No build yet: search indexes the book itself, then reuses the index.
    let (hits, stderr) = search("budget");
    assert!(stderr.contains("Indexed"), "{stderr}");
    assert!(hits[0]["title"].as_str().unwrap().contains("error budget"));
    assert!(dir.path().join(".book.srebook-index").is_dir());
    let (_, stderr) = search("budget window");
    assert!(!stderr.contains("Indexed"), "{stderr}");
    // A build writes a fresh index too.
    common::srebook(dir.path()).args(["--quiet", "build"]).assert().success();
    let (_, stderr) = search("cache");
    assert!(!stderr.contains("Indexed"), "{stderr}");
    // An edited source makes it stale.
    let source = dir.path().join("content/a.md");
    let mut text = std::fs::read_to_string(&source).unwrap();
    text.push_str("\n## 3. How do you plan capacity for a queue?\n\nMeasure arrival rates and headroom.\n");
    std::fs::write(&source, text).unwrap();
    let (hits, stderr) = search("capacity queue");
    assert!(stderr.contains("Indexed"), "{stderr}");
    assert!(hits[0]["title"].as_str().unwrap().contains("capacity"), "{hits:?}");
    // So does another book.toml.
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Renamed\"\n").unwrap();
    let (_, stderr) = search("capacity queue");
    assert!(stderr.contains("Indexed"), "{stderr}");
}

#[test]
fn text_output_lists_numbered_results() {
    let dir = common::small_book();
    let output = common::srebook(dir.path()).args(["--quiet", "search", "incident", "review"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with(" 1. How do you run an incident review?\n"), "{text}");
    assert!(text.contains(".html"), "{text}");
    let output = common::srebook(dir.path()).args(["search", "zzzz"]).output().unwrap();
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("No results"));
}
