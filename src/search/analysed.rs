//! Every topic's fields analysed once, for both indexes.
//!
//! The analyzer (word split, stop words, stems, synonym phrases) is the
//! dearest step of indexing: the browser export and the tantivy index used
//! to run it over the same text each. They now share one pass, and tantivy
//! replays the terms ([`ReplayTokenizer`]).

use rayon::prelude::*;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::document::{SearchDoc, TextField};
use crate::analysis::{self, Analyzer, FastHashMap, PhraseWords};

/// One topic's terms, field by field.
#[derive(Debug, Clone, Default)]
pub struct AnalysedDoc {
    /// Per field (in [`TextField::ALL`] order): term counts and token count.
    pub fields: [(FastHashMap<String, u32>, u32); 5],
    /// The spellings of the synonym phrases it uses (`service level
    /// objectives`) with their terms. Single words' spellings come from the
    /// vocabulary.
    pub phrases: Vec<(String, String)>,
}

impl AnalysedDoc {
    /// Every doc of `docs`, in order.
    pub fn all(docs: &[SearchDoc]) -> Vec<AnalysedDoc> {
        docs.par_iter().map(AnalysedDoc::of).collect()
    }

    pub fn of(doc: &SearchDoc) -> AnalysedDoc {
        let mut phrases = Vec::new();
        let fields = TextField::ALL.map(|field| {
            let text = doc.field_text(field);
            let mut length = 0;
            let mut counts: FastHashMap<String, u32> = FastHashMap::default();
            Analyzer::english().for_each_term_span(&text, PhraseWords::Keep, |term, span| {
                length += 1;
                let source = &text[span];
                if source.chars().any(|c| !c.is_alphanumeric() && !is_apostrophe(c)) {
                    phrases.push((term.to_owned(), analysis::words(source).join(" ")));
                }
                // Most terms recur in a topic: only a new one is allocated.
                match counts.get_mut(term) {
                    Some(count) => *count += 1,
                    None => {
                        counts.insert(term.to_owned(), 1);
                    }
                }
            });
            (counts, length)
        });
        phrases.sort_unstable();
        phrases.dedup();
        AnalysedDoc { fields, phrases }
    }

    /// What tantivy indexes for the field at `index` of [`TextField::ALL`]:
    /// its terms, each as often as it occurs and followed by a newline, for
    /// [`ReplayTokenizer`]. The index records term frequencies and field
    /// lengths only (no positions), so BM25 is the same as from the
    /// analyzer's own tokens; snippets re-analyse the stored text. Terms
    /// are runs of letters and digits, never a newline.
    pub fn indexed_text(&self, index: usize) -> String {
        let (counts, _) = &self.fields[index];
        // In hash order: tantivy writes terms sorted and postings by topic,
        // so the order within one topic changes nothing it writes.
        let bytes = counts.iter().map(|(term, &count)| (term.len() + 1) * count as usize).sum();
        let mut text = String::with_capacity(bytes);
        for (term, &count) in counts {
            for _ in 0..count {
                text.push_str(term);
                text.push('\n');
            }
        }
        text
    }
}

/// The tokenizer tantivy indexes with: it replays the terms of
/// [`AnalysedDoc::indexed_text`] instead of analysing the text a second
/// time, and allocates nothing per token.
#[derive(Debug, Clone, Default)]
pub struct ReplayTokenizer {
    token: Token,
}

pub struct ReplayTokenStream<'a> {
    terms: std::str::SplitTerminator<'a, char>,
    token: &'a mut Token,
}

impl Tokenizer for ReplayTokenizer {
    type TokenStream<'a> = ReplayTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ReplayTokenStream<'a> {
        self.token.reset();
        ReplayTokenStream { terms: text.split_terminator('\n'), token: &mut self.token }
    }
}

impl TokenStream for ReplayTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(term) = self.terms.next() else {
            return false;
        };
        self.token.position = self.token.position.wrapping_add(1);
        self.token.text.clear();
        self.token.text.push_str(term);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Feeds tantivy the shared analysis: [`Analyzer::term_spans`] keeping the
/// words of synonym phrases, with byte offsets for snippets.
#[derive(Debug, Clone, Default)]
pub struct SearchTokenizer;

/// The tokens of one text, analysed up front.
#[derive(Debug)]
pub struct SearchTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for SearchTokenizer {
    type TokenStream<'a> = SearchTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SearchTokenStream {
        let tokens = Analyzer::english()
            .term_spans(text, PhraseWords::Keep)
            .into_iter()
            .enumerate()
            .map(|(position, span)| Token {
                offset_from: span.span.start,
                offset_to: span.span.end,
                position,
                text: span.term,
                position_length: 1,
            })
            .collect();
        SearchTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for SearchTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}')
}
