//! Record real traffic to a scrubbed JSON cassette, and replay it offline.
//!
//! A [`Recorder`] wraps any [`HttpTransport`] (say, the hyper transport pointed at the sandbox),
//! forwards every request and keeps each exchange as an [`Interaction`]. [`Recorder::save`] writes
//! them as a cassette file, which a [`Replayer`] later serves without a network.
//!
//! # Scrubbing
//!
//! Interactions are scrubbed as they are recorded, so secrets are never kept, even in memory. The
//! URL, every header and every body (JSON or text) and error message go through the core's one
//! redaction by value ([`checkout_sdk_core::redact`]):
//! - sensitive headers ([`is_sensitive_header`](checkout_sdk_core::redact::is_sensitive_header):
//!   `Authorization`, `Cookie`, `X-Api-Key`, ...) become `<redacted>`;
//! - secret keys (`sk_...`, in any format or encoding) become `<redacted>`, wherever they are;
//! - card numbers (Luhn-valid, however written) keep only their last four digits, CVVs become
//!   `***`, and credential fields (`password`, `client_secret`, ...) become `<redacted>`.
//!
//! **Personal data** is replaced by default with stable pseudonyms: emails, names, phone numbers,
//! street addresses and post codes, IP addresses and `cus_` customer ids. The same value always
//! gets the same pseudonym (a hash of the value: `jane@shop.com` is `user-1a2b3c4d@example.com` in
//! the request, in the response that echoes it, and in the request a replay receives), so replay
//! still matches. [`PersonalData::Kept`] (see [`Recorder::keep_personal_data`] and
//! [`Cassette::with_personal_data`]) opts out; the cassette then says `"personal_data": "kept"`,
//! and its replayer keeps them in incoming requests too.
//!
//! # Format
//!
//! A versioned, pretty-printed JSON document; header lists are sorted by name, JSON bodies are
//! stored as JSON with sorted keys (other bodies as a string, an empty body as `null`), and
//! timings are not stored, so recording the same exchanges twice gives byte-identical files:
//!
//! ```json
//! {
//!   "version": 1,
//!   "interactions": [
//!     {
//!       "request": {
//!         "method": "POST",
//!         "url": "https://...",
//!         "headers": [["Authorization", "<redacted>"]],
//!         "body": {...}
//!       },
//!       "response": { "status": 201, "headers": [["Cko-Request-Id", "..."]], "body": {...} }
//!     },
//!     {
//!       "request": { ... },
//!       "error": { "kind": "timed_out", "message": "..." }
//!     }
//!   ]
//! }
//! ```
//!
//! # Example
//!
//! ```
//! use checkout_sdk_core::transport::{Headers, HttpRequest, HttpTransport, Method};
//! use checkout_sdk_fake::cassette::{Cassette, Recorder, Replayer};
//! use checkout_sdk_fake::recording::FakeTransport;
//! use serde_json::json;
//!
//! let fake = FakeTransport::new();
//! fake.push_json(200, json!({"id": "pay_1", "status": "Captured"}));
//! let recorder = Recorder::new(fake);
//! let request = HttpRequest {
//!     method: Method::Get,
//!     url: "https://api.sandbox.checkout.com/payments/pay_1".into(),
//!     headers: [("Authorization", "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e")].into_iter().collect(),
//!     body: Default::default(),
//!     timeout: None,
//! };
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! let recorded = block_on(recorder.send(request.clone())).unwrap();
//!
//! let text = recorder.to_json_string().unwrap();
//! assert!(!text.contains("m73dzbpy"));
//!
//! let replayer = Replayer::new(Cassette::from_json_str(&text).unwrap());
//! let replayed = block_on(replayer.send(request)).unwrap();
//! assert_eq!(replayed.status, recorded.status);
//! replayer.assert_all_played();
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use checkout_sdk_core::transport::{
    path_and_query, Headers, HttpRequest, HttpResponse, HttpTransport, TransportError, TransportErrorKind,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use checkout_sdk_core::redact::{redact_header_value, redact_json, redact_text, redact_text_cow};

use crate::recording::json_difference;

mod pseudonym;

use pseudonym::{pseudonymize_json, pseudonymize_text};

/// The cassette format version this crate reads and writes.
pub const CASSETTE_VERSION: u32 = 1;

/// What scrubbing does with personal data (emails, names, phone numbers, addresses, IPs,
/// customer ids).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PersonalData {
    /// Replace them with stable pseudonyms (the default).
    #[default]
    Pseudonymized,
    /// Keep them as recorded: only for data you may store and share.
    Kept,
}

