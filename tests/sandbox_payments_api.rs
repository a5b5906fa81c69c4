//! The rest of the Payments API through the SDK's client, over loopback HTTP against
//! `checkout-sandbox`: incremental authorization, reversal both ways, cancellation of a scheduled
//! retry, list and search with paging (one page, and every page), payouts through their
//! statuses, the processing-channel rule, and OAuth with its token refreshed after expiry and
//! after a 401.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use checkout_sdk::core::action::ActionType;
use checkout_sdk::core::payout::PayoutStatus;
use checkout_sdk::core::request::{
    AuthorizationType, BankAccountDestination, CancellationRequest, DunningRetry, IncrementalAuthorizationRequest,
    PaymentListQuery, PaymentRetry, PaymentSearchRequest, PayoutRequest, PayoutSource, ReversalRequest,
};
use checkout_sdk::core::transport::Clock;
use checkout_sdk::prelude::*;
use checkout_sdk_fake::keys::{LEGACY_SECRET_KEY, PROCESSING_CHANNEL_ID, SANDBOX_SECRET_KEY};
use checkout_sdk_hyper::{HyperTransport, TokioSleeper};
use checkout_sdk_sandbox::SandboxServer;
use checkout_sdk_simulator::Simulator;
use serde_json::json;

const CLIENT_ID: &str = "ack_vvzhoai466su3j3vbxb47ts5oe";
const CLIENT_SECRET: &str = "Pmg31c6UhZfKmyVsWLGq8Cj7ChFNe3Yw";

/// A client of a seeded simulator served over loopback HTTP (its clock moves a second per
/// request), with the local sandbox's key and processing channel.
async fn sandbox(seed: u64) -> Client {
    Client::local_sandbox_with(Simulator::seeded(seed)).await.expect("a local sandbox")
}

fn simulator(client: &Client) -> &Simulator {
    client.local_sandbox().expect("a local sandbox")
}

fn card() -> CardSource {
    CardSource::new("4242424242424242", 6, 2030).and_then(|c| c.cvv("100")).expect("a valid card")
}

fn payment(amount: u64, reference: &str) -> PaymentRequest {
    PaymentRequest::builder(card(), amount, Currency::USD).reference(reference).build().expect("a valid request")
}

fn estimated(amount: u64) -> PaymentRequest {
    PaymentRequest::builder(card(), amount, Currency::USD)
        .authorization_type(AuthorizationType::Estimated)
        .build()
        .expect("a valid request")
}

