//! The words search knows and how the analyzer reads each one.
//!
//! The browser has no stemmer, so the build exports this table and both
//! search engines read query words through it: a word in the vocabulary
//! becomes the stem the Rust analyzer gave it; any other word stands for
//! itself. That makes the query plan a function of the query and this table
//! alone, the same in Rust and in JavaScript.
//!
//! The vocabulary holds every word of the book, the analyzer's own words
//! (stop words, the spellings in the synonym list) and common inflections of
//! the book's words that the stemmer maps to the same stem (`mentor` →
//! `mentoring`), so a reader's `mentoring` finds a book that only says
//! `mentor` or `mentored`. Only words of the book are typo candidates.

use std::path::Path;

use rayon::prelude::*;

use super::document::{SearchDoc, TextField};
use crate::analysis::{self, Analyzer, FastHashSet};
use crate::{Error, Result};

/// One word the search knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocabularyWord {
    /// Lowercase, as [`analysis::words`] returns it.
    pub word: String,
    pub stem: String,
    /// False for stop words and single letters.
    pub is_term: bool,
    /// True when the book uses the word (not only an inflection or the
    /// analyzer's lists): only these are typo candidates.
    pub in_book: bool,
}

/// Words a typo can stand for: at least this long, in characters.
pub const TYPO_MIN_CHARS: usize = 5;
/// Longer query words are never corrected (nobody mistypes a 40-letter
/// identifier and expects a fix), which also bounds the browser's tables.
pub const TYPO_MAX_CHARS: usize = 40;

/// Suffixes the vocabulary tries on each word of the book, `(strip, add)`:
/// the regular plural and verb forms. The stemmer decides: a form is kept
/// only when it stems like the word.
const INFLECTIONS: &[(&str, &str)] =
    &[("", "s"), ("", "ed"), ("", "ing"), ("e", "ing"), ("e", "ed"), ("y", "ies"), ("y", "ied")];
/// Endings after which the plural is `-es` (`latches`, `boxes`).
const SIBILANT_ENDINGS: &[&str] = &["s", "x", "z", "ch", "sh"];

/// The `(strip, add)` suffix rules worth trying on `word`. A word the
/// stemmer shortened from an `-ed` or `-ing` form is already inflected: of
/// its forms only the plural (`setting` → `settings`) is one a reader
/// types, and ruling out the others (`accesseded`, `mentoreding`) would
/// cost a stemmer call each.
fn inflection_rules<'w>(word: &'w str, stem: &str) -> impl Iterator<Item = (&'static str, &'static str)> + 'w {
    let inflected = word != stem && (word.ends_with("ed") || word.ends_with("ing"));
    let sibilant = SIBILANT_ENDINGS.iter().any(|end| word.ends_with(end));
    INFLECTIONS
        .iter()
        .copied()
        .filter(move |&(strip, add)| if inflected { (strip, add) == ("", "s") } else { !(sibilant && add == "s") })
        .chain(sibilant.then_some(("", "es")))
}

/// The sorted table of known words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    words: Vec<VocabularyWord>,
}

impl Vocabulary {
    /// The vocabulary of `docs`: every word of every field, the analyzer's
    /// own words and the inflections of the book's words.
    pub fn build(docs: &[SearchDoc]) -> Vocabulary {
        let analyzer = Analyzer::english();
        // A word is allocated only the first time this thread sees it: most
        // occurrences are repeats.
        let book_words: FastHashSet<String> = docs
            .par_iter()
            .fold(FastHashSet::default, |mut words, doc| {
                for field in TextField::ALL {
                    analysis::for_each_word(&doc.field_text(field), |word| {
                        if !words.contains(word) {
                            words.insert(word.to_owned());
                        }
                    });
                }
                words
            })
            .reduce(FastHashSet::default, |mut a, b| {
                a.extend(b);
                a
            });
        let entry = |word: String, in_book: bool| {
            let analysed = analyzer.analyse_word(&word);
            VocabularyWord { word, stem: analysed.stem, is_term: analysed.is_term, in_book }
        };
        let book_words_listed: Vec<&String> = book_words.iter().collect();
        let mut words: Vec<VocabularyWord> = book_words_listed.par_iter().map(|w| entry((*w).clone(), true)).collect();
        // An inflection is kept only when it stems like its word, so its
        // stem is known; stemming it again, or caching a form seen once,
        // would only cost time.
        let inflections: Vec<VocabularyWord> = words
            .par_iter()
            .filter(|w| w.is_term && w.word.chars().count() >= 3 && w.word.chars().all(char::is_alphabetic))
            .flat_map_iter(|w| {
                inflection_rules(&w.word, &w.stem).filter_map(|(strip, add)| {
                    let base = w.word.strip_suffix(strip)?;
                    let form = format!("{base}{add}");
                    (!book_words.contains(&form) && analyzer.stem(&form) == w.stem).then(|| VocabularyWord {
                        is_term: !analysis::is_stop_word(&form),
                        word: form,
                        stem: w.stem.clone(),
                        in_book: false,
                    })
                })
            })
            .collect();
        words.extend(inflections);
        let analyzer_words = analysis::known_words().into_iter().filter(|w| !book_words.contains(w));
        words.extend(analyzer_words.map(|w| entry(w, false)));
        // Two words can each inflect to the same form: any copy will do,
        // they are equal.
        words.par_sort_by(|a, b| a.word.cmp(&b.word));
        words.dedup_by(|a, b| a.word == b.word);
        Vocabulary { words }
    }

    /// Every word, sorted.
    pub fn words(&self) -> &[VocabularyWord] {
        &self.words
    }

