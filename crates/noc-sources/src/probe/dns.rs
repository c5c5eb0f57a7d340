//! The DNS probe: one question asked of each resolver separately, as a smart DNS
//! is checked in each of its data centres; each resolver is a vantage of its own.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;
use noc_model::{DnsProbe, ProbeTimings};

use super::{millis_since, seconds, Reading};
use crate::source::SourceError;

/// The vantage name of the operating system's resolver.
const SYSTEM: &str = "system";

pub(super) struct DnsProber {
    /// Absolute (ends with a dot), so no search domain is tried.
    name: String,
    record_type: RecordType,
    /// Normalised as answers are, so the comparison ignores case and final dots.
    expected: BTreeSet<String>,
    resolvers: Vec<(String, TokioResolver)>,
}

impl DnsProber {
    pub fn new(probe: &DnsProbe, timeout: Duration) -> Result<Self, SourceError> {
        let name = probe.name.trim().trim_end_matches('.');
        if name.is_empty() {
            return Err(SourceError::Invalid(
                "a DNS probe needs a name to ask".into(),
            ));
        }
        let record_type = record_type(probe.record_type.as_deref().unwrap_or("A"))?;
        let resolvers = if probe.resolvers.is_empty() {
            vec![(SYSTEM.to_string(), system_resolver(timeout)?)]
        } else {
            probe
                .resolvers
                .iter()
                .map(|text| Ok((text.trim().to_string(), resolver(text, timeout)?)))
                .collect::<Result<_, SourceError>>()?
        };
        Ok(Self {
            name: format!("{name}."),
            record_type,
            expected: probe.expected.iter().map(|e| normalise(e)).collect(),
            resolvers,
        })
    }

    pub fn name(&self) -> &str {
        self.name.trim_end_matches('.')
    }

    pub async fn run(&self, timeout: Duration) -> Vec<Reading> {
        let asks = self
            .resolvers
            .iter()
            .map(|(vantage, resolver)| self.ask(vantage, resolver, timeout));
        futures_util::future::join_all(asks).await
    }

    async fn ask(&self, vantage: &str, resolver: &TokioResolver, timeout: Duration) -> Reading {
        let started = Instant::now();
        let answer = tokio::time::timeout(
            timeout,
            resolver.lookup(self.name.as_str(), self.record_type),
        )
        .await;
        let elapsed = millis_since(started);
        let timings = ProbeTimings {
            dns_ms: Some(elapsed),
            total_ms: Some(elapsed),
            ..ProbeTimings::default()
        };
        let answers = match answer {
            Err(_) => Err(format!("DNS: no answer within {}", seconds(timeout))),
            Ok(Err(err)) => Err(self.failure(&err)),
            Ok(Ok(lookup)) => Ok(lookup
                .answers()
                .iter()
                .filter_map(|record| answer_text(&record.data))
                .collect::<BTreeSet<_>>()),
        };
        let verdict = answers.and_then(|answers| self.judge(answers, elapsed));
        Reading {
            vantage: vantage.to_string(),
            ok: verdict.is_ok(),
            timings,
            detail: verdict.unwrap_or_else(|why| why),
            ..Reading::default()
        }
    }

    /// Every answer must be one the operator expects: a resolver that hands out
    /// another address sends users somewhere else.
    fn judge(&self, answers: BTreeSet<String>, elapsed: f64) -> Result<String, String> {
        let listed = answers.iter().cloned().collect::<Vec<_>>().join(", ");
        if answers.is_empty() {
            return Err(format!(
                "DNS: no {} record for {}",
                self.record_type,
                self.name()
            ));
        }
        if !self.expected.is_empty() && !answers.is_subset(&self.expected) {
            let expected = self.expected.iter().cloned().collect::<Vec<_>>().join(", ");
            return Err(format!("answered {listed}, expected {expected}"));
        }
        Ok(format!("{listed} in {elapsed:.0} ms"))
    }

    fn failure(&self, err: &NetError) -> String {
        if err.is_nx_domain() {
            format!("DNS: no such name {}", self.name())
        } else if err.is_no_records_found() {
            format!("DNS: no {} record for {}", self.record_type, self.name())
        } else if matches!(err, NetError::Timeout) {
            "DNS: no answer (timed out)".into()
        } else {
            format!("DNS: {err}")
        }
    }
}

