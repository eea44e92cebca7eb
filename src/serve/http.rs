//! The HTTP side: routes, which request paths name which site file, content
//! types, the site's 404 page, and the live-reload script in every page.
//!
//! Files are served from the in-memory [`Site`], never from disk, so no
//! request can reach a file outside the site whatever its path says:
//! traversal, encoded dots, backslashes and symbolic links have nothing to
//! resolve against. The path rules below still refuse every such path
//! explicitly, so that they answer 404 rather than whatever a lookup of an
//! odd name would do.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tokio::sync::watch;

use super::indexing::SearchSlot;
use super::overlay::placeholder_page;
use super::reload::{self, live_script_tag};
use super::site::{LiveState, Page, Site};
use crate::search::SearchOptions;

/// At most this many hits per `/api/search` request.
const MAX_SEARCH_HITS: usize = 50;

/// What the request handlers share.
pub struct App {
    /// The current state; handlers read it, the rebuild thread publishes it.
    pub live: watch::Sender<LiveState>,
    /// The search index, shared with the rebuild thread.
    pub search: Arc<SearchSlot>,
    /// Becomes `true` when the server is shutting down (closes sockets).
    pub shutdown: watch::Receiver<bool>,
    /// Bound to a loopback address: only accept requests addressed to this
    /// machine by name (see [`check_host`]).
    pub loopback_only: bool,
}

/// Every route of the preview server.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(reload::SCRIPT_PATH, get(live_script))
        .route("/__srebook/ws", get(reload::live_socket))
        .route("/__srebook/status", get(status))
        .route("/api/search", get(search))
        .route("/", get(site_file))
        .route("/{*path}", get(site_file))
        .layer(middleware::from_fn_with_state(app.clone(), check_host))
        .with_state(app)
}

/// The site file a request path names: `None` when the path is not a
/// well-formed path inside the site. Percent-escapes are decoded exactly
/// once; after that, `.` and `..` segments, empty segments (`//`), NUL and
/// other control characters and backslashes are refused. A path ending in
/// `/` names that folder's `index.html`.
pub fn site_key(raw_path: &str) -> Option<String> {
    let decoded = percent_decode(raw_path)?;
    let path = decoded.strip_prefix('/')?;
    if path.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    let mut segments: Vec<&str> = path.split('/').collect();
    let folder = segments.last() == Some(&"");
    if folder {
        segments.pop();
    }
    if segments.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return None;
    }
    let mut key = segments.join("/");
    if folder {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

/// Decodes `%XX` escapes; `None` for a malformed escape or invalid UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` of a site file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// `GET /…`: a file of the site.
async fn site_file(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let state = app.live.borrow().clone();
    let Some(site) = state.site.as_deref() else {
        // No build has succeeded yet: a notice that reloads when one does.
        let page = placeholder_page(state.problem.as_deref());
        return html_response(StatusCode::SERVICE_UNAVAILABLE, page.as_bytes(), page.rfind("</body>"), None, &state);
    };
    let Some(key) = site_key(uri.path()) else { return not_found(site, &state) };
    if let Some(page) = site.get(&key) {
        return file_response(StatusCode::OK, &key, page, None, &state);
    }
    if !key.ends_with("index.html") && site.is_folder(&key) {
        // `/slos` → `/slos/`, so the folder's index resolves its relative
        // links from the folder. Never a listing.
        let location = match uri.query() {
            Some(query) => format!("{}/?{query}", uri.path()),
            None => format!("{}/", uri.path()),
        };
        return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response();
    }
    not_found(site, &state)
}

/// The site's own 404 page. It is written for the site root, so a `<base>`
/// makes its relative links work at any depth.
fn not_found(site: &Site, state: &LiveState) -> Response {
    match site.get("404.html") {
        Some(page) => file_response(StatusCode::NOT_FOUND, "404.html", page, Some("<base href=\"/\">"), state),
        None => (StatusCode::NOT_FOUND, "404 Not Found\n").into_response(),
    }
}

fn file_response(status: StatusCode, key: &str, page: &Page, head: Option<&str>, state: &LiveState) -> Response {
    match page.inject_at {
        Some(at) => html_response(status, &page.bytes, Some(at), head, state),
        None => with_headers(status, content_type(key), Body::from(page.bytes.clone())),
    }
}

/// An HTML page with the live-reload script inserted at byte `at` and, if
/// given, `head` inserted just after `<head>`.
fn html_response(
    status: StatusCode,
    html: &[u8],
    at: Option<usize>,
    head: Option<&str>,
    state: &LiveState,
) -> Response {
    let tag = live_script_tag(state);
    let at = at.unwrap_or(html.len()).min(html.len());
    let head_at =
        head.and_then(|_| find_ignore_case(html, b"<head>").map(|i| i + b"<head>".len())).filter(|&i| i <= at);
    let mut body = Vec::with_capacity(html.len() + tag.len() + head.map_or(0, str::len));
    match (head_at, head) {
        (Some(head_at), Some(head)) => {
            body.extend_from_slice(&html[..head_at]);
            body.extend_from_slice(head.as_bytes());
            body.extend_from_slice(&html[head_at..at]);
        }
        _ => body.extend_from_slice(&html[..at]),
    }
    body.extend_from_slice(tag.as_bytes());
    body.extend_from_slice(&html[at..]);
    with_headers(status, "text/html; charset=utf-8", Body::from(body))
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// Every response of the preview is fresh: an edit must show on reload.
fn with_headers(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// `GET /__srebook/live.js`.
async fn live_script() -> Response {
    with_headers(StatusCode::OK, "text/javascript; charset=utf-8", Body::from(reload::SCRIPT))
}

/// `GET /__srebook/status`: the server's state as JSON, for tools and tests.
async fn status(State(app): State<Arc<App>>) -> Response {
    let state = app.live.borrow().clone();
    Json(serde_json::json!({
        "server": &*state.server_id,
        "generation": state.generation(),
        "files": state.site.as_ref().map_or(0, |site| site.len()),
        "problem": state.problem.as_deref(),
    }))
    .into_response()
}

/// The parameters of `/api/search`.
#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    /// Hits wanted (default 10, at most [`MAX_SEARCH_HITS`]).
    limit: Option<usize>,
    /// Only topics of this chapter (slug).
    chapter: Option<String>,
}

/// `GET /api/search?q=…[&limit=N][&chapter=slug]`: the best matching topics
/// as JSON, `{"query", "hits": [{slug, title, chapter, path, score,
/// snippet}]}`, from the tantivy index of the book as last built.
async fn search(State(app): State<Arc<App>>, Query(query): Query<SearchQuery>) -> Response {
    let error = |status: StatusCode, message: String| (status, Json(serde_json::json!({"error": message})));
    let Some(index) = app.search.current() else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "the search index is still being built".into()).into_response();
    };
    let options = SearchOptions { limit: query.limit.unwrap_or(10).min(MAX_SEARCH_HITS), chapter: query.chapter };
    let q = query.q;
    // A search is CPU work: keep it off the threads that serve pages.
    let hits = tokio::task::spawn_blocking(move || index.search(&q, &options).map(|hits| (q, hits))).await;
    match hits {
        Ok(Ok((q, hits))) => Json(serde_json::json!({"query": q, "hits": hits})).into_response(),
        Ok(Err(failure)) => error(StatusCode::INTERNAL_SERVER_ERROR, failure.to_string()).into_response(),
        Err(panic) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("search failed: {panic}")).into_response(),
    }
}

