//! The browser's search index: small script files a page loads on demand.
//!
//! The browser cannot open a tantivy index, and a site opened from disk
//! (`file://`) cannot `fetch`, so the build writes the index as scripts that
//! call `srebookSearch.load(id, data)` (JSONP) under `search/`:
//!
//! | file | holds | a query loads |
//! |---|---|---|
//! | `meta.js` | shard tables, chapters, synonym table, tuning | once |
//! | `<hash>/w<n>.js` | vocabulary: word → stem, sorted by word | one per word; the last word's completions |
//! | `<hash>/h<n>.js`, `e<n>.js` | the book's words by first / last two letters and length | only for a typo |
//! | `<hash>/t<n>.js` | terms: their spellings and postings | the shards of the query's terms |
//! | `<hash>/d<n>.js` | topics: path, title, chapter, phrasings, opening text | the shards of the results shown |
//!
//! Shards are cut from sorted keys at a target size; `meta.js` lists each
//! shard's first key, so a lookup is a binary search. `<hash>` is a digest of
//! every shard, so a browser never mixes shards of two builds.
//!
//! A posting stores the topic's precomputed score for the term: the BM25
//! sum over fields with the same boosts and formula as the tantivy index
//! (k1 = 1.2, b = 0.75, idf per field), quantised on a log scale. Ranking in
//! the browser is then a sum of lookups, which keeps it well under a
//! millisecond per thousand postings.
//!
//! A typo of a word of n ≥ 5 characters keeps either its first two or its last
//! two characters (one edit cannot touch both), so the candidates one edit away
//! are all among the words with the same first two letters or the same last two,
//! of length n − 1 to n + 1: two narrow ranges of the `h` and `e` tables.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::Hasher;

use rayon::prelude::*;
use serde::Serialize;

use super::analysed::AnalysedDoc;
use super::document::{opening, SearchDoc, TextField};
use super::engine::{ChapterInfo, SNIPPET_CHARS};
use super::plan::{
    SynonymPatterns, MAX_PREFIX_EXPANSIONS, MAX_QUERY_WORDS, MAX_TYPO_EXPANSIONS, PARTIAL_WORD_WEIGHT,
    PREFIX_MIN_CHARS, PREFIX_WEIGHT, TYPO_WEIGHT,
};
use super::vocabulary::{Vocabulary, VocabularyWord, TYPO_MAX_CHARS, TYPO_MIN_CHARS};
use crate::analysis::{Analyzer, FastHashMap, FnvHasher};

/// The site folder of the browser index.
pub const SEARCH_DIR: &str = "search";
/// Bumped with any change to the files' layout; search.js checks it.
const FORMAT: u32 = 1;

/// Target shard sizes in bytes: small enough that a query loads little it
/// does not need, large enough that a big book is not tens of thousands of
/// files.
const TERM_SHARD_BYTES: usize = 8_000;
const WORD_SHARD_BYTES: usize = 4_000;
const DOC_SHARD_BYTES: usize = 2_500;
/// The opening of a topic's answers kept for snippets, in characters.
const EXCERPT_CHARS: usize = 280;
/// At most this many spellings of a term are kept for highlighting.
const MAX_FORMS: usize = 24;
/// A term keeps its postings in at most this many topics, those where it
/// weighs most: about 16 KB, so a query of very common words stays small in
/// any book. Below this many topics nothing is dropped; above, a topic loses
/// only a common word's small score.
const MAX_POSTINGS: usize = 5_000;
/// BM25 parameters, as tantivy's.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Posting weights are stored as `round(ln(w / WEIGHT_BASE) / ln(WEIGHT_STEP))`:
/// 3% steps, two characters for any weight a topic can reach.
const WEIGHT_BASE: f64 = 0.01;
const WEIGHT_STEP: f64 = 1.03;
/// The digits of the variable-length numbers in postings: base64, five bits
/// a digit, the sixth bit set on every digit but the last.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The files of a browser index: site-relative path → contents.
#[derive(Debug, Clone, Default)]
pub struct BrowserIndex {
    pub files: Vec<(String, Vec<u8>)>,
}

impl BrowserIndex {
    /// Total size of every file, in bytes.
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|(_, bytes)| bytes.len()).sum()
    }
}

