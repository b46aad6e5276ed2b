//! The OSV specification's evaluation algorithm (`docs/schema.md`, "Evaluation"), exactly: a
//! version is affected when it is listed in `versions`, or when some range, within its limits,
//! leaves it "vulnerable" after walking the range's events in sorted order (`introduced` sets,
//! `fixed` and `last_affected` clear; `last_affected` is inclusive; `introduced: "0"` is before
//! everything). Where an order is needed and not known, the answer is [`Verdict::Unevaluable`]
//! with the reason, never "not affected".

use crate::osv::{Affected, Event, Range};
use crate::version::Scheme;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How a version stands against one affected entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Verdict {
    /// Affected; `bases` says how it was decided (every way that decided it).
    Affected {
        /// Among `enumerated-version`, `semver-range`, `ecosystem-range`.
        bases: Vec<String>,
    },
    /// Not affected: every range and the version list were evaluated.
    NotAffected,
    /// The answer cannot be computed offline; the reason says why.
    Unevaluable {
        /// Why (e.g. "GIT-only advisory").
        reason: String,
    },
}

/// The ordering of a range: `SEMVER` is always SemVer; `ECOSYSTEM` is the ecosystem's.
fn range_scheme(range: &Range, ecosystem: Scheme) -> Option<Scheme> {
    match range.kind.as_str() {
        "SEMVER" => Some(if ecosystem == Scheme::Go {
            Scheme::Go
        } else {
            Scheme::Semver
        }),
        "ECOSYSTEM" => Some(ecosystem),
        _ => None,
    }
}

/// Is `v` inside `range` under `scheme`? `Err` carries why it cannot be told.
pub fn in_range(v: &str, range: &Range, scheme: Scheme) -> Result<bool, String> {
    if scheme == Scheme::Unordered {
        return Err("the ecosystem has no version ordering dtsec knows".into());
    }
    let cmp = |a: &str, b: &str| -> Result<Ordering, String> {
        scheme
            .compare(a, b)
            .ok_or_else(|| format!("version {a:?} or {b:?} cannot be ordered as {scheme:?}"))
    };
    // BeforeLimits: no limit (or `*`) means unbounded; several limits are OR-ed as `v < limit`.
    let limits: Vec<&str> = range
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Limit(l) => Some(l.as_str()),
            _ => None,
        })
        .collect();
    if !limits.is_empty() {
        let mut before = false;
        for l in limits {
            if l == "*" || cmp(v, l)? == Ordering::Less {
                before = true;
                break;
            }
        }
        if !before {
            return Ok(false);
        }
    }
    // sorted(range.events): by version, "0" first; at one version an `introduced` comes before
    // the events that close, so `introduced: X, fixed: X` is an empty interval.
    let mut events: Vec<(&str, u8, &Event)> = Vec::with_capacity(range.events.len());
    for e in &range.events {
        match e {
            Event::Introduced(x) => events.push((x, 0, e)),
            Event::LastAffected(x) => events.push((x, 1, e)),
            Event::Fixed(x) => events.push((x, 2, e)),
            Event::Limit(_) => {}
        }
    }
    // A version that cannot be ordered makes the whole range unevaluable; the comparator
    // records the first such failure instead of guessing an order.
    let mut failure: Option<String> = None;
    merge_sort_by(&mut events, &mut |a, b| {
        let by_version = match (a.0 == "0", b.0 == "0") {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => cmp(a.0, b.0).unwrap_or_else(|e| {
                failure.get_or_insert(e);
                Ordering::Equal
            }),
        };
        by_version.then(a.1.cmp(&b.1))
    });
    if let Some(reason) = failure {
        return Err(reason);
    }
    let mut vulnerable = false;
    for (x, _, e) in events {
        match e {
            Event::Introduced(_) => {
                if x == "0" || cmp(v, x)? != Ordering::Less {
                    vulnerable = true;
                }
            }
            Event::Fixed(_) => {
                if cmp(v, x)? != Ordering::Less {
                    vulnerable = false;
                }
            }
            Event::LastAffected(_) => {
                if cmp(v, x)? == Ordering::Greater {
                    vulnerable = false;
                }
            }
            Event::Limit(_) => {}
        }
    }
    Ok(vulnerable)
}

