//! Server configuration: flags or environment variables, with defaults that start a
//! working server on SQLite in one data folder.

use std::net::SocketAddr;
use std::path::PathBuf;

use branchbook_core::protocol::Limits;

/// The photo chunk advised to phones by default: every chunk is a request of its own,
/// so larger chunks go faster (see `benches/ingest.rs`); a phone holds one in memory,
/// and a 3G link at ~1 Mbit/s sends 4 MiB in ~34 s, well inside the default body timeout
/// (120 s). A cut chunk costs nothing twice: the server keeps the bytes that arrived.
pub const DEFAULT_PHOTO_CHUNK_BYTES: u64 = 4 * 1024 * 1024;

/// How the server runs.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "branchbook-server",
    about = "Branchbook sync server: enrollment, bulk upload, review and export"
)]
pub struct Config {
    /// Folder for the SQLite database and the photos (created if missing).
    #[arg(long, env = "BRANCHBOOK_DATA_DIR", default_value = "branchbook-data")]
    pub data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, env = "BRANCHBOOK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// PostgreSQL URL (`postgresql://user@host:port/db`); SQLite in the data folder when absent.
    #[arg(long, env = "BRANCHBOOK_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Base URL phones use to reach this server (put in enrollment QR codes); defaults to `http://<listen>`.
    #[arg(long, env = "BRANCHBOOK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Most records in one push.
    #[arg(long, env = "BRANCHBOOK_MAX_BATCH_RECORDS", default_value_t = 500)]
    pub max_batch_records: u32,
    /// Most bytes in one request body (after decompression).
    #[arg(long, env = "BRANCHBOOK_MAX_BODY_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub max_body_bytes: u64,
    /// Largest photo accepted.
    #[arg(long, env = "BRANCHBOOK_MAX_PHOTO_BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_photo_bytes: u64,
    /// Photo uploads one device may have in progress at once (each announces up to
    /// `max_photo_bytes`); past it a new upload is answered 429 until one finishes or the
    /// sweep discards an abandoned one.
    #[arg(long, env = "BRANCHBOOK_MAX_UPLOADS_PER_DEVICE", default_value_t = 16)]
    pub max_uploads_per_device: u32,
    /// Chunk size advised to phones for photo uploads (and the most bytes of a form's
    /// file one download request returns).
    #[arg(long, env = "BRANCHBOOK_PHOTO_CHUNK_BYTES", default_value_t = DEFAULT_PHOTO_CHUNK_BYTES)]
    pub photo_chunk_bytes: u64,
    /// Most surveys one review decision on every record matching a filter may cover (the
    /// console's "apply to every record matching the filters" and
    /// `POST /api/v1/office/submissions/review`); more are refused, asking for narrower
    /// filters.
    #[arg(long, env = "BRANCHBOOK_MAX_REVIEW_FILTERED", default_value_t = 5000)]
    pub max_review_filtered: usize,
    /// Hours an enrollment code stays valid.
    #[arg(long, env = "BRANCHBOOK_ENROLLMENT_HOURS", default_value_t = 72)]
    pub enrollment_hours: u32,
    /// Hours an officer's login lasts.
    #[arg(long, env = "BRANCHBOOK_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: u32,
    /// Database connections in the pool.
    #[arg(long, env = "BRANCHBOOK_DB_CONNECTIONS", default_value_t = 16)]
    pub db_connections: u32,
    /// Days a photo upload may go without a new byte before its partial file is deleted
    /// (the phone starts that photo over if it ever comes back); 0 keeps them forever.
    #[arg(long, env = "BRANCHBOOK_STALE_UPLOAD_DAYS", default_value_t = 30)]
    pub stale_upload_days: u32,
    /// Password checks (Argon2, ~19 MiB each) that run at once.
    #[arg(long, env = "BRANCHBOOK_PASSWORD_CHECKS", default_value_t = 2)]
    pub password_checks: usize,
    /// Password checks that may wait for one of those; more are answered 503 at once.
    #[arg(long, env = "BRANCHBOOK_PASSWORD_QUEUE", default_value_t = 32)]
    pub password_queue: usize,
    /// Seconds a password check may wait before it is answered 503.
    #[arg(long, env = "BRANCHBOOK_PASSWORD_WAIT_SECS", default_value_t = 10)]
    pub password_wait_secs: u64,
    /// Failed logins (per account and per address) and wrong enrollment codes (per
    /// address) allowed before further attempts are delayed, the delay doubling each time.
    #[arg(long, env = "BRANCHBOOK_FREE_FAILURES", default_value_t = 5)]
    pub free_failures: u32,
    /// The server runs behind a reverse proxy on this machine (Caddy, nginx): a request
    /// from a loopback address is counted under the last address of its
    /// `X-Forwarded-For` header. Leave off when clients reach the server directly.
    #[arg(long, env = "BRANCHBOOK_BEHIND_PROXY")]
    pub behind_proxy: bool,
    /// Seconds a client has to send a request's headers, counted from when its connection
    /// opens or its previous answer ends: slow headers and idle kept-alive connections
    /// are closed then.
    #[arg(long, env = "BRANCHBOOK_HEADER_TIMEOUT_SECS", default_value_t = 20)]
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's whole body once its headers are in
    /// (a photo chunk, a push); past it the answer is 408 and the connection closes.
    #[arg(long, env = "BRANCHBOOK_BODY_TIMEOUT_SECS", default_value_t = 120)]
    pub body_timeout_secs: u64,
    /// Seconds an answer may wait for the client to take more of it (a download it stopped
    /// reading); past it the connection is closed.
    #[arg(long, env = "BRANCHBOOK_SEND_TIMEOUT_SECS", default_value_t = 60)]
    pub send_timeout_secs: u64,
    /// PEM file of the certificate chain (the server's certificate first) to serve HTTPS
    /// with, given with `--tls-key`, for a server that clients reach without a reverse
    /// proxy. Behind Caddy or nginx leave it off: the proxy holds the certificate.
    #[arg(long, env = "BRANCHBOOK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM file of the private key of `--tls-cert`'s certificate (readable only by the
    /// server's user).
    #[arg(long, env = "BRANCHBOOK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Connections open at once; past it a new one is answered 503 and closed. Keep it
    /// well under the process's open-file limit (`ulimit -n`).
    #[arg(long, env = "BRANCHBOOK_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Connections open at once from one client address (an IPv6 client: its /64);
    /// behind a proxy, requests in flight per address the proxy reports. Phones behind
    /// one carrier NAT share an address: leave room for them.
    #[arg(
        long,
        env = "BRANCHBOOK_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 64
    )]
    pub max_connections_per_address: usize,
}

