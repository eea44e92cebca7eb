//! Turning the raw lines under a question into clean answer markdown: common
//! indentation removed, page-break damage mended, code fences tagged with a
//! language, tab-separated "tables" made into real tables.

use super::codelang::detect_language;
use crate::model::CodeBlock;

/// A cleaned answer and what was found on the way.
#[derive(Debug, Default)]
pub struct CleanAnswer {
    pub markdown: String,
    pub code_blocks: Vec<CodeBlock>,
    /// (1-based line, message) for problems an author should fix.
    pub notes: Vec<(usize, String)>,
}

/// A run of lines: prose, or one fenced code block.
enum Block {
    Prose(Vec<String>),
    Code { indent: String, marker: String, tag: String, body: Vec<String>, closed: bool, line: usize },
}

/// Cleans the lines of one answer; `first_line` is the 1-based line number of
/// `lines[0]` in the source.
pub fn clean_answer(lines: &[&str], first_line: usize) -> CleanAnswer {
    // A separator rule at column 0 after an indented answer must not stop
    // the answer from being dedented.
    let end = lines.len() - lines.iter().rev().take_while(|l| l.trim().is_empty() || is_rule(l)).count();
    let dedented = dedent(&lines[..end]);
    let mut blocks = split_blocks(&dedented, first_line);
    join_split_code(&mut blocks);
    let mut out = CleanAnswer::default();
    let mut parts: Vec<String> = Vec::new();
    for block in blocks {
        match block {
            Block::Prose(lines) => parts.push(mend_prose(&lines)),
            Block::Code { indent, marker, tag, body, closed, line } => {
                if !closed {
                    out.notes.push((line, "code fence is never closed; closed at the end of the answer".into()));
                }
                let code = body.join("\n");
                let tag_lang =
                    tag.split_whitespace().next().unwrap_or("").trim_start_matches('{').trim_end_matches('}');
                let (lang, detected) = if tag_lang.is_empty() {
                    (detect_language(&code).to_string(), true)
                } else {
                    (normalise_tag(tag_lang), false)
                };
                out.code_blocks.push(CodeBlock { lang: lang.clone(), detected });
                let fence = if code.contains(&marker) { format!("{marker}`") } else { marker };
                let mut text = format!("{indent}{fence}{lang}\n");
                // Fences nested in list items keep the item's indentation,
                // or the list (and the block) would break apart.
                for body_line in &body {
                    if !body_line.is_empty() {
                        text.push_str(&indent);
                    }
                    text.push_str(body_line);
                    text.push('\n');
                }
                text.push_str(&indent);
                text.push_str(&fence);
                parts.push(text);
            }
        }
    }
    let joined = parts.join("\n");
    out.markdown = trim_rules_and_blanks(&joined);
    out
}

fn dedent(lines: &[&str]) -> Vec<String> {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| {
            let strip = indent.min(l.len() - l.trim_start_matches([' ', '\t']).len());
            l[strip..].trim_end_matches([' ', '\t']).to_string()
        })
        .collect()
}

fn split_blocks(lines: &[String], first_line: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut prose = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let trimmed = line.trim_start();
        let marker_len =
            trimmed.chars().take_while(|&c| c == '`').count().max(trimmed.chars().take_while(|&c| c == '~').count());
        if marker_len >= 3 {
            let indent = line[..line.len() - trimmed.len()].to_string();
            let marker = trimmed[..marker_len].to_string();
            let tag = trimmed[marker_len..].trim().to_string();
            if !blocks.is_empty() || !prose.is_empty() {
                blocks.push(Block::Prose(std::mem::take(&mut prose)));
            }
            let mut body = Vec::new();
            let mut closed = false;
            let start = i;
            i += 1;
            while i < lines.len() {
                let t = lines[i].trim_start();
                if t.starts_with(marker.as_str()) && t.trim_end().chars().all(|c| c == marker.chars().next().unwrap()) {
                    closed = true;
                    break;
                }
                let strip = indent.len().min(lines[i].len() - t.len());
                body.push(lines[i][strip..].to_string());
                i += 1;
            }
            blocks.push(Block::Code { indent, marker, tag, body, closed, line: first_line + start });
            i += 1;
            continue;
        }
        prose.push(line.clone());
        i += 1;
    }
    if !prose.is_empty() {
        blocks.push(Block::Prose(prose));
    }
    blocks
}

