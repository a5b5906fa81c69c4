//! Where two JSON values first differ, described with both sides redacted.

use checkout_sdk_core::redact::{redact_json, redact_text};
use serde_json::Value;

#[derive(Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

fn display_path(path: &[Segment]) -> String {
    let mut out = String::from("$");
    for segment in path {
        match segment {
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn lookup<'v>(value: &'v Value, path: &[Segment]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, segment| match segment {
        Segment::Key(key) => v.get(key.as_str()),
        Segment::Index(i) => v.get(*i),
    })
}

/// Where `actual` first departs from `expected`, or `None` when they agree.
fn first_difference(expected: &Value, actual: &Value, subset: bool, path: &mut Vec<Segment>) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, e_value) in e {
                path.push(Segment::Key(key.clone()));
                match a.get(key) {
                    None => return Some("missing key".to_string()),
                    Some(a_value) => {
                        if let Some(found) = first_difference(e_value, a_value, subset, path) {
                            return Some(found);
                        }
                    }
                }
                path.pop();
            }
            if !subset {
                if let Some(key) = a.keys().find(|k| !e.contains_key(*k)) {
                    path.push(Segment::Key(key.clone()));
                    return Some("unexpected key".to_string());
                }
            }
            None
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Some(format!("expected an array of {} elements, got {}", e.len(), a.len()));
            }
            for (i, (e_item, a_item)) in e.iter().zip(a).enumerate() {
                path.push(Segment::Index(i));
                if let Some(found) = first_difference(e_item, a_item, subset, path) {
                    return Some(found);
                }
                path.pop();
            }
            None
        }
        _ if expected == actual => None,
        _ => Some("values differ".to_string()),
    }
}

/// A description of where `actual` departs from `expected` (`None` when they agree), with both
/// sides redacted: the path of the first difference, why, and both values in full.
pub(crate) fn json_difference(expected: &Value, actual: &Value, subset: bool) -> Option<String> {
    let mut path = Vec::new();
    let reason = first_difference(expected, actual, subset, &mut path)?;
    let mut shown_expected = expected.clone();
    let mut shown_actual = actual.clone();
    redact_json(&mut shown_expected);
    redact_json(&mut shown_actual);
    let show = |v: Option<&Value>| v.map_or_else(|| "<absent>".to_string(), Value::to_string);
    let at_expected = lookup(&shown_expected, &path);
    let at_actual = lookup(&shown_actual, &path);
    let detail = if at_expected == at_actual && at_expected.is_some() {
        "the values differ only in redacted content".to_string()
    } else {
        format!("expected {}, got {}", show(at_expected), show(at_actual))
    };
    Some(format!(
        "at {} ({reason}): {detail}\n  expected: {shown_expected}\n  actual:   {shown_actual}",
        redact_text(&display_path(&path))
    ))
}
