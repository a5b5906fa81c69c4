//! The actions on a payment: `POST /payments/{id}/{captures, refunds, voids, authorizations,
//! reversals, cancellations}`, each with its own request and acknowledgement, each carrying an
//! idempotency key.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{json_body, parse_typed, Operation};
use crate::action::ActionAccepted;
use crate::authorization::Authorization;
use crate::config::Config;
use crate::error::Error;
use crate::id::{IdempotencyKey, PaymentId};
use crate::request::{
    ActionRequest, CancellationRequest, IncrementalAuthorizationRequest, ReversalRequest, VoidRequest,
};
use crate::response::Response;
use crate::reversal::ReversalAccepted;
use crate::transport::{HttpResponse, Method};

macro_rules! payment_action {
    ($(
        $(#[$doc:meta])*
        $name:ident($request:ty) => $data:ty, $segment:literal, $statuses:expr;
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            id: PaymentId,
            request: $request,
        }

        impl $name {
            /// The action on payment `id`.
            pub fn new(id: PaymentId, request: $request) -> Self {
                $name { id, request }
            }
        }

        impl Operation for $name {
            type Data = $data;
            fn method(&self) -> Method {
                Method::Post
            }
            fn path(&self) -> String {
                format!(concat!("payments/{}/", $segment), self.id.as_str())
            }
            fn body(&self, _config: &Config) -> Result<Option<Vec<u8>>, Error> {
                json_body(&self.request)
            }
            fn idempotency_key(&self) -> Option<&IdempotencyKey> {
                self.request.idempotency_key.as_ref()
            }
            fn expected_statuses(&self) -> &'static [u16] {
                $statuses
            }
            fn parse_success(&self, response: HttpResponse) -> Result<Response<$data>, Error> {
                parse_typed(response)
            }
        }
    )*};
}

payment_action! {
    /// `POST /payments/{id}/captures`: capture all or part of an authorisation. `202`.
    CapturePayment(ActionRequest) => ActionAccepted, "captures", &[202];
    /// `POST /payments/{id}/refunds`: refund all or part of a capture. `202`.
    RefundPayment(ActionRequest) => ActionAccepted, "refunds", &[202];
    /// `POST /payments/{id}/voids`: cancel all or part of an authorisation before capture. `202`.
    VoidPayment(VoidRequest) => ActionAccepted, "voids", &[202];
    /// `POST /payments/{id}/authorizations`: raise the authorised amount of a payment authorised
    /// with `authorization_type: Estimated` (or extend its validity). `201`, approved or declined.
    IncrementAuthorization(IncrementalAuthorizationRequest) => Authorization, "authorizations", &[201];
    /// `POST /payments/{id}/reversals`: undo a payment whatever its state: an authorisation is
    /// voided, a capture refunded. `202` (`200` when there was nothing left to reverse).
    ReversePayment(ReversalRequest) => ReversalAccepted, "reversals", &[200, 202];
    /// `POST /payments/{id}/cancellations`: cancel a scheduled retry of a payment. `202`.
    CancelScheduledRetry(CancellationRequest) => ActionAccepted, "cancellations", &[202];
}
