//! Throttling of guesses: failed logins counted per account and per client address,
//! failed enrollment codes per address. Past a few free failures each further one locks
//! the key for twice as long as the last (up to a ceiling), and a locked key is answered
//! "too many attempts" (429) without checking anything: guessing slows to a trickle while
//! someone who mistypes a few times never notices.
//!
//! No lock is permanent: a lock lasts at most [`Policy::max_lock`], counts are forgotten
//! after [`Policy::forget_after`] without a failure, and an address an account has signed
//! in from before passes that account's lock (only its own address lock applies), so a
//! flood of wrong passwords for `admin` from elsewhere never locks the administrator out.
//! Everything is in memory and bounded ([`Policy::max_keys`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How throttling behaves.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures of one key that pass without any delay.
    pub free_failures: u32,
    /// The first lock; each further failure doubles it.
    pub first_lock: Duration,
    /// The longest lock.
    pub max_lock: Duration,
    /// A key without a failure for this long starts again from zero.
    pub forget_after: Duration,
    /// Most keys remembered (the oldest are forgotten first).
    pub max_keys: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            free_failures: 5,
            first_lock: Duration::from_secs(1),
            max_lock: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(3600),
            max_keys: 100_000,
        }
    }
}

/// The address a client is counted under: the address itself for IPv4, its /64 network
/// for IPv6 (one subscriber holds a whole /64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(u128);

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => ClientKey(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => ClientKey((u128::from(v6) & !((1u128 << 64) - 1)) | (1u128 << 127)),
        }
    }
}

/// What a key counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// Failed logins from an address (any login name).
    LoginFrom(ClientKey),
    /// Failed logins for a login name (from any address).
    Account(String),
    /// Failed enrollment codes from an address.
    EnrollFrom(ClientKey),
    /// An address the account has signed in from (passes the account's lock).
    Trusted(String, ClientKey),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

/// A key refused for now: how long until it may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many failed attempts: try again in {} s", .retry_after.as_secs().max(1))]
pub struct Locked {
    /// Time left on the lock.
    pub retry_after: Duration,
}

/// The server's guess counters.
#[derive(Debug)]
pub struct Throttle {
    policy: Policy,
    keys: Mutex<HashMap<Key, Entry>>,
}

/// Login names as counted: trimmed, lower case, bounded.
fn account_key(username: &str) -> String {
    username.trim().to_lowercase().chars().take(64).collect()
}

impl Throttle {
    /// A throttle with `policy`.
    pub fn new(policy: Policy) -> Throttle {
        Throttle {
            policy,
            keys: Mutex::new(HashMap::new()),
        }
    }

