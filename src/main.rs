//! The `srebook` command line: parses arguments and calls the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use srebook::{search, BookPaths, BuildOptions};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tunes memory for a short process whose peak is what counts.
///
/// - mimalloc gives freed pages back to the OS after 10 ms and faults them
///   in again, zeroed, on the next allocation; a build allocates and frees
///   in waves (pages, answers, index tables). Freed pages are kept.
/// - mimalloc asks for transparent huge pages, so each first touch zeroes
///   2 MiB and a partly used huge page counts whole in the resident set (the
///   seeds' build: about 100 MiB peak with them, 60 without). They are
///   turned off for the process (Linux).
///
/// On a 10,000-question build, zeroing pages (`clear_page_erms`) was 12–15%
/// of all CPU samples in perf.
fn tune_memory_for_a_build() {
    #[cfg(target_os = "linux")]
    {
        // Only a missing kernel feature makes this fail; then nothing changes.
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
    // `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (just before
    // `use_numa_nodes`, which libmimalloc-sys names); set only while it
    // holds its documented default, 10 ms, so another layout changes nothing.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const _: () = assert!(libmimalloc_sys::mi_option_use_numa_nodes == MI_OPTION_PURGE_DELAY + 1);
    // SAFETY: reads and sets a process-wide allocator option, which mimalloc
    // accesses atomically; no value of it affects soundness.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == 10 {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        }
    }
}

