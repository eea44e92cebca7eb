//! Shapes the code has never seen: the synthetic corpus generator writes five
//! styles with its own quirks (mojibake in headings, sections at odd levels).
//! Every question in its manifest must be found, and nothing else.

use std::collections::HashMap;
use std::path::Path;

fn normalise(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

#[test]
fn every_generated_question_is_found_once() {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gen_corpus.py");
    if !generator.is_file() {
        eprintln!("skipped: {} is not there", generator.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("syn");
    let status = std::process::Command::new("python3")
        .arg(&generator)
        .args(["--questions", "1000", "--out"])
        .arg(&corpus)
        .stdout(std::process::Stdio::null())
        .status();
    let Ok(status) = status else {
        eprintln!("skipped: python3 is not available");
        return;
    };
    assert!(status.success());
    // The manifest is the answer key, not a source: move it out of the way.
    let manifest_path = dir.path().join("manifest.json");
    std::fs::rename(corpus.join("manifest.json"), &manifest_path).unwrap();
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
