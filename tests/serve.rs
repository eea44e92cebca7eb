//! End-to-end tests of `srebook serve`: live reload, bursts of saves,
//! build errors in the browser, path safety, load during a rebuild, and
//! shutdown. Each test runs its own server on a free port of 127.0.0.1 and
//! kills it when done; none asserts on timing.

#[path = "serve/support.rs"]
mod support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{get, page_identity, save_atomically, try_get, LiveSocket, Server, WAIT};

/// A small book: book.toml and three sources.
fn small_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Serve test\"\n").unwrap();
    std::fs::write(dir.path().join("content/a.md"), budget_source("Spend it on releases.")).unwrap();
    std::fs::write(
        dir.path().join("content/b.md"),
        "# Incidents\n\n## 1. How do you run an incident review?\n\nStart from a timeline and stay blameless.\n\n\
         ## 2. How do you page the right on-call engineer?\n\nRoute alerts by service ownership.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/c.txt"),
        "Q1. How would you design a cache for a read-heavy API? (System Design)\n\nUse a read-through cache.\n",
    )
    .unwrap();
    dir
}

/// `a.md`, whose error-budget answer ends with `ending`.
fn budget_source(ending: &str) -> String {
    format!(
        "# Basics\n\n## 1. What is an error budget?\n\nThe unreliability a service may spend in a window. {ending}\n\n\
         ## 2. How do you choose an SLO target?\n\nFrom what users notice, not from what you have.\n"
    )
}

/// The site path of the topic whose title contains `title`.
fn topic_path(book: &Path, title: &str) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_srebook"))
        .args(["inspect", "--json"])
        .current_dir(book)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let topic = json["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"].as_str().unwrap().contains(title))
        .unwrap_or_else(|| panic!("no topic titled {title:?}"));
    format!("/{}/{}.html", topic["chapter"].as_str().unwrap(), topic["slug"].as_str().unwrap())
}

/// A temp copy of the real sample documents, or `None` (with the reason
/// printed) when `../shared/seeds` is not beside the repository.
fn seeds_book() -> Option<tempfile::TempDir> {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: ../shared/seeds is not beside the repository");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join("content").join(path.file_name().unwrap())).unwrap();
    }
    Some(dir)
}

/// Whether a response is a complete page or file: a browser must never get
/// a 404, an error or a page cut short instead.
fn check_complete(path: &str, response: &support::Response) -> Result<(), String> {
    let text = response.text();
    if response.status != 200 {
        return Err(format!("status {}: {}", response.status, &text[..text.len().min(200)]));
    }
    let html = !path.contains('.') || path.ends_with(".html");
    if html && !(text.starts_with("<!DOCTYPE html>") && text.trim_end().ends_with("</html>")) {
        return Err(format!("an incomplete page of {} bytes", response.body.len()));
    }
    if response.body.is_empty() {
        return Err("an empty body".into());
    }
    Ok(())
}

#[test]
fn an_edit_reaches_the_browser_as_a_reload_and_new_html() {
    let Some(book) = seeds_book() else { return };
    let server = Server::start(book.path(), &[]);
    let mut socket = LiveSocket::open_page(&server, "/print.html");
    let hello = socket.next(WAIT).unwrap();
    assert_eq!(hello["reload"], false, "{hello}");
    assert!(hello["problem"].is_null(), "{hello}");

    let source = std::fs::read_dir(book.path().join("content")).unwrap().next().unwrap().unwrap().path();
    let mut text = std::fs::read_to_string(&source).unwrap();
    text.push_str("\n\nLive reload marker 7f3a9c.\n");
    std::fs::write(&source, text).unwrap();

    let message = socket.wait_for(WAIT, |m| m["reload"] == true);
    assert!(message["generation"].as_u64().unwrap() > hello["generation"].as_u64().unwrap());
    let page = server.get("/print.html");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Live reload marker 7f3a9c."), "the new HTML is served");
    assert!(server.log().contains("1 of 1 sources read changed"), "only the edited source is ingested again");
}

