//! Answer markdown to safe HTML: highlighted code, anchored headings, readable
//! inline math, and nothing executable from the sources.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::highlight::{escape_html, highlight};
use crate::ingest::detect_language;

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_MATH);

/// Tags and attributes that raw HTML in a source may keep. Everything else,
/// including `<script>`, event handlers and `javascript:` URLs, is removed.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["details", "summary", "button", "span", "div", "pre", "code", "kbd", "mark"])
        .add_generic_attributes(["class"])
        .add_tag_attributes("pre", ["data-lang"])
        .add_tag_attributes("button", ["type", "aria-label"])
        .add_tag_attributes("a", ["aria-label"])
        .add_tag_attributes("details", ["open"]);
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    builder
});

/// Highlights the code blocks of `markdowns` into the memo, as
/// [`render_markdown`] will ask for them, until `stop` is set.
pub fn highlight_ahead(markdowns: &[String], stop: &std::sync::atomic::AtomicBool) {
    for markdown in markdowns {
        let mut events = Parser::new_ext(markdown, OPTIONS);
        while let Some(event) = events.next() {
            if stop.load(std::sync::atomic::Ordering::Acquire) {
                return;
            }
            if let Event::Start(Tag::CodeBlock(kind)) = event {
                let (code, lang) = code_block(kind, &mut events);
                highlight(&code, &lang);
            }
        }
    }
}

/// The code and language of a code block whose start `events` just gave,
/// reading up to its end.
fn code_block<'a>(kind: CodeBlockKind<'a>, events: &mut impl Iterator<Item = Event<'a>>) -> (String, String) {
    let mut code = String::new();
    for inner in events.by_ref() {
        match inner {
            Event::Text(text) => code.push_str(&text),
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
    }
    let tag = match &kind {
        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
        CodeBlockKind::Indented => String::new(),
    };
    let lang = if tag.is_empty() { detect_language(&code).to_string() } else { tag };
    (code, lang)
}

/// Renders one answer. Heading ids start with `anchor_prefix` so several
/// answers can share a page; `used_ids` keeps them unique across the page.
pub fn render_markdown(markdown: &str, anchor_prefix: &str, used_ids: &mut HashSet<String>) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, OPTIONS).collect();
    let min_level = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(3);
    let mut out_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut has_raw_html = false;
    let mut iter = events.into_iter();
    while let Some(event) = iter.next() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let (code, lang) = code_block(kind, &mut iter);
                out_events.push(Event::Html(CowStr::from(code_block_html(&code, &lang))));
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let mut inner = Vec::new();
                let mut text = String::new();
                for e in iter.by_ref() {
                    match &e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                    inner.push(e);
                }
                let shifted = (level as usize + 3).saturating_sub(min_level).clamp(3, 6);
                let id = unique_id(&format!("{anchor_prefix}-{}", slug(&text)), used_ids);
                out_events.push(Event::Html(CowStr::from(format!("<h{shifted} id=\"{id}\">"))));
                out_events.extend(inner.into_iter().map(|e| neutralise(e, &mut has_raw_html)));
                out_events.push(Event::Html(CowStr::from(format!(
                    "<a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"Permalink\">#</a></h{shifted}>"
                ))));
            }
            other => out_events.push(neutralise(other, &mut has_raw_html)),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    if has_raw_html {
        html = SANITIZER.clean(&html).to_string();
    }
    html
}

/// Makes link targets safe and math readable; notes raw HTML for the
/// sanitiser.
fn neutralise<'a>(event: Event<'a>, has_raw_html: &mut bool) -> Event<'a> {
    match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::InlineMath(math) => {
            Event::Html(CowStr::from(format!("<span class=\"math\">{}</span>", escape_html(&math))))
        }
        Event::DisplayMath(math) => {
            Event::Html(CowStr::from(format!("<div class=\"math\">{}</div>", escape_html(&math))))
        }
        Event::Html(_) | Event::InlineHtml(_) => {
            *has_raw_html = true;
            event
        }
        other => other,
    }
}

/// Only web, mail and relative links survive.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower: String =
        url.trim().chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let scheme =
        lower.split_once(':').map(|(s, _)| s).filter(|s| !s.contains('/') && !s.contains('?') && !s.contains('#'));
    match scheme {
        None | Some("http" | "https" | "mailto") => url,
        Some(_) => CowStr::from("#"),
    }
}

fn code_block_html(code: &str, lang: &str) -> String {
    let lang_attr = escape_html(lang);
    format!(
        "<div class=\"code-block\"><button class=\"copy\" type=\"button\" aria-label=\"Copy code\">Copy</button>\
         <pre class=\"code hl-code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{}</code></pre></div>\n",
        highlight(code, lang)
    )
}

/// Lowercase ASCII words joined by '-', at most 60 characters.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if out.len() + word.len() > 60 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[allow(dead_code)]
fn level_number(level: HeadingLevel) -> usize {
    level as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_highlighted_ahead_is_what_render_asks_for() {
        let stop = std::sync::atomic::AtomicBool::new(false);
        let markdown = "Try:\n\n```python\nprint('ahead of render')\n```\n\n    echo indented-ahead\n".to_string();
        highlight_ahead(std::slice::from_ref(&markdown), &stop);
        let fenced = crate::render::highlight_cache::get("python", "print('ahead of render')\n");
        assert!(fenced.is_some_and(|html| render_markdown(&markdown, "a1", &mut HashSet::new()).contains(&html)));
        let indented = "echo indented-ahead\n";
        assert!(crate::render::highlight_cache::get(detect_language(indented), indented).is_some());
        stop.store(true, std::sync::atomic::Ordering::Release);
        highlight_ahead(&["```python\nprint('stopped before this')\n```\n".to_string()], &stop);
        assert!(crate::render::highlight_cache::get("python", "print('stopped before this')\n").is_none());
    }

    fn render(md: &str) -> String {
        render_markdown(md, "a1", &mut HashSet::new())
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        for md in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "[x]( JaVaScRiPt:alert(1))",
            "<details><summary>Q</summary><script>alert(1)</script><a href=\"javascript:alert(1)\">x</a></details>",
        ] {
            let html = render(md).to_ascii_lowercase();
            assert!(!html.contains("<script"), "{md} -> {html}");
            assert!(!html.contains("onerror"), "{md} -> {html}");
            assert!(!html.contains("javascript:"), "{md} -> {html}");
        }
    }

    #[test]
    fn details_blocks_survive_sanitising() {
        let html = render("<details><summary>More</summary>\n\nText\n\n</details>");
        assert!(html.contains("<details>") && html.contains("<summary>More</summary>"), "{html}");
    }

    #[test]
    fn headings_are_shifted_and_anchored() {
        let html = render("# Setup\n\ntext\n\n## Steps\n");
        assert!(html.contains("<h3 id=\"a1-setup\">Setup<a class=\"heading-anchor\" href=\"#a1-setup\""), "{html}");
        assert!(html.contains("<h4 id=\"a1-steps\">"), "{html}");
    }

    #[test]
    fn code_is_highlighted_with_a_copy_button() {
        let html = render("```yaml\nkey: value\n```\n");
        assert!(html.contains("class=\"copy\""), "{html}");
        assert!(html.contains("data-lang=\"yaml\""), "{html}");
        assert!(html.contains("hl-"), "{html}");
    }

    #[test]
    fn inline_math_is_readable() {
        assert!(render("Lookups are $O(1)$ on average.").contains("<span class=\"math\">O(1)</span>"));
    }
}
