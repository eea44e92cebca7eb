//! The code languages detected by earlier builds, by block content.
//!
//! Compiling the detector's patterns is the largest fixed cost of reading
//! a small book, and from one build to the next almost every code block is
//! unchanged. The file (`.<output>.srebook-languages`, beside the output
//! folder, like the highlight cache) holds a 128-bit hash of each block the
//! last build looked at and the language found; its header carries a key
//! derived, at compile time, from the detector's source, so a changed
//! detector starts afresh. A missing, stale or damaged file is ignored.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{LazyLock, Mutex};

/// First line of the file: format, then the detector key.
const MAGIC: &str = concat!("srebook-languages-1 ", env!("SREBOOK_LANGUAGE_KEY"), "\n");

/// Hash of a block → (language, used by this process).
static MEMO: LazyLock<Mutex<HashMap<u128, (&'static str, bool)>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
/// Whether this process detected a language the file did not hold.
static ADDED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn key(code: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(code.as_bytes())
}

pub(super) fn get(code: &str) -> Option<&'static str> {
    let mut memo = MEMO.lock().ok()?;
    let (language, used) = memo.get_mut(&key(code))?;
    *used = true;
    Some(*language)
}

pub(super) fn put(code: &str, language: &'static str) {
    if let Ok(mut memo) = MEMO.lock() {
        memo.insert(key(code), (language, true));
        ADDED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Adds the languages saved in `file` by an earlier build; returns how many.
pub fn load(file: &Path) -> usize {
    let Ok(text) = std::fs::read_to_string(file) else { return 0 };
    let Some(body) = text.strip_prefix(MAGIC) else { return 0 };
    let mut records = Vec::new();
    for line in body.lines() {
        let Some((hash, name)) = line.split_once('\t') else { return 0 };
        let (Ok(hash), Some(language)) = (u128::from_str_radix(hash, 16), super::codelang::known_language(name)) else {
            return 0;
        };
        records.push((hash, language));
    }
    let Ok(mut memo) = MEMO.lock() else { return 0 };
    let count = records.len();
    for (hash, language) in records {
        memo.entry(hash).or_insert((language, false));
    }
    count
}

/// Writes the languages of the blocks this process looked at to `file`
/// (through a temporary file and a rename), unless it detected none anew:
/// then `file` already holds them.
pub fn save(file: &Path) -> std::io::Result<()> {
    if !ADDED.load(std::sync::atomic::Ordering::Relaxed) && file.exists() {
        return Ok(());
    }
    let mut text = String::from(MAGIC);
    if let Ok(memo) = MEMO.lock() {
        let mut used: Vec<(&u128, &&str)> =
            memo.iter().filter(|(_, (_, used))| *used).map(|(hash, (language, _))| (hash, language)).collect();
        used.sort_unstable();
        for (hash, language) in used {
            text.push_str(&format!("{hash:032x}\t{language}\n"));
        }
    }
    crate::output::replace_file(file, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_languages_load_back_and_a_damaged_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("languages");
        let code = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: memo-test\n";
        let language = super::super::detect_language(code);
        assert_eq!(language, "yaml");
        save(&file).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with(MAGIC) && text.contains(&format!("{:032x}\tyaml\n", key(code))));
        assert!(load(&file) >= 1);
        std::fs::write(&file, format!("{MAGIC}{:032x}\tklingon\n", key(code))).unwrap();
        assert_eq!(load(&file), 0, "an unknown language name is damage");
        std::fs::write(&file, "srebook-languages-1 0000000000000000\n").unwrap();
        assert_eq!(load(&file), 0, "another detector's file is not read");
    }
}
