//! Shapes the code has never seen: the synthetic corpus generator writes five
//! styles with its own quirks (mojibake in headings, sections at odd levels).
//! Every question in its manifest must be found, and nothing else.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

fn normalise(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// A generated corpus of `questions` questions in `dir/syn`, with its
/// manifest (the answer key, not a source) moved to `dir/manifest.json`;
/// `None`, with the reason printed, where the generator cannot run.
fn generated_corpus(dir: &Path, questions: usize) -> Option<PathBuf> {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gen_corpus.py");
    if !generator.is_file() {
        eprintln!("skipped: {} is not there", generator.display());
        return None;
    }
    let corpus = dir.join("syn");
    let status = std::process::Command::new("python3")
        .arg(&generator)
        .args(["--questions", &questions.to_string(), "--out"])
        .arg(&corpus)
        .stdout(std::process::Stdio::null())
        .status();
    let Ok(status) = status else {
        eprintln!("skipped: python3 is not available");
        return None;
    };
    assert!(status.success());
    std::fs::rename(corpus.join("manifest.json"), dir.join("manifest.json")).unwrap();
    Some(corpus)
}

#[test]
fn every_generated_question_is_found_once() {
    let dir = tempfile::tempdir().unwrap();
    let Some(corpus) = generated_corpus(dir.path(), 1000) else { return };
    let manifest_path = dir.path().join("manifest.json");
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let walked = srebook::ingest::walk(&corpus, &[]).unwrap();
    let decoded = srebook::ingest::decode_all(&walked.files);
    let entries = srebook::ingest::segment_all(&decoded.docs).entries;
    let mut found: HashMap<(String, String), usize> = HashMap::new();
    for entry in &entries {
        *found.entry((entry.source.clone(), normalise(&entry.question))).or_default() += 1;
    }
    let items = manifest["items"].as_array().unwrap();
    let mut missing = Vec::new();
    for item in items {
        let key = (item["file"].as_str().unwrap().to_string(), normalise(item["question"].as_str().unwrap()));
        match found.get_mut(&key) {
            Some(count) if *count > 0 => *count -= 1,
            _ => missing.push(format!("{}: {}", key.0, item["question"])),
        }
    }
    assert!(missing.is_empty(), "{} of {} questions not found: {missing:#?}", missing.len(), items.len());
    let extra: Vec<_> = found.iter().filter(|(_, count)| **count > 0).map(|(key, _)| key).collect();
    assert!(extra.is_empty(), "entries that are not questions: {extra:#?}");
}

/// A book past 400 topics prints in parts under `print/`, each within one
/// chapter and of at most 200 topics, with `print.html` linking them in
/// order; every topic is printed exactly once.
#[test]
fn a_large_book_prints_in_parts() {
    let dir = tempfile::tempdir().unwrap();
    let Some(corpus) = generated_corpus(dir.path(), 2500) else { return };
    let site = dir.path().join("site");
    common::srebook(dir.path())
        .args(["build", "--quiet", "--content"])
        .arg(&corpus)
        .arg("--out")
        .arg(&site)
        .assert()
        .success();
    let inspect = common::srebook(dir.path()).args(["inspect", "--json", "--content"]).arg(&corpus).output().unwrap();
    let book: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let topics = book["topics"].as_array().unwrap();
    assert!(topics.len() > 400, "the corpus should give a large book, gave {} topics", topics.len());
    let chapter_of: HashMap<&str, &str> =
        topics.iter().map(|t| (t["slug"].as_str().unwrap(), t["chapter"].as_str().unwrap())).collect();

    let cover = std::fs::read_to_string(site.join("print.html")).unwrap();
    assert!(!cover.contains("class=\"print-topic\""), "the cover of a book in parts holds no topics");
    let mut parts: Vec<&str> = Vec::new();
    for piece in cover.split("href=\"print/").skip(1) {
        let path = &piece[..piece.find('"').unwrap()];
        if !parts.contains(&path) {
            parts.push(path);
        }
    }
    assert!(parts.len() >= book["chapters"].as_array().unwrap().len(), "parts: {parts:?}");
    let mut printed: Vec<String> = Vec::new();
    for part in &parts {
        let html = std::fs::read_to_string(site.join("print").join(part)).unwrap();
        let in_part: Vec<&str> = html
            .split("<article class=\"print-topic\" id=\"")
            .skip(1)
            .map(|piece| &piece[..piece.find('"').unwrap()])
            .collect();
        assert!(!in_part.is_empty() && in_part.len() <= 200, "{part} holds {} topics", in_part.len());
        let chapters: HashSet<&str> = in_part.iter().map(|slug| chapter_of[slug]).collect();
        assert_eq!(chapters.len(), 1, "{part} spans chapters {chapters:?}");
        printed.extend(in_part.iter().map(|slug| slug.to_string()));
    }
    // In reading order: the chapters' topic lists, concatenated.
    let reading_order: Vec<String> = book["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(printed, reading_order);

    // Past 400 topics each page's sidebar shows a window of its chapter
    // around its own topic, rendered for that page: its own link is still
    // the one marked, and the window is bounded.
    for slug in reading_order.iter().step_by(97) {
        let chapter = chapter_of[slug.as_str()];
        let html = std::fs::read_to_string(site.join(chapter).join(format!("{slug}.html"))).unwrap();
        let start = html.find("<nav class=\"sidebar\"").unwrap();
        let sidebar = &html[start..start + html[start..].find("</nav>\n<div class=\"sidebar-backdrop\"").unwrap()];
        let marked: Vec<&str> = sidebar.match_indices(" aria-current=\"page\"").map(|(at, _)| &sidebar[..at]).collect();
        assert_eq!(marked.len(), 1, "{slug}: {} links marked", marked.len());
        assert!(marked[0].ends_with(&format!("href=\"../{chapter}/{slug}.html\"")), "{slug}: another link is marked");
        let topic_links = sidebar.matches("<li><a href=").count();
        assert!(topic_links <= 2 * 12 + 1 + 1 + 2, "{slug}: {topic_links} links in a windowed sidebar");
    }
}
