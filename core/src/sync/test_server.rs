//! A tiny scripted HTTP/1.1 server for the sync client's unit tests: each request gets
//! the script's next answer, and every request is recorded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
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
    _thread: JoinHandle<()>,
}

impl TinyServer {
    pub(crate) fn start(script: Vec<Answer>) -> TinyServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = ServerUrl::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let script = Arc::new(Mutex::new(script.into_iter()));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (script, record) = (script.clone(), record.clone());
                std::thread::spawn(move || serve_connection(stream, &script, &record));
            }
        });
        TinyServer { url, seen, _thread: thread }
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Serves requests on one connection, each answered by the script's next answer.
fn serve_connection(
    stream: TcpStream,
    script: &Mutex<std::vec::IntoIter<Answer>>,
    record: &Mutex<Vec<Seen>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut start = String::new();
        if reader.read_line(&mut start).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
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
        reader.read_exact(&mut body).unwrap();
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
                let extra = if status == 302 { "Location: http://login.example/\r\n" } else { "" };
                write!(
                    out,
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}\r\n{text}",
                    text.len()
                )
                .unwrap();
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
    Transport::new(server.url.clone(), Some("s3cret-token".into()), timeouts, quick_retry())
}

