//! WeCom (企业微信) group robot: `POST …/cgi-bin/webhook/send?key=…` with a text
//! message; the answer is `{"errcode":0,"errmsg":"ok"}` on success, and HTTP 200
//! with another errcode when refused (e.g. 93000 for a wrong key, 45009 over the
//! robot's 20 messages a minute).

use serde_json::json;

use crate::channel::ChannelSpec;
use crate::post::{post_json, Answer};
use crate::{dingtalk, Delivery};

pub(crate) async fn send(client: &reqwest::Client, spec: &ChannelSpec, text: &str) -> Delivery {
    let body = json!({ "msgtype": "text", "text": { "content": text } });
    match post_json(client, spec, spec.url.expose(), &body, None).await {
        Ok(answer) => check(&answer),
        Err(failed) => failed,
    }
}

/// The markdown message WeCom renders with its subset (bold, quotes, three font
/// colours); see [`crate::Notice::markdown`].
pub(crate) async fn send_markdown(
    client: &reqwest::Client,
    spec: &ChannelSpec,
    content: &str,
) -> Delivery {
    let body = json!({ "msgtype": "markdown", "markdown": { "content": content } });
    match post_json(client, spec, spec.url.expose(), &body, None).await {
        Ok(answer) => check(&answer),
        Err(failed) => failed,
    }
}

/// WeCom answers as DingTalk does: `errcode` and `errmsg`.
pub(crate) fn check(answer: &Answer) -> Delivery {
    dingtalk::check_errcode("WeCom", answer)
}
