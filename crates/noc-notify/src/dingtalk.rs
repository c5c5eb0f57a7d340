//! DingTalk (钉钉) custom robot: `POST …/robot/send?access_token=…` with a text
//! message. A robot with 加签 (signing) wants `timestamp` (ms) and `sign` in the
//! query: `sign` = URL-encoded base64 of HMAC-SHA256 keyed with the secret over
//! `timestamp + "\n" + secret`. The answer is `{"errcode":0,"errmsg":"ok"}`, or
//! another errcode (310000 for a wrong signature or missing keyword) with HTTP 200.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use noc_model::Millis;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

use crate::channel::ChannelSpec;
use crate::post::{excerpt, post_json, refused_status, Answer};
use crate::Delivery;

/// The signature DingTalk expects for `timestamp` (ms), base64 (not yet URL-encoded).
pub fn sign(timestamp: Millis, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC accepts a key of any length");
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

pub(crate) async fn send(
    client: &reqwest::Client,
    spec: &ChannelSpec,
    text: &str,
    now: Millis,
) -> Delivery {
    let mut url = spec.url.expose().to_string();
    if let Some(secret) = &spec.secret {
        let signature = sign(now, secret.expose());
        let sep = if url.contains('?') { '&' } else { '?' };
        url = format!(
            "{url}{sep}timestamp={now}&sign={}",
            utf8_percent_encode(&signature, NON_ALPHANUMERIC)
        );
    }
    let body = json!({ "msgtype": "text", "text": { "content": text } });
    match post_json(client, spec, &url, &body, None).await {
        Ok(answer) => check_errcode("DingTalk", &answer),
        Err(failed) => failed,
    }
}

#[derive(Deserialize)]
struct ErrAnswer {
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// `errcode` 0 is the only success: these robots answer refusals with HTTP 200.
pub(crate) fn check_errcode(product: &str, answer: &Answer) -> Delivery {
    if !answer.status.is_success() {
        return refused_status(product, answer);
    }
    match serde_json::from_str::<ErrAnswer>(&answer.body) {
        Ok(ErrAnswer { errcode: 0, .. }) => Delivery::delivered(format!("delivered to {product}")),
        Ok(ErrAnswer { errcode, errmsg }) => Delivery::failed(format!(
            "{product} refused the message: errcode {errcode} ({})",
            excerpt(&errmsg)
        )),
        Err(_) => Delivery::failed(format!(
            "{product} answered HTTP {} without an errcode: {}",
            answer.status.as_u16(),
            answer.excerpt()
        )),
    }
}
