//! When probe readings become alarms: a vantage that failed twice in a row fires
//! (one failure is often a lost packet), its first success clears it; a certificate
//! close to its expiry raises a separate warning until it is renewed.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Labels, Millis, Severity};

use super::Reading;

/// Failed runs in a row before a vantage's alarm fires.
const FAILURES_BEFORE_ALARM: u32 = 2;

const DAY_MS: Millis = 86_400_000;

/// The key of the certificate warning, beside the per-vantage keys.
const CERTIFICATE_KEY: &str = "certificate";

pub(super) struct Alarms {
    source: String,
    title: String,
    node: Option<String>,
    cert_warn_days: Option<u32>,
    /// Failed runs in a row, per alarm key.
    failures: BTreeMap<String, u32>,
    /// The detail each firing alarm was last sent with, per alarm key.
    firing: BTreeMap<String, String>,
    /// The expiry the certificate warning was sent for, while it fires.
    cert_warned: Option<Millis>,
}

impl Alarms {
    pub fn new(
        source: &str,
        title: String,
        node: Option<String>,
        cert_warn_days: Option<u32>,
    ) -> Self {
        Self {
            source: source.to_string(),
            title,
            node,
            cert_warn_days,
            failures: BTreeMap::new(),
            firing: BTreeMap::new(),
            cert_warned: None,
        }
    }

    /// The alarm signals one reading calls for (none when nothing changed).
    pub fn observe(&mut self, reading: &Reading, now: Millis) -> impl Iterator<Item = AlarmSignal> {
        let failing = self.failing(reading, now);
        let certificate = self.certificate(reading, now);
        failing.into_iter().chain(certificate)
    }

    fn failing(&mut self, reading: &Reading, now: Millis) -> Option<AlarmSignal> {
        let key = match reading.vantage.as_str() {
            "" => "probe".to_string(),
            vantage => vantage.to_string(),
        };
        if reading.ok {
            self.failures.remove(&key);
            let last_detail = self.firing.remove(&key)?;
            return Some(self.signal(
                key,
                Severity::Major,
                self.title.clone(),
                last_detail,
                now,
                false,
            ));
        }
        let failures = self.failures.entry(key.clone()).or_default();
        *failures += 1;
        if *failures < FAILURES_BEFORE_ALARM || self.firing.get(&key) == Some(&reading.detail) {
            return None;
        }
        self.firing.insert(key.clone(), reading.detail.clone());
        let mut signal = self.signal(
            key,
            Severity::Major,
            self.title.clone(),
            reading.detail.clone(),
            now,
            true,
        );
        if !reading.vantage.is_empty() {
            signal
                .labels
                .insert("vantage".into(), reading.vantage.clone());
        }
        Some(signal)
    }

    fn certificate(&mut self, reading: &Reading, now: Millis) -> Option<AlarmSignal> {
        let warn_days = self.cert_warn_days?;
        let expires_at = reading.cert_expires_at?;
        let expiring = expires_at - now <= Millis::from(warn_days) * DAY_MS;
        match (expiring, self.cert_warned) {
            (true, Some(warned)) if warned == expires_at => None,
            (true, _) => {
                self.cert_warned = Some(expires_at);
                let days_left = (expires_at - now).div_euclid(DAY_MS);
                let text = format!(
                    "the TLS certificate expires on {} ({days_left} days left; warning from {warn_days} days)",
                    date(expires_at)
                );
                let title = format!(
                    "certificate of {} expires {}",
                    self.source,
                    date(expires_at)
                );
                Some(self.signal(
                    CERTIFICATE_KEY.into(),
                    Severity::Warning,
                    title,
                    text,
                    now,
                    true,
                ))
            }
            (false, Some(_)) => {
                self.cert_warned = None;
                let text = format!(
                    "renewed: the certificate now expires on {}",
                    date(expires_at)
                );
                let title = format!("certificate of {} renewed", self.source);
                Some(self.signal(
                    CERTIFICATE_KEY.into(),
                    Severity::Warning,
                    title,
                    text,
                    now,
                    false,
                ))
            }
            (false, None) => None,
        }
    }

    fn signal(
        &self,
        key: String,
        severity: Severity,
        title: String,
        text: String,
        at: Millis,
        firing: bool,
    ) -> AlarmSignal {
        let mut labels = Labels::new();
        labels.insert("probe".into(), self.source.clone());
        AlarmSignal {
            source: self.source.clone(),
            key,
            node: self.node.clone(),
            severity,
            title,
            text,
            labels,
            at,
            firing,
        }
    }
}

