//! RFC 8785 canonicalization: the RFC's own examples (key order, escapes, numbers from its
//! Appendix B), our documented integer rule, and properties checked over random values.

use dtsec_seal::canonical_json;
use proptest::prelude::*;
use serde_json::{Number, Value, json};

fn canon(text: &str) -> String {
    let value: Value = serde_json::from_str(text).unwrap();
    String::from_utf8(canonical_json(&value)).unwrap()
}

fn float(bits: u64) -> String {
    let n = Number::from_f64(f64::from_bits(bits)).unwrap();
    String::from_utf8(canonical_json(&Value::Number(n))).unwrap()
}

/// RFC 8785 §3.2.2: the example with literals, numbers and a string full of escapes.
#[test]
fn rfc_section_3_2_2_example() {
    let input = r#"{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"#;
    let expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    assert_eq!(canon(input), expected);
}

/// RFC 8785 §3.2.3: names sort by UTF-16 code units, so the emoji (a surrogate pair starting
/// 0xD83D) comes before U+FB33, although its code point U+1F600 is larger.
#[test]
fn rfc_section_3_2_3_sorting_by_utf16_code_units() {
    let input = r#"{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }"#;
    let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
        \"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\
        \"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
    assert_eq!(canon(input), expected);
}

/// RFC 8785 §3.2.4: the UTF-8 example; sorting ignores locale.
#[test]
fn rfc_section_3_2_4_utf8_example() {
    let input = r#"{"pêche":"but canonicalization MUST","sin":"ignore locale","péché":"is wrong according to French","peach":"This sorting order"}"#;
    let expected = r#"{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ignore locale"}"#;
    assert_eq!(canon(input), expected);
}

/// RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript text.
#[test]
fn rfc_appendix_b_numbers() {
    let vectors: &[(u64, &str)] = &[
        (0x0000000000000000, "0"),
        (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"),
        (0x8000000000000001, "-5e-324"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x4340000000000000, "9007199254740992"),
        (0xc340000000000000, "-9007199254740992"),
        (0x4430000000000000, "295147905179352830000"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"),
        (0x44b52d02c7e14af6, "1e+23"),
        (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x444b1ae4d6e2ef4e, "999999999999999700000"),
        (0x444b1ae4d6e2ef4f, "999999999999999900000"),
        (0x444b1ae4d6e2ef50, "1e+21"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
        (0x3eb0c6f7a0b5ed8d, "0.000001"),
        (0x41b3de4355555553, "333333333.3333332"),
        (0x41b3de4355555554, "333333333.33333325"),
        (0x41b3de4355555555, "333333333.3333333"),
        (0x41b3de4355555556, "333333333.3333334"),
        (0x41b3de4355555557, "333333333.33333343"),
        (0xbecbf647612f3696, "-0.0000033333333333333333"),
        (0x43143ff3c1cb0959, "1424953923781206.2"),
    ];
    for &(bits, expected) in vectors {
        assert_eq!(float(bits), expected, "bits {bits:016x}");
    }
}

/// Numbers written in other forms in the input come out in ECMAScript form.
#[test]
fn number_forms_in_text() {
    assert_eq!(
        canon("[1.0, -0.0, 1e2, 1E-7, 120e-1, 0.1, 1e21, 1e20]"),
        "[1,0,100,1e-7,12,0.1,1e+21,100000000000000000000]"
    );
}

/// Integers are kept exact (our documented choice): identical to the RFC within ±2^53, and
/// still distinct beyond it, where the RFC would round them onto the same double.
#[test]
fn integers_are_exact() {
    assert_eq!(
        canon("[0, -1, 9007199254740991, -9007199254740991]"),
        "[0,-1,9007199254740991,-9007199254740991]"
    );
    assert_eq!(canon("9007199254740993"), "9007199254740993");
    assert_ne!(canon("9007199254740993"), canon("9007199254740992"));
    assert_eq!(canon("18446744073709551615"), "18446744073709551615");
    assert_eq!(canon("-9223372036854775808"), "-9223372036854775808");
}

/// Every control character gets its RFC 8785 escape; `/`, DEL and U+2028 are written as is.
#[test]
fn string_escapes() {
    let all_controls: String = (0u8..0x20).map(char::from).collect();
    let v = Value::String(format!("{all_controls}\"\\/\u{7f}\u{2028}é\u{1f600}"));
    let out = String::from_utf8(canonical_json(&v)).unwrap();
    let expected = "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\
        \\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\
        \\\"\\\\/\u{7f}\u{2028}é\u{1f600}\"";
    assert_eq!(out, expected);
}

#[test]
fn nested_structures_and_empties() {
    let v = json!({"b": {"z": [], "a": {}}, "a": [{"y": null, "x": [true]}], "": ""});
    assert_eq!(
        String::from_utf8(canonical_json(&v)).unwrap(),
        r#"{"":"","a":[{"x":[true],"y":null}],"b":{"a":{},"z":[]}}"#
    );
}

use crate::json_values::{any_value, rfc_value};

/// JSON text for an object whose members are written in the given order.
fn object_text(members: &[(String, Value)]) -> String {
    let parts: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), v))
        .collect();
    format!("{{{}}}", parts.join(","))
}

proptest! {
    /// Canonical output is valid JSON that canonicalizes to itself.
    #[test]
    fn canonical_json_is_idempotent(v in any_value()) {
        let once = canonical_json(&v);
        let reparsed: Value = serde_json::from_slice(&once).unwrap();
        prop_assert_eq!(canonical_json(&reparsed), once);
    }

    /// The order in which members are written in the input makes no difference.
    #[test]
    fn member_order_does_not_matter(
        members in prop::collection::btree_map(any::<String>(), any_value(), 0..10),
        seed in any::<u64>(),
    ) {
        let forward: Vec<(String, Value)> = members.into_iter().collect();
        let mut shuffled = forward.clone();
        // A deterministic shuffle driven by the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a: Value = serde_json::from_str(&object_text(&forward)).unwrap();
        let b: Value = serde_json::from_str(&object_text(&shuffled)).unwrap();
        prop_assert_eq!(canonical_json(&a), canonical_json(&b));
    }

    /// Within the range where the RFC and our integer rule coincide, we produce exactly what an
    /// independent RFC 8785 implementation produces.
    #[test]
    fn agrees_with_serde_json_canonicalizer(v in rfc_value()) {
        let theirs = serde_json_canonicalizer::to_vec(&v).unwrap();
        prop_assert_eq!(canonical_json(&v), theirs);
    }
}
