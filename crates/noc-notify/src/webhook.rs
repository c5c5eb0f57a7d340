//! A generic JSON webhook, for ticketing systems, paging gateways and scripts: the
//! notice as data (`channel`, `trigger`, `text`, `incident`, `at`), with the
//! secret as a bearer token when one is set. Any 2xx answer is a delivery.

use noc_model::Millis;
use serde_json::json;

use crate::channel::ChannelSpec;
use crate::message::Notice;
use crate::post::{post_json, refused_status};
use crate::Delivery;

pub(crate) async fn send(
    client: &reqwest::Client,
    spec: &ChannelSpec,
    notice: &Notice,
    text: &str,
    now: Millis,
) -> Delivery {
    let body = json!({
        "channel": spec.name,
        "trigger": notice.reason.trigger(),
        "text": text,
        "incident": notice.incident,
        "detail": notice.reason.detail(),
        "at": now,
    });
    let bearer = spec.secret.as_ref().map(|s| s.expose());
    match post_json(client, spec, spec.url.expose(), &body, bearer).await {
        Ok(answer) if answer.status.is_success() => Delivery::delivered(format!(
            "delivered to the webhook (HTTP {})",
            answer.status.as_u16()
        )),
        Ok(answer) => refused_status("The webhook", &answer),
        Err(failed) => failed,
    }
}
