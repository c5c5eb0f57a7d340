//! Zabbix' JSON-RPC API as one connection: the version decides where the
//! credentials go, a password login is kept as a session and renewed when Zabbix
//! has forgotten it.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ZabbixError, PRODUCT};
use crate::polling::{send_bounded, FetchError};
use crate::Secret;

/// A Zabbix version as `apiinfo.version` reports it ("6.0.14").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub text: String,
    major: u32,
    minor: u32,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some(Version {
            text: text.trim().to_string(),
            major,
            minor,
        })
    }

    /// 6.0 is the oldest API this client speaks (`user.login` takes `username`).
    fn supported(&self) -> bool {
        self.major >= 6
    }

    /// From 6.2 on host groups are `selectHostGroups` (template groups split off).
    pub fn has_host_groups(&self) -> bool {
        (self.major, self.minor) >= (6, 2)
    }

    /// From 6.4 on Zabbix reads the credentials from the `Authorization` header; the
    /// body's `auth` field, the only way before, was removed in 7.2.
    fn bearer_header(&self) -> bool {
        (self.major, self.minor) >= (6, 4)
    }
}

/// How the console proves who it is to Zabbix.
#[derive(Clone)]
pub enum Credentials {
    /// `user.login`, then the session it opens.
    Password { user: String, password: Secret },
    /// An API token (Users → API tokens), sent as it is.
    Token(Secret),
}

/// A JSON-RPC error object, as Zabbix words it.
#[derive(Debug, Clone, Deserialize)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    #[serde(default)]
    pub data: Option<String>,
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.data.as_deref().filter(|d| !d.is_empty()) {
            Some(data) => write!(f, "{} {data} (code {})", self.message, self.code),
            None => write!(f, "{} (code {})", self.message, self.code),
        }
    }
}