/// The browser index of `docs`.
pub fn export(
    docs: &[SearchDoc],
    analysed: &[AnalysedDoc],
    vocabulary: &Vocabulary,
    chapters: &[ChapterInfo],
) -> BrowserIndex {
    let terms = term_entries(analysed, vocabulary);
    let words: Vec<(String, String)> =
        vocabulary.words().iter().map(|w| (w.word.clone(), json_string(&word_line(w)))).collect();
    let typo_pool = |key: fn(&[char]) -> String| -> Vec<(String, String)> {
        let mut pool: Vec<(String, String)> = vocabulary
            .words()
            .iter()
            .filter(|w| w.in_book)
            .filter_map(|w| {
                let chars: Vec<char> = w.word.chars().collect();
                ((TYPO_MIN_CHARS - 1..=TYPO_MAX_CHARS + 1).contains(&chars.len()))
                    .then(|| (format!("{}{:02}{}", key(&chars), chars.len(), w.word), json_string(&word_line(w))))
            })
            .collect();
        pool.sort();
        pool
    };
    let heads = typo_pool(|chars| chars[..2].iter().collect());
    let tails = typo_pool(|chars| chars[chars.len() - 2..].iter().collect());
    let chapter_index: HashMap<&str, usize> = chapters.iter().enumerate().map(|(i, c)| (c.slug.as_str(), i)).collect();
    let doc_entries: Vec<(usize, serde_json::Value)> = docs
        .iter()
        .enumerate()
        .map(|(id, doc)| {
            let chapter = chapter_index.get(doc.chapter.as_str()).copied().unwrap_or(0);
            let excerpt = opening(&doc.body, EXCERPT_CHARS).0;
            (id, serde_json::json!([doc.path, doc.title, chapter, doc.variants, excerpt]))
        })
        .collect();

    let tables = [
        ("w", cut(words, WORD_SHARD_BYTES)),
        ("h", cut(heads, WORD_SHARD_BYTES)),
        ("e", cut(tails, WORD_SHARD_BYTES)),
        ("t", cut(terms, TERM_SHARD_BYTES)),
    ];
    let doc_shards = cut_docs(doc_entries);
    let mut digest = FnvHasher::default();
    for (_, shards) in &tables {
        shards.iter().for_each(|s| digest.write(s.payload.as_bytes()));
    }
    doc_shards.iter().for_each(|s| digest.write(s.payload.as_bytes()));
    let dir = format!("{:016x}", digest.finish());

    let mut files = Vec::new();
    let mut shard_keys: BTreeMap<&str, serde_json::Value> = BTreeMap::new();
    for (prefix, shards) in &tables {
        for (n, shard) in shards.iter().enumerate() {
            files.push(script_file(&dir, &format!("{prefix}{n}"), &shard.payload));
        }
        shard_keys.insert(prefix, shards.iter().map(|s| s.first_key.clone()).collect());
    }
    for (n, shard) in doc_shards.iter().enumerate() {
        files.push(script_file(&dir, &format!("d{n}"), &shard.payload));
    }
    shard_keys.insert("d", doc_shards.iter().map(|s| s.first_id).collect());
    let meta = Meta {
        format: FORMAT,
        dir: &dir,
        docs: docs.len(),
        chapters: chapters.iter().map(|c| [c.slug.as_str(), c.title.as_str()]).collect(),
        synonyms: Analyzer::english().synonym_patterns(),
        shards: shard_keys,
        tuning: Tuning {
            max_query_words: MAX_QUERY_WORDS,
            typo_min_chars: TYPO_MIN_CHARS,
            typo_max_chars: TYPO_MAX_CHARS,
            prefix_min_chars: PREFIX_MIN_CHARS,
            max_typo_expansions: MAX_TYPO_EXPANSIONS,
            max_prefix_expansions: MAX_PREFIX_EXPANSIONS,
            typo_weight: TYPO_WEIGHT,
            prefix_weight: PREFIX_WEIGHT,
            partial_word_weight: PARTIAL_WORD_WEIGHT,
            weight_base: WEIGHT_BASE,
            weight_step: WEIGHT_STEP,
            snippet_chars: SNIPPET_CHARS,
        },
    };
    let meta_json = serde_json::to_string(&meta).unwrap_or_default();
    files.push((format!("{SEARCH_DIR}/meta.js"), jsonp("meta", &meta_json).into_bytes()));
    BrowserIndex { files }
}

/// `meta.js`: everything a page needs before it can look anything up.
#[derive(Serialize)]
struct Meta<'a> {
    format: u32,
    /// The folder of this build's shards.
    dir: &'a str,
    docs: usize,
    /// `[slug, title]`, in book order; documents refer to them by index.
    chapters: Vec<[&'a str; 2]>,
    /// `[variant stems, canonical stems]`, grouped by first stem, in
    /// matching order (see [`Analyzer::synonym_patterns`]).
    synonyms: Vec<(&'static [String], &'static [String])>,
    /// Per table (`w`, `h`, `e`, `t`: first key; `d`: first topic number), one
    /// entry a shard.
    shards: BTreeMap<&'a str, serde_json::Value>,
    tuning: Tuning,
}

