//! Live reload: a WebSocket that tells each browser whether the page it shows
//! is out of date, and the small script that listens to it.
//!
//! Every HTML response carries the generation of the site it was served from
//! (see [`live_script_tag`]). The browser opens `/__srebook/ws` with that
//! generation and its own path, and the server answers with one message now
//! and one after every change of state: `{"generation", "reload",
//! "problem"}`. `reload` is true exactly when the page, or a file every page
//! uses, changed after the browser's generation. Because the comparison is
//! against the page the browser actually has, a rebuild that finishes
//! between serving a page and opening its socket is never missed (Zola #10),
//! and because the state is published only after the new site is complete, a
//! reload never fetches a page that is not there yet (mdBook #862, Zola
//! #2626).

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::http::{site_key, App};
use super::overlay::Problem;
use super::site::LiveState;

/// Where the client script is served.
pub const SCRIPT_PATH: &str = "/__srebook/live.js";

/// The client: connects, reloads when told (keeping the scroll position),
/// draws the problem overlay, and reconnects after a server restart.
pub const SCRIPT: &str = include_str!("live.js");

/// What a browser tells the socket about itself.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LiveQuery {
    /// The generation of the page it shows (0: the placeholder page).
    #[serde(default)]
    pub generation: u64,
    /// The server that served the page.
    #[serde(default)]
    pub server: String,
    /// The page's path, as in the address bar.
    #[serde(default)]
    pub path: String,
}

/// One message to a browser.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct LiveMessage<'a> {
    /// The generation of the site being served now.
    pub generation: u64,
    /// Whether the browser should reload its page.
    pub reload: bool,
    /// What the overlay should show (`null`: hide it).
    pub problem: Option<&'a Problem>,
}

impl<'a> LiveMessage<'a> {
    /// The message for the browser described by `query`.
    pub fn for_client(state: &'a LiveState, query: &LiveQuery) -> LiveMessage<'a> {
        let restarted = *query.server != *state.server_id;
        let page = site_key(&query.path).unwrap_or_default();
        let changed = state.site.as_ref().is_some_and(|site| site.changed_since(&page, query.generation));
        LiveMessage { generation: state.generation(), reload: restarted || changed, problem: state.problem.as_deref() }
    }
}

/// The tag injected into every HTML page served.
pub fn live_script_tag(state: &LiveState) -> String {
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{}\" data-server=\"{}\"></script>\n",
        state.generation(),
        state.server_id
    )
}

/// `GET /__srebook/ws`: upgrades to the live-reload socket.
pub async fn live_socket(
    ws: WebSocketUpgrade,
    Query(query): Query<LiveQuery>,
    State(app): State<Arc<App>>,
) -> Response {
    let live = app.live.subscribe();
    let shutdown = app.shutdown.clone();
    ws.on_upgrade(move |socket| talk(socket, query, live, shutdown))
}

/// Sends the browser its state now and after every change, until it goes
/// away or the server shuts down.
async fn talk(
    mut socket: WebSocket,
    query: LiveQuery,
    mut live: watch::Receiver<LiveState>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let text = {
            let state = live.borrow_and_update();
            serde_json::to_string(&LiveMessage::for_client(&state, &query)).unwrap_or_default()
        };
        if socket.send(Message::text(text)).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                changed = live.changed() => match changed {
                    Ok(()) => break,
                    Err(_) => return,
                },
                incoming = socket.recv() => match incoming {
                    // The browser sends nothing but pings (answered by the
                    // socket itself) and, at the end, a close.
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                    Some(Ok(_)) => {}
                },
                _ = shutdown.changed() => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::SiteSink;
    use crate::serve::site::SnapshotSink;

    fn state(files: &[(&str, &str)], previous: Option<&LiveState>) -> LiveState {
        let previous_site = previous.and_then(|state| state.site.clone());
        let sink = SnapshotSink::new(previous_site.as_deref());
        for (path, text) in files {
            sink.write(path, text.as_bytes()).unwrap();
        }
        let (site, _) = sink.finish();
        LiveState { server_id: "s1".into(), site: Some(Arc::new(site)), problem: None }
    }

    fn query(path: &str, generation: u64) -> LiveQuery {
        LiveQuery { generation, server: "s1".into(), path: path.into() }
    }

    #[test]
    fn only_browsers_on_changed_pages_reload() {
        let first = state(&[("index.html", "a"), ("slos/index.html", "b")], None);
        let second = state(&[("index.html", "A"), ("slos/index.html", "b")], Some(&first));
        assert!(LiveMessage::for_client(&second, &query("/", 1)).reload);
        assert!(LiveMessage::for_client(&second, &query("/index.html", 1)).reload);
        assert!(!LiveMessage::for_client(&second, &query("/slos/", 1)).reload);
        assert!(!LiveMessage::for_client(&second, &query("/", 2)).reload, "already has the new page");
    }

    #[test]
    fn a_restarted_server_reloads_everyone() {
        let first = state(&[("index.html", "a")], None);
        let other = LiveQuery { server: "s0".into(), ..query("/", 1) };
        assert!(LiveMessage::for_client(&first, &other).reload);
    }

    #[test]
    fn the_placeholder_reloads_once_a_site_exists() {
        let building = LiveState { server_id: "s1".into(), site: None, problem: None };
        assert!(!LiveMessage::for_client(&building, &query("/", 0)).reload);
        let built = state(&[("index.html", "a")], None);
        assert!(LiveMessage::for_client(&built, &query("/", 0)).reload);
        assert!(LiveMessage::for_client(&built, &query("/missing.html", 0)).reload);
    }
}
