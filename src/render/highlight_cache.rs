//! The memo of highlighted code, kept in memory for one process and, for
//! `srebook build`, on disk between builds.
//!
//! syntect is the costliest part of a build (bash and YAML highlight at
//! under 1 MB/s), and from one build to the next almost every snippet is
//! unchanged. The file (`.<output>.srebook-highlight`, beside the output
//! folder) holds the snippets the last build used and is only trusted by a
//! binary with the same highlighter: its header carries a key derived, at
//! compile time, from the highlighter's source and the locked versions of
//! syntect and two-face (see [`KeptMemo`] for the rest).

use std::path::Path;
use std::sync::LazyLock;

use crate::output::{memo_key, KeptMemo};

/// Most bytes of HTML the memo holds.
const MAX_BYTES: usize = 64 << 20;

/// First bytes of the file: format, then the highlighter key.
const HEADER: &str = concat!("srebook-highlight-2 ", env!("SREBOOK_HIGHLIGHT_KEY"), "\n");

static MEMO: LazyLock<KeptMemo<String>> = LazyLock::new(|| KeptMemo::new(HEADER, MAX_BYTES, String::len));

fn key(lang: &str, code: &str) -> u128 {
    memo_key(&[lang, code])
}

/// The memoised HTML of `code` in `lang`, if any.
pub fn get(lang: &str, code: &str) -> Option<String> {
    MEMO.get(key(lang, code))
}

/// Remembers the HTML of `code` in `lang`, while the memo has room.
pub fn put(lang: &str, code: &str, html: &str) {
    MEMO.put(key(lang, code), html.to_string());
}

/// Adds the snippets saved in `file` by an earlier build to the memo, and
/// returns how many there were.
pub fn load(file: &Path) -> usize {
    MEMO.load(file, |html| String::from_utf8(html.to_vec()).ok())
}

/// Writes the snippets this process used to `file`, unless it highlighted
/// nothing new (a large book's file is tens of megabytes).
pub fn save(file: &Path) -> std::io::Result<()> {
    MEMO.save(file, String::as_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_html_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("memo");
        put("bash", "echo cache-test\n", "<span>echo</span> cache-test\n");
        save(&file).unwrap();
        assert!(std::fs::read(&file).unwrap().starts_with(HEADER.as_bytes()));
        assert!(load(&file) >= 1);
        assert_eq!(get("bash", "echo cache-test\n").as_deref(), Some("<span>echo</span> cache-test\n"));
        assert_eq!(get("bash", "echo other\n"), None);
        assert_eq!(get("sh", "echo cache-test\n"), None, "the language is part of the key");
    }
}
