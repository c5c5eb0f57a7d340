//! Every request must be addressed to this hub. The Host must be an address, localhost
//! or one of the hub's configured names: a web page that points a name of its own at
//! 127.0.0.1 (DNS rebinding) is refused before any handler runs. And when a browser
//! says which page a request comes from (Origin), that page must be this hub's own —
//! for the WebSocket too, which browsers never guard by themselves.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use noc_api::ApiError;

use crate::http::{AppState, HttpError};

/// The names and scheme this hub answers to.
#[derive(Debug, Clone)]
pub struct Addressing {
    names: Arc<[String]>,
    scheme: &'static str,
}

impl Addressing {
    pub fn new(names: &[String], tls: bool) -> Self {
        Self {
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
            scheme: if tls { "https" } else { "http" },
        }
    }

    fn knows_host(&self, host: &str) -> bool {
        let name = strip_port(host).to_ascii_lowercase();
        let bare = name.trim_start_matches('[').trim_end_matches(']');
        bare.parse::<IpAddr>().is_ok()
            || bare == "localhost"
            || self.names.iter().any(|n| *n == bare)
    }

    fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let host = text(headers, header::HOST);
        if let Some(host) = host {
            if !self.knows_host(host) {
                return Err(ApiError::new(
                    403,
                    "host_refused",
                    format!(
                        "this hub does not answer to {host:?}: add the name to `names` in \
                         the [hub] section of noc.toml"
                    ),
                ));
            }
        }
        match text(headers, header::ORIGIN) {
            Some(origin) if !self.same_origin(origin, host) => Err(ApiError::new(
                403,
                "origin_refused",
                format!("requests from {origin:?} are not accepted: open the console from the hub itself"),
            )),
            _ => Ok(()),
        }
    }

    fn same_origin(&self, origin: &str, host: Option<&str>) -> bool {
        let Some(authority) = origin
            .strip_prefix(self.scheme)
            .and_then(|rest| rest.strip_prefix("://"))
        else {
            return false;
        };
        match host {
            Some(host) => authority.eq_ignore_ascii_case(host),
            None => self.knows_host(authority),
        }
    }
}

fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn strip_port(host: &str) -> &str {
    if let Some(end) = host.strip_prefix('[').and_then(|_| host.find(']')) {
        return &host[..=end];
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

pub(crate) async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Err(err) = state.addressing.check(req.headers()) {
        tracing::warn!(code = err.code, path = %req.uri().path(), "refused a request not addressed to this hub");
        return HttpError::from(err).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: &str, origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h
    }

    #[test]
    fn addresses_localhost_and_configured_names_are_known() {
        let a = Addressing::new(&["NOC.bank.example".into()], true);
        for host in [
            "127.0.0.1:7878",
            "[::1]:7443",
            "10.1.2.3",
            "localhost:80",
            "noc.bank.example:7443",
        ] {
            assert!(a.check(&headers(host, None)).is_ok(), "{host}");
        }
        let err = a
            .check(&headers("attacker.example:7878", None))
            .unwrap_err();
        assert_eq!(err.code, "host_refused");
    }

    #[test]
    fn only_the_hub_itself_may_be_the_origin() {
        let a = Addressing::new(&[], false);
        assert!(a
            .check(&headers("127.0.0.1:7878", Some("http://127.0.0.1:7878")))
            .is_ok());
        for origin in [
            "http://evil.example",
            "https://127.0.0.1:7878",
            "http://127.0.0.1:9999",
            "null",
        ] {
            let err = a
                .check(&headers("127.0.0.1:7878", Some(origin)))
                .unwrap_err();
            assert_eq!(err.code, "origin_refused", "{origin}");
        }
    }
}
