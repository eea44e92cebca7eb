//! Text analysis shared by the classifier, dedup and search: tokenising,
//! stemming, stop words and the SRE synonym and acronym list.
//!
//! The one entry point most callers need is [`Analyzer::terms`], which turns
//! free text into index terms:
//!
//! 1. [`words`] splits the text into lowercase alphanumeric words, joining
//!    contractions (`what's` → `whats`) so they never leave stray letters.
//! 2. Each word is stemmed with the Snowball English stemmer.
//! 3. The SRE synonym and acronym list folds different spellings of one
//!    concept into one form: `SLOs`, `service level objectives` → `slo`;
//!    `k8s` → `kubernetes`; `RCA` → `root cause analysis`; `post-mortem` →
//!    `postmortem`. Phrases are matched on stems, so plurals match too.
//! 4. Stop words (function words and question words) are dropped.
//!
//! Everything here is deterministic and free of global mutable state other
//! than a per-thread word cache, so it is safe to call from rayon workers.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::rc::Rc;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// Lowercased word tokens of `text`.
///
/// Words are maximal runs of alphanumeric characters. An apostrophe between
/// two letters is part of the word and removed (`what's` → `whats`,
/// `don’t` → `dont`), so contractions become one stop word instead of a
/// meaningful-looking fragment plus a stray `s` or `t`.
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(text, |word| words.push(word.to_owned()));
    words
}

/// Calls `visit` with each word [`words`] would return, without allocating
/// a string per word.
pub fn for_each_word(text: &str, mut visit: impl FnMut(&str)) {
    for_each_word_span(text, |word, _| visit(word));
}

/// [`for_each_word`] with the byte range each word covers in `text`
/// (apostrophes inside a contraction included).
fn for_each_word_span(text: &str, mut visit: impl FnMut(&str, Range<usize>)) {
    // Most words are lowercase ASCII already: they go out as slices of
    // `text`. Only a word with a capital, a contraction or a non-ASCII
    // letter is copied, lowercased, into `current`.
    let mut current = String::new();
    let mut start = 0;
    let mut in_word = false;
    let mut copied = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let simple = c.is_ascii_lowercase() || c.is_ascii_digit();
        let alphanumeric = simple || c.is_alphanumeric();
        // Inside a contraction the apostrophe is dropped and the word goes on.
        let joins =
            !alphanumeric && in_word && is_apostrophe(c) && chars.peek().is_some_and(|(_, next)| next.is_alphabetic());
        if alphanumeric || joins {
            if !in_word {
                (in_word, start) = (true, at);
            }
            if !simple && !copied {
                current.clear();
                current.push_str(&text[start..at]);
                copied = true;
            }
            if copied && c.is_ascii_alphanumeric() {
                current.push(c.to_ascii_lowercase());
            } else if copied && alphanumeric {
                current.extend(c.to_lowercase());
            }
        } else if in_word {
            visit(if copied { &current } else { &text[start..at] }, start..at);
            (in_word, copied) = (false, false);
        }
    }
    if in_word {
        visit(if copied { &current } else { &text[start..] }, start..text.len());
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}')
}

/// True for words that carry no topic: articles, pronouns, auxiliaries,
/// prepositions, question words and contractions. `word` must be lowercase.
pub fn is_stop_word(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().copied().collect()).contains(word)
}

/// The stop word list: English function words, question words and the
/// apostrophe-free contractions [`words`] produces. Deliberately short:
/// anything that can name a topic (`time`, `process`, `system`) stays.
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "aren", "arent", "as", "at", "be", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "cant", "cannot", "could", "couldnt", "did", "didnt", "do", "does",
    "doesnt", "doing", "done", "dont", "during", "e", "each", "eg", "etc", "either", "else", "ever",
    "every", "few", "for", "from", "further", "g", "get", "gets", "got", "had", "hadnt", "has",
    "hasnt", "have", "havent", "having", "he", "her", "here", "hers", "him", "his", "how", "hows",
    "i", "id", "ie", "if", "ill", "im", "in", "into", "is", "isnt", "it", "its", "ive", "just",
    "let", "lets", "like", "may", "me", "might", "more", "most", "much", "must", "my", "myself",
    "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "others",
    "our", "ours", "ourselves", "out", "over", "own", "per", "same", "shall", "she", "should",
    "shouldnt", "so", "some", "such", "than", "that", "thats", "the", "their", "theirs", "them",
    "themselves", "then", "there", "theres", "these", "they", "theyre", "theyve", "this", "those",
    "through", "thus", "to", "too", "under", "until", "up", "upon", "us", "very", "via", "vs",
    "versus", "was", "wasnt", "we", "were", "weve", "what", "whats", "when", "whens", "where",
    "wheres", "whether", "which", "while", "who", "whom", "whos", "why", "whys", "will", "with",
    "within", "without", "wont", "would", "wouldnt", "yet", "you", "youd", "youll", "your", "youre",
    "yours", "yourself", "youve",
];

