//! Cutting a document into entries by the *shape* of its lines, not by a
//! fixed heading level.
//!
//! Three passes: [`scan`] gives every line a kind (fences make code opaque),
//! [`roles`] decides what each heading is (question, section, guide or a
//! sub-heading inside an answer) using what lies beneath it, and [`assemble`]
//! walks the lines once, opening and closing entries.

use std::sync::LazyLock;

use regex::Regex;

use super::answer::clean_answer;
use crate::model::{Diagnostic, Entry, EntryKind, Severity, SourceDoc};

/// Entries cut from one document, and what looked wrong on the way.
#[derive(Debug, Default)]
pub struct Segmented {
    pub entries: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What one line is, before any context is considered.
#[derive(Debug, Clone, PartialEq)]
enum Line {
    Blank,
    /// Front matter, or inside a code fence: never structure.
    Opaque,
    Heading {
        level: usize,
        text: String,
    },
    /// `- **Question?**` with the answer indented below.
    BulletQuestion {
        text: String,
    },
    /// `Q7. Question? (Category)`, `7) Question?`, `Q: Question?` or a bold
    /// `**Q: …**` paragraph; may wrap onto following lines.
    PlainQuestion {
        text: String,
    },
    /// `<summary>Question</summary>` of a `<details>` block.
    Summary {
        text: String,
    },
    Text,
}

/// What a heading turned out to be.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Question,
    Section,
    Guide,
    /// A heading inside an answer (or guide): stays in its text.
    Sub,
    /// A non-question heading whose role depends on whether an entry is open.
    Undecided,
}

static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:q(?:uestion)?|scenario|case|problem|exercise|task)\s*)?#?\d{1,3}\s*[.):\-–—]\s*|^(?:q(?:uestion)?|scenario)\s*\d{0,3}\s*:\s*").unwrap()
});
static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    // An optional short lead-in ("In your experience, …") before the prompt.
    Regex::new(r"(?i)^(?:[^,?]{2,40},\s*)?(?:describe|explain|design|implement|tell me|walk (?:me|us) through|discuss|share|compare|contrast|write|build|create|outline|define|give an example|imagine|suppose|how would|how do|how can|what would|what is|what are|why)\b").unwrap()
});
static GUIDE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:tips?|advice|overview|guide|preparation|prepare|resources|certifications?|checklist|cheat ?sheet|introduction|common mistakes|red flags|dos and don'?ts)\b").unwrap()
});
static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$").unwrap());
static BULLET_QUESTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}[-*+][ \t]+\*\*(.+?)\*\*[ \t]*$").unwrap());
static PLAIN_QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\*\*)?(?:q\d{1,3}\s*[.):\-–—]|q[.:]|\d{1,3}\))[ \t]+(.+?)(?:\*\*)?[ \t]*$").unwrap()
});
static SUMMARY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:<details[^>]*>\s*)?<summary[^>]*>(.*?)</summary>").unwrap());
static FENCE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^( {0,3})(`{3,}|~{3,})(.*)$").unwrap());
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[ \t]*(?:\(([^()]{2,80})\)|\[([^\[\]]{2,80})\])[ \t]*$").unwrap());

/// Compiles the line patterns now rather than on first use.
pub(super) fn compile_patterns() {
    let patterns =
        [&NUMBERING, &PROMPT, &GUIDE_TITLE, &HEADING, &BULLET_QUESTION, &PLAIN_QUESTION, &SUMMARY, &FENCE, &TAG];
    for pattern in patterns {
        LazyLock::force(pattern);
    }
}

/// Cuts `doc` into entries.
pub fn segment(doc: &SourceDoc) -> Segmented {
    let lines: Vec<&str> = doc.text.split('\n').collect();
    let kinds = scan(&lines);
    let roles = roles(&kinds);
    assemble(doc, &lines, &kinds, &roles)
}

fn scan(lines: &[&str]) -> Vec<Line> {
    let mut kinds = vec![Line::Text; lines.len()];
    let front_matter_end = front_matter_end(lines);
    let mut fence: Option<(char, usize)> = None;
    for (i, raw) in lines.iter().enumerate() {
        if i < front_matter_end {
            kinds[i] = Line::Opaque;
            continue;
        }
        let trimmed = raw.trim_start();
        // The regex only for a line that opens like a fence: it ran on every
        // line, for the rare one that is.
        let could_be_fence = trimmed.starts_with("```") || trimmed.starts_with("~~~");
        if let Some(caps) = could_be_fence.then(|| FENCE.captures(trimmed)).flatten() {
            let marker = &caps[2];
            let ch = marker.chars().next().unwrap_or('`');
            match fence {
                Some((open_ch, open_len)) if ch == open_ch && marker.len() >= open_len && caps[3].trim().is_empty() => {
                    fence = None;
                }
                Some(_) => {}
                None if !(ch == '`' && caps[3].contains('`')) => fence = Some((ch, marker.len())),
                None => {}
            }
            kinds[i] = Line::Opaque;
            continue;
        }
        if fence.is_some() {
            kinds[i] = Line::Opaque;
            continue;
        }
        kinds[i] = classify_line(raw);
    }
    kinds
}

