//! Operation slots in requirement text, and their completions in a Security Target.
//!
//! ISO/IEC 15408 lets a PP leave parts of an element open: an *assignment* (the ST author fills
//! in a value) or a *selection* (the ST author picks among given choices). A choice may itself
//! hold further operations (nesting). In element text, `{name}` marks where operation `name`
//! goes; names are unique within one SFR instance, nested ones included, so a completion is a
//! flat map from name to value.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::span::Spanned;

/// One operation slot. Exactly one of `assignment` and `selection` is set (the checker says so
/// when not); the remaining fields constrain the value.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// An assignment, described by what the value is, e.g. `list of key sizes`.
    #[serde(default)]
    pub assignment: Option<String>,
    /// A selection among these choices.
    #[serde(default)]
    pub selection: Option<Vec<Choice>>,
    /// For a selection: only one choice may be made (otherwise one or more).
    #[serde(default)]
    pub exclusive: bool,
    /// For an assignment: the value must be a number, and of this kind.
    #[serde(default)]
    pub value_type: Option<ValueType>,
    /// For a numeric assignment: the smallest allowed value.
    #[serde(default)]
    pub min: Option<f64>,
    /// For a numeric assignment: the largest allowed value.
    #[serde(default)]
    pub max: Option<f64>,
    /// For an assignment: a regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// For a selection: choices an ST must make when it plays a role or has a feature (a pump
    /// must carry therapy commands on its trusted channel). Checked by DT-CONF-013.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_choices: Vec<RequiredChoice>,
}

/// Choices of a selection that an ST must make under a condition (see
/// [`Operation::required_choices`]).
///
/// The condition holds when some part of the TOE plays one of `roles` or the TOE has one of
/// `features`; with neither given it always holds.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredChoice {
    /// Roles (ids from the PP's `roles`) that make the choices required.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Spanned<String>>,
    /// Features (ids from the PP's `features`) that make the choices required.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Spanned<String>>,
    /// The choices (by id or text) the ST must select.
    pub choices: Vec<Spanned<String>>,
    /// Why they are required, for the ST author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Operation {
    /// The operation's kind for messages.
    pub fn kind_label(&self) -> &'static str {
        match (&self.assignment, &self.selection) {
            (_, Some(_)) if self.exclusive => "exclusive selection",
            (_, Some(_)) => "selection",
            _ => "assignment",
        }
    }

    /// The nested operations inside this selection's choices, by name.
    pub fn nested(&self) -> impl Iterator<Item = (&String, &Operation)> {
        self.selection
            .iter()
            .flatten()
            .flat_map(|choice| choice.operations().iter())
    }
}

/// The number kinds an assignment can be constrained to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ValueType {
    /// A whole number.
    Integer,
    /// Any decimal number.
    Real,
}

/// One choice of a selection: plain text, or text with an id and nested operations.
// Untagged in YAML and JSON, tagged in binary forms: see `two_forms` (a `//` comment, as the
// doc comment is the JSON Schema's description).
#[derive(Clone, Debug, JsonSchema)]
#[serde(untagged)]
pub enum Choice {
    /// A choice that is just its text.
    Text(String),
    /// A choice with an id (what an ST selects by) and nested operations.
    Detailed(DetailedChoice),
}

/// A choice with an id and optional nested operations.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailedChoice {
    /// Short id the ST uses to select it; defaults to the text.
    #[serde(default)]
    pub id: Option<String>,
    /// The choice text; may contain `{name}` slots for nested operations.
    pub text: String,
    /// Nested operations, by name.
    #[serde(default)]
    pub operations: BTreeMap<String, Operation>,
    /// NIAP: choosing this option excludes all others.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclusive: bool,
}

impl Choice {
    /// The text of the choice.
    pub fn text(&self) -> &str {
        match self {
            Choice::Text(text) => text,
            Choice::Detailed(d) => &d.text,
        }
    }

    /// The id an ST uses to select it (the text when no id is given).
    pub fn id(&self) -> &str {
        match self {
            Choice::Text(text) => text,
            Choice::Detailed(d) => d.id.as_deref().unwrap_or(&d.text),
        }
    }

    /// True when `value` names this choice by id or text.
    pub fn matches(&self, value: &str) -> bool {
        self.id() == value || self.text() == value
    }

    /// Nested operations.
    pub fn operations(&self) -> &BTreeMap<String, Operation> {
        static EMPTY: BTreeMap<String, Operation> = BTreeMap::new();
        match self {
            Choice::Text(_) => &EMPTY,
            Choice::Detailed(d) => &d.operations,
        }
    }
}

