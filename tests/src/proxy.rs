//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1, written for our tests: it forwards
//! each request from the client to the upstream server and the answer back, and on the
//! requests its [`Plan`] picks it misbehaves like a bad network: refuses, answers 502 or
//! 503 itself, cuts the connection after N bytes of the request or of the response (a
//! FIN or a reset), or stalls. It parses just enough HTTP (heads, Content-Length,
//! chunked) to know where requests begin and end, and counts every byte it forwards.

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Where in a message a cut happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cut {
    /// After exactly this many bytes (head included).
    Bytes(u64),
    /// After this fraction (0.0..1.0) of the whole message, head included.
    Fraction(f64),
}

impl Cut {
    fn bytes(self, whole: u64) -> u64 {
        match self {
            Cut::Bytes(n) => n,
            // Truncation is the point: a byte offset inside the message.
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            Cut::Fraction(f) => ((whole as f64) * f.clamp(0.0, 1.0)) as u64,
        }
    }
}

/// One way of misbehaving on one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Close the connection as soon as the request starts arriving.
    Refuse,
    /// Answer this status (502, 503) with an HTML page, without asking upstream.
    Status(u16),
    /// Forward part of the request upstream, then close both sides.
    CutRequest {
        /// How much of the request gets through.
        at: Cut,
        /// Close the client side with a TCP reset instead of a FIN.
        reset: bool,
    },
    /// Forward the whole request (the server does the work), then only part of the
    /// answer, then close: `Cut::Bytes(0)` is the worst boundary, acknowledged upstream
    /// and never heard by the client.
    CutResponse {
        /// How much of the answer gets through.
        at: Cut,
        /// Close the client side with a TCP reset instead of a FIN.
        reset: bool,
    },
    /// Forward the request, then say nothing for this long, then close.
    Stall(Duration),
}

/// Which requests get which fault.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Forward everything faithfully.
    Clean,
    /// Each request faulted with probability `rate`, the fault and cut point drawn from
    /// a generator seeded with `seed` (the same seed gives the same run).
    Random {
        /// Seed of the generator.
        seed: u64,
        /// Probability that one request is faulted.
        rate: f64,
        /// Longest stall (stalls are drawn up to this).
        max_stall: Duration,
    },
    /// Cycle through every boundary of a request (before it, after its head, after its
    /// body, after the answer's head, in the middle of each body) and the gateway
    /// errors, faulting one request and forwarding the next `clean_between` faithfully.
    EveryBoundary {
        /// Faithful requests after each faulted one.
        clean_between: u32,
    },
    /// The given faults for the next requests in order (`None` = forward), then clean.
    Script(VecDeque<Option<Fault>>),
    /// This fault on every request (a server that is down, a gateway that answers 503).
    Always(Fault),
    /// Each request's connection cut with probability `rate` (request or answer, at a
    /// random point, FIN or reset), from a generator seeded with `seed`.
    RandomCuts {
        /// Seed of the generator.
        seed: u64,
        /// Probability that one request's connection is cut.
        rate: f64,
    },
}

/// What the proxy saw of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestLog {
    /// Method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Body length the request declared (0 for chunked or none).
    pub body_len: u64,
    /// Bytes of the request body forwarded upstream.
    pub body_forwarded: u64,
    /// The fault applied, if any.
    pub fault: Option<Fault>,
}

/// Counters of everything the proxy did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Client connections accepted.
    pub connections: u64,
    /// Requests seen (head read).
    pub requests: u64,
    /// Requests faulted.
    pub faults: u64,
    /// Bytes forwarded client -> server (heads and bodies).
    pub bytes_up: u64,
    /// Bytes forwarded server -> client.
    pub bytes_down: u64,
    /// Every request in the order seen.
    pub log: Vec<RequestLog>,
}

impl Stats {
    /// What happened after `earlier` (a copy taken before), so one phase of a test can
    /// be counted on its own.
    pub fn since(&self, earlier: &Stats) -> Stats {
        Stats {
            connections: self.connections - earlier.connections,
            requests: self.requests - earlier.requests,
            faults: self.faults - earlier.faults,
            bytes_up: self.bytes_up - earlier.bytes_up,
            bytes_down: self.bytes_down - earlier.bytes_down,
            log: self
                .log
                .get(earlier.log.len()..)
                .unwrap_or_default()
                .to_vec(),
        }
    }
}