impl PersonalData {
    fn is_default(&self) -> bool {
        *self == PersonalData::Pseudonymized
    }
}

// ---------------------------------------------------------------------------------------------
// Scrubbing helpers
// ---------------------------------------------------------------------------------------------

/// Rebuilds objects with their keys inserted in sorted order, so the output is sorted even if
/// serde_json's `preserve_order` feature is on somewhere in the build.
fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// Free text (a URL, a header value, a text body, an error message), scrubbed.
fn scrub_text(text: &str, personal: PersonalData) -> String {
    let redacted = redact_text_cow(text);
    match personal {
        PersonalData::Kept => redacted.into_owned(),
        _ => pseudonymize_text(&redacted).into_owned(),
    }
}

/// A body as stored: `null` when empty, JSON (scrubbed) when it is a JSON object or array, else a
/// (scrubbed, lossily decoded) string.
fn store_body(body: &[u8], personal: PersonalData) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        if value.is_object() || value.is_array() {
            return scrub_body(value, personal);
        }
    }
    Value::String(scrub_text(&String::from_utf8_lossy(body), personal))
}

/// Scrubs a body already in stored form.
fn scrub_body(value: Value, personal: PersonalData) -> Value {
    match value {
        Value::String(text) => Value::String(scrub_text(&text, personal)),
        mut value => {
            redact_json(&mut value);
            if personal != PersonalData::Kept {
                pseudonymize_json(&mut value);
            }
            sort_keys(value)
        }
    }
}

/// The bytes a stored body stands for.
fn body_bytes(body: &Value) -> Vec<u8> {
    match body {
        Value::Null => Vec::new(),
        Value::String(text) => text.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    }
}

/// Header pairs with names redacted and values scrubbed, sorted by name (case-insensitive; stable
/// for repeats).
fn scrub_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    personal: PersonalData,
) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .into_iter()
        .map(|(name, value)| (redact_text(name), scrub_text(&redact_header_value(name, value), personal)))
        .collect();
    pairs.sort_by_key(|(name, _)| name.to_ascii_lowercase());
    pairs
}

fn to_headers(pairs: &[(String, String)]) -> Headers {
    pairs.iter().map(|(n, v)| (n.clone(), v.clone())).collect()
}

fn kind_name(kind: TransportErrorKind) -> &'static str {
    match kind {
        TransportErrorKind::NotSent => "not_sent",
        TransportErrorKind::TimedOut => "timed_out",
        TransportErrorKind::Interrupted => "interrupted",
        TransportErrorKind::BodyTooLarge => "body_too_large",
        // A kind newer than this crate: the conservative reading is "may have been sent".
        _ => "interrupted",
    }
}

fn kind_from_name(name: &str) -> Option<TransportErrorKind> {
    match name {
        "not_sent" => Some(TransportErrorKind::NotSent),
        "timed_out" => Some(TransportErrorKind::TimedOut),
        "interrupted" => Some(TransportErrorKind::Interrupted),
        "body_too_large" => Some(TransportErrorKind::BodyTooLarge),
        _ => None,
    }
}

/// Shortens a text for an error message.
fn abbreviate(text: &str) -> String {
    const LIMIT: usize = 300;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}... ({} bytes)", &text[..cut], text.len()),
        None => text.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------

/// A request as stored in a cassette (scrubbed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRequest {
    /// The method on the wire (`POST`).
    pub method: String,
    /// The absolute URL, scrubbed.
    pub url: String,
    /// `[name, value]` pairs sorted by name, sensitive values redacted.
    pub headers: Vec<(String, String)>,
    /// `null` for an empty body, JSON for a JSON object or array, else a string.
    pub body: Value,
}

impl StoredRequest {
    /// The scrubbed form of `request`, personal data pseudonymized.
    pub fn from_http(request: &HttpRequest) -> Self {
        Self::from_http_with(request, PersonalData::default())
    }