fn record_type(word: &str) -> Result<RecordType, SourceError> {
    Ok(match word.trim().to_ascii_uppercase().as_str() {
        "A" => RecordType::A,
        "AAAA" => RecordType::AAAA,
        "CNAME" => RecordType::CNAME,
        "MX" => RecordType::MX,
        "TXT" => RecordType::TXT,
        "NS" => RecordType::NS,
        other => {
            return Err(SourceError::Invalid(format!(
                "record type \"{other}\" is not one of A, AAAA, CNAME, MX, TXT, NS"
            )))
        }
    })
}

/// The answer as the operator writes it in `expected`: an address, a name
/// without its final dot, `10 mail.example.com` for MX, the text of a TXT record.
fn answer_text(data: &RData) -> Option<String> {
    Some(match data {
        RData::A(a) => a.0.to_string(),
        RData::AAAA(aaaa) => aaaa.0.to_string(),
        RData::CNAME(name) => normalise(&name.to_string()),
        RData::NS(name) => normalise(&name.to_string()),
        RData::MX(mx) => format!("{} {}", mx.preference, normalise(&mx.exchange.to_string())),
        RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|part| String::from_utf8_lossy(part))
            .collect::<String>(),
        _ => return None,
    })
}

/// Names compare without case and final dot; other answers are kept as they are.
fn normalise(answer: &str) -> String {
    let answer = answer.trim();
    if answer.parse::<IpAddr>().is_ok() {
        return answer.to_string();
    }
    match answer.split_once(' ') {
        // MX: preference, then the exchange's name.
        Some((preference, name)) if preference.parse::<u16>().is_ok() => {
            format!("{preference} {}", normalise(name))
        }
        _ if answer.contains(char::is_whitespace) => answer.to_string(),
        _ => answer.trim_end_matches('.').to_ascii_lowercase(),
    }
}

/// `10.0.0.53`, `10.0.0.53:5353`, `[fd00::53]:53`, `fd00::53`.
fn resolver_address(text: &str) -> Result<SocketAddr, SourceError> {
    let text = text.trim();
    text.parse::<SocketAddr>()
        .or_else(|_| text.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
        .map_err(|_| {
            SourceError::Invalid(format!(
                "resolver \"{text}\" is not an IP address or IP:port"
            ))
        })
}

/// Every run asks again: no cache, one attempt, no hosts file, so the answer is
/// the resolver's own, now.
fn fresh_options(timeout: Duration) -> ResolverOpts {
    let mut options = ResolverOpts::default();
    options.cache_size = 0;
    options.attempts = 1;
    options.timeout = timeout;
    options.use_hosts_file = ResolveHosts::Never;
    options
}

fn resolver(text: &str, timeout: Duration) -> Result<TokioResolver, SourceError> {
    let address = resolver_address(text)?;
    let mut udp = ConnectionConfig::udp();
    udp.port = address.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = address.port();
    let server = NameServerConfig::new(address.ip(), true, vec![udp, tcp]);
    let config = ResolverConfig::from_name_servers(vec![server]);
    TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
        .with_options(fresh_options(timeout))
        .build()
        .map_err(|err| SourceError::Invalid(format!("resolver \"{text}\": {err}")))
}

fn system_resolver(timeout: Duration) -> Result<TokioResolver, SourceError> {
    let unreadable = |err: NetError| {
        SourceError::Invalid(format!("cannot read the system's resolver settings: {err}"))
    };
    let mut builder = TokioResolver::builder_tokio().map_err(unreadable)?;
    let mut options = fresh_options(timeout);
    options.use_hosts_file = builder.options_mut().use_hosts_file;
    *builder.options_mut() = options;
    builder.build().map_err(unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_compare_without_case_or_final_dot() {
        assert_eq!(normalise("WWW.Example.com."), "www.example.com");
        assert_eq!(normalise("10 Mail.Example.com."), "10 mail.example.com");
        assert_eq!(normalise("10.0.0.1"), "10.0.0.1");
        assert_eq!(normalise("v=spf1 -all"), "v=spf1 -all");
    }

    #[test]
    fn resolvers_are_addresses_with_an_optional_port() {
        assert_eq!(resolver_address("10.0.0.53").unwrap().port(), 53);
        assert_eq!(resolver_address("10.0.0.53:5353").unwrap().port(), 5353);
        assert_eq!(
            resolver_address("[fd00::53]:53").unwrap().ip().to_string(),
            "fd00::53"
        );
        assert!(resolver_address("dns.example").is_err());
    }

    #[test]
    fn unknown_record_types_are_refused() {
        assert_eq!(record_type("aaaa").unwrap(), RecordType::AAAA);
        assert!(record_type("SRV").is_err());
    }
}