/// A code block split by a page break: the first block leaves brackets open,
/// only blank lines follow, and a bare fence reopens with code that closes
/// them. The two halves become one block.
fn join_split_code(blocks: &mut Vec<Block>) {
    let mut i = 0;
    while i + 2 < blocks.len() + 1 {
        let gap_is_blank = matches!(blocks.get(i + 1), Some(Block::Prose(p)) if p.iter().all(|l| l.trim().is_empty()));
        let (Some(Block::Code { body: first, .. }), true, Some(Block::Code { tag, body: second, .. })) =
            (blocks.get(i), gap_is_blank, blocks.get(i + 2))
        else {
            i += 1;
            continue;
        };
        let open = bracket_balance(first);
        if open > 0 && tag.is_empty() && bracket_balance(second) < 0 && open + bracket_balance(second) >= 0 {
            let Block::Code { body: second, .. } = blocks.remove(i + 2) else { unreachable!() };
            blocks.remove(i + 1);
            if let Some(Block::Code { body, .. }) = blocks.get_mut(i) {
                body.extend(second);
            }
        } else {
            i += 1;
        }
    }
}

fn bracket_balance(lines: &[String]) -> i64 {
    lines
        .iter()
        .flat_map(|l| l.chars())
        .map(|c| match c {
            '{' | '[' | '(' => 1,
            '}' | ']' | ')' => -1,
            _ => 0,
        })
        .sum()
}

/// Prose lines: a paragraph that a page break cut in two (no closing
/// punctuation, a blank line, then a lower-case continuation) is joined;
/// tab-separated rows become a markdown table.
fn mend_prose(lines: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some((table, used)) = tab_table(&lines[i..]) {
            out.push(table);
            i += used;
            continue;
        }
        let line = &lines[i];
        if let Some(fixed) = mend_line(line) {
            out.push(fixed);
            i += 1;
            continue;
        }
        if line.trim().is_empty() && i + 1 < lines.len() {
            let prev = out.last().map(|l| l.trim_end()).unwrap_or("");
            let next = lines[i + 1].trim_start();
            let prev_open = !prev.is_empty()
                && !prev.ends_with(['.', ':', '!', '?', ';', ')', '|', '*', '`'])
                && !prev.trim_start().starts_with('#')
                && !prev.trim_start().starts_with('|');
            if prev_open && next.chars().next().is_some_and(|c| c.is_lowercase()) {
                let joined = format!("{} {}", out.pop().unwrap_or_default().trim_end(), next);
                out.push(joined);
                i += 2;
                continue;
            }
        }
        out.push(line.clone());
        i += 1;
    }
    out.join("\n")
}

/// Single-line fixes: a sub-bullet indented by one space (a PDF's nesting,
/// which markdown would read as a sibling) gets the two spaces it needs, and
/// a bare label line such as `My Answer:` becomes bold, as its author meant.
fn mend_line(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    if bytes.len() > 2 && bytes[0] == b' ' && matches!(bytes[1], b'-' | b'*' | b'+') && bytes[2] == b' ' {
        return Some(format!(" {line}"));
    }
    let t = line.trim();
    let is_label = t.ends_with(':')
        && t.len() <= 40
        && t.split_whitespace().count() <= 4
        && t.chars().next().is_some_and(|c| c.is_uppercase())
        && t.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | ':' | '-' | '\'' | '(' | ')' | '&'));
    let indent = &line[..line.len() - line.trim_start().len()];
    is_label.then(|| format!("{indent}**{t}**"))
}

/// Two or more consecutive lines with the same number (≥ 2) of tab-separated
/// cells. Returns the markdown table and the number of lines it used.
fn tab_table(lines: &[String]) -> Option<(String, usize)> {
    let cells = |l: &str| if l.contains('\t') { l.split('\t').count() } else { 0 };
    let width = cells(&lines[0]);
    if width < 2 {
        return None;
    }
    let rows = lines.iter().take_while(|l| cells(l) == width).count();
    if rows < 2 {
        return None;
    }
    let escape = |c: &str| c.trim().replace('|', "\\|");
    let mut table = String::new();
    for (r, line) in lines[..rows].iter().enumerate() {
        let row: Vec<String> = line.split('\t').map(escape).collect();
        table.push_str(&format!("| {} |\n", row.join(" | ")));
        if r == 0 {
            table.push_str(&format!("|{}\n", " --- |".repeat(width)));
        }
    }
    Some((table.trim_end().to_string(), rows))
}