/// One concept and the spellings that mean it.
///
/// The first element is the canonical form every variant is folded into;
/// it may be a phrase (`root cause analysis`), whose words then count as
/// ordinary terms. Variants are phrases too, matched on stems, so a variant
/// also matches its plural and other inflections.
pub type Synonym = (&'static str, &'static [&'static str]);

/// General SRE synonyms and acronyms. Domain knowledge, not corpus tuning:
/// every line is a spelling an SRE would read as the same thing.
pub const SRE_SYNONYMS: &[Synonym] = &[
    ("sre", &["site reliability engineering", "site reliability engineer", "sres"]),
    ("slo", &["service level objective", "slos"]),
    ("sli", &["service level indicator", "slis"]),
    ("sla", &["service level agreement", "slas"]),
    (
        "mttr",
        &[
            "mean time to recovery",
            "mean time to repair",
            "mean time to restore",
            "mean time to resolve",
            "mean time to resolution",
        ],
    ),
    ("mttd", &["mean time to detect", "mean time to detection"]),
    ("mtbf", &["mean time between failures"]),
    ("root cause analysis", &["rca", "rcas"]),
    ("postmortem", &["post mortem", "post-mortem", "post incident review", "post-incident review"]),
    ("oncall", &["on call", "on-call"]),
    ("kubernetes", &["k8s", "kube"]),
    ("iac", &["infrastructure as code"]),
    ("cicd", &["ci cd", "ci/cd", "continuous integration", "continuous delivery", "continuous deployment"]),
    ("bluegreen", &["blue green", "blue-green", "blue/green"]),
    ("high availability", &["ha", "highly available"]),
    ("disaster recovery", &["dr"]),
    ("load balancer", &["lb", "lbs"]),
    ("database", &["db", "dbs"]),
    ("observability", &["o11y"]),
    ("ttl", &["time to live", "time-to-live"]),
    ("lru", &["least recently used"]),
    ("dead letter queue", &["dlq"]),
    ("ddos", &["distributed denial of service", "denial of service"]),
    ("tls", &["ssl", "tls/ssl", "ssl/tls"]),
    ("iam", &["identity and access management"]),
    ("rbac", &["role based access control", "role-based access control"]),
    ("apm", &["application performance monitoring"]),
    ("virtual machine", &["vm", "vms"]),
    ("configuration", &["config"]),
    ("infrastructure", &["infra"]),
    ("production", &["prod"]),
    ("performance", &["perf"]),
    ("environment", &["env"]),
    ("operations", &["ops"]),
    ("developer", &["dev"]),
    ("chaos engineering", &["chaos testing", "chaos experiments"]),
    // Behavioural prompts reword the same story with everyday synonyms.
    ("outage", &["outages", "downtime"]),
    ("conflict", &["conflicts", "disagreement", "disagreements"]),
    ("colleague", &["colleagues", "teammate", "teammates", "coworker", "coworkers", "co-worker", "co-workers"]),
];

/// Longest synonym variant, in words: phrase matching never looks further.
const MAX_PHRASE_WORDS: usize = 6;

/// Matches synonym variants (as stem sequences) at a position in a stem
/// stream. Keyed by the first stem so each position costs one lookup.
#[derive(Debug, Default)]
struct SynonymTable {
    by_first_stem: HashMap<String, Vec<SynonymPattern>>,
}

/// One variant of a synonym, ready to match.
#[derive(Debug)]
struct SynonymPattern {
    /// The variant's stems.
    stems: Vec<String>,
    /// The stems emitted in its place (stop words already removed).
    canonical: Vec<String>,
}

impl SynonymTable {
    fn build(stemmer: &Stemmer, synonyms: &[Synonym]) -> SynonymTable {
        let stems =
            |phrase: &str| -> Vec<String> { words(phrase).iter().map(|w| stemmer.stem(w).into_owned()).collect() };
        let mut table = SynonymTable::default();
        for &(canonical, variants) in synonyms {
            let output: Vec<String> =
                words(canonical).iter().filter(|w| !is_stop_word(w)).map(|w| stemmer.stem(w).into_owned()).collect();
            for variant in variants.iter().copied().chain([canonical]) {
                let pattern = stems(variant);
                debug_assert!(pattern.len() <= MAX_PHRASE_WORDS, "{variant} is too long");
                if let Some(first) = pattern.first() {
                    table
                        .by_first_stem
                        .entry(first.clone())
                        .or_default()
                        .push(SynonymPattern { stems: pattern, canonical: output.clone() });
                }
            }
        }
        // Longest pattern first, so "service level objective" wins over any
        // shorter variant starting with the same stem.
        for candidates in table.by_first_stem.values_mut() {
            candidates.sort_by(|a, b| b.stems.len().cmp(&a.stems.len()).then_with(|| a.stems.cmp(&b.stems)));
        }
        table
    }

    /// The longest variant starting at `stems[0]`: its length in words and the
    /// canonical stems to emit instead.
    fn longest_match<'t>(&'t self, stems: &[&str]) -> Option<(usize, &'t [String])> {
        let candidates = self.by_first_stem.get(*stems.first()?)?;
        candidates.iter().find_map(|candidate| {
            let pattern = &candidate.stems;
            let matches = pattern.len() <= stems.len() && pattern.iter().zip(stems).all(|(p, s)| p == s);
            matches.then_some((pattern.len(), candidate.canonical.as_slice()))
        })
    }
}

/// Turns text into index terms: words, stemmed, synonyms folded, stop words
/// dropped. Cheap to share: get the process-wide one with [`Analyzer::english`].
pub struct Analyzer {
    stemmer: Stemmer,
    synonyms: SynonymTable,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer").field("synonyms", &self.synonyms.by_first_stem.len()).finish()
    }
}

