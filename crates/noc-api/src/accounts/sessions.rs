//! Login sessions: a token the browser holds, of which the hub keeps only the SHA-256.
//! A session ends after [`SessionPolicy::idle_ms`] without use and, however busy,
//! [`SessionPolicy::longest_ms`] after login. Sessions in use are kept in memory so a
//! request costs a hash and a map lookup; their last use reaches the store at most
//! once a minute.

use std::collections::HashMap;

use noc_model::{Millis, Role};
use sha2::{Digest, Sha256};

use crate::ApiError;

pub const SESSION_PREFIX: &str = "s.";
pub const DEVICE_PREFIX: &str = "d.";
/// How often a token's last use is written to the store.
pub const TOUCH_EVERY_MS: Millis = 60_000;
const HOUR_MS: Millis = 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle_ms: Millis,
    pub longest_ms: Millis,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_ms: 12 * HOUR_MS,
            longest_ms: 7 * 24 * HOUR_MS,
        }
    }
}

impl SessionPolicy {
    /// Sessions ending after `hours` idle (at least one hour, never past the longest).
    pub fn idle_hours(hours: u32) -> Self {
        let base = Self::default();
        Self {
            idle_ms: (Millis::from(hours.max(1)) * HOUR_MS).min(base.longest_ms),
            ..base
        }
    }
}

/// A fresh token with `prefix`, and the hash the store keeps of it.
pub fn new_token(prefix: &str) -> Result<(String, String), ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::unavailable(format!("no random source for a token: {e}")))?;
    let token = format!("{prefix}{}", hex::encode(bytes));
    let hash = token_hash(&token);
    Ok((token, hash))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A session as the hub holds it while in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub operator: String,
    pub role: Role,
    /// The latest moment, however busy.
    pub expires_at: Millis,
    pub last_seen_at: Millis,
    /// When the last use was last written to the store.
    pub written_at: Millis,
}

impl LiveSession {
    /// When it ends if not used again.
    pub fn ends_at(&self, policy: SessionPolicy) -> Millis {
        (self.last_seen_at + policy.idle_ms).min(self.expires_at)
    }
}

/// What using a session at a moment found.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionUse {
    Unknown,
    Expired,
    /// Still on; `touch` says its last use is due to be written.
    Live {
        session: LiveSession,
        touch: bool,
    },
}

/// Sessions in use, by token hash.
#[derive(Debug, Default)]
pub struct SessionCache {
    live: HashMap<String, LiveSession>,
}

impl SessionCache {
    pub fn insert(
        &mut self,
        hash: String,
        session: LiveSession,
        now: Millis,
        policy: SessionPolicy,
    ) {
        if self.live.len() >= 10_000 {
            self.live.retain(|_, s| s.ends_at(policy) > now);
        }
        self.live.insert(hash, session);
    }

    /// Uses the session at `now`: an ended one is forgotten.
    pub fn use_at(&mut self, hash: &str, now: Millis, policy: SessionPolicy) -> SessionUse {
        let Some(session) = self.live.get_mut(hash) else {
            return SessionUse::Unknown;
        };
        if now >= session.ends_at(policy) {
            self.live.remove(hash);
            return SessionUse::Expired;
        }
        session.last_seen_at = now;
        let touch = now - session.written_at >= TOUCH_EVERY_MS;
        if touch {
            session.written_at = now;
        }
        SessionUse::Live {
            session: session.clone(),
            touch,
        }
    }

    pub fn get(&self, hash: &str) -> Option<&LiveSession> {
        self.live.get(hash)
    }

    pub fn remove(&mut self, hash: &str) {
        self.live.remove(hash);
    }

    /// Forgets every session of `operator` except `keep`.
    pub fn end_all_of(&mut self, operator: &str, keep: Option<&str>) {
        self.live
            .retain(|hash, s| s.operator != operator || Some(hash.as_str()) == keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(at: Millis) -> LiveSession {
        LiveSession {
            operator: "li.wei".into(),
            role: Role::Operator,
            expires_at: at + SessionPolicy::default().longest_ms,
            last_seen_at: at,
            written_at: at,
        }
    }

    #[test]
    fn use_slides_the_idle_end_but_not_the_longest() {
        let policy = SessionPolicy::default();
        let mut cache = SessionCache::default();
        cache.insert("h".into(), session(0), 0, policy);
        let mut at = 0;
        while at + 11 * HOUR_MS < policy.longest_ms {
            at += 11 * HOUR_MS;
            assert!(matches!(
                cache.use_at("h", at, policy),
                SessionUse::Live { .. }
            ));
        }
        assert_eq!(
            cache.use_at("h", policy.longest_ms, policy),
            SessionUse::Expired
        );
        assert_eq!(
            cache.use_at("h", policy.longest_ms, policy),
            SessionUse::Unknown
        );
    }

    #[test]
    fn last_use_is_written_at_most_once_a_minute() {
        let policy = SessionPolicy::default();
        let mut cache = SessionCache::default();
        cache.insert("h".into(), session(0), 0, policy);
        let touched = |u: SessionUse| matches!(u, SessionUse::Live { touch: true, .. });
        assert!(!touched(cache.use_at("h", 59_999, policy)));
        assert!(touched(cache.use_at("h", 60_000, policy)));
        assert!(!touched(cache.use_at("h", 61_000, policy)));
    }

    #[test]
    fn tokens_are_prefixed_and_only_their_hash_is_kept() {
        let (token, hash) = new_token(SESSION_PREFIX).unwrap();
        assert!(token.starts_with("s.") && token.len() == 66, "{token}");
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&token[2..]));
        assert_eq!(token_hash(&token), hash);
    }
}
