//! Assertions on recorded requests; their messages show everything redacted by value.

use std::collections::BTreeMap;
use std::fmt;

use checkout_sdk_core::redact::{redact_header_value, redact_text};
use checkout_sdk_core::transport::{Headers, Method};
use serde_json::Value;

use super::json_diff::json_difference;
use super::request::{describe_body, RecordedRequest};

/// Headers that [`RequestAssertion::headers_eq`] ignores unless told otherwise
/// ([`FakeTransport::set_volatile_headers`](super::FakeTransport::set_volatile_headers)): they
/// change from run to run.
pub const VOLATILE_HEADERS: &[&str] = &["Cko-Idempotency-Key", "User-Agent", "Date", "Content-Length"];

/// Assertions on one recorded request, from [`FakeTransport::assert_request`](super::FakeTransport::assert_request).
///
/// Each method panics (like `assert_eq!`) with the expected and actual values redacted by value
/// ([`checkout_sdk_core::redact`]), and returns `&Self` so checks chain.
#[derive(Debug, Clone)]
pub struct RequestAssertion {
    index: usize,
    request: RecordedRequest,
    volatile_headers: Vec<String>,
}

impl RequestAssertion {
    pub(super) fn new(index: usize, request: RecordedRequest, volatile_headers: Vec<String>) -> Self {
        RequestAssertion { index, request, volatile_headers }
    }

    /// The request under test.
    pub fn request(&self) -> &RecordedRequest {
        &self.request
    }

    #[track_caller]
    fn fail(&self, what: impl fmt::Display) -> ! {
        // Names, paths and expected values come from the test and the request: the whole message
        // is redacted by value, on top of the sensitive header values hidden by name.
        let message = format!("FakeTransport: request #{} ({}): {what}", self.index, self.request.describe());
        panic!("{}", redact_text(&message))
    }

    /// Asserts the method.
    ///
    /// # Panics
    /// If it differs.
    #[track_caller]
    pub fn method(&self, expected: Method) -> &Self {
        if self.request.method != expected {
            self.fail(format_args!("expected method {expected}, got {}", self.request.method));
        }
        self
    }

    /// Asserts the path: without query, unless `expected` has a `?`.
    ///
    /// # Panics
    /// If it differs.
    #[track_caller]
    pub fn path(&self, expected: &str) -> &Self {
        let actual = if expected.contains('?') { self.request.path_and_query() } else { self.request.path() };
        if actual != expected {
            self.fail(format_args!("expected path {:?}, got {:?}", redact_text(expected), redact_text(actual)));
        }
        self
    }

    /// Asserts header `name` (case-insensitive) has the value `expected`.
    ///
    /// # Panics
    /// If the header is missing or differs; sensitive values are not shown.
    #[track_caller]
    pub fn header(&self, name: &str, expected: &str) -> &Self {
        match self.request.headers.get(name) {
            None => self.fail(format_args!(
                "expected header {name}: {:?}, but it is missing",
                redact_header_value(name, expected)
            )),
            Some(actual) if actual != expected => {
                let (shown_expected, shown_actual) =
                    (redact_header_value(name, expected), redact_header_value(name, actual));
                if shown_expected == shown_actual {
                    self.fail(format_args!("header {name} differs from the expected value (values redacted)"))
                }
                self.fail(format_args!("expected header {name}: {shown_expected:?}, got {shown_actual:?}"))
            }
            Some(_) => self,
        }
    }

    /// Asserts header `name` (case-insensitive) is present.
    ///
    /// # Panics
    /// If it is missing; the message lists the header names present.
    #[track_caller]
    pub fn has_header(&self, name: &str) -> &Self {
        if !self.request.headers.contains(name) {
            let names: Vec<String> = self.request.headers.iter().map(|(n, _)| redact_text(n)).collect();
            self.fail(format_args!("expected a {name} header, but it is missing (present: {names:?})"));
        }
        self
    }

    /// Asserts header `name` (case-insensitive) is absent.
    ///
    /// # Panics
    /// If it is present.
    #[track_caller]
    pub fn no_header(&self, name: &str) -> &Self {
        if let Some(value) = self.request.headers.get(name) {
            self.fail(format_args!("expected no {name} header, got {:?}", redact_header_value(name, value)));
        }
        self
    }