    fn with_keys<T>(&self, f: impl FnOnce(&mut HashMap<Key, Entry>) -> T) -> T {
        match self.keys.lock() {
            Ok(mut keys) => f(&mut keys),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    fn lock_left(&self, keys: &HashMap<Key, Entry>, key: &Key, now: Instant) -> Option<Duration> {
        let until = keys.get(key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// Refuses a login attempt for `username` from `client` while either is locked (the
    /// account's lock does not apply to an address it has signed in from before).
    pub fn check_login(&self, username: &str, client: ClientKey) -> Result<(), Locked> {
        let now = Instant::now();
        let account = account_key(username);
        self.with_keys(|keys| {
            let trusted = keys.contains_key(&Key::Trusted(account.clone(), client));
            let mut left = self.lock_left(keys, &Key::LoginFrom(client), now);
            if !trusted {
                left = left.max(self.lock_left(keys, &Key::Account(account), now));
            }
            left.map_or(Ok(()), |retry_after| Err(Locked { retry_after }))
        })
    }

    /// Counts a failed login for `username` from `client`.
    pub fn login_failed(&self, username: &str, client: ClientKey) {
        let account = account_key(username);
        self.failed(Key::Account(account), "login name");
        self.failed(Key::LoginFrom(client), "address (logins)");
    }

    /// Clears the account's failures and remembers `client` as one it signs in from.
    pub fn login_succeeded(&self, username: &str, client: ClientKey) {
        let account = account_key(username);
        let now = Instant::now();
        self.with_keys(|keys| {
            keys.remove(&Key::Account(account.clone()));
            self.make_room(keys, now);
            keys.insert(
                Key::Trusted(account, client),
                Entry {
                    failures: 0,
                    last: now,
                    locked_until: None,
                },
            );
        });
    }

    /// Refuses an enrollment attempt from a locked address.
    pub fn check_enroll(&self, client: ClientKey) -> Result<(), Locked> {
        let now = Instant::now();
        self.with_keys(|keys| self.lock_left(keys, &Key::EnrollFrom(client), now))
            .map_or(Ok(()), |retry_after| Err(Locked { retry_after }))
    }

    /// Counts a wrong enrollment code from `client`.
    pub fn enroll_failed(&self, client: ClientKey) {
        self.failed(Key::EnrollFrom(client), "address (enrollment codes)");
    }

    fn failed(&self, key: Key, what: &'static str) {
        let now = Instant::now();
        let policy = self.policy;
        let locked = self.with_keys(|keys| {
            if !keys.contains_key(&key) {
                self.make_room(keys, now);
            }
            let entry = keys.entry(key).or_insert(Entry {
                failures: 0,
                last: now,
                locked_until: None,
            });
            if now.duration_since(entry.last) > policy.forget_after {
                entry.failures = 0;
            }
            entry.failures = entry.failures.saturating_add(1);
            entry.last = now;
            let over = entry
                .failures
                .checked_sub(policy.free_failures)?
                .checked_sub(1)?;
            let lock = policy
                .first_lock
                .checked_mul(1u32.checked_shl(over.min(31)).unwrap_or(u32::MAX))
                .unwrap_or(policy.max_lock)
                .min(policy.max_lock);
            entry.locked_until = Some(now + lock);
            // Tell the administrator when a key is first locked and when it reaches the
            // longest lock; names and secrets stay out of the log.
            let first = over == 0;
            let longest = lock == policy.max_lock && entry.failures.is_multiple_of(16);
            (first || longest).then_some((entry.failures, lock))
        });
        if let Some((failures, lock)) = locked {
            tracing::warn!(
                counted_by = what,
                failures,
                locked_secs = lock.as_secs(),
                "repeated failed sign-in attempts: further ones are delayed"
            );
        }
    }

    /// Forgets stale keys when the table is full, then the oldest if still full.
    fn make_room(&self, keys: &mut HashMap<Key, Entry>, now: Instant) {
        if keys.len() < self.policy.max_keys {
            return;
        }
        let forget = self.policy.forget_after;
        keys.retain(|_, e| now.duration_since(e.last) <= forget);
        while keys.len() >= self.policy.max_keys {
            let Some(oldest) = keys
                .iter()
                .min_by_key(|(_, e)| e.last)
                .map(|(k, _)| k.clone())
            else {
                return;
            };
            keys.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(last: u8) -> ClientKey {
        ClientKey::from(IpAddr::from([10, 0, 0, last]))
    }

    fn throttle(free: u32) -> Throttle {
        Throttle::new(Policy {
            free_failures: free,
            ..Policy::default()
        })
    }

    #[test]
    fn the_free_failures_pass_and_the_next_is_locked_for_growing_times() {
        let t = throttle(3);
        for _ in 0..3 {
            assert_eq!(t.check_login("admin", client(1)), Ok(()));
            t.login_failed("admin", client(1));
        }
        assert_eq!(t.check_login("admin", client(1)), Ok(()));
        t.login_failed("admin", client(1));
        let first = t.check_login("admin", client(1)).unwrap_err().retry_after;
        assert!(first <= Duration::from_secs(1) && first > Duration::ZERO);
        t.login_failed("admin", client(1));
        t.login_failed("admin", client(1));
        let third = t.check_login("admin", client(1)).unwrap_err().retry_after;
        assert!(third > Duration::from_secs(3), "{third:?}: 1 s, 2 s, 4 s");
    }

    #[test]
    fn a_lock_never_exceeds_the_ceiling() {
        let t = throttle(0);
        for _ in 0..200 {
            t.login_failed("admin", client(1));
        }
        let left = t.check_login("admin", client(1)).unwrap_err().retry_after;
        assert!(left <= Policy::default().max_lock);
    }

    #[test]
    fn an_account_locked_from_elsewhere_still_admits_its_known_address() {
        let t = throttle(2);
        t.login_succeeded("Admin", client(9));
        for i in 0..10 {
            t.login_failed("admin", client(100 + i));
        }
        assert!(
            t.check_login("admin", client(50)).is_err(),
            "a new address waits"
        );
        assert_eq!(
            t.check_login(" ADMIN ", client(9)),
            Ok(()),
            "her own address passes"
        );
        assert_eq!(
            t.check_login("lan", client(50)),
            Ok(()),
            "other accounts pass"
        );
    }

    #[test]
    fn an_address_is_locked_across_login_names_and_ipv6_counts_by_network() {
        let t = throttle(2);
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2::ffff".parse().unwrap();
        for name in ["a", "b", "c"] {
            t.login_failed(name, a.into());
        }
        assert!(t.check_login("d", b.into()).is_err(), "the same /64");
        assert_eq!(t.check_login("d", client(1)), Ok(()));
        assert_eq!(t.check_enroll(a.into()), Ok(()), "enrollment counts apart");
    }

    #[test]
    fn the_table_stays_bounded() {
        let t = Throttle::new(Policy {
            max_keys: 50,
            ..Policy::default()
        });
        for i in 0..=255u8 {
            t.enroll_failed(client(i));
        }
        assert!(t.with_keys(|k| k.len()) <= 50);
    }
}
