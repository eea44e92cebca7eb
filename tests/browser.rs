//! The built site in a real browser: builds the seeds' handbook (or the
//! repository's own `content/` when `../shared` is absent) and runs
//! `tests/browser/site.test.mjs` against it in headless Chromium through
//! playwright-core. Screenshots of every theme land in `target/screenshots/`.
//!
//! Needs Node.js, `npm ci --prefix tests/browser` and Chromium (`$CHROMIUM`,
//! else `/usr/bin/chromium`; `.ci/run` installs both). Without one of them the
//! test prints why it was skipped and passes.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The whole browser run must finish within this, or it is killed and fails.
const TIME_LIMIT: Duration = Duration::from_secs(600);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Why the browser test cannot run here, if it cannot.
fn missing_tool() -> Option<String> {
    let version = match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => return Some("node is not installed".into()),
    };
    let major: u32 = version.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < 20 {
        return Some(format!("node {version} is too old for playwright-core (needs 20 or newer)"));
    }
    let chromium = chromium();
    if !chromium.is_file() {
        return Some(format!("no Chromium at {} (apt-get install chromium, or set $CHROMIUM)", chromium.display()));
    }
    if !repo().join("tests/browser/node_modules/playwright-core/package.json").is_file() {
        return Some("playwright-core is not installed (npm ci --prefix tests/browser)".into());
    }
    None
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo().join("target"));
    let target = if target.is_absolute() { target } else { repo().join(target) };
    target.join("screenshots")
}

/// Reads a child's pipe to the end on its own thread.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

#[test]
fn site_works_in_headless_chromium() {
    if let Some(reason) = missing_tool() {
        eprintln!("skipped: {reason}");
        return;
    }
    let content = common::seeds_dir().unwrap_or_else(|| repo().join("content"));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    common::srebook(repo())
        .args(["build", "--quiet", "--content"])
        .arg(&content)
        .arg("--out")
        .arg(&site)
        .assert()
        .success();

    let shots = screenshot_dir();
    let start = Instant::now();
    let mut child = Command::new("node")
        .arg(repo().join("tests/browser/site.test.mjs"))
        .arg(&site)
        .arg(&shots)
        .env("CHROMIUM", chromium())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    // Shown by cargo test when the test fails (or with --nocapture).
    println!("{stdout}");
    eprintln!("{stderr}");
    let status = status.unwrap_or_else(|| panic!("the browser test ran over {TIME_LIMIT:?}"));
    assert!(
        status.success(),
        "the browser test failed ({status}); see the output above; screenshots in {}",
        shots.display()
    );
    // node's test runner prints "# pass N" and "# fail N"; make sure tests ran.
    let count = |key: &str| {
        stdout.lines().find_map(|l| l.strip_prefix(key)).and_then(|n| n.trim().parse::<usize>().ok()).unwrap_or(0)
    };
    assert!(count("# pass ") >= 10, "too few browser tests passed:\n{stdout}");
    assert_eq!(count("# fail "), 0);
    eprintln!(
        "browser test: {} passed in {:.1} s; screenshots in {}",
        count("# pass "),
        start.elapsed().as_secs_f64(),
        shots.display()
    );
}
