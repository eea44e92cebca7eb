//! The command line end to end: config errors, output safety, exit codes.

mod common;

use common::{small_book, snapshot, srebook};
use predicates::prelude::*;

#[test]
fn builds_a_small_book() {
    let book = small_book();
    srebook(book.path())
        .arg("build")
        .assert()
        .success()
        .stderr(predicate::str::contains("Built 2 sources, 3 entries (3 questions)"));
    let index = std::fs::read_to_string(book.path().join("book/index.html")).unwrap();
    for chapter in ["slos", "incidents", "automation", "design", "behavioral"] {
        assert!(index.contains(&format!("{chapter}/index.html")), "index links to {chapter}");
    }
    assert!(book.path().join("book/.srebook-output").is_file());
}

#[test]
fn quiet_prints_nothing() {
    let book = small_book();
    srebook(book.path()).args(["build", "--quiet"]).assert().success().stderr("").stdout("");
}

#[test]
fn unknown_config_key_names_key_and_line() {
    let book = small_book();
    std::fs::write(book.path().join("book.toml"), "[book]\ntitle = \"x\"\n\n[build]\noutptu = \"site\"\n").unwrap();
    srebook(book.path())
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("book.toml:5").and(predicate::str::contains("outptu")));
}

#[test]
fn wrong_config_type_names_line() {
    let book = small_book();
    std::fs::write(book.path().join("book.toml"), "[book]\ntitle = 42\n").unwrap();
    srebook(book.path())
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("book.toml:2").and(predicate::str::contains("string")));
}

#[test]
fn usage_errors_exit_2() {
    let book = small_book();
    srebook(book.path()).arg("build").arg("--no-such-flag").assert().code(2);
    srebook(book.path()).arg("frobnicate").assert().code(2);
}