    /// The scrubbed form of `request`, personal data as `personal` says.
    pub fn from_http_with(request: &HttpRequest, personal: PersonalData) -> Self {
        StoredRequest {
            method: request.method.as_str().to_string(),
            url: scrub_text(&request.url, personal),
            headers: scrub_headers(request.headers.iter(), personal),
            body: store_body(&request.body, personal),
        }
    }

    /// The URL's path and query (`/payments?reference=ORD-1`): what replay matches, with the
    /// method and body, so a cassette recorded against one host replays against any.
    pub fn path(&self) -> &str {
        path_and_query(&self.url)
    }

    /// The headers as [`Headers`].
    pub fn headers(&self) -> Headers {
        to_headers(&self.headers)
    }

    /// The bytes the stored body stands for (compact JSON for JSON bodies).
    pub fn body_bytes(&self) -> Vec<u8> {
        body_bytes(&self.body)
    }

    fn scrub(&mut self, personal: PersonalData) {
        self.url = scrub_text(&self.url, personal);
        self.headers = scrub_headers(self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())), personal);
        self.body = scrub_body(std::mem::take(&mut self.body), personal);
    }

    fn describe(&self) -> String {
        format!("{} {}", self.method, self.path())
    }
}

/// A response as stored in a cassette (scrubbed; no timing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    /// The status code.
    pub status: u16,
    /// `[name, value]` pairs sorted by name, sensitive values redacted.
    pub headers: Vec<(String, String)>,
    /// `null` for an empty body, JSON for a JSON object or array, else a string.
    pub body: Value,
}

impl StoredResponse {
    /// The scrubbed form of `response`, personal data pseudonymized.
    pub fn from_http(response: &HttpResponse) -> Self {
        Self::from_http_with(response, PersonalData::default())
    }

    /// The scrubbed form of `response`, personal data as `personal` says.
    pub fn from_http_with(response: &HttpResponse, personal: PersonalData) -> Self {
        StoredResponse {
            status: response.status,
            headers: scrub_headers(response.headers.iter(), personal),
            body: store_body(&response.body, personal),
        }
    }

    /// The response to replay (no `elapsed`).
    pub fn to_http(&self) -> HttpResponse {
        HttpResponse {
            status: self.status,
            headers: to_headers(&self.headers),
            body: body_bytes(&self.body),
            elapsed: None,
        }
    }

    fn scrub(&mut self, personal: PersonalData) {
        self.headers = scrub_headers(self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())), personal);
        self.body = scrub_body(std::mem::take(&mut self.body), personal);
    }
}

/// A transport failure as stored in a cassette.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFailure {
    /// `not_sent`, `timed_out`, `interrupted` or `body_too_large`.
    pub kind: String,
    /// The error's message, scrubbed.
    pub message: String,
}

impl StoredFailure {
    /// The scrubbed form of `error`, personal data pseudonymized.
    pub fn from_error(error: &TransportError) -> Self {
        Self::from_error_with(error, PersonalData::default())
    }

    /// The scrubbed form of `error`, personal data as `personal` says.
    pub fn from_error_with(error: &TransportError, personal: PersonalData) -> Self {
        StoredFailure { kind: kind_name(error.kind()).to_string(), message: scrub_text(error.message(), personal) }
    }

    /// The error to replay. An unknown kind replays as
    /// [`Interrupted`](TransportErrorKind::Interrupted) (the server may have got the request).
    pub fn to_error(&self) -> TransportError {
        let kind = kind_from_name(&self.kind).unwrap_or(TransportErrorKind::Interrupted);
        TransportError::new(kind, self.message.clone())
    }
}

/// How a recorded exchange ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A response arrived.
    Response(StoredResponse),
    /// The transport failed.
    Error(StoredFailure),
}

impl Outcome {
    /// The scrubbed form of a transport's result, personal data pseudonymized.
    pub fn from_result(result: &Result<HttpResponse, TransportError>) -> Self {
        Self::from_result_with(result, PersonalData::default())
    }

