//! The built-in theme: readable in every colour scheme, and safe whatever the
//! sources contain.

mod common;

use common::srebook;
use predicates::prelude::*;

/// The `--name: #rrggbb` custom properties declared in a theme's block.
fn theme_colours(css: &str, theme: &str) -> std::collections::HashMap<String, (f64, f64, f64)> {
    let selector = format!("html[data-theme=\"{theme}\"]");
    let start = css.find(&format!("{selector} {{")).unwrap_or_else(|| panic!("style.css has no {selector} block"));
    let block = &css[start..start + css[start..].find('}').unwrap()];
    let block = &block[block.find('{').unwrap() + 1..];
    let mut colours = std::collections::HashMap::new();
    for declaration in block.split(';') {
        let Some((name, value)) = declaration.split_once(':') else { continue };
        let (name, value) = (name.trim(), value.trim());
        if let Some(hex) = value.strip_prefix('#').filter(|h| h.len() == 6) {
            let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            colours.insert(name.to_string(), (channel(0), channel(2), channel(4)));
        }
    }
    colours
}

/// WCAG 2 relative luminance and contrast ratio.
fn contrast(a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
    let linear = |c: f64| if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
    let luminance = |(r, g, b): (f64, f64, f64)| 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn body_text_contrast_is_at_least_4_5_in_every_theme() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/style.css")).unwrap();
    for theme in ["light", "dark", "sepia"] {
        let colours = theme_colours(&css, theme);
        let ratio = contrast(colours["--fg"], colours["--bg"]);
        println!("{theme}: body text contrast {ratio:.1}:1");
        assert!(ratio >= 4.5, "{theme}: body text contrast {ratio:.2}:1");
        if let (Some(muted), Some(bg)) = (colours.get("--fg-muted"), colours.get("--bg")) {
            assert!(contrast(*muted, *bg) >= 4.5, "{theme}: muted text contrast");
        }
    }
}

#[test]
fn contrast_formula_matches_known_values() {
    assert!((contrast((0.0, 0.0, 0.0), (1.0, 1.0, 1.0)) - 21.0).abs() < 1e-9);
    assert!((contrast((1.0, 1.0, 1.0), (1.0, 1.0, 1.0)) - 1.0).abs() < 1e-9);
}

#[test]
fn no_executable_html_reaches_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir(&content).unwrap();
    let attacks = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "<a href=\"jav&#x09;ascript:alert(1)\">y</a>",
        "<svg onload=alert(1)></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
    ];
    let mut markdown = String::from("# Attacks\n\n");
    let mut details = String::new();
    let mut bullets = String::from("### 1. Bullets\n\n");
    let mut plain = String::new();
    for (i, attack) in attacks.iter().enumerate() {
        markdown.push_str(&format!("## {}. Is this safe {i}?\n\nText {attack} more.\n\n{attack}\n\n", i + 1));
        details.push_str(&format!(
            "<details><summary>Is this safe {i} {attack}?</summary>\n\nBody {attack}\n\n</details>\n\n"
        ));
        bullets.push_str(&format!("- **Is bullet {i} safe {attack}?**\n  Answer {attack}\n\n"));
        plain.push_str(&format!("Q{}. Is plain {i} safe {attack}? (Security)\n\nAnswer {attack}\n\n", i + 1));
    }
    std::fs::write(content.join("a.md"), markdown).unwrap();
    std::fs::write(content.join("b.md"), details).unwrap();
    std::fs::write(content.join("c.md"), bullets).unwrap();
    std::fs::write(content.join("d.txt"), plain).unwrap();
    srebook(dir.path()).args(["build", "--quiet"]).assert().success();
    let inspect = srebook(dir.path()).args(["inspect", "--json"]).output().unwrap();
    let book: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let questions = book["entries"].as_array().unwrap().iter().filter(|e| e["kind"] == "question").count();
    assert_eq!(questions, 4 * attacks.len(), "every shape yields its questions");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(dir.path().join("book")).into_iter().filter_map(Result::ok) {
        if entry.path().extension().is_some_and(|e| e == "html") {
            pages += 1;
            let html = std::fs::read_to_string(entry.path()).unwrap().to_ascii_lowercase();
            // Attack text may appear as visible, escaped text; never as markup.
            for bad in ["alert(1)</script>", "onerror=", "onload=", "<iframe", "<img src=x"] {
                assert!(!html.contains(bad), "{} contains {bad}", entry.path().display());
            }
            let attribute_urls = html.replace(['"', '\'', ' ', '\t', '\n'], "");
            for bad in ["href=javascript:", "src=javascript:", "href=jav"] {
                assert!(!attribute_urls.contains(bad), "{} has {bad}", entry.path().display());
            }
        }
    }
    assert!(pages >= 8, "only {pages} pages built");
}

