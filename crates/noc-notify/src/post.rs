//! One POST to a chat service and its answer, with every way it can fail turned
//! into words for the operator, none of which contain the URL (it holds the token).

use std::time::Duration;

use reqwest::StatusCode;
use serde::Serialize;

use crate::channel::ChannelSpec;
use crate::Delivery;

/// Chat services answer with a few hundred bytes; more is not an answer we can use.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Enough of a refusal to tell why, short enough for a timeline line.
const MAX_DETAIL_CHARS: usize = 200;

pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: String,
}

impl Answer {
    /// The service's words, cut to a readable length.
    pub fn excerpt(&self) -> String {
        excerpt(self.body.trim())
    }
}

pub(crate) fn excerpt(text: &str) -> String {
    let mut cut: String = text.chars().take(MAX_DETAIL_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// POSTs `body` as JSON to `url`; `Err` is the failed delivery.
pub(crate) async fn post_json(
    client: &reqwest::Client,
    spec: &ChannelSpec,
    url: &str,
    body: &impl Serialize,
    bearer: Option<&str>,
) -> Result<Answer, Delivery> {
    let mut request = client.post(url).timeout(spec.timeout).json(body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let product = spec.kind.product();
    let failed = |e: reqwest::Error| Delivery::failed(describe(e, product, spec.timeout));
    let mut response = request.send().await.map_err(failed)?;
    let status = response.status();
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(Delivery::failed(format!(
                "{product} answered HTTP {} with more than {} KiB; not a robot's answer",
                status.as_u16(),
                MAX_ANSWER_BYTES / 1024
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// A refused HTTP status, with the service's own words.
pub(crate) fn refused_status(product: &str, answer: &Answer) -> Delivery {
    let reason = answer.status.canonical_reason().unwrap_or("");
    let words = answer.excerpt();
    let words = if words.is_empty() {
        String::new()
    } else {
        format!(": {words}")
    };
    Delivery::failed(format!(
        "{product} answered HTTP {} {reason}{words}",
        answer.status.as_u16()
    ))
}

fn describe(err: reqwest::Error, product: &str, timeout: Duration) -> String {
    let err = err.without_url();
    if err.is_timeout() {
        return format!(
            "{product} did not answer within {} s",
            timeout.as_secs_f64()
        );
    }
    let mut cause = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(&err);
    while let Some(e) = source {
        let text = e.to_string();
        if !cause.contains(&text) {
            if !cause.is_empty() {
                cause.push_str(": ");
            }
            cause.push_str(&text);
        }
        source = e.source();
    }
    if err.is_connect() {
        format!("cannot reach {product}: {cause}")
    } else {
        format!("sending to {product} failed: {cause}")
    }
}