    /// The scrubbed form of a transport's result, personal data as `personal` says.
    pub fn from_result_with(result: &Result<HttpResponse, TransportError>, personal: PersonalData) -> Self {
        match result {
            Ok(response) => Outcome::Response(StoredResponse::from_http_with(response, personal)),
            Err(error) => Outcome::Error(StoredFailure::from_error_with(error, personal)),
        }
    }

    /// The result to replay.
    pub fn to_result(&self) -> Result<HttpResponse, TransportError> {
        match self {
            Outcome::Response(response) => Ok(response.to_http()),
            Outcome::Error(failure) => Err(failure.to_error()),
        }
    }
}

/// One recorded exchange: a request and its response or transport failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "InteractionRepr", try_from = "InteractionRepr")]
pub struct Interaction {
    /// The request, scrubbed.
    pub request: StoredRequest,
    /// What came back, scrubbed.
    pub outcome: Outcome,
}

impl Interaction {
    /// The scrubbed record of `request` and what the transport returned for it, personal data
    /// pseudonymized.
    pub fn new(request: &HttpRequest, result: &Result<HttpResponse, TransportError>) -> Self {
        Self::new_with(request, result, PersonalData::default())
    }

    /// The scrubbed record of `request` and what the transport returned for it, personal data as
    /// `personal` says.
    pub fn new_with(
        request: &HttpRequest,
        result: &Result<HttpResponse, TransportError>,
        personal: PersonalData,
    ) -> Self {
        Interaction {
            request: StoredRequest::from_http_with(request, personal),
            outcome: Outcome::from_result_with(result, personal),
        }
    }

    /// Scrubs the interaction again, personal data pseudonymized (a no-op for interactions this
    /// crate made; useful after building or editing one by hand).
    #[must_use]
    pub fn scrubbed(self) -> Self {
        self.scrubbed_with(PersonalData::default())
    }

    /// Scrubs the interaction again, personal data as `personal` says.
    #[must_use]
    pub fn scrubbed_with(mut self, personal: PersonalData) -> Self {
        self.request.scrub(personal);
        match &mut self.outcome {
            Outcome::Response(response) => response.scrub(personal),
            Outcome::Error(failure) => failure.message = scrub_text(&failure.message, personal),
        }
        self
    }
}

#[derive(Serialize, Deserialize)]
struct InteractionRepr {
    request: StoredRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response: Option<StoredResponse>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<StoredFailure>,
}

impl From<Interaction> for InteractionRepr {
    fn from(interaction: Interaction) -> Self {
        let (response, error) = match interaction.outcome {
            Outcome::Response(response) => (Some(response), None),
            Outcome::Error(failure) => (None, Some(failure)),
        };
        InteractionRepr { request: interaction.request, response, error }
    }
}

impl TryFrom<InteractionRepr> for Interaction {
    type Error = String;
    fn try_from(repr: InteractionRepr) -> Result<Self, String> {
        let outcome = match (repr.response, repr.error) {
            (Some(response), None) => Outcome::Response(response),
            (None, Some(failure)) => Outcome::Error(failure),
            (Some(_), Some(_)) => return Err("an interaction has both a \"response\" and an \"error\"".to_string()),
            (None, None) => return Err("an interaction has neither a \"response\" nor an \"error\"".to_string()),
        };
        Ok(Interaction { request: repr.request, outcome })
    }
}

// ---------------------------------------------------------------------------------------------
// Cassettes
// ---------------------------------------------------------------------------------------------

/// Why a cassette could not be read or written.
#[derive(Debug)]
#[non_exhaustive]
pub enum CassetteError {
    /// Reading or writing the file failed.
    Io {
        /// The cassette file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not a valid cassette (the message is scrubbed).
    Parse(String),
    /// The cassette has a format version this crate does not know.
    UnsupportedVersion(u64),
}

impl fmt::Display for CassetteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CassetteError::Io { path, source } => write!(f, "cassette {}: {source}", path.display()),
            CassetteError::Parse(message) => write!(f, "invalid cassette: {message}"),
            CassetteError::UnsupportedVersion(version) => {
                write!(f, "unsupported cassette version {version} (this crate reads version {CASSETTE_VERSION})")
            }
        }
    }
}