impl Analyzer {
    /// An English analyzer with the given synonym list.
    pub fn new(synonyms: &[Synonym]) -> Analyzer {
        let stemmer = Stemmer::create(Algorithm::English);
        let synonyms = SynonymTable::build(&stemmer, synonyms);
        Analyzer { stemmer, synonyms }
    }

    /// The shared English analyzer with [`SRE_SYNONYMS`].
    pub fn english() -> &'static Analyzer {
        static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
        ANALYZER.get_or_init(|| Analyzer::new(SRE_SYNONYMS))
    }

    /// The stem of one lowercase word.
    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }

    /// Index terms of `text`, in order of appearance (repeats kept, so
    /// callers can count term frequency).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut infos = Vec::new();
        for_each_word(text, |word| infos.push(self.word_info(word)));
        let mut terms = Vec::with_capacity(infos.len());
        let mut i = 0;
        while i < infos.len() {
            if infos[i].starts_synonym {
                let window: Vec<&str> =
                    infos[i..infos.len().min(i + MAX_PHRASE_WORDS)].iter().map(|info| &*info.stem).collect();
                if let Some((length, canonical)) = self.synonyms.longest_match(&window) {
                    terms.extend(canonical.iter().cloned());
                    i += length;
                    continue;
                }
            }
            if infos[i].is_term {
                terms.push(infos[i].stem.to_string());
            }
            i += 1;
        }
        terms
    }

    /// What the analyzer knows about `word`, through a per-thread cache: the
    /// same few thousand words recur across tens of thousands of answers,
    /// and stemming each occurrence would dominate the analysis time.
    fn word_info(&self, word: &str) -> WordInfo {
        const CACHE_LIMIT: usize = 100_000;
        thread_local! {
            static CACHE: RefCell<FastHashMap<String, WordInfo>> = RefCell::new(FastHashMap::default());
        }
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(info) = cache.get(word) {
                return info.clone();
            }
            let stem: Rc<str> = self.stemmer.stem(word).into();
            // Single letters are list markers and stray initials, not topics.
            let is_letter = word.chars().count() == 1 && !word.chars().all(|c| c.is_ascii_digit());
            let info = WordInfo {
                is_term: !is_stop_word(word) && !is_letter,
                starts_synonym: self.synonyms.by_first_stem.contains_key(&*stem),
                stem,
            };
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(word.to_owned(), info.clone());
            info
        })
    }
}

/// What [`Analyzer`] caches about one word.
#[derive(Debug, Clone)]
struct WordInfo {
    stem: Rc<str>,
    /// False for stop words and single letters, which are never terms on
    /// their own (they can still be part of a synonym phrase).
    is_term: bool,
    /// True when some synonym variant starts with this word's stem.
    starts_synonym: bool,
}

/// An index term and the text it came from, for search: highlighting needs
/// to know which words of a snippet produced a matching term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSpan {
    pub term: String,
    /// Byte range in the analysed text: one word, or a whole synonym phrase.
    pub span: Range<usize>,
}

/// What [`Analyzer::term_spans`] does with the words of a synonym phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseWords {
    /// Only the canonical terms, exactly like [`Analyzer::terms`].
    Replace,
    /// The canonical terms, then each word's own term when it differs. A
    /// search index wants both: `service level objectives` must match a
    /// query for `SLO` and one for `service level`.
    Keep,
}