/// `2026-12-01`: the day a certificate expires, in UTC.
fn date(at: Millis) -> String {
    match time::OffsetDateTime::from_unix_timestamp(at.div_euclid(1000)) {
        Ok(moment) => moment.date().to_string(),
        Err(_) => format!("{at} ms after 1970"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_795_000_000_000;

    fn alarms(cert_warn_days: Option<u32>) -> Alarms {
        Alarms::new(
            "shop",
            "HTTP probe shop failing".into(),
            Some("shop-web".into()),
            cert_warn_days,
        )
    }

    fn failed(vantage: &str, detail: &str) -> Reading {
        Reading::failed(vantage, Default::default(), detail.into())
    }

    fn passed(vantage: &str, cert_expires_at: Option<Millis>) -> Reading {
        Reading {
            vantage: vantage.into(),
            ok: true,
            cert_expires_at,
            ..Reading::default()
        }
    }

    #[test]
    fn the_second_failure_in_a_row_fires_and_the_first_success_clears() {
        let mut alarms = alarms(None);
        assert_eq!(alarms.observe(&failed("", "HTTP 503"), NOW).count(), 0);
        let fired: Vec<_> = alarms.observe(&failed("", "HTTP 503"), NOW).collect();
        assert_eq!(fired.len(), 1);
        let alarm = &fired[0];
        assert!(alarm.firing);
        assert_eq!(alarm.key, "probe");
        assert_eq!(alarm.severity, Severity::Major);
        assert_eq!(alarm.title, "HTTP probe shop failing");
        assert_eq!(alarm.text, "HTTP 503");
        assert_eq!(alarm.node.as_deref(), Some("shop-web"));
        // Failing on the same way is not news.
        assert_eq!(alarms.observe(&failed("", "HTTP 503"), NOW).count(), 0);
        let changed: Vec<_> = alarms
            .observe(&failed("", "connect: connection refused"), NOW)
            .collect();
        assert_eq!(changed[0].text, "connect: connection refused");
        let cleared: Vec<_> = alarms.observe(&passed("", None), NOW).collect();
        assert_eq!(cleared.len(), 1);
        assert!(!cleared[0].firing);
        assert_eq!(alarms.observe(&passed("", None), NOW).count(), 0);
    }

    #[test]
    fn a_success_between_failures_restarts_the_count() {
        let mut alarms = alarms(None);
        assert_eq!(alarms.observe(&failed("", "HTTP 503"), NOW).count(), 0);
        assert_eq!(alarms.observe(&passed("", None), NOW).count(), 0);
        assert_eq!(alarms.observe(&failed("", "HTTP 503"), NOW).count(), 0);
    }

    #[test]
    fn each_vantage_counts_its_own_failures() {
        let mut alarms = alarms(None);
        alarms
            .observe(&failed("10.0.0.53", "answered 10.6.6.6"), NOW)
            .count();
        alarms.observe(&passed("10.1.0.53", None), NOW).count();
        let fired: Vec<_> = alarms
            .observe(&failed("10.0.0.53", "answered 10.6.6.6"), NOW)
            .collect();
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].key, "10.0.0.53");
        assert_eq!(
            fired[0].labels.get("vantage").map(String::as_str),
            Some("10.0.0.53")
        );
        assert_eq!(
            alarms.observe(&failed("10.1.0.53", "timeout"), NOW).count(),
            0
        );
    }

    #[test]
    fn a_certificate_close_to_expiry_warns_until_renewed() {
        let mut alarms = alarms(Some(14));
        let far = NOW + 90 * DAY_MS;
        let soon = NOW + 5 * DAY_MS;
        assert_eq!(alarms.observe(&passed("", Some(far)), NOW).count(), 0);
        let warned: Vec<_> = alarms.observe(&passed("", Some(soon)), NOW).collect();
        assert_eq!(warned.len(), 1);
        assert_eq!(warned[0].key, CERTIFICATE_KEY);
        assert_eq!(warned[0].severity, Severity::Warning);
        assert!(warned[0].firing);
        assert!(warned[0].text.contains(&date(soon)), "{}", warned[0].text);
        assert!(warned[0].text.contains("5 days left"), "{}", warned[0].text);
        assert_eq!(alarms.observe(&passed("", Some(soon)), NOW).count(), 0);
        let renewed: Vec<_> = alarms.observe(&passed("", Some(far)), NOW).collect();
        assert_eq!(renewed.len(), 1);
        assert!(!renewed[0].firing);
        assert_eq!(renewed[0].key, CERTIFICATE_KEY);
    }

    #[test]
    fn expiry_dates_are_calendar_days() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_796_083_200_000), "2026-12-01");
    }
}
