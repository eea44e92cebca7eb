//! Behaviour of the whole organise stage on small synthetic books.

use std::collections::HashSet;
use std::path::Path;

use super::{classify, dedup_review, deduplicate, ApartReason};
use crate::config::{OverrideGroup, SectionDef};
use crate::model::{Entry, EntryKind, Topic};
use crate::Config;

fn entry(source: &str, line: usize, question: &str, answer: &str) -> Entry {
    Entry {
        id: Entry::make_id(source, line),
        kind: EntryKind::Question,
        source: source.into(),
        line,
        question: question.into(),
        answer_markdown: answer.into(),
        chapter: String::new(),
        source_section: String::new(),
        code_blocks: Vec::new(),
    }
}

/// Two sources that overlap on SLOs and on LRU caches, plus unrelated
/// questions so that word rarity means something.
fn sample() -> Vec<Entry> {
    vec![
        entry(
            "a.md",
            1,
            "How do you define SLOs?",
            "An SLO is a target value for an SLI, for example 99.9% of requests succeed over a rolling \
             30 day window. Pick indicators users feel, such as availability and latency.",
        ),
        entry(
            "a.md",
            5,
            "Implement an LRU cache.",
            "Keep a hash map from key to node and a doubly linked list ordered by recency. get moves \
             the node to the front; put inserts at the front and evicts the tail when full.",
        ),
        entry(
            "a.md",
            9,
            "How do you run a blameless postmortem?",
            "Write a timeline, find contributing causes without blaming people, and track action \
             items to completion.",
        ),
        entry(
            "a.md",
            13,
            "How would you design a URL shortener?",
            "Generate short codes with a counter encoded in base62, store the mapping in a key-value \
             store and cache popular redirects.",
        ),
        entry(
            "b.md",
            1,
            "What is your approach to defining service level objectives?",
            "Choose SLIs that reflect what users feel, like request success rate and latency, then set \
             an SLO target such as 99.9% over 30 days and review it with product owners.",
        ),
        entry(
            "b.md",
            5,
            "Build an LRU cache that is safe across threads and expires keys after a TTL.",
            "Guard the structure with a mutex, store an expiry timestamp with each entry and drop \
             expired entries on read; a background sweeper thread purges stale keys periodically.",
        ),
        entry(
            "b.md",
            9,
            "Tell me about a time you disagreed with a colleague.",
            "I listened to their concerns, we agreed on data to decide, ran a small experiment and \
             went with the result.",
        ),
        entry(
            "a.md",
            17,
            "How much downtime per month does a 99.9% availability target allow?",
            "About 43 minutes: 0.1% of a 30 day month. Each extra nine divides the allowed downtime by ten.",
        ),
        Entry {
            kind: EntryKind::Guide,
            ..entry(
                "b.md",
                17,
                "Interview tips",
                "Answer with a structure: situation, task, action, result. Be concrete about your own role, \
                 and say what you learned.",
            )
        },
        entry(
            "b.md",
            13,
            "How do you reduce toil?",
            "Measure where manual repetitive work goes, automate the worst of it with scripts and \
             self-service tools, and cap toil at half of the team's time.",
        ),
    ]
}

fn topic_of<'t>(topics: &'t [Topic], id: &str) -> &'t Topic {
    topics.iter().find(|t| t.entries.iter().any(|e| e == id)).expect("every entry has a topic")
}

fn same_topic(topics: &[Topic], a: &str, b: &str) -> bool {
    topic_of(topics, a).slug == topic_of(topics, b).slug
}

fn organise(config: &Config) -> crate::Result<Vec<Topic>> {
    let entries = classify(config, sample());
    deduplicate(config, Path::new("book.toml"), &entries).map(|(_, topics)| topics)
}

#[test]
fn reworded_questions_merge_and_added_requirements_do_not() {
    let topics = organise(&Config::default()).unwrap();
    assert!(same_topic(&topics, "a.md:1", "b.md:1"), "{topics:#?}");
    assert!(!same_topic(&topics, "a.md:5", "b.md:5"), "{topics:#?}");
    let slo = topic_of(&topics, "a.md:1");
    assert_eq!(slo.variants.len(), 1, "the other phrasing is a variant");
}

