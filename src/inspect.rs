//! Human-readable views of the organised book: the outline `srebook inspect`
//! prints without `--json`, and the `srebook check` report.

use std::fmt::Write as _;

use crate::model::{Book, Severity};
use crate::organise::DedupReview;

/// Chapters, their topics and how many sources answer each.
pub fn outline(book: &Book) -> String {
    let mut out = String::new();
    for chapter in &book.chapters {
        let _ = writeln!(out, "{} ({} topics)", chapter.title, chapter.topics.len());
        for slug in &chapter.topics {
            if let Some(topic) = book.topics.iter().find(|t| &t.slug == slug) {
                let _ = writeln!(out, "  {} [{} answers]", topic.title, topic.entries.len());
            }
        }
    }
    out
}

/// The `srebook check` listing and its counts.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// One `file:line: kind: message` per line.
    pub text: String,
    pub repairs: usize,
    pub warnings: usize,
    pub errors: usize,
}

/// Every repair and diagnostic, sorted by file and line.
pub fn check_report(book: &Book) -> CheckReport {
    let mut rows: Vec<(String, usize, String)> = Vec::new();
    let mut report = CheckReport { repairs: book.repairs.len(), ..CheckReport::default() };
    for repair in &book.repairs {
        // Replaced bytes are text lost for good: an error, not just a repair.
        let severity = if repair.kind == "undecodable" {
            report.errors += 1;
            "error"
        } else {
            "repair"
        };
        rows.push((repair.source.clone(), repair.line, format!("{severity}: {}: {}", repair.kind, repair.detail)));
    }
    for diagnostic in &book.diagnostics {
        let severity = match diagnostic.severity {
            Severity::Warning => {
                report.warnings += 1;
                "warning"
            }
            Severity::Error => {
                report.errors += 1;
                "error"
            }
        };
        rows.push((
            diagnostic.source.clone(),
            diagnostic.line,
            format!("{severity}: {}: {}", diagnostic.kind, diagnostic.message),
        ));
    }
    rows.sort();
    for (source, line, message) in rows {
        let _ = writeln!(report.text, "{source}:{line}: {message}");
    }
    report
}

/// `srebook check --dedup`: a summary, each merge with its members and
/// how similar they are, then the closest pairs left apart with their
/// similarity and why, and how to pin a decision in book.toml.
pub fn dedup_report(review: &DedupReview) -> String {
    let mut out = format!(
        "{} entries in {} topics; {} topics merge several entries (threshold {:.3}).\n",
        review.entries,
        review.topics,
        review.merges.len(),
        review.threshold
    );
    let _ = writeln!(out, "\nMerged ({} topics):", review.merges.len());
    for merge in &review.merges {
        let _ = writeln!(out, "  {} ({}, mean similarity {:.3})", merge.slug, merge.chapter, merge.similarity);
        for (id, question) in merge.entries.iter().zip(&merge.questions) {
            let _ = writeln!(out, "    {id}: {question}");
        }
    }
    let _ = writeln!(out, "\nClosest pairs left apart ({}):", review.near_misses.len());
    for pair in &review.near_misses {
        let _ = writeln!(out, "  {:.3}  {}: {}", pair.similarity, pair.a_id, pair.a_question);
        let _ = writeln!(out, "         {}: {}", pair.b_id, pair.b_question);
        let _ = writeln!(out, "         kept apart: {}", pair.reason);
    }
    out.push_str(
        "\nTo pin a decision, list the questions (text or source:line) in book.toml:\n  \
         [[dedup.merge]]     questions = [\"<id>\", \"<id>\"]   # must share a topic\n  \
         [[dedup.separate]]  questions = [\"<id>\", \"<id>\"]   # must not\n",
    );
    out
}
