//! Alertmanager's timestamps (RFC 3339) to and from the console's milliseconds,
//! without a calendar library: only UTC and fixed offsets occur.

use noc_model::{civil_from_days, days_from_civil, Millis};

const DAY_MS: i64 = 86_400_000;

/// `2026-11-22T22:40:00.123Z`.
pub fn format(at: Millis) -> String {
    let (days, ms) = (at.div_euclid(DAY_MS), at.rem_euclid(DAY_MS));
    let (year, month, day) = civil_from_days(days);
    let secs = ms / 1000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        ms % 1000
    )
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; anything else is `None`.
pub fn parse(text: &str) -> Option<Millis> {
    let bytes = text.as_bytes();
    let number = |from: usize, len: usize| digits(text, from, len);
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if bytes.len() < 20 || separators.iter().any(|(i, c)| bytes[*i] != *c) {
        return None;
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = text.get(19..)?;
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let count = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if count == 0 {
            return None;
        }
        millis = format!("{:0<3}", &fraction[..count.min(3)]).parse().ok()?;
        rest = &fraction[count..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            sign * (digits(rest, 1, 2)? * 60 + digits(rest, 4, 2)?)
        }
    };
    let days = days_from_civil(year, month as u32, day as u32);
    let local = days * DAY_MS + (hour * 3600 + minute * 60 + second) * 1000 + millis;
    Some(local - offset_minutes * 60_000)
}

/// The number written with exactly `len` ASCII digits at `from`.
fn digits(text: &str, from: usize, len: usize) -> Option<i64> {
    let part = text.get(from..from + len)?;
    part.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| part.parse().ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants_round_trip() {
        assert_eq!(format(0), "1970-01-01T00:00:00.000Z");
        // 2026-11-22T22:40:00Z is 1795387200 s (`date -u -d ... +%s`).
        let at = 1_795_387_200_123;
        assert_eq!(format(at), "2026-11-22T22:40:00.123Z");
        assert_eq!(parse("2026-11-22T22:40:00.123Z"), Some(at));
        assert_eq!(parse("2026-11-22T22:40:00.123456789Z"), Some(at));
        assert_eq!(parse("2026-11-23T06:40:00.123+08:00"), Some(at));
        assert_eq!(parse("2026-11-22T22:40:00Z"), Some(at - 123));
        assert_eq!(parse("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
    }

    #[test]
    fn malformed_times_are_refused() {
        for text in [
            "",
            "2026-11-22",
            "2026-11-22T22:40:00",
            "2026-13-22T22:40:00Z",
            "2026-11-22T22:40:00.Z",
            "2026-11-22T22:40:00+0800",
            "２026-11-22T22:40:00Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