impl std::error::Error for CassetteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CassetteError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct CassetteOut<'a> {
    version: u32,
    #[serde(skip_serializing_if = "PersonalData::is_default")]
    personal_data: PersonalData,
    interactions: &'a [Interaction],
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u64,
}

#[derive(Deserialize)]
struct CassetteIn {
    #[serde(default)]
    personal_data: PersonalData,
    interactions: Vec<Interaction>,
}

/// A list of recorded, scrubbed interactions, and its file format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cassette {
    interactions: Vec<Interaction>,
    personal_data: PersonalData,
}

impl Cassette {
    /// An empty cassette that pseudonymizes personal data.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty cassette that treats personal data as `personal` says ([`PersonalData::Kept`]
    /// to keep it).
    pub fn with_personal_data(personal: PersonalData) -> Self {
        Cassette { interactions: Vec::new(), personal_data: personal }
    }

    /// What this cassette does with personal data.
    pub fn personal_data(&self) -> PersonalData {
        self.personal_data
    }

    /// A cassette of `interactions`, scrubbed, personal data pseudonymized.
    pub fn from_interactions(interactions: impl IntoIterator<Item = Interaction>) -> Self {
        let mut cassette = Cassette::new();
        interactions.into_iter().for_each(|interaction| cassette.push(interaction));
        cassette
    }

    /// Appends `interaction`, scrubbed as this cassette scrubs.
    pub fn push(&mut self, interaction: Interaction) {
        self.interactions.push(interaction.scrubbed_with(self.personal_data));
    }

    /// The interactions, in recording order.
    pub fn interactions(&self) -> &[Interaction] {
        &self.interactions
    }

    /// How many interactions there are.
    pub fn len(&self) -> usize {
        self.interactions.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.interactions.is_empty()
    }

    /// Parses a cassette document (and scrubs it again, in case it was edited by hand).
    pub fn from_json_str(text: &str) -> Result<Self, CassetteError> {
        let parse_error = |e: serde_json::Error| CassetteError::Parse(redact_text(&e.to_string()));
        let version: VersionOnly = serde_json::from_str(text).map_err(parse_error)?;
        if version.version != u64::from(CASSETTE_VERSION) {
            return Err(CassetteError::UnsupportedVersion(version.version));
        }
        let cassette: CassetteIn = serde_json::from_str(text).map_err(parse_error)?;
        let mut scrubbed = Cassette::with_personal_data(cassette.personal_data);
        cassette.interactions.into_iter().for_each(|interaction| scrubbed.push(interaction));
        Ok(scrubbed)
    }

    /// Reads a cassette file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, CassetteError> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| CassetteError::Io { path: path.to_path_buf(), source })?;
        Self::from_json_str(&text)
    }

    /// The cassette document: pretty-printed JSON ending in a newline, the same bytes for the same
    /// interactions.
    pub fn to_json_string(&self) -> Result<String, CassetteError> {
        let document = CassetteOut {
            version: CASSETTE_VERSION,
            personal_data: self.personal_data,
            interactions: &self.interactions,
        };
        let mut text = serde_json::to_string_pretty(&document).map_err(|e| CassetteError::Parse(e.to_string()))?;
        text.push('\n');
        Ok(text)
    }

    /// Writes the cassette document to `path`, creating its parent directories.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), CassetteError> {
        let path = path.as_ref();
        let io_error = |source| CassetteError::Io { path: path.to_path_buf(), source };
        let text = self.to_json_string()?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io_error)?;
        }
        std::fs::write(path, text).map_err(io_error)
    }
}

// ---------------------------------------------------------------------------------------------
// Recorder
// ---------------------------------------------------------------------------------------------

/// An [`HttpTransport`] that forwards to `inner` and records every exchange, scrubbed.
///
/// Interactions are kept in the order the exchanges completed. Clones share the recording.
pub struct Recorder<T> {
    inner: T,
    interactions: Arc<Mutex<Vec<Interaction>>>,
    personal_data: PersonalData,
}

impl<T> Recorder<T> {
    /// Records the traffic going through `inner`, personal data pseudonymized.
    pub fn new(inner: T) -> Self {
        Recorder { inner, interactions: Arc::default(), personal_data: PersonalData::default() }
    }

