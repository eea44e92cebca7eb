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
    let (max_coverage, max_shared) = (overlap.max_coverage(), overlap.max_shared());
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
    let shared: Vec<Row> = overlap
        .sources
        .iter()
        .enumerate()
        .map(|(s, source)| Row {
            source,
            topics: topics_of(s),
            cells: overlap.shared[s]
                .iter()
                .enumerate()
                .map(|(t, &count)| {
                    let own = s == t;
                    Cell { count, level: if own { 0 } else { level(count, max_shared) }, own }
                })
                .collect(),
        })
        .collect();
    let chapters: Vec<Column> =
        book.chapters.iter().map(|c| Column { slug: &c.slug, title: &c.title, path: chapter_path(&c.slug) }).collect();

    let description = "Which chapters each source document covers, and how many topics each pair of sources shares.";
    let mut ctx = site.page_context("overlap", "Source overlap", description, OVERLAP_PATH, "", "");
    ctx.insert(
        "overlap",
        &serde_json::json!({
            "sources": overlap.sources,
            "chapters": chapters,
            "coverage": coverage,
            "coverage_legend": legend(max_coverage),
            "shared": shared,
            "shared_legend": legend(max_shared),
        }),
    );
    site.write_page(sink, "overlap.html", OVERLAP_PATH, ctx)?;
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

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
