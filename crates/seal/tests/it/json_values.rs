//! Generated JSON values for the property tests of canonical JSON and sealed envelopes: one
//! definition of "any JSON", so both suites explore the same space.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// JSON nested up to four levels around the given leaves (arrays and objects of up to 8).
fn nested(leaf: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Leaves: null, booleans, the given integers, any finite double, any string (beyond the BMP).
fn leaves(integers: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        integers,
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(Value::Number),
        any::<String>().prop_map(Value::String),
    ]
    .boxed()
}

/// Arbitrary JSON values: any string, any `i64` or `u64`, any finite double, nested.
pub fn any_value() -> impl Strategy<Value = Value> {
    let integers = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from)
    ];
    nested(leaves(integers.boxed()))
}

/// Like [`any_value`], with integers limited to ±2^53 where every RFC 8785 implementation must
/// agree byte for byte.
pub fn rfc_value() -> impl Strategy<Value = Value> {
    const SAFE: i64 = 1 << 53;
    nested(leaves((-SAFE..=SAFE).prop_map(Value::from).boxed()))
}
