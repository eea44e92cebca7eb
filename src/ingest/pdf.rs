//! Damage that PDF extraction leaves in text: page numbers, running headers
//! and footers, and words hyphenated at a line end.
//!
//! Every fix keeps the document's line count, so line numbers stay true to
//! the original file: dropped lines become blank, a rejoined word moves up
//! onto the line where it started.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::model::Repair;

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-–—]\s*)?(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s*(?:of|/)\s*\d{1,4})(?:\s*[-–—])?\s*$|^\s*[-–—]\s*\d{1,4}\s*[-–—]\s*$")
        .unwrap()
});
static HYPHENATED_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"([A-Za-z]{2,})-$").unwrap());
static LEADING_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([a-z]{2,})([.,;:!?)]*)(\s+|$)").unwrap());

/// Word endings that are never words on their own: a line that starts with
/// one after a hyphen is the rest of a split word.
const SUFFIXES: [&str; 24] = [
    "ability", "ibility", "ation", "ition", "tion", "sion", "ment", "ments", "ness", "ity", "ance", "ence", "ous",
    "ive", "ally", "ize", "ise", "able", "ible", "ical", "ing", "ings", "ency", "ized",
];

/// Cleans `text` in place (line for line) and returns what it repaired.
pub fn repair_pdf_artifacts(path: &str, text: &mut String) -> Vec<Repair> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let prose = prose_lines(&lines);
    let mut repairs = Vec::new();
    let repair = |line: usize, kind: &str, detail: String| Repair {
        source: path.to_string(),
        line: line + 1,
        kind: kind.to_string(),
        detail,
    };

    for i in 0..lines.len() {
        // Page numbers are short and have digits: skip the regex otherwise.
        let candidate = lines[i].len() < 32 && lines[i].bytes().any(|b| b.is_ascii_digit());
        if candidate && prose[i] && PAGE_NUMBER.is_match(&lines[i]) {
            repairs.push(repair(i, "page-artifact", format!("dropped page number {:?}", lines[i].trim())));
            lines[i].clear();
        }
    }
    for i in running_headers(&lines, &prose) {
        repairs.push(repair(i, "page-artifact", format!("dropped running header or footer {:?}", lines[i].trim())));
        lines[i].clear();
    }
    // The vocabulary costs a pass over every word: only build it when some
    // line ends in a hyphen.
    let mut vocabulary: Option<Vocabulary> = None;
    for i in 0..lines.len().saturating_sub(1) {
        let ends_in_hyphen = lines[i].as_bytes().last() == Some(&b'-');
        if !(ends_in_hyphen && prose[i] && prose[i + 1]) {
            continue;
        }
        let Some(caps) = HYPHENATED_END.captures(&lines[i]) else { continue };
        let vocabulary = vocabulary.get_or_insert_with(|| build_vocabulary(&lines));
        let head = caps[1].to_string();
        let Some(next) = LEADING_WORD.captures(&lines[i + 1]) else { continue };
        let (tail, punctuation, rest_start) = (next[1].to_string(), next[2].to_string(), next.get(0).unwrap().end());
        let joined = format!("{}{}", head.to_lowercase(), tail);
        let hyphenated = format!("{}-{}", head.to_lowercase(), tail);
        let is_split_word = vocabulary.words.contains(&joined)
            || (!vocabulary.hyphenated.contains(&hyphenated) && SUFFIXES.iter().any(|s| tail == *s));
        let separator = if is_split_word { "" } else { "-" };
        let cut = lines[i].len() - 1;
        lines[i].truncate(cut);
        lines[i].push_str(&format!("{separator}{tail}{punctuation}"));
        let rest = lines[i + 1][rest_start..].to_string();
        lines[i + 1] = rest;
        let detail = if is_split_word {
            format!("rejoined {head}- + {tail} as {head}{tail}")
        } else {
            format!("kept the hyphen in {head}-{tail}")
        };
        repairs.push(repair(i, "hyphenation", detail));
    }
    *text = lines.join("\n");
    repairs
}

