//! The library's error type. Every variant names the file (and line, where
//! there is one) so a user can go straight to the problem.

use std::path::PathBuf;

/// Anything that stops a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// book.toml is malformed, has an unknown key or a wrong type.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Config { path: PathBuf, line: Option<usize>, message: String },

    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The output folder is not one srebook may write to.
    #[error("{}: {message}", path.display())]
    UnsafeOutput { path: PathBuf, message: String },

    /// A template failed to parse or render.
    #[error("template {name}: {message}")]
    Template { name: String, message: String },

    /// A `[[dedup.merge]]` or `[[dedup.separate]]` item matched no question.
    #[error("{}: {message}", path.display())]
    Override { path: PathBuf, message: String },
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