/// How the analyzer reads one word on its own, for tables exported to code
/// that has no stemmer (the browser search).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordAnalysis {
    pub stem: String,
    /// False for stop words and single letters: never a term on their own.
    pub is_term: bool,
}

impl Analyzer {
    /// Index terms of `text` with the byte range each came from, in order of
    /// appearance. With [`PhraseWords::Replace`] the terms are exactly those
    /// of [`Analyzer::terms`].
    pub fn term_spans(&self, text: &str, phrase_words: PhraseWords) -> Vec<TermSpan> {
        let mut spans = Vec::new();
        self.for_each_term_span(text, phrase_words, |term, span| {
            spans.push(TermSpan { term: term.to_owned(), span });
        });
        spans
    }

    /// [`Analyzer::term_spans`] without collecting them: `visit` gets each
    /// term and its byte range, in order, and nothing is allocated per term.
    pub fn for_each_term_span(&self, text: &str, phrase_words: PhraseWords, mut visit: impl FnMut(&str, Range<usize>)) {
        let mut words = Vec::new();
        for_each_word_span(text, |word, span| words.push((self.word_info(word), span)));
        let mut i = 0;
        while i < words.len() {
            let (info, span) = &words[i];
            if info.starts_synonym {
                let window: Vec<&str> =
                    words[i..words.len().min(i + MAX_PHRASE_WORDS)].iter().map(|(info, _)| &*info.stem).collect();
                if let Some((length, canonical)) = self.synonyms.longest_match(&window) {
                    let phrase = span.start..words[i + length - 1].1.end;
                    for term in canonical {
                        visit(term, phrase.clone());
                    }
                    if phrase_words == PhraseWords::Keep {
                        let own = words[i..i + length]
                            .iter()
                            .filter(|(info, _)| info.is_term && !canonical.iter().any(|c| **c == *info.stem));
                        for (info, span) in own {
                            visit(&info.stem, span.clone());
                        }
                    }
                    i += length;
                    continue;
                }
            }
            if info.is_term {
                visit(&info.stem, span.clone());
            }
            i += 1;
        }
    }

    /// The stem of one lowercase word (as [`words`] returns it) and whether it
    /// is a term on its own.
    pub fn analyse_word(&self, word: &str) -> WordAnalysis {
        let info = self.word_info(word);
        WordAnalysis { stem: info.stem.to_string(), is_term: info.is_term }
    }

    /// Every synonym variant as `(variant stems, canonical stems)`, grouped
    /// by first stem (groups sorted), each group in the order matching tries
    /// them: longest first. Matching at a position takes the first pattern of
    /// the group of the word's stem whose stems all match.
    pub fn synonym_patterns(&self) -> Vec<(&[String], &[String])> {
        let mut groups: Vec<(&String, &Vec<SynonymPattern>)> = self.synonyms.by_first_stem.iter().collect();
        groups.sort_by(|a, b| a.0.cmp(b.0));
        groups
            .into_iter()
            .flat_map(|(_, patterns)| patterns.iter().map(|p| (p.stems.as_slice(), p.canonical.as_slice())))
            .collect()
    }
}

/// Every word the analyzer treats specially whatever the text: the stop
/// words and the words of the synonym list (lowercase, deduplicated, sorted).
pub fn known_words() -> Vec<String> {
    let synonym_words = SRE_SYNONYMS.iter().flat_map(|(canonical, variants)| variants.iter().chain([canonical]));
    let mut known: Vec<String> =
        STOP_WORDS.iter().map(|w| w.to_string()).chain(synonym_words.flat_map(|phrase| words(phrase))).collect();
    known.sort_unstable();
    known.dedup();
    known
}

/// A `HashMap` with [`FnvHasher`], for hot maps keyed by words, term ids or
/// entry indices.
pub type FastHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FnvHasher>>;

/// A `HashSet` with [`FnvHasher`], for the same kinds of keys.
pub type FastHashSet<T> = std::collections::HashSet<T, BuildHasherDefault<FnvHasher>>;

/// FNV-1a. The keys hashed in analysis and organise are short words and
/// small integers, never chosen by an attacker, and on them the standard
/// SipHash costs more than the rest of the lookup.
pub struct FnvHasher(u64);

impl Default for FnvHasher {
    fn default() -> Self {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::english().terms(text)
    }

