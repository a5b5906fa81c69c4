//! Paying out: `POST /payments` with a `destination`.

use alloc::string::String;
use alloc::vec::Vec;

use super::payment::with_channel;
use super::{parse_typed, Operation};
use crate::config::Config;
use crate::error::Error;
use crate::id::IdempotencyKey;
use crate::payout::Payout;
use crate::request::PayoutRequest;
use crate::response::Response;
use crate::transport::{HttpResponse, Method};

/// `POST /payments` with a `destination`: send money to a card or a bank account. `202`
/// (`201` from older accounts), with the payout's status (`Pending` until paid).
#[derive(Debug, Clone)]
pub struct RequestPayout {
    request: PayoutRequest,
}

impl RequestPayout {
    /// The operation for `request`.
    pub fn new(request: PayoutRequest) -> Self {
        RequestPayout { request }
    }
}

impl Operation for RequestPayout {
    type Data = Payout;
    fn method(&self) -> Method {
        Method::Post
    }
    fn path(&self) -> String {
        "payments".into()
    }
    fn body(&self, config: &Config) -> Result<Option<Vec<u8>>, Error> {
        with_channel(&self.request, self.request.processing_channel_id.as_ref(), config)
    }
    fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.request.idempotency_key.as_ref()
    }
    fn expected_statuses(&self) -> &'static [u16] {
        &[201, 202]
    }
    fn parse_success(&self, response: HttpResponse) -> Result<Response<Payout>, Error> {
        parse_typed(response)
    }
}
