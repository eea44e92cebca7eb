//! What search sees of a topic: its text, split into the fields that rank
//! differently, in reading order.

use std::collections::HashMap;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::model::{Book, Entry, Topic};
use crate::render::topic_path;

/// The searchable fields of a topic, from most to least telling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    /// The canonical phrasing.
    Title,
    /// The other phrasings ("also asked as").
    Variants,
    /// Every answer's prose, code blocks excluded.
    Body,
    /// Every answer's code blocks.
    Code,
    /// The chapter title, source file names and the sources' own section names.
    Context,
}

impl TextField {
    /// Every field, in the order the browser index stores per-field data.
    pub const ALL: [TextField; 5] =
        [TextField::Title, TextField::Variants, TextField::Body, TextField::Code, TextField::Context];

    /// The tantivy field name.
    pub fn name(self) -> &'static str {
        match self {
            TextField::Title => "title",
            TextField::Variants => "variants",
            TextField::Body => "body",
            TextField::Code => "code",
            TextField::Context => "context",
        }
    }

    /// How much a match in this field counts, relative to the body. A question
    /// that *is* what the reader typed must beat an answer that mentions it.
    pub fn boost(self) -> f32 {
        match self {
            TextField::Title => 3.0,
            TextField::Variants => 2.5,
            TextField::Body => 1.0,
            TextField::Code => 0.5,
            TextField::Context => 0.4,
        }
    }
}

/// One topic as search indexes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    pub slug: String,
    pub title: String,
    pub variants: Vec<String>,
    /// Chapter slug.
    pub chapter: String,
    /// Site-relative path of the topic's page.
    pub path: String,
    /// Plain text of every answer, canonical answer first, one paragraph a line.
    pub body: String,
    /// The code blocks of every answer.
    pub code: String,
    /// Chapter title, sources and their section names.
    pub context: String,
}

impl SearchDoc {
    /// The text of one field (variants one a line).
    pub fn field_text(&self, field: TextField) -> std::borrow::Cow<'_, str> {
        match field {
            TextField::Title => self.title.as_str().into(),
            TextField::Variants => self.variants.join("\n").into(),
            TextField::Body => self.body.as_str().into(),
            TextField::Code => self.code.as_str().into(),
            TextField::Context => self.context.as_str().into(),
        }
    }
}

/// Every topic of `book` in reading order (chapter by chapter), so equal
/// scores rank in the order the book presents them.
pub fn search_docs(book: &Book) -> Vec<SearchDoc> {
    let entries: HashMap<&str, &Entry> = book.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let topics: HashMap<&str, &Topic> = book.topics.iter().map(|t| (t.slug.as_str(), t)).collect();
    let in_order: Vec<(&Topic, &str)> = book
        .chapters
        .iter()
        .flat_map(|chapter| {
            chapter.topics.iter().filter_map(|slug| topics.get(slug.as_str())).map(|t| (*t, chapter.title.as_str()))
        })
        .collect();
    // Parsing the answers' markdown is the costly part; collect keeps the order.
    in_order
        .into_par_iter()
        .map(|(topic, chapter_title)| {
            let topic_entries: Vec<&Entry> =
                topic.entries.iter().filter_map(|id| entries.get(id.as_str()).copied()).collect();
            search_doc(topic, chapter_title, &topic_entries)
        })
        .collect()
}

fn search_doc(topic: &Topic, chapter_title: &str, entries: &[&Entry]) -> SearchDoc {
    let mut body = String::new();
    let mut code = String::new();
    let mut context = vec![chapter_title.to_string()];
    for entry in entries {
        let text = answer_text(&entry.answer_markdown);
        push_paragraph(&mut body, &text.prose);
        push_paragraph(&mut code, &text.code);
        for label in [&entry.source, &entry.source_section] {
            if !label.is_empty() && !context.contains(label) {
                context.push(label.clone());
            }
        }
    }
    SearchDoc {
        slug: topic.slug.clone(),
        title: topic.title.clone(),
        variants: topic.variants.clone(),
        chapter: topic.chapter.clone(),
        path: topic_path(topic),
        body,
        code,
        context: context.join("\n"),
    }
}

fn push_paragraph(out: &mut String, text: &str) {
    let text = text.trim();
    if !text.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(text);
    }
}

/// About the first `max_chars` characters of `text` with its whitespace
/// collapsed, cut between words; true when something was cut off.
pub fn opening(text: &str, max_chars: usize) -> (String, bool) {
    // Flatten only as far as the cut: a topic's answers can be long.
    let mut flat = String::with_capacity(max_chars + 16);
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > max_chars {
            break;
        }
    }
    match flat.char_indices().nth(max_chars) {
        None => (flat, false),
        Some((cut, _)) => {
            let cut = flat[..cut].rfind(' ').unwrap_or(cut);
            (flat[..cut].to_string(), true)
        }
    }
}

/// An answer's markdown as plain text: prose and code apart.
#[derive(Debug, Default, PartialEq, Eq)]
struct AnswerText {
    prose: String,
    code: String,
}

/// Strips markdown to the words a reader sees. Blocks end with a newline so a
/// snippet never glues the last word of a list item to the next one.
fn answer_text(markdown: &str) -> AnswerText {
    let mut text = AnswerText::default();
    let mut in_code_block = false;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                text.code.push('\n');
            }
            Event::Text(t) if in_code_block => text.code.push_str(&t),
            Event::Text(t) | Event::Code(t) => text.prose.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.prose.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) if !text.prose.ends_with('\n') => text.prose.push('\n'),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_cuts_like_flattening_the_whole_text_first() {
        let whole = |text: &str, max: usize| {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            match flat.char_indices().nth(max) {
                None => (flat, false),
                Some((cut, _)) => (flat[..flat[..cut].rfind(' ').unwrap_or(cut)].to_string(), true),
            }
        };
        let texts = ["", "one", "  two  words\n", "naïve café  déjà vu\tand more words here", "abcdefghij klm"];
        for text in texts {
            for max in 0..45 {
                assert_eq!(opening(text, max), whole(text, max), "{text:?} at {max}");
            }
        }
    }

    #[test]
    fn markdown_becomes_prose_and_code() {
        let text = answer_text("Use **TTLs** and `kubectl`.\n\n- one\n- two\n\n```yaml\nkind: Pod\n```\n");
        assert_eq!(text.prose, "Use TTLs and kubectl.\none\ntwo\n");
        assert_eq!(text.code, "kind: Pod\n\n");
    }
}