    /// Asserts the headers equal `expected`, ignoring the fake's volatile headers
    /// ([`VOLATILE_HEADERS`] unless [`FakeTransport::set_volatile_headers`](super::FakeTransport::set_volatile_headers) changed them). Names
    /// are case-insensitive and their order is irrelevant; the values of one name keep their order.
    ///
    /// # Panics
    /// If they differ; the message lists the missing, unexpected and different headers.
    #[track_caller]
    pub fn headers_eq(&self, expected: &Headers) -> &Self {
        let ignore: Vec<&str> = self.volatile_headers.iter().map(String::as_str).collect();
        self.headers_eq_ignoring(expected, &ignore)
    }

    /// Asserts the headers equal `expected`, ignoring the headers named in `ignore`.
    ///
    /// # Panics
    /// If they differ.
    #[track_caller]
    pub fn headers_eq_ignoring(&self, expected: &Headers, ignore: &[&str]) -> &Self {
        let problems = header_differences(expected, &self.request.headers, ignore);
        if !problems.is_empty() {
            self.fail(format_args!("headers differ (ignoring {ignore:?}): {}", problems.join("; ")));
        }
        self
    }

    /// Asserts the body is empty.
    ///
    /// # Panics
    /// If it is not.
    #[track_caller]
    pub fn empty_body(&self) -> &Self {
        if !self.request.body.is_empty() {
            self.fail(format_args!("expected an empty body, got {}", describe_body(&self.request.body)));
        }
        self
    }

    #[track_caller]
    fn actual_json(&self) -> Value {
        match self.request.json() {
            Some(value) => value,
            None => self.fail(format_args!("expected a JSON body, got {}", describe_body(&self.request.body))),
        }
    }

    /// Asserts the body is JSON structurally equal to `expected` (object key order irrelevant).
    ///
    /// # Panics
    /// If the body is not JSON or differs; the message names the first difference.
    #[track_caller]
    pub fn json_body(&self, expected: Value) -> &Self {
        let actual = self.actual_json();
        if let Some(difference) = json_difference(&expected, &actual, false) {
            self.fail(format_args!("JSON body differs {difference}"));
        }
        self
    }

    /// Asserts the body is JSON that includes `expected`: every key of an expected object must be
    /// present (recursively) with a matching value; arrays must have the same length and match
    /// element by element; other values must be equal.
    ///
    /// # Panics
    /// If the body is not JSON or does not include `expected`.
    #[track_caller]
    pub fn json_body_includes(&self, expected: Value) -> &Self {
        let actual = self.actual_json();
        if let Some(difference) = json_difference(&expected, &actual, true) {
            self.fail(format_args!("JSON body does not include the expected value: {difference}"));
        }
        self
    }
}

/// `name -> (name as written, values)` for the headers not in `ignore`.
fn group_headers<'h>(headers: &'h Headers, ignore: &[&str]) -> BTreeMap<String, (&'h str, Vec<&'h str>)> {
    let mut groups: BTreeMap<String, (&str, Vec<&str>)> = BTreeMap::new();
    for (name, value) in headers.iter() {
        if ignore.iter().any(|i| i.eq_ignore_ascii_case(name)) {
            continue;
        }
        groups.entry(name.to_ascii_lowercase()).or_insert_with(|| (name, Vec::new())).1.push(value);
    }
    groups
}

fn header_differences(expected: &Headers, actual: &Headers, ignore: &[&str]) -> Vec<String> {
    let expected = group_headers(expected, ignore);
    let actual = group_headers(actual, ignore);
    let shown =
        |name: &str, values: &[&str]| -> Vec<String> { values.iter().map(|v| redact_header_value(name, v)).collect() };
    let mut problems = Vec::new();
    for (key, (name, e_values)) in &expected {
        match actual.get(key) {
            None => problems.push(format!("missing {name}: {:?}", shown(name, e_values))),
            Some((_, a_values)) if a_values != e_values => {
                let (e_shown, a_shown) = (shown(name, e_values), shown(name, a_values));
                if e_shown == a_shown {
                    problems.push(format!("{name} differs (values redacted)"));
                } else {
                    problems.push(format!("{name}: expected {e_shown:?}, got {a_shown:?}"));
                }
            }
            Some(_) => {}
        }
    }
    for (key, (name, a_values)) in &actual {
        if !expected.contains_key(key) {
            problems.push(format!("unexpected {name}: {:?}", shown(name, a_values)));
        }
    }
    problems
}
