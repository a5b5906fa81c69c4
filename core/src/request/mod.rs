//! What the SDK sends: the payment request and its builder, the objects inside it, the
//! requests of the actions on a payment, and payouts.
//!
//! Every modelled object is **open**: fields this SDK does not model are kept in its `extra` map
//! (set one with the chaining `.extra(key, value)`), read by `from_json` and serde alike, and
//! sent as given, so nothing the API accepts is dropped or refused. An `extra` entry may not
//! repeat a modelled field (each type lists its own in `FIELDS`): such a request is refused with
//! a typed error instead of being sent with the field twice.
//!
//! Builders chain the same way everywhere: a constructor takes what is required (`new()` when
//! nothing is), and every optional field has a setter of the field's own name.
//!
//! ```
//! use checkout_sdk_core::currency::Currency;
//! use checkout_sdk_core::request::{ActionRequest, Customer, PaymentRequest, VoidRequest};
//! use checkout_sdk_core::source::{PaymentSource, Phone};
//! use serde_json::json;
//!
//! let source = PaymentSource::infer(json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"})).unwrap();
//! let request = PaymentRequest::builder(source, 100, Currency::USD)
//!     .reference("pay_ref")
//!     .customer(Customer::new().email("jokershere@gmail.com").phone(Phone::new("+44", "7700 900077")))
//!     .three_ds(true) // shortcut for {"enabled": true}
//!     .build()
//!     .unwrap();
//! let body = serde_json::to_value(&request).unwrap();
//! assert_eq!(body["3ds"], json!({"enabled": true}));
//! assert_eq!(body["currency"], "USD");
//! assert_eq!(body["customer"]["phone"]["number"], "7700 900077");
//!
//! let capture = ActionRequest::full().amount(2000).reference("CAPTURE-1");
//! let void = VoidRequest::new().reference("VOID-1").amount(500);
//! assert_eq!(serde_json::to_value(&capture).unwrap(), json!({"amount": 2000, "reference": "CAPTURE-1"}));
//! assert_eq!(serde_json::to_value(&void).unwrap(), json!({"amount": 500, "reference": "VOID-1"}));
//! ```

pub(crate) mod field;

mod account_holder;
mod action;
mod allocation;
mod authorization;
mod billing_descriptor;
mod cancellation;
mod customer;
mod destination;
mod instruction;
mod item;
mod list;
mod payment;
mod payment_retry;
mod payout;
mod recipient;
mod reversal;
mod risk;
mod search;
mod sender;
mod shipping;
mod three_ds;
mod void;

pub use account_holder::{AccountHolder, AccountHolderType};
pub use action::{ActionRequest, CaptureRequest, CaptureType, RefundRequest};
pub use allocation::AmountAllocation;
pub use authorization::IncrementalAuthorizationRequest;
pub use billing_descriptor::BillingDescriptor;
pub use cancellation::CancellationRequest;
pub use customer::Customer;
pub use destination::{BankAccountDestination, CardDestination, IdDestination, PayoutDestination, TokenDestination};
pub use field::{FieldError, FieldProblem};
pub use instruction::{ChargeBearer, Instruction, InstructionScheme};
pub use item::Item;
pub use list::PaymentListQuery;
pub use payment::{AuthorizationType, PaymentRequest, PaymentRequestBuilder, PaymentType};
pub use payment_retry::{DowntimeRetry, DunningRetry, PaymentRetry};
pub use payout::{PayoutRequest, PayoutRequestBuilder, PayoutSource, PayoutSourceType};
pub use recipient::Recipient;
pub use reversal::ReversalRequest;
pub use risk::Risk;
pub use search::PaymentSearchRequest;
pub use sender::{Sender, SenderType};
pub use shipping::Shipping;
pub use three_ds::ThreeDs;
pub use void::VoidRequest;
