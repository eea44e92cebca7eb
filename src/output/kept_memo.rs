//! A memo kept between builds, in a file beside the output folder.
//!
//! Some of a build's work depends only on one piece of the sources and on
//! srebook's own code: the highlighted HTML of a snippet, the language of an
//! untagged code block. From one build to the next almost every piece is
//! unchanged, so a build keeps what it worked out in a file beside the
//! output folder (`.<output>.srebook-<kind>`, see [`super::beside_output`])
//! and the next build starts from it.
//!
//! Pieces are keyed by a 128-bit XXH3 hash of what they were worked out
//! from. The file opens with a header line naming its format and a key that
//! `build.rs` derives from the code doing the work, so a changed srebook
//! starts afresh; a missing, stale or damaged file is ignored. Only the
//! pieces this process used are saved, so the file holds one book's worth,
//! and it is rewritten only when the process worked out something new.
//!
//! After the header, each record is the key (16 bytes), the value's length
//! (8 bytes) and the value, little-endian.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use xxhash_rust::xxh3::Xxh3;

/// The key of a value worked out from `parts`: each part is hashed with its
/// length, so no two lists of parts share a key by concatenation.
pub fn memo_key(parts: &[&str]) -> u128 {
    let mut hasher = Xxh3::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.digest128()
}

/// A memo of values of type `V`, in memory for one process and kept on
/// disk between builds.
pub struct KeptMemo<V> {
    /// First line of the file: format and code key.
    header: &'static str,
    /// Most bytes the values may take, as `weigh` counts them; past this,
    /// new values are not kept.
    max_bytes: usize,
    weigh: fn(&V) -> usize,
    state: Mutex<State<V>>,
}

struct State<V> {
    /// Key → value, and whether this process used it.
    entries: HashMap<u128, (V, bool)>,
    bytes: usize,
    /// Whether this process worked out a value the file did not hold.
    added: bool,
}

impl<V: Clone> KeptMemo<V> {
    /// An empty memo whose file starts with `header` (a line, ending in
    /// `\n`), holding at most `max_bytes` of values as `weigh` counts them.
    pub fn new(header: &'static str, max_bytes: usize, weigh: fn(&V) -> usize) -> KeptMemo<V> {
        let state = State { entries: HashMap::new(), bytes: 0, added: false };
        KeptMemo { header, max_bytes, weigh, state: Mutex::new(state) }
    }

    /// The value kept under `key`, if any.
    pub fn get(&self, key: u128) -> Option<V> {
        let mut state = self.state.lock().ok()?;
        let (value, used) = state.entries.get_mut(&key)?;
        *used = true;
        Some(value.clone())
    }

    /// Keeps `value` under `key`, while the memo has room.
    pub fn put(&self, key: u128, value: V) {
        if let Ok(mut state) = self.state.lock() {
            self.insert(&mut state, key, value, true);
        }
    }

    fn insert(&self, state: &mut State<V>, key: u128, value: V, used: bool) {
        let weight = (self.weigh)(&value);
        if state.bytes + weight <= self.max_bytes && !state.entries.contains_key(&key) {
            state.bytes += weight;
            state.added |= used;
            state.entries.insert(key, (value, used));
        }
    }

    /// Adds the values an earlier build saved in `file`, each read back by
    /// `decode`; returns how many. Anything wrong with the file (a foreign
    /// header, a cut record, a value `decode` refuses) leaves the memo as
    /// it was and returns 0.
    pub fn load(&self, file: &Path, decode: impl Fn(&[u8]) -> Option<V>) -> usize {
        let Ok(bytes) = std::fs::read(file) else { return 0 };
        let Some(body) = bytes.strip_prefix(self.header.as_bytes()) else { return 0 };
        let Some(records) = parse(body, decode) else { return 0 };
        let Ok(mut state) = self.state.lock() else { return 0 };
        let count = records.len();
        for (key, value) in records {
            self.insert(&mut state, key, value, false);
        }
        count
    }