/// Refuses requests whose `Host` is not this machine when the server is
/// bound to loopback, so a web page cannot read the preview through DNS
/// rebinding (a hostile name that resolves to 127.0.0.1).
async fn check_host(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if app.loopback_only && !is_local_host(request.headers()) {
        return (StatusCode::FORBIDDEN, "Forbidden: this preview only answers requests addressed to localhost\n")
            .into_response();
    }
    next.run(request).await
}

fn is_local_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST) else { return true };
    let Ok(host) = host.to_str() else { return false };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_site_files() {
        assert_eq!(site_key("/").as_deref(), Some("index.html"));
        assert_eq!(site_key("/slos/").as_deref(), Some("slos/index.html"));
        assert_eq!(site_key("/slos").as_deref(), Some("slos"));
        assert_eq!(site_key("/static/style.css").as_deref(), Some("static/style.css"));
        assert_eq!(site_key("/a%20b.html").as_deref(), Some("a b.html"));
    }

    #[test]
    fn unsafe_paths_name_nothing() {
        for raw in [
            "/../secret.txt",
            "/static/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%2fsecret.txt",
            "/static/%2e%2e/%2e%2e/secret.txt",
            "/./index.html",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/..\\secret.txt",
            "/..%5csecret.txt",
            "/index.html%00.txt",
            "/%00",
            "/%zz",
            "/%",
            "/%c0%ae%c0%ae/secret.txt",
            "relative.html",
        ] {
            assert_eq!(site_key(raw), None, "{raw}");
        }
        // Decoded once only: a double-encoded dot is a literal (missing) name.
        assert_eq!(site_key("/%252e%252e/secret.txt").as_deref(), Some("%2e%2e/secret.txt"));
    }

    #[test]
    fn content_types_follow_extensions() {
        assert_eq!(content_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("static/favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn only_local_host_names_pass_on_loopback() {
        let host = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(value).unwrap());
            is_local_host(&headers)
        };
        for ok in ["127.0.0.1:3000", "localhost", "LOCALHOST:8080", "[::1]:3000", "127.0.0.2"] {
            assert!(host(ok), "{ok}");
        }
        for bad in ["evil.example:3000", "192.168.1.2", "localhost.evil.example"] {
            assert!(!host(bad), "{bad}");
        }
    }
}
