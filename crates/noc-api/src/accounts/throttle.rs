//! Login rate limiting. After [`FREE_FAILURES`] failures in a row for one name, or
//! from one address, further attempts are refused until a lockout passes: 30 s,
//! doubling with each further failure, at most 15 minutes. A success clears the
//! count. A refused attempt never reaches the password check, so it tells nothing.

use std::collections::HashMap;

use noc_model::Millis;

pub const FREE_FAILURES: u32 = 5;
pub const FIRST_LOCKOUT_MS: Millis = 30_000;
pub const LONGEST_LOCKOUT_MS: Millis = 15 * 60_000;
/// Beyond this many remembered keys, those neither locked nor failing lately go.
const MAX_KEYS: usize = 10_000;

#[derive(Debug, Clone, Copy, Default)]
struct Failures {
    count: u32,
    locked_until: Millis,
    last_at: Millis,
}

/// Failure counts by key (`name:…`, `address:…`).
#[derive(Debug, Default)]
pub struct Throttle {
    keys: HashMap<String, Failures>,
}

impl Throttle {
    /// `Err(ms)`: refused, retry after `ms`.
    pub fn check(&self, keys: &[String], now: Millis) -> Result<(), Millis> {
        let wait = keys
            .iter()
            .filter_map(|k| self.keys.get(k))
            .map(|f| f.locked_until - now)
            .max()
            .unwrap_or(0);
        if wait > 0 {
            Err(wait)
        } else {
            Ok(())
        }
    }

    pub fn failed(&mut self, keys: &[String], now: Millis) {
        if self.keys.len() > MAX_KEYS {
            self.keys
                .retain(|_, f| f.locked_until > now || now - f.last_at < LONGEST_LOCKOUT_MS);
        }
        for key in keys {
            let failures = self.keys.entry(key.clone()).or_default();
            failures.count += 1;
            failures.last_at = now;
            if failures.count >= FREE_FAILURES {
                failures.locked_until = now + lockout(failures.count);
            }
        }
    }

    pub fn succeeded(&mut self, keys: &[String]) {
        for key in keys {
            self.keys.remove(key);
        }
    }
}

/// The lockout after the `failures`-th failure in a row.
fn lockout(failures: u32) -> Millis {
    let doublings = failures.saturating_sub(FREE_FAILURES).min(16);
    (FIRST_LOCKOUT_MS << doublings).min(LONGEST_LOCKOUT_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_double_up_to_fifteen_minutes() {
        assert_eq!(lockout(5), 30_000);
        assert_eq!(lockout(6), 60_000);
        assert_eq!(lockout(9), 480_000);
        assert_eq!(lockout(10), LONGEST_LOCKOUT_MS);
        assert_eq!(lockout(40), LONGEST_LOCKOUT_MS);
    }

    #[test]
    fn the_fifth_failure_locks_and_a_success_clears() {
        let keys = vec!["name:li.wei".to_string()];
        let mut throttle = Throttle::default();
        for _ in 0..4 {
            throttle.failed(&keys, 0);
        }
        assert!(throttle.check(&keys, 0).is_ok());
        throttle.failed(&keys, 0);
        assert_eq!(throttle.check(&keys, 1_000), Err(29_000));
        assert!(throttle.check(&["name:other".to_string()], 1_000).is_ok());
        assert!(throttle.check(&keys, 30_000).is_ok());
        throttle.failed(&keys, 30_000);
        assert_eq!(throttle.check(&keys, 30_000), Err(60_000));
        throttle.succeeded(&keys);
        assert!(throttle.check(&keys, 30_000).is_ok());
    }
}
