//! Retrying a request that failed for a reason that may pass (a dropped connection, a
//! busy server): exponential backoff with full jitter, capped, within a deadline, and
//! a cancel flag the UI can raise at any moment.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;

use super::error::SyncError;

/// Lets the UI stop a running pass cleanly: the pass checks it between requests and
/// while waiting to retry, and stops with [`SyncError::Cancelled`] leaving the store
/// consistent (what the server acknowledged is marked, nothing else).
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Object))]
pub struct CancelHandle {
    flag: AtomicBool,
}

#[cfg_attr(feature = "uniffi", uniffi::export)]
impl CancelHandle {
    /// A handle that is not cancelled.
    #[cfg_attr(feature = "uniffi", uniffi::constructor)]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Asks the pass to stop at the next safe point.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    /// True once [`CancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

impl CancelHandle {
    /// `Err(Cancelled)` once cancelled, so a pass can write `cancel.check()?`.
    pub fn check(&self) -> Result<(), SyncError> {
        if self.is_cancelled() {
            Err(SyncError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Sleeps for `duration` in short slices, returning early with `Cancelled`.
    pub fn sleep(&self, duration: Duration) -> Result<(), SyncError> {
        const SLICE: Duration = Duration::from_millis(25);
        let end = Instant::now() + duration;
        loop {
            self.check()?;
            let now = Instant::now();
            if now >= end {
                return Ok(());
            }
            std::thread::sleep(SLICE.min(end - now));
        }
    }
}

/// How persistently one request is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Upper bound of the first wait (the wait is random between zero and the bound).
    pub first_delay: Duration,
    /// The bound never grows past this.
    pub max_delay: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// No retry starts later than this after the first attempt.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    /// For a phone on a weak signal: 0.5 s doubling to 60 s, 12 attempts, 10 minutes.
    fn default() -> Self {
        Self {
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_attempts: 12,
            deadline: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// The bound of the wait before retry number `retry` (0 for the first retry):
    /// `first_delay * 2^retry`, capped at `max_delay`.
    pub fn bound(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.first_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// A random wait in `0..=bound(retry)` ("full jitter": devices that lost the same
    /// connection do not come back in step).
    pub fn delay(&self, retry: u32) -> Duration {
        let bound = u64::try_from(self.bound(retry).as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=bound))
    }

    /// Runs `attempt` until it succeeds, fails permanently, runs out of attempts or
    /// deadline (the last error is returned), or is cancelled.
    pub fn run<T>(
        &self,
        cancel: &CancelHandle,
        mut attempt: impl FnMut() -> Result<T, SyncError>,
    ) -> Result<T, SyncError> {
        let started = Instant::now();
        let mut retry = 0u32;
        loop {
            cancel.check()?;
            let error = match attempt() {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if !error.is_retryable() || retry + 1 >= self.max_attempts {
                return Err(error);
            }
            let wait = self.delay(retry);
            if started.elapsed() + wait > self.deadline {
                return Err(error);
            }
            cancel.sleep(wait)?;
            retry += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::error::SyncStep;
    use std::cell::Cell;

    fn fast() -> RetryPolicy {
        RetryPolicy {
            first_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(8),
            max_attempts: 5,
            deadline: Duration::from_secs(5),
        }
    }

    fn down() -> SyncError {
        SyncError::Unreachable {
            step: SyncStep::Manifest,
            detail: "connection refused".into(),
        }
    }

    #[test]
    fn the_bound_doubles_and_is_capped() {
        let policy = RetryPolicy {
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_attempts: 40,
            deadline: Duration::from_secs(600),
        };
        assert_eq!(policy.bound(0), Duration::from_millis(500));
        assert_eq!(policy.bound(1), Duration::from_millis(1000));
        assert_eq!(policy.bound(3), Duration::from_millis(4000));
        assert_eq!(policy.bound(7), Duration::from_secs(60));
        assert_eq!(policy.bound(35), Duration::from_secs(60));
        for retry in 0..10 {
            assert!(policy.delay(retry) <= policy.bound(retry));
        }
    }

    #[test]
    fn full_jitter_spreads_the_waits() {
        let policy = RetryPolicy::default();
        let waits: std::collections::HashSet<Duration> = (0..50).map(|_| policy.delay(4)).collect();
        assert!(waits.len() > 10, "waits should be random: {waits:?}");
    }

    #[test]
    fn retryable_failures_are_retried_until_success() {
        let calls = Cell::new(0);
        let result = fast().run(&CancelHandle::default(), || {
            calls.set(calls.get() + 1);
            if calls.get() < 3 {
                Err(down())
            } else {
                Ok(calls.get())
            }
        });
        assert_eq!(result.unwrap(), 3);
    }

    #[test]
    fn permanent_failures_are_not_retried() {
        let calls = Cell::new(0);
        let result: Result<(), _> = fast().run(&CancelHandle::default(), || {
            calls.set(calls.get() + 1);
            Err(SyncError::Revoked {
                step: SyncStep::Manifest,
            })
        });
        assert!(matches!(result, Err(SyncError::Revoked { .. })));
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn attempts_are_capped_and_the_last_error_returned() {
        let calls = Cell::new(0);
        let result: Result<(), _> = fast().run(&CancelHandle::default(), || {
            calls.set(calls.get() + 1);
            Err(down())
        });
        assert!(matches!(result, Err(SyncError::Unreachable { .. })));
        assert_eq!(calls.get(), 5);
    }

    #[test]
    fn the_deadline_stops_retrying() {
        let policy = RetryPolicy {
            first_delay: Duration::from_millis(40),
            max_delay: Duration::from_millis(40),
            max_attempts: 1000,
            deadline: Duration::from_millis(150),
        };
        let started = Instant::now();
        let result: Result<(), _> = policy.run(&CancelHandle::default(), || Err(down()));
        assert!(result.is_err());
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn cancel_interrupts_a_backoff_sleep() {
        let policy = RetryPolicy {
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(30),
            max_attempts: 10,
            deadline: Duration::from_secs(600),
        };
        let cancel = std::sync::Arc::new(CancelHandle::default());
        let remote = cancel.clone();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            remote.cancel();
        });
        let started = Instant::now();
        let calls = Cell::new(0);
        // The first wait is random in 0..30 s; retry until one of them is long enough
        // for the cancel to land in it.
        let result: Result<(), _> = policy.run(&cancel, || {
            calls.set(calls.get() + 1);
            Err(down())
        });
        canceller.join().unwrap();
        assert!(matches!(result, Err(SyncError::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}