#[test]
fn fifty_saves_in_two_seconds_end_with_the_last_and_never_break_a_page() {
    let book = small_book();
    let topic = topic_path(book.path(), "error budget");
    let server = Server::start(book.path(), &[]);
    let paths = ["/".to_string(), "/print.html".to_string(), topic.clone(), "/static/style.css".to_string()];

    let saving = Arc::new(AtomicBool::new(true));
    let requests = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let pollers: Vec<_> = (0..3)
        .map(|i| {
            let (addr, paths) = (server.addr.clone(), paths.clone());
            let (saving, requests, failures) = (saving.clone(), requests.clone(), failures.clone());
            std::thread::spawn(move || {
                let mut n = i;
                while saving.load(Ordering::Relaxed) {
                    let path = &paths[n % paths.len()];
                    n += 1;
                    let outcome = try_get(&addr, path).and_then(|response| check_complete(path, &response));
                    requests.fetch_add(1, Ordering::Relaxed);
                    if let Err(error) = outcome {
                        failures.lock().unwrap().push(format!("GET {path}: {error}"));
                    }
                }
            })
        })
        .collect();

    let source = book.path().join("content/a.md");
    let started = Instant::now();
    for i in 0..50u32 {
        // Paced against the clock, so a slow machine still saves 50 times in 2 s.
        let due = started + Duration::from_millis(38) * i;
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let text = budget_source(&format!("Burst save {i:02} of 50."));
        // Half the saves replace the file (editors' atomic rename), half
        // rewrite it in place.
        if i % 2 == 0 {
            save_atomically(&source, &text);
        } else {
            std::fs::write(&source, &text).unwrap();
        }
    }
    let saving_took = started.elapsed();

    // Wait for the last save to be served, polling meanwhile.
    let deadline = Instant::now() + WAIT;
    while !get(&server.addr, &topic).text().contains("Burst save 49 of 50.") {
        assert!(Instant::now() < deadline, "the last save never showed; log:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    saving.store(false, Ordering::Relaxed);
    for poller in pollers {
        poller.join().unwrap();
    }

    eprintln!("50 saves in {saving_took:?}; {} requests during the rebuilds", requests.load(Ordering::Relaxed));
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "{} failed requests, first: {:?}\n{}", failures.len(), failures.first(), server.log());
    assert!(requests.load(Ordering::Relaxed) > 0);
    let page = get(&server.addr, &topic).text();
    for i in 0..49 {
        assert!(!page.contains(&format!("Burst save {i:02} of 50.")), "save {i} is still shown");
    }
    // print.html follows once the book has settled (organised in full after
    // the answer-only reloads).
    let deadline = Instant::now() + WAIT;
    let print = loop {
        let print = get(&server.addr, "/print.html").text();
        if print.contains("Burst save 49 of 50.") {
            break print;
        }
        assert!(Instant::now() < deadline, "print.html never showed the last save; log:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(print.matches("Burst save").count(), 1, "print.html shows exactly the last save");
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

#[test]
fn no_request_path_reaches_outside_the_site() {
    let book = small_book();
    let secret = "SECRET-c0ffee-do-not-serve";
    std::fs::write(book.path().join("secret.txt"), secret).unwrap();
    std::fs::write(book.path().join("content/secret.txt.bak"), secret).unwrap();
    std::fs::create_dir(book.path().join("static")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(book.path().join("secret.txt"), book.path().join("static/leak.txt")).unwrap();
        std::os::unix::fs::symlink(book.path(), book.path().join("static/up")).unwrap();
    }
    let server = Server::start(book.path(), &[]);
    let variants = [
        "/../secret.txt",
        "/../../secret.txt",
        "/static/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/static\\..\\..\\secret.txt",
        "//secret.txt",
        "/%2fsecret.txt",
        &format!("/{}", book.path().join("secret.txt").display()),
        &format!("//{}", book.path().join("secret.txt").display()),
        "/secret.txt%00.html",
        "/%00/../secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/./../secret.txt",
        "/static/leak.txt",
        "/static/up/secret.txt",
        "/content/secret.txt.bak",
        "/book.toml",
        "/static/",
    ];
    for path in variants {
        let response = try_get(&server.addr, path).unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert!([400, 404].contains(&response.status), "GET {path} answered {} {}", response.status, response.text());
        assert!(!response.text().contains(secret), "GET {path} leaked the secret");
    }
    assert!(server.status()["problem"].is_null());
}

#[test]
fn files_have_their_content_types_folders_their_index_and_misses_the_404_page() {
    let book = small_book();
    let server = Server::start(book.path(), &[]);
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/slos/", "text/html; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/srebook.js", "text/javascript; charset=utf-8"),
        ("/static/favicon.svg", "image/svg+xml"),
        ("/__srebook/live.js", "text/javascript; charset=utf-8"),
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(content_type), "{path}");
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
    let folder = server.get("/slos");
    assert_eq!(folder.status, 308);
    assert_eq!(folder.header("location"), Some("/slos/"));

    let missing = server.get("/slos/no-such-page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"), "the site's own 404 page");
    assert!(missing.text().contains("<base href=\"/\">"), "its relative links work at any depth");

    let page = server.get("/").text();
    assert!(page.contains("/__srebook/live.js"), "pages carry the live-reload script");
    assert_eq!(page.matches("</body>").count(), 1);
}

#[test]
fn the_search_api_answers_from_the_current_book() {
    let book = small_book();
    let server = Server::start(book.path(), &[]);
    // The index is built just after the first pages are served.
    let search = |query: &str| {
        let deadline = Instant::now() + WAIT;
        loop {
            let response = server.get(&format!("/api/search?q={query}&limit=3"));
            if response.status != 503 || Instant::now() > deadline {
                assert_eq!(response.status, 200, "{}", response.text());
                assert!(response.header("content-type").unwrap().starts_with("application/json"));
                return serde_json::from_slice::<serde_json::Value>(&response.body).unwrap();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let found = search("error%20budget");
    assert!(found["hits"][0]["title"].as_str().unwrap().contains("error budget"), "{found}");
    assert!(found["hits"].as_array().unwrap().len() <= 3);

    // After an edit, search finds the new text.
    std::fs::write(book.path().join("content/a.md"), budget_source("Mention zanzibar once.")).unwrap();
    let deadline = Instant::now() + WAIT;
    while search("zanzibar")["hits"].as_array().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "search never saw the edit; log:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn build_errors_show_in_the_browser_and_the_fix_reloads() {
    let book = small_book();
    let server = Server::start(book.path(), &[]);
    let mut socket = LiveSocket::open_page(&server, "/");
    assert!(socket.next(WAIT).unwrap()["problem"].is_null());

    // A bad book.toml: the overlay names the file and line; pages stay up.
    std::fs::write(book.path().join("book.toml"), "[book]\ntitle = \"Serve test\"\ncolour = \"red\"\n").unwrap();
    let message = socket.wait_for(WAIT, |m| !m["problem"].is_null());
    let detail = &message["problem"]["details"][0];
    assert!(detail["location"].as_str().unwrap().ends_with("book.toml:3"), "{message}");
    assert!(detail["message"].as_str().unwrap().contains("colour"), "{message}");
    assert_eq!(message["reload"], false);
    assert_eq!(server.get("/").status, 200, "the last good site is still served");

    // Fixed (and renamed): the problem clears and the page reloads.
    std::fs::write(book.path().join("book.toml"), "[book]\ntitle = \"Renamed book\"\n").unwrap();
    let message = socket.wait_for(WAIT, |m| m["problem"].is_null());
    assert_eq!(message["reload"], true, "{message}");
    assert!(server.get("/").text().contains("Renamed book"));

    // A template that does not parse: file and line of the template.
    std::fs::create_dir(book.path().join("templates")).unwrap();
    let template = book.path().join("templates/topic.html");
    save_atomically(&template, "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock content %}\n");
    let mut socket = LiveSocket::open_page(&server, "/");
    let message = socket.wait_for(WAIT, |m| !m["problem"].is_null());
    let location = message["problem"]["details"][0]["location"].as_str().unwrap().to_string();
    assert!(location.ends_with("topic.html:3"), "{message}");
    std::fs::remove_file(&template).unwrap();
    socket.wait_for(WAIT, |m| m["problem"].is_null());
    assert!(server.status()["problem"].is_null());

    // A source that cannot be read (here a link to nothing) is named too,
    // and the rest of the book stays up.
    #[cfg(unix)]
    {
        let broken = book.path().join("content/broken.md");
        std::os::unix::fs::symlink(book.path().join("content/missing.md"), &broken).unwrap();
        let message = socket.wait_for(WAIT, |m| !m["problem"].is_null());
        let detail = &message["problem"]["details"][0];
        assert!(detail["location"].as_str().unwrap().ends_with("broken.md"), "{message}");
        assert!(detail["message"].as_str().unwrap().contains("unreadable"), "{message}");
        assert_eq!(server.get("/").status, 200);
        std::fs::remove_file(&broken).unwrap();
        socket.wait_for(WAIT, |m| m["problem"].is_null());
    }
}

#[test]
fn a_browser_that_missed_a_rebuild_still_reloads() {
    let book = small_book();
    let server = Server::start(book.path(), &[]);
    let topic = topic_path(book.path(), "error budget");
    // The page is served, then a rebuild finishes before its socket opens.
    let (generation, id) = page_identity(&server.get(&topic).text());
    std::fs::write(book.path().join("content/a.md"), budget_source("Missed rebuild.")).unwrap();
    let deadline = Instant::now() + WAIT;
    while !server.get("/print.html").text().contains("Missed rebuild.") {
        assert!(Instant::now() < deadline, "no rebuild; log:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut late = LiveSocket::connect(&server.addr, &topic, generation, &id);
    assert_eq!(late.next(WAIT).unwrap()["reload"], true, "the first message already says reload");
    // A page the edit did not touch is left alone.
    let mut other = LiveSocket::connect(&server.addr, "/", generation, &id);
    assert_eq!(other.next(WAIT).unwrap()["reload"], false);
}

#[test]
fn ten_thousand_requests_during_rebuilds_all_succeed() {
    let book = small_book();
    let topic = topic_path(book.path(), "error budget");
    let server = Server::start(book.path(), &[]);
    const CLIENTS: usize = 50;
    const REQUESTS: usize = 10_000;
    let paths = Arc::new(vec!["/".to_string(), topic, "/print.html".to_string(), "/static/style.css".to_string()]);
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let loading = Arc::new(AtomicBool::new(true));

    // Rebuilds keep happening while the load runs.
    let editor = {
        let (source, loading) = (book.path().join("content/a.md"), loading.clone());
        std::thread::spawn(move || {
            let mut edits = 0;
            while loading.load(Ordering::Relaxed) {
                save_atomically(&source, &budget_source(&format!("Load edit {edits}.")));
                edits += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            edits
        })
    };
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (addr, paths, next, errors) = (server.addr.clone(), paths.clone(), next.clone(), errors.clone());
            std::thread::spawn(move || loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= REQUESTS {
                    break;
                }
                let path = &paths[n % paths.len()];
                if let Err(error) = try_get(&addr, path).and_then(|response| check_complete(path, &response)) {
                    errors.lock().unwrap().push(format!("GET {path}: {error}"));
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let elapsed = started.elapsed();
    loading.store(false, Ordering::Relaxed);
    let edits = editor.join().unwrap();
    let rebuilds = server.log().matches("Rebuilt in").count() - 1;
    eprintln!(
        "{REQUESTS} requests, {CLIENTS} at a time, in {elapsed:.2?} = {:.0} requests/s, during {edits} edits and {rebuilds} rebuilds",
        REQUESTS as f64 / elapsed.as_secs_f64()
    );
    let errors = errors.lock().unwrap();
    assert!(errors.is_empty(), "{} errors, first: {:?}", errors.len(), errors.first());
    assert!(rebuilds > 0, "the load ran without a rebuild; log:\n{}", server.log());
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let book = small_book();
    let mut server = Server::start(book.path(), &[]);
    let mut socket = LiveSocket::open_page(&server, "/");
    socket.next(WAIT).unwrap();
    let status = std::process::Command::new("kill").args(["-INT", &server.pid().to_string()]).status().unwrap();
    assert!(status.success());
    // Messages may still be on their way (the search index is published
    // after the pages); then the socket must close. `next` fails on a timeout.
    while socket.next(WAIT).is_some() {}
    let exit = server.wait_exit(WAIT).expect("the server exits after Ctrl-C");
    assert!(exit.success(), "{exit:?}\n{}", server.log());
    assert!(server.log().contains("Stopped."), "{}", server.log());
}

#[test]
fn a_busy_port_is_reported_clearly() {
    let book = small_book();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_srebook"))
        .args(["serve", "--port", &port])
        .current_dir(book.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already in use") && stderr.contains("--port 0"), "{stderr}");
}
