//! The Payments API, defined once for every driver.
//!
//! [`Payments`] turns each API call into its [operation](crate::operation) and hands it to a
//! [`Driver`]: the async [`Client`](crate::client::Client) returns futures, the
//! [`blocking::Client`](crate::blocking::Client) returns results directly. Both offer exactly
//! the same methods, documented here.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;

use crate::action::{ActionAccepted, PaymentAction};
use crate::authorization::Authorization;
use crate::error::Error;
use crate::id::{PaymentId, PaymentRef};
use crate::operation::{
    CancelScheduledRetry, CapturePayment, GetPayment, GetPaymentActions, IncrementAuthorization, ListPayments,
    Operation, Paged, RefundPayment, RequestPayment, RequestPayout, ReversePayment, SearchPayments, VoidPayment,
};
use crate::page::Page;
use crate::payment::Payment;
use crate::payout::Payout;
use crate::request::{
    ActionRequest, CancellationRequest, IncrementalAuthorizationRequest, PaymentListQuery, PaymentRequest,
    PaymentSearchRequest, PayoutRequest, ReversalRequest, VoidRequest,
};
use crate::response::Response;
use crate::reversal::ReversalAccepted;

/// A future of a call's result, as the async client returns it.
pub type CallFuture<D> = Pin<Box<dyn Future<Output = Result<Response<D>, Error>> + Send>>;

/// A future of every page's items, as the async client's page walks return it.
pub type PagesFuture<T> = Pin<Box<dyn Future<Output = Result<Vec<T>, Error>> + Send>>;

/// Runs operations to completion: what [`Payments`] needs from a client.
///
/// Implemented by the async [`Client`](crate::client::Client) (its output is a [`CallFuture`])
/// and by `&`[`blocking::Client`](crate::blocking::Client) (its output is the result itself).
pub trait Driver {
    /// What a call of an operation with data `D` gives back.
    type Output<D: Send + 'static>;

    /// Runs `op`.
    fn run<O>(&self, op: O) -> Self::Output<O::Data>
    where
        O: Operation + Send + Sync + 'static,
        O::Data: Send + 'static;

    /// A call that fails before anything is sent (e.g. an invalid id).
    fn fail<D: Send + 'static>(&self, error: Error) -> Self::Output<D>;

    /// What walking every page of a paged operation gives back.
    type All<T: Send + 'static>;

    /// Fetches every page, from `first` on, and gathers their items (see [`PageWalk`](crate::operation::PageWalk)).
    fn run_all<P>(&self, first: P) -> Self::All<P::Item>
    where
        P: Paged + Send + Sync + 'static,
        P::Item: Send + 'static;
}

/// The Payments API: `client.payments()`. Holds a cheap clone of (or a reference to) the client,
/// so it can be stored and moved freely.
///
/// Every method's result is an [`Error`] when the call fails: refused input (nothing sent), a
/// transport failure, a timeout, an HTTP error status, or an undecodable body, after the retries
/// the client's policy allows.
#[derive(Debug, Clone)]
pub struct Payments<C> {
    client: C,
}

impl<C: Driver> Payments<C> {
    /// The Payments API of `client`.
    pub fn new(client: C) -> Self {
        Payments { client }
    }

    fn with_id<I, T, D>(&self, id: I, op: impl FnOnce(T) -> D) -> C::Output<D::Data>
    where
        I: TryInto<T>,
        Error: From<I::Error>,
        D: Operation + Send + Sync + 'static,
        D::Data: Send + 'static,
    {
        match id.try_into() {
            Ok(id) => self.client.run(op(id)),
            Err(e) => self.client.fail(Error::from(e)),
        }
    }

    /// `POST /payments`: request a payment. `Ok` for processed (approved or declined) and pending
    /// payments alike; check [`Response::outcome`].
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments"));
    /// #     Ok(HttpResponse::new(201, br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "approved": true, "status": "Authorized", "response_code": "10000"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    /// let request = PaymentRequest::builder(card, 6540, Currency::USD).reference("ORD-5023-4E89").build()?;
    /// let payment = client.payments().request(request)?;
    /// assert_eq!(payment.outcome(), Outcome::Approved);
    /// assert!(payment.idempotency_key().is_some(), "every POST carries a key");
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Any [`Error`]; when it [may have been processed](Error::may_have_been_processed), send the
    /// same request again with [`Error::idempotency_key`] rather than a new payment.
    pub fn request(&self, request: PaymentRequest) -> C::Output<Payment> {
        self.client.run(RequestPayment::new(request))
    }

