//! The Prometheus text exposition format, as far as a blackbox exporter's `/probe`
//! answer needs it: `name{label="value",...} value [timestamp]` lines, comments
//! and blank lines skipped, label values with `\\`, `\"` and `\n` escapes.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Every sample of the text; `Err` names the first line that is not one.
pub(super) fn parse(text: &str) -> Result<Vec<Sample>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        })
        .map(|(index, line)| {
            sample(line.trim())
                .ok_or_else(|| format!("line {} is not a metric sample: {line}", index + 1))
        })
        .collect()
}

fn sample(line: &str) -> Option<Sample> {
    let name_end = line
        .find(|c: char| c == '{' || c.is_whitespace())
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() {
        return None;
    }
    let mut rest = &line[name_end..];
    let mut labels = BTreeMap::new();
    if let Some(after_brace) = rest.strip_prefix('{') {
        rest = label_set(after_brace, &mut labels)?;
    }
    let value = rest.split_whitespace().next()?;
    Some(Sample {
        name: name.to_string(),
        labels,
        value: number(value)?,
    })
}

/// Reads `a="1",b="2"}` into `labels`; returns what follows the closing brace.
fn label_set<'a>(mut rest: &'a str, labels: &mut BTreeMap<String, String>) -> Option<&'a str> {
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            return Some(after);
        }
        let (name, after_name) = rest.split_once('=')?;
        let (value, after_value) = quoted(after_name.trim_start().strip_prefix('"')?)?;
        labels.insert(name.trim().to_string(), value);
        rest = after_value.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

/// The value of a quoted label up to its closing quote, and what follows.
fn quoted(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[index + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                other => value.push(other),
            },
            other => value.push(other),
        }
    }
    None
}

fn number(text: &str) -> Option<f64> {
    match text {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_with_and_without_labels() {
        let text = "# HELP probe_success Displays whether or not the probe was a success\n\
                    # TYPE probe_success gauge\n\
                    probe_success 1\n\
                    \n\
                    probe_http_duration_seconds{phase=\"connect\"} 0.000274\n\
                    weird{a=\"x\\\"y\\\\z\\n\", b = \"}\"} +Inf 1700000000000\n";
        let samples = parse(text).unwrap();
        assert_eq!(samples.len(), 3);
        assert_eq!(samples[0].name, "probe_success");
        assert_eq!(samples[0].value, 1.0);
        assert!(samples[0].labels.is_empty());
        assert_eq!(samples[1].labels["phase"], "connect");
        assert_eq!(samples[1].value, 0.000274);
        assert_eq!(samples[2].labels["a"], "x\"y\\z\n");
        assert_eq!(samples[2].labels["b"], "}");
        assert_eq!(samples[2].value, f64::INFINITY);
    }

    #[test]
    fn a_line_that_is_no_sample_is_named() {
        let err = parse("probe_success 1\nprobe_duration_seconds{phase=\"x\" 2\n").unwrap_err();
        assert!(err.starts_with("line 2 "), "{err}");
        assert!(parse("<html>oops</html>").is_err());
    }
}
