//! Highlighting one line at a time, memoised on the parser's state.
//!
//! syntect parses a line as a pure function of the line and the parser's
//! state at its start (the grammar's context stack and the open scopes), and
//! most of a book's code lines are not new: copied runbooks, the same
//! `kubectl` calls, YAML and HCL boilerplate, closing braces. A line seen
//! before in the same state gets the same HTML and leaves the same state, so
//! it is looked up instead of parsed. A line met in a new state is parsed as
//! usual.

use std::cell::RefCell;

use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
use xxhash_rust::xxh3::xxh3_64;

use crate::analysis::FastHashMap;

/// Most lines a thread's memo holds; past this, new lines are parsed and
/// not kept. Each is about a line of code, its HTML and two small stacks.
const MAX_LINES: usize = 100_000;

/// Where the parser stands between two lines.
#[derive(Clone, PartialEq, Eq)]
pub struct LineState {
    parse: ParseState,
    scopes: ScopeStack,
}

impl LineState {
    pub fn new(parse: ParseState) -> LineState {
        LineState { parse, scopes: ScopeStack::new() }
    }
}

/// What highlighting a line from a given state gives.
struct Outcome {
    html: String,
    /// How many `<span>`s the line leaves open (negative: closes).
    open_spans: isize,
    after: LineState,
}

struct Remembered {
    line: String,
    before: LineState,
    outcome: Outcome,
}

/// Lines by hash. The parser's state holds oniguruma match regions, which
/// may not cross threads, so each thread keeps its own memo: a thread meets
/// a repeated line for the first time at most once.
type Memo = FastHashMap<u64, Vec<Remembered>>;

thread_local! {
    static MEMO: RefCell<(Memo, usize)> = RefCell::new((Memo::default(), 0));
}

fn hash(line: &str) -> u64 {
    xxh3_64(line.as_bytes())
}

/// Appends the HTML of `line` (which ends with its newline, if it has one)
/// to `html`, moving `state` past it; returns how many spans it leaves open.
pub fn highlight_line(
    line: &str,
    state: &mut LineState,
    syntaxes: &SyntaxSet,
    style: ClassStyle,
    html: &mut String,
) -> Result<isize, syntect::Error> {
    let key = hash(line);
    let found = MEMO.with_borrow(|(memo, _)| {
        let remembered = memo.get(&key)?.iter().find(|r| r.line == line && r.before == *state)?;
        html.push_str(&remembered.outcome.html);
        state.clone_from(&remembered.outcome.after);
        Some(remembered.outcome.open_spans)
    });
    if let Some(open_spans) = found {
        return Ok(open_spans);
    }
    let before = state.clone();
    let ops = state.parse.parse_line(line, syntaxes)?;
    let (line_html, open_spans) = line_tokens_to_classed_spans(line, &ops, style, &mut state.scopes)?;
    html.push_str(&line_html);
    MEMO.with_borrow_mut(|(memo, lines)| {
        if *lines < MAX_LINES {
            *lines += 1;
            let outcome = Outcome { html: line_html, open_spans, after: state.clone() };
            memo.entry(key).or_default().push(Remembered { line: line.to_string(), before, outcome });
        }
    });
    Ok(open_spans)
}