impl RpcError {
    /// Zabbix says "Session terminated, re-login, please." for a session it has
    /// dropped, and "Not authorized." for a token or session it does not know.
    fn is_about_credentials(&self) -> bool {
        let text = self.data.as_deref().unwrap_or(&self.message).to_lowercase();
        [
            "session terminated",
            "re-login",
            "not authori",
            "token expired",
        ]
        .iter()
        .any(|word| text.contains(word))
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<RpcError>,
}

/// One Zabbix API endpoint with its credentials, and what was learnt from it.
pub struct Connection {
    url: String,
    credentials: Credentials,
    version: Option<Version>,
    session: Option<Secret>,
    next_id: u64,
}

impl Connection {
    pub fn new(url: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            url: url.into(),
            credentials,
            version: None,
            session: None,
            next_id: 1,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's version, asked once (without credentials, as Zabbix requires).
    pub async fn version(&mut self, client: &reqwest::Client) -> Result<Version, ZabbixError> {
        if let Some(version) = &self.version {
            return Ok(version.clone());
        }
        let text: String = self
            .send(client, "apiinfo.version", json!([]), None)
            .await?;
        let version = Version::parse(&text)
            .ok_or_else(|| bad_payload(format!("apiinfo.version answered \"{text}\"")))?;
        if !version.supported() {
            return Err(ZabbixError::Unsupported(version.text));
        }
        self.version = Some(version.clone());
        Ok(version)
    }

    /// Asks the version again next time: after a failure the server may have been
    /// upgraded or replaced behind the same URL.
    pub fn forget_version(&mut self) {
        self.version = None;
    }

    /// Calls `method` with the credentials; a password session Zabbix has dropped is
    /// opened again once.
    pub async fn call<T: DeserializeOwned>(
        &mut self,
        client: &reqwest::Client,
        method: &str,
        params: Value,
    ) -> Result<T, ZabbixError> {
        let version = self.version(client).await?;
        let token = self.token(client).await?;
        match self
            .send(client, method, params.clone(), Some((&token, &version)))
            .await
        {
            Err(ZabbixError::Api { error, .. })
                if error.is_about_credentials()
                    && matches!(self.credentials, Credentials::Password { .. }) =>
            {
                self.session = None;
                let token = self.token(client).await?;
                self.send(client, method, params, Some((&token, &version)))
                    .await
                    .map_err(refused_credentials)
            }
            other => other.map_err(refused_credentials),
        }
    }

    /// The API token, or the session of a (new) login.
    async fn token(&mut self, client: &reqwest::Client) -> Result<Secret, ZabbixError> {
        let (user, password) = match &self.credentials {
            Credentials::Token(token) => return Ok(token.clone()),
            Credentials::Password { user, password } => (user.clone(), password.clone()),
        };
        if let Some(session) = &self.session {
            return Ok(session.clone());
        }
        let params = json!({ "username": user, "password": password.expose() });
        let session: String = self
            .send(client, "user.login", params, None)
            .await
            .map_err(|err| match err {
                ZabbixError::Api { error, .. } => credentials_refused(&error),
                other => other,
            })?;
        let session = Secret::new(session);
        self.session = Some(session.clone());
        Ok(session)
    }

    async fn send<T: DeserializeOwned>(
        &mut self,
        client: &reqwest::Client,
        method: &str,
        params: Value,
        auth: Option<(&Secret, &Version)>,
    ) -> Result<T, ZabbixError> {
        let id = self.next_id;
        self.next_id += 1;
        let mut body = json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": id });
        let mut request = client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json-rpc")
            .header(reqwest::header::ACCEPT, "application/json");
        match auth {
            Some((token, version)) if version.bearer_header() => {
                request = request.bearer_auth(token.expose());
            }
            Some((token, _)) => body["auth"] = Value::String(token.expose().to_string()),
            None => {}
        }
        let (status, answer) = send_bounded(request.json(&body), PRODUCT).await?;
        let result = parse_answer(method, status, &answer)?;
        decode(method, result)
    }
}

/// The `result` of a JSON-RPC answer, or why there is none.
fn parse_answer(
    method: &str,
    status: reqwest::StatusCode,
    answer: &[u8],
) -> Result<Value, ZabbixError> {
    let envelope: Envelope = match serde_json::from_slice(answer) {
        Ok(envelope) => envelope,
        Err(_) if !status.is_success() => {
            return Err(ZabbixError::Fetch(FetchError::HttpStatus {
                product: PRODUCT,
                code: status.as_u16(),
            }))
        }
        Err(err) => return Err(bad_payload(not_json_rpc(answer, &err))),
    };
    match (envelope.error, envelope.result) {
        (Some(error), _) => Err(ZabbixError::Api {
            method: method.to_string(),
            error,
        }),
        (None, Some(result)) => Ok(result),
        (None, None) => Err(bad_payload(format!(
            "the answer to {method} has neither result nor error"
        ))),
    }
}

/// An HTML page is what a wrong URL (the frontend instead of `api_jsonrpc.php`) or a
/// proxy's error page gives; saying so points at the fix.
fn not_json_rpc(answer: &[u8], err: &serde_json::Error) -> String {
    let start = answer.iter().find(|b| !b.is_ascii_whitespace());
    if start == Some(&b'<') {
        "the answer is an HTML page, not JSON-RPC: is the URL the api_jsonrpc.php of the Zabbix frontend?".to_string()
    } else {
        format!("the answer is not JSON-RPC: {err}")
    }
}

fn decode<T: DeserializeOwned>(method: &str, result: Value) -> Result<T, ZabbixError> {
    serde_path_to_error::deserialize(result).map_err(|err| {
        let path = err.path().to_string();
        bad_payload(format!(
            "unexpected {method} result at {path}: {}",
            err.into_inner()
        ))
    })
}

fn bad_payload(text: String) -> ZabbixError {
    ZabbixError::Fetch(FetchError::BadPayload(text))
}

fn credentials_refused(error: &RpcError) -> ZabbixError {
    ZabbixError::Fetch(FetchError::CredentialsRefused {
        product: PRODUCT,
        message: error.data.clone().unwrap_or_else(|| error.message.clone()),
    })
}

/// An error about the credentials after a fresh login (or with a token) means
/// Zabbix does not accept them.
fn refused_credentials(err: ZabbixError) -> ZabbixError {
    match err {
        ZabbixError::Api { error, .. } if error.is_about_credentials() => {
            credentials_refused(&error)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_decide_where_the_credentials_go() {
        let v60 = Version::parse("6.0.14").unwrap();
        let v64 = Version::parse("6.4.0").unwrap();
        let v72 = Version::parse("7.2.3").unwrap();
        assert!(v60.supported() && !v60.bearer_header());
        assert!(v64.bearer_header() && v72.bearer_header());
        assert!(!Version::parse("5.4.9").unwrap().supported());
        assert!(!v60.has_host_groups() && Version::parse("6.2.0").unwrap().has_host_groups());
        assert_eq!(Version::parse("seven"), None);
    }

    #[test]
    fn an_error_object_shows_zabbix_words() {
        let error = RpcError {
            code: -32602,
            message: "Invalid params.".into(),
            data: Some("Session terminated, re-login, please.".into()),
        };
        assert!(error.is_about_credentials());
        assert_eq!(
            error.to_string(),
            "Invalid params. Session terminated, re-login, please. (code -32602)"
        );
    }
}
