//! Password work: the bounded pool that runs every Argon2 hash and check ([`PasswordPool`])
//! and the rules a chosen password must pass ([`rules`]).
//!
//! One Argon2 check takes ~19 MiB and tens of milliseconds of a core. Run on tokio's
//! blocking pool (up to 512 threads) a flood of wrong logins grew the server past 2 GB;
//! here at most `workers` checks run at once, on threads of their own, a bounded queue
//! waits behind them, and a request that cannot be served in time is answered
//! "busy" (503) instead of growing the server. Each worker keeps one Argon2 memory for
//! its life, so the pool holds `workers` x 19 MiB however many checks it runs.

pub mod rules;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::secret::{
    HashError, HashMemory, hash_password, hash_password_in, new_password, verify_password_in,
};

/// The pool could not take the work in time: too many checks are running or waiting.
#[derive(Debug, thiserror::Error)]
#[error("the server is busy checking passwords: try again in a few seconds")]
pub struct Busy;

/// A failure of the pool's work.
#[derive(Debug, thiserror::Error)]
pub enum PasswordWorkError {
    /// Too many checks are running or waiting.
    #[error(transparent)]
    Busy(#[from] Busy),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// How large the pool is.
#[derive(Debug, Clone, Copy)]
pub struct PoolSize {
    /// Checks that run at once (each holds ~19 MiB while it runs).
    pub workers: usize,
    /// Checks that may wait behind them; more are refused at once.
    pub queue: usize,
    /// Longest a check may wait for a worker before it is refused.
    pub wait: Duration,
}

struct Job {
    work: Box<dyn FnOnce(&mut HashMemory) + Send>,
    /// A job still queued at its deadline is dropped: its caller has given up.
    deadline: Instant,
}

/// A few threads that run every password hash and check, with a bounded queue.
pub struct PasswordPool {
    jobs: SyncSender<Job>,
    wait: Duration,
    checks: AtomicU64,
}

impl std::fmt::Debug for PasswordPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordPool")
            .field("wait", &self.wait)
            .field("checks", &self.checks)
            .finish_non_exhaustive()
    }
}

impl PasswordPool {
    /// Starts `size.workers` threads (at least one); they end when the pool is dropped.
    pub fn start(size: PoolSize) -> Result<PasswordPool, std::io::Error> {
        let (jobs, queue) = sync_channel::<Job>(size.queue);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..size.workers.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || work(&queue))?;
        }
        Ok(PasswordPool {
            jobs,
            wait: size.wait,
            checks: AtomicU64::new(0),
        })
    }

    /// Runs `f` on a worker, waiting at most the pool's wait for one.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut HashMemory) -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job = Job {
            work: Box::new(move |memory| {
                let _ = done.send(f(memory));
            }),
            deadline: Instant::now() + self.wait,
        };
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => return Err(Busy),
        }
        match tokio::time::timeout(self.wait, result).await {
            Ok(Ok(value)) => Ok(value),
            // Timed out, or dropped past its deadline by a worker.
            Ok(Err(_)) | Err(_) => Err(Busy),
        }
    }

    /// True when `password` matches `hash`. Without a hash (no such account) the password
    /// is checked against a hash of a random password, so an unknown login name costs
    /// the same work and time as a known one and answers the same.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, Busy> {
        let matched = self
            .run(move |memory| match hash {
                Some(hash) => verify_password_in(&password, &hash, memory),
                None => {
                    verify_password_in(&password, dummy_hash(), memory);
                    false
                }
            })
            .await?;
        self.checks.fetch_add(1, Ordering::Relaxed);
        Ok(matched)
    }

    /// The Argon2 hash of a new password.
    pub async fn hash(&self, password: String) -> Result<String, PasswordWorkError> {
        Ok(self
            .run(move |memory| hash_password_in(&password, memory))
            .await??)
    }

    /// How many password checks the pool has completed (known and unknown accounts alike).
    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::Relaxed)
    }
}

/// A worker: takes jobs until the pool is dropped, with one Argon2 memory for its life.
fn work(queue: &Mutex<Receiver<Job>>) {
    let mut memory = HashMemory::new();
    loop {
        let job = match queue.lock() {
            Ok(receiver) => receiver.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(job) = job else { return };
        if Instant::now() <= job.deadline {
            (job.work)(&mut memory);
        }
    }
}

/// A hash of a random password made with the same parameters as real ones, checked
/// when a login names no account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&new_password()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(workers: usize, queue: usize, wait_ms: u64) -> PasswordPool {
        PasswordPool::start(PoolSize {
            workers,
            queue,
            wait: Duration::from_millis(wait_ms),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn unknown_and_real_accounts_both_pay_for_a_check() {
        let pool = pool(1, 4, 10_000);
        let hash = pool.hash("correct horse battery".into()).await.unwrap();
        assert!(!pool.verify("wrong".into(), None).await.unwrap());
        assert_eq!(pool.checks(), 1, "an unknown account is checked too");
        assert!(
            !pool
                .verify("wrong".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            pool.verify("correct horse battery".into(), Some(hash))
                .await
                .unwrap()
        );
        assert_eq!(pool.checks(), 3);
        assert!(
            dummy_hash().starts_with("$argon2id$"),
            "the dummy is a real hash"
        );
    }

    /// Occupies the pool's only worker until the returned sender is used or dropped.
    async fn hold_the_worker(pool: &Arc<PasswordPool>) -> std::sync::mpsc::Sender<()> {
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        let pool = Arc::clone(pool);
        tokio::spawn(async move {
            pool.run(move |_| {
                let _ = started.send(());
                let _ = hold.recv();
            })
            .await
        });
        running.await.unwrap();
        release
    }

    #[tokio::test]
    async fn past_its_queue_the_pool_answers_busy_at_once() {
        let pool = Arc::new(pool(1, 1, 10_000));
        let release = hold_the_worker(&pool).await;
        // The worker is busy; one job fills the queue of one; the next is refused.
        let (ran, queued) = tokio::sync::oneshot::channel();
        let fill = Job {
            work: Box::new(move |_| {
                let _ = ran.send(7);
            }),
            deadline: Instant::now() + Duration::from_secs(60),
        };
        assert!(pool.jobs.try_send(fill).is_ok());
        assert!(matches!(pool.run(|_| ()).await, Err(Busy)));
        drop(release);
        assert_eq!(queued.await.unwrap(), 7, "the queued job still runs");
    }

    #[tokio::test]
    async fn a_check_waits_no_longer_than_the_pool_allows() {
        let pool = Arc::new(pool(1, 4, 50));
        let release = hold_the_worker(&pool).await;
        assert!(matches!(pool.verify("x".into(), None).await, Err(Busy)));
        assert_eq!(pool.checks(), 0);
        drop(release);
    }
}
