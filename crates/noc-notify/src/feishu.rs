//! Feishu / Lark custom bot: `POST …/open-apis/bot/v2/hook/…` with
//! `{"msg_type":"text","content":{"text":…}}`. A bot with signature verification
//! wants `timestamp` (seconds, as a string) and `sign` in the body: base64 of
//! HMAC-SHA256 keyed with `timestamp + "\n" + secret` over an empty message.
//! The answer carries `code` (newer) or `StatusCode` (older), 0 on success, with
//! HTTP 200 for refusals too (19021: bad signature or stale timestamp).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use noc_model::Millis;
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

use crate::channel::ChannelSpec;
use crate::post::{excerpt, post_json, refused_status, Answer};
use crate::Delivery;

/// The signature Feishu expects for `timestamp` (seconds).
pub fn sign(timestamp: i64, secret: &str) -> String {
    let key = format!("{timestamp}\n{secret}");
    let mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC accepts a key of any length");
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

pub(crate) async fn send(
    client: &reqwest::Client,
    spec: &ChannelSpec,
    text: &str,
    now: Millis,
) -> Delivery {
    let mut body = json!({ "msg_type": "text", "content": { "text": text } });
    if let Some(secret) = &spec.secret {
        let timestamp = now.div_euclid(1000);
        body["timestamp"] = json!(timestamp.to_string());
        body["sign"] = json!(sign(timestamp, secret.expose()));
    }
    match post_json(client, spec, spec.url.expose(), &body, None).await {
        Ok(answer) => check(&answer),
        Err(failed) => failed,
    }
}

#[derive(Deserialize)]
struct FeishuAnswer {
    code: Option<i64>,
    msg: Option<String>,
    #[serde(rename = "StatusCode")]
    status_code: Option<i64>,
    #[serde(rename = "StatusMessage")]
    status_message: Option<String>,
}

fn check(answer: &Answer) -> Delivery {
    if !answer.status.is_success() {
        return refused_status("Feishu", answer);
    }
    let parsed = serde_json::from_str::<FeishuAnswer>(&answer.body).ok();
    let code = parsed.as_ref().and_then(|a| a.code.or(a.status_code));
    match (code, parsed) {
        (Some(0), _) => Delivery::delivered("delivered to Feishu"),
        (Some(code), Some(a)) => {
            let words = a.msg.or(a.status_message).unwrap_or_default();
            Delivery::failed(format!(
                "Feishu refused the message: code {code} ({})",
                excerpt(&words)
            ))
        }
        _ => Delivery::failed(format!(
            "Feishu answered HTTP {} without a code: {}",
            answer.status.as_u16(),
            answer.excerpt()
        )),
    }
}