impl Config {
    /// The defaults, with data in `data_dir` and an ephemeral port on loopback (tests, benchmarks).
    pub fn for_dir(data_dir: PathBuf) -> Config {
        use clap::Parser;
        let mut config = Config::parse_from(["branchbook-server"]);
        config.data_dir = data_dir;
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.database_url = None;
        config.public_url = None;
        config
    }

    /// Whether the server itself speaks HTTPS (`--tls-cert` and `--tls-key`).
    pub fn serves_tls(&self) -> bool {
        self.tls_cert.is_some() && self.tls_key.is_some()
    }

    /// `https` when the server itself speaks HTTPS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.serves_tls() { "https" } else { "http" }
    }

    /// How long an upload may go without a new byte before it is discarded (`None`: never).
    pub fn stale_upload_after(&self) -> Option<std::time::Duration> {
        (self.stale_upload_days > 0)
            .then(|| std::time::Duration::from_secs(u64::from(self.stale_upload_days) * 86_400))
    }

    /// The size of the password pool.
    pub fn password_pool(&self) -> crate::passwords::PoolSize {
        crate::passwords::PoolSize {
            workers: self.password_checks.max(1),
            queue: self.password_queue,
            wait: std::time::Duration::from_secs(self.password_wait_secs),
        }
    }

    /// How guesses are throttled.
    pub fn throttle_policy(&self) -> crate::throttle::Policy {
        crate::throttle::Policy {
            free_failures: self.free_failures,
            ..crate::throttle::Policy::default()
        }
    }

    /// The bounds on connections.
    pub fn connection_limits(&self) -> crate::connections::Limits {
        use std::time::Duration;
        crate::connections::Limits {
            header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
            body_timeout: Duration::from_secs(self.body_timeout_secs.max(1)),
            send_timeout: Duration::from_secs(self.send_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
            max_per_address: self.max_connections_per_address.max(1),
            behind_proxy: self.behind_proxy,
        }
    }

    /// The limits advertised to phones.
    pub fn limits(&self) -> Limits {
        Limits {
            max_batch_records: self.max_batch_records,
            max_body_bytes: self.max_body_bytes,
            max_photo_bytes: self.max_photo_bytes,
            photo_chunk_bytes: self.photo_chunk_bytes,
        }
    }
}
