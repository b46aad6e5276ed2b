//! RFC 8785 JSON Canonicalization Scheme (JCS): one byte string for one JSON value, so that a
//! signature made over a payload here verifies over the same payload parsed anywhere else.
//!
//! Written here rather than taken from a crate for one reason: the crates we looked at
//! (`serde_json_canonicalizer`, `serde_jcs`) turn every integer into an IEEE 754 double first,
//! as the RFC says, so 9007199254740993 and 9007199254740992 canonicalize to the same bytes and
//! a signature over one also verifies over the other. We keep integers exact instead (see
//! [`canonical_json`]); everything else follows the RFC, and the tests check our output against
//! `serde_json_canonicalizer` wherever the two must agree.

use serde_json::{Map, Number, Value};

/// The RFC 8785 canonical form of `value`: object members sorted by the UTF-16 code units of
/// their names, no insignificant whitespace, strings escaped as RFC 8785 §3.2.2.2 says, and
/// numbers as ECMAScript's `Number.prototype.toString` writes them (RFC 8785 §3.2.2.3).
///
/// **Integers.** A number that `serde_json` holds as an integer (`u64` or `i64`) is written with
/// its exact decimal digits. Within ±2^53 that is byte-for-byte what the RFC prescribes; beyond
/// it the RFC would round to the nearest double, which would let two different payloads share a
/// signature, so we deviate there on purpose. Put integers above 2^53 in strings when the
/// signature must also verify with another JCS implementation.
///
/// **Floats** are formatted exactly as the RFC requires (shortest round-trip digits, exponent
/// from 1e21 up and below 1e-6, `-0` written as `0`). `serde_json` cannot hold NaN or infinity.
///
/// Values read by [`crate::Sealed::from_json`] nest at most 128 deep (serde_json's limit); a
/// value built in code is walked recursively, so do not build one thousands of levels deep.
///
/// ```
/// let v = serde_json::json!({"b": [1.0, 1e21, 0.000001], "a": "\u{20ac}\n"});
/// let bytes = dtsec_seal::canonical_json(&v);
/// assert_eq!(bytes, "{\"a\":\"\u{20ac}\\n\",\"b\":[1,1e+21,0.000001]}".as_bytes());
/// ```
pub fn canonical_json(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => write_object(map, out),
    }
}

/// RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code units, compared
/// without regard to locale. This differs from sorting UTF-8 bytes (or `char`s) only for names
/// holding characters beyond U+FFFF next to characters from U+E000 to U+FFFF.
fn write_object(map: &Map<String, Value>, out: &mut Vec<u8>) {
    let mut members: Vec<(&String, &Value)> = map.iter().collect();
    members.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    out.push(b'{');
    for (i, (name, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(name, out);
        out.push(b':');
        write_value(value, out);
    }
    out.push(b'}');
}

/// RFC 8785 §3.2.2.2: `"` and `\` are escaped, the control characters U+0000 to U+001F use the
/// short escapes `\b \t \n \f \r` where JSON has one and `\u00xx` (lower-case hex) otherwise;
/// every other character, `/` and U+007F included, is written as itself in UTF-8.
fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0a => b"\\n",
            0x0c => b"\\f",
            0x0d => b"\\r",
            0x00..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ],
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// RFC 8785 §3.2.2.3, with the integer exception documented on [`canonical_json`].
fn write_number(n: &Number, out: &mut Vec<u8>) {
    if let Some(u) = n.as_u64() {
        out.extend_from_slice(u.to_string().as_bytes());
    } else if let Some(i) = n.as_i64() {
        out.extend_from_slice(i.to_string().as_bytes());
    } else if let Some(f) = n.as_f64().filter(|f| f.is_finite()) {
        let mut buffer = ryu_js::Buffer::new();
        out.extend_from_slice(buffer.format_finite(f).as_bytes());
    } else {
        // Only reachable with serde_json's `arbitrary_precision` feature, for a number too large
        // for a double: keep its digits rather than invent a value.
        out.extend_from_slice(n.to_string().as_bytes());
    }
}