fn front_matter_end(lines: &[&str]) -> usize {
    let first = lines.first().map(|l| l.trim());
    let delimiter = match first {
        Some("---") => "---",
        Some("+++") => "+++",
        _ => return 0,
    };
    lines.iter().take(200).skip(1).position(|l| l.trim() == delimiter).map_or(0, |p| p + 2)
}

fn classify_line(raw: &str) -> Line {
    let trimmed = raw.trim_start();
    // Most lines are prose: a look at the first character decides which
    // (if any) of the shape patterns can match, so the regexes run rarely.
    let Some(first) = trimmed.chars().next() else { return Line::Blank };
    let could_be_plain_question = matches!(first, 'q' | 'Q' | '*') || first.is_ascii_digit();
    let could_be_summary = first == '<';
    if !matches!(first, '#' | '-' | '*' | '+') && !could_be_plain_question && !could_be_summary {
        return Line::Text;
    }
    if let Some(caps) = HEADING.captures(raw) {
        return Line::Heading { level: caps[1].len(), text: caps[2].to_string() };
    }
    if let Some(caps) = BULLET_QUESTION.captures(raw) {
        let text = caps[1].trim();
        if is_question_text(strip_numbering(text)) {
            return Line::BulletQuestion { text: text.to_string() };
        }
    }
    if !could_be_plain_question && !could_be_summary {
        return Line::Text;
    }
    if let Some(caps) = PLAIN_QUESTION.captures(raw.trim_end()) {
        // `7)` lists are common inside answers: only a question mark or a
        // category tag makes them questions.
        let text = caps[1].trim().trim_end_matches("**").trim();
        let is_q_prefixed = raw.trim_start().trim_start_matches("**").to_ascii_lowercase().starts_with('q');
        if is_q_prefixed || text.ends_with('?') || TAG.is_match(text) {
            return Line::PlainQuestion { text: text.to_string() };
        }
    }
    if !could_be_summary {
        return Line::Text;
    }
    if let Some(caps) = SUMMARY.captures(raw) {
        let text = strip_inline_markup(&caps[1]);
        if !text.is_empty() {
            return Line::Summary { text };
        }
    }
    Line::Text
}

/// Ends with a question mark or opens like an interview prompt.
fn is_question_text(text: &str) -> bool {
    let text = TAG.replace(text, "");
    let text = text.trim().trim_end_matches(['*', '_']);
    !text.ends_with(':') && (text.ends_with('?') || (PROMPT.is_match(text) && text.split_whitespace().count() >= 4))
}

fn strip_numbering(text: &str) -> &str {
    let text = text.trim();
    NUMBERING.find(text).map_or(text, |m| text[m.end()..].trim_start())
}

fn is_numbered(text: &str) -> bool {
    NUMBERING.is_match(text.trim())
}