#[test]
fn every_entry_lands_in_exactly_one_topic_of_its_chapter() {
    let config = Config::default();
    let entries = classify(&config, sample());
    let (chapters, topics) = deduplicate(&config, Path::new("book.toml"), &entries).unwrap();
    let mut seen = HashSet::new();
    for topic in &topics {
        for id in &topic.entries {
            assert!(seen.insert(id.clone()), "{id} is in two topics");
        }
        assert!(!topic.related.contains(&topic.slug), "a topic is not related to itself");
        let slug_ok = topic.slug.len() <= 60
            && topic.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        assert!(slug_ok, "{}", topic.slug);
    }
    assert_eq!(seen.len(), entries.len());
    let listed: Vec<&String> = chapters.iter().flat_map(|c| &c.topics).collect();
    assert_eq!(listed.len(), topics.len(), "each topic is listed once");
    for chapter in &chapters {
        for slug in &chapter.topics {
            let topic = topics.iter().find(|t| &t.slug == slug).unwrap();
            assert_eq!(topic.chapter, chapter.slug);
        }
    }
}

#[test]
fn merge_override_joins_and_separate_override_splits() {
    let before = organise(&Config::default()).unwrap();
    assert!(!same_topic(&before, "a.md:5", "b.md:5") && same_topic(&before, "a.md:1", "b.md:1"));

    let mut config = Config::default();
    config.dedup.merge = vec![OverrideGroup { questions: vec!["implement an LRU cache.".into(), "b.md:5".into()] }];
    config.dedup.separate = vec![OverrideGroup {
        // A unique part of a question is enough.
        questions: vec!["How do you define SLOs?".into(), "approach to defining service level".into()],
    }];
    let after = organise(&config).unwrap();
    assert!(same_topic(&after, "a.md:5", "b.md:5"), "{after:#?}");
    assert!(!same_topic(&after, "a.md:1", "b.md:1"), "{after:#?}");
}

#[test]
fn override_that_matches_nothing_names_the_item_and_the_file() {
    let mut config = Config::default();
    config.dedup.separate = vec![OverrideGroup { questions: vec!["How do you tune the flux capacitor?".into()] }];
    let error = organise(&config).unwrap_err().to_string();
    assert!(error.contains("How do you tune the flux capacitor?"), "{error}");
    assert!(error.contains("book.toml"), "{error}");
}

#[test]
fn ambiguous_override_fragment_is_an_error() {
    let mut config = Config::default();
    config.dedup.merge = vec![OverrideGroup { questions: vec!["LRU cache".into(), "b.md:1".into()] }];
    let error = organise(&config).unwrap_err().to_string();
    assert!(error.contains("part of 2 questions"), "{error}");
}

#[test]
fn review_lists_merges_and_closest_unmerged_pairs() {
    let config = Config::default();
    let entries = classify(&config, sample());
    let review = dedup_review(&config, Path::new("book.toml"), &entries).unwrap();
    assert!(review.merges.iter().any(|m| m.entries.contains(&"a.md:1".to_string())));
    let lru = |id: &str| id == "a.md:5" || id == "b.md:5";
    assert!(review.near_misses.iter().any(|n| lru(&n.a_id) && lru(&n.b_id)), "{review:#?}");
    let similarities: Vec<f64> = review.near_misses.iter().map(|n| n.similarity).collect();
    assert!(similarities.windows(2).all(|w| w[0] >= w[1]), "closest first");
}

#[test]
fn chapters_list_widely_asked_topics_first_and_guides_last() {
    let config = Config::default();
    let entries = classify(&config, sample());
    let (chapters, topics) = deduplicate(&config, Path::new("book.toml"), &entries).unwrap();
    let chapter = |slug: &str| chapters.iter().find(|c| c.slug == slug).unwrap();
    assert_eq!(chapter("slos").topics.first(), Some(&topic_of(&topics, "a.md:1").slug), "{chapters:#?}");
    assert_eq!(chapter("behavioral").topics.last(), Some(&topic_of(&topics, "b.md:17").slug), "{chapters:#?}");
}