#[derive(Parser)]
#[command(
    name = "srebook",
    version,
    about = "Turn overlapping SRE Q&A documents into one deduplicated handbook website"
)]
struct Cli {
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the handbook website.
    Build {
        #[command(flatten)]
        book: BookArgs,
        /// Output folder (default: book.toml's build.output, else `book`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an output folder that srebook did not create.
        #[arg(long)]
        force: bool,
        /// Print the time each pipeline stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Print the organised book: chapters, topics, entries and repairs.
    Inspect {
        #[command(flatten)]
        book: BookArgs,
        /// Print JSON (the schema is in the README).
        #[arg(long)]
        json: bool,
    },
    /// List every repair and suspicious spot in the sources.
    Check {
        #[command(flatten)]
        book: BookArgs,
        /// Instead, list the merges made and the closest pairs left apart.
        #[arg(long)]
        dedup: bool,
    },
    /// Preview the handbook: build it, serve it, rebuild and reload on every save.
    Serve {
        #[command(flatten)]
        book: BookArgs,
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address to listen on. Anything but a loopback address exposes the preview to your network.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Search the book: topics ranked by relevance, with the passage that matched.
    ///
    /// Uses the index `srebook build` writes beside the site, rebuilding it first
    /// when the sources or book.toml changed.
    Search {
        #[command(flatten)]
        book: BookArgs,
        /// What to look for; several words are one query.
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
        /// Print a JSON array of {slug, title, chapter, path, score, snippet}.
        #[arg(long)]
        json: bool,
        /// At most this many results.
        #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
        limit: u16,
        /// Only topics of this chapter (its slug).
        #[arg(long, value_name = "SLUG")]
        chapter: Option<String>,
    },
    /// Write a starter book.toml and content folder.
    Init {
        /// Folder to create the book in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Args)]
struct BookArgs {
    /// Folder of source documents (default: book.toml's build.content, else `content`).
    #[arg(long, value_name = "DIR")]
    content: Option<PathBuf>,
    /// book.toml to use (default: ./book.toml when it exists).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The preview server runs for hours: it should give memory back.
    if !matches!(cli.command, Command::Serve { .. }) {
        tune_memory_for_a_build();
    }
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Build { book, out, force, timings } => {
            let (config, paths) = BookPaths::resolve(book.config.as_deref(), book.content.as_deref(), out.as_deref())?;
            if !quiet {
                eprintln!("Building {} → {}", paths.content_dir.display(), paths.output_dir.display());
            }
            let started = std::time::Instant::now();
            let report = srebook::build(&config, &paths, BuildOptions { force })?;
            let elapsed = started.elapsed();
            if !quiet {
                for diagnostic in &report.diagnostics {
                    eprintln!("{diagnostic}");
                }
            }
            if timings {
                for (index, (stage, duration)) in report.timings.stages().iter().enumerate() {
                    let cpu = report
                        .timings
                        .cpu_time(index)
                        .map(|cpu| format!("  cpu {:>7.0} ms", cpu.as_secs_f64() * 1000.0));
                    let peak = report
                        .timings
                        .peak_memory(index)
                        .map(|bytes| format!("  peak {:>6.0} MiB", bytes as f64 / (1024.0 * 1024.0)));
                    eprintln!(
                        "  {stage:<10} {:>9.1} ms{}{}",
                        duration.as_secs_f64() * 1000.0,
                        cpu.unwrap_or_default(),
                        peak.unwrap_or_default()
                    );
                }
            }
            if !quiet {
                eprintln!(
                    "Built {} sources, {} entries ({} questions), {} topics, {} chapters, {} pages in {:.0} ms → {}",
                    report.sources,
                    report.entries,
                    report.questions,
                    report.topics,
                    report.chapters,
                    report.pages,
                    elapsed.as_secs_f64() * 1000.0,
                    paths.output_dir.join("index.html").display(),
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect { book, json } => {
            let (config, paths) = BookPaths::resolve(book.config.as_deref(), book.content.as_deref(), None)?;
            let book = srebook::organise_book(&config, &paths, &mut Default::default())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&book)?);
            } else {
                print!("{}", srebook::inspect::outline(&book));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { book, dedup: true } => {
            let (config, paths) = BookPaths::resolve(book.config.as_deref(), book.content.as_deref(), None)?;
            let book = srebook::organise_book(&config, &paths, &mut Default::default())?;
            let review = srebook::organise::dedup_review(&config, &paths.config_label(), &book.entries)?;
            print!("{}", srebook::inspect::dedup_report(&review));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { book, dedup: false } => {
            let (config, paths) = BookPaths::resolve(book.config.as_deref(), book.content.as_deref(), None)?;
            let book = srebook::organise_book(&config, &paths, &mut Default::default())?;
            let report = srebook::inspect::check_report(&book);
            print!("{}", report.text);
            if !quiet {
                eprintln!("{} repairs, {} warnings, {} errors", report.repairs, report.warnings, report.errors);
            }
            Ok(if report.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Serve { book, port, bind, open } => {
            let book = srebook::serve::BookArgs { config: book.config, content: book.content };
            srebook::serve::run(srebook::serve::ServeOptions { book, bind, port, open, quiet })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { book, query, json, limit, chapter } => {
            let (config, paths) = BookPaths::resolve(book.config.as_deref(), book.content.as_deref(), None)?;
            let (index, status) = search::open_for_book(&config, &paths)?;
            if status == search::IndexStatus::Rebuilt && !quiet {
                eprintln!(
                    "Indexed {} topics → {}",
                    index.manifest().topics,
                    search::index_dir_for(&paths.output_dir).display()
                );
            }
            if let Some(slug) = &chapter {
                if !index.chapters().iter().any(|c| &c.slug == slug) {
                    let known: Vec<&str> = index.chapters().iter().map(|c| c.slug.as_str()).collect();
                    eprintln!("error: no chapter `{slug}`; the chapters are: {}", known.join(", "));
                    return Ok(ExitCode::from(2));
                }
            }
            let query = query.join(" ");
            let hits = index.search(&query, &search::SearchOptions { limit: usize::from(limit), chapter })?;
            let format = if json {
                search::OutputFormat::Json
            } else {
                search::OutputFormat::Text { ansi: std::io::stdout().is_terminal() }
            };
            print!("{}", search::format_hits(&hits, index.chapters(), format));
            if hits.is_empty() && !json && !quiet {
                eprintln!("No results.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            let written = srebook::init::init(&dir)?;
            if !quiet {
                for path in written {
                    eprintln!("created {}", path.display());
                }
                eprintln!("Next: cd {} && srebook build", dir.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
