//! Maven's version ordering, written after the rules of Maven's `ComparableVersion` (3.x):
//! a version is a list of items split on `.` and `-` and at digit/letter transitions; `-` opens
//! a sub-list; trailing "null" items (0, empty qualifier, empty list) are dropped; numbers beat
//! qualifiers and sub-lists; qualifiers order alpha < beta < milestone < rc = cr < snapshot <
//! (release = ga = final) < sp < any other (alphabetically).

use std::cmp::Ordering;

#[derive(Debug, Clone)]
enum Item {
    /// Digits with leading zeros removed (arbitrary size).
    Int(String),
    /// A qualifier, already mapped to its comparable form.
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

/// The sortable key of a qualifier: its index among the known ones, or after them by name.
fn comparable(q: &str) -> String {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{q}", QUALIFIERS.len()),
    }
}

const RELEASE: &str = "5";

fn string_item(s: &str, followed_by_digit: bool) -> Item {
    let mut s = s.to_string();
    if followed_by_digit && s.len() == 1 {
        s = match s.as_str() {
            "a" => "alpha".into(),
            "b" => "beta".into(),
            "m" => "milestone".into(),
            _ => s,
        };
    }
    let s = match s.as_str() {
        "ga" | "final" | "release" => String::new(),
        "cr" => "rc".into(),
        _ => s,
    };
    Item::Str(s)
}

fn int_item(s: &str) -> Item {
    Item::Int(s.trim_start_matches('0').to_string())
}

fn parse_item(is_digit: bool, s: &str) -> Item {
    if is_digit {
        int_item(s)
    } else {
        string_item(s, false)
    }
}

fn is_null(i: &Item) -> bool {
    match i {
        Item::Int(d) => d.is_empty(),
        Item::Str(s) => s.is_empty(),
        Item::List(l) => l.is_empty(),
    }
}

fn normalize(list: &mut Vec<Item>) {
    // ComparableVersion's `ListItem.normalize`: walking back from the end, null items go and
    // non-null sub-lists are stepped over; the first non-null number or qualifier stops it. (An
    // earlier reading stopped at any non-null item, so `1.0-x` kept its `0` and orderings were
    // not transitive: fuzz finding `osv-versions-maven-transitivity`.)
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if is_null(&list[i]) {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// Parses into nested lists. Sub-lists are built on a stack of open lists; closing them
/// (normalising innermost first) mirrors ComparableVersion.
fn parse(version: &str) -> Vec<Item> {
    let v = version.to_lowercase();
    let chars: Vec<char> = v.chars().collect();
    // stack[k] is the list being filled at depth k; closing attaches it to its parent.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    for (i, &c) in chars.iter().enumerate() {
        let top = stack.len() - 1;
        if c == '.' {
            let item = if i == start {
                Item::Int(String::new())
            } else {
                parse_item(is_digit, &text(start, i))
            };
            stack[top].push(item);
            start = i + 1;
        } else if c == '-' {
            let item = if i == start {
                Item::Int(String::new())
            } else {
                parse_item(is_digit, &text(start, i))
            };
            stack[top].push(item);
            start = i + 1;
            stack.push(Vec::new());
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                stack[top].push(string_item(&text(start, i), true));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                stack[top].push(parse_item(true, &text(start, i)));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = false;
        }
    }
    if chars.len() > start {
        let top = stack.len() - 1;
        stack[top].push(parse_item(is_digit, &text(start, chars.len())));
    }
    while stack.len() > 1 {
        let mut inner = stack.pop().unwrap_or_default();
        normalize(&mut inner);
        let top = stack.len() - 1;
        stack[top].push(Item::List(inner));
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    root
}

fn cmp_int(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `a.compareTo(b)` where `b` may be absent (Java's `null`).
fn cmp(a: &Item, b: Option<&Item>) -> Ordering {
    match (a, b) {
        (Item::Int(x), None) => {
            if x.is_empty() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        (Item::Int(x), Some(Item::Int(y))) => cmp_int(x, y),
        (Item::Int(_), Some(_)) => Ordering::Greater,
        (Item::Str(s), None) => comparable(s).cmp(&RELEASE.to_string()),
        (Item::Str(_), Some(Item::Int(_) | Item::List(_))) => Ordering::Less,
        (Item::Str(s), Some(Item::Str(t))) => comparable(s).cmp(&comparable(t)),
        // MNG-6964: the whole list is compared with null, not only its first item.
        (Item::List(l), None) => l
            .iter()
            .map(|i| cmp(i, None))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal),
        (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
        (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
        (Item::List(l), Some(Item::List(m))) => cmp_lists(l, m),
    }
}

fn cmp_lists(l: &[Item], m: &[Item]) -> Ordering {
    for k in 0..l.len().max(m.len()) {
        let r = match (l.get(k), m.get(k)) {
            (None, None) => Ordering::Equal,
            (None, Some(right)) => cmp(right, None).reverse(),
            (Some(left), right) => cmp(left, right),
        };
        if r != Ordering::Equal {
            return r;
        }
    }
    Ordering::Equal
}

/// Compares two Maven versions (every string is a Maven version).
pub fn compare(a: &str, b: &str) -> Ordering {
    cmp_lists(&parse(a), &parse(b))
}
