//! Source positions that survive parsing, so every finding can point at the exact line and column.
//!
//! The YAML reader (serde-saphyr) knows where each node came from; [`Spanned`] keeps that position
//! beside the value in the model. The model owns its own [`Span`] type so that other readers (NIAP
//! XML import, built-in documents) can produce positions too without depending on the YAML crate.

use serde::{Deserialize, Deserializer};

/// Where a value came from in its source file: 1-based line and column, and the byte range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub column: u32,
    /// Byte offset of the first byte, when known.
    pub offset: Option<usize>,
    /// Length in bytes, when known.
    pub len: usize,
}

impl Span {
    /// A span for values that were not read from a file (defaults, synthesized entries).
    pub const UNKNOWN: Span = Span {
        line: 0,
        column: 0,
        offset: None,
        len: 0,
    };

    /// True when the span points somewhere real.
    pub fn is_known(&self) -> bool {
        self.line > 0
    }

    fn from_location(loc: serde_saphyr::Location) -> Span {
        let span = loc.span();
        Span {
            line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
            column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
            offset: span.byte_offset().and_then(|o| usize::try_from(o).ok()),
            len: span
                .byte_len()
                .and_then(|l| usize::try_from(l).ok())
                .unwrap_or(0),
        }
    }
}

/// A value together with the place in the source it was read from.
///
/// Equality and hashing look only at the value, so spanned identifiers compare like plain ones.
#[derive(Clone, Debug, Default)]
pub struct Spanned<T> {
    /// The value itself.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps a value with a span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }

    /// Wraps a value that has no source position.
    pub fn unspanned(value: T) -> Self {
        Spanned {
            value,
            span: Span::UNKNOWN,
        }
    }
}

impl Spanned<String> {
    /// The string value.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: std::fmt::Display> std::fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

/// Reading a spanned value: from YAML through serde-saphyr, which reports where each node was;
/// from a compact binary form (the built-in documents' compiled form, see `crate::compiled`) as
/// the value followed by its span, which [`Spanned`]'s `Serialize` writes for such formats.
///
/// Why the switch on `is_human_readable`: text formats (YAML, JSON) show the document as its
/// author wrote it, without positions; binary formats exist here only to carry a parsed
/// document with its positions, so a diagnostic about a built-in PP still points at its line.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if !deserializer.is_human_readable() {
            return deserializer.deserialize_tuple(5, WithSpanVisitor(std::marker::PhantomData));
        }
        let inner = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned {
            value: inner.value,
            span: Span::from_location(inner.referenced),
        })
    }
}

/// Reads `(value, line, column, offset, len)`, the binary form of a [`Spanned`].
struct WithSpanVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for WithSpanVisitor<T> {
    type Value = Spanned<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value with its line, column, byte offset and length")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error as _;
        let missing = |i| A::Error::invalid_length(i, &"5 fields");
        let value = seq.next_element()?.ok_or_else(|| missing(0))?;
        let line = seq.next_element()?.ok_or_else(|| missing(1))?;
        let column = seq.next_element()?.ok_or_else(|| missing(2))?;
        let offset = seq.next_element()?.ok_or_else(|| missing(3))?;
        let len = seq.next_element()?.ok_or_else(|| missing(4))?;
        Ok(Spanned {
            value,
            span: Span {
                line,
                column,
                offset,
                len,
            },
        })
    }
}

impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return self.value.serialize(serializer);
        }
        use serde::ser::SerializeTuple as _;
        let mut t = serializer.serialize_tuple(5)?;
        t.serialize_element(&self.value)?;
        t.serialize_element(&self.span.line)?;
        t.serialize_element(&self.span.column)?;
        t.serialize_element(&self.span.offset)?;
        t.serialize_element(&self.span.len)?;
        t.end()
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}