/// Decides every heading's role. A numbered heading that is not phrased as a
/// question is a section when questions sit beneath it (`### 1. Fundamentals`)
/// and a question otherwise (`## 4. Capacity planning at scale`).
fn roles(kinds: &[Line]) -> Vec<Role> {
    let mut roles = vec![Role::Sub; kinds.len()];
    for (i, kind) in kinds.iter().enumerate() {
        let Line::Heading { level, text } = kind else { continue };
        let bare = strip_inline_markup(text);
        roles[i] = if bare.trim_end().ends_with(':') {
            Role::Sub
        } else if is_question_text(strip_numbering(&bare)) {
            Role::Question
        } else if has_questions_beneath(kinds, i, *level) || next_is_question(kinds, i) {
            Role::Section
        } else if is_numbered(&bare) {
            Role::Question
        } else if GUIDE_TITLE.is_match(&bare) {
            Role::Guide
        } else {
            Role::Undecided
        };
    }
    roles
}

/// A heading with no body of its own, straight followed by a question, is
/// that question's section even when the question's heading level is higher.
fn next_is_question(kinds: &[Line], heading: usize) -> bool {
    match kinds[heading + 1..].iter().find(|k| **k != Line::Blank) {
        Some(Line::Heading { text, .. }) => {
            let bare = strip_inline_markup(text);
            !bare.ends_with(':') && is_question_text(strip_numbering(&bare))
        }
        Some(Line::BulletQuestion { .. } | Line::PlainQuestion { .. } | Line::Summary { .. }) => true,
        _ => false,
    }
}

fn has_questions_beneath(kinds: &[Line], heading: usize, level: usize) -> bool {
    for kind in &kinds[heading + 1..] {
        match kind {
            Line::Heading { level: l, .. } if *l <= level => return false,
            Line::Heading { text, .. } => {
                let bare = strip_inline_markup(text);
                if !bare.ends_with(':') && (is_question_text(strip_numbering(&bare)) || is_numbered(&bare)) {
                    return true;
                }
            }
            Line::BulletQuestion { .. } | Line::PlainQuestion { .. } | Line::Summary { .. } => return true,
            _ => {}
        }
    }
    false
}

/// An entry being collected.
struct Open {
    kind: EntryKind,
    line: usize,
    question: String,
    section: String,
    body_start: usize,
    /// Heading level of the entry's own heading; 7 for bullets and plain
    /// lines, which have none.
    level: usize,
}

fn assemble(doc: &SourceDoc, lines: &[&str], kinds: &[Line], roles: &[Role]) -> Segmented {
    let mut out = Segmented::default();
    let section_suffix = common_section_suffix(kinds, roles);
    let mut section = String::new();
    let mut open: Option<Open> = None;
    let mut i = 0;
    while i < lines.len() {
        let next = i + 1;
        match &kinds[i] {
            Line::Heading { level, text } => {
                let bare = strip_inline_markup(text);
                match roles[i] {
                    Role::Question => {
                        close(doc, lines, &mut open, i, &mut out);
                        open = Some(Open::question(i, strip_numbering(&bare), &section, next).at_level(*level));
                    }
                    Role::Section => {
                        close(doc, lines, &mut open, i, &mut out);
                        let name = strip_numbering(&bare);
                        section = name.strip_suffix(section_suffix.as_str()).unwrap_or(name).trim().to_string();
                    }
                    // Guidance titles deeper than the open entry's heading
                    // are its sub-headings ("### Certifications" in an
                    // overview).
                    Role::Guide if open.as_ref().is_some_and(|o| *level > o.level) => {}
                    Role::Guide => {
                        close(doc, lines, &mut open, i, &mut out);
                        open = Some(Open::guide(i, &bare, &section, next).at_level(*level));
                    }
                    Role::Undecided if open.is_none() => {
                        open = Some(Open::guide(i, &bare, &section, next).at_level(*level));
                    }
                    Role::Sub | Role::Undecided => {}
                }
            }
            Line::BulletQuestion { text } | Line::Summary { text } => {
                close(doc, lines, &mut open, i, &mut out);
                open = Some(Open::question(i, strip_numbering(text), &section, next));
            }
            Line::PlainQuestion { text } => {
                close(doc, lines, &mut open, i, &mut out);
                let (text, end) = join_wrapped_question(lines, kinds, i, text);
                let (question, tag) = split_tag(&text);
                let section = tag.unwrap_or_else(|| section.clone());
                open = Some(Open::question(i, &question, &section, end + 1));
                i = end + 1;
                continue;
            }
            _ => {}
        }
        i = next;
    }
    close(doc, lines, &mut open, lines.len(), &mut out);
    report_repeats(doc, &mut out);
    out
}

