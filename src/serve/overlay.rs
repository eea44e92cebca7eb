//! Build problems as the browser shows them: an overlay over the last good
//! page, naming the file and line to fix.
//!
//! The overlay itself is drawn by `live.js` from the [`Problem`] the server
//! sends; this module turns library errors and diagnostics into problems,
//! and renders the stand-in page served before any build has succeeded.

use std::path::Path;

use serde::Serialize;

use crate::model::{Diagnostic, Severity};
use crate::render::escape_html;
use crate::{BookPaths, Error};

/// Something the author should fix, as shown in the overlay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// One line: what happened and what the preview shows meanwhile.
    pub headline: String,
    pub details: Vec<ProblemDetail>,
}

/// One error or warning, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemDetail {
    /// `file:line` (or just `file`) when known.
    pub location: Option<String>,
    pub message: String,
}

impl Problem {
    /// A rebuild that failed: the previous site stays in place.
    pub fn build_failed(error: &Error, paths: &BookPaths) -> Problem {
        Problem {
            headline: "Build failed: the preview shows the last version that built".into(),
            details: vec![ProblemDetail { location: location_of(error, paths), message: error.to_string() }],
        }
    }

    /// Sources the build had to skip because they could not be read, and any
    /// diagnostic of error severity. Other warnings are left to `srebook
    /// check`: a large book has hundreds, and an overlay is for blockers.
    pub fn from_diagnostics(diagnostics: &[Diagnostic], paths: &BookPaths) -> Option<Problem> {
        let details: Vec<ProblemDetail> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error || d.kind == "unreadable")
            .map(|d| {
                let file = paths.content_dir.join(&d.source).display().to_string();
                ProblemDetail {
                    location: Some(if d.line > 0 { format!("{file}:{}", d.line) } else { file }),
                    message: format!("{}: {}", d.kind, d.message),
                }
            })
            .collect();
        (!details.is_empty()).then(|| Problem {
            headline: format!(
                "{} source{} could not be used; the rest of the book is up to date",
                details.len(),
                if details.len() == 1 { "" } else { "s" }
            ),
            details,
        })
    }

    /// The problem as one line per detail, for the terminal.
    pub fn to_terminal(&self) -> String {
        let mut text = self.headline.clone();
        for detail in &self.details {
            text.push_str("\n  ");
            text.push_str(&detail.message);
        }
        text
    }
}

/// `file:line` for an error, when the error knows it. Template parse errors
/// carry the line only inside Tera's message (`--> 4:7`).
fn location_of(error: &Error, paths: &BookPaths) -> Option<String> {
    match error {
        Error::Config { path, line: Some(line), .. } => Some(format!("{}:{line}", path.display())),
        Error::Config { path, .. }
        | Error::Io { path, .. }
        | Error::UnsafeOutput { path, .. }
        | Error::Override { path, .. } => Some(path.display().to_string()),
        Error::Template { message, .. } => template_location(message, &paths.root_dir.join("templates")),
    }
}

/// Finds `'name.html'` and ` --> line:column` in a Tera error message.
fn template_location(message: &str, templates_dir: &Path) -> Option<String> {
    let name = message.split('\'').nth(1).filter(|name| name.ends_with(".html"))?;
    let file = templates_dir.join(name);
    let file = if file.is_file() { file.display().to_string() } else { format!("{name} (built-in template)") };
    let line = message
        .split("--> ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.trim().parse::<usize>().ok());
    Some(match line {
        Some(line @ 1..) => format!("{file}:{line}"),
        _ => file,
    })
}

/// The page served before the first build has succeeded: a short notice,
/// plus the live script that shows the overlay and reloads once a build
/// succeeds.
pub fn placeholder_page(problem: Option<&Problem>) -> String {
    let (title, text) = match problem {
        Some(problem) => ("Build failed", problem.headline.as_str()),
        None => ("Building…", "srebook is building the handbook; this page reloads when it is ready."),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · srebook</title></head>\n\
         <body style=\"font-family: system-ui, sans-serif; margin: 3rem;\"><h1>{title}</h1><p>{}</p></body></html>\n",
        escape_html(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_name_file_and_line() {
        let error = crate::Config::parse("[book]\ncolour = 1\n", Path::new("dir/book.toml")).unwrap_err();
        let problem = Problem::build_failed(&error, &BookPaths::default());
        assert_eq!(problem.details[0].location.as_deref(), Some("dir/book.toml:2"));
        assert!(problem.details[0].message.contains("colour"));
    }

    #[test]
    fn template_parse_errors_name_the_line() {
        let message = "Failed to parse 'topic.html':  --> 4:7\n  |\n4 | {% if %}";
        assert_eq!(
            template_location(message, Path::new("/nowhere/templates")).as_deref(),
            Some("topic.html (built-in template):4")
        );
        assert_eq!(template_location("no file named here", Path::new("t")), None);
    }

    #[test]
    fn only_blocking_diagnostics_raise_the_overlay() {
        let diagnostic = |kind: &str| Diagnostic {
            source: "a.md".into(),
            line: 0,
            severity: Severity::Warning,
            kind: kind.into(),
            message: "m".into(),
        };
        let paths = BookPaths { content_dir: "content".into(), ..BookPaths::default() };
        assert_eq!(Problem::from_diagnostics(&[diagnostic("repeated-question")], &paths), None);
        let problem = Problem::from_diagnostics(&[diagnostic("unreadable")], &paths).unwrap();
        assert_eq!(problem.details[0].location.as_deref(), Some("content/a.md"));
    }
}
