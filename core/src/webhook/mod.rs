//! Webhooks: verify a delivery from Checkout.com and read its event, in one call.
//!
//! A 3-D Secure or APM payment, a capture, a refund finish asynchronously; Checkout.com tells
//! your server by `POST`ing an event to your webhook URL. Each delivery carries:
//!
//! - `Cko-Signature`: the hex HMAC-SHA256 of the **raw** body, keyed with the webhook's
//!   signature key ([`SignatureKey`]);
//! - optionally `Authorization`: a value you configured on the webhook ([`WebhookAuthorization`]).
//!
//! [`WebhookReceiver::receive`] checks the body's size, the `Authorization` value and the
//! signature (both in constant time), then parses the event: a [`WebhookEvent`] with the
//! fields payment events share typed, the raw body, and the JSON for the rest. A refused delivery
//! is a [`WebhookError`] that says which check failed ([`WebhookError::check`]) and which HTTP
//! status to answer with; it never contains the key, the authorization value or the body.
//!
//! Like the rest of the core this is `no_std` and does no I/O: your HTTP server hands over the
//! headers and the body bytes. It needs the `webhooks` feature (on by default).
//!
//! Checkout.com delivers each event at least once, in no guaranteed order, and redelivers when
//! your endpoint does not answer 2xx in time: deduplicate on [`WebhookEvent::id`].
//!
//! ## Receiving a webhook
//!
//! ```
//! use checkout_sdk_core::transport::Headers;
//! use checkout_sdk_core::webhook::{EventType, SignatureKey, WebhookError, WebhookReceiver};
//!
//! // Once, at start-up: the signature key configured on the webhook.
//! let receiver = WebhookReceiver::new(SignatureKey::new("whsk_example_signature_key")?);
//!
//! // Per request: the headers and the raw body, exactly as they arrived (here, a delivery
//! // signed as Checkout.com signs it).
//! let body = br#"{"id": "evt_6aznipgxbuaure3qen5qbzyswy", "type": "payment_captured",
//!     "created_on": "2019-06-07T08:25:22Z", "data": {"id": "pay_waji5li3mqtetnaor77xmow4bq",
//!     "action_id": "act_gse7gcrhleuedmzhq25n3mhweq", "amount": 10000, "currency": "EUR",
//!     "reference": "ORD-5023-4E89", "response_code": "10000", "response_summary": "Approved"}}"#;
//! let mut headers = Headers::new();
//! headers.insert("Cko-Signature", receiver.signature_key().sign(body));
//!
//! let status = match receiver.receive(&headers, body) {
//!     Ok(event) => {
//!         if event.event_type() == &EventType::PaymentCaptured {
//!             println!("fulfil order {:?}: {:?} {:?} captured", event.reference(), event.amount(), event.currency());
//!         }
//!         assert_eq!(event.id(), "evt_6aznipgxbuaure3qen5qbzyswy");
//!         assert_eq!(event.payment_id().unwrap(), "pay_waji5li3mqtetnaor77xmow4bq");
//!         assert_eq!(event["data"]["response_summary"], "Approved");
//!         200
//!     }
//!     // 401 for a bad signature or authorization, 413 for a huge body, 400 for a non-event.
//!     Err(refused) => refused.check().http_status(),
//! };
//! assert_eq!(status, 200);
//!
//! // The same body with one byte changed (the amount 10000 becomes 90000) is refused, and the
//! // error shows neither the key nor the body.
//! let mut tampered = body.to_vec();
//! let at = tampered.windows(5).position(|w| w == b"10000").unwrap();
//! tampered[at] = b'9';
//! let refused = receiver.receive(&headers, &tampered).unwrap_err();
//! assert_eq!(refused, WebhookError::SignatureMismatch);
//! assert_eq!(refused.check().http_status(), 401);
//! # Ok::<(), WebhookError>(())
//! ```
//!
//! With `http` types (hyper, axum), pass the header map as it is:
//! `receiver.receive_pairs(request.headers(), &body_bytes)`.

mod authorization;
mod error;
mod event;
mod receiver;
mod signature;

pub use authorization::{WebhookAuthorization, AUTHORIZATION_HEADER};
pub use error::{WebhookCheck, WebhookError};
pub use event::{EventType, WebhookEvent};
pub use receiver::{WebhookReceiver, DEFAULT_MAX_BODY_SIZE};
pub use signature::{SignatureKey, SIGNATURE_HEADER};