    /// The obvious version: every character of every word lowercased into
    /// a fresh string.
    fn word_spans_one_char_at_a_time(text: &str) -> Vec<(String, Range<usize>)> {
        let mut spans = Vec::new();
        let mut current = String::new();
        let mut start = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c.is_alphanumeric() && current.is_empty() {
                start = at;
            }
            if c.is_alphanumeric() {
                current.extend(c.to_lowercase());
            } else if is_apostrophe(c) && !current.is_empty() && chars.peek().is_some_and(|(_, n)| n.is_alphabetic()) {
                // A contraction's apostrophe: dropped, the word goes on.
            } else if !current.is_empty() {
                spans.push((std::mem::take(&mut current), start..at));
            }
        }
        if !current.is_empty() {
            spans.push((current, start..text.len()));
        }
        spans
    }

    proptest::proptest! {
        #[test]
        fn word_spans_agree_with_lowercasing_every_character(
            text in "([a-zA-Z0-9]{0,6}|['’ .,\\-]|[éÉßİ΢Σ٣]){0,24}"
        ) {
            let mut spans = Vec::new();
            for_each_word_span(&text, |word, span| spans.push((word.to_string(), span)));
            proptest::prop_assert_eq!(spans, word_spans_one_char_at_a_time(&text));
        }
    }

    #[test]
    fn words_are_lowercase_and_contractions_are_joined() {
        assert_eq!(words("What’s the SLO? Don't panic!"), ["whats", "the", "slo", "dont", "panic"]);
        assert_eq!(words("  ci/cd, 99.9% "), ["ci", "cd", "99", "9"]);
        assert!(words("").is_empty());
    }

    #[test]
    fn stop_words_and_question_words_are_dropped() {
        assert_eq!(terms("How do you handle the outages?"), ["handl", "outag"]);
    }

    #[test]
    fn acronyms_and_long_forms_become_one_term() {
        assert_eq!(terms("SLOs"), terms("service level objectives"));
        assert_eq!(terms("SLIs"), ["sli"]);
        assert_eq!(terms("k8s cluster"), terms("Kubernetes clusters"));
        assert_eq!(terms("IaC"), terms("infrastructure as code"));
        assert_eq!(terms("post-mortem"), terms("postmortems"));
        assert_eq!(terms("CI/CD pipelines"), terms("continuous delivery pipeline"));
        assert_eq!(terms("RCA"), terms("root cause analysis"));
        assert_eq!(terms("on-call rotation"), terms("oncall rotations"));
        assert_eq!(terms("LBs"), terms("load balancers"));
    }

    #[test]
    fn term_spans_replace_agrees_with_terms_and_points_at_the_words() {
        let analyzer = Analyzer::english();
        let texts = [
            "How do you define SLOs and service level indicators for a k8s cluster?",
            "Mean time to detect vs. mean-time-to-recovery: what’s the RCA process? Don't guess.",
            "Ünïcode wörds, CI/CD pipelines; blue/green, post-mortems and on-call.",
            "",
            "a b c 1 2 3",
        ];
        for text in texts {
            let spans = analyzer.term_spans(text, PhraseWords::Replace);
            let from_spans: Vec<&str> = spans.iter().map(|s| s.term.as_str()).collect();
            assert_eq!(from_spans, analyzer.terms(text), "{text}");
            for span in &spans {
                assert!(text.get(span.span.clone()).is_some_and(|t| !t.trim().is_empty()), "{text}: {span:?}");
            }
        }
        let spans = analyzer.term_spans("our service level objectives", PhraseWords::Replace);
        assert_eq!(spans, [TermSpan { term: "slo".into(), span: 4..28 }]);
    }

    #[test]
    fn term_spans_can_keep_the_words_of_a_phrase() {
        let terms: Vec<String> = Analyzer::english()
            .term_spans("Service level objectives, SLOs", PhraseWords::Keep)
            .into_iter()
            .map(|s| s.term)
            .collect();
        assert_eq!(terms, ["slo", "servic", "level", "object", "slo", "slos"]);
    }

    #[test]
    fn known_words_cover_stop_words_and_synonym_spellings() {
        let known = known_words();
        for word in ["the", "k8s", "kubernetes", "mortem", "o11y"] {
            assert!(known.binary_search(&word.to_string()).is_ok(), "{word}");
        }
        assert!(Analyzer::english()
            .synonym_patterns()
            .iter()
            .any(|(variant, canonical)| { variant == &["k8s".to_string()] && canonical == &["kubernet".to_string()] }));
    }

    #[test]
    fn longest_phrase_wins() {
        // "mean time to detect" must not stop at a shorter prefix.
        assert_eq!(terms("mean time to detect"), ["mttd"]);
        assert_eq!(terms("mean time to recovery"), ["mttr"]);
    }
}