/// Lines outside code fences and front matter: the only ones worth mending.
fn prose_lines(lines: &[String]) -> Vec<bool> {
    let mut prose = vec![true; lines.len()];
    let mut fence: Option<char> = None;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let is_fence = marker.is_some_and(|m| trimmed.chars().take_while(|c| *c == m).count() >= 3);
        if is_fence {
            prose[i] = false;
            fence = match fence {
                Some(open) if Some(open) == marker => None,
                Some(open) => Some(open),
                None => marker,
            };
        } else if fence.is_some() || line.starts_with("    ") || line.starts_with('\t') {
            prose[i] = false;
        }
    }
    prose
}

/// Short lines repeated on three or more pages (each time next to a blank
/// line, where a page break falls) are running headers or footers.
fn running_headers(lines: &[String], prose: &[bool]) -> Vec<usize> {
    let mut seen: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        if line.len() < 4 || line.len() > 100 {
            continue;
        }
        let t = line.trim();
        let beside_blank = i == 0
            || i + 1 == lines.len()
            || lines[i - 1].trim().is_empty()
            || lines.get(i + 1).is_some_and(|l| l.trim().is_empty());
        let plain = !t.starts_with(['#', '-', '*', '|', '>', '+']) && !t.ends_with('?') && !t.ends_with(':');
        if prose[i] && beside_blank && plain && (4..=80).contains(&t.len()) && t.split_whitespace().count() <= 10 {
            seen.entry(t).or_default().push(i);
        }
    }
    // A repeat needs distance between occurrences: a real header recurs
    // once a page, not three times in a row.
    seen.into_values().filter(|at| at.len() >= 3 && at.windows(2).all(|w| w[1] - w[0] >= 15)).flatten().collect()
}

struct Vocabulary {
    words: HashSet<String>,
    hyphenated: HashSet<String>,
}

fn build_vocabulary(lines: &[String]) -> Vocabulary {
    static HYPHENATED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Za-z]+-[A-Za-z]+").unwrap());
    let mut words = HashSet::new();
    let mut hyphenated = HashSet::new();
    for line in lines {
        for word in line.split(|c: char| !c.is_alphabetic()).filter(|w| w.len() > 3) {
            words.insert(word.to_lowercase());
        }
        for m in HYPHENATED.find_iter(line) {
            hyphenated.insert(m.as_str().to_lowercase());
        }
    }
    Vocabulary { words, hyphenated }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(text: &str) -> (String, Vec<Repair>) {
        let mut text = text.to_string();
        let repairs = repair_pdf_artifacts("t.txt", &mut text);
        (text, repairs)
    }

    #[test]
    fn page_numbers_are_dropped_and_lines_kept() {
        let (text, repairs) = fix("one\n\nPage 3 of 12\n\ntwo\n- 4 -\n7 / 9");
        assert_eq!(text, "one\n\n\n\ntwo\n\n");
        assert_eq!(repairs.len(), 3);
        assert_eq!(repairs[0].line, 3);
    }

    #[test]
    fn hyphenated_words_rejoin_but_real_hyphens_stay() {
        let (text, _) = fix("We measure reli-\nability daily.\nThis is business-\ncritical work.");
        assert_eq!(text, "We measure reliability\ndaily.\nThis is business-critical\nwork.");
    }

    #[test]
    fn known_words_decide_the_join() {
        let (text, _) = fix("Our observ-\nability stack.\nobservability matters");
        assert!(text.starts_with("Our observability\nstack."), "{text}");
    }

    #[test]
    fn running_headers_are_dropped() {
        let mut doc = String::new();
        for page in 0..4 {
            doc.push_str("SRE Interview Guide\n\n");
            for line in 0..20 {
                doc.push_str(&format!("Body text {page} {line}.\n"));
            }
            doc.push('\n');
        }
        let (text, repairs) = fix(&doc);
        assert!(!text.contains("SRE Interview Guide"));
        assert_eq!(repairs.len(), 4);
        assert_eq!(text.lines().count(), doc.lines().count());
    }

    #[test]
    fn code_is_left_alone() {
        let (text, repairs) = fix("```\nPage 1 of 2\nfoo-\nbar\n```");
        assert!(repairs.is_empty());
        assert_eq!(text, "```\nPage 1 of 2\nfoo-\nbar\n```");
    }
}
