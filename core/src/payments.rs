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
    pub fn request(&self, request: PaymentRequest) -> C::Output<Payment> {
        self.client.run(RequestPayment::new(request))
    }

    /// `GET /payments/{id}`: a payment by payment id (`pay_`) or session id (`sid_`).
    pub fn get<I>(&self, id: I) -> C::Output<Payment>
    where
        I: TryInto<PaymentRef>,
        Error: From<I::Error>,
    {
        self.with_id(id, GetPayment::new)
    }

    /// `GET /payments/{id}/actions`: the payment's actions, newest first.
    pub fn actions<I>(&self, id: I) -> C::Output<Vec<PaymentAction>>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, GetPaymentActions::new)
    }

    /// `POST /payments/{id}/captures`: capture all (`ActionRequest::full()`) or part.
    pub fn capture<I>(&self, id: I, request: ActionRequest) -> C::Output<ActionAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| CapturePayment::new(id, request))
    }

    /// `POST /payments/{id}/refunds`: refund all (`ActionRequest::full()`) or part.
    pub fn refund<I>(&self, id: I, request: ActionRequest) -> C::Output<ActionAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| RefundPayment::new(id, request))
    }

    /// `POST /payments/{id}/voids`: cancel an authorisation that was not captured.
    pub fn void<I>(&self, id: I, request: VoidRequest) -> C::Output<ActionAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| VoidPayment::new(id, request))
    }

    /// `POST /payments/{id}/authorizations`: raise the authorised amount of a payment that was
    /// authorised with `authorization_type: Estimated` (hotels, car hire, tips).
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
    pub fn reverse<I>(&self, id: I, request: ReversalRequest) -> C::Output<ReversalAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| ReversePayment::new(id, request))
    }

    /// `POST /payments/{id}/cancellations`: cancel a payment's scheduled retry.
    pub fn cancel_scheduled_retry<I>(&self, id: I, request: CancellationRequest) -> C::Output<ActionAccepted>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.with_id(id, |id| CancelScheduledRetry::new(id, request))
    }

    /// `GET /payments?reference=…`: one page of the payments with a reference, newest first
    /// (the query says which page; see [`list_all`](Self::list_all) for every page).
    pub fn list(&self, query: PaymentListQuery) -> C::Output<Page<Payment>> {
        self.client.run(ListPayments::new(query))
    }

    /// Every payment with the query's reference, page after page.
    pub fn list_all(&self, query: PaymentListQuery) -> C::All<Payment> {
        self.client.run_all(ListPayments::new(query))
    }

    /// `POST /payments/search`: one page of the payments that match a search query (see
    /// [`search_all`](Self::search_all) for every page).
    pub fn search(&self, request: PaymentSearchRequest) -> C::Output<Page<Payment>> {
        self.client.run(SearchPayments::new(request))
    }

    /// Every payment that matches a search, page after page.
    pub fn search_all(&self, request: PaymentSearchRequest) -> C::All<Payment> {
        self.client.run_all(SearchPayments::new(request))
    }

    /// `POST /payments` with a `destination`: pay money out to a card or bank account.
    pub fn payout(&self, request: PayoutRequest) -> C::Output<Payout> {
        self.client.run(RequestPayout::new(request))
    }
}