    /// `GET /payments/{id}`: a payment by payment id (`pay_`) or session id (`sid_`).
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Get, "/payments/pay_mbabizu24mvu3mela5njyhpit4"));
    /// #     Ok(HttpResponse::new(200, br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Captured"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// let payment = client.payments().get("pay_mbabizu24mvu3mela5njyhpit4")?;
    /// assert_eq!(payment.status, Some(PaymentStatus::Captured));
    /// // An id that could leave its URL path segment is refused before anything is sent.
    /// assert!(client.payments().get("pay_../../customers").unwrap_err().is_invalid_input());
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) for an unknown payment, or any other [`Error`].
    pub fn get<I>(&self, id: I) -> C::Output<Payment>
    where
        I: TryInto<PaymentRef>,
        Error: From<I::Error>,
    {
        self.with_id(id, GetPayment::new)
    }

    /// `GET /payments/{id}/actions`: the payment's actions, newest first.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Get, "/payments/pay_mbabizu24mvu3mela5njyhpit4/actions"));
    /// #     Ok(HttpResponse::new(200, br#"[{"id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "type": "Capture", "amount": 6540}, {"id": "act_mbabizu24mvu3mela5njyhpit4", "type": "Authorization", "amount": 6540}]"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// let actions = client.payments().actions("pay_mbabizu24mvu3mela5njyhpit4")?;
    /// assert_eq!(actions[0].action_type, ActionType::Capture);
    /// assert_eq!(actions.len(), 2);
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Any [`Error`].
    pub fn actions<I>(&self, id: I) -> C::Output<Vec<PaymentAction>>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, GetPaymentActions::new)
    }

    /// `POST /payments/{id}/captures`: capture all (`ActionRequest::full()`) or part.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments/pay_mbabizu24mvu3mela5njyhpit4/captures"));
    /// #     Ok(HttpResponse::new(202, br#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "reference": "CAPTURE-1"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// let accepted = client.payments().capture("pay_mbabizu24mvu3mela5njyhpit4", ActionRequest::full().amount(2000).reference("CAPTURE-1"))?;
    /// assert_eq!(accepted.action_id, "act_y3oqhf46pyzuxjbcn2giaqnb44");
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotAllowed`](crate::ErrorKind::NotAllowed) when the payment cannot be captured now, or any other [`Error`].
    pub fn capture<I>(&self, id: I, request: ActionRequest) -> C::Output<ActionAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| CapturePayment::new(id, request))
    }

    /// `POST /payments/{id}/refunds`: refund all (`ActionRequest::full()`) or part.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments/pay_mbabizu24mvu3mela5njyhpit4/refunds"));
    /// #     Ok(HttpResponse::new(202, br#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// let accepted = client.payments().refund("pay_mbabizu24mvu3mela5njyhpit4", ActionRequest::full())?;
    /// assert!(accepted.idempotency_key().is_some());
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotAllowed`](crate::ErrorKind::NotAllowed) when nothing can be refunded now, or any other [`Error`].
    pub fn refund<I>(&self, id: I, request: ActionRequest) -> C::Output<ActionAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| RefundPayment::new(id, request))
    }

    /// `POST /payments/{id}/voids`: cancel an authorisation that was not captured.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments/pay_mbabizu24mvu3mela5njyhpit4/voids"));
    /// #     Ok(HttpResponse::new(202, br#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// let accepted = client.payments().void("pay_mbabizu24mvu3mela5njyhpit4", VoidRequest::new().reference("VOID-1"))?;
    /// assert_eq!(accepted.action_id, "act_y3oqhf46pyzuxjbcn2giaqnb44");
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotAllowed`](crate::ErrorKind::NotAllowed) once the payment is captured, or any other [`Error`].
    pub fn void<I>(&self, id: I, request: VoidRequest) -> C::Output<ActionAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| VoidPayment::new(id, request))
    }

    /// `POST /payments/{id}/authorizations`: raise the authorised amount of a payment that was
    /// authorised with `authorization_type: Estimated` (hotels, car hire, tips).
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments/pay_mbabizu24mvu3mela5njyhpit4/authorizations"));
    /// #     Ok(HttpResponse::new(201, br#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "amount": 1000, "approved": true, "status": "Authorized"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// use checkout_sdk_core::request::IncrementalAuthorizationRequest;
    /// let raised = client.payments().increment_authorization("pay_mbabizu24mvu3mela5njyhpit4", IncrementalAuthorizationRequest::new().amount(1000))?;
    /// assert_eq!(raised.approved, Some(true));
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotAllowed`](crate::ErrorKind::NotAllowed) when the payment cannot be incremented, or any other [`Error`].
    pub fn increment_authorization<I>(
        &self,
        id: I,
        request: IncrementalAuthorizationRequest,
    ) -> C::Output<Authorization>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| IncrementAuthorization::new(id, request))
    }

    /// `POST /payments/{id}/reversals`: undo a payment whatever its state (voids an
    /// authorisation, refunds a capture); the acknowledgement says which it did.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments/pay_mbabizu24mvu3mela5njyhpit4/reversals"));
    /// #     Ok(HttpResponse::new(202, br#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "action_type": "Void"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// use checkout_sdk_core::request::ReversalRequest;
    /// let reversed = client.payments().reverse("pay_mbabizu24mvu3mela5njyhpit4", ReversalRequest::new())?;
    /// assert_eq!(reversed.action_type, Some(ActionType::Void));
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Any [`Error`].
    pub fn reverse<I>(&self, id: I, request: ReversalRequest) -> C::Output<ReversalAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| ReversePayment::new(id, request))
    }

    /// `POST /payments/{id}/cancellations`: cancel a payment's scheduled retry.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments/pay_mbabizu24mvu3mela5njyhpit4/cancellations"));
    /// #     Ok(HttpResponse::new(202, br#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// use checkout_sdk_core::request::CancellationRequest;
    /// let cancelled = client.payments().cancel_scheduled_retry("pay_mbabizu24mvu3mela5njyhpit4", CancellationRequest::new())?;
    /// assert_eq!(cancelled.action_id, "act_y3oqhf46pyzuxjbcn2giaqnb44");
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotAllowed`](crate::ErrorKind::NotAllowed) when no retry is scheduled, or any other [`Error`].
    pub fn cancel_scheduled_retry<I>(&self, id: I, request: CancellationRequest) -> C::Output<ActionAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| CancelScheduledRetry::new(id, request))
    }

    /// `GET /payments?reference=…`: one page of the payments with a reference, newest first
    /// (the query says which page; see [`list_all`](Self::list_all) for every page).
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Get, "/payments?reference=ORD-1&limit=10"));
    /// #     Ok(HttpResponse::new(200, br#"{"limit": 10, "skip": 0, "total_count": 1, "data": [{"id": "pay_mbabizu24mvu3mela5njyhpit4"}]}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// use checkout_sdk_core::request::PaymentListQuery;
    /// let page = client.payments().list(PaymentListQuery::new("ORD-1").limit(10))?;
    /// assert_eq!((page.total_count, page.data.len()), (Some(1), 1));
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](crate::InvalidInput) for a query outside the API's rules (nothing sent), or any other [`Error`].
    pub fn list(&self, query: PaymentListQuery) -> C::Output<Page<Payment>> {
        self.client.run(ListPayments::new(query))
    }

    /// Every payment with the query's reference, page after page.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Get, "/payments?reference=ORD-1"));
    /// #     Ok(HttpResponse::new(200, br#"{"skip": 0, "total_count": 1, "data": [{"id": "pay_mbabizu24mvu3mela5njyhpit4"}]}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// use checkout_sdk_core::request::PaymentListQuery;
    /// let payments = client.payments().list_all(PaymentListQuery::new("ORD-1"))?;
    /// assert_eq!(payments[0].id, "pay_mbabizu24mvu3mela5njyhpit4");
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first page's [`Error`] that could not be recovered by retries; a server that keeps linking pages past [`PageWalk::MAX_PAGES`](crate::operation::PageWalk::MAX_PAGES) gives a decode error.
    pub fn list_all(&self, query: PaymentListQuery) -> C::All<Payment> {
        self.client.run_all(ListPayments::new(query))
    }

    /// `POST /payments/search`: one page of the payments that match a search query (see
    /// [`search_all`](Self::search_all) for every page).
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments/search"));
    /// #     Ok(HttpResponse::new(200, br#"{"data": [{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Captured"}]}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// use checkout_sdk_core::request::PaymentSearchRequest;
    /// let page = client.payments().search(PaymentSearchRequest::new("reference:'ORD-1'"))?;
    /// assert_eq!(page.data[0].status, Some(PaymentStatus::Captured));
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](crate::InvalidInput) for a search outside the API's limits, or any other [`Error`].
    pub fn search(&self, request: PaymentSearchRequest) -> C::Output<Page<Payment>> {
        self.client.run(SearchPayments::new(request))
    }

    /// Every payment that matches a search, page after page.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments/search"));
    /// #     Ok(HttpResponse::new(200, br#"{"data": [{"id": "pay_mbabizu24mvu3mela5njyhpit4"}]}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// use checkout_sdk_core::request::PaymentSearchRequest;
    /// let payments = client.payments().search_all(PaymentSearchRequest::new("status:'Captured'"))?;
    /// assert_eq!(payments.len(), 1);
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`search`](Self::search), for any page.
    pub fn search_all(&self, request: PaymentSearchRequest) -> C::All<Payment> {
        self.client.run_all(SearchPayments::new(request))
    }

    /// `POST /payments` with a `destination`: pay money out to a card or bank account.
    ///
    /// ```
    /// # use checkout_sdk_core::blocking::Client;
    /// # use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
    /// # let answer = |request: HttpRequest| {
    /// #     assert_eq!((request.method, request.path()), (Method::Post, "/payments"));
    /// #     Ok(HttpResponse::new(202, br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Pending"}"#.to_vec()))
    /// # };
    /// # let client = Client::builder(checkout_sdk_core::Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?), answer).build();
    /// use checkout_sdk_core::prelude::*;
    ///
    /// use checkout_sdk_core::payout::PayoutStatus;
    /// use checkout_sdk_core::request::{IdDestination, PayoutRequest};
    /// let request = PayoutRequest::builder(IdDestination::new("src_nwd3m4in3hkuddfpjsaevunhdy"), 1000, Currency::GBP).build()?;
    /// let payout = client.payments().payout(request)?;
    /// assert_eq!(payout.status, Some(PayoutStatus::Pending));
    /// # Ok::<(), checkout_sdk_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Any [`Error`]; as for payments, resend with [`Error::idempotency_key`] when it may have been processed.
    pub fn payout(&self, request: PayoutRequest) -> C::Output<Payout> {
        self.client.run(RequestPayout::new(request))
    }
}
