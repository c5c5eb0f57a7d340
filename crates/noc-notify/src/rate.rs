//! How many messages a channel may send: chat robots refuse more than about 20 a
//! minute (WeCom says so; DingTalk mutes a robot for 10 minutes beyond it), and a
//! group flooded during an alarm storm stops being read anyway.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

pub const DEFAULT_RATE_PER_MINUTE: u32 = 20;
const WINDOW: Duration = Duration::from_secs(60);

/// A sliding one-minute window of the messages sent.
#[derive(Debug, Clone)]
pub struct RateLimit {
    per_minute: u32,
    sent: VecDeque<Instant>,
}

impl RateLimit {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            sent: VecDeque::new(),
        }
    }

    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Takes a place for one message at `now`, if the last minute has one free.
    pub fn admit(&mut self, now: Instant) -> bool {
        self.forget_before(now);
        if self.sent.len() < self.per_minute as usize {
            self.sent.push_back(now);
            true
        } else {
            false
        }
    }

    /// When the next place frees, if none is free at `now`.
    pub fn reopens_at(&mut self, now: Instant) -> Option<Instant> {
        self.forget_before(now);
        if self.sent.len() < self.per_minute as usize {
            None
        } else {
            self.sent.front().map(|first| *first + WINDOW)
        }
    }

    fn forget_before(&mut self, now: Instant) {
        while self
            .sent
            .front()
            .is_some_and(|first| now.saturating_duration_since(*first) >= WINDOW)
        {
            self.sent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_slides() {
        let start = Instant::now();
        let mut limit = RateLimit::new(3);
        assert!(limit.admit(start));
        assert!(limit.admit(start + Duration::from_secs(10)));
        assert!(limit.admit(start + Duration::from_secs(20)));
        assert!(!limit.admit(start + Duration::from_secs(30)));
        assert_eq!(
            limit.reopens_at(start + Duration::from_secs(30)),
            Some(start + WINDOW)
        );
        assert!(!limit.admit(start + Duration::from_secs(59)));
        // The first message left the window: one place, not three.
        assert!(limit.admit(start + WINDOW));
        assert!(!limit.admit(start + WINDOW));
        assert_eq!(limit.reopens_at(start + Duration::from_secs(71)), None);
    }
}
