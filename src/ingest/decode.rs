//! Bytes on disk to clean text: encoding detection, mojibake repair, line
//! endings, ligatures and stray control characters.
//!
//! The one invariant: the output has exactly the lines of the input, so every
//! later line number is a line number in the original file.

use encoding_rs::{Encoding, MACINTOSH, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::model::{Diagnostic, Repair, Severity, SourceDoc};

/// The result of decoding one file: a document, or the reason there is none.
#[derive(Debug)]
pub enum Decoded {
    Doc(SourceDoc),
    /// Not text (or empty): skipped with a warning.
    Skipped(Diagnostic),
}

/// Decodes `bytes` read from `path` (relative to the content dir).
pub fn decode(path: &str, bytes: &[u8]) -> Decoded {
    let mut repairs = Vec::new();
    let repair = |line: usize, kind: &str, detail: String| Repair {
        source: path.to_string(),
        line,
        kind: kind.to_string(),
        detail,
    };
    let skip = |kind: &str, message: String| {
        Decoded::Skipped(Diagnostic {
            source: path.to_string(),
            line: 0,
            severity: Severity::Warning,
            kind: kind.to_string(),
            message,
        })
    };

    if bytes.iter().all(u8::is_ascii_whitespace) {
        return skip("empty", "file is empty; skipped".into());
    }

    let text = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        repairs.push(repair(1, "encoding", format!("decoded {} (byte-order mark removed)", encoding.name())));
        text.into_owned()
    } else if let Some(encoding) = sniff_utf16(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        repairs.push(repair(1, "encoding", format!("decoded {} without a byte-order mark", encoding.name())));
        text.into_owned()
    } else if looks_binary(bytes) {
        return skip("binary", "binary file (not text); skipped".into());
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => decode_invalid_utf8(bytes, &mut |line, kind, detail| repairs.push(repair(line, kind, detail))),
        }
    };

    let text = normalise_line_endings(text, &mut |line, detail| repairs.push(repair(line, "line-endings", detail)));
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let line_no = index + 1;
        let (fixed, notes) = repair_line(line);
        for (kind, detail) in notes {
            repairs.push(repair(line_no, kind, detail));
        }
        out.push_str(&fixed);
    }
    repairs.extend(super::pdf::repair_pdf_artifacts(path, &mut out));
    Decoded::Doc(SourceDoc { path: path.to_string(), text: out, repairs })
}

/// UTF-16 without a BOM: every other byte is NUL in mostly-ASCII text.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_nuls * 10 > pairs * 9 && even_nuls == 0 {
        Some(UTF_16LE)
    } else if even_nuls * 10 > pairs * 9 && odd_nuls == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Known binary signatures, or NUL bytes in the first 8 KiB.
fn looks_binary(bytes: &[u8]) -> bool {
    const SIGNATURES: [&[u8]; 6] = [b"\x89PNG", b"\xFF\xD8\xFF", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7FELF"];
    SIGNATURES.iter().any(|sig| bytes.starts_with(sig)) || bytes[..bytes.len().min(8192)].contains(&0)
}

/// Invalid UTF-8: a legacy single-byte file (Windows-1252, which covers
/// Latin-1) when there is no valid multi-byte UTF-8 at all, else UTF-8 with a
/// few corrupt bytes, which become U+FFFD and are reported line by line.
fn decode_invalid_utf8(bytes: &[u8], report: &mut dyn FnMut(usize, &str, String)) -> String {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid_multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                valid_multibyte += std::str::from_utf8(good).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                let skip = e.error_len().unwrap_or(bad.len());
                invalid += 1;
                rest = &bad[skip..];
            }
        }
    }
    if valid_multibyte == 0 || invalid > valid_multibyte * 4 {
        let (text, _, _) = WINDOWS_1252.decode(bytes);
        for (index, line) in text.split('\n').enumerate() {
            if !line.is_ascii() {
                let chars: String = unique_non_ascii(line);
                report(index + 1, "encoding", format!("decoded Windows-1252 bytes as UTF-8: {chars}"));
            }
        }
        text.into_owned()
    } else {
        let text = String::from_utf8_lossy(bytes).into_owned();
        for (index, line) in text.split('\n').enumerate() {
            let count = line.matches('\u{FFFD}').count();
            if count > 0 {
                report(
                    index + 1,
                    "undecodable",
                    format!("{count} invalid UTF-8 byte sequence(s) replaced with U+FFFD"),
                );
            }
        }
        text
    }
}

