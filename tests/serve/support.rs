//! A `srebook serve` child process and minimal HTTP and WebSocket clients
//! for it, shared by `tests/serve.rs` and `benches/serve_latency.rs`.
//!
//! The clients speak just enough HTTP/1.1 and RFC 6455 to check what the
//! server sends byte for byte (a test must see a truncated page, not have a
//! library paper over it), and only ever connect to 127.0.0.1.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any single wait in these helpers may take before it fails.
pub const WAIT: Duration = Duration::from_secs(120);

/// A running `srebook serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    log: Arc<Mutex<String>>,
    lines: Receiver<String>,
}

impl Server {
    /// Starts `srebook serve --port 0 ARGS` in `dir` and waits until it
    /// prints the address it serves.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_srebook"))
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("srebook starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Mutex::new(String::new()));
        let (sender, lines) = mpsc::channel();
        let shared = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut log = shared.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
                let _ = sender.send(line);
            }
        });
        let mut server = Server { child, addr: String::new(), log, lines };
        let line = server.wait_for_line("Serving http://");
        let url = line.split_whitespace().nth(1).expect("a URL after Serving");
        server.addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
        server
    }

    /// Waits for a line of stderr containing `needle` and returns it.
    pub fn wait_for_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no {needle:?} from srebook serve; it printed:\n{}", self.log()),
            }
        }
    }

    /// Waits until a line containing each of `needles` has been printed, in
    /// any order.
    pub fn wait_for_lines(&mut self, needles: &[&str]) {
        let deadline = Instant::now() + WAIT;
        let mut missing: Vec<&str> = needles.to_vec();
        while !missing.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => missing.retain(|needle| !line.contains(needle)),
                Err(_) => panic!("no {missing:?} from srebook serve; it printed:\n{}", self.log()),
            }
        }
    }

    /// Everything the server printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to exit on its own; `None` if it does not
    /// within `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// `GET path` (sent exactly as given, unnormalised).
    pub fn get(&self, path: &str) -> Response {
        get(&self.addr, path)
    }

    /// The server's `/__srebook/status` JSON.
    pub fn status(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/__srebook/status").body).expect("status is JSON")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response as received.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One `GET` over a fresh connection. Panics on a malformed response or a
/// body shorter or longer than its `Content-Length`.
pub fn get(addr: &str, path: &str) -> Response {
    try_get(addr, path).unwrap_or_else(|error| panic!("GET {path}: {error}"))
}

/// [`get`], returning what went wrong instead of panicking.
pub fn try_get(addr: &str, path: &str) -> Result<Response, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| format!("read: {e}"))?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or("bad status line")?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    let response = Response { status, headers, body };
    if let Some(length) = response.header("content-length") {
        let length: usize = length.parse().map_err(|_| "bad content-length")?;
        if length != response.body.len() {
            return Err(format!("body is {} bytes, content-length says {length}", response.body.len()));
        }
    }
    Ok(response)
}

/// The generation and server id a served HTML page carries.
pub fn page_identity(html: &str) -> (u64, String) {
    let attribute = |name: &str| {
        let start = html.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("no {name} in page")) + name.len() + 2;
        html[start..].split('"').next().unwrap().to_string()
    };
    (attribute("data-generation").parse().unwrap(), attribute("data-server"))
}

/// A live-reload WebSocket, as a browser showing `path` opens it.
pub struct LiveSocket {
    reader: BufReader<TcpStream>,
}

impl LiveSocket {
    /// Connects as the page at `path`, served at `generation` by `server`.
    pub fn connect(addr: &str, path: &str, generation: u64, server: &str) -> LiveSocket {
        let mut stream = TcpStream::connect(addr).expect("connect");
        let request = format!(
            "GET /__srebook/ws?generation={generation}&server={server}&path={path} HTTP/1.1\r\nHost: {addr}\r\n\
             Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.contains(" 101 "), "no WebSocket upgrade: {status}");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
        }
        LiveSocket { reader }
    }

    /// Connects as a browser that just loaded `path`.
    pub fn open_page(server: &Server, path: &str) -> LiveSocket {
        let (generation, id) = page_identity(&server.get(path).text());
        LiveSocket::connect(&server.addr, path, generation, &id)
    }

    /// The next text message, parsed; `None` when the server closed the
    /// socket. Panics after `timeout`.
    pub fn next(&mut self, timeout: Duration) -> Option<serde_json::Value> {
        self.reader.get_ref().set_read_timeout(Some(timeout)).unwrap();
        loop {
            let mut head = [0u8; 2];
            match self.reader.read_exact(&mut head) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return None,
                Err(e) => panic!("no live-reload message within {timeout:?}: {e}"),
            }
            let opcode = head[0] & 0x0f;
            let length = match head[1] & 0x7f {
                126 => {
                    let mut n = [0u8; 2];
                    self.reader.read_exact(&mut n).unwrap();
                    u64::from(u16::from_be_bytes(n))
                }
                127 => {
                    let mut n = [0u8; 8];
                    self.reader.read_exact(&mut n).unwrap();
                    u64::from_be_bytes(n)
                }
                n => u64::from(n),
            };
            let mut payload = vec![0u8; usize::try_from(length).unwrap()];
            self.reader.read_exact(&mut payload).unwrap();
            match opcode {
                1 => return Some(serde_json::from_slice(&payload).expect("messages are JSON")),
                8 => return None,
                _ => {} // ping, pong, continuation: not sent by this server
            }
        }
    }

    /// Reads messages until one satisfies `wanted`; returns it.
    pub fn wait_for(&mut self, timeout: Duration, wanted: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
            let message = self.next(left).expect("the server closed the live-reload socket");
            if wanted(&message) {
                return message;
            }
        }
    }
}

/// Writes `text` to `path` the way many editors save: a temp file beside
/// it, renamed over the original.
pub fn save_atomically(path: &Path, text: &str) {
    let temp = path.with_file_name(format!(".{}.tmp", path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}
