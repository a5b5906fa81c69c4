//! Listing payments by reference.

use alloc::format;
use alloc::string::String;
use core::fmt::Write as _;

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
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_cannot_break_out_of_the_query() {
        let query = PaymentListQuery::new("x&limit=1000#/é").query_string();
        assert_eq!(query, "reference=x%26limit%3D1000%23%2F%C3%A9");
        assert_eq!(PaymentListQuery::new("ref").skip(5).query_string(), "reference=ref&skip=5");
    }
}