    /// Keeps personal data (emails, names, phone numbers, addresses, IPs, customer ids) as
    /// recorded instead of pseudonymizing it: the opt-out, only for data you may store. Secrets
    /// and card data are scrubbed all the same.
    #[must_use]
    pub fn keep_personal_data(mut self) -> Self {
        self.personal_data = PersonalData::Kept;
        self
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Interaction>> {
        self.interactions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped transport, dropping the recording.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The interactions recorded so far (scrubbed).
    pub fn interactions(&self) -> Vec<Interaction> {
        self.lock().clone()
    }

    /// How many interactions were recorded.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Forgets the interactions recorded so far.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// A cassette of the interactions recorded so far.
    pub fn cassette(&self) -> Cassette {
        Cassette { interactions: self.interactions(), personal_data: self.personal_data }
    }

    /// The cassette document of the interactions recorded so far.
    pub fn to_json_string(&self) -> Result<String, CassetteError> {
        self.cassette().to_json_string()
    }

    /// Writes the interactions recorded so far to the cassette file `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), CassetteError> {
        self.cassette().save(path)
    }
}

impl<T: Clone> Clone for Recorder<T> {
    fn clone(&self) -> Self {
        Recorder {
            inner: self.inner.clone(),
            interactions: Arc::clone(&self.interactions),
            personal_data: self.personal_data,
        }
    }
}

impl<T> fmt::Debug for Recorder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder").field("interactions", &self.len()).finish_non_exhaustive()
    }
}

#[async_trait]
impl<T: HttpTransport> HttpTransport for Recorder<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let stored = StoredRequest::from_http_with(&request, self.personal_data);
        let result = self.inner.send(request).await;
        let interaction =
            Interaction { request: stored, outcome: Outcome::from_result_with(&result, self.personal_data) };
        self.lock().push(interaction);
        result
    }
}

// ---------------------------------------------------------------------------------------------
// Replayer
// ---------------------------------------------------------------------------------------------

struct ReplayState {
    interactions: Vec<Interaction>,
    personal_data: PersonalData,
    used: Vec<bool>,
    any_order: bool,
    received: usize,
    failures: Vec<String>,
}

/// An [`HttpTransport`] that answers from a cassette.
///
/// A request matches an interaction when the method, the URL's path and query (not the host) and
/// the body agree, both sides scrubbed (personal data as the cassette says); headers are not compared (idempotency keys and user agents
/// change from run to run). By default interactions are played strictly in order; with
/// [`in_any_order`](Self::in_any_order) a request takes the first unused interaction it matches.
///
/// A request that matches nothing fails with [`TransportErrorKind::NotSent`] and a message naming
/// what was expected; it is noted, so [`assert_all_played`](Self::assert_all_played) fails.
/// Clones share the position in the cassette.
#[derive(Clone)]
pub struct Replayer {
    state: Arc<Mutex<ReplayState>>,
}

impl Replayer {
    /// Replays `cassette` in order.
    pub fn new(cassette: Cassette) -> Self {
        let used = vec![false; cassette.interactions.len()];
        Replayer {
            state: Arc::new(Mutex::new(ReplayState {
                interactions: cassette.interactions,
                personal_data: cassette.personal_data,
                used,
                any_order: false,
                received: 0,
                failures: Vec::new(),
            })),
        }
    }

