//! The bytes of a file as text.

use crate::TopologyError;

/// The file as UTF-8 text without a byte-order mark (spreadsheets write one). Other
/// encodings are refused at the line of the first byte that is not UTF-8, since
/// guessing an encoding would garble names silently.
pub(super) fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, TopologyError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + good.iter().rev().take_while(|&&b| b != b'\n').count();
        TopologyError::AtLine {
            file: file.to_string(),
            line,
            message: format!(
                "byte 0x{:02X} at column {column} is not UTF-8 text; save the file as UTF-8",
                bytes[e.valid_up_to()]
            ),
        }
    })
}