/// The value an ST gives an operation: one value, or several for a non-exclusive selection.
// Untagged in YAML and JSON, tagged in binary forms: see `two_forms`.
#[derive(Clone, Debug, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum Completion {
    /// A single value (an assignment, or one selected choice).
    One(String),
    /// Several selected choices.
    Many(Vec<String>),
}

impl Completion {
    /// The values as a list.
    pub fn values(&self) -> Vec<&str> {
        match self {
            Completion::One(v) => vec![v.as_str()],
            Completion::Many(vs) => vs.iter().map(String::as_str).collect(),
        }
    }
}

/// The untagged enums of the model, read and written in two forms.
///
/// Why: serde reads an untagged enum by buffering the value and trying each variant on the
/// buffer, and that buffer tells the variants' fields that the format is human-readable. A
/// [`Spanned`] inside (a required choice's ids inside a detailed choice) would then look for
/// YAML positions in a binary document. Binary formats therefore tag the variant, which needs
/// no buffer; YAML and JSON keep the untagged form (and its error messages, which name the
/// enum) that authors write.
mod two_forms {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Choice, Completion, DetailedChoice};

    /// The forms as YAML and JSON have them.
    mod untagged {
        use serde::Deserialize;

        use super::DetailedChoice;

        #[derive(Deserialize)]
        #[serde(untagged)]
        pub(super) enum Choice {
            Text(String),
            Detailed(DetailedChoice),
        }

        #[derive(Deserialize)]
        #[serde(untagged)]
        pub(super) enum Completion {
            One(String),
            Many(Vec<String>),
        }
    }

    /// The forms binary formats have: externally tagged.
    mod tagged {
        use serde::Deserialize;

        use super::DetailedChoice;

        #[derive(Deserialize)]
        pub(super) enum Choice {
            Text(String),
            Detailed(DetailedChoice),
        }

        #[derive(Deserialize)]
        pub(super) enum Completion {
            One(String),
            Many(Vec<String>),
        }
    }

    impl From<untagged::Choice> for Choice {
        fn from(c: untagged::Choice) -> Choice {
            match c {
                untagged::Choice::Text(t) => Choice::Text(t),
                untagged::Choice::Detailed(d) => Choice::Detailed(d),
            }
        }
    }

    impl From<tagged::Choice> for Choice {
        fn from(c: tagged::Choice) -> Choice {
            match c {
                tagged::Choice::Text(t) => Choice::Text(t),
                tagged::Choice::Detailed(d) => Choice::Detailed(d),
            }
        }
    }

    impl From<untagged::Completion> for Completion {
        fn from(c: untagged::Completion) -> Completion {
            match c {
                untagged::Completion::One(v) => Completion::One(v),
                untagged::Completion::Many(v) => Completion::Many(v),
            }
        }
    }

    impl From<tagged::Completion> for Completion {
        fn from(c: tagged::Completion) -> Completion {
            match c {
                tagged::Completion::One(v) => Completion::One(v),
                tagged::Completion::Many(v) => Completion::Many(v),
            }
        }
    }

    impl<'de> Deserialize<'de> for Choice {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            if deserializer.is_human_readable() {
                untagged::Choice::deserialize(deserializer).map(Choice::from)
            } else {
                tagged::Choice::deserialize(deserializer).map(Choice::from)
            }
        }
    }

    impl Serialize for Choice {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match (self, serializer.is_human_readable()) {
                (Choice::Text(t), true) => t.serialize(serializer),
                (Choice::Detailed(d), true) => d.serialize(serializer),
                (Choice::Text(t), false) => {
                    serializer.serialize_newtype_variant("Choice", 0, "Text", t)
                }
                (Choice::Detailed(d), false) => {
                    serializer.serialize_newtype_variant("Choice", 1, "Detailed", d)
                }
            }
        }
    }

    impl<'de> Deserialize<'de> for Completion {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            if deserializer.is_human_readable() {
                untagged::Completion::deserialize(deserializer).map(Completion::from)
            } else {
                tagged::Completion::deserialize(deserializer).map(Completion::from)
            }
        }
    }

    impl Serialize for Completion {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match (self, serializer.is_human_readable()) {
                (Completion::One(v), true) => v.serialize(serializer),
                (Completion::Many(v), true) => v.serialize(serializer),
                (Completion::One(v), false) => {
                    serializer.serialize_newtype_variant("Completion", 0, "One", v)
                }
                (Completion::Many(v), false) => {
                    serializer.serialize_newtype_variant("Completion", 1, "Many", v)
                }
            }
        }
    }
}

/// Finds `{name}` slots in element text, in order of appearance.
pub fn slots_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    out.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_found_in_order() {
        assert_eq!(
            slots_in("perform {op} using {alg} of {size} bits"),
            vec!["op", "alg", "size"]
        );
        assert!(slots_in("no slots { here }").is_empty());
    }
}
