//! Where a team hub is: an `https://host:port` address as an operator types it.

use std::fmt;

use rustls::pki_types::ServerName;
use url::Url;

use crate::RelayError;

/// The port a team hub listens on when the address names none.
pub const DEFAULT_PORT: u16 = 7443;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubAddress {
    host: String,
    port: u16,
}

impl HubAddress {
    /// `https://noc-hub:7443`, `noc-hub:7443` or `noc-hub`; a path is ignored. Plain
    /// `http://` is refused: a team hub is reached over TLS only.
    pub fn parse(text: &str) -> Result<Self, RelayError> {
        let text = text.trim();
        let with_scheme = if text.contains("://") {
            text.to_owned()
        } else {
            format!("https://{text}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| RelayError::Address {
            address: text.to_owned(),
            reason: e.to_string(),
        })?;
        if url.scheme() != "https" {
            return Err(RelayError::Address {
                address: text.to_owned(),
                reason: "a team hub is reached over https only".to_owned(),
            });
        }
        let host = match url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(host) => host.to_string(),
            None => {
                return Err(RelayError::Address {
                    address: text.to_owned(),
                    reason: "no host name".to_owned(),
                })
            }
        };
        // `Url` drops a port equal to the scheme's default, so 443 comes back as None;
        // only an address without any port gets the hub's own default.
        let port = url.port().unwrap_or(if has_explicit_port(&with_scheme) {
            443
        } else {
            DEFAULT_PORT
        });
        Ok(Self { host, port })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What the hub expects in `Host`: its own name and port.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// What the hub expects in `Origin` from its own pages.
    pub fn origin(&self) -> String {
        format!("https://{}", self.authority())
    }

    pub(crate) fn server_name(&self) -> Result<ServerName<'static>, RelayError> {
        ServerName::try_from(self.host.clone()).map_err(|e| RelayError::Address {
            address: self.to_string(),
            reason: e.to_string(),
        })
    }
}

fn has_explicit_port(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host_end = authority.rfind(']').map_or(0, |i| i + 1);
    authority[host_end..].contains(':')
}

impl fmt::Display for HubAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_operators_type() {
        let full = HubAddress::parse("https://noc-hub:7443/").unwrap();
        assert_eq!(full.authority(), "noc-hub:7443");
        assert_eq!(full.origin(), "https://noc-hub:7443");
        assert_eq!(HubAddress::parse(" noc-hub:9000 ").unwrap().port(), 9000);
        assert_eq!(HubAddress::parse("noc-hub").unwrap().port(), DEFAULT_PORT);
        assert_eq!(
            HubAddress::parse("https://noc-hub:443").unwrap().port(),
            443
        );
        let v6 = HubAddress::parse("https://[::1]:7443").unwrap();
        assert_eq!(v6.host(), "::1");
        assert_eq!(v6.authority(), "[::1]:7443");
    }

    #[test]
    fn refuses_plain_http_and_nonsense() {
        let error = HubAddress::parse("http://noc-hub:7443").unwrap_err();
        assert!(error.to_string().contains("https only"), "{error}");
        assert!(HubAddress::parse("https://").is_err());
    }
}
