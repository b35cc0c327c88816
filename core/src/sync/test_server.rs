//! A tiny scripted HTTP/1.1 server for the sync client's unit tests: each request gets
//! the script's next answer, and every request is recorded. It also speaks HTTPS (rustls)
//! with a certificate a test makes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::http::{ServerUrl, Timeouts, Transport};
use super::retry::RetryPolicy;

/// A request as the tiny server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Seen {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One scripted answer: a status, a content type and a body, or silence.
#[derive(Clone)]
pub(crate) enum Answer {
    Reply(u16, &'static str, String),
    Silence,
}

/// A tiny HTTP/1.1 server answering a script, one answer per request, recording
/// what it was sent.
pub(crate) struct TinyServer {
    pub(crate) url: ServerUrl,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicUsize>,
    _thread: JoinHandle<()>,
}

/// What an HTTPS server presents: its certificate chain and private key (DER).
pub(crate) struct Identity {
    pub(crate) chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    pub(crate) key: rustls::pki_types::PrivateKeyDer<'static>,
}

impl TinyServer {
    pub(crate) fn start(script: Vec<Answer>) -> TinyServer {
        Self::listen(script, None)
    }

    /// The same server over HTTPS at `https://localhost:<port>`, presenting `identity`.
    pub(crate) fn start_tls(script: Vec<Answer>, identity: Identity) -> TinyServer {
        Self::listen(script, Some(identity))
    }

    fn listen(script: Vec<Answer>, identity: Option<Identity>) -> TinyServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = match identity {
            None => format!("http://127.0.0.1:{port}"),
            Some(_) => format!("https://localhost:{port}"),
        };
        let url = ServerUrl::parse(&url).unwrap();
        let tls = identity.map(|id| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            Arc::new(
                rustls::ServerConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .unwrap()
                    .with_no_client_auth()
                    .with_single_cert(id.chain, id.key)
                    .unwrap(),
            )
        });
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (record, counted) = (seen.clone(), connections.clone());
        let script = Arc::new(Mutex::new(script.into_iter()));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                counted.fetch_add(1, Ordering::SeqCst);
                let (script, record, tls) = (script.clone(), record.clone(), tls.clone());
                std::thread::spawn(move || match tls {
                    None => serve_connection(stream, &script, &record),
                    Some(config) => {
                        let Ok(conn) = rustls::ServerConnection::new(config) else {
                            return;
                        };
                        serve_connection(rustls::StreamOwned::new(conn, stream), &script, &record);
                    }
                });
            }
        });
        TinyServer {
            url,
            seen,
            connections,
            _thread: thread,
        }
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// TCP connections accepted so far (a failed TLS handshake counts, sends no request).
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Serves requests on one connection, each answered by the script's next answer.
/// A failed handshake or a broken connection ends it quietly.
fn serve_connection(
    stream: impl Read + Write,
    script: &Mutex<std::vec::IntoIter<Answer>>,
    record: &Mutex<Vec<Seen>>,
) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut start = String::new();
        if reader.read_line(&mut start).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (n, v) = line.split_once(':').unwrap();
            headers.push((n.trim().to_owned(), v.trim().to_owned()));
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let mut parts = start.split_whitespace();
        record.lock().unwrap().push(Seen {
            method: parts.next().unwrap().to_owned(),
            path: parts.next().unwrap().to_owned(),
            headers,
            body,
        });
        let answer = script.lock().unwrap().next();
        match answer {
            None => return,
            Some(Answer::Silence) => {
                std::thread::sleep(Duration::from_secs(3));
                return;
            }
            Some(Answer::Reply(status, content_type, text)) => {
                let extra = if status == 302 {
                    "Location: http://login.example/\r\n"
                } else {
                    ""
                };
                let out = reader.get_mut();
                write!(
                    out,
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}\r\n{text}",
                    text.len()
                )
                .unwrap();
                out.flush().unwrap();
            }
        }
    }
}

pub(crate) fn json(status: u16, text: &str) -> Answer {
    Answer::Reply(status, "application/json", text.to_owned())
}

pub(crate) fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_attempts: 4,
        deadline: Duration::from_secs(10),
    }
}

pub(crate) fn transport(server: &TinyServer) -> Transport {
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        idle: Duration::from_millis(500),
        response: Duration::from_secs(2),
    };
    Transport::new(
        server.url.clone(),
        Some("s3cret-token".into()),
        timeouts,
        quick_retry(),
    )
}
