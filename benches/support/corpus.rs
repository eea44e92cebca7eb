//! The generated corpora the benches share.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Generates (once) and returns `target/bench-corpus/syn{questions}`, made by
/// `../shared/corpus/gen_corpus.py`.
pub fn generated_corpus(questions: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/bench-corpus/syn{questions}"));
    if !dir.join("manifest.json").is_file() {
        let status = Command::new("python3")
            .arg(root.join("../shared/corpus/gen_corpus.py"))
            .args(["--questions", &questions.to_string(), "--out"])
            .arg(&dir)
            .status()
            .expect("python3 runs gen_corpus.py");
        assert!(status.success(), "gen_corpus.py failed");
    }
    dir
}
