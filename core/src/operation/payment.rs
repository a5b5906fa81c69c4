//! Requesting a payment and reading it back.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

use super::{json_body, parse_typed, Operation};
use crate::action::PaymentAction;
use crate::config::Config;
use crate::error::Error;
use crate::id::{IdempotencyKey, PaymentId, PaymentRef, ProcessingChannelId};
use crate::payment::Payment;
use crate::request::PaymentRequest;
use crate::response::Response;
use crate::transport::{HttpResponse, Method};

/// A request body with the configuration's default processing channel added, for requests that
/// name none.
#[derive(Serialize)]
struct WithProcessingChannel<'a, T: Serialize> {
    #[serde(flatten)]
    request: &'a T,
    processing_channel_id: &'a ProcessingChannelId,
}

/// The JSON body of a payment or payout request: `request`, with the configuration's default
/// processing channel when the request names none.
pub(super) fn with_channel<T: Serialize>(
    request: &T,
    own_channel: Option<&String>,
    config: &Config,
) -> Result<Option<Vec<u8>>, Error> {
    match (config.processing_channel(), own_channel) {
        (Some(channel), None) => json_body(&WithProcessingChannel { request, processing_channel_id: channel }),
        _ => json_body(request),
    }
}

/// `POST /payments`: request a payment. `201` processed (approved or declined) or `202` pending.
#[derive(Debug, Clone)]
pub struct RequestPayment {
    request: PaymentRequest,
}

impl RequestPayment {
    /// The operation for `request`.
    pub fn new(request: PaymentRequest) -> Self {
        RequestPayment { request }
    }
}

impl Operation for RequestPayment {
    type Data = Payment;
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
    fn parse_success(&self, response: HttpResponse) -> Result<Response<Payment>, Error> {
        parse_typed(response)
    }
}

/// `GET /payments/{id}`: a payment by `pay_` or `sid_` id. `200`.
#[derive(Debug, Clone)]
pub struct GetPayment {
    id: PaymentRef,
}

impl GetPayment {
    /// The operation for `id`.
    pub fn new(id: impl Into<PaymentRef>) -> Self {
        GetPayment { id: id.into() }
    }
}

impl Operation for GetPayment {
    type Data = Payment;
    fn method(&self) -> Method {
        Method::Get
    }
    fn path(&self) -> String {
        format!("payments/{}", self.id.as_str())
    }
    fn expected_statuses(&self) -> &'static [u16] {
        &[200]
    }
    fn parse_success(&self, response: HttpResponse) -> Result<Response<Payment>, Error> {
        parse_typed(response)
    }
}

/// `GET /payments/{id}/actions`: the payment's actions, newest first. `200`.
#[derive(Debug, Clone)]
pub struct GetPaymentActions {
    id: PaymentId,
}

impl GetPaymentActions {
    /// The operation for payment `id`.
    pub fn new(id: PaymentId) -> Self {
        GetPaymentActions { id }
    }
}

impl Operation for GetPaymentActions {
    type Data = Vec<PaymentAction>;
    fn method(&self) -> Method {
        Method::Get
    }
    fn path(&self) -> String {
        format!("payments/{}/actions", self.id.as_str())
    }
    fn expected_statuses(&self) -> &'static [u16] {
        &[200]
    }
    fn parse_success(&self, response: HttpResponse) -> Result<Response<Vec<PaymentAction>>, Error> {
        parse_typed(response)
    }
}