    /// Replays the cassette file at `path` in order.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, CassetteError> {
        Cassette::load(path).map(Self::new)
    }

    /// Lets requests match any unused interaction, not only the next one.
    #[must_use]
    pub fn in_any_order(self) -> Self {
        self.lock().any_order = true;
        self
    }

    fn lock(&self) -> MutexGuard<'_, ReplayState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many interactions were not played yet.
    pub fn remaining(&self) -> usize {
        self.lock().used.iter().filter(|used| !**used).count()
    }

    /// The messages of the requests that matched nothing.
    pub fn failures(&self) -> Vec<String> {
        self.lock().failures.clone()
    }

    /// Answers `request` synchronously, exactly as [`HttpTransport::send`] does.
    pub fn replay(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut state = self.lock();
        // Scrubbed exactly as the cassette was, so pseudonyms match.
        let incoming = StoredRequest::from_http_with(request, state.personal_data);
        let number = state.received;
        state.received += 1;
        let found =
            if state.any_order { find_any(&state, &incoming, number) } else { find_next(&state, &incoming, number) };
        match found {
            Ok(index) => {
                state.used[index] = true;
                state.interactions[index].outcome.to_result()
            }
            Err(message) => {
                state.failures.push(message.clone());
                Err(TransportError::not_sent(message))
            }
        }
    }

    /// Asserts every interaction was played and every request matched one.
    ///
    /// # Panics
    /// If some interactions were not played, or some requests matched nothing.
    #[track_caller]
    pub fn assert_all_played(&self) {
        let state = self.lock();
        let unplayed: Vec<String> = state
            .interactions
            .iter()
            .zip(&state.used)
            .enumerate()
            .filter(|(_, (_, used))| !**used)
            .map(|(i, (interaction, _))| format!("#{i} {}", interaction.request.describe()))
            .collect();
        let failures = state.failures.clone();
        drop(state);
        let mut problems = Vec::new();
        if !unplayed.is_empty() {
            problems.push(format!("{} interactions were not played: [{}]", unplayed.len(), unplayed.join(", ")));
        }
        if !failures.is_empty() {
            problems.push(format!("{} requests matched nothing:\n{}", failures.len(), failures.join("\n")));
        }
        if !problems.is_empty() {
            panic!("Replayer: {}", problems.join("; "));
        }
    }
}

impl fmt::Debug for Replayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Replayer")
            .field("interactions", &state.interactions.len())
            .field("remaining", &state.used.iter().filter(|used| !**used).count())
            .field("any_order", &state.any_order)
            .field("failures", &state.failures.len())
            .finish()
    }
}

#[async_trait]
impl HttpTransport for Replayer {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.replay(&request)
    }
}

/// Why `incoming` does not match `recorded`, if it does not.
fn mismatch(recorded: &StoredRequest, incoming: &StoredRequest) -> Option<String> {
    if recorded.method != incoming.method || recorded.path() != incoming.path() {
        return Some(format!("expected {}, got {}", recorded.describe(), incoming.describe()));
    }
    if recorded.body == incoming.body {
        return None;
    }
    if let Some(difference) = json_difference(&recorded.body, &incoming.body, false) {
        return Some(format!("{}: the body differs {difference}", recorded.describe()));
    }
    Some(format!(
        "{}: the body differs: expected {}, got {}",
        recorded.describe(),
        abbreviate(&recorded.body.to_string()),
        abbreviate(&incoming.body.to_string())
    ))
}

fn find_next(state: &ReplayState, incoming: &StoredRequest, number: usize) -> Result<usize, String> {
    let Some(index) = state.used.iter().position(|used| !*used) else {
        return Err(format!(
            "Replayer: request #{number} {} has no recorded interaction: all {} interactions of the cassette were played",
            incoming.describe(),
            state.interactions.len()
        ));
    };
    match mismatch(&state.interactions[index].request, incoming) {
        None => Ok(index),
        Some(why) => {
            Err(format!("Replayer: request #{number} does not match interaction #{index} of the cassette: {why}"))
        }
    }
}

fn find_any(state: &ReplayState, incoming: &StoredRequest, number: usize) -> Result<usize, String> {
    let unused: Vec<usize> = (0..state.interactions.len()).filter(|i| !state.used[*i]).collect();
    if let Some(index) = unused.iter().copied().find(|i| mismatch(&state.interactions[*i].request, incoming).is_none())
    {
        return Ok(index);
    }
    let candidates: Vec<String> =
        unused.iter().map(|i| format!("#{i} {}", state.interactions[*i].request.describe())).collect();
    let closest = unused
        .iter()
        .find(|i| {
            let recorded = &state.interactions[**i].request;
            recorded.method == incoming.method && recorded.path() == incoming.path()
        })
        .and_then(|i| mismatch(&state.interactions[*i].request, incoming).map(|why| format!("; closest #{i}: {why}")))
        .unwrap_or_default();
    Err(format!(
        "Replayer: request #{number} {} matches no unplayed interaction (unplayed: [{}]){closest}",
        incoming.describe(),
        candidates.join(", ")
    ))
}
