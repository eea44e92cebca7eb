//! The Overlap page (`overlap.html`): which chapters each source covers,
//! and how many topics each pair of sources both answer, as two heat-map
//! tables. The counts come from [`crate::organise::overlap`]; this module
//! only shades them and hands them to the template.

use serde::Serialize;

use super::{chapter_path, Site};
use crate::organise::overlap;
use crate::output::SiteSink;
use crate::Result;

/// Site-relative path of the page.
pub const OVERLAP_PATH: &str = "overlap.html";

/// Sources shown in the shared-topics table: it has a cell per pair, so past
/// a few dozen sources it stops being readable and grows quadratically (a
/// thousand sources made a 43 MB page). The sources answering the most
/// topics are shown; the coverage table, one row per source, lists all.
const SHARED_TABLE_SOURCES: usize = 30;

/// Shades of the heat map above "none"; `static/style.css` styles
/// `.heat-0` to `.heat-4`.
const LEVELS: usize = 4;

/// One number of a table and its shade.
#[derive(Debug, Serialize)]
struct Cell {
    count: usize,
    /// `0` for none, up to [`LEVELS`] for the table's largest count.
    level: usize,
    /// True on the diagonal of the shared table: a source with itself.
    own: bool,
}

/// One source's row.
#[derive(Debug, Serialize)]
struct Row<'a> {
    source: &'a str,
    /// Topics the source answers in the whole book.
    topics: usize,
    cells: Vec<Cell>,
}

/// A column heading of the coverage table.
#[derive(Debug, Serialize)]
struct Column<'a> {
    slug: &'a str,
    title: &'a str,
    path: String,
}

/// One step of a table's colour key.
#[derive(Debug, PartialEq, Serialize)]
struct LegendStep {
    level: usize,
    /// The counts the shade stands for, e.g. `1–3`.
    label: String,
}

/// The shade of `count` in a table whose largest count is `max`: 0 for
/// none, then [`LEVELS`] equal bands up to `max`.
fn level(count: usize, max: usize) -> usize {
    if count == 0 || max == 0 {
        0
    } else {
        (count * LEVELS).div_ceil(max).clamp(1, LEVELS)
    }
}

/// The colour key for a table whose largest count is `max`: each shade
/// that some count can get, with the counts it stands for.
fn legend(max: usize) -> Vec<LegendStep> {
    let mut steps = vec![LegendStep { level: 0, label: "0".into() }];
    for shade in 1..=LEVELS {
        let counts: Vec<usize> = (1..=max).filter(|&count| level(count, max) == shade).collect();
        match (counts.first(), counts.last()) {
            (Some(low), Some(high)) if low == high => steps.push(LegendStep { level: shade, label: low.to_string() }),
            (Some(low), Some(high)) => steps.push(LegendStep { level: shade, label: format!("{low}–{high}") }),
            _ => {}
        }
    }
    steps
}

/// Renders `overlap.html` into `sink`; returns the number of pages written.
pub(super) fn render_overlap(site: &Site, sink: &dyn SiteSink) -> Result<usize> {
    let book = site.book;
    let overlap = overlap(book);
    let topics_of = |source: usize| overlap.shared[source][source];
    let shown = most_answering_sources(&overlap, SHARED_TABLE_SOURCES);
    let max_coverage = overlap.max_coverage();
    let shared_counts = &overlap.shared;
    let max_shared = shown
        .iter()
        .flat_map(|&s| shown.iter().filter(move |&&t| t != s).map(move |&t| shared_counts[s][t]))
        .max()
        .unwrap_or(0);
    let coverage: Vec<Row> = overlap
        .sources
        .iter()
        .enumerate()
        .map(|(s, source)| Row {
            source,
            topics: topics_of(s),
            cells: overlap.coverage[s]
                .iter()
                .map(|&count| Cell { count, level: level(count, max_coverage), own: false })
                .collect(),
        })
        .collect();
    let shared: Vec<Row> = shown
        .iter()
        .map(|&s| Row {
            source: &overlap.sources[s],
            topics: topics_of(s),
            cells: shown
                .iter()
                .map(|&t| {
                    let (count, own) = (overlap.shared[s][t], s == t);
                    Cell { count, level: if own { 0 } else { level(count, max_shared) }, own }
                })
                .collect(),
        })
        .collect();
    let shared_sources: Vec<&str> = shown.iter().map(|&s| overlap.sources[s].as_str()).collect();
    let chapters: Vec<Column> =
        book.chapters.iter().map(|c| Column { slug: &c.slug, title: &c.title, path: chapter_path(&c.slug) }).collect();

    let description = "Which chapters each source document covers, and how many topics each pair of sources shares.";
    let mut ctx = site.page_context("overlap", "Source overlap", description, OVERLAP_PATH, "", "")?;
    ctx.insert(
        "overlap",
        &serde_json::json!({
            "sources": overlap.sources,
            "chapters": chapters,
            "coverage": coverage,
            "coverage_legend": legend(max_coverage),
            "shared": shared,
            "shared_sources": shared_sources,
            "shared_hidden": overlap.sources.len() - shown.len(),
            "shared_legend": legend(max_shared),
        }),
    );
    site.write_page(sink, "overlap.html", OVERLAP_PATH, ctx)?;
    Ok(1)
}

/// Indices of the (at most) `limit` sources that answer the most topics,
/// in source order; ties go to the earlier source.
fn most_answering_sources(overlap: &crate::organise::Overlap, limit: usize) -> Vec<usize> {
    let mut sources: Vec<usize> = (0..overlap.sources.len()).collect();
    if sources.len() > limit {
        sources.sort_by_key(|&s| (std::cmp::Reverse(overlap.shared[s][s]), s));
        sources.truncate(limit);
        sources.sort_unstable();
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_table_keeps_the_sources_answering_most() {
        let counts = [3, 9, 1, 9, 5];
        let n = counts.len();
        let shared = (0..n).map(|s| (0..n).map(|t| if s == t { counts[s] } else { 0 }).collect()).collect();
        let overlap = crate::organise::Overlap {
            sources: (0..n).map(|s| format!("s{s}")).collect(),
            chapters: Vec::new(),
            coverage: vec![Vec::new(); n],
            shared,
        };
        assert_eq!(most_answering_sources(&overlap, 3), [1, 3, 4]);
        assert_eq!(most_answering_sources(&overlap, 10), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn shades_split_the_counts_into_equal_bands() {
        assert_eq!([0, 1, 2, 3, 4, 8].map(|count| level(count, 8)), [0, 1, 1, 2, 2, 4]);
        assert_eq!(level(1, 1), LEVELS);
        assert_eq!(level(0, 0), 0);
    }

    #[test]
    fn the_legend_lists_each_shade_that_occurs() {
        let labels = |max| legend(max).into_iter().map(|step| (step.level, step.label)).collect::<Vec<_>>();
        let expected = [(0, "0"), (1, "1–2"), (2, "3–4"), (3, "5–6"), (4, "7–8")];
        assert_eq!(labels(8), expected.map(|(level, label)| (level, label.to_owned())));
        // With a largest count of 2, only two shades are used.
        assert_eq!(labels(2), [(0, "0".to_owned()), (2, "1".to_owned()), (4, "2".to_owned())]);
        assert_eq!(labels(0), [(0, "0".to_owned())]);
    }
}
