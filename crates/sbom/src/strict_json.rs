//! A JSON reader stricter than `serde_json::from_slice`: it refuses duplicate object keys (which
//! `serde_json` silently resolves to the last one, so two tools could read one SBOM two ways) and
//! nesting deeper than a limit, and reports both with a line and column.

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Why the text is not acceptable JSON, with a 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// `SBOM-JSON`, `SBOM-DUPKEY` or `SBOM-LIMIT`.
    pub rule: &'static str,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

const DUP_MARK: &str = "duplicate key ";
const DEPTH_MARK: &str = "nesting deeper than ";

/// Parses `text` as one JSON value, refusing duplicate keys and nesting deeper than `max_depth`.
pub fn parse(text: &str, max_depth: usize) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    // serde_json's own recursion guard stops at 128; ours is the configured one (lower).
    let value = Seed {
        depth: 0,
        max_depth,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v))
    .map_err(|e| {
        let msg = e.to_string();
        let rule = if msg.contains(DUP_MARK) {
            "SBOM-DUPKEY"
        } else if msg.contains(DEPTH_MARK) {
            "SBOM-LIMIT"
        } else {
            "SBOM-JSON"
        };
        // serde_json appends " at line L column C"; keep the message without it.
        let message = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        JsonError {
            rule,
            line: e.line(),
            column: e.column(),
            message,
        }
    })?;
    Ok(value)
}

struct Seed {
    depth: usize,
    max_depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Seed {
    fn child<E: serde::de::Error>(&self) -> Result<Seed, E> {
        if self.depth >= self.max_depth {
            return Err(E::custom(format!(
                "{DEPTH_MARK}{} levels: flatten the document or raise the limit",
                self.max_depth
            )));
        }
        Ok(Seed {
            depth: self.depth + 1,
            max_depth: self.max_depth,
        })
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self.child::<A::Error>()?)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(A::Error::custom(format!(
                    "{DUP_MARK}\"{key}\": each key may appear once in an object; remove the repeated one"
                )));
            }
            let v = map.next_value_seed(self.child::<A::Error>()?)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_with_a_position() {
        let e = parse("{\n  \"a\": 1,\n  \"a\": 2\n}", 16).unwrap_err();
        assert_eq!(e.rule, "SBOM-DUPKEY");
        assert_eq!(e.line, 3);
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(parse(&deep, 32).unwrap_err().rule, "SBOM-LIMIT");
        assert!(parse(&deep, 64).is_ok());
    }

    #[test]
    fn trailing_garbage_is_refused() {
        assert_eq!(parse("{} x", 8).unwrap_err().rule, "SBOM-JSON");
    }
}
