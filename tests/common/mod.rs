//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The real sample documents, beside the repository as CI has them.
pub fn seeds_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/seeds is not beside the repository");
        None
    }
}

/// The hand labels for the seeds, one JSON value per line.
pub fn gold_questions() -> Option<Vec<serde_json::Value>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/gold/questions.jsonl");
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect())
}

/// The `srebook` binary, run from `dir`.
pub fn srebook(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("srebook").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// A folder with a small book: book.toml and two sources.
pub fn small_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    std::fs::write(
        dir.path().join("content/a.md"),
        "# Basics\n\n## 1. What is an error budget?\n\nThe unreliability a service may spend in a window.\n\n\
         ## 2. How do you run an incident review?\n\nStart from a timeline, stay blameless, and track actions.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/b.txt"),
        "Q1. How would you design a cache for a read-heavy API? (System Design)\n\nUse a read-through cache with TTLs.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Small\"\n").unwrap();
    dir
}

/// Every file under `dir` with its contents, for before/after comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}