    /// The entry for `word`, if the vocabulary knows it.
    pub fn get(&self, word: &str) -> Option<&VocabularyWord> {
        self.words.binary_search_by(|w| w.word.as_str().cmp(word)).ok().map(|i| &self.words[i])
    }

    /// The words starting with `prefix`, sorted.
    pub fn with_prefix(&self, prefix: &str) -> &[VocabularyWord] {
        let start = self.words.partition_point(|w| w.word.as_str() < prefix);
        let len = self.words[start..].partition_point(|w| w.word.starts_with(prefix));
        &self.words[start..start + len]
    }

    /// The words of the book one typo away from `word` (see
    /// [`within_one_edit`]), sorted.
    pub fn typo_candidates<'v>(&'v self, word: &str) -> impl Iterator<Item = &'v VocabularyWord> + 'v {
        let typed: Vec<char> = word.chars().collect();
        self.words.iter().filter(move |candidate| candidate.in_book && within_one_edit(&typed, &candidate.word))
    }

    /// The table as text, one `word<TAB>stem<TAB>flags` line a word;
    /// flags: `t` term, `b` in the book.
    pub fn to_text(&self) -> String {
        let mut text = String::with_capacity(self.words.len() * 24);
        for w in &self.words {
            let flags = match (w.is_term, w.in_book) {
                (true, true) => "tb",
                (true, false) => "t",
                (false, true) => "b",
                (false, false) => "",
            };
            for part in [&w.word, "\t", &w.stem, "\t", flags, "\n"] {
                text.push_str(part);
            }
        }
        text
    }

    /// Reads a table written by [`Vocabulary::to_text`]; `path` is where it
    /// was read from, for errors.
    pub fn from_text(text: &str, path: &Path) -> Result<Vocabulary> {
        let mut words = Vec::with_capacity(text.len() / 20);
        for (number, line) in text.lines().enumerate() {
            let mut parts = line.split('\t');
            let (Some(word), Some(stem), Some(flags), None) = (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                let message = format!("line {}: malformed vocabulary entry", number + 1);
                return Err(Error::io(path, std::io::Error::new(std::io::ErrorKind::InvalidData, message)));
            };
            words.push(VocabularyWord {
                word: word.to_string(),
                stem: stem.to_string(),
                is_term: flags.contains('t'),
                in_book: flags.contains('b'),
            });
        }
        Ok(Vocabulary { words })
    }
}

/// True when `typed` becomes `candidate` with exactly one edit: a changed,
/// inserted or deleted character, or two neighbours swapped.
pub fn within_one_edit(typed: &[char], candidate: &str) -> bool {
    let candidate: Vec<char> = candidate.chars().collect();
    let (a, b) = (typed, candidate.as_slice());
    let common_prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a_rest, b_rest) = (&a[common_prefix..], &b[common_prefix..]);
    match a_rest.len() as isize - b_rest.len() as isize {
        0 => {
            a_rest.len() == 1
                || (a_rest.len() >= 2
                    && (a_rest[1..] == b_rest[1..]
                        || (a_rest[0] == b_rest[1] && a_rest[1] == b_rest[0] && a_rest[2..] == b_rest[2..])))
        }
        1 => a_rest[1..] == *b_rest,
        -1 => *a_rest == b_rest[1..],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_edit(a: &str, b: &str) -> bool {
        within_one_edit(&a.chars().collect::<Vec<_>>(), b)
    }

    #[test]
    fn one_edit_covers_substitution_insertion_deletion_and_swaps() {
        assert!(one_edit("recovry", "recovery"));
        assert!(one_edit("recoveery", "recovery"));
        assert!(one_edit("recivery", "recovery"));
        assert!(one_edit("rceovery", "recovery"));
        assert!(one_edit("ecovery", "recovery"));
        assert!(one_edit("recover", "recovery"));
        assert!(!one_edit("recovery", "recovery"));
        assert!(!one_edit("rcevory", "recovery"));
        assert!(!one_edit("recoveries", "recovery"));
        assert!(one_edit("naïve", "naive"));
    }

    #[test]
    fn vocabulary_knows_book_words_inflections_and_stop_words() {
        let doc = SearchDoc {
            title: "How do I mentor an engineer?".into(),
            body: "Mentors listen.".into(),
            ..SearchDoc::default()
        };
        let vocabulary = Vocabulary::build(&[doc]);
        let mentor = vocabulary.get("mentor").unwrap();
        assert!(mentor.in_book && mentor.is_term);
        let mentoring = vocabulary.get("mentoring").unwrap();
        assert_eq!((mentoring.stem.as_str(), mentoring.in_book), ("mentor", false));
        let the = vocabulary.get("the").unwrap();
        assert!(!the.is_term && !the.in_book);
        assert!(vocabulary.get("mentorx").is_none());
        assert_eq!(vocabulary.with_prefix("mentor").first().map(|w| w.word.as_str()), Some("mentor"));
        let candidates: Vec<&str> = vocabulary.typo_candidates("mentros").map(|w| w.word.as_str()).collect();
        assert_eq!(candidates, ["mentors"]);
    }

    #[test]
    fn vocabulary_survives_text_and_back() {
        let doc = SearchDoc { body: "Kubernetes pods restart; the SLO holds.".into(), ..SearchDoc::default() };
        let vocabulary = Vocabulary::build(&[doc]);
        let text = vocabulary.to_text();
        assert_eq!(Vocabulary::from_text(&text, Path::new("v")).unwrap(), vocabulary);
        let error = Vocabulary::from_text("word\tstem\n", Path::new("v")).unwrap_err().to_string();
        assert!(error.contains("line 1"), "{error}");
    }
}
