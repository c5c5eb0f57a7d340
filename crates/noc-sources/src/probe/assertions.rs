//! What an HTTP probe's answer body must say: a keyword, a regular expression, a
//! JSONPath with its expected value. Compiled once when the probe starts, so a
//! mistyped pattern is refused with the definition instead of failing every run.

use noc_model::HttpProbe;
use regex::Regex;
use serde_json_path::JsonPath;

use crate::source::SourceError;

pub(super) struct BodyAssertions {
    keyword: Option<String>,
    regex: Option<Regex>,
    json: Option<JsonAssertion>,
}

struct JsonAssertion {
    text: String,
    path: JsonPath,
    /// Without a value, the path only has to exist.
    equals: Option<String>,
}

impl BodyAssertions {
    pub fn new(probe: &HttpProbe) -> Result<Self, SourceError> {
        let regex = probe
            .regex
            .as_deref()
            .map(|pattern| {
                Regex::new(pattern).map_err(|err| {
                    SourceError::Invalid(format!("regex \"{pattern}\" is not valid: {err}"))
                })
            })
            .transpose()?;
        let json = match (&probe.json_path, &probe.json_equals) {
            (Some(text), equals) => Some(JsonAssertion {
                path: JsonPath::parse(text).map_err(|err| {
                    SourceError::Invalid(format!("JSONPath \"{text}\" is not valid: {err}"))
                })?,
                text: text.clone(),
                equals: equals.clone(),
            }),
            (None, Some(_)) => {
                return Err(SourceError::Invalid(
                    "json_equals needs a json_path to compare".into(),
                ))
            }
            (None, None) => None,
        };
        Ok(Self {
            keyword: probe.keyword.clone().filter(|k| !k.is_empty()),
            regex,
            json,
        })
    }

    /// `Err` says, in plain words, the first assertion the body fails.
    pub fn verdict(&self, body: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(body);
        if let Some(keyword) = &self.keyword {
            if !text.contains(keyword.as_str()) {
                return Err(format!("body does not contain \"{keyword}\""));
            }
        }
        if let Some(regex) = &self.regex {
            if !regex.is_match(&text) {
                return Err(format!("body does not match /{}/", regex.as_str()));
            }
        }
        match &self.json {
            Some(json) => json.verdict(body),
            None => Ok(()),
        }
    }
}

impl JsonAssertion {
    fn verdict(&self, body: &[u8]) -> Result<(), String> {
        let document: serde_json::Value = serde_json::from_slice(body)
            .map_err(|err| format!("body is not JSON ({err}), cannot read {}", self.text))?;
        let found = self.path.query(&document).all();
        let Some(value) = found.first() else {
            return Err(format!("{} not found in the body", self.text));
        };
        let Some(expected) = &self.equals else {
            return Ok(());
        };
        // A string is compared by its text and anything else by its JSON form, so
        // that `up`, `200` and `true` can all be written plainly in the definition.
        let actual = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        if &actual == expected {
            Ok(())
        } else {
            Err(format!("{} is {value}, expected \"{expected}\"", self.text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe() -> HttpProbe {
        HttpProbe {
            url: "http://shop.example/health".into(),
            method: None,
            expect_status: Vec::new(),
            keyword: None,
            regex: None,
            json_path: None,
            json_equals: None,
            cert_warn_days: None,
            auth: None,
        }
    }

    #[test]
    fn keyword_and_regex_failures_say_what_was_missing() {
        let checks = BodyAssertions::new(&HttpProbe {
            keyword: Some("ok".into()),
            regex: Some(r"version \d+".into()),
            ..probe()
        })
        .unwrap();
        assert_eq!(checks.verdict(b"all ok, version 12"), Ok(()));
        assert_eq!(
            checks.verdict(b"down"),
            Err("body does not contain \"ok\"".into())
        );
        assert_eq!(
            checks.verdict(b"ok, version x"),
            Err(r"body does not match /version \d+/".into())
        );
    }

    #[test]
    fn json_values_are_compared_as_written() {
        let at = |path: &str, equals: &str| {
            BodyAssertions::new(&HttpProbe {
                json_path: Some(path.into()),
                json_equals: Some(equals.into()),
                ..probe()
            })
            .unwrap()
        };
        let body = br#"{"status":"down","checks":{"db":true,"lag":3}}"#;
        assert_eq!(
            at("$.status", "up").verdict(body),
            Err("$.status is \"down\", expected \"up\"".into())
        );
        assert_eq!(at("$.status", "down").verdict(body), Ok(()));
        assert_eq!(at("$.checks.db", "true").verdict(body), Ok(()));
        assert_eq!(at("$.checks.lag", "3").verdict(body), Ok(()));
        assert_eq!(
            at("$.version", "2").verdict(body),
            Err("$.version not found in the body".into())
        );
        let not_json = at("$.status", "up").verdict(b"<html>").unwrap_err();
        assert!(not_json.starts_with("body is not JSON"), "{not_json}");
    }

    #[test]
    fn bad_patterns_are_refused_with_the_definition() {
        let bad_regex = BodyAssertions::new(&HttpProbe {
            regex: Some("(".into()),
            ..probe()
        });
        assert!(matches!(bad_regex, Err(SourceError::Invalid(m)) if m.contains("regex")));
        let bad_path = BodyAssertions::new(&HttpProbe {
            json_path: Some("status[".into()),
            ..probe()
        });
        assert!(matches!(bad_path, Err(SourceError::Invalid(m)) if m.contains("JSONPath")));
        let no_path = BodyAssertions::new(&HttpProbe {
            json_equals: Some("up".into()),
            ..probe()
        });
        assert!(no_path.is_err());
    }
}
