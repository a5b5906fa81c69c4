//! A typed response with its raw JSON body, HTTP metadata and links.
//!
//! Every successful call returns a [`Response<T>`]: `T`'s typed fields through `Deref`
//! (`payment.id`), the raw body for everything else (`payment["source"]["type"]`,
//! [`pointer`](Response::pointer)), and HTTP metadata ([`Response::http`]).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::{Deref, Index};
use core::time::Duration;

use once_cell::race::OnceBox;
use serde_json::Value;

use crate::id::IdempotencyKey;
use crate::link::{Link, Links};
use crate::redact::{redacted_debug, Redacted, RedactedJson};
use crate::transport::Headers;

/// HTTP metadata of a response. `Debug` redacts by value ([`redact`](crate::redact)).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpInfo {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: Headers,
    /// How long the exchange took, as the transport measured it.
    pub elapsed: Option<Duration>,
    /// `Cko-Request-Id`, or the body's `request_id`.
    pub request_id: Option<String>,
    /// `Cko-Version`.
    pub api_version: Option<String>,
}

impl HttpInfo {
    /// Reads the metadata from a response's status and headers; `body_request_id` is the body's
    /// `request_id`, used when the `Cko-Request-Id` header is missing.
    pub fn new(status: u16, headers: Headers, elapsed: Option<Duration>, body_request_id: Option<String>) -> Self {
        let request_id = headers.get("cko-request-id").map(String::from).or(body_request_id);
        let api_version = headers.get("cko-version").map(String::from);
        HttpInfo { status, headers, elapsed, request_id, api_version }
    }
}

redacted_debug!(HttpInfo { status, headers, elapsed, request_id, api_version });

/// `Cko-Request-Id`, or the body's `request_id` when the header is missing.
pub(crate) fn request_id(headers: &Headers, body: Option<&Value>) -> Option<String> {
    headers
        .get("cko-request-id")
        .or_else(|| body.and_then(|b| b.get("request_id")).and_then(Value::as_str))
        .map(String::from)
}

/// A typed response `T` with its raw body, HTTP metadata and links.
///
/// The typed data is decoded straight from the bytes; the JSON view of the body
/// ([`body`](Self::body), indexing, [`pointer`](Self::pointer)) and the [`links`](Self::links)
/// are read from the kept bytes the first time they are asked for. The body is immutable here; [`into_body`](Self::into_body) hands
/// over an owned, mutable one.
///
/// `Debug` shows everything redacted by value ([`redact`](crate::redact)): servers echo card
/// numbers and keys back in `metadata`, links and headers.
#[derive(Clone)]
pub struct Response<T> {
    data: T,
    /// The body as received.
    raw: Vec<u8>,
    /// The JSON view of `raw`, built on first use.
    body: OnceBox<Value>,
    http: HttpInfo,
    /// `_links`, read from `raw` on first use.
    links: OnceBox<Links>,
    idempotency_key: Option<IdempotencyKey>,
}

impl<T: PartialEq> PartialEq for Response<T> {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
            && self.raw == other.raw
            && self.http == other.http
            && self.links() == other.links()
            && self.idempotency_key == other.idempotency_key
    }
}

impl<T> Response<T> {
    /// Assembles a response from a JSON body (tests and custom operations may do this).
    pub fn new(data: T, body: Value, http: HttpInfo) -> Self {
        let links = OnceBox::new();
        let _ = links.set(Box::new(Links::from_body(&body)));
        let raw = serde_json::to_vec(&body).unwrap_or_default();
        let cell = OnceBox::new();
        let _ = cell.set(Box::new(body));
        Response { data, raw, body: cell, http, links, idempotency_key: None }
    }

    /// Assembles a response from the body's bytes, as received: the JSON view is built from `raw`
    /// when first asked for, and so are the links unless they were read already.
    pub(crate) fn from_raw(data: T, raw: Vec<u8>, http: HttpInfo, links: Option<Links>) -> Self {
        let cell = OnceBox::new();
        if let Some(links) = links {
            let _ = cell.set(Box::new(links));
        }
        Response { data, raw, body: OnceBox::new(), http, links: cell, idempotency_key: None }
    }

