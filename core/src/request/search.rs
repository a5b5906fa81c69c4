//! Searching payments.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, FieldError, FieldProblem, Fields, FromJson};

/// `POST /payments/search`: the payments matching `query` (e.g. `id:'pay_…'`,
/// `reference:'ORD-1' AND status:'Captured'`; see Checkout.com's search syntax, at most 1024
/// characters), processed between `from` and `to` (ISO 8601, both or neither), at most `limit`
/// (1 to 1000) a page. Needs the `payments:search` scope. Fields the SDK does not model are kept
/// in `extra`; [`check`](Self::check) applies the API's limits.
///
/// ```
/// use checkout_sdk_core::request::PaymentSearchRequest;
/// use serde_json::json;
///
/// let search = PaymentSearchRequest::new("reference:'ORD-5023-4E89'")
///     .limit(10)
///     .from("2025-01-01T00:00:00Z")
///     .to("2025-02-01T00:00:00Z");
/// assert_eq!(
///     serde_json::to_value(&search).unwrap(),
///     json!({"query": "reference:'ORD-5023-4E89'", "limit": 10, "from": "2025-01-01T00:00:00Z", "to": "2025-02-01T00:00:00Z"})
/// );
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PaymentSearchRequest {
    /// The search query.
    pub query: String,
    /// How many payments a page holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The start of the period searched (ISO 8601).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The end of the period searched (ISO 8601).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "PaymentSearchRequest::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(PaymentSearchRequest { "query", "limit", "from", "to" });

impl FromJson for PaymentSearchRequest {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        let query = f.string("query")?.ok_or_else(|| FieldError::new(f.path("query"), FieldProblem::Missing))?;
        let limit = f
            .integer("limit")?
            .map(|n| {
                u32::try_from(n).map_err(|_| FieldError::new(f.path("limit"), FieldProblem::Expected("a page size")))
            })
            .transpose()?;
        Ok(PaymentSearchRequest { query, limit, from: f.string("from")?, to: f.string("to")?, extra: f.rest() })
    }
}

impl PaymentSearchRequest {
    /// A search for `query`.
    pub fn new(query: impl Into<String>) -> Self {
        PaymentSearchRequest { query: query.into(), limit: None, from: None, to: None, extra: Map::new() }
    }

    setters! {
        /// Sets how many payments a page holds.
        limit = u32,
        /// Sets the start of the period searched (ISO 8601).
        from: String,
        /// Sets the end of the period searched (ISO 8601).
        to: String,
    }

    extra_setter!();

    /// Checks the search against the API's limits: a query of at most 1024 characters, a page of
    /// 1 to 1000, and `from` and `to` given together.
    pub fn check(&self) -> Result<(), FieldError> {
        super::field::check_len("query", Some(&self.query), MAX_QUERY)?;
        if self.limit.is_some_and(|l| !(1..=MAX_SEARCH_LIMIT).contains(&l)) {
            return Err(FieldError::new("limit", FieldProblem::Expected("a page size of 1 to 1000")));
        }
        match (&self.from, &self.to) {
            (Some(_), None) => Err(FieldError::new("to", FieldProblem::Missing)),
            (None, Some(_)) => Err(FieldError::new("from", FieldProblem::Missing)),
            _ => Ok(()),
        }
    }
}

/// The longest search query the API accepts.
const MAX_QUERY: usize = 1024;
/// The largest page a search serves.
const MAX_SEARCH_LIMIT: u32 = 1000;

crate::redact::redacted_json_debug!(PaymentSearchRequest);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_are_checked_against_the_api_limits() {
        assert!(PaymentSearchRequest::new("id:'pay_x'").limit(1000).from("a").to("b").check().is_ok());
        assert_eq!(PaymentSearchRequest::new("q").limit(1001).check().unwrap_err().field(), "limit");
        assert_eq!(PaymentSearchRequest::new("q").limit(0).check().unwrap_err().field(), "limit");
        assert_eq!(PaymentSearchRequest::new("q").from("a").check().unwrap_err().field(), "to");
        assert_eq!(PaymentSearchRequest::new("q").to("b").check().unwrap_err().field(), "from");
        let long = PaymentSearchRequest::new("x".repeat(1025)).check().unwrap_err();
        assert_eq!(long.problem(), &FieldProblem::TooLong { max: 1024 });
    }
}
