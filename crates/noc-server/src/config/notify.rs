//! `[[notify]]`: the outbound notification channels, checked with the line of the
//! offending key. The webhook URL of a chat robot carries its access token, so it
//! is read from the environment variable `url_env` names; only a plain JSON webhook
//! may give `url` in the file.

use noc_model::Severity;
use noc_notify::{ChannelKind, ChannelSpec, Language, Trigger};
use serde::Deserialize;
use toml::Spanned;

use super::sources::Refusal;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySection {
    pub name: Spanned<String>,
    pub kind: Spanned<String>,
    /// The environment variable holding the webhook URL (with its token).
    pub url_env: Option<Spanned<String>>,
    /// A URL without a secret in it: only for `kind = "webhook"`.
    pub url: Option<Spanned<String>>,
    /// The environment variable holding the DingTalk/Feishu signing secret, or a
    /// webhook's bearer token.
    pub secret_env: Option<Spanned<String>>,
    pub min_severity: Option<Spanned<String>>,
    pub triggers: Option<Spanned<Vec<String>>>,
    pub rate_per_minute: Option<Spanned<u32>>,
    pub language: Option<Spanned<String>>,
    pub timeout_secs: Option<Spanned<u32>>,
    /// WeCom only: `"text"` (default) or `"markdown"`.
    pub format: Option<Spanned<String>>,
}

/// Checks every entry as far as the file can tell (the environment is read at
/// start, by [`NotifySection::channel`]).
pub fn check(entries: &[NotifySection]) -> Result<(), Refusal> {
    let mut names = std::collections::BTreeSet::new();
    for entry in entries {
        let spec = entry.spec_without_secrets()?;
        if !names.insert(spec.name.clone()) {
            return Err((
                entry.name.span().start,
                format!("notify.name \"{}\" is used twice", spec.name),
            ));
        }
    }
    Ok(())
}

impl NotifySection {
    /// The channel with its URL and secret read from the environment; a missing
    /// variable is a start-up error, never a channel that silently tells nobody.
    pub fn channel(&self) -> Result<ChannelSpec, String> {
        let mut spec = self.spec_without_secrets().map_err(|(_, why)| why)?;
        let name = spec.name.clone();
        if let Some(var) = &self.url_env {
            let url = read_env(&name, var.get_ref(), "url_env")?;
            // The value is never repeated: it holds the robot's access token.
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!(
                    "notify channel \"{name}\": the environment variable {} (url_env) does not \
                     hold an http:// or https:// URL",
                    var.get_ref().trim()
                ));
            }
            spec.url = noc_notify::Secret::new(url);
        }
        if let Some(var) = &self.secret_env {
            spec.secret = Some(noc_notify::Secret::new(read_env(
                &name,
                var.get_ref(),
                "secret_env",
            )?));
        }
        Ok(spec)
    }

    fn spec_without_secrets(&self) -> Result<ChannelSpec, Refusal> {
        let name = self.name.get_ref().trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err((
                self.name.span().start,
                format!("notify.name \"{name}\" must be letters, digits, '-', '_' or '.'"),
            ));
        }
        let kind: ChannelKind = self
            .kind
            .get_ref()
            .parse()
            .map_err(|e| (self.kind.span().start, format!("notify.kind: {e}")))?;
        let url = self.plain_url(kind)?;
        let mut spec = ChannelSpec::new(name, kind, url);
        self.check_secret_env(kind)?;
        if let Some(word) = &self.min_severity {
            spec.min_severity = Severity::ALL
                .into_iter()
                .find(|s| s.as_str() == word.get_ref().trim())
                .ok_or_else(|| {
                    (
                        word.span().start,
                        format!(
                            "notify.min_severity \"{}\" is not one of critical, major, minor, warning, unknown, info",
                            word.get_ref()
                        ),
                    )
                })?;
        }
        if let Some(triggers) = &self.triggers {
            spec.triggers = triggers
                .get_ref()
                .iter()
                .map(|t| t.parse::<Trigger>())
                .collect::<Result<_, _>>()
                .map_err(|e| (triggers.span().start, format!("notify.triggers: {e}")))?;
        }
        if let Some(rate) = &self.rate_per_minute {
            if *rate.get_ref() == 0 {
                return Err((
                    rate.span().start,
                    "notify.rate_per_minute must be at least 1".into(),
                ));
            }
            spec.rate_per_minute = *rate.get_ref();
        }
        if let Some(language) = &self.language {
            spec.language = language
                .get_ref()
                .parse::<Language>()
                .map_err(|e| (language.span().start, format!("notify.language: {e}")))?;
        }
        if let Some(format) = &self.format {
            spec.markdown = match (kind, format.get_ref().trim()) {
                (_, "text") => false,
                (ChannelKind::WeCom, "markdown") => true,
                (_, other) => {
                    return Err((
                        format.span().start,
                        format!(
                            "notify.format \"{other}\": \"text\", or \"markdown\" for a WeCom robot"
                        ),
                    ))
                }
            };
        }
        if let Some(secs) = &self.timeout_secs {
            if !(1..=60).contains(secs.get_ref()) {
                return Err((
                    secs.span().start,
                    "notify.timeout_secs must be between 1 and 60".into(),
                ));
            }
            spec.timeout = std::time::Duration::from_secs(u64::from(*secs.get_ref()));
        }
        Ok(spec)
    }

    /// `url` from the file, or empty until `url_env` is read.
    fn plain_url(&self, kind: ChannelKind) -> Result<String, Refusal> {
        match (&self.url, &self.url_env) {
            (Some(_), Some(var)) => Err((
                var.span().start,
                "notify: give url or url_env, not both".into(),
            )),
            (None, None) => Err((
                self.name.span().start,
                "notify: url_env (the environment variable holding the webhook URL) is required"
                    .into(),
            )),
            (None, Some(var)) => {
                check_var_name(var, "url_env")?;
                Ok(String::new())
            }
            (Some(url), None) if kind != ChannelKind::Webhook => Err((
                url.span().start,
                format!(
                    "notify.url: a {} robot's URL carries its access token; put it in an \
                     environment variable and name that in url_env",
                    kind.product()
                ),
            )),
            (Some(url), None) => {
                let text = url.get_ref().trim();
                if text.starts_with("http://") || text.starts_with("https://") {
                    Ok(text.to_string())
                } else {
                    Err((
                        url.span().start,
                        format!("notify.url \"{text}\" must start with http:// or https://"),
                    ))
                }
            }
        }
    }

    fn check_secret_env(&self, kind: ChannelKind) -> Result<(), Refusal> {
        let Some(var) = &self.secret_env else {
            return Ok(());
        };
        if !kind.takes_secret() {
            return Err((
                var.span().start,
                format!(
                    "notify.secret_env: {} robots do not sign their messages",
                    kind.product()
                ),
            ));
        }
        check_var_name(var, "secret_env")
    }
}

fn check_var_name(var: &Spanned<String>, key: &str) -> Result<(), Refusal> {
    let name = var.get_ref().trim();
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err((
            var.span().start,
            format!(
                "notify.{key} must be the name of an environment variable (e.g. NOC_WECOM_URL), \
                 not the secret itself"
            ),
        ))
    }
}

fn read_env(channel: &str, var: &str, key: &str) -> Result<String, String> {
    let var = var.trim();
    match std::env::var(var) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_string()),
        Ok(_) => Err(format!(
            "notify channel \"{channel}\": the environment variable {var} ({key}) is empty"
        )),
        Err(_) => Err(format!(
            "notify channel \"{channel}\": the environment variable {var} ({key}) is not set"
        )),
    }
}