    /// Records the key the request carried (the call machine does this for every `POST`).
    pub(crate) fn with_idempotency_key(mut self, key: Option<IdempotencyKey>) -> Self {
        self.idempotency_key = key;
        self
    }

    /// The `Cko-Idempotency-Key` the request carried (the caller's, or one the client
    /// generated); `None` for `GET`s. Sending the same request with this key again returns this
    /// same result instead of acting twice.
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.idempotency_key.as_ref()
    }

    /// The typed data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The same response with its typed data turned into something else.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            data: f(self.data),
            raw: self.raw,
            body: self.body,
            http: self.http,
            links: self.links,
            idempotency_key: self.idempotency_key,
        }
    }

    /// The typed data, without the body and metadata.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The raw JSON body (built from the received bytes on first use).
    pub fn body(&self) -> &Value {
        // The bytes decoded into the typed data already, so they are JSON; `Null` only for a
        // response assembled by hand from something that is not.
        self.body.get_or_init(|| Box::new(serde_json::from_slice(&self.raw).unwrap_or(Value::Null)))
    }

    /// The body's bytes, exactly as received.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    /// The raw body, owned and mutable (add your own attributes).
    pub fn into_body(self) -> Value {
        match self.body.get() {
            Some(body) => body.clone(),
            None => serde_json::from_slice(&self.raw).unwrap_or(Value::Null),
        }
    }

    /// A value inside the body by JSON pointer, e.g. `/source/billing_address/city`.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        self.body().pointer(pointer)
    }

    /// HTTP status, headers, elapsed time, request id and API version.
    pub fn http(&self) -> &HttpInfo {
        &self.http
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.http.status
    }

    /// `Cko-Request-Id` (or the body's `request_id`).
    pub fn request_id(&self) -> Option<&str> {
        self.http.request_id.as_deref()
    }

    /// `Cko-Version`.
    pub fn api_version(&self) -> Option<&str> {
        self.http.api_version.as_deref()
    }

    /// All `_links` (read from the body's bytes on first use).
    pub fn links(&self) -> &Links {
        // The bytes decoded into the typed data already, so they are JSON, and the links are read
        // leniently; no links only for a response assembled by hand from something that is not.
        self.links.get_or_init(|| Box::new(Links::envelope(&self.raw).map(|e| e.links).unwrap_or_default()))
    }

    /// The `self` link.
    pub fn self_link(&self) -> Option<&Link> {
        self.links().get("self")
    }

    /// Whether the `rel` link is present.
    pub fn has_link(&self, rel: &str) -> bool {
        self.links().contains(rel)
    }

    /// The `rel` link (href and title).
    pub fn get_link(&self, rel: &str) -> Option<&Link> {
        self.links().get(rel)
    }

    /// The `redirect` link: where to send the customer (3DS challenge, APM page).
    pub fn redirect_link(&self) -> Option<&Link> {
        self.links().get("redirect")
    }

    /// Whether the API offers a capture now.
    pub fn can_capture(&self) -> bool {
        self.has_link("capture")
    }

    /// Whether the API offers a void now.
    pub fn can_void(&self) -> bool {
        self.has_link("void")
    }

    /// Whether the API offers a refund now.
    pub fn can_refund(&self) -> bool {
        self.has_link("refund")
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("data", &Redacted(&self.data))
            .field("body", &RedactedJson(self.body()))
            .field("http", &self.http)
            .field("links", self.links())
            .finish()
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T> Index<&str> for Response<T> {
    type Output = Value;
    /// `response["source"]["type"]`; `Null` when absent (never panics).
    fn index(&self, key: &str) -> &Value {
        &self.body()[key]
    }
}

impl<T> Index<usize> for Response<alloc::vec::Vec<T>> {
    type Output = T;
    /// `actions[0]`: the typed item, like indexing the `Vec` (panics when out of bounds).
    fn index(&self, i: usize) -> &T {
        &self.data[i]
    }
}

impl<'a, T> IntoIterator for &'a Response<alloc::vec::Vec<T>> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;
    /// `for action in &actions` iterates the typed items.
    fn into_iter(self) -> Self::IntoIter {
        self.data.iter()
    }
}
