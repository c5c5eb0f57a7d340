//! The SHA-256 fingerprint of a hub's certificate, written the way the hub prints it
//! (`AB:CD:…`) so that an operator can compare the two by eye.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER-encoded certificate.
    pub fn of_certificate(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 fingerprint (64 hexadecimal digits, colons optional): {0}")]
pub struct NotAFingerprint(String);

/// Accepts what operators copy from a terminal or a browser: upper or lower case,
/// with colons, spaces or nothing between the bytes.
impl FromStr for Fingerprint {
    type Err = NotAFingerprint;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .collect();
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&digits, &mut bytes).map_err(|_| NotAFingerprint(text.to_owned()))?;
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes() {
        let fingerprint = Fingerprint::of_certificate(b"certificate");
        let written = fingerprint.to_string();
        assert_eq!(written.len(), 32 * 3 - 1);
        assert!(written
            .chars()
            .all(|c| c == ':' || c.is_ascii_digit() || c.is_ascii_uppercase()));
        assert_eq!(written.parse::<Fingerprint>().unwrap(), fingerprint);
        assert_eq!(
            written
                .to_lowercase()
                .replace(':', "")
                .parse::<Fingerprint>()
                .unwrap(),
            fingerprint
        );
    }

    #[test]
    fn refuses_short_or_foreign_text() {
        assert!("AB:CD".parse::<Fingerprint>().is_err());
        assert!("zz".repeat(32).parse::<Fingerprint>().is_err());
    }
}