/// The same question asked twice in one file is almost always a copy-paste
/// slip worth an author's look.
fn report_repeats(doc: &SourceDoc, out: &mut Segmented) {
    let mut first_seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for entry in out.entries.iter().filter(|e| e.kind == EntryKind::Question) {
        let key: String = entry.question.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        match first_seen.get(&key) {
            Some(first) => out.diagnostics.push(Diagnostic {
                source: doc.path.clone(),
                line: entry.line,
                severity: Severity::Warning,
                kind: "repeated-question".into(),
                message: format!("the same question is already asked at line {first}: {}", entry.question),
            }),
            None => {
                first_seen.insert(key, entry.line);
            }
        }
    }
}

impl Open {
    fn question(line: usize, text: &str, section: &str, body_start: usize) -> Open {
        Open {
            kind: EntryKind::Question,
            line,
            question: clean_question(text),
            section: section.to_string(),
            body_start,
            level: 7,
        }
    }

    fn at_level(self, level: usize) -> Open {
        Open { level, ..self }
    }

    fn guide(line: usize, title: &str, section: &str, body_start: usize) -> Open {
        Open {
            kind: EntryKind::Guide,
            line,
            question: clean_question(title),
            section: section.to_string(),
            body_start,
            level: 7,
        }
    }
}

/// Finishes the open entry at line index `end` (exclusive). Guides with
/// almost no text are document titles, not guidance, and are dropped.
fn close(doc: &SourceDoc, lines: &[&str], open: &mut Option<Open>, end: usize, out: &mut Segmented) {
    let Some(entry) = open.take() else { return };
    let body = strip_answer_markers(&lines[entry.body_start.min(end)..end]);
    let cleaned = clean_answer(&body, entry.body_start + 1);
    let line = entry.line + 1;
    for (offset_line, message) in &cleaned.notes {
        out.diagnostics.push(Diagnostic {
            source: doc.path.clone(),
            line: *offset_line,
            severity: Severity::Warning,
            kind: "unterminated-fence".into(),
            message: message.clone(),
        });
    }
    if entry.kind == EntryKind::Guide && cleaned.markdown.split_whitespace().count() < 15 {
        return;
    }
    if entry.kind == EntryKind::Question && cleaned.markdown.trim().is_empty() {
        out.diagnostics.push(Diagnostic {
            source: doc.path.clone(),
            line,
            severity: Severity::Warning,
            kind: "empty-answer".into(),
            message: format!("question has no answer: {}", entry.question),
        });
    }
    out.entries.push(Entry {
        id: Entry::make_id(&doc.path, line),
        kind: entry.kind,
        source: doc.path.clone(),
        line,
        question: entry.question,
        answer_markdown: cleaned.markdown,
        chapter: String::new(),
        source_section: entry.section,
        code_blocks: cleaned.code_blocks,
    });
}

/// The shape's own markers are not answer text: the `A:` of a `Q:`/`A:`
/// pair and the `</details>` that closes a `<details>` question. Lines are
/// blanked, not removed, so line numbers inside the answer stay true.
fn strip_answer_markers<'a>(body: &[&'a str]) -> Vec<&'a str> {
    static ANSWER_PREFIX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(?:\*\*)?A\s*:(?:\*\*)?\s*").unwrap());
    let mut out: Vec<&str> = body.to_vec();
    if let Some(first) = out.iter_mut().find(|l| !l.trim().is_empty()) {
        if let Some(m) = ANSWER_PREFIX.find(first) {
            *first = &first[m.end()..];
        }
    }
    for line in out.iter_mut() {
        if line.trim().eq_ignore_ascii_case("</details>") {
            *line = "";
        }
    }
    out
}