#[test]
fn story_prompts_without_a_technical_subject_are_behavioral() {
    let entries = classify(&Config::default(), sample());
    let chapter = |id: &str| entries.iter().find(|e| e.id == id).unwrap().chapter.clone();
    assert_eq!(chapter("b.md:9"), "behavioral");
    assert_eq!(chapter("a.md:1"), "slos");
    assert_eq!(chapter("a.md:9"), "incidents");
    assert_eq!(chapter("b.md:13"), "automation");
    assert_eq!(chapter("a.md:13"), "design");
    assert_eq!(chapter("b.md:17"), "behavioral", "interview tips are career advice");
}

#[test]
fn no_entries_make_empty_chapters() {
    let config = Config::default();
    let (chapters, topics) = deduplicate(&config, Path::new("book.toml"), &classify(&config, Vec::new())).unwrap();
    assert!(topics.is_empty());
    assert_eq!(chapters.len(), config.chapters.len());
    assert!(chapters.iter().all(|c| c.topics.is_empty()));
}

#[test]
fn topics_are_grouped_under_the_sections_their_questions_fit() {
    let mut config = Config::default();
    let design = config.chapters.iter_mut().find(|c| c.slug == "design").unwrap();
    design.sections = vec![
        SectionDef { title: "Algorithms".into(), keywords: vec!["implement".into(), "lru".into()] },
        SectionDef { title: "Queues".into(), keywords: vec!["kafka".into()] },
    ];
    let entries = classify(&config, sample());
    let (chapters, topics) = deduplicate(&config, Path::new("book.toml"), &entries).unwrap();
    let chapter = chapters.iter().find(|c| c.slug == "design").unwrap();
    let titles: Vec<&str> = chapter.sections.iter().map(|s| s.title.as_str()).collect();
    // No topic mentions Kafka: the empty section is left out.
    assert_eq!(titles, ["Algorithms", "Other"], "{chapter:#?}");
    assert!(chapter.sections[0].topics.contains(&topic_of(&topics, "a.md:5").slug), "{chapter:#?}");
    assert!(chapter.sections[1].topics.contains(&topic_of(&topics, "a.md:13").slug), "{chapter:#?}");
    let flat: Vec<&String> = chapter.sections.iter().flat_map(|s| &s.topics).collect();
    assert_eq!(flat, chapter.topics.iter().collect::<Vec<_>>(), "the flat list reads section by section");
    let slos = chapters.iter().find(|c| c.slug == "slos").unwrap();
    assert!(slos.sections.is_empty(), "a chapter without sections has none");
}

/// Two sources that both ask for an LRU cache, one of them with a TTL.
fn lru_pair() -> Vec<Entry> {
    let answer = "Keep a hash map from key to node and a doubly linked list ordered by recency; get moves \
                  the node to the front, put evicts the least recently used node from the tail.";
    let mut entries = sample();
    entries.push(entry("c.md", 1, "Implement an LRU cache.", answer));
    entries.push(entry(
        "d.md",
        1,
        "Implement an LRU cache whose entries expire after a TTL.",
        &format!("{answer} Store an expiry time in each node and drop expired nodes on read."),
    ));
    entries
}

#[test]
fn an_added_requirement_keeps_questions_apart_unless_the_author_merges_them() {
    let config = Config::default();
    let entries = classify(&config, lru_pair());
    let review = dedup_review(&config, Path::new("book.toml"), &entries).unwrap();
    let pair = review
        .near_misses
        .iter()
        .find(|n| n.a_id == "c.md:1" && n.b_id == "d.md:1")
        .unwrap_or_else(|| panic!("{review:#?}"));
    assert!(pair.similarity >= config.dedup.threshold, "similar enough to merge otherwise: {pair:#?}");
    assert_eq!(pair.reason, ApartReason::AddedRequirement { requirement: "ttl".into() });

    let mut config = Config::default();
    config.dedup.merge = vec![OverrideGroup { questions: vec!["c.md:1".into(), "d.md:1".into()] }];
    let topics = deduplicate(&config, Path::new("book.toml"), &entries).unwrap().1;
    assert!(same_topic(&topics, "c.md:1", "d.md:1"), "the author's merge wins");
}
