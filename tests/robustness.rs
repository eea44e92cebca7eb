//! Hostile input never panics and always finishes: arbitrary bytes, huge
//! lines, deep nesting, unclosed fences. A watchdog turns a hang into a
//! failure instead of a stuck CI run; it is not a speed target.

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use srebook::ingest::{decode, segment, Decoded};

/// Runs decode → segment → render on `bytes`, returning the number of entries.
fn ingest_and_render(bytes: &[u8]) -> usize {
    match decode("input.md", bytes) {
        Decoded::Doc(doc) => {
            let entries = segment(&doc).entries;
            for entry in &entries {
                srebook::render::render_markdown(&entry.answer_markdown, "a1", &mut Default::default());
            }
            entries.len()
        }
        Decoded::Skipped(_) => 0,
    }
}

/// Fails the test if `bytes` takes longer than a minute (a hang, not slowness).
/// Runs on a 2 MiB stack, the size of the rayon workers that render pages.
fn finishes(name: &str, bytes: Vec<u8>) -> usize {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new().stack_size(2 << 20).spawn(move || tx.send(ingest_and_render(&bytes)).unwrap()).unwrap();
    rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("{name}: did not finish (hang or panic)"))
}

#[test]
fn hostile_documents_finish() {
    let ten_mb_line = "word ".repeat(2_000_000).into_bytes();
    finishes("10 MB single line", ten_mb_line);
    let nested_lists: String = (0..5000).map(|depth| format!("{}- level {depth}\n", "  ".repeat(depth))).collect();
    finishes("5,000 nested list levels", format!("## 1. Deep?\n\n{nested_lists}").into_bytes());
    let nested_quotes = format!("## 1. Quotes?\n\n{} deep\n", ">".repeat(5000));
    finishes("5,000 nested block quotes", nested_quotes.into_bytes());
    let nested_html = format!("## 1. Html?\n\n{}x{}\n", "<div>".repeat(5000), "</div>".repeat(5000));
    finishes("5,000 nested HTML elements", nested_html.into_bytes());
    finishes("unclosed fences", b"## 1. Code?\n\n```\nunclosed\n## 2. Lost?\n~~~~\n".to_vec());
    finishes("NULs and invalid UTF-8", b"## 1. Q?\n\x00\xff\xfe\xc3(\x80\x00 text".to_vec());
    finishes("only headings", "# ?\n".repeat(50_000).into_bytes());
    finishes("many questions", "Q1. Why? (X)\n".repeat(50_000).into_bytes());
    let mojibake = "‚Äî‚Üì√ó‚úÖ".repeat(200_000).into_bytes();
    finishes("long mojibake run", mojibake);
}

#[test]
fn unclosed_fence_is_closed_and_reported() {
    let Decoded::Doc(doc) = decode("t.md", b"## 1. What runs?\n\n```\necho hi\n") else { panic!("decoded") };
    let out = segment(&doc);
    assert_eq!(out.entries.len(), 1);
    assert!(out.entries[0].answer_markdown.ends_with("```"), "{}", out.entries[0].answer_markdown);
    assert!(out.diagnostics.iter().any(|d| d.kind == "unterminated-fence" && d.line == 3), "{:?}", out.diagnostics);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        ingest_and_render(&bytes);
    }

    #[test]
    fn markdownish_text_never_panics(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("## 1. What is it?".to_string()),
                Just("- **Why?**".to_string()),
                Just("Q3. How? (Cat)".to_string()),
                Just("```".to_string()),
                Just("  - nested".to_string()),
                Just("".to_string()),
                Just("<details><summary>Q?</summary>".to_string()),
                Just("</details>".to_string()),
                "[ -~‚Äî√ó\t]{0,40}",
            ],
            0..200,
        )
    ) {
        ingest_and_render(lines.join("\n").as_bytes());
    }
}