#[test]
fn failed_build_leaves_previous_site_intact() {
    let book = small_book();
    srebook(book.path()).arg("build").assert().success();
    let before = snapshot(&book.path().join("book"));
    // A topic template that fails at render time, after other pages were
    // already written to the staging folder.
    std::fs::create_dir(book.path().join("templates")).unwrap();
    std::fs::write(book.path().join("templates/topic.html"), "{{ no_such_variable.field }}").unwrap();
    std::fs::write(book.path().join("content/a.md"), "## 1. What changed?\n\nEverything.\n").unwrap();
    srebook(book.path()).arg("build").assert().code(1).stderr(predicate::str::contains("topic.html"));
    assert_eq!(snapshot(&book.path().join("book")), before, "previous site changed");
    let leftovers: Vec<_> = std::fs::read_dir(book.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind: {leftovers:?}");
}

#[test]
fn template_override_is_used() {
    let book = small_book();
    std::fs::create_dir(book.path().join("templates")).unwrap();
    std::fs::write(book.path().join("templates/topic.html"), "CUSTOM {{ topic.title }}").unwrap();
    srebook(book.path()).arg("build").assert().success();
    let page = walkdir::WalkDir::new(book.path().join("book/slos"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name() != "index.html" && e.file_type().is_file())
        .expect("a topic page in slos");
    assert!(std::fs::read_to_string(page.path()).unwrap().starts_with("CUSTOM "));
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_create() {
    let book = small_book();
    let mine = book.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("thesis.md"), "years of work").unwrap();
    srebook(book.path())
        .args(["build", "--out", "mine"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not created by srebook").and(predicate::str::contains("--force")));
    assert_eq!(std::fs::read_to_string(mine.join("thesis.md")).unwrap(), "years of work");
    srebook(book.path()).args(["build", "--out", "mine", "--force"]).assert().success();
    assert!(mine.join("index.html").is_file());
}

#[test]
fn refuses_output_that_contains_the_content() {
    let book = small_book();
    let before = snapshot(book.path());
    srebook(book.path())
        .args(["build", "--out", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("must not be or contain the content folder"));
    srebook(book.path()).args(["build", "--out", "content", "--force"]).assert().code(1);
    assert_eq!(snapshot(book.path()), before);
}

#[test]
fn bad_files_warn_and_the_build_goes_on() {
    let book = small_book();
    std::fs::write(book.path().join("content/logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(book.path().join("content/empty.md"), b"").unwrap();
    // Unreadable even for root: a link to nowhere.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/nonexistent/notes.md", book.path().join("content/gone.md")).unwrap();
    let assert = srebook(book.path()).arg("build").assert().success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for name in [
        "logo.png",
        "empty.md",
        #[cfg(unix)]
        "gone.md",
    ] {
        assert!(stderr.contains(name), "no warning names {name}: {stderr}");
    }
    assert!(stderr.contains("Built 2 sources"), "{stderr}");
}

#[test]
fn init_writes_a_book_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    srebook(dir.path()).args(["init", "mybook"]).assert().success();
    srebook(&dir.path().join("mybook")).arg("build").assert().success();
    assert!(dir.path().join("mybook/book/index.html").is_file());
    srebook(dir.path()).args(["init", "mybook"]).assert().code(1).stderr(predicate::str::contains("already exists"));
}

/// The code highlighted by one build, and the languages found for its
/// untagged code, are kept beside the output and reused by the next; the
/// site comes out byte for byte the same with them, without them, and with
/// damaged ones.
#[test]
fn highlighted_code_kept_between_builds_changes_nothing() {
    let book = tempfile::tempdir().unwrap();
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let build = |out: &str| {
        srebook(book.path())
            .args(["build", "--quiet", "--content"])
            .arg(&content)
            .args(["--out", out])
            .assert()
            .success();
        common::snapshot(&book.path().join(out))
    };
    let differing = |a: &[(std::path::PathBuf, Vec<u8>)], b: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<String> {
        let paths: std::collections::BTreeSet<_> = a.iter().chain(b).map(|(path, _)| path.clone()).collect();
        paths
            .into_iter()
            .filter(|path| a.iter().find(|(p, _)| p == path) != b.iter().find(|(p, _)| p == path))
            .map(|path| path.display().to_string())
            .collect()
    };
    let cold = build("site");
    let cache = book.path().join(".site.srebook-highlight");
    assert!(std::fs::metadata(&cache).unwrap().len() > 1000, "the build keeps its highlighted code");
    assert_eq!(differing(&build("site"), &cold), Vec::<String>::new(), "a build from the cache differs");
    let languages = book.path().join(".site.srebook-languages");
    // A record is a 16-byte key, an 8-byte length and a language name.
    assert!(std::fs::metadata(&languages).unwrap().len() > 100, "the build keeps its code languages");
    for file in [&cache, &languages] {
        let mut damaged = std::fs::read(file).unwrap();
        damaged.truncate(damaged.len() / 2 + 1);
        std::fs::write(file, damaged).unwrap();
    }
    assert_eq!(differing(&build("site"), &cold), Vec::<String>::new(), "a damaged cache changed the site");
}

/// A build over unchanged sources keeps both search indexes from the last
/// one; any edit to a source brings its words into both.
#[test]
fn search_indexes_are_kept_until_a_source_changes() {
    let book = common::small_book();
    let build = || srebook(book.path()).args(["build", "--quiet"]).assert().success();
    let meta = book.path().join("book/search/meta.js");
    let tantivy = book.path().join(".book.srebook-index/index.srebook");
    build();
    let (meta_before, tantivy_before) =
        (std::fs::read(&meta).unwrap(), std::fs::metadata(&tantivy).unwrap().modified().unwrap());
    build();
    assert_eq!(std::fs::read(&meta).unwrap(), meta_before);
    assert_eq!(
        std::fs::metadata(&tantivy).unwrap().modified().unwrap(),
        tantivy_before,
        "the fresh index was rewritten"
    );
    // What the next build needs to keep them again: the files, and what they were made from.
    let manifest = || std::fs::read_to_string(book.path().join("book/.srebook-manifest")).unwrap();
    let first = manifest();
    build();
    assert_eq!(manifest(), first);
    assert!(first.lines().any(|l| l.starts_with("label\tsearch\t")), "no label for search/:\n{first}");
    assert!(first.lines().filter(|l| l.contains("\tsearch/")).count() >= 3);
    let source = book.path().join("content/a.md");
    let mut text = std::fs::read_to_string(&source).unwrap();
    text.push_str("\n## 3. Why keep a zebracorn runbook?\n\nBecause zebracorns page at night.\n");
    std::fs::write(&source, text).unwrap();
    build();
    let browser_index: String = walkdir::WalkDir::new(book.path().join("book/search"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(browser_index.contains("zebracorn"), "the browser index misses the edit");
    srebook(book.path())
        .args(["search", "zebracorn"])
        .assert()
        .success()
        .stdout(predicates::str::contains("zebracorn"));
    assert_ne!(std::fs::metadata(&tantivy).unwrap().modified().unwrap(), tantivy_before);
}

/// Every file of the site under `dir` with its bytes, by relative path.
fn site_files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.file_name() != ".srebook-manifest")
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Rebuilds reuse the site they replace as their next staging folder; what
/// they publish is still exactly what a build into an empty folder makes,
/// edit after edit, with nothing left over from a removed source.
#[test]
fn a_rebuild_over_the_replaced_site_publishes_what_a_fresh_build_does() {
    let book = common::small_book();
    let build = |out: &str| srebook(book.path()).args(["build", "--quiet", "--out", out]).assert().success();
    let source = book.path().join("content/a.md");
    let original = std::fs::read_to_string(&source).unwrap();
    let edits = [
        format!("{original}\n## 3. Why keep a zebracorn runbook?\n\nBecause zebracorns page at night.\n"),
        format!("{original}\n## 3. Why keep a unicorn runbook?\n\nBecause unicorns page at dawn.\n"),
        original.clone(),
    ];
    build("book");
    for (n, text) in edits.iter().enumerate() {
        std::fs::write(&source, text).unwrap();
        build("book");
        let fresh = format!("fresh{n}");
        build(&fresh);
        assert_eq!(site_files(&book.path().join("book")), site_files(&book.path().join(&fresh)), "after edit {n}");
    }
    assert!(book.path().join(".book.srebook-spare/.srebook-output").is_file(), "the replaced site was not kept");
    std::fs::remove_file(book.path().join("content/b.txt")).unwrap();
    build("book");
    build("fresh-without-b");
    assert_eq!(site_files(&book.path().join("book")), site_files(&book.path().join("fresh-without-b")));
}
