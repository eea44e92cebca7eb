//! Author overrides: `[[dedup.merge]]` and `[[dedup.separate]]` groups in
//! book.toml, resolved to entries and turned into clustering constraints.
//!
//! An item names entries by `source:line` (the entry id), by the question's
//! text (case and spacing ignored), or by a part of the question's text that
//! only one question contains. An item that names nothing, or a fragment
//! that fits several questions, is an error naming the item and book.toml:
//! a silently ignored override would leave the author believing a decision
//! was applied.

use std::path::Path;

use super::cluster::Constraints;
use crate::config::{DedupConfig, OverrideGroup};
use crate::error::Error;
use crate::model::Entry;
use crate::Result;

/// Lowercase with single spaces: how override text and questions compare.
fn normalise(text: &str) -> String {
    let lower = text.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds entries by override item.
struct ItemMatcher<'e> {
    entries: &'e [Entry],
    questions: Vec<String>,
}

impl<'e> ItemMatcher<'e> {
    fn new(entries: &'e [Entry]) -> ItemMatcher<'e> {
        ItemMatcher { entries, questions: entries.iter().map(|e| normalise(&e.question)).collect() }
    }

    /// The entries `item` names: by id, else every question equal to it,
    /// else the one question containing it.
    fn find(&self, item: &str) -> std::result::Result<Vec<usize>, String> {
        if let Some(index) = self.entries.iter().position(|e| e.id == item.trim()) {
            return Ok(vec![index]);
        }
        let wanted = normalise(item);
        if wanted.is_empty() {
            return Err("an empty item matches no question".into());
        }
        let equal: Vec<usize> = (0..self.entries.len()).filter(|&i| self.questions[i] == wanted).collect();
        if !equal.is_empty() {
            return Ok(equal);
        }
        let containing: Vec<usize> = (0..self.entries.len()).filter(|&i| self.questions[i].contains(&wanted)).collect();
        match containing.as_slice() {
            [] => Err(format!("{item:?} matches no question text or source:line")),
            [one] => Ok(vec![*one]),
            several => {
                let examples: Vec<String> = several
                    .iter()
                    .take(3)
                    .map(|&i| format!("{} ({:?})", self.entries[i].id, self.entries[i].question))
                    .collect();
                Err(format!(
                    "{item:?} is part of {} questions, e.g. {}; quote the whole question or use source:line",
                    several.len(),
                    examples.join(", ")
                ))
            }
        }
    }
}

/// Resolves every override group to entry indices and builds the
/// clustering constraints. Errors name the group's table and `config_path`.
pub fn resolve(config: &DedupConfig, entries: &[Entry], config_path: &Path) -> Result<Constraints> {
    let mut constraints = Constraints {
        must_link: Vec::new(),
        cannot_link: vec![Vec::new(); entries.len()],
        groups: config.separate.len(),
    };
    if config.merge.is_empty() && config.separate.is_empty() {
        return Ok(constraints);
    }
    let matcher = ItemMatcher::new(entries);
    let error = |message: String| Error::Override { path: config_path.to_path_buf(), message };
    let resolve_group = |table: &str, number: usize, group: &OverrideGroup| -> Result<Vec<Vec<usize>>> {
        group
            .questions
            .iter()
            .map(|item| matcher.find(item).map_err(|why| error(format!("[[dedup.{table}]] #{number}: {why}"))))
            .collect()
    };

    for (number, group) in config.merge.iter().enumerate() {
        let items = resolve_group("merge", number + 1, group)?;
        constraints.must_link.push(items.into_iter().flatten().collect());
    }
    for (number, group) in config.separate.iter().enumerate() {
        for (item, matched) in resolve_group("separate", number + 1, group)?.into_iter().enumerate() {
            for entry in matched {
                constraints.cannot_link[entry].push((number, item));
            }
        }
    }
    check_consistent(&constraints, entries).map_err(error)?;
    Ok(constraints)
}

/// A merge group that contains two entries a separate group keeps apart
/// cannot be honoured: say which.
fn check_consistent(constraints: &Constraints, entries: &[Entry]) -> std::result::Result<(), String> {
    for (number, group) in constraints.must_link.iter().enumerate() {
        for (i, &a) in group.iter().enumerate() {
            for &b in &group[i + 1..] {
                let clash = constraints.cannot_link[a]
                    .iter()
                    .find(|&&(g, item)| constraints.cannot_link[b].iter().any(|&(h, other)| g == h && item != other));
                if let Some(&(separate, _)) = clash {
                    return Err(format!(
                        "[[dedup.merge]] #{} puts {} and {} together, but [[dedup.separate]] #{} keeps them apart",
                        number + 1,
                        entries[a].id,
                        entries[b].id,
                        separate + 1
                    ));
                }
            }
        }
    }
    Ok(())
}