fn normalise_tag(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    match lower.as_str() {
        "sh" | "shell" | "zsh" | "console" => "bash".into(),
        "py" | "python3" => "python".into(),
        "yml" => "yaml".into(),
        "tf" | "terraform" => "hcl".into(),
        "js" => "javascript".into(),
        "golang" => "go".into(),
        "docker" => "dockerfile".into(),
        "plaintext" | "txt" | "none" => "text".into(),
        _ => lower.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '#' | '_')).collect(),
    }
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && (t.chars().all(|c| c == '-') || t.chars().all(|c| c == '*') || t.chars().all(|c| c == '_'))
}

fn trim_rules_and_blanks(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    while lines.last().is_some_and(|l| l.trim().is_empty() || is_rule(l)) {
        lines.pop();
    }
    let start = lines.iter().position(|l| !l.trim().is_empty() && !is_rule(l)).unwrap_or(lines.len());
    lines[start..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_fences_get_a_detected_language() {
        let a = clean_answer(&["Config:", "", "```", "apiVersion: v1", "kind: Pod", "```"], 10);
        assert_eq!(a.code_blocks, [CodeBlock { lang: "yaml".into(), detected: true }]);
        assert!(a.markdown.contains("```yaml\napiVersion: v1"), "{}", a.markdown);
    }

    #[test]
    fn fences_nested_in_lists_keep_their_indentation() {
        let a = clean_answer(&["- **Example**:", "  ```", "  def f():", "      return 1", "  ```"], 1);
        assert_eq!(a.markdown, "- **Example**:\n  ```python\n  def f():\n      return 1\n  ```");
    }

    #[test]
    fn tagged_fences_keep_their_tag() {
        let a = clean_answer(&["```sh", "ls", "```"], 1);
        assert_eq!(a.code_blocks, [CodeBlock { lang: "bash".into(), detected: false }]);
    }

    #[test]
    fn code_split_by_a_page_break_is_joined() {
        let a = clean_answer(&["```", "cfg = {", "  'a': 1,", "```", "", "```", "  'b': 2", "}", "```"], 1);
        assert_eq!(a.code_blocks.len(), 1, "{}", a.markdown);
        assert!(a.markdown.contains("'a': 1,\n  'b': 2\n}"), "{}", a.markdown);
    }

    #[test]
    fn unclosed_fence_is_closed_and_noted() {
        let a = clean_answer(&["text", "```", "echo hi"], 5);
        assert_eq!(a.notes, [(6, "code fence is never closed; closed at the end of the answer".to_string())]);
        assert!(a.markdown.ends_with("```"), "{}", a.markdown);
    }

    #[test]
    fn page_break_inside_a_paragraph_is_joined() {
        let a = clean_answer(&["Systems that are not just", "", "functional but reliable.", "", "Next paragraph."], 1);
        assert_eq!(a.markdown, "Systems that are not just functional but reliable.\n\nNext paragraph.");
    }

    #[test]
    fn pdf_nesting_and_labels_are_mended() {
        let a = clean_answer(&["My Answer:", "", "- **Now:**", " - Pause releases.", "Plain text: with a colon."], 1);
        assert_eq!(a.markdown, "**My Answer:**\n\n- **Now:**\n  - Pause releases.\nPlain text: with a colon.");
    }

    #[test]
    fn tab_rows_become_a_table() {
        let a = clean_answer(&["SLI\tTarget", "Latency\t< 300ms", "Errors\t< 0.1%"], 1);
        assert_eq!(a.markdown, "| SLI | Target |\n| --- | --- |\n| Latency | < 300ms |\n| Errors | < 0.1% |");
    }

    #[test]
    fn indented_bullet_answers_are_dedented() {
        let a = clean_answer(
            &["  First line.", "  ```", "  kind: Pod", "  spec:", "    replicas: 2", "  ```", "", "---"],
            1,
        );
        assert_eq!(a.markdown, "First line.\n```yaml\nkind: Pod\nspec:\n  replicas: 2\n```");
    }
}
