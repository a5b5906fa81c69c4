//! `Cko-Idempotency-Key`: the first response to a key is remembered and replayed for the same
//! request; the same key with another body is a conflict.
//!
//! Records are kept per key and path, so one key may be used for a payment and for its capture.
//! Bodies are compared by a 128-bit digest, never kept (they can hold card numbers). A key that is
//! not valid in any way (empty, over 255 characters, anything but visible ASCII, or sent twice) is
//! refused with 422 before anything happens: it is never ignored. Records are kept within the
//! [`Limits`](crate::Limits), oldest forgotten first.

use checkout_sdk_core::id::IdempotencyKey;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse};

use crate::ids;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::retention::{text_weight, Retained, Weigh};

/// The header that carries the key.
const HEADER: &str = "cko-idempotency-key";

/// A stored idempotent response.
struct Record {
    digest: (u64, u64),
    response: HttpResponse,
}

impl Weigh for Record {
    fn weight(&self) -> usize {
        size_of::<Record>()
            + self.response.body.len()
            + self.response.headers.iter().map(|(n, v)| text_weight(n) + text_weight(v)).sum::<usize>()
    }
}

/// Where a fresh response will be recorded.
pub(crate) struct Slot {
    key: String,
    digest: (u64, u64),
}

/// What the store says about a request before it is handled.
pub(crate) enum Lookup {
    /// No key: handle the request and remember nothing.
    Unkeyed,
    /// A key seen for the first time: handle the request, then [`record`](IdempotencyStore::record).
    Fresh(Slot),
    /// Answer this instead of handling the request.
    Answered(HttpResponse),
}

/// Every idempotency record, by path and key.
pub(crate) struct IdempotencyStore {
    records: Retained<Record>,
}

impl IdempotencyStore {
    /// An empty store within `limits`.
    pub(crate) fn new(limits: &Limits) -> Self {
        IdempotencyStore { records: Retained::new(limits.idempotency_records, limits.idempotency_bytes) }
    }

    /// Applies new limits, forgetting the oldest records if needed.
    pub(crate) fn set_limits(&mut self, limits: &Limits) {
        let _ = self.records.set_bounds(limits.idempotency_records, limits.idempotency_bytes);
    }

    /// How many records there are.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Looks `request` (to `path`, without its query) up by its key.
    pub(crate) fn lookup(&self, request: &HttpRequest, path: &str, request_id: &str) -> Lookup {
        let mut keys = request.headers.iter().filter(|(name, _)| name.eq_ignore_ascii_case(HEADER));
        let Some((_, key)) = keys.next() else {
            return Lookup::Unkeyed;
        };
        if keys.next().is_some() || IdempotencyKey::new(key).is_err() {
            return Lookup::Answered(Reply::invalid(request_id, &["idempotency_key_invalid"]).finish(request_id));
        }
        // Neither a path nor a valid key holds a newline.
        let key = format!("{path}\n{key}");
        let digest = ids::digest(&request.body);
        match self.records.get(&key) {
            None => Lookup::Fresh(Slot { key, digest }),
            Some(record) if record.digest != digest => Lookup::Answered(
                Reply::error(409, request_id, "idempotency_key_reused", &["idempotency_key_reused"]).finish(request_id),
            ),
            Some(record) => {
                let mut replay = record.response.clone();
                replay.headers.insert("Cko-Request-Id", request_id);
                replay.headers.insert("Cko-Idempotent-Replay", "true");
                Lookup::Answered(replay)
            }
        }
    }

    /// Remembers the response to a fresh key.
    pub(crate) fn record(&mut self, slot: Slot, response: &HttpResponse) {
        let _ = self.records.insert(slot.key, Record { digest: slot.digest, response: response.clone() });
    }
}