#[test]
fn sitemap_only_with_a_site_url() {
    let book = common::small_book();
    srebook(book.path()).args(["build", "--quiet"]).assert().success();
    assert!(!book.path().join("book/sitemap.xml").exists());
    std::fs::write(book.path().join("book.toml"), "[book]\nsite-url = \"https://example.org/sre/\"\n").unwrap();
    srebook(book.path()).args(["build", "--quiet"]).assert().success();
    let sitemap = std::fs::read_to_string(book.path().join("book/sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/sre/index.html</loc>"));
    srebook(book.path()).args(["build", "--quiet"]).assert().success().stderr(predicate::str::is_empty());
}

/// The sidebar is rendered once per chapter and then marked per page: every
/// page must still mark its own link, and only it, and open only its chapter.
#[test]
fn every_sidebar_marks_its_own_page_and_opens_its_chapter() {
    let out = tempfile::tempdir().unwrap();
    let content = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
    let site = out.path().join("site");
    srebook(out.path()).args(["build", "--quiet", "--content", content, "--out"]).arg(&site).assert().success();
    let mut topic_pages = 0;
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&site).unwrap().to_string_lossy().replace('\\', "/");
        let deep = rel.matches('/').count() == 1;
        if !rel.ends_with(".html") || rel.starts_with("print/") || rel == "print.html" {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let start = html.find("<nav class=\"sidebar\"").unwrap_or_else(|| panic!("{rel} has no sidebar"));
        let sidebar = &html[start..start + html[start..].find("</nav>\n<div class=\"sidebar-backdrop\"").unwrap()];
        let href = if deep { format!("../{rel}") } else { rel.clone() };
        let marked = sidebar.matches("aria-current=\"page\"").count();
        let own_link = format!("href=\"{href}\" aria-current=\"page\"");
        if deep || rel == "overlap.html" {
            assert_eq!(marked, 1, "{rel}: {marked} links marked as the current page");
            assert!(sidebar.contains(&own_link), "{rel}: its own link is not the one marked");
        } else {
            assert_eq!(marked, 0, "{rel} is not in the sidebar but marks a link");
        }
        let open: Vec<&str> =
            sidebar.match_indices("class=\"nav-chapter is-current\"").map(|(at, _)| &sidebar[at..]).collect();
        if deep {
            let chapter = rel.split('/').next().unwrap();
            assert_eq!(open.len(), 1, "{rel}: {} chapters open", open.len());
            assert!(open[0].contains(&format!("id=\"nav-{chapter}\"")), "{rel}: the open chapter is not {chapter}");
            let own = open[0].find(&own_link).unwrap_or(usize::MAX);
            let next_chapter = open[0][1..].find("<li class=\"nav-chapter").map_or(usize::MAX, |at| at + 1);
            assert!(own < next_chapter, "{rel}: its own link is outside its open chapter");
            topic_pages += usize::from(!rel.ends_with("/index.html"));
        } else {
            assert!(open.is_empty(), "{rel} opens a chapter");
        }
    }
    assert!(topic_pages >= 20, "only {topic_pages} topic pages checked");
}
