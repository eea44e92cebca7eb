//! The code languages detected by earlier builds, by block content.
//!
//! Compiling the detector's patterns is the largest fixed cost of reading
//! a small book, and from one build to the next almost every code block is
//! unchanged. The file (`.<output>.srebook-languages`, beside the output
//! folder, like the highlight cache) holds the language found for each
//! block the last build looked at; its header carries a key derived, at
//! compile time, from the detector's source, so a changed detector starts
//! afresh (see [`KeptMemo`] for the rest).

use std::path::Path;
use std::sync::LazyLock;

use crate::output::{memo_key, KeptMemo};

/// First line of the file: format, then the detector key.
const HEADER: &str = concat!("srebook-languages-2 ", env!("SREBOOK_LANGUAGE_KEY"), "\n");

/// Languages are names from a fixed list: no budget needed.
static MEMO: LazyLock<KeptMemo<&'static str>> = LazyLock::new(|| KeptMemo::new(HEADER, usize::MAX, |_| 0));

fn key(code: &str) -> u128 {
    memo_key(&[code])
}

pub(super) fn get(code: &str) -> Option<&'static str> {
    MEMO.get(key(code))
}

pub(super) fn put(code: &str, language: &'static str) {
    MEMO.put(key(code), language);
}

/// Adds the languages saved in `file` by an earlier build; returns how many.
/// A name the detector does not give is damage: the file is ignored.
pub fn load(file: &Path) -> usize {
    MEMO.load(file, |name| super::codelang::known_language(std::str::from_utf8(name).ok()?))
}

/// Writes the languages of the blocks this process looked at to `file`,
/// unless it detected none anew.
pub fn save(file: &Path) -> std::io::Result<()> {
    MEMO.save(file, |language| language.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_languages_load_back_and_an_unknown_name_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("languages");
        let code = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: memo-test\n";
        assert_eq!(super::super::detect_language(code), "yaml");
        save(&file).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(HEADER.as_bytes()));
        assert!(load(&file) >= 1);
        assert_eq!(get(code), Some("yaml"));
        // The same file with one language renamed to one the detector
        // never gives.
        let at = bytes.windows(4).position(|w| w == b"yaml").unwrap();
        let damaged = [&bytes[..at], b"yamm", &bytes[at + 4..]].concat();
        std::fs::write(&file, damaged).unwrap();
        assert_eq!(load(&file), 0);
    }
}