/// The plan's and the ranking's parameters, so search.js never hardcodes one.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tuning {
    max_query_words: usize,
    typo_min_chars: usize,
    typo_max_chars: usize,
    prefix_min_chars: usize,
    max_typo_expansions: usize,
    max_prefix_expansions: usize,
    typo_weight: f32,
    prefix_weight: f32,
    partial_word_weight: f32,
    weight_base: f64,
    weight_step: f64,
    snippet_chars: usize,
}

/// One vocabulary entry as a line: `word[<TAB>stem[<TAB>n]]`. The stem is
/// empty when it is the word, a number when it is the word minus that many
/// trailing letters (ASCII words), else `=` and the stem; `n` marks a word
/// that is not a term.
fn word_line(word: &VocabularyWord) -> String {
    let stem = if word.stem == word.word {
        String::new()
    } else if word.word.is_ascii() && word.word.starts_with(&word.stem) {
        (word.word.len() - word.stem.len()).to_string()
    } else {
        format!("={}", word.stem)
    };
    match (stem.is_empty(), word.is_term) {
        (true, true) => word.word.clone(),
        (false, true) => format!("{}\t{stem}", word.word),
        (_, false) => format!("{}\t{stem}\tn", word.word),
    }
}

/// Every term's spellings, for highlighting: the book's words that analyse to
/// it on their own, and the synonym phrases that fold into it.
fn spellings(docs: &[AnalysedDoc], vocabulary: &Vocabulary) -> FastHashMap<String, Vec<String>> {
    let synonyms = SynonymPatterns::english();
    let mut spellings: FastHashMap<String, Vec<String>> = FastHashMap::default();
    for word in vocabulary.words().iter().filter(|w| w.in_book) {
        let mut terms = synonyms.word_terms(word);
        if word.is_term && !terms.contains(&word.stem) {
            terms.push(word.stem.clone());
        }
        for term in terms {
            spellings.entry(term).or_default().push(word.word.clone());
        }
    }
    for (term, phrase) in docs.iter().flat_map(|d| &d.phrases) {
        let forms = spellings.entry(term.clone()).or_default();
        if !forms.contains(phrase) {
            forms.push(phrase.clone());
        }
    }
    for forms in spellings.values_mut() {
        // Short spellings first: they are the common ones, and the cap drops the rest.
        forms.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        forms.truncate(MAX_FORMS);
    }
    spellings
}

