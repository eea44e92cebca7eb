//! What `srebook search` prints.

use super::engine::{ChapterInfo, SearchHit};

/// How to print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A JSON array of [`SearchHit`]s.
    Json,
    /// Numbered results for a reader; matched words in bold when `ansi`.
    Text { ansi: bool },
}

/// `hits` in `format`, ending with a newline (nothing at all for no text results).
pub fn format_hits(hits: &[SearchHit], chapters: &[ChapterInfo], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => {
            let mut json = serde_json::to_string_pretty(hits).unwrap_or_else(|_| "[]".to_string());
            json.push('\n');
            json
        }
        OutputFormat::Text { ansi } => {
            let (bold, plain) = if ansi { ("\x1b[1m", "\x1b[0m") } else { ("", "") };
            let mut text = String::new();
            for (rank, hit) in hits.iter().enumerate() {
                let chapter =
                    chapters.iter().find(|c| c.slug == hit.chapter).map_or(hit.chapter.as_str(), |c| &c.title);
                text.push_str(&format!("{:>2}. {bold}{}{plain}\n", rank + 1, hit.title));
                text.push_str(&format!("    {chapter} · {}\n", hit.path));
                let snippet = snippet_text(&hit.snippet, bold, plain);
                if !snippet.is_empty() {
                    text.push_str(&format!("    {snippet}\n"));
                }
            }
            text
        }
    }
}

/// A snippet's HTML as text, its `<mark>`s replaced by `mark_start`/`mark_end`.
fn snippet_text(html: &str, mark_start: &str, mark_end: &str) -> String {
    html.replace("<mark>", mark_start)
        .replace("</mark>", mark_end)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit() -> SearchHit {
        SearchHit {
            slug: "toil".into(),
            title: "What is toil?".into(),
            chapter: "slos".into(),
            path: "slos/toil.html".into(),
            score: 1.5,
            snippet: "<mark>Toil</mark> is manual &amp; repetitive &lt;work&gt;".into(),
        }
    }

    #[test]
    fn text_names_the_chapter_and_unescapes_the_snippet() {
        let chapters = [ChapterInfo { slug: "slos".into(), title: "SLOs".into() }];
        let text = format_hits(&[hit()], &chapters, OutputFormat::Text { ansi: false });
        assert_eq!(text, " 1. What is toil?\n    SLOs · slos/toil.html\n    Toil is manual & repetitive <work>\n");
        let ansi = format_hits(&[hit()], &chapters, OutputFormat::Text { ansi: true });
        assert!(ansi.contains("\x1b[1mToil\x1b[0m"));
    }

    #[test]
    fn json_is_an_array_of_hits() {
        let json: serde_json::Value = serde_json::from_str(&format_hits(&[hit()], &[], OutputFormat::Json)).unwrap();
        assert_eq!(json[0]["path"], "slos/toil.html");
        assert_eq!(format_hits(&[], &[], OutputFormat::Json), "[]\n");
    }
}
