//! The top of `/staff`: the cases waiting for this user's role, oldest first, with how long
//! each has waited.
//!
//! Why: the page lists every case the user may see; without this a certifier had to read all
//! of them to find the two ETRs waiting for a decision. Which states wait for which role is the
//! workflow's (the same states that make the case's form appear below); the registry still
//! authorises every action when it is posted.

use dtsec_registry::{Date, Product, Role, workflow::State as S};

use crate::html::{Markup, html, url};

/// What the role does next in state `st`, if the case waits for it.
fn next_step(role: Role, st: S) -> Option<&'static str> {
    match (role, st) {
        (Role::Manufacturer, S::Registered) => Some("submit the Security Target"),
        (Role::Manufacturer, S::StSubmitted) => Some("choose a lab"),
        (Role::LabEvaluator, S::LabChosen) => Some("start the evaluation"),
        (Role::LabEvaluator, S::EvaluationInProgress) => Some("submit the sealed ETR"),
        (Role::LabEvaluator, S::Rejected) => Some("submit a corrected ETR"),
        (Role::Certifier, S::EtrSubmitted) => Some("read the ETR and decide"),
        (Role::Certifier, S::Accepted) => Some("issue the certificate"),
        _ => None,
    }
}

/// The states in which a case waits for `role` (the store reads only those cases for the
/// section, not every case the user may see).
pub fn waiting_states(role: Role) -> Vec<S> {
    S::ALL
        .into_iter()
        .filter(|st| next_step(role, *st).is_some())
        .collect()
}

/// Whole days from `since` (an RFC 3339 time or a date) to `today`; `None` if unreadable.
fn age_in_days(since: &str, today: Date) -> Option<i64> {
    let day = Date::parse(since.get(..10)?).ok()?;
    let days = |d: Date| {
        let (y, m, d) = d.ymd();
        days_from_civil(y, m, d)
    };
    Some(days(today) - days(day))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "today", "1 day", "12 days".
fn age_words(days: Option<i64>) -> String {
    match days {
        Some(d) if d <= 0 => "since today".into(),
        Some(1) => "1 day".into(),
        Some(d) => format!("{d} days"),
        None => "unknown".into(),
    }
}

/// The section: a table of the waiting cases, or a sentence saying nothing waits.
pub fn section(role: Role, products: &[Product], today: Date) -> Markup {
    let mut waiting: Vec<(&Product, &str, Option<i64>)> = products
        .iter()
        .filter_map(|p| {
            next_step(role, p.state()).map(|step| (p, step, age_in_days(&p.updated_at, today)))
        })
        .collect();
    waiting.sort_by_key(|(_, _, age)| std::cmp::Reverse(age.unwrap_or(0)));
    html! {
        section aria-labelledby="needs-action" {
            h2 id="needs-action" { "Needs my action" }
            @if waiting.is_empty() {
                p { "Nothing is waiting for you." }
            } @else {
                table class="stack" {
                    caption { (waiting.len()) " case(s) waiting for you, longest waiting first" }
                    thead { tr {
                        th scope="col" { "Case" } th scope="col" { "Next step" } th scope="col" { "Waiting" }
                    } }
                    tbody {
                        @for (p, step, age) in &waiting {
                            tr {
                                td data-label="Case" {
                                    a href={ "#case-" (url(&p.id)) } { (p.name) " " (p.version) }
                                }
                                td data-label="Next step" { (step) }
                                td data-label="Waiting" { (age_words(*age)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_days_across_months_and_leap_years() {
        let today = Date::parse("2024-03-01").unwrap();
        assert_eq!(age_in_days("2024-02-28T23:59:00Z", today), Some(2));
        assert_eq!(age_in_days("2023-03-01", today), Some(366));
        assert_eq!(age_in_days("garbage", today), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(age_words(Some(0)), "since today");
        assert_eq!(age_words(Some(12)), "12 days");
    }

    #[test]
    fn each_role_waits_on_its_own_states() {
        assert!(next_step(Role::Certifier, S::EtrSubmitted).is_some());
        assert!(next_step(Role::Certifier, S::LabChosen).is_none());
        assert!(next_step(Role::LabEvaluator, S::LabChosen).is_some());
        assert!(next_step(Role::Manufacturer, S::EtrSubmitted).is_none());
        assert!(next_step(Role::SchemeAdmin, S::EtrSubmitted).is_none());
    }
}
