//! How the sources overlap: which chapters each source covers, and how many
//! topics each pair of sources both answer. The Overlap page shows it.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::model::Book;

/// Source coverage of the organised book, counted in topics: a topic counts
/// once for a source however many of its entries come from that source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Overlap {
    /// Source paths that contributed an entry, sorted.
    pub sources: Vec<String>,
    /// Chapter slugs, in book order.
    pub chapters: Vec<String>,
    /// `coverage[s][c]`: topics of chapter `c` that source `s` answers.
    pub coverage: Vec<Vec<usize>>,
    /// `shared[s][t]`: topics both source `s` and source `t` answer; on the
    /// diagonal, all the topics source `s` answers. Symmetric.
    pub shared: Vec<Vec<usize>>,
}

impl Overlap {
    /// The largest count in `coverage` (0 when empty).
    pub fn max_coverage(&self) -> usize {
        self.coverage.iter().flatten().copied().max().unwrap_or(0)
    }

    /// The largest count in `shared` between two different sources.
    pub fn max_shared(&self) -> usize {
        let off_diagonal = self
            .shared
            .iter()
            .enumerate()
            .flat_map(|(s, row)| row.iter().enumerate().filter(move |&(t, _)| t != s).map(|(_, &count)| count));
        off_diagonal.max().unwrap_or(0)
    }
}

/// Counts, for every source, the topics it answers in each chapter and the
/// topics it shares with every other source.
pub fn overlap(book: &Book) -> Overlap {
    let sources: Vec<String> =
        book.entries.iter().map(|e| e.source.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let source_index: HashMap<&str, usize> = sources.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let source_of: HashMap<&str, usize> =
        book.entries.iter().map(|e| (e.id.as_str(), source_index[e.source.as_str()])).collect();
    let chapter_index: HashMap<&str, usize> =
        book.chapters.iter().enumerate().map(|(i, c)| (c.slug.as_str(), i)).collect();

    let mut coverage = vec![vec![0; book.chapters.len()]; sources.len()];
    let mut shared = vec![vec![0; sources.len()]; sources.len()];
    for topic in &book.topics {
        let answered: BTreeSet<usize> =
            topic.entries.iter().filter_map(|id| source_of.get(id.as_str()).copied()).collect();
        if let Some(&chapter) = chapter_index.get(topic.chapter.as_str()) {
            for &source in &answered {
                coverage[source][chapter] += 1;
            }
        }
        for &s in &answered {
            for &t in &answered {
                shared[s][t] += 1;
            }
        }
    }
    Overlap { sources, chapters: book.chapters.iter().map(|c| c.slug.clone()).collect(), coverage, shared }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Chapter, Entry, EntryKind, Topic};

    fn entry(source: &str, line: usize) -> Entry {
        Entry {
            id: Entry::make_id(source, line),
            kind: EntryKind::Question,
            source: source.into(),
            line,
            question: format!("Question {line}?"),
            answer_markdown: String::new(),
            chapter: String::new(),
            source_section: String::new(),
            code_blocks: Vec::new(),
        }
    }

    fn topic(slug: &str, chapter: &str, entries: &[&str]) -> Topic {
        Topic {
            slug: slug.into(),
            title: slug.into(),
            chapter: chapter.into(),
            entries: entries.iter().map(|e| (*e).to_owned()).collect(),
            variants: Vec::new(),
            related: Vec::new(),
        }
    }

    fn chapter(slug: &str) -> Chapter {
        Chapter {
            slug: slug.into(),
            title: slug.into(),
            description: String::new(),
            topics: Vec::new(),
            sections: Vec::new(),
        }
    }

    #[test]
    fn counts_topics_per_chapter_and_topics_shared_between_sources() {
        let book = Book {
            chapters: vec![chapter("slos"), chapter("design")],
            topics: vec![
                // Two entries of b.md on one topic count once.
                topic("slo", "slos", &["a.md:1", "b.md:1", "b.md:5"]),
                topic("lru", "design", &["a.md:3", "c.md:1"]),
                topic("cap", "design", &["c.md:4"]),
            ],
            entries: vec![
                entry("a.md", 1),
                entry("a.md", 3),
                entry("b.md", 1),
                entry("b.md", 5),
                entry("c.md", 1),
                entry("c.md", 4),
            ],
            ..Book::default()
        };
        let overlap = overlap(&book);
        assert_eq!(overlap.sources, ["a.md", "b.md", "c.md"]);
        assert_eq!(overlap.chapters, ["slos", "design"]);
        assert_eq!(overlap.coverage, [vec![1, 1], vec![1, 0], vec![0, 2]]);
        assert_eq!(overlap.shared, [vec![2, 1, 1], vec![1, 1, 0], vec![1, 0, 2]]);
        assert_eq!((overlap.max_coverage(), overlap.max_shared()), (2, 1));
    }

    #[test]
    fn an_empty_book_has_no_overlap() {
        let overlap = overlap(&Book::default());
        assert_eq!(overlap, Overlap::default());
        assert_eq!((overlap.max_coverage(), overlap.max_shared()), (0, 0));
    }
}
