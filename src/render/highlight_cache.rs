//! The memo of highlighted code, kept in memory for one process and, for
//! `srebook build`, on disk between builds.
//!
//! syntect is the costliest part of a build (bash and YAML highlight at
//! under 1 MB/s), and from one build to the next almost every snippet is
//! unchanged. The file (`.<output>.srebook-highlight`, beside the output
//! folder) holds the snippets the last build used and is only trusted by a
//! binary with the same highlighter: its header carries a key derived, at
//! compile time, from the highlighter's source and the locked versions of
//! syntect and two-face. A missing, stale or damaged file is ignored.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::path::Path;
use std::sync::{LazyLock, Mutex};

/// Most bytes (code plus HTML) the memo holds.
const MAX_BYTES: usize = 64 << 20;

/// First bytes of the file: format, then the highlighter key.
const MAGIC: &str = concat!("srebook-highlight-1 ", env!("SREBOOK_HIGHLIGHT_KEY"), "\n");

/// A fixed hasher: keys do not leave the process, but the same keys every
/// run keep the file's order stable.
type Hasher = BuildHasherDefault<DefaultHasher>;

struct Memo {
    bytes: usize,
    /// Whether this process highlighted anything the file did not hold:
    /// if not, the file already has every snippet the build used.
    added: bool,
    /// Hash of (language, code) → (language, code, HTML, used by this process).
    entries: HashMap<u64, (String, String, String, bool), Hasher>,
}

static MEMO: LazyLock<Mutex<Memo>> =
    LazyLock::new(|| Mutex::new(Memo { bytes: 0, added: false, entries: HashMap::with_hasher(Hasher::default()) }));

fn key(lang: &str, code: &str) -> u64 {
    Hasher::default().hash_one((lang, code))
}

/// The memoised HTML of `code` in `lang`, if any.
pub fn get(lang: &str, code: &str) -> Option<String> {
    let mut memo = MEMO.lock().ok()?;
    let (cached_lang, cached_code, html, used) = memo.entries.get_mut(&key(lang, code))?;
    (cached_lang == lang && cached_code == code).then(|| {
        *used = true;
        html.clone()
    })
}

/// Remembers the HTML of `code` in `lang`, while the memo has room.
pub fn put(lang: &str, code: &str, html: &str) {
    if let Ok(mut memo) = MEMO.lock() {
        insert(&mut memo, lang, code, html, true);
    }
}

fn insert(memo: &mut Memo, lang: &str, code: &str, html: &str, used: bool) {
    let cost = code.len() + html.len();
    if memo.bytes + cost <= MAX_BYTES {
        let key = key(lang, code);
        if !memo.entries.contains_key(&key) {
            memo.bytes += cost;
            memo.added |= used;
            memo.entries.insert(key, (lang.to_string(), code.to_string(), html.to_string(), used));
        }
    }
}

/// Adds the snippets saved in `file` by an earlier build to the memo, and
/// returns how many there were. Anything wrong with the file just leaves the
/// memo as it was.
pub fn load(file: &Path) -> usize {
    let Ok(bytes) = std::fs::read(file) else { return 0 };
    let Some(body) = bytes.strip_prefix(MAGIC.as_bytes()) else { return 0 };
    let Some(records) = parse(body) else { return 0 };
    let Ok(mut memo) = MEMO.lock() else { return 0 };
    let count = records.len();
    for [lang, code, html] in records {
        insert(&mut memo, lang, code, html, false);
    }
    count
}

/// Writes the snippets this process used to `file` (through a temporary
/// file and a rename, so a reader never sees half of it), unless it
/// highlighted nothing new: then `file`, which it was loaded from, already
/// holds them all (a large book's file is tens of megabytes).
pub fn save(file: &Path) -> std::io::Result<()> {
    let mut out = Vec::from(MAGIC.as_bytes());
    if let Ok(memo) = MEMO.lock() {
        if !memo.added && file.exists() {
            return Ok(());
        }
        let mut used: Vec<&(String, String, String, bool)> = memo.entries.values().filter(|e| e.3).collect();
        used.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        for (lang, code, html, _) in used {
            for field in [lang, code, html] {
                out.extend_from_slice(&(field.len() as u64).to_le_bytes());
                out.extend_from_slice(field.as_bytes());
            }
        }
    }
    crate::output::replace_file(file, &out)
}

/// The records of a file body: (language, code, HTML) triples, each field
/// a little-endian u64 length and UTF-8 bytes. `None` if anything is off.
fn parse(mut body: &[u8]) -> Option<Vec<[&str; 3]>> {
    let mut records = Vec::new();
    while !body.is_empty() {
        let mut fields = [""; 3];
        for field in &mut fields {
            let (length, rest) = body.split_first_chunk::<8>()?;
            let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
            if length > rest.len() {
                return None;
            }
            *field = std::str::from_utf8(&rest[..length]).ok()?;
            body = &rest[length..];
        }
        records.push(fields);
    }
    Some(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_memo_loads_back_and_a_damaged_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("memo");
        put("bash", "echo cache-test\n", "<span>echo</span> cache-test\n");
        save(&file).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(MAGIC.as_bytes()));
        let records = parse(&bytes[MAGIC.len()..]).unwrap();
        assert!(records.contains(&["bash", "echo cache-test\n", "<span>echo</span> cache-test\n"]));
        // Truncated anywhere, the body does not parse; a foreign header is
        // not even read.
        assert!(parse(&bytes[MAGIC.len()..bytes.len() - 1]).is_none());
        std::fs::write(&file, b"srebook-highlight-1 0000000000000000\n").unwrap();
        load(&file);
        assert_eq!(get("bash", "echo cache-test\n").as_deref(), Some("<span>echo</span> cache-test\n"));
        assert_eq!(get("bash", "echo other\n"), None);
    }
}