/// A plain-text question that a PDF wrapped onto the next line(s), even
/// across a blank line: continuation lines start in lower case or carry the
/// closing question mark or category tag. Returns the joined text and the
/// index of its last line.
fn join_wrapped_question(lines: &[&str], kinds: &[Line], start: usize, first: &str) -> (String, usize) {
    let mut text = first.trim().to_string();
    let mut end = start;
    let finished = |t: &str| t.ends_with('?') || t.ends_with('.') || TAG.is_match(t);
    let mut probe = start + 1;
    while !finished(&text) && probe < lines.len() && probe <= end + 2 {
        match &kinds[probe] {
            Line::Blank => probe += 1,
            Line::Text => {
                let candidate = lines[probe].trim();
                let continues = candidate.chars().next().is_some_and(|c| c.is_lowercase())
                    || candidate.ends_with('?')
                    || (TAG.is_match(candidate) && candidate.len() < 120);
                if !continues || candidate.len() > 200 {
                    break;
                }
                text.push(' ');
                text.push_str(candidate);
                end = probe;
                probe += 1;
            }
            _ => break,
        }
    }
    (text, end)
}

/// Splits a trailing `(Category)` or `[Topic]` tag off a plain question. The
/// tag is only taken when the question proper ends before it.
fn split_tag(text: &str) -> (String, Option<String>) {
    if let Some(caps) = TAG.captures(text) {
        let whole = caps.get(0).unwrap();
        let head = text[..whole.start()].trim_end();
        let tag = caps.get(1).or(caps.get(2)).unwrap().as_str().trim();
        let looks_like_tag = tag.chars().next().is_some_and(|c| c.is_uppercase()) && !tag.ends_with('?');
        if looks_like_tag && (head.ends_with('?') || head.ends_with('.') || head.ends_with('!')) {
            return (head.to_string(), Some(tag.to_string()));
        }
    }
    (text.to_string(), None)
}

/// Section headings often repeat a boilerplate suffix ("… - Interview
/// Answers"); when every section heading of a document shares one, it is
/// dropped from `source_section`.
fn common_section_suffix(kinds: &[Line], roles: &[Role]) -> String {
    let names: Vec<String> = kinds
        .iter()
        .zip(roles)
        .filter(|(_, role)| **role == Role::Section)
        .filter_map(|(kind, _)| match kind {
            Line::Heading { text, .. } => Some(strip_inline_markup(text)),
            _ => None,
        })
        .collect();
    if names.len() < 2 {
        return String::new();
    }
    for separator in [" - ", " – ", " — ", ": ", " | "] {
        let suffix = names[0].rfind(separator).map(|p| &names[0][p..]);
        if let Some(suffix) = suffix {
            if names.iter().all(|n| n.ends_with(suffix) && n.len() > suffix.len()) {
                return suffix.to_string();
            }
        }
    }
    String::new()
}

/// Question text without markup, entities or surrounding space.
fn clean_question(text: &str) -> String {
    let text = strip_inline_markup(text);
    let text = decode_entities(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_inline_markup(text: &str) -> String {
    static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"</?[a-zA-Z][^>]*>").unwrap());
    let without_tags = TAGS.replace_all(text, "");
    without_tags.replace("**", "").replace("__", "").replace('`', "").trim().to_string()
}

