//! Listing payments by reference.

use alloc::format;
use alloc::string::String;
use core::fmt::Write as _;

use super::field::{FieldError, FieldProblem};

/// The largest page the API serves a list by reference.
pub(crate) const MAX_LIST_LIMIT: u32 = 100;

/// `GET /payments?reference=…&limit=…&skip=…`: the payments with your `reference`, newest first,
/// a page at a time (the API's defaults: 10 a page, from the first).
///
/// ```
/// use checkout_sdk_core::request::PaymentListQuery;
///
/// let query = PaymentListQuery::new("ORD-5023-4E89").limit(10).skip(20);
/// assert_eq!(query.query_string(), "reference=ORD-5023-4E89&limit=10&skip=20");
/// assert_eq!(PaymentListQuery::new("a b&c").query_string(), "reference=a%20b%26c");
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaymentListQuery {
    /// The reference to look for (required by the API).
    pub reference: String,
    /// How many payments a page holds.
    pub limit: Option<u32>,
    /// How many payments to skip before the page starts.
    pub skip: Option<u32>,
}

impl PaymentListQuery {
    /// The payments with `reference`.
    pub fn new(reference: impl Into<String>) -> Self {
        PaymentListQuery { reference: reference.into(), limit: None, skip: None }
    }

    /// Sets how many payments a page holds.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets how many payments to skip.
    #[must_use]
    pub fn skip(mut self, skip: u32) -> Self {
        self.skip = Some(skip);
        self
    }

    /// Checks the query against the API's rules: a non-empty reference and a page of 1 to 100.
    pub fn check(&self) -> Result<(), FieldError> {
        if self.reference.is_empty() {
            return Err(FieldError::new("reference", FieldProblem::Missing));
        }
        if self.limit.is_some_and(|l| !(1..=MAX_LIST_LIMIT).contains(&l)) {
            return Err(FieldError::new("limit", FieldProblem::Expected("a page size of 1 to 100")));
        }
        Ok(())
    }

    /// The URL query, percent-encoded (`reference=…&limit=…&skip=…`), without the leading `?`.
    pub fn query_string(&self) -> String {
        let mut query = format!("reference={}", percent_encode(&self.reference));
        if let Some(limit) = self.limit {
            let _ = write!(query, "&limit={limit}");
        }
        if let Some(skip) = self.skip {
            let _ = write!(query, "&skip={skip}");
        }
        query
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so a reference can hold any
/// text without changing the query's structure.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

crate::redact::redacted_debug!(PaymentListQuery { reference, limit, skip });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_cannot_break_out_of_the_query() {
        let query = PaymentListQuery::new("x&limit=1000#/é").query_string();
        assert_eq!(query, "reference=x%26limit%3D1000%23%2F%C3%A9");
        assert_eq!(PaymentListQuery::new("ref").skip(5).query_string(), "reference=ref&skip=5");
    }

    #[test]
    fn queries_are_checked_against_the_api_limits() {
        assert!(PaymentListQuery::new("ref").limit(100).check().is_ok());
        assert!(PaymentListQuery::new("ref").check().is_ok());
        let too_big = PaymentListQuery::new("ref").limit(101).check().unwrap_err();
        assert_eq!(too_big.field(), "limit");
        assert!(PaymentListQuery::new("ref").limit(0).check().is_err());
        assert_eq!(PaymentListQuery::new("").check().unwrap_err().problem(), &FieldProblem::Missing);
    }
}
