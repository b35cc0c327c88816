//! Serving connections with every resource bounded. The accept loop admits at most
//! `max_connections` connections at once and `max_per_address` from one client address
//! (more are answered 503 and closed); a request's headers must arrive within the header
//! timeout, counted from the connection's start or the end of the previous answer (so an
//! idle kept-alive connection closes then too); its body within the body timeout (else
//! 408 and the connection closes). A stop lets requests in flight finish, for a bounded
//! time.
//!
//! Without these, slow-header and slow-body connections were held for ever and 1,100
//! idle connections from one client exhausted the server's file descriptors.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderValue;
use axum::http::header::CONNECTION;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower_service::Service;

use crate::error::ApiError;

/// The bounds on connections.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest wait for a request's headers, from the connection's start or from the end
    /// of the previous answer on a kept-alive connection; a TLS handshake must also end
    /// within it (before the first request's wait begins).
    pub header_timeout: Duration,
    /// Longest wait for a request's whole body, from the end of its headers.
    pub body_timeout: Duration,
    /// Longest time an answer may wait for the client to take more of it (a client that
    /// stops reading a download): the connection is closed then.
    pub send_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Most connections (or, through a local proxy, requests) open at once from one
    /// client address (an IPv6 client: its /64 network).
    pub max_per_address: usize,
    /// Connections from loopback come from a local reverse proxy carrying many clients:
    /// they are counted per request under the address the proxy reports instead.
    pub behind_proxy: bool,
}

/// How long a stop waits for requests in flight before it closes what remains.
pub const STOP_GRACE: Duration = Duration::from_secs(20);

/// Refusals being written at once; past this a refused connection is just closed.
const REFUSALS_AT_ONCE: usize = 64;

/// How long a refused connection is given to take its 503.
const REFUSAL_TIME: Duration = Duration::from_secs(2);

/// Seconds a refused client is asked to wait (`Retry-After`).
pub const RETRY_AFTER_SECS: u64 = 5;

/// Counts what is open, overall and per client address.
struct Gate {
    limits: Limits,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    per_address: HashMap<IpAddr, usize>,
    refusing: usize,
}

/// A place taken at the gate (a connection, or a request through a proxy); given back
/// when dropped.
struct Held {
    gate: Arc<Gate>,
    /// The client address it counts under, if any (a proxy's connection: none).
    address: Option<IpAddr>,
    /// Whether it counts towards `max_connections`.
    connection: bool,
}

/// A refusal being written; given back when dropped.
struct Refusing(Arc<Gate>);

/// The key a client is counted under: its IPv4 address, or its IPv6 /64 network (one
/// subscriber's share, which a client can fill with as many addresses as it likes).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(
                u128::from(v6) & 0xffff_ffff_ffff_ffff_0000_0000_0000_0000,
            )),
        },
    }
}

impl Counts {
    /// One more place for `address`, unless it holds `max` already.
    fn take(&mut self, address: IpAddr, max: usize) -> Option<IpAddr> {
        let open = self.per_address.entry(address).or_insert(0);
        if *open >= max {
            return None;
        }
        *open += 1;
        Some(address)
    }
}

impl Gate {
    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new connection from `peer`, if the limits leave room. A proxy's connection
    /// counts only overall: its requests are counted per client ([`Gate::request`]).
    fn connection(self: &Arc<Self>, peer: IpAddr) -> Option<Held> {
        let proxied = self.limits.behind_proxy && peer.is_loopback();
        let mut counts = self.counts();
        if counts.total >= self.limits.max_connections {
            return None;
        }
        let address = if proxied {
            None
        } else {
            Some(counts.take(address_key(peer), self.limits.max_per_address)?)
        };
        counts.total += 1;
        Some(Held {
            gate: Arc::clone(self),
            address,
            connection: true,
        })
    }

    /// A request through a local proxy from `client`, if that client's share leaves room.
    fn request(self: &Arc<Self>, client: IpAddr) -> Option<Held> {
        let address = self
            .counts()
            .take(address_key(client), self.limits.max_per_address)?;
        Some(Held {
            gate: Arc::clone(self),
            address: Some(address),
            connection: false,
        })
    }

    /// A place to write a refusal, if not too many are being written.
    fn refusal(self: &Arc<Self>) -> Option<Refusing> {
        let mut counts = self.counts();
        if counts.refusing >= REFUSALS_AT_ONCE {
            return None;
        }
        counts.refusing += 1;
        Some(Refusing(Arc::clone(self)))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut counts = self.gate.counts();
        if self.connection {
            counts.total -= 1;
        }
        if let Some(address) = self.address
            && let Some(open) = counts.per_address.get_mut(&address)
        {
            *open -= 1;
            if *open == 0 {
                counts.per_address.remove(&address);
            }
        }
    }
}