/// The HTML entities that turn up in exported documents.
pub(super) fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    static ENTITY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});").unwrap());
    ENTITY
        .replace_all(text, |caps: &regex::Captures| {
            let name = &caps[1];
            let decoded = if let Some(hex) = name.strip_prefix("#x") {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some(' '),
                    "ndash" => Some('–'),
                    "mdash" => Some('—'),
                    "rsquo" => Some('’'),
                    "lsquo" => Some('‘'),
                    "ldquo" => Some('“'),
                    "rdquo" => Some('”'),
                    "hellip" => Some('…'),
                    _ => None,
                }
            };
            decoded.map_or_else(|| caps[0].to_string(), |c| c.to_string())
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<Entry> {
        segment(&SourceDoc { path: "t.md".into(), text: text.into(), repairs: vec![] }).entries
    }

    fn questions(text: &str) -> Vec<(usize, String, String)> {
        entries(text)
            .into_iter()
            .filter(|e| e.kind == EntryKind::Question)
            .map(|e| (e.line, e.question, e.source_section))
            .collect()
    }

    #[test]
    fn heading_questions_at_any_level_with_subheadings_kept() {
        let text = "# Notes\n\n## Basics\n\n### 1. What is an SLO?\n\nA target.\n\n## Example Config:\n\n```\nx = 1\n```\n\n#### 2. Explain how you would roll back a release\n\nRevert.\n";
        let q = questions(text);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0], (5, "What is an SLO?".into(), "Basics".into()));
        assert_eq!(q[1].0, 15);
        let first = &entries(text)[0];
        assert!(first.answer_markdown.contains("Example Config:"), "{}", first.answer_markdown);
    }

    #[test]
    fn numbered_heading_with_questions_beneath_is_a_section() {
        let text = "### 1. Fundamentals\n\n- **What is toil?**  \n  Manual, repetitive work.\n\n- **Walk me through an incident review.**\n  Timeline first.\n";
        let q = questions(text);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0], (3, "What is toil?".into(), "Fundamentals".into()));
        assert_eq!(entries(text)[0].answer_markdown, "Manual, repetitive work.");
    }

    #[test]
    fn plain_text_questions_with_tags_and_wrapping() {
        let text = "Title\n\nQ1. What is an error budget? (SLOs)\n\nThe allowed unreliability.\n\nQ2. How would you explain toil to a manager, and why is it\n\nworth reducing? (Toil)\n\nIt is manual work.\n";
        let q = questions(text);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0], (3, "What is an error budget?".into(), "SLOs".into()));
        assert_eq!(
            q[1],
            (7, "How would you explain toil to a manager, and why is it worth reducing?".into(), "Toil".into())
        );
        assert_eq!(entries(text)[1].answer_markdown, "It is manual work.");
    }

    #[test]
    fn fenced_lines_are_never_structure() {
        let text = "## 1. How do you write a postmortem?\n\n```markdown\n# Postmortem\n## What went wrong?\n```\n";
        assert_eq!(questions(text).len(), 1);
    }

    #[test]
    fn tips_sections_become_guides() {
        let text = "# Core - Interview Answers\n\n## 1. What is SRE?\n\nEngineering for operations.\n\n## Interview Tips for Core Questions\n\n### Do Say:\n- Specific numbers from your own work, with the scale and the business impact of each change\n- What you learned from failures\n\n# Other - Interview Answers\n\n## 1. What is an SLA?\n\nA contract.\n";
        let all = entries(text);
        let kinds: Vec<_> = all.iter().map(|e| (e.kind, e.source_section.as_str())).collect();
        assert_eq!(kinds, [(EntryKind::Question, "Core"), (EntryKind::Guide, "Core"), (EntryKind::Question, "Other")]);
    }

    #[test]
    fn qa_pairs_and_details_blocks() {
        let text = "Q: What is MTTR?\nA: Mean time to restore.\n\n<details><summary>What is MTTD?</summary>\n\nMean time to detect.\n\n</details>\n";
        let q = questions(text);
        assert_eq!(q.iter().map(|q| q.1.as_str()).collect::<Vec<_>>(), ["What is MTTR?", "What is MTTD?"]);
        let answers: Vec<String> = entries(text).into_iter().map(|e| e.answer_markdown).collect();
        assert_eq!(answers, ["Mean time to restore.", "Mean time to detect."]);
    }

    #[test]
    fn front_matter_is_skipped() {
        let text =
            "---\ntitle: \"x\"\ndescription: Why?\n---\n\n#### 1. What is a runbook?\n- **Answer**:\n  - Steps.\n";
        let q = questions(text);
        assert_eq!(q, [(6, "What is a runbook?".into(), String::new())]);
    }

    #[test]
    fn repeated_questions_are_reported() {
        let doc = SourceDoc {
            path: "t.md".into(),
            text: "## 1. What is toil?\n\nA.\n\n## 2. What is toil?\n\nB.\n".into(),
            repairs: vec![],
        };
        let out = segment(&doc);
        assert_eq!(out.entries.len(), 2);
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!((out.diagnostics[0].line, out.diagnostics[0].kind.as_str()), (5, "repeated-question"));
    }

    #[test]
    fn entities_in_questions_are_decoded() {
        assert_eq!(questions("## 1. What&#39;s CI &amp; CD?\n\nx\n")[0].1, "What's CI & CD?");
    }
}