fn status(payment: &Payment) -> &str {
    payment.status.as_ref().map_or("", PaymentStatus::as_str)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_authorization_over_http() {
    let client = sandbox(1).await;
    let payments = client.payments();
    let authorized = payments.request(estimated(1000)).await.expect("approved");

    let raised = payments
        .increment_authorization(&authorized.id, IncrementalAuthorizationRequest::new().amount(500).reference("INC"))
        .await
        .expect("incremented");
    assert_eq!(raised.status(), 201);
    assert_eq!((raised.approved, raised.status.clone()), (Some(true), Some(PaymentStatus::Authorized)));
    assert_eq!((raised.amount, raised.reference.as_deref()), (Some(500), Some("INC")));
    let balances = raised.balances.expect("balances");
    assert_eq!((balances.total_authorized, balances.available_to_capture), (Some(1500), Some(1500)));

    // A declined increment is an answer, not an error; past the cap is declined too.
    let declined =
        payments.increment_authorization(&authorized.id, IncrementalAuthorizationRequest::new().amount(251)).await;
    let declined = declined.expect("a declined increment is still 201");
    assert_eq!(declined.approved, Some(false));
    assert_eq!(declined.response_code.as_ref().map(|c| c.as_str().to_string()), Some("20051".into()));
    let capped =
        payments.increment_authorization(&authorized.id, IncrementalAuthorizationRequest::new().amount(600)).await;
    assert_eq!(capped.expect("201").approved, Some(false));
    let details = payments.get(&authorized.id).await.expect("get");
    assert_eq!(details["balances"]["total_authorized"], 1500);

    // A final authorization, or one already captured, cannot be incremented.
    let last = payments.request(payment(1000, "FINAL")).await.expect("approved");
    let refused = payments.increment_authorization(&last.id, IncrementalAuthorizationRequest::new().amount(1)).await;
    assert!(matches!(refused.map_err(Error::into_kind), Err(ErrorKind::NotAllowed(_))));
    payments.capture(&authorized.id, ActionRequest::full()).await.expect("captured");
    let after = payments.increment_authorization(&authorized.id, IncrementalAuthorizationRequest::new()).await;
    assert!(matches!(after.map_err(Error::into_kind), Err(ErrorKind::NotAllowed(_))));
    let captured = payments.get(&authorized.id).await.expect("get");
    assert_eq!((status(&captured), &captured["balances"]["total_captured"]), ("Captured", &json!(1500)));
    let unknown = payments
        .increment_authorization("pay_aaaaaaaaaaaaaaaaaaaaaaaaaa", IncrementalAuthorizationRequest::new().amount(1))
        .await;
    assert!(matches!(unknown.map_err(Error::into_kind), Err(ErrorKind::NotFound(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reversal_voids_an_authorization_and_refunds_a_capture_over_http() {
    let client = sandbox(2).await;
    let payments = client.payments();

    let authorized = payments.request(payment(700, "REV")).await.expect("approved");
    let voided = payments.reverse(&authorized.id, ReversalRequest::new().reference("REV-1")).await.expect("reversed");
    assert_eq!(voided.status(), 202);
    assert_eq!((voided.action_type.clone(), voided.reference.as_deref()), (Some(ActionType::Void), Some("REV-1")));
    assert_eq!(status(&payments.get(&authorized.id).await.expect("get")), "Voided");

    let captured = payments.request(payment(900, "REV")).await.expect("approved");
    payments.capture(&captured.id, ActionRequest::new().amount(600)).await.expect("captured");
    let refunded = payments.reverse(&captured.id, ReversalRequest::new()).await.expect("reversed");
    assert_eq!(refunded.action_type, Some(ActionType::Refund));
    let after = payments.get(&captured.id).await.expect("get");
    assert_eq!((status(&after), &after["balances"]["total_refunded"]), ("Refunded", &json!(600)));
    let actions = payments.actions(&captured.id).await.expect("actions");
    assert_eq!((actions[0].action_type.clone(), actions[0].amount), (ActionType::Refund, Some(600)));

    // Nothing left to reverse.
    let again = payments.reverse(&captured.id, ReversalRequest::new()).await;
    assert!(matches!(again.map_err(Error::into_kind), Err(ErrorKind::NotAllowed(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_retry_is_cancelled_over_http() {
    let client = sandbox(3).await;
    let payments = client.payments();
    let recurring = PaymentRequest::builder(card(), 1051, Currency::USD)
        .payment_type(PaymentType::Recurring)
        .merchant_initiated(true)
        .retry(PaymentRetry::new().dunning(DunningRetry::enabled().max_attempts(3).end_after_days(7)))
        .build()
        .expect("a valid request");
    let declined = payments.request(recurring).await.expect("a soft decline is an answer");
    assert_eq!(status(&declined), "Retry Scheduled");
    assert_eq!(declined.retry.as_ref().and_then(|retry| retry.max_attempts), Some(3));

    let cancelled =
        payments.cancel_scheduled_retry(&declined.id, CancellationRequest::new().reference("STOP")).await.expect("ok");
    assert_eq!((cancelled.status(), cancelled.reference.as_deref()), (202, Some("STOP")));
    assert_eq!(status(&payments.get(&declined.id).await.expect("get")), "Declined");
    let again = payments.cancel_scheduled_retry(&declined.id, CancellationRequest::new()).await;
    assert!(matches!(again.map_err(Error::into_kind), Err(ErrorKind::NotAllowed(_))));
    let approved = payments.request(payment(100, "NO-RETRY")).await.expect("approved");
    let none = payments.cancel_scheduled_retry(&approved.id, CancellationRequest::new()).await;
    assert!(matches!(none.map_err(Error::into_kind), Err(ErrorKind::NotAllowed(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_are_listed_a_page_at_a_time_and_all_at_once_over_http() {
    let client = sandbox(4).await;
    let payments = client.payments();
    let mut ids = Vec::new();
    for i in 0..23 {
        ids.push(payments.request(payment(100 + i, "LIST ME")).await.expect("approved").id.clone());
    }
    payments.request(payment(100, "SOMETHING ELSE")).await.expect("approved");
    ids.reverse();

    let first = payments.list(PaymentListQuery::new("LIST ME").limit(10)).await.expect("a page");
    assert_eq!((first.limit, first.skip, first.total_count), (Some(10), Some(0), Some(23)));
    assert_eq!(first.data.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), ids[..10]);
    let third = payments.list(PaymentListQuery::new("LIST ME").limit(10).skip(20)).await.expect("a page");
    assert_eq!(third.data.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), ids[20..]);

    let all = payments.list_all(PaymentListQuery::new("LIST ME").limit(10)).await.expect("every page");
    assert_eq!(all.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), ids, "newest first, each once");
    assert!(payments.list_all(PaymentListQuery::new("NOTHING")).await.expect("no page").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_follows_the_next_link_page_after_page_over_http() {
    let client = sandbox(5).await;
    let payments = client.payments();
    let mut declined = Vec::new();
    for i in 0..7 {
        let p = payments.request(payment(1005 + 100 * i, "SEARCH ME")).await.expect("a decline is an answer");
        declined.push(p.id.clone());
        payments.request(payment(1000 + 100 * i, "SEARCH ME")).await.expect("approved");
    }
    declined.reverse();
    let query = || PaymentSearchRequest::new("reference:'SEARCH ME' AND status:'Declined'").limit(3);

    let first = payments.search(query()).await.expect("a page");
    assert_eq!(first.data.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), declined[..3]);
    let next = first.next.as_ref().expect("a next page").href.clone();
    assert!(next.ends_with("/payments/search?skip=3"), "{next}");
    let all = payments.search_all(query()).await.expect("every page");
    assert_eq!(all.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), declined);

    let period = payments
        .search_all(PaymentSearchRequest::new("reference:'SEARCH ME'").from("2026-01-01").to("2026-01-01T00:00:01Z"))
        .await
        .expect("a period");
    assert_eq!(period.len(), 1, "only the first payment was requested by then");
    let refused = payments.search(PaymentSearchRequest::new("reference:'x' OR amount:1")).await;
    match refused.map_err(Error::into_kind) {
        Err(ErrorKind::Validation(e)) => assert_eq!(e.error_codes, ["query_invalid"]),
        other => panic!("expected a 422, got {other:?}"),
    }
}

fn payout(amount: u64) -> PayoutRequest {
    let account = BankAccountDestination::new("GB").account_number("13654567").bank_code("050389");
    PayoutRequest::builder(account, amount, Currency::GBP)
        .source(PayoutSource::currency_account("ca_y3oqhf46pyzuxjbcn2giaqnb44"))
        .reference("PO-1")
        .build()
        .expect("a valid payout")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payouts_go_through_their_statuses_over_http() {
    let client = sandbox(6).await;
    let payments = client.payments();

    let accepted = payments.payout(payout(1000)).await.expect("accepted");
    assert_eq!((accepted.status(), accepted.status.clone()), (202, Some(PayoutStatus::Pending)));
    assert!(accepted.instruction.as_ref().and_then(|i| i.value_date.as_ref()).is_some());
    // The seeded clock moves a second per request: the next one finds the payout paid.
    let paid = payments.get(accepted.id.as_str()).await.expect("get");
    assert_eq!((status(&paid), paid.approved), ("Paid", Some(true)));

    let declined = payments.payout(payout(1051)).await.expect("accepted");
    let returned = payments.payout(payout(1070)).await.expect("accepted");
    assert_eq!(status(&payments.get(returned.id.as_str()).await.expect("get")), "Paid");
    let declined = payments.get(declined.id.as_str()).await.expect("get");
    assert_eq!((status(&declined), declined["response_code"].as_str()), ("Declined", Some("20051")));
    assert_eq!(status(&payments.get(returned.id.as_str()).await.expect("get")), "Returned");
    assert_eq!(simulator(&client).payout_count(), 3);

    // Payouts need the processing channel too.
    let base = client.config().environment().base_url().to_string();
    let without = Client::builder().secret_key(SANDBOX_SECRET_KEY).base_url(&base).build().expect("a client");
    match without.payments().payout(payout(100)).await.map_err(Error::into_kind) {
        Err(ErrorKind::Validation(e)) => assert_eq!(e.error_codes, ["processing_channel_id_required"]),
        other => panic!("expected a 422, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_format_keys_need_a_processing_channel_and_legacy_keys_do_not_over_http() {
    let client = sandbox(7).await;
    let base = client.config().environment().base_url().to_string();
    let without = Client::builder().secret_key(SANDBOX_SECRET_KEY).base_url(&base).build().expect("a client");
    match without.payments().request(payment(100, "NO CHANNEL")).await.map_err(Error::into_kind) {
        Err(ErrorKind::Validation(e)) => assert_eq!(e.error_codes, ["processing_channel_id_required"]),
        other => panic!("expected a 422, got {other:?}"),
    }
    let with = Client::builder()
        .secret_key(SANDBOX_SECRET_KEY)
        .base_url(&base)
        .processing_channel(PROCESSING_CHANNEL_ID)
        .build()
        .expect("a client");
    with.payments().request(payment(100, "CHANNEL")).await.expect("a payment naming a channel");
    let legacy = Client::builder().secret_key(LEGACY_SECRET_KEY).base_url(&base).build().expect("a client");
    legacy.payments().request(payment(100, "LEGACY")).await.expect("legacy accounts have no channels");
    assert_eq!(simulator(&client).payment_count(), 2);
}

/// A clock the test moves by hand.
#[derive(Clone, Default)]
struct ManualClock(Arc<Mutex<Duration>>);

impl ManualClock {
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

async fn oauth_client(server: &SandboxServer, clock: &ManualClock, channel: bool) -> Client {
    let oauth = OAuthCredentials::new(CLIENT_ID, CLIENT_SECRET).expect("well-formed credentials");
    let mut config = Config::with_credentials(oauth, Environment::custom(&server.base_url()).expect("loopback"));
    if channel {
        config = config.with_processing_channel(ProcessingChannelId::new(PROCESSING_CHANNEL_ID).expect("a channel"));
    }
    let transport = HyperTransport::builder().timeout(Duration::from_secs(5)).build();
    checkout_sdk::core::Client::builder(config, transport)
        .clock(clock.clone())
        .sleeper(TokioSleeper::new())
        .build()
        .into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth_client_pays_and_refreshes_its_token_after_expiry_and_after_a_401_over_http() {
    let simulator = Simulator::seeded(8);
    let server = checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), simulator.clone()).await.expect("bind");
    let clock = ManualClock::default();
    let client = oauth_client(&server, &clock, true).await;
    let payments = client.payments();

    let first = payments.request(payment(100, "OAUTH")).await.expect("paid with a token");
    assert_eq!(first.outcome(), Outcome::Approved);
    assert_eq!(client.tokens_fetched(), 1);
    payments.get(&first.id).await.expect("the same token reads it");
    assert_eq!(client.tokens_fetched(), 1, "a fresh token is reused");

    // An hour later on both clocks: the client sees its token expire and fetches another.
    clock.advance(Duration::from_secs(3600));
    simulator.advance_clock(Duration::from_secs(3600));
    payments.request(payment(200, "OAUTH")).await.expect("paid with a new token");
    assert_eq!(client.tokens_fetched(), 2);

    // Only the server's clock moves: it refuses the token with 401, and the client refreshes once.
    simulator.advance_clock(Duration::from_secs(3600));
    payments.request(payment(300, "OAUTH")).await.expect("paid after a refresh");
    assert_eq!(client.tokens_fetched(), 3);
    assert_eq!(simulator.payments_with_reference("OAUTH"), 3);

    // OAuth accounts name a processing channel too; refused credentials are a typed error.
    let without = oauth_client(&server, &clock, false).await;
    match without.payments().request(payment(100, "OAUTH")).await.map_err(Error::into_kind) {
        Err(ErrorKind::Validation(e)) => assert_eq!(e.error_codes, ["processing_channel_id_required"]),
        other => panic!("expected a 422, got {other:?}"),
    }
    let refused = Client::builder()
        .oauth("ack_not_well_formed", CLIENT_SECRET)
        .base_url(&server.base_url())
        .processing_channel(PROCESSING_CHANNEL_ID)
        .build()
        .expect("a client");
    let err = refused.payments().request(payment(100, "OAUTH")).await.expect_err("refused credentials");
    assert!(matches!(err.kind(), ErrorKind::Authentication(_)), "{err}");
    assert!(!err.to_string().contains(CLIENT_SECRET) && !format!("{err:?}").contains(CLIENT_SECRET));
    assert_eq!(simulator.payments_with_reference("OAUTH"), 3);
}