impl Drop for Refusing {
    fn drop(&mut self) {
        self.0.counts().refusing -= 1;
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then lets the
/// requests in flight finish (for at most [`STOP_GRACE`]). `accept` turns each admitted
/// connection into the stream HTTP is spoken on (plain TCP, or TLS); it is bounded by the
/// header timeout.
pub async fn serve<S, A, F>(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    accept: A,
    shutdown: impl Future<Output = ()>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A: Fn(TcpStream) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Option<S>> + Send,
{
    let gate = Arc::new(Gate {
        limits,
        counts: Mutex::new(Counts::default()),
    });
    let (stopping, stop) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, mostly: let some close.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(held) = gate.connection(peer.ip()) else {
            tracing::debug!("connection refused: too many open");
            if let Some(refusing) = gate.refusal() {
                tokio::spawn(async move {
                    refuse(stream).await;
                    drop(refusing);
                });
            }
            continue;
        };
        let (app, accept, gate, stop) = (app.clone(), accept.clone(), gate.clone(), stop.clone());
        tokio::spawn(async move {
            let _held = held;
            if let Ok(Some(io)) = tokio::time::timeout(limits.header_timeout, accept(stream)).await
            {
                connection(io, peer, app, gate, stop).await;
            }
        });
    }
    drop(listener);
    drop(stop);
    let _ = stopping.send(true);
    if tokio::time::timeout(STOP_GRACE, stopping.closed())
        .await
        .is_err()
    {
        tracing::warn!("stopping: closed the connections still busy after the grace period");
    }
}

/// Answers 503 to the request a connection over the limits sends (its head read first,
/// so that the client takes it as the answer to its request), then closes it. A client
/// that sends no request in [`REFUSAL_TIME`] is closed without a word.
async fn refuse(mut stream: TcpStream) {
    let answer = raw_answer(ApiError::Crowded(crowded()).into_response()).await;
    let _ = tokio::time::timeout(REFUSAL_TIME, async {
        let mut head = Vec::new();
        let mut buf = [0u8; 2048];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            match stream.read(&mut buf).await? {
                0 => return Ok(()),
                n => head.extend_from_slice(&buf[..n]),
            }
        }
        stream.write_all(&answer).await?;
        stream.shutdown().await?;
        // Read what else the client sent, so that closing does not reset the answer away.
        while stream.read(&mut buf).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

fn crowded() -> String {
    "the server has too many connections open: try again in a few seconds".into()
}

/// An answer as HTTP/1.1 bytes, for a connection hyper does not serve.
async fn raw_answer(mut response: Response) -> Vec<u8> {
    crate::api::add_safety_headers(response.headers_mut());
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let mut raw = format!(
        "HTTP/1.1 {}\r\ncontent-length: {}\r\nconnection: close\r\n",
        parts.status,
        body.len()
    )
    .into_bytes();
    for (name, value) in &parts.headers {
        raw.extend_from_slice(name.as_str().as_bytes());
        raw.extend_from_slice(b": ");
        raw.extend_from_slice(value.as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(&body);
    raw
}

/// Serves HTTP/1.1 on one connection until it closes or the server stops.
async fn connection<S>(
    io: S,
    peer: SocketAddr,
    app: Router,
    gate: Arc<Gate>,
    mut stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = gate.limits;
    let proxied = limits.behind_proxy && peer.ip().is_loopback();
    let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let (mut app, gate) = (app.clone(), Arc::clone(&gate));
        async move {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            let _held = if proxied {
                let client = crate::api::client_ip(peer.ip(), request.headers(), true);
                match gate.request(client) {
                    Some(held) => Some(held),
                    None => return Ok(refused_request()),
                }
            } else {
                None
            };
            let (request, timed_out) = body_deadline(request, limits.body_timeout);
            let response = match app.call(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if timed_out.load(Ordering::Relaxed) {
                return Ok::<_, std::convert::Infallible>(body_timed_out(limits.body_timeout));
            }
            Ok(response)
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = http.serve_connection(
        TokioIo::new(SendDeadline::new(io, limits.send_timeout)),
        service,
    );
    tokio::pin!(conn);
    tokio::select! {
        served = conn.as_mut() => {
            if let Err(e) = served {
                tracing::debug!(error = %e, "connection ended");
            }
        }
        _ = async { stop.wait_for(|stopping| *stopping).await.map(|_| ()) } => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// A connection whose writes must make progress: a write the client leaves waiting (it
/// stopped reading, its buffers are full) for `timeout` fails, and hyper closes the
/// connection. Without it a client reading an export very slowly held its connection
/// (and the answer's resources) for ever.
struct SendDeadline<S> {
    io: S,
    timeout: Duration,
    /// Running while a write waits; cleared when a write goes through.
    stalled: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl<S> SendDeadline<S> {
    fn new(io: S, timeout: Duration) -> Self {
        SendDeadline {
            io,
            timeout,
            stalled: None,
        }
    }

    /// `waiting` is what the write said: ready (the deadline is cleared) or pending (the
    /// deadline runs, and fails the write when it passes).
    fn progress<T>(
        &mut self,
        cx: &mut std::task::Context<'_>,
        waiting: std::task::Poll<std::io::Result<T>>,
    ) -> std::task::Poll<std::io::Result<T>> {
        use std::task::Poll;
        if waiting.is_ready() {
            self.stalled = None;
            return waiting;
        }
        let timeout = self.timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client took nothing of the answer in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for SendDeadline<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for SendDeadline<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let waiting = std::pin::Pin::new(&mut self.io).poll_write(cx, buf);
        self.progress(cx, waiting)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let waiting = std::pin::Pin::new(&mut self.io).poll_flush(cx);
        self.progress(cx, waiting)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let waiting = std::pin::Pin::new(&mut self.io).poll_shutdown(cx);
        self.progress(cx, waiting)
    }
}

/// The request with its body cut off `timeout` from now; the flag says it was.
fn body_deadline(request: Request, timeout: Duration) -> (Request, Arc<AtomicBool>) {
    let timed_out = Arc::new(AtomicBool::new(false));
    if request.body().is_end_stream() {
        return (request, timed_out);
    }
    let flag = Arc::clone(&timed_out);
    let deadline = tokio::time::Instant::now() + timeout;
    let (parts, body) = request.into_parts();
    let chunks = futures_util::stream::unfold(
        Some((body.into_data_stream(), flag)),
        move |state| async move {
            let (mut chunks, flag) = state?;
            match tokio::time::timeout_at(deadline, chunks.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some((chunks, flag)))),
                Ok(None) => None,
                Err(_) => {
                    flag.store(true, Ordering::Relaxed);
                    let late = axum::Error::new(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request body did not arrive in time",
                    ));
                    Some((Err(late), None))
                }
            }
        },
    );
    (
        Request::from_parts(parts, Body::from_stream(chunks)),
        timed_out,
    )
}

/// The answer to a request whose body did not arrive in time (408, connection closed).
fn body_timed_out(timeout: Duration) -> Response {
    let mut response = ApiError::TimedOut(format!(
        "the request body did not arrive within {} s: try again on a better connection",
        timeout.as_secs()
    ))
    .into_response();
    crate::api::add_safety_headers(response.headers_mut());
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The answer to a request through the proxy from a client with too many open (503).
fn refused_request() -> Response {
    let mut response = ApiError::Crowded(crowded()).into_response();
    crate::api::add_safety_headers(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(behind_proxy: bool) -> Arc<Gate> {
        Arc::new(Gate {
            limits: Limits {
                header_timeout: Duration::from_secs(1),
                body_timeout: Duration::from_secs(1),
                send_timeout: Duration::from_secs(1),
                max_connections: 3,
                max_per_address: 2,
                behind_proxy,
            },
            counts: Mutex::new(Counts::default()),
        })
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::V4(0.into()));
        let b: IpAddr = "2001:db8:1:2:bbbb::9"
            .parse()
            .unwrap_or(IpAddr::V4(0.into()));
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap_or(IpAddr::V4(0.into()));
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(other));
        let mapped: IpAddr = "::ffff:10.0.0.7".parse().unwrap_or(IpAddr::V4(0.into()));
        assert_eq!(address_key(mapped), IpAddr::V4([10, 0, 0, 7].into()));
    }

    #[test]
    fn places_are_limited_per_address_and_overall_and_given_back() {
        let gate = gate(false);
        let one = IpAddr::V4([10, 0, 0, 1].into());
        let two = IpAddr::V4([10, 0, 0, 2].into());
        let first = gate.connection(one);
        let second = gate.connection(one);
        assert!(first.is_some() && second.is_some());
        assert!(gate.connection(one).is_none(), "two per address");
        let third = gate.connection(two);
        assert!(third.is_some());
        assert!(gate.connection(two).is_none(), "three overall");
        drop(first);
        assert!(
            gate.connection(one).is_some(),
            "a closed one frees its place"
        );
        drop((second, third));
        assert_eq!(gate.counts().total, 0);
        assert!(gate.counts().per_address.is_empty());
    }

    #[test]
    fn through_a_proxy_requests_are_counted_per_client() {
        let gate = gate(true);
        let proxy = IpAddr::V4([127, 0, 0, 1].into());
        let conns: Vec<_> = (0..3).map(|_| gate.connection(proxy)).collect();
        assert!(
            conns.iter().all(Option::is_some),
            "the proxy is not one client"
        );
        assert!(gate.connection(proxy).is_none(), "but counts overall");
        let client = IpAddr::V4([203, 0, 113, 5].into());
        let held = [gate.request(client), gate.request(client)];
        assert!(held.iter().all(Option::is_some));
        assert!(gate.request(client).is_none(), "two per client");
        drop(held);
        drop(conns);
        assert_eq!(gate.counts().total, 0);
        assert!(gate.counts().per_address.is_empty());
    }
}
