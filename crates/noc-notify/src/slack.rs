//! Slack incoming webhook: `POST https://hooks.slack.com/services/…` with
//! `{"text":…}`. Slack answers `ok` with HTTP 200, and a word such as
//! `invalid_payload` (400), `invalid_token` (403) or `no_service` (404) otherwise.

use serde_json::json;

use crate::channel::ChannelSpec;
use crate::post::{post_json, refused_status};
use crate::Delivery;

pub(crate) async fn send(client: &reqwest::Client, spec: &ChannelSpec, text: &str) -> Delivery {
    let body = json!({ "text": text });
    match post_json(client, spec, spec.url.expose(), &body, None).await {
        Ok(answer) if answer.status.is_success() => Delivery::delivered("delivered to Slack"),
        Ok(answer) => refused_status("Slack", &answer),
        Err(failed) => failed,
    }
}
