//! The real seeds, end to end: every file contributes, inspect's JSON follows
//! the documented schema, and question lines point at the questions.

mod common;

use common::{gold_questions, seeds_dir, srebook};
use serde_json::Value;

fn inspect_seeds() -> Option<Value> {
    let seeds = seeds_dir()?;
    let out = srebook(env!("CARGO_MANIFEST_DIR").as_ref())
        .args(["inspect", "--json", "--content"])
        .arg(&seeds)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).expect("inspect prints valid JSON"))
}

fn str_field<'a>(object: &'a Value, key: &str) -> &'a str {
    object[key].as_str().unwrap_or_else(|| panic!("{key} is a string in {object}"))
}

#[test]
fn inspect_json_follows_the_schema() {
    let Some(book) = inspect_seeds() else { return };
    let chapters = book["chapters"].as_array().expect("chapters array");
    let slugs: Vec<&str> = chapters.iter().map(|c| str_field(c, "slug")).collect();
    assert_eq!(slugs, ["slos", "incidents", "automation", "design", "behavioral"]);
    let topics = book["topics"].as_array().expect("topics array");
    let entries = book["entries"].as_array().expect("entries array");
    let entry_ids: std::collections::HashSet<&str> = entries.iter().map(|e| str_field(e, "id")).collect();
    let topic_slugs: std::collections::HashSet<&str> = topics.iter().map(|t| str_field(t, "slug")).collect();
    for chapter in chapters {
        str_field(chapter, "title");
        for slug in chapter["topics"].as_array().unwrap() {
            assert!(topic_slugs.contains(slug.as_str().unwrap()), "chapter lists unknown topic {slug}");
        }
    }
    for topic in topics {
        str_field(topic, "title");
        assert!(slugs.contains(&str_field(topic, "chapter")));
        assert!(topic["variants"].is_array());
        assert!(topic["related"].is_array());
        let members = topic["entries"].as_array().unwrap();
        assert!(!members.is_empty());
        for id in members {
            assert!(entry_ids.contains(id.as_str().unwrap()), "topic lists unknown entry {id}");
        }
    }
    for entry in entries {
        assert!(matches!(str_field(entry, "kind"), "question" | "guide"));
        assert!(entry["line"].as_u64().unwrap() >= 1);
        for key in ["source", "question", "answer_markdown", "source_section"] {
            str_field(entry, key);
        }
        assert!(slugs.contains(&str_field(entry, "chapter")));
        for block in entry["code_blocks"].as_array().unwrap() {
            assert!(!str_field(block, "lang").is_empty());
            assert!(block["detected"].is_boolean());
        }
    }
    for repair in book["repairs"].as_array().unwrap() {
        str_field(repair, "source");
        str_field(repair, "kind");
        str_field(repair, "detail");
        assert!(repair["line"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn every_seed_file_yields_entries() {
    let Some(book) = inspect_seeds() else { return };
    let seeds = seeds_dir().unwrap();
    for file in std::fs::read_dir(&seeds).unwrap() {
        let name = file.unwrap().file_name().to_string_lossy().into_owned();
        let count = book["entries"].as_array().unwrap().iter().filter(|e| e["source"] == name.as_str()).count();
        assert!(count >= 15, "{name} yields {count} entries");
    }
}

/// Words of a question, for comparing it with a source line.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

#[test]
fn question_lines_point_at_the_questions() {
    let Some(book) = inspect_seeds() else { return };
    let seeds = seeds_dir().unwrap();
    let mut located = 0;
    let questions: Vec<&Value> =
        book["entries"].as_array().unwrap().iter().filter(|e| e["kind"] == "question").collect();
    for entry in &questions {
        let text = std::fs::read(seeds.join(str_field(entry, "source"))).unwrap();
        let text = String::from_utf8_lossy(&text);
        let line = text.lines().nth(entry["line"].as_u64().unwrap() as usize - 1).unwrap_or("");
        let first_words: Vec<String> = words(str_field(entry, "question")).into_iter().take(4).collect();
        if words(line).windows(first_words.len()).any(|w| w == first_words.as_slice()) {
            located += 1;
        }
    }
    assert!(located >= 190, "only {located} of {} question lines start their question", questions.len());
}

#[test]
fn questions_match_the_gold_labels() {
    let (Some(book), Some(gold)) = (inspect_seeds(), gold_questions()) else { return };
    let predicted: std::collections::HashMap<(String, u64), &Value> = book["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| ((str_field(e, "source").to_string(), e["line"].as_u64().unwrap()), e))
        .collect();
    let gold_questions: Vec<&Value> = gold.iter().filter(|g| g["kind"] == "question").collect();
    let found = gold_questions
        .iter()
        .filter(|g| {
            predicted
                .get(&(str_field(g, "seed").to_string(), g["line"].as_u64().unwrap()))
                .is_some_and(|e| e["kind"] == "question")
        })
        .count();
    let recall = found as f64 / gold_questions.len() as f64;
    let gold_keys: std::collections::HashSet<(String, u64)> =
        gold.iter().map(|g| (str_field(g, "seed").to_string(), g["line"].as_u64().unwrap())).collect();
    let spurious: Vec<_> = predicted
        .iter()
        .filter(|(key, e)| e["kind"] == "question" && !gold_keys.contains(key))
        .map(|(key, e)| format!("{}:{} {}", key.0, key.1, str_field(e, "question")))
        .collect();
    let guides = gold
        .iter()
        .filter(|g| g["kind"] == "guide")
        .filter(|g| {
            predicted
                .get(&(str_field(g, "seed").to_string(), g["line"].as_u64().unwrap()))
                .is_some_and(|e| e["kind"] == "guide")
        })
        .count();
    println!(
        "question recall {recall:.3} ({found}/{}), spurious questions {}, guides {guides}/5",
        gold_questions.len(),
        spurious.len()
    );
    assert!(found >= 190, "at least 190 gold questions found at their line, got {found}");
    assert!(recall >= 0.99, "question recall {recall:.3}");
    assert!(spurious.is_empty(), "questions that are not gold questions: {spurious:#?}");
    assert_eq!(guides, 5, "gold guide sections found as guides");
}

#[test]
fn seeds_build_a_site() {
    let Some(seeds) = seeds_dir() else { return };
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    srebook(env!("CARGO_MANIFEST_DIR").as_ref())
        .args(["build", "--quiet", "--content"])
        .arg(&seeds)
        .arg("--out")
        .arg(&site)
        .assert()
        .success();
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    for chapter in ["slos", "incidents", "automation", "design", "behavioral"] {
        assert!(index.contains(&format!("{chapter}/index.html")));
    }
    // Readers never see mojibake: no page has the Mac Roman reading of an
    // arrow, a dash, a box-drawing character, × or an emoji, and the repaired
    // characters are there instead. Every code block names its language.
    let mut all_html = String::new();
    let mut code_blocks = 0;
    for entry in walkdir::WalkDir::new(&site).into_iter().filter_map(Result::ok) {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            for bad in ["‚Ä", "‚Ü", "‚î", "√ó", "‚ù", "‚ú"] {
                assert!(!html.contains(bad), "{} contains {bad}", entry.path().display());
            }
            for block in html.split("<pre").skip(1) {
                code_blocks += 1;
                let tag = &block[..block.find('>').unwrap()];
                assert!(tag.contains("data-lang=\"") && !tag.contains("data-lang=\"\""), "{tag}");
                assert!(block[block.find('>').unwrap()..].starts_with("><code class=\"language-"), "{tag}");
            }
            all_html.push_str(&html);
        }
    }
    assert!(code_blocks > 100, "only {code_blocks} code blocks in the seeds' site");
    for wanted in ["→", "↓", "├", "└", "─", "✅", "❌", "×", "—"] {
        assert!(all_html.contains(wanted), "the site lacks {wanted}");
    }
}