fn unique_non_ascii(line: &str) -> String {
    let mut seen: Vec<char> = line.chars().filter(|c| !c.is_ascii()).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.into_iter().collect()
}

/// CRLF and lone CR become LF. A lone CR is a line break, so old-Mac files
/// keep their lines.
fn normalise_line_endings(text: String, report: &mut dyn FnMut(usize, String)) -> String {
    if !text.contains('\r') {
        return text;
    }
    let crlf = text.matches("\r\n").count();
    let lone = text.matches('\r').count() - crlf;
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut detail = Vec::new();
    if crlf > 0 {
        detail.push(format!("{crlf} CRLF"));
    }
    if lone > 0 {
        detail.push(format!("{lone} CR"));
    }
    report(1, format!("normalised {} line ending(s) to LF", detail.join(" and ")));
    normalised
}

/// Repairs one line: mojibake, ligatures, control characters. Returns the
/// fixed line and a (kind, detail) note for each kind of repair made.
fn repair_line(line: &str) -> (String, Vec<(&'static str, String)>) {
    let mut notes = Vec::new();
    let mut text = std::borrow::Cow::Borrowed(line);
    if !line.is_ascii() {
        for table in [mojibake_table(MACINTOSH), mojibake_table(WINDOWS_1252)] {
            if let Some((fixed, examples)) = repair_mojibake(&text, table) {
                notes.push(("mojibake", format!("UTF-8 read as {}: {}", table.name, examples.join(", "))));
                text = std::borrow::Cow::Owned(fixed);
            }
        }
        if text.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)) {
            let expanded: String = text.chars().map(expand_ligature).collect();
            notes.push(("ligature", "expanded typographic ligatures".to_string()));
            text = std::borrow::Cow::Owned(expanded);
        }
    }
    if text.chars().any(|c| c.is_control() && c != '\t') {
        let removed = text.chars().filter(|c| c.is_control() && *c != '\t').count();
        let kept: String = text.chars().filter(|c| !c.is_control() || *c == '\t').collect();
        let what = if line.contains('\u{c}') { "form feed / control" } else { "control" };
        notes.push(("control-chars", format!("removed {removed} {what} character(s)")));
        text = std::borrow::Cow::Owned(kept);
    }
    (text.into_owned(), notes)
}

fn expand_ligature(c: char) -> String {
    match c {
        '\u{FB00}' => "ff".into(),
        '\u{FB01}' => "fi".into(),
        '\u{FB02}' => "fl".into(),
        '\u{FB03}' => "ffi".into(),
        '\u{FB04}' => "ffl".into(),
        '\u{FB05}' | '\u{FB06}' => "st".into(),
        other => other.to_string(),
    }
}

/// The upper half of a single-byte code page, reversed: char → byte.
struct MojibakeTable {
    name: &'static str,
    byte_of: std::collections::HashMap<char, u8>,
}