/// Every term with its spellings and postings, as sorted `(term, entry)`.
fn term_entries(docs: &[AnalysedDoc], vocabulary: &Vocabulary) -> Vec<(String, String)> {
    let doc_count = docs.len().max(1) as f64;
    // Each field's document frequencies and mean length, fields side by side.
    let field_stats: Vec<(FastHashMap<&str, u32>, f64)> = (0..TextField::ALL.len())
        .into_par_iter()
        .map(|f| {
            let mut doc_freq: FastHashMap<&str, u32> = FastHashMap::default();
            let mut tokens = 0u64;
            for doc in docs {
                tokens += u64::from(doc.fields[f].1);
                for term in doc.fields[f].0.keys() {
                    *doc_freq.entry(term).or_default() += 1;
                }
            }
            (doc_freq, (tokens as f64 / doc_count).max(1e-9))
        })
        .collect();
    // Each topic's BM25 weight per term, topics side by side; the spellings
    // beside them.
    let (weighted, spellings) = rayon::join(
        || docs.par_iter().map(|doc| bm25_weights(doc, &field_stats, doc_count)).collect::<Vec<_>>(),
        || spellings(docs, vocabulary),
    );
    let mut postings: FastHashMap<&str, Vec<(usize, f64)>> = FastHashMap::default();
    for (id, weights) in weighted.into_iter().enumerate() {
        for (term, weight) in weights {
            postings.entry(term).or_default().push((id, weight));
        }
    }
    let mut entries: Vec<(String, String)> = postings
        .into_par_iter()
        .map(|(term, mut postings)| {
            if postings.len() > MAX_POSTINGS {
                postings.select_nth_unstable_by(MAX_POSTINGS, |a, b| b.1.total_cmp(&a.1));
                postings.truncate(MAX_POSTINGS);
                postings.sort_unstable_by_key(|(id, _)| *id);
            }
            let mut encoded = String::with_capacity(postings.len() * 3);
            let mut previous = 0;
            for (id, weight) in postings {
                push_number(&mut encoded, id - previous);
                push_number(&mut encoded, weight_code(weight));
                previous = id;
            }
            let forms = spellings.get(term).map(|f| f.join("|")).unwrap_or_default();
            let entry = serde_json::to_string(&[term, &forms, &encoded]).unwrap_or_default();
            (term.to_string(), entry[1..entry.len() - 1].to_string())
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

/// One topic's BM25 weight for each of its terms, summed over its fields
/// with their boosts; `field_stats` holds each field's document
/// frequencies and mean length over `doc_count` topics.
fn bm25_weights<'d>(
    doc: &'d AnalysedDoc,
    field_stats: &[(FastHashMap<&str, u32>, f64)],
    doc_count: f64,
) -> Vec<(&'d str, f64)> {
    let mut weights: FastHashMap<&str, f64> = FastHashMap::default();
    for (f, field) in TextField::ALL.into_iter().enumerate() {
        let (counts, length) = &doc.fields[f];
        let (doc_freq, average_length) = &field_stats[f];
        let norm = K1 * (1.0 - B + B * f64::from(*length) / average_length);
        for (term, &tf) in counts {
            let df = f64::from(doc_freq[term.as_str()]);
            let idf = (1.0 + (doc_count - df + 0.5) / (df + 0.5)).ln();
            let tf = f64::from(tf);
            *weights.entry(term).or_default() += f64::from(field.boost()) * idf * (K1 + 1.0) * tf / (tf + norm);
        }
    }
    weights.into_iter().collect()
}

fn weight_code(weight: f64) -> usize {
    ((weight / WEIGHT_BASE).ln() / WEIGHT_STEP.ln()).round().max(0.0) as usize
}

/// Appends `value` as a variable-length base64 number.
fn push_number(out: &mut String, mut value: usize) {
    loop {
        let digit = value & 31;
        value >>= 5;
        let continued = if value > 0 { 32 } else { 0 };
        out.push(DIGITS[digit | continued] as char);
        if value == 0 {
            break;
        }
    }
}

/// One shard of a sorted table.
struct Shard {
    first_key: String,
    /// The JSON array of the shard's entries.
    payload: String,
}

/// Cuts sorted `(key, entry)` pairs into shards of about `target` bytes.
/// Each entry is JSON: one value or a comma-separated run of them.
fn cut(entries: Vec<(String, String)>, target: usize) -> Vec<Shard> {
    let mut shards = Vec::new();
    let mut current: Option<Shard> = None;
    for (key, entry) in entries {
        let shard = current.get_or_insert_with(|| Shard { first_key: key, payload: String::from("[") });
        if shard.payload.len() > 1 {
            shard.payload.push(',');
        }
        shard.payload.push_str(&entry);
        if shard.payload.len() >= target {
            shards.extend(current.take().map(close));
        }
    }
    shards.extend(current.map(close));
    shards
}

fn close(mut shard: Shard) -> Shard {
    shard.payload.push(']');
    shard
}

/// One shard of topics.
struct DocShard {
    first_id: usize,
    payload: String,
}

fn cut_docs(docs: Vec<(usize, serde_json::Value)>) -> Vec<DocShard> {
    let mut shards: Vec<DocShard> = Vec::new();
    for (id, doc) in docs {
        let json = doc.to_string();
        match shards.last_mut() {
            Some(shard) if shard.payload.len() + json.len() <= DOC_SHARD_BYTES => {
                shard.payload.push(',');
                shard.payload.push_str(&json);
            }
            _ => shards.push(DocShard { first_id: id, payload: format!("[{json}") }),
        }
    }
    for shard in &mut shards {
        shard.payload.push(']');
    }
    shards
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

fn script_file(dir: &str, id: &str, payload: &str) -> (String, Vec<u8>) {
    (format!("{SEARCH_DIR}/{dir}/{id}.js"), jsonp(id, payload).into_bytes())
}

/// The script that hands `payload` to the page.
fn jsonp(id: &str, payload: &str) -> String {
    let mut script = String::with_capacity(payload.len() + 40);
    let _ = writeln!(script, "srebookSearch.load(\"{id}\",{payload});");
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str) -> Vec<usize> {
        let mut numbers = Vec::new();
        let (mut value, mut shift) = (0, 0);
        for c in text.bytes() {
            let digit = DIGITS.iter().position(|&d| d == c).unwrap();
            value |= (digit & 31) << shift;
            shift += 5;
            if digit < 32 {
                numbers.push(value);
                (value, shift) = (0, 0);
            }
        }
        numbers
    }

    #[test]
    fn numbers_round_trip() {
        let mut text = String::new();
        let numbers = [0, 1, 31, 32, 1023, 1024, 123_456];
        numbers.iter().for_each(|&n| push_number(&mut text, n));
        assert_eq!(decode(&text), numbers);
        assert_eq!(text.len(), 1 + 1 + 1 + 2 + 2 + 3 + 4);
    }

    #[test]
    fn weights_keep_three_percent_precision() {
        for weight in [0.05, 0.7, 3.0, 42.0] {
            let decoded = WEIGHT_BASE * WEIGHT_STEP.powi(weight_code(weight) as i32);
            assert!((decoded / weight - 1.0).abs() < 0.02, "{weight} → {decoded}");
        }
    }

    #[test]
    fn a_very_common_term_keeps_its_heaviest_postings() {
        let docs: Vec<AnalysedDoc> = (0..MAX_POSTINGS + 10)
            .map(|i| {
                let mut counts = FastHashMap::default();
                counts.insert("common".to_string(), 1);
                // The last ten topics are the shortest: the term weighs most there.
                let length = if i >= MAX_POSTINGS { 1 } else { 50 };
                let mut fields: [(FastHashMap<String, u32>, u32); 5] = Default::default();
                fields[2] = (counts, length);
                AnalysedDoc { fields, phrases: Vec::new() }
            })
            .collect();
        let entries = term_entries(&docs, &Vocabulary::default());
        let entry: Vec<String> = serde_json::from_str(&format!("[{}]", entries[0].1)).unwrap();
        let numbers = decode(&entry[2]);
        let mut ids = Vec::new();
        for delta_and_weight in numbers.chunks(2) {
            ids.push(ids.last().copied().unwrap_or(0) + delta_and_weight[0]);
        }
        assert_eq!(ids.len(), MAX_POSTINGS);
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.ends_with(&(MAX_POSTINGS..MAX_POSTINGS + 10).collect::<Vec<_>>()));
    }

    #[test]
    fn word_lines_are_compact() {
        let word = |word: &str, stem: &str, is_term| VocabularyWord {
            word: word.into(),
            stem: stem.into(),
            is_term,
            in_book: true,
        };
        assert_eq!(word_line(&word("latency", "latenc", true)), "latency\t1");
        assert_eq!(word_line(&word("pods", "pod", true)), "pods\t1");
        assert_eq!(word_line(&word("toil", "toil", true)), "toil");
        assert_eq!(word_line(&word("happy", "happi", true)), "happy\t=happi");
        assert_eq!(word_line(&word("the", "the", false)), "the\t\tn");
    }

    #[test]
    fn shards_split_at_the_target_size_and_keep_order() {
        let entries: Vec<(String, String)> =
            (0..100).map(|i| (format!("k{i:03}"), json_string(&format!("value {i}")))).collect();
        let shards = cut(entries, 100);
        assert!(shards.len() > 5);
        assert_eq!(shards[0].first_key, "k000");
        let all: Vec<String> =
            shards.iter().flat_map(|s| serde_json::from_str::<Vec<String>>(&s.payload).unwrap()).collect();
        assert_eq!(all.len(), 100);
        assert_eq!(all[99], "value 99");
    }

    #[test]
    fn a_book_exports_every_table() {
        let docs = vec![
            SearchDoc {
                slug: "toil".into(),
                title: "What is toil?".into(),
                chapter: "slos".into(),
                path: "slos/toil.html".into(),
                body: "Manual, repetitive work. Toil grows with the service.".into(),
                ..SearchDoc::default()
            },
            SearchDoc {
                slug: "k8s".into(),
                title: "How do you debug a k8s pod?".into(),
                chapter: "slos".into(),
                path: "slos/k8s.html".into(),
                ..SearchDoc::default()
            },
        ];
        let chapters = vec![ChapterInfo { slug: "slos".into(), title: "SLOs".into() }];
        let index = export(&docs, &AnalysedDoc::all(&docs), &Vocabulary::build(&docs), &chapters);
        let names: Vec<&str> = index.files.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.contains(&"search/meta.js"));
        for prefix in ["w0", "h0", "e0", "t0", "d0"] {
            assert!(names.iter().any(|n| n.ends_with(&format!("/{prefix}.js"))), "{prefix}: {names:?}");
        }
        let terms = index.files.iter().find(|(n, _)| n.ends_with("/t0.js")).unwrap();
        let text = String::from_utf8_lossy(&terms.1);
        assert!(text.contains("\"kubernet\",\"k8s\""), "{text}");
        assert!(text.starts_with("srebookSearch.load(\"t0\",["));
    }
}