struct Shared {
    upstream: SocketAddr,
    plan: Mutex<PlanState>,
    stats: Mutex<Stats>,
    /// Clones of the open sockets by connection id (upstream ones with the top bit
    /// set), so that dropping the proxy can close them.
    open: Mutex<HashMap<u64, TcpStream>>,
    stop: AtomicBool,
}

struct PlanState {
    plan: Plan,
    rng: StdRng,
    next: u64,
}

/// A running proxy; dropping it closes the listener and every open connection.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FaultProxy {
    /// Starts a proxy on a free port of 127.0.0.1 in front of `upstream`.
    pub fn start(upstream: SocketAddr, plan: Plan) -> io::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let seed = match &plan {
            Plan::Random { seed, .. } | Plan::RandomCuts { seed, .. } => *seed,
            _ => 0,
        };
        let shared = Arc::new(Shared {
            upstream,
            plan: Mutex::new(PlanState {
                plan,
                rng: StdRng::seed_from_u64(seed),
                next: 0,
            }),
            stats: Mutex::new(Stats::default()),
            open: Mutex::new(HashMap::new()),
            stop: AtomicBool::new(false),
        });
        let accept_shared = shared.clone();
        let acceptor = std::thread::spawn(move || accept_loop(&listener, &accept_shared));
        Ok(FaultProxy {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port`, for a client's server URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A copy of the counters so far.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.stats).clone()
    }

    /// Replaces the plan from the next request on.
    pub fn set_plan(&self, plan: Plan) {
        let mut state = lock(&self.shared.plan);
        if let Plan::Random { seed, .. } | Plan::RandomCuts { seed, .. } = &plan {
            state.rng = StdRng::seed_from_u64(*seed);
        }
        state.plan = plan;
        state.next = 0;
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the acceptor.
        let _ = TcpStream::connect(self.addr);
        for (_, stream) in lock(&self.shared.open).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Marks an upstream socket's id in [`Shared::open`].
const UPSTREAM: u64 = 1 << 63;

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for client in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = client else { continue };
        let id = {
            let mut stats = lock(&shared.stats);
            stats.connections += 1;
            stats.connections
        };
        if let Ok(clone) = client.try_clone() {
            lock(&shared.open).insert(id, clone);
        }
        let shared = shared.clone();
        std::thread::spawn(move || {
            let _ = serve(id, client, &shared);
            // Last clones gone: a reset (linger 0) goes out now.
            let mut open = lock(&shared.open);
            open.remove(&id);
            open.remove(&(id | UPSTREAM));
        });
    }
}

/// The fault for request number `index` under `state`'s plan.
fn decide(state: &mut PlanState) -> Option<Fault> {
    let index = state.next;
    state.next += 1;
    match &mut state.plan {
        Plan::Clean => None,
        Plan::Script(queue) => queue.pop_front().flatten(),
        Plan::Always(fault) => Some(*fault),
        Plan::RandomCuts { rate, .. } => {
            let rate = *rate;
            if !state.rng.random_bool(rate.clamp(0.0, 1.0)) {
                return None;
            }
            let at = Cut::Fraction(state.rng.random_range(0.0..1.0));
            let reset = state.rng.random_bool(0.5);
            Some(if state.rng.random_bool(0.5) {
                Fault::CutRequest { at, reset }
            } else {
                Fault::CutResponse { at, reset }
            })
        }
        Plan::Random {
            rate, max_stall, ..
        } => {
            let (rate, max_stall) = (*rate, *max_stall);
            if !state.rng.random_bool(rate.clamp(0.0, 1.0)) {
                return None;
            }
            let reset = state.rng.random_bool(0.5);
            let at = Cut::Fraction(state.rng.random_range(0.0..1.0));
            Some(match state.rng.random_range(0..6) {
                0 => Fault::Refuse,
                1 => Fault::Status(if state.rng.random_bool(0.5) { 502 } else { 503 }),
                2 | 3 => Fault::CutRequest { at, reset },
                4 => Fault::CutResponse { at, reset },
                _ => Fault::Stall(max_stall.mul_f64(state.rng.random_range(0.0..1.0))),
            })
        }
        Plan::EveryBoundary { clean_between } => {
            let period = u64::from(*clean_between) + 1;
            if !index.is_multiple_of(period) {
                return None;
            }
            const CYCLE: [Fault; 9] = [
                Fault::Refuse,
                Fault::CutRequest {
                    at: Cut::Fraction(0.0),
                    reset: true,
                },
                Fault::CutRequest {
                    at: Cut::Fraction(0.5),
                    reset: false,
                },
                Fault::CutRequest {
                    at: Cut::Fraction(0.999),
                    reset: true,
                },
                Fault::CutResponse {
                    at: Cut::Bytes(0),
                    reset: false,
                },
                Fault::CutResponse {
                    at: Cut::Bytes(12),
                    reset: true,
                },
                Fault::CutResponse {
                    at: Cut::Fraction(0.9),
                    reset: false,
                },
                Fault::Status(502),
                Fault::Status(503),
            ];
            let slot = usize::try_from((index / period) % CYCLE.len() as u64).unwrap_or(0);
            Some(CYCLE[slot])
        }
    }
}

/// How a message body is delimited.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Framing {
    Length(u64),
    Chunked,
    UntilClose,
}

/// A parsed message head: its raw bytes, the start line and the body framing.
struct Head {
    raw: Vec<u8>,
    start: String,
    framing: Framing,
    close: bool,
}

/// Reads one head; `Ok(None)` on a clean end of stream before any byte.
fn read_head(reader: &mut impl BufRead, is_response: bool) -> io::Result<Option<Head>> {
    let mut raw = Vec::new();
    let mut start = String::new();
    let mut framing = if is_response {
        Framing::UntilClose
    } else {
        Framing::Length(0)
    };
    let mut close = false;
    loop {
        let mut line = Vec::new();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            return if raw.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "head cut short",
                ))
            };
        }
        raw.extend_from_slice(&line);
        if raw.len() > 64 * 1024 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too long"));
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        if start.is_empty() {
            start = text;
            continue;
        }
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            continue;
        };
        let (name, value) = (
            name.trim().to_ascii_lowercase(),
            value.trim().to_ascii_lowercase(),
        );
        match name.as_str() {
            "content-length" if framing != Framing::Chunked => {
                framing = Framing::Length(
                    value
                        .parse()
                        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad length"))?,
                );
            }
            "transfer-encoding" if value.contains("chunked") => framing = Framing::Chunked,
            "connection" if value.contains("close") => close = true,
            _ => {}
        }
    }
    // Answers that never carry a body.
    if is_response {
        let status = start.split_whitespace().nth(1).unwrap_or("");
        if status.starts_with('1') || status == "204" || status == "304" {
            framing = Framing::Length(0);
        }
    }
    Ok(Some(Head {
        raw,
        start,
        framing,
        close,
    }))
}

/// A writer that forwards at most `budget` bytes (then fails as a cut) and counts.
struct Metered<'a, W: Write> {
    inner: W,
    budget: Option<u64>,
    counter: &'a mut u64,
}

/// The error a [`Metered`] writer returns when its budget is spent.
fn cut_error() -> io::Error {
    io::Error::other("cut by the fault plan")
}

impl<W: Write> Write for Metered<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let allowed = match self.budget {
            Some(0) => return Err(cut_error()),
            Some(left) => buf.len().min(usize::try_from(left).unwrap_or(usize::MAX)),
            None => buf.len(),
        };
        let written = self.inner.write(&buf[..allowed])?;
        *self.counter += written as u64;
        if let Some(left) = &mut self.budget {
            *left -= written as u64;
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Copies one body of the given framing, raw (chunk sizes included).
fn copy_body(reader: &mut impl BufRead, out: &mut impl Write, framing: Framing) -> io::Result<()> {
    match framing {
        Framing::Length(n) => {
            let copied = io::copy(&mut reader.take(n), out)?;
            if copied < n {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "body cut short",
                ));
            }
        }
        Framing::UntilClose => {
            io::copy(reader, out)?;
        }
        Framing::Chunked => loop {
            let mut line = Vec::new();
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "chunk cut short",
                ));
            }
            out.write_all(&line)?;
            let text = String::from_utf8_lossy(&line);
            let size_text = text.trim().split(';').next().unwrap_or("").to_owned();
            let size = u64::from_str_radix(&size_text, 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    let mut trailer = Vec::new();
                    reader.read_until(b'\n', &mut trailer)?;
                    out.write_all(&trailer)?;
                    if trailer.is_empty() || trailer == b"\r\n" || trailer == b"\n" {
                        return Ok(());
                    }
                }
            }
            let copied = io::copy(&mut reader.by_ref().take(size + 2), out)?;
            if copied < size + 2 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "chunk cut short",
                ));
            }
        },
    }
    Ok(())
}

/// Ends the client's connection: a FIN, or with `reset` a TCP reset (linger zero, sent
/// when the last clone of the socket is dropped as [`serve`] returns).
fn hang_up(stream: &TcpStream, reset: bool) {
    if reset {
        let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
    } else {
        let _ = stream.shutdown(Shutdown::Both);
    }
}

/// Serves one client connection, request after request.
fn serve(id: u64, client: TcpStream, shared: &Shared) -> io::Result<()> {
    let idle = Some(Duration::from_secs(120));
    client.set_read_timeout(idle)?;
    // Forwarding in pieces must not wait on Nagle's algorithm (40 ms stalls per request).
    client.set_nodelay(true)?;
    let mut client_in = BufReader::new(client.try_clone()?);
    let mut client_out = client.try_clone()?;
    let mut upstream: Option<(BufReader<TcpStream>, TcpStream)> = None;
    loop {
        let Some(head) = read_head(&mut client_in, false)? else {
            return Ok(());
        };
        let fault = decide(&mut lock(&shared.plan));
        let mut parts = head.start.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let path = parts.next().unwrap_or("").to_owned();
        let body_len = match head.framing {
            Framing::Length(n) => n,
            _ => 0,
        };
        let index = {
            let mut stats = lock(&shared.stats);
            stats.requests += 1;
            if fault.is_some() {
                stats.faults += 1;
            }
            stats.log.push(RequestLog {
                method,
                path,
                body_len,
                body_forwarded: 0,
                fault,
            });
            stats.log.len() - 1
        };
        match fault {
            Some(Fault::Refuse) => {
                hang_up(&client, true);
                return Ok(());
            }
            Some(Fault::Status(code)) => {
                copy_body(&mut client_in, &mut io::sink(), head.framing)?;
                let page =
                    format!("<html><body><h1>{code}: the gateway is in trouble</h1></body></html>");
                write!(
                    client_out,
                    "HTTP/1.1 {code} Gateway Trouble\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                )?;
                client_out.flush()?;
                hang_up(&client, false);
                return Ok(());
            }
            _ => {}
        }
        if upstream.is_none() {
            let stream = TcpStream::connect(shared.upstream)?;
            stream.set_read_timeout(idle)?;
            stream.set_nodelay(true)?;
            lock(&shared.open).insert(id | UPSTREAM, stream.try_clone()?);
            upstream = Some((BufReader::new(stream.try_clone()?), stream));
        }
        let Some((up_in, up_out)) = upstream.as_mut() else {
            return Ok(());
        };

        // Request: head and body upstream, within the cut budget.
        let request_total = head.raw.len() as u64 + body_len;
        let (budget, reset) = match fault {
            Some(Fault::CutRequest { at, reset }) => (Some(at.bytes(request_total)), reset),
            _ => (None, false),
        };
        let mut up_bytes = 0u64;
        let sent = {
            let mut metered = Metered {
                inner: &mut *up_out,
                budget,
                counter: &mut up_bytes,
            };
            metered
                .write_all(&head.raw)
                .and_then(|()| copy_body(&mut client_in, &mut metered, head.framing))
                .and_then(|()| metered.flush())
        };
        {
            let mut stats = lock(&shared.stats);
            stats.bytes_up += up_bytes;
            if let Some(entry) = stats.log.get_mut(index) {
                entry.body_forwarded = up_bytes.saturating_sub(head.raw.len() as u64);
            }
        }
        if let Err(error) = sent {
            hang_up(&client, reset);
            let _ = up_out.shutdown(Shutdown::Both);
            return Err(error);
        }

        // Answer.
        let Some(answer) = read_head(up_in, true)? else {
            hang_up(&client, true);
            return Ok(());
        };
        if let Some(Fault::Stall(time)) = fault {
            let end = std::time::Instant::now() + time;
            while std::time::Instant::now() < end && !shared.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            hang_up(&client, false);
            let _ = up_out.shutdown(Shutdown::Both);
            return Ok(());
        }
        let answer_total = answer.raw.len() as u64
            + match answer.framing {
                Framing::Length(n) => n,
                _ => 0,
            };
        let (budget, reset) = match fault {
            Some(Fault::CutResponse { at, reset }) => (Some(at.bytes(answer_total)), reset),
            _ => (None, false),
        };
        let mut down_bytes = 0u64;
        let delivered = {
            let mut metered = Metered {
                inner: &mut client_out,
                budget,
                counter: &mut down_bytes,
            };
            metered
                .write_all(&answer.raw)
                .and_then(|()| copy_body(up_in, &mut metered, answer.framing))
                .and_then(|()| metered.flush())
        };
        lock(&shared.stats).bytes_down += down_bytes;
        if let Err(error) = delivered {
            hang_up(&client, reset);
            let _ = up_out.shutdown(Shutdown::Both);
            return Err(error);
        }
        if answer.close || head.close || answer.framing == Framing::UntilClose {
            hang_up(&client, false);
            let _ = up_out.shutdown(Shutdown::Both);
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::sync::atomic::AtomicU64;

    /// Counts the raw bytes read from a socket.
    struct Counting<R> {
        inner: R,
        count: Arc<AtomicU64>,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.count.fetch_add(n as u64, Ordering::SeqCst);
            Ok(n)
        }
    }

    /// An upstream that answers every request with `{"path":..,"body":len}`, chunked
    /// for `/chunked`, and counts the requests it answered and the bytes it received.
    struct Upstream {
        addr: SocketAddr,
        answered: Arc<AtomicU64>,
        received: Arc<AtomicU64>,
    }

    impl Upstream {
        fn start() -> Upstream {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let answered = Arc::new(AtomicU64::new(0));
            let received = Arc::new(AtomicU64::new(0));
            let (a, r) = (answered.clone(), received.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let stream = stream.unwrap();
                    let (a, r) = (a.clone(), r.clone());
                    std::thread::spawn(move || {
                        let mut reader = BufReader::new(Counting {
                            inner: stream.try_clone().unwrap(),
                            count: r,
                        });
                        let mut out = stream;
                        while let Ok(Some(head)) = read_head(&mut reader, false) {
                            let mut body = Vec::new();
                            if copy_body(&mut reader, &mut body, head.framing).is_err() {
                                return;
                            }
                            let path = head.start.split_whitespace().nth(1).unwrap().to_owned();
                            let answer = format!(r#"{{"path":"{path}","body":{}}}"#, body.len());
                            let written = if path == "/chunked" {
                                let (a1, a2) = answer.split_at(5);
                                write!(
                                    out,
                                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a1}\r\n{:x}\r\n{a2}\r\n0\r\n\r\n",
                                    a1.len(),
                                    a2.len()
                                )
                            } else {
                                write!(
                                    out,
                                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
                                    answer.len()
                                )
                            };
                            if written.is_err() {
                                return;
                            }
                            a.fetch_add(1, Ordering::SeqCst);
                        }
                    });
                }
            });
            Upstream {
                addr,
                answered,
                received,
            }
        }

        fn answered(&self) -> u64 {
            self.answered.load(Ordering::SeqCst)
        }

        fn received(&self) -> u64 {
            self.received.load(Ordering::SeqCst)
        }
    }

    fn request(path: &str, body: &str) -> String {
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    /// Sends raw requests on one connection and reads one whole answer after each;
    /// returns the answers' bodies, and the error that ended the conversation if any.
    fn converse(addr: SocketAddr, requests: &[String]) -> (Vec<String>, Option<io::Error>) {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(800)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut out = stream;
        let mut answers = Vec::new();
        for raw in requests {
            if let Err(e) = out.write_all(raw.as_bytes()) {
                return (answers, Some(e));
            }
            match read_head(&mut reader, true) {
                Ok(Some(head)) => {
                    let mut body = Vec::new();
                    if let Err(e) = copy_body(&mut reader, &mut body, head.framing) {
                        return (answers, Some(e));
                    }
                    let status = head.start.split_whitespace().nth(1).unwrap().to_owned();
                    answers.push(format!("{status} {}", String::from_utf8(body).unwrap()));
                }
                Ok(None) => {
                    return (
                        answers,
                        Some(io::Error::new(io::ErrorKind::UnexpectedEof, "closed")),
                    );
                }
                Err(e) => return (answers, Some(e)),
            }
        }
        (answers, None)
    }

    fn script(faults: Vec<Option<Fault>>) -> Plan {
        Plan::Script(faults.into())
    }

    #[test]
    fn a_clean_proxy_forwards_requests_and_answers_exactly_and_counts_bytes() {
        let upstream = Upstream::start();
        let proxy = FaultProxy::start(upstream.addr, Plan::Clean).unwrap();
        let (_, error) = converse(proxy.addr(), &[request("/warm-up", "")]);
        assert!(error.is_none());
        let warm = proxy.stats();
        let requests = [
            request("/a", "hello"),
            request("/chunked", ""),
            request("/b", &"x".repeat(10_000)),
        ];
        let (answers, error) = converse(proxy.addr(), &requests);
        assert!(error.is_none(), "{error:?}");
        assert_eq!(
            answers,
            [
                r#"200 {"path":"/a","body":5}"#,
                // Chunk framing passes through untouched.
                "200 5\r\n{\"pat\r\n17\r\nh\":\"/chunked\",\"body\":0}\r\n0\r\n\r\n",
                r#"200 {"path":"/b","body":10000}"#
            ]
        );
        let stats = proxy.stats().since(&warm);
        assert_eq!((stats.connections, stats.requests, stats.faults), (1, 3, 0));
        let sent: u64 = requests.iter().map(|r| r.len() as u64).sum();
        assert_eq!(stats.bytes_up, sent);
        assert_eq!(
            upstream.received(),
            sent + request("/warm-up", "").len() as u64
        );
        assert_eq!(stats.log[2].body_len, 10_000);
        assert_eq!(stats.log[2].body_forwarded, 10_000);
        assert_eq!(stats.log[0].method, "POST");
        assert_eq!(stats.log[1].path, "/chunked");
    }

    #[test]
    fn a_gateway_error_is_answered_by_the_proxy_without_asking_upstream() {
        let upstream = Upstream::start();
        let proxy =
            FaultProxy::start(upstream.addr, script(vec![Some(Fault::Status(503))])).unwrap();
        let (answers, _) = converse(proxy.addr(), &[request("/a", "hello")]);
        assert_eq!(answers.len(), 1);
        assert!(answers[0].starts_with("503 <html>"), "{answers:?}");
        assert_eq!(upstream.received(), 0);
        // The next request (new connection) is forwarded.
        let (answers, error) = converse(proxy.addr(), &[request("/a", "hello")]);
        assert!(error.is_none());
        assert_eq!(answers, [r#"200 {"path":"/a","body":5}"#]);
    }

    #[test]
    fn a_request_cut_after_n_bytes_delivers_exactly_n_bytes_upstream() {
        let upstream = Upstream::start();
        let body = "y".repeat(5_000);
        let proxy = FaultProxy::start(
            upstream.addr,
            script(vec![Some(Fault::CutRequest {
                at: Cut::Bytes(1_234),
                reset: true,
            })]),
        )
        .unwrap();
        let (answers, error) = converse(proxy.addr(), &[request("/p", &body)]);
        assert!(answers.is_empty());
        assert!(error.is_some());
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(upstream.received(), 1_234);
        assert_eq!(upstream.answered(), 0);
        let stats = proxy.stats();
        assert_eq!(stats.bytes_up, 1_234);
        let head_len = request("/p", &body).len() as u64 - 5_000;
        assert_eq!(stats.log[0].body_forwarded, 1_234 - head_len);
    }

    #[test]
    fn a_response_cut_at_zero_means_the_server_did_the_work_and_the_client_never_heard() {
        let upstream = Upstream::start();
        let proxy = FaultProxy::start(
            upstream.addr,
            script(vec![Some(Fault::CutResponse {
                at: Cut::Bytes(0),
                reset: false,
            })]),
        )
        .unwrap();
        let (answers, error) = converse(proxy.addr(), &[request("/records", "batch")]);
        assert!(answers.is_empty());
        assert_eq!(error.unwrap().kind(), io::ErrorKind::UnexpectedEof);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(upstream.answered(), 1);
        assert_eq!(proxy.stats().bytes_down, 0);
    }

    #[test]
    fn a_response_cut_mid_body_with_a_reset_delivers_exactly_the_bytes_before_the_cut() {
        let upstream = Upstream::start();
        let proxy = FaultProxy::start(
            upstream.addr,
            script(vec![Some(Fault::CutResponse {
                at: Cut::Bytes(70),
                reset: true,
            })]),
        )
        .unwrap();
        let mut stream = TcpStream::connect(proxy.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        stream.write_all(request("/a", "hello").as_bytes()).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 256];
        let ended = loop {
            match stream.read(&mut buf) {
                Ok(0) => break io::ErrorKind::UnexpectedEof,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => break e.kind(),
            }
        };
        assert_eq!(got.len(), 70);
        assert_eq!(ended, io::ErrorKind::ConnectionReset);
        assert_eq!(proxy.stats().bytes_down, 70);
    }

    #[test]
    fn refuse_closes_before_anything_reaches_upstream() {
        let upstream = Upstream::start();
        let proxy = FaultProxy::start(upstream.addr, script(vec![Some(Fault::Refuse)])).unwrap();
        let (answers, error) = converse(proxy.addr(), &[request("/a", "hello")]);
        assert!(answers.is_empty());
        assert!(error.is_some());
        assert_eq!(upstream.received(), 0);
    }

    #[test]
    fn a_stall_holds_the_answer_past_the_clients_patience() {
        let upstream = Upstream::start();
        let proxy = FaultProxy::start(
            upstream.addr,
            script(vec![Some(Fault::Stall(Duration::from_secs(2)))]),
        )
        .unwrap();
        let started = std::time::Instant::now();
        let (answers, error) = converse(proxy.addr(), &[request("/a", "hello")]);
        assert!(answers.is_empty());
        assert!(matches!(
            error.unwrap().kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ));
        assert!(started.elapsed() >= Duration::from_millis(700));
        assert_eq!(upstream.answered(), 1);
    }

    fn faults_of(plan: Plan, requests: usize) -> Vec<Option<Fault>> {
        let upstream = Upstream::start();
        let proxy = FaultProxy::start(upstream.addr, plan).unwrap();
        for _ in 0..requests {
            let _ = converse(proxy.addr(), &[request("/a", "hello")]);
        }
        proxy.stats().log.into_iter().map(|r| r.fault).collect()
    }

    #[test]
    fn random_faults_are_reproducible_from_the_seed_and_follow_the_rate() {
        let plan = |seed| Plan::Random {
            seed,
            rate: 0.3,
            max_stall: Duration::from_millis(900),
        };
        let first = faults_of(plan(7), 60);
        assert_eq!(first.len(), 60);
        assert_eq!(first, faults_of(plan(7), 60));
        assert_ne!(first, faults_of(plan(8), 60));
        let faulted = first.iter().filter(|f| f.is_some()).count();
        assert!((6..=32).contains(&faulted), "{faulted} of 60 at rate 0.3");
    }

    #[test]
    fn random_cuts_only_cut_connections() {
        let faults = faults_of(Plan::RandomCuts { seed: 3, rate: 0.5 }, 40);
        let cuts: Vec<_> = faults.iter().flatten().collect();
        assert!(
            (8..=32).contains(&cuts.len()),
            "{} of 40 at rate 0.5",
            cuts.len()
        );
        assert!(
            cuts.iter()
                .all(|f| matches!(f, Fault::CutRequest { .. } | Fault::CutResponse { .. }))
        );
        assert_eq!(
            faults,
            faults_of(Plan::RandomCuts { seed: 3, rate: 0.5 }, 40)
        );
    }

    #[test]
    fn always_faults_every_request() {
        assert_eq!(
            faults_of(Plan::Always(Fault::Status(503)), 5),
            vec![Some(Fault::Status(503)); 5]
        );
    }

    #[test]
    fn every_boundary_faults_one_request_then_forwards_the_next_ones() {
        let faults = faults_of(Plan::EveryBoundary { clean_between: 2 }, 27);
        for (i, fault) in faults.iter().enumerate() {
            assert_eq!(fault.is_some(), i % 3 == 0, "request {i}: {fault:?}");
        }
        let distinct: Vec<_> = faults.iter().flatten().collect();
        assert_eq!(distinct.len(), 9);
        assert!(distinct.contains(&&Fault::Refuse));
        assert!(distinct.contains(&&Fault::Status(502)));
        assert!(distinct.contains(&&Fault::CutResponse {
            at: Cut::Bytes(0),
            reset: false
        }));
    }
}