fn mojibake_table(encoding: &'static Encoding) -> &'static MojibakeTable {
    use std::sync::OnceLock;
    static MAC: OnceLock<MojibakeTable> = OnceLock::new();
    static WIN: OnceLock<MojibakeTable> = OnceLock::new();
    let (cell, name) = if encoding == MACINTOSH { (&MAC, "Mac Roman") } else { (&WIN, "Windows-1252") };
    cell.get_or_init(|| {
        let mut byte_of = std::collections::HashMap::new();
        for byte in 0x80u8..=0xFF {
            let bytes = [byte];
            let (decoded, _, had_errors) = encoding.decode(&bytes);
            let mut chars = decoded.chars();
            if let (Some(c), None, false) = (chars.next(), chars.next(), had_errors) {
                byte_of.insert(c, byte);
            }
        }
        MojibakeTable { name, byte_of }
    })
}

/// Finds runs of characters that are the code page's reading of UTF-8 bytes
/// and decodes them back. A sequence is only replaced when its bytes form one
/// complete, valid UTF-8 character that is printable and not itself ASCII:
/// that is what makes the repair unambiguous.
fn repair_mojibake(text: &str, table: &MojibakeTable) -> Option<(String, Vec<String>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut examples = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some((decoded, used)) = decode_sequence(&chars[i..], table) {
            if examples.len() < 4 {
                let original: String = chars[i..i + used].iter().collect();
                examples.push(format!("{original} → {decoded}"));
            }
            out.push(decoded);
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (!examples.is_empty()).then_some((out, examples))
}

fn decode_sequence(chars: &[char], table: &MojibakeTable) -> Option<(char, usize)> {
    let lead = *table.byte_of.get(&chars[0])?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    if chars.len() < len {
        return None;
    }
    let mut bytes = vec![lead];
    for c in &chars[1..len] {
        let byte = *table.byte_of.get(c)?;
        if !(0x80..=0xBF).contains(&byte) {
            return None;
        }
        bytes.push(byte);
    }
    let decoded = std::str::from_utf8(&bytes).ok()?.chars().next()?;
    is_typographic(decoded).then_some((decoded, len))
}

/// The characters that mojibake in English technical writing stands for:
/// Latin letters, punctuation, arrows, maths, box drawing, symbols and
/// emoji. Anything else (say, an Arabic mark) means the run was real text.
fn is_typographic(c: char) -> bool {
    matches!(c as u32,
        0xA0..=0x24F | 0x370..=0x3FF | 0x2000..=0x2BFF | 0x3000..=0x303F | 0xFE0F | 0x1F000..=0x1FAFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> (String, Vec<Repair>) {
        match decode("t.md", bytes) {
            Decoded::Doc(doc) => (doc.text, doc.repairs),
            Decoded::Skipped(d) => panic!("skipped: {d}"),
        }
    }

    #[test]
    fn repairs_mac_roman_mojibake() {
        let (text, repairs) = text_of("a ‚Äî b ‚Üì c √ó d ‚úÖ e ‚Äô".as_bytes());
        assert_eq!(text, "a — b ↓ c × d ✅ e ’");
        assert_eq!(repairs.len(), 1);
        assert_eq!(repairs[0].kind, "mojibake");
        assert_eq!(repairs[0].line, 1);
    }

    #[test]
    fn repairs_windows_1252_mojibake() {
        let (text, _) = text_of("it‚Äôs fine and itâ€™s fine".as_bytes());
        assert_eq!(text, "it’s fine and it’s fine");
    }

    #[test]
    fn leaves_real_accents_alone() {
        let (text, repairs) = text_of("Café, naïve, Ñandú, résumé, √2 ≈ 1.41".as_bytes());
        assert_eq!(text, "Café, naïve, Ñandú, résumé, √2 ≈ 1.41");
        assert!(repairs.is_empty(), "{repairs:?}");
    }

    #[test]
    fn decodes_windows_1252_files() {
        let (text, repairs) = text_of(b"\x93quoted\x94 caf\xe9 \x96 dash\n");
        assert_eq!(text, "“quoted” café – dash\n");
        assert_eq!(repairs[0].kind, "encoding");
    }

    #[test]
    fn decodes_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Q1. Why?\r\nBecause.".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let (text, repairs) = text_of(&bytes);
        assert_eq!(text, "Q1. Why?\nBecause.");
        assert!(repairs.iter().any(|r| r.kind == "line-endings"));
    }

    #[test]
    fn strips_utf8_bom_and_keeps_line_count() {
        let (text, _) = text_of(b"\xEF\xBB\xBFone\r\ntwo\rthree\x0c\nfour");
        assert_eq!(text, "one\ntwo\nthree\nfour");
    }

    #[test]
    fn corrupt_utf8_is_reported_not_fatal() {
        let (text, repairs) = text_of(b"ok \xE2\x80\x94 fine\nbad \xFF\xFE x");
        assert_eq!(text, "ok \u{2014} fine\nbad \u{FFFD}\u{FFFD} x");
        assert_eq!(repairs.len(), 1);
        assert_eq!((repairs[0].line, repairs[0].kind.as_str()), (2, "undecodable"));
    }

    #[test]
    fn binary_and_empty_files_are_skipped() {
        assert!(matches!(decode("x.png", b"\x89PNG\r\n\x1a\n\0\0"), Decoded::Skipped(_)));
        assert!(matches!(decode("x.md", b"  \n"), Decoded::Skipped(_)));
    }

    #[test]
    fn expands_ligatures() {
        let (text, _) = text_of("conﬁguration ﬂow".as_bytes());
        assert_eq!(text, "configuration flow");
    }
}
