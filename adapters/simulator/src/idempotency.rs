//! `Cko-Idempotency-Key`: the first response to a key is remembered and replayed for the same
//! request; the same key with another body is a conflict.
//!
//! Records are kept per key and path, so one key may be used for a payment and for its capture.
//! Bodies are compared by a 128-bit digest, never kept (they can hold card numbers).

use std::collections::BTreeMap;

use checkout_sdk_core::id::IdempotencyKey;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse};

use crate::ids;
use crate::reply::Reply;

/// The header that carries the key.
const HEADER: &str = "cko-idempotency-key";

/// A stored idempotent response.
struct Record {
    digest: (u64, u64),
    response: HttpResponse,
}

/// Where a fresh response will be recorded.
pub(crate) struct Slot {
    key: (String, String),
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

/// Every idempotency record.
#[derive(Default)]
pub(crate) struct IdempotencyStore {
    records: BTreeMap<(String, String), Record>,
}

impl IdempotencyStore {
    /// Looks `request` (to `path`, without its query) up by its key.
    pub(crate) fn lookup(&self, request: &HttpRequest, path: &str, request_id: &str) -> Lookup {
        let Some(key) = request.headers.get(HEADER) else {
            return Lookup::Unkeyed;
        };
        if IdempotencyKey::new(key).is_err() {
            return Lookup::Answered(Reply::invalid(request_id, &["idempotency_key_invalid"]).finish(request_id));
        }
        let key = (key.to_string(), path.to_string());
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
        self.records.insert(slot.key, Record { digest: slot.digest, response: response.clone() });
    }
}