    /// Writes the values this process used to `file`, each as `encode`
    /// gives it, through a temporary file and a rename so a reader never
    /// sees half of it; unless nothing new was worked out: then `file`,
    /// which the memo was loaded from, already holds them all.
    pub fn save(&self, file: &Path, encode: impl for<'v> Fn(&'v V) -> &'v [u8]) -> std::io::Result<()> {
        let mut out = Vec::from(self.header.as_bytes());
        if let Ok(state) = self.state.lock() {
            if !state.added && file.exists() {
                return Ok(());
            }
            // In key order, so the same book gives the same file.
            let mut used: Vec<(&u128, &V)> =
                state.entries.iter().filter(|(_, (_, used))| *used).map(|(key, (value, _))| (key, value)).collect();
            used.sort_unstable_by_key(|(key, _)| **key);
            for (key, value) in used {
                let encoded = encode(value);
                out.extend_from_slice(&key.to_le_bytes());
                out.extend_from_slice(&(encoded.len() as u64).to_le_bytes());
                out.extend_from_slice(encoded);
            }
        }
        super::replace_file(file, &out)
    }
}

/// The records of a file body, or `None` if anything is off.
fn parse<V>(mut body: &[u8], decode: impl Fn(&[u8]) -> Option<V>) -> Option<Vec<(u128, V)>> {
    let mut records = Vec::new();
    while !body.is_empty() {
        let (key, rest) = body.split_first_chunk::<16>()?;
        let (length, rest) = rest.split_first_chunk::<8>()?;
        let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
        let value = rest.get(..length)?;
        records.push((u128::from_le_bytes(*key), decode(value)?));
        body = &rest[length..];
    }
    Some(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "srebook-test-1 0123456789abcdef\n";

    fn memo() -> KeptMemo<String> {
        KeptMemo::new(HEADER, 64, String::len)
    }

    fn decode(bytes: &[u8]) -> Option<String> {
        String::from_utf8(bytes.to_vec()).ok()
    }

    #[test]
    fn a_saved_memo_loads_back_with_only_what_was_used() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("memo");
        let first = memo();
        first.put(memo_key(&["bash", "echo a\n"]), "A".to_string());
        first.put(memo_key(&["bash", "echo b\n"]), "B".to_string());
        first.save(&file, String::as_bytes).unwrap();

        let second = memo();
        assert_eq!(second.load(&file, decode), 2);
        assert_eq!(second.get(memo_key(&["bash", "echo a\n"])).as_deref(), Some("A"));
        // Nothing new: the file is left as it is.
        let before = std::fs::read(&file).unwrap();
        second.save(&file, String::as_bytes).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), before);
        // Something new: the file keeps what this process used, not "B".
        second.put(memo_key(&["bash", "echo c\n"]), "C".to_string());
        second.save(&file, String::as_bytes).unwrap();
        let third = memo();
        assert_eq!(third.load(&file, decode), 2);
        assert_eq!(third.get(memo_key(&["bash", "echo b\n"])), None);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("memo");
        let kept = memo();
        kept.put(7, "seven".to_string());
        kept.save(&file, String::as_bytes).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        for cut in 1..bytes.len() - HEADER.len() {
            std::fs::write(&file, &bytes[..bytes.len() - cut]).unwrap();
            assert_eq!(memo().load(&file, decode), 0, "cut by {cut}");
        }
        std::fs::write(&file, [b"srebook-test-1 fedcba9876543210\n", &bytes[HEADER.len()..]].concat()).unwrap();
        assert_eq!(memo().load(&file, decode), 0, "another build's file");
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(memo().load(&file, |_| None::<String>), 0, "a value decode refuses");
        assert_eq!(memo().load(&file, decode), 1);
    }

    #[test]
    fn values_past_the_budget_are_not_kept_and_keys_do_not_run_together() {
        let kept = memo();
        kept.put(1, "x".repeat(60));
        kept.put(2, "y".repeat(10));
        assert!(kept.get(1).is_some() && kept.get(2).is_none());
        assert_ne!(memo_key(&["ab", "c"]), memo_key(&["a", "bc"]));
    }
}