/// A stable merge sort that stays well-defined whatever `cmp` answers.
///
/// Why not `sort_by`: the standard sort may panic when the comparison is not a total order,
/// and some are not — Maven's `ComparableVersion` has cycles on odd versions (`s` < `-a0` <
/// `` < `s`), and a version that cannot be ordered is compared `Equal` here so the range can be
/// reported unevaluable. A record is attacker-supplied text, so evaluating it must never panic:
/// this sort only ever asks `cmp` and moves elements, in O(n log n) comparisons.
fn merge_sort_by<T: Copy>(items: &mut [T], cmp: &mut impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mid = items.len() / 2;
    merge_sort_by(&mut items[..mid], cmp);
    merge_sort_by(&mut items[mid..], cmp);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < items.len() {
        if cmp(&items[j], &items[i]) == Ordering::Less {
            merged.push(items[j]);
            j += 1;
        } else {
            merged.push(items[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&items[i..mid]);
    merged.extend_from_slice(&items[j..]);
    items.copy_from_slice(&merged);
}

/// Evaluates `v` against one affected entry whose package already matched.
pub fn evaluate(v: &str, affected: &Affected, ecosystem: Scheme) -> Verdict {
    let mut bases = Vec::new();
    if affected.versions.iter().any(|x| x == v) {
        bases.push("enumerated-version".to_string());
    }
    let mut unknown: Option<String> = None;
    let mut evaluated_any = false;
    for range in &affected.ranges {
        let Some(scheme) = range_scheme(range, ecosystem) else {
            // GIT ranges need the repository graph; with a package and other ranges they are
            // redundant, alone they decide nothing offline.
            continue;
        };
        match in_range(v, range, scheme) {
            Ok(true) => {
                let basis = if range.kind == "SEMVER" {
                    "semver-range"
                } else {
                    "ecosystem-range"
                };
                if !bases.iter().any(|b| b == basis) {
                    bases.push(basis.to_string());
                }
            }
            Ok(false) => evaluated_any = true,
            Err(reason) => unknown = Some(reason),
        }
    }
    if !bases.is_empty() {
        return Verdict::Affected { bases };
    }
    match unknown {
        // An enumerated list is the spec's fallback where ranges cannot be ordered.
        Some(_) if !affected.versions.is_empty() => Verdict::NotAffected,
        Some(reason) => Verdict::Unevaluable { reason },
        None if evaluated_any || !affected.versions.is_empty() => Verdict::NotAffected,
        None if affected.ranges.iter().any(|r| r.kind == "GIT") => Verdict::Unevaluable {
            reason: "GIT-only advisory: needs the repository's commit graph".into(),
        },
        None => Verdict::NotAffected,
    }
}

#[cfg(test)]
mod tests {
    //! The range vectors of the design notes §10.5, one test each, on small inline records.
    use super::*;
    use crate::osv::{Affected, Event, Range};

    fn range(kind: &str, events: &[(&str, &str)]) -> Range {
        Range {
            kind: kind.into(),
            repo: None,
            events: events
                .iter()
                .map(|(k, v)| match *k {
                    "introduced" => Event::Introduced((*v).into()),
                    "fixed" => Event::Fixed((*v).into()),
                    "last_affected" => Event::LastAffected((*v).into()),
                    _ => Event::Limit((*v).into()),
                })
                .collect(),
        }
    }

    fn affected(ranges: Vec<Range>, versions: &[&str]) -> Affected {
        Affected {
            package: None,
            ranges,
            versions: versions.iter().map(|s| (*s).to_string()).collect(),
            severity: Vec::new(),
        }
    }

    fn is_affected(v: &str, a: &Affected, s: Scheme) -> bool {
        matches!(evaluate(v, a, s), Verdict::Affected { .. })
    }

    #[test]
    fn go_2024_2963_two_intervals() {
        let a = affected(
            vec![range(
                "SEMVER",
                &[
                    ("introduced", "0"),
                    ("fixed", "1.21.12"),
                    ("introduced", "1.22.0-0"),
                    ("fixed", "1.22.5"),
                ],
            )],
            &[],
        );
        assert!(is_affected("1.21.11", &a, Scheme::Go));
        assert!(!is_affected("1.21.12", &a, Scheme::Go));
        assert!(!is_affected("1.21.99", &a, Scheme::Go));
        assert!(is_affected("v1.22.3", &a, Scheme::Go));
        assert!(!is_affected("1.22.5", &a, Scheme::Go));
    }

    #[test]
    fn last_affected_is_inclusive() {
        let a = affected(
            vec![range(
                "ECOSYSTEM",
                &[("introduced", "1.0"), ("last_affected", "1.4")],
            )],
            &[],
        );
        assert!(is_affected("1.4", &a, Scheme::Pep440));
        assert!(!is_affected("1.4.1", &a, Scheme::Pep440));
        assert!(!is_affected("0.9", &a, Scheme::Pep440));
    }

    #[test]
    fn introduced_zero_is_before_everything() {
        let a = affected(
            vec![range("ECOSYSTEM", &[("introduced", "0"), ("fixed", "2.0")])],
            &[],
        );
        assert!(is_affected("0.0.0.dev1", &a, Scheme::Pep440));
        assert!(is_affected("0", &a, Scheme::Pep440));
        assert!(!is_affected("2.0", &a, Scheme::Pep440));
    }

    /// Maven's own ordering has cycles on odd versions (`s` < `-a0` < `` < `s`) and a version
    /// that cannot be ordered compares `Equal`: a record built of such events, many of them so
    /// the standard sort's order checks would trip, is evaluated without panicking.
    #[test]
    fn events_under_an_inconsistent_order_never_panic() {
        let odd = [
            "s", "-a0", "", "sp", "-alpha1", "1-s", "1.sp", "1-a0", "a", "-b1",
        ];
        let mut events = Vec::new();
        for round in 0..40 {
            for (i, v) in odd.iter().enumerate() {
                let kind = ["introduced", "fixed", "last_affected"][(i + round) % 3];
                events.push((kind, *v));
            }
        }
        let a = affected(vec![range("ECOSYSTEM", &events)], &[]);
        for v in odd {
            let _ = evaluate(v, &a, Scheme::Maven);
        }
        let semver = affected(
            vec![range(
                "SEMVER",
                &events
                    .iter()
                    .map(|(k, _)| (*k, "not-semver"))
                    .collect::<Vec<_>>(),
            )],
            &[],
        );
        assert!(!is_affected("1.0.0", &semver, Scheme::Semver));
    }

    #[test]
    fn merge_sort_is_stable_and_sorts() {
        let mut v: Vec<(u8, usize)> = [3u8, 1, 2, 1, 3, 0].iter().copied().zip(0..).collect();
        merge_sort_by(&mut v, &mut |a, b| a.0.cmp(&b.0));
        assert_eq!(v, vec![(0, 5), (1, 1), (1, 3), (2, 2), (3, 0), (3, 4)]);
    }

    #[test]
    fn unsorted_events_are_sorted_first() {
        // The Maven record's order: 12.10.0–12.10.2, 12.0–12.6.7, 11.6.1–11.10.13.
        let a = affected(
            vec![range(
                "ECOSYSTEM",
                &[
                    ("introduced", "12.10.0"),
                    ("fixed", "12.10.2"),
                    ("introduced", "12.0"),
                    ("fixed", "12.6.7"),
                    ("introduced", "11.6.1"),
                    ("fixed", "11.10.13"),
                ],
            )],
            &[],
        );
        assert!(is_affected("11.8", &a, Scheme::Maven));
        assert!(is_affected("12.5", &a, Scheme::Maven));
        assert!(!is_affected("12.8", &a, Scheme::Maven));
        assert!(is_affected("12.10.1", &a, Scheme::Maven));
        assert!(!is_affected("12.10.2", &a, Scheme::Maven));
        // A later `introduced` never resets an earlier match (git-pkgs/vulns#18).
        assert!(!is_affected("11.10.13", &a, Scheme::Maven));
    }

    #[test]
    fn several_limits_are_or_ed() {
        let a = affected(
            vec![range(
                "SEMVER",
                &[("introduced", "0"), ("limit", "1.5.0"), ("limit", "2.5.0")],
            )],
            &[],
        );
        assert!(is_affected("1.0.0", &a, Scheme::Semver));
        assert!(is_affected("2.0.0", &a, Scheme::Semver));
        assert!(!is_affected("3.0.0", &a, Scheme::Semver));
        let star = affected(
            vec![range("SEMVER", &[("introduced", "1.0.0"), ("limit", "*")])],
            &[],
        );
        assert!(is_affected("9.0.0", &star, Scheme::Semver));
    }

    #[test]
    fn unordered_ecosystem_without_versions_is_unevaluable() {
        let a = affected(
            vec![range(
                "ECOSYSTEM",
                &[("introduced", "0"), ("fixed", "3.2.22")],
            )],
            &[],
        );
        assert!(matches!(
            evaluate("3.2.1", &a, Scheme::Unordered),
            Verdict::Unevaluable { .. }
        ));
        // With an enumerated list, membership decides.
        let b = affected(
            vec![range(
                "ECOSYSTEM",
                &[("introduced", "0"), ("fixed", "3.2.22")],
            )],
            &["3.2.1"],
        );
        assert!(is_affected("3.2.1", &b, Scheme::Unordered));
        assert_eq!(
            evaluate("3.2.2", &b, Scheme::Unordered),
            Verdict::NotAffected
        );
    }

    #[test]
    fn git_only_is_unevaluable_and_unreadable_versions_too() {
        let a = affected(
            vec![range("GIT", &[("introduced", "0"), ("fixed", "466af81")])],
            &[],
        );
        let Verdict::Unevaluable { reason } = evaluate("1.0", &a, Scheme::Unordered) else {
            panic!("GIT-only must be unevaluable");
        };
        assert!(reason.starts_with("GIT-only advisory"));
        let s = affected(
            vec![range("SEMVER", &[("introduced", "0"), ("fixed", "1.2.3")])],
            &[],
        );
        assert!(matches!(
            evaluate("not-a-version", &s, Scheme::Semver),
            Verdict::Unevaluable { .. }
        ));
    }

    #[test]
    fn enumerated_versions_match_exactly() {
        let a = affected(vec![], &["4.36.1"]);
        assert!(is_affected("4.36.1", &a, Scheme::Pep440));
        assert_eq!(
            evaluate("4.36.10", &a, Scheme::Pep440),
            Verdict::NotAffected
        );
    }
}
