//! The SDK client over the real hyper transport, against a canned HTTP/1.1 server on loopback.
//!
//! Every operation, every error status, retries with idempotency keys, timeouts and budgets,
//! body caps, broken connections, and the local refusals (plain http to the network, bad ids):
//! what a caller sees, and what actually went over the wire.

mod support;

use std::future::Future;
use std::time::{Duration, Instant};

use checkout_sdk::prelude::*;
use checkout_sdk_core::transport::{Headers, HttpRequest, HttpTransport, Method, TransportErrorKind};
use checkout_sdk_hyper::HyperTransport;
use serde_json::{json, Value};
use support::{Behaviour, Canned, CannedServer, RecordedHttp};

const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
const LEGACY_KEY: &str = "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64";
const PAYMENT_ID: &str = "pay_mbabizu24mvu3mela5njyhpit4";
const TOKEN: &str = "tok_ubfj2q76miwundwlk72vxt2i7q";

/// No test may run longer than this, whatever the server does.
const TEST_LIMIT: Duration = Duration::from_secs(20);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs a test body, failing it if it takes longer than [`TEST_LIMIT`].
async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_LIMIT, test).await.expect("the test did not finish in time")
}

fn config_with_key(server: &CannedServer, key: &str) -> Config {
    let environment = Environment::custom(&server.base_url()).expect("a loopback base URL");
    Config::new(SecretKey::new(key).expect("a valid test key"), environment)
}

fn config(server: &CannedServer) -> Config {
    config_with_key(server, KEY)
}

/// A hyper transport with a timeout that keeps a hung test short.
fn transport() -> HyperTransport {
    HyperTransport::builder().timeout(Duration::from_secs(5)).connect_timeout(Duration::from_secs(2)).build()
}

fn client_without_retries(server: &CannedServer) -> Client {
    Client::builder()
        .config(config(server))
        .transport(transport())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client")
}

fn client_with_quick_retries(server: &CannedServer) -> Client {
    client_with_config_and_quick_retries(config(server))
}

fn client_with_config_and_quick_retries(config: Config) -> Client {
    Client::builder()
        .config(config)
        .transport(transport())
        .retry_policy(RetryPolicy::default().with_backoff(ms(10), ms(50)))
        .build()
        .expect("a client")
}

fn payment_request() -> PaymentRequest {
    PaymentRequest::builder(TokenSource::new(TOKEN), 6540, Currency::USD)
        .reference("ORD-5023-4E89")
        .build()
        .expect("a valid payment request")
}

fn expected_payment_request_body() -> Value {
    json!({
        "source": {"type": "token", "token": TOKEN},
        "amount": 6540,
        "currency": "USD",
        "reference": "ORD-5023-4E89",
    })
}

fn approved_payment() -> Value {
    json!({
        "id": PAYMENT_ID,
        "action_id": "act_mbabizu24mvu3mela5njyhpit4",
        "amount": 6540,
        "currency": "USD",
        "approved": true,
        "status": "Authorized",
        "auth_code": "770687",
        "response_code": "10000",
        "response_summary": "Approved",
        "3ds": {"downgraded": true, "enrolled": "N"},
        "risk": {"flagged": false},
        "source": {
            "type": "card",
            "id": "src_nwd3m4in3hkuddfpjsaevunhdy",
            "expiry_month": 6,
            "expiry_year": 2025,
            "scheme": "Visa",
            "last4": "9996",
            "bin": "454347",
            "fingerprint": "FC5A3B4B9A5F9DB6E0D8BE3D6BA4DE2F0DE7B6DA18D0F6C4F10F0F9AF6D0EBB9"
        },
        "customer": {"id": "cus_udst2tfldj6upmye2reztkmm4i", "email": "brucewayne@gmail.com", "name": "Bruce Wayne"},
        "processed_on": "2019-09-10T10:11:12Z",
        "reference": "ORD-5023-4E89",
        "_links": {
            "self": {"href": format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}")},
            "actions": {"href": format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}/actions")},
            "capture": {"href": format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}/captures")},
            "void": {"href": format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}/voids")}
        }
    })
}

fn created(body: &Value) -> Canned {
    Canned::json(201, body).header("Cko-Request-Id", "0HL80RJLS76I7").header("Cko-Version", "1.0.0")
}

fn accepted_action(action_id: &str, reference: &str) -> Canned {
    Canned::json(
        202,
        &json!({
            "action_id": action_id,
            "reference": reference,
            "_links": {"payment": {"href": format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}")}}
        }),
    )
    .header("Cko-Request-Id", "req_action")
}

/// What every request from the SDK carries.
fn assert_common_headers(request: &RecordedHttp) {
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()), "{request:?}");
    let user_agent = request.header("user-agent").unwrap_or_default();
    assert!(user_agent.starts_with("checkout-sdk-rust/"), "User-Agent {user_agent:?}");
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header_values("authorization").len(), 1, "one Authorization header");
}

fn assert_post(request: &RecordedHttp, path: &str, body: &Value) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    assert_common_headers(request);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("content-length"), Some(request.body.len().to_string().as_str()));
    assert_eq!(&request.json(), body, "body of POST {path}");
}

fn assert_get(request: &RecordedHttp, path: &str) {
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, path);
    assert_common_headers(request);
    assert!(request.body.is_empty(), "a GET has no body: {:?}", request.text());
    assert_eq!(request.header("content-type"), None);
    assert_eq!(request.header("cko-idempotency-key"), None, "GETs need no idempotency key");
}

// ---------------------------------------------------------------------------------------------
// 1. Every operation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_approved_payment_arrives_typed_with_its_metadata() {
    bounded(async {
        let server = CannedServer::start(|_| created(&approved_payment())).await;
        // The facade's everyday constructor: default transport, tokio sleeper, default retries.
        let client = Client::builder().config(config(&server)).build().expect("TLS initialises");

        let payment = client.payments().request(payment_request()).await.expect("an approved payment");

        assert_eq!(payment.outcome(), Outcome::Approved);
        assert!(payment.is_approved() && !payment.is_pending() && !payment.is_flagged());
        assert_eq!(payment.status(), 201);
        assert_eq!(payment.id, PAYMENT_ID);
        assert_eq!(payment.action_id.as_ref().map(|a| a.as_str()), Some("act_mbabizu24mvu3mela5njyhpit4"));
        assert_eq!(payment.amount, Some(6540));
        assert_eq!(payment.currency, Some(Currency::USD));
        assert_eq!(payment.status, Some(PaymentStatus::Authorized));
        assert_eq!(payment.response_code, Some(ResponseCode::new("10000")));
        assert_eq!(payment.response_summary.as_deref(), Some("Approved"));
        assert_eq!(payment.auth_code.as_deref(), Some("770687"));
        assert_eq!(payment.reference.as_deref(), Some("ORD-5023-4E89"));
        let source = payment.source.as_ref().expect("a source");
        assert_eq!(source.last4.as_deref(), Some("9996"));
        assert_eq!(source.scheme.as_deref(), Some("Visa"));
        assert_eq!(source.id.as_ref().map(|s| s.as_str()), Some("src_nwd3m4in3hkuddfpjsaevunhdy"));
        let customer = payment.customer.as_ref().expect("a customer");
        assert_eq!(customer.email.as_deref(), Some("brucewayne@gmail.com"));
        assert_eq!(payment.three_ds.as_ref().and_then(|t| t.downgraded), Some(true));
        assert_eq!(payment["source"]["bin"], "454347");
        assert!(payment.can_capture() && payment.can_void() && !payment.can_refund());

        assert_eq!(payment.request_id(), Some("0HL80RJLS76I7"));
        assert_eq!(payment.api_version(), Some("1.0.0"));
        assert!(payment.http().elapsed.is_some(), "the transport measures the exchange");

        let request = server.single_request();
        assert_post(&request, "/payments", &expected_payment_request_body());
        // Retries are on by default, so the POST carries a generated idempotency key.
        let key = request.header("cko-idempotency-key").expect("a generated idempotency key");
        assert!(key.starts_with("idk_") && key.len() > 10, "{key}");
        assert_eq!(request.header("host"), Some(server.addr().to_string().as_str()));
    })
    .await;
}

#[tokio::test]
async fn a_pending_payment_carries_its_redirect_link() {
    bounded(async {
        let redirect = format!("https://api.sandbox.checkout.com/3ds/{PAYMENT_ID}");
        let body = json!({
            "id": PAYMENT_ID,
            "status": "Pending",
            "reference": "ORD-5023-4E89",
            "customer": {"id": "cus_udst2tfldj6upmye2reztkmm4i"},
            "3ds": {"downgraded": false, "enrolled": "Y"},
            "_links": {
                "self": {"href": format!("https://api.sandbox.checkout.com/payments/{PAYMENT_ID}")},
                "redirect": {"href": redirect}
            }
        });
        let server =
            CannedServer::start(move |_| Canned::json(202, &body).header("Cko-Request-Id", "req_pending")).await;
        let client = client_without_retries(&server);

        let request = PaymentRequest::builder(TokenSource::new(TOKEN), 6540, Currency::USD)
            .reference("ORD-5023-4E89")
            .three_ds(ThreeDs::enabled())
            .success_url("https://example.com/success")
            .failure_url("https://example.com/failure")
            .build()
            .unwrap();
        let payment = client.payments().request(request).await.expect("a pending payment");

        assert!(payment.is_pending());
        assert!(payment.requires_redirect());
        assert_eq!(payment.status(), 202);
        assert_eq!(payment.redirect_link().map(|l| l.href.as_str()), Some(redirect.as_str()));
        match payment.outcome() {
            Outcome::Pending { redirect: Some(link) } => assert_eq!(link.href, redirect),
            other => panic!("expected a pending outcome with a redirect, got {other:?}"),
        }
        assert_eq!(payment.request_id(), Some("req_pending"));

        let seen = server.single_request();
        assert_eq!(seen.method, "POST");
        assert_eq!(seen.path, "/payments");
        assert_common_headers(&seen);
        assert_eq!(seen.header("content-type"), Some("application/json"));
        let body = seen.json();
        assert_eq!(body["3ds"]["enabled"], true);
        assert_eq!(body["success_url"], "https://example.com/success");
        assert_eq!(body["failure_url"], "https://example.com/failure");
        // Even without retries every POST carries a key, and the response hands it back.
        let key = seen.header("cko-idempotency-key").expect("a POST without a key");
        assert_eq!(payment.idempotency_key().map(|k| k.as_str()), Some(key));
    })
    .await;
}

#[tokio::test]
async fn payments_are_read_back_by_payment_id_and_by_session_id() {
    bounded(async {
        let server = CannedServer::start(|req| {
            let mut body = approved_payment();
            body["status"] = json!("Captured");
            body["requested_on"] = json!("2019-09-10T10:11:12Z");
            if req.path.starts_with("/payments/sid_") {
                body["id"] = json!("pay_y3oqhf46pyzuxjbcn2giaqnb44");
            }
            Canned::json(200, &body).header("Cko-Request-Id", "req_get").header("Cko-Version", "1.0.0")
        })
        .await;
        let client = client_without_retries(&server);

        let by_id = client.payments().get(PAYMENT_ID).await.expect("by payment id");
        assert_eq!(by_id.id, PAYMENT_ID);
        assert_eq!(by_id.status, Some(PaymentStatus::Captured));
        assert_eq!(by_id.requested_on.as_deref(), Some("2019-09-10T10:11:12Z"));
        assert_eq!(by_id.status(), 200);
        assert_eq!(by_id.request_id(), Some("req_get"));
        assert_eq!(by_id.api_version(), Some("1.0.0"));
        assert!(by_id.http().elapsed.is_some());

        let by_session = client.payments().get("sid_y3oqhf46pyzuxjbcn2giaqnb44").await.expect("by session id");
        assert_eq!(by_session.id, "pay_y3oqhf46pyzuxjbcn2giaqnb44");

        let seen = server.requests();
        assert_eq!(seen.len(), 2);
        assert_get(&seen[0], &format!("/payments/{PAYMENT_ID}"));
        assert_get(&seen[1], "/payments/sid_y3oqhf46pyzuxjbcn2giaqnb44");
    })
    .await;
}

#[tokio::test]
async fn actions_arrive_as_a_typed_list() {
    bounded(async {
        let actions = json!([
            {
                "id": "act_fd3h6evhpn3uxdoqbuu3lqnqbm",
                "type": "Refund",
                "processed_on": "2018-01-20T10:30:48Z",
                "amount": 1000,
                "approved": true,
                "response_code": "10000",
                "response_summary": "Approved",
                "reference": "REFUND-1",
                "metadata": {"reason": "returned"}
            },
            {
                "id": "act_gefycn3jcvuupboxfmqrhk2aym",
                "type": "Capture",
                "processed_on": "2018-01-17T10:30:48Z",
                "amount": 6540,
                "approved": true,
                "response_code": 10000,
                "response_summary": "Approved"
            },
            {
                "id": "act_y3oqhf46pyzuxjbcn2giaqnb44",
                "type": "Authorization",
                "processed_on": "2018-01-17T09:30:48Z",
                "amount": 6540,
                "approved": true,
                "auth_code": "643381",
                "response_code": "10000",
                "response_summary": "Approved"
            }
        ]);
        let server =
            CannedServer::start(move |_| Canned::json(200, &actions).header("Cko-Request-Id", "req_actions")).await;
        let client = client_without_retries(&server);

        let actions = client.payments().actions(PAYMENT_ID).await.expect("the actions");
        let list = actions.data();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].id, "act_fd3h6evhpn3uxdoqbuu3lqnqbm");
        assert_eq!(list[0].action_type, ActionType::Refund);
        assert_eq!(list[0].amount, Some(1000));
        assert_eq!(list[0].reference.as_deref(), Some("REFUND-1"));
        assert_eq!(list[0].metadata.as_ref().and_then(|m| m.get("reason")), Some(&json!("returned")));
        assert_eq!(list[1].action_type, ActionType::Capture);
        assert_eq!(list[1].response_code, Some(ResponseCode::new("10000")), "numeric codes are read too");
        assert_eq!(list[2].action_type, ActionType::Authorization);
        assert_eq!(list[2].auth_code.as_deref(), Some("643381"));
        assert_eq!(actions.body()[2]["auth_code"], "643381", "the raw body is there too");
        assert_eq!(actions.request_id(), Some("req_actions"));
        assert!(actions.http().elapsed.is_some());

        assert_get(&server.single_request(), &format!("/payments/{PAYMENT_ID}/actions"));
    })
    .await;
}

#[tokio::test]
async fn capture_refund_and_void_post_their_bodies_to_their_paths() {
    bounded(async {
        let server = CannedServer::start(|req| {
            if req.path.ends_with("/captures") {
                accepted_action("act_capture2sofucxyr6vktpfy2ytbpq", "CAPTURE")
            } else if req.path.ends_with("/refunds") {
                accepted_action("act_refund3sofucxyr6vktpfy2ytbpq", "REFUND")
            } else if req.path.ends_with("/voids") {
                accepted_action("act_void4sofucxyr6vktpfy2ytbpqz", "VOID")
            } else {
                Canned::empty(404)
            }
        })
        .await;
        let client = client_without_retries(&server);
        let payments = client.payments();

        let capture = payments.capture("pay_x", ActionRequest::new().amount(100).reference("CAPTURE")).await.unwrap();
        assert_eq!(capture.status(), 202);
        assert_eq!(capture.action_id, "act_capture2sofucxyr6vktpfy2ytbpq");
        assert_eq!(capture.reference.as_deref(), Some("CAPTURE"));
        assert_eq!(capture.request_id(), Some("req_action"));
        assert!(capture.has_link("payment"));
        assert!(capture.http().elapsed.is_some());

        let refund = payments
            .refund(PAYMENT_ID, ActionRequest::new().amount(50).reference("REFUND").metadata("reason", "returned"))
            .await
            .unwrap();
        assert_eq!(refund.action_id, "act_refund3sofucxyr6vktpfy2ytbpq");
        assert_eq!(refund.reference.as_deref(), Some("REFUND"));

        let void = payments.void(PAYMENT_ID, VoidRequest::new().reference("VOID")).await.unwrap();
        assert_eq!(void.action_id, "act_void4sofucxyr6vktpfy2ytbpqz");

        let full_capture = payments.capture(PAYMENT_ID, ActionRequest::full()).await.unwrap();
        assert_eq!(full_capture.action_id, "act_capture2sofucxyr6vktpfy2ytbpq");

        let seen = server.requests();
        assert_eq!(seen.len(), 4);
        assert_post(&seen[0], "/payments/pay_x/captures", &json!({"amount": 100, "reference": "CAPTURE"}));
        assert_eq!(seen[0].text(), r#"{"amount":100,"reference":"CAPTURE"}"#);
        assert_post(
            &seen[1],
            &format!("/payments/{PAYMENT_ID}/refunds"),
            &json!({"amount": 50, "reference": "REFUND", "metadata": {"reason": "returned"}}),
        );
        assert_post(&seen[2], &format!("/payments/{PAYMENT_ID}/voids"), &json!({"reference": "VOID"}));
        assert_post(&seen[3], &format!("/payments/{PAYMENT_ID}/captures"), &json!({}));
    })
    .await;
}

#[tokio::test]
async fn a_legacy_key_is_sent_raw_in_the_authorization_header() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::json(200, &approved_payment())).await;
        let client = Client::builder()
            .config(config_with_key(&server, LEGACY_KEY))
            .transport(transport())
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client");

        client.payments().get(PAYMENT_ID).await.expect("a payment");

        let seen = server.single_request();
        assert_eq!(seen.header("authorization"), Some(LEGACY_KEY), "legacy keys are not Bearer tokens");
        assert!(seen.header("user-agent").unwrap_or_default().starts_with("checkout-sdk-rust/"));
    })
    .await;
}

#[tokio::test]
async fn a_user_agent_suffix_arrives_after_the_sdk_name() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::json(200, &approved_payment())).await;
        let config = config(&server).with_user_agent_suffix("shop/2.1");
        let client = Client::builder()
            .config(config)
            .transport(transport())
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client");

        client.payments().get(PAYMENT_ID).await.expect("a payment");

        let user_agent = server.single_request().header("user-agent").unwrap_or_default().to_owned();
        assert!(user_agent.starts_with("checkout-sdk-rust/") && user_agent.ends_with(" shop/2.1"), "{user_agent}");
    })
    .await;
}

#[tokio::test]
async fn a_user_agent_suffix_cannot_inject_headers() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::json(200, &approved_payment())).await;
        let config = config(&server).with_user_agent_suffix("shop/1.0\r\nX-Injected: 1");
        let client = Client::builder()
            .config(config)
            .transport(transport())
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client");

        let err = client.payments().get(PAYMENT_ID).await.expect_err("an invalid header value");

        match err.kind() {
            ErrorKind::Transport(source) => assert_eq!(source.kind(), TransportErrorKind::NotSent, "{source}"),
            ErrorKind::InvalidInput(_) => {}
            other => panic!("expected a local refusal, got {other:?}"),
        }
        assert!(!err.may_have_been_processed());
        assert_eq!(server.request_count(), 0, "nothing was sent: {:#?}", server.requests());
    })
    .await;
}

#[tokio::test]
async fn an_invalid_user_agent_is_refused_once_as_invalid_input() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::json(200, &approved_payment())).await;
        let config = config(&server).with_user_agent_suffix("shop/1.0\r\nX-Injected: 1");
        let client = client_with_config_and_quick_retries(config);

        let err = client.payments().get(PAYMENT_ID).await.expect_err("an invalid header value");

        assert!(err.is_invalid_input(), "{err:?}");
        assert_eq!(err.attempts(), 0, "a request that can never be sent is not retried");
        assert_eq!(server.request_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_slow_answer_still_arrives_and_its_time_is_measured() {
    bounded(async {
        let server =
            CannedServer::start(|_| Canned::json(200, &approved_payment()).behaviour(Behaviour::Delay(ms(150)))).await;
        let client = client_without_retries(&server);

        let payment = client.payments().get(PAYMENT_ID).await.expect("a late but complete answer");
        let elapsed = payment.http().elapsed.expect("measured");
        assert!(elapsed >= ms(140), "elapsed {elapsed:?} covers the server's delay");
    })
    .await;
}

#[tokio::test]
async fn a_body_delimited_by_closing_the_connection_is_read_whole() {
    bounded(async {
        let server = CannedServer::start(|_| {
            Canned::json(200, &approved_payment())
                .header("Cko-Request-Id", "req_close")
                .behaviour(Behaviour::CloseDelimited)
        })
        .await;
        let client = client_without_retries(&server);

        let payment = client.payments().get(PAYMENT_ID).await.expect("a complete body");
        assert_eq!(payment.id, PAYMENT_ID);
        assert_eq!(payment.request_id(), Some("req_close"));

        // The connection is gone; the next call must open a new one.
        let again = client.payments().get(PAYMENT_ID).await.expect("a second call on a new connection");
        assert_eq!(again.id, PAYMENT_ID);
        assert_eq!(server.connection_count(), 2);
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 2. Every error status over real HTTP
// ---------------------------------------------------------------------------------------------

struct ErrorCase {
    status: u16,
    response: Canned,
    is_variant: fn(&Error) -> bool,
    retryable: bool,
}

fn error_cases() -> Vec<ErrorCase> {
    let with_ids = |c: Canned| c.header("Cko-Request-Id", "req_error").header("Cko-Version", "1.0.0");
    let error_body = |error_type: &str| json!({"request_id": "req_body", "error_type": error_type});
    vec![
        ErrorCase {
            status: 401,
            response: with_ids(Canned::empty(401)),
            is_variant: |e| matches!(e.kind(), ErrorKind::Authentication(_)),
            retryable: false,
        },
        ErrorCase {
            status: 403,
            response: with_ids(Canned::json(403, &error_body("action_not_allowed"))),
            is_variant: |e| matches!(e.kind(), ErrorKind::NotAllowed(_)),
            retryable: false,
        },
        ErrorCase {
            status: 404,
            response: with_ids(Canned::empty(404)),
            is_variant: |e| matches!(e.kind(), ErrorKind::NotFound(_)),
            retryable: false,
        },
        ErrorCase {
            status: 409,
            response: with_ids(Canned::json(409, &error_body("conflict"))),
            is_variant: |e| matches!(e.kind(), ErrorKind::Conflict(_)),
            retryable: false,
        },
        ErrorCase {
            status: 500,
            response: with_ids(Canned::raw(500, "<html>oops</html>").header("Content-Type", "text/html")),
            is_variant: |e| matches!(e.kind(), ErrorKind::Server(_)),
            retryable: true,
        },
        ErrorCase {
            status: 502,
            response: with_ids(Canned::raw(502, "Bad Gateway")),
            is_variant: |e| matches!(e.kind(), ErrorKind::Server(_)),
            retryable: true,
        },
        ErrorCase {
            status: 503,
            response: with_ids(Canned::empty(503)),
            is_variant: |e| matches!(e.kind(), ErrorKind::Server(_)),
            retryable: true,
        },
    ]
}

#[tokio::test]
async fn every_error_status_becomes_its_typed_error() {
    bounded(async {
        for case in error_cases() {
            let response = case.response.clone();
            let server = CannedServer::start(move |_| response.clone()).await;
            let client = client_without_retries(&server);

            let err = client.payments().get(PAYMENT_ID).await.expect_err("an error status");

            let status = case.status;
            assert!((case.is_variant)(&err), "{status} -> {err:?}");
            assert_eq!(err.http_status(), Some(status));
            assert_eq!(err.is_retryable(), case.retryable, "{status}: is_retryable");
            assert_eq!(err.may_have_been_processed(), status >= 500, "{status}: may_have_been_processed");
            assert_eq!(err.request_id(), Some("req_error"), "{status}: the header wins over the body");
            assert_eq!(err.api_version(), Some("1.0.0"));
            assert!(err.elapsed().is_some(), "{status}: elapsed");
            assert_eq!(err.attempts(), 1, "{status}: no retries");
            assert!(err.to_string().contains(&status.to_string()), "{status}: {err}");
            assert!(!err.to_string().contains("m73dzbpy"), "{status}: the key never shows: {err}");
            assert_eq!(server.request_count(), 1, "{status}: sent once");
        }
    })
    .await;
}

#[tokio::test]
async fn a_validation_error_carries_its_type_codes_and_request_id() {
    bounded(async {
        let server = CannedServer::start(|_| {
            Canned::json(
                422,
                &json!({
                    "request_id": "0HL80RJLS76I7",
                    "error_type": "request_invalid",
                    "error_codes": ["payment_source_required"]
                }),
            )
        })
        .await;
        // Retries on: a 422 is still not retried.
        let client = client_with_quick_retries(&server);

        let err = client.payments().request(payment_request()).await.expect_err("a 422");

        assert!(matches!(err.kind(), ErrorKind::Validation(_)), "{err:?}");
        assert_eq!(err.http_status(), Some(422));
        assert_eq!(err.error_type(), Some("request_invalid"));
        assert_eq!(err.error_codes(), ["payment_source_required"]);
        assert_eq!(err.request_id(), Some("0HL80RJLS76I7"), "from the body when there is no header");
        assert!(!err.is_retryable());
        assert!(!err.may_have_been_processed());
        assert_eq!(err.attempts(), 1);
        assert_eq!(server.request_count(), 1);
        assert_post(&server.single_request(), "/payments", &expected_payment_request_body());
    })
    .await;
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    bounded(async {
        let server = CannedServer::start(|_| {
            Canned::json(429, &json!({"error_type": "too_many_requests"}))
                .header("Retry-After", "7")
                .header("Cko-Request-Id", "req_429")
        })
        .await;
        let client = client_without_retries(&server);

        let err = client.payments().get(PAYMENT_ID).await.expect_err("a 429");

        assert!(matches!(err.kind(), ErrorKind::TooManyRequests(_)), "{err:?}");
        assert_eq!(err.http_status(), Some(429));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
        assert!(err.is_retryable());
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.request_id(), Some("req_429"));
        assert_eq!(server.request_count(), 1, "RetryPolicy::none() never retries");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 3. Retries over HTTP
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_retried_payment_reuses_its_idempotency_key() {
    bounded(async {
        let server = CannedServer::sequence(vec![
            Canned::empty(503).header("Cko-Request-Id", "req_503"),
            created(&approved_payment()),
        ])
        .await;
        let client = client_with_quick_retries(&server);

        let payment = client.payments().request(payment_request()).await.expect("success on the second attempt");
        assert_eq!(payment.outcome(), Outcome::Approved);
        assert_eq!(payment.request_id(), Some("0HL80RJLS76I7"));

        let seen = server.requests();
        assert_eq!(seen.len(), 2, "{seen:#?}");
        for request in &seen {
            assert_post(request, "/payments", &expected_payment_request_body());
        }
        let first = seen[0].header("cko-idempotency-key").expect("a key on the first attempt");
        let second = seen[1].header("cko-idempotency-key").expect("a key on the retry");
        assert_eq!(first, second, "the retry must carry the same idempotency key");
        assert_eq!(seen[0].body, seen[1].body, "and the same body");
    })
    .await;
}

#[tokio::test]
async fn a_caller_chosen_idempotency_key_is_sent_on_every_attempt() {
    bounded(async {
        let server =
            CannedServer::sequence(vec![Canned::empty(502), accepted_action("act_capture2sofucxyr6vktpfy2ytbpq", "C")])
                .await;
        let client = client_with_quick_retries(&server);
        let key = IdempotencyKey::new("capture-ORD-5023-4E89").unwrap();

        let accepted =
            client.payments().capture(PAYMENT_ID, ActionRequest::full().reference("C").idempotency_key(key)).await;
        assert!(accepted.is_ok(), "{accepted:?}");

        let seen = server.requests();
        assert_eq!(seen.len(), 2);
        for request in &seen {
            assert_eq!(request.header("cko-idempotency-key"), Some("capture-ORD-5023-4E89"));
            assert_eq!(request.header_values("cko-idempotency-key").len(), 1);
        }
    })
    .await;
}

#[tokio::test]
async fn a_get_is_retried_through_two_bad_gateways() {
    bounded(async {
        let server = CannedServer::sequence(vec![
            Canned::raw(502, "Bad Gateway"),
            Canned::raw(502, "Bad Gateway"),
            Canned::json(200, &approved_payment()).header("Cko-Request-Id", "req_third"),
        ])
        .await;
        let client = client_with_quick_retries(&server);

        let payment = client.payments().get(PAYMENT_ID).await.expect("success on the third attempt");
        assert_eq!(payment.id, PAYMENT_ID);
        assert_eq!(payment.request_id(), Some("req_third"));

        let seen = server.requests();
        assert_eq!(seen.len(), 3);
        for request in &seen {
            assert_get(request, &format!("/payments/{PAYMENT_ID}"));
        }
    })
    .await;
}

#[tokio::test]
async fn retries_give_up_after_three_attempts() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::empty(503).header("Cko-Request-Id", "req_down")).await;
        let client = client_with_quick_retries(&server);

        let err = client.payments().request(payment_request()).await.expect_err("503 every time");

        assert!(matches!(err.kind(), ErrorKind::Server(_)), "{err:?}");
        assert_eq!(err.http_status(), Some(503));
        assert_eq!(err.attempts(), 3);
        assert!(err.to_string().contains("after 3 attempts"), "{err}");
        assert_eq!(server.request_count(), 3);
        let keys: Vec<_> =
            server.requests().iter().map(|r| r.header("cko-idempotency-key").map(str::to_owned)).collect();
        assert!(keys[0].is_some() && keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    })
    .await;
}

#[tokio::test]
async fn a_refused_connection_is_not_sent_and_is_retried() {
    bounded(async {
        // A port that was free a moment ago: nothing listens there now. On 127.0.0.2 where the
        // platform allows it, so that no other test's server (all on 127.0.0.1) can take it over.
        let freed = std::net::TcpListener::bind("127.0.0.2:0")
            .or_else(|_| std::net::TcpListener::bind("127.0.0.1:0"))
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port");
        let environment = Environment::custom(&format!("http://{freed}")).unwrap();
        let config = Config::new(SecretKey::new(KEY).unwrap(), environment);
        let client = Client::builder()
            .config(config)
            .transport(transport())
            .retry_policy(RetryPolicy::default().with_backoff(ms(10), ms(50)))
            .build()
            .expect("a client");

        let err = client.payments().request(payment_request()).await.expect_err("nothing listens");

        match err.kind() {
            ErrorKind::Transport(source) => {
                assert_eq!(source.kind(), TransportErrorKind::NotSent, "{source}");
                assert_eq!(err.attempts(), 3, "a request that was never sent is safe to retry");
            }
            other => panic!("expected a transport error, got {other:?}"),
        }
        assert!(!err.may_have_been_processed());
        assert!(err.is_retryable());
    })
    .await;
}

#[tokio::test]
async fn retry_after_is_honoured_between_attempts() {
    bounded(async {
        let server = CannedServer::sequence(vec![
            Canned::json(429, &json!({"error_type": "too_many_requests"})).header("Retry-After", "1"),
            Canned::json(200, &approved_payment()),
        ])
        .await;
        let policy = RetryPolicy::default().with_backoff(ms(10), Duration::from_secs(2));
        let client = Client::builder()
            .config(config(&server))
            .transport(transport())
            .retry_policy(policy)
            .build()
            .expect("a client");

        let started = Instant::now();
        let payment = client.payments().get(PAYMENT_ID).await.expect("success after waiting");
        let took = started.elapsed();

        assert_eq!(payment.id, PAYMENT_ID);
        assert_eq!(server.request_count(), 2);
        assert!(took >= ms(990), "waited only {took:?} despite Retry-After: 1");
        assert!(took < Duration::from_secs(3), "took {took:?}");
    })
    .await;
}

#[tokio::test]
async fn retry_after_beyond_the_backoff_cap_ends_the_retries() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::empty(429).header("Retry-After", "7")).await;
        let client = client_with_quick_retries(&server);

        let started = Instant::now();
        let err = client.payments().get(PAYMENT_ID).await.expect_err("a 429 asking for 7 s");

        assert!(matches!(err.kind(), ErrorKind::TooManyRequests(_)), "{err:?}");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(err.attempts(), 1, "waiting 7 s would overrun the 50 ms cap: give up at once");
        assert_eq!(server.request_count(), 1);
        assert!(started.elapsed() < Duration::from_secs(2));
    })
    .await;
}

#[tokio::test]
async fn what_must_not_be_repeated_is_not_retried() {
    bounded(async {
        // 501: retrying cannot help.
        let server = CannedServer::start(|_| Canned::empty(501)).await;
        let err = client_with_quick_retries(&server).payments().get(PAYMENT_ID).await.expect_err("a 501");
        assert!(matches!(err.kind(), ErrorKind::Server(_)) && !err.is_retryable(), "{err:?}");
        assert_eq!((err.attempts(), server.request_count()), (1, 1));

        // A 201 whose body cannot be read: the payment exists, so never request it again.
        let server =
            CannedServer::start(|_| Canned::raw(201, "<html>not json</html>").header("Cko-Request-Id", "req_bad"))
                .await;
        let err = client_with_quick_retries(&server).payments().request(payment_request()).await.expect_err("bad body");
        match err.kind() {
            ErrorKind::Decode(decode) => {
                assert_eq!(decode.status, 201);
                assert_eq!(decode.request_id.as_deref(), Some("req_bad"));
                assert!(!decode.detail.contains("not json"), "the body never reaches the error: {}", decode.detail);
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert_eq!(err.http_status(), Some(201));
        assert!(err.may_have_been_processed() && !err.is_retryable());
        assert_eq!(server.request_count(), 1);

        // A success status the operation does not expect.
        let server = CannedServer::start(|_| Canned::json(200, &approved_payment())).await;
        let err = client_with_quick_retries(&server).payments().request(payment_request()).await.expect_err("a 200");
        assert!(matches!(err.kind(), ErrorKind::UnexpectedStatus(_)), "{err:?}");
        assert_eq!(err.http_status(), Some(200));
        assert!(err.may_have_been_processed() && !err.is_retryable());
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 4. Timeouts and the retry budget
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::never()).await;
        let transport = HyperTransport::builder().timeout(ms(300)).build();
        let client = Client::builder()
            .config(config(&server))
            .transport(transport)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client");

        let started = Instant::now();
        let err = client.payments().request(payment_request()).await.expect_err("no answer");
        let took = started.elapsed();

        assert!(matches!(err.kind(), ErrorKind::Timeout { .. }) && err.attempts() == 1, "{err:?}");
        assert!(took >= ms(290), "gave up after {took:?}, before the timeout");
        assert!(took < Duration::from_secs(2), "took {took:?}");
        let elapsed = err.elapsed().expect("a timed-out attempt knows how long it ran");
        assert!(elapsed >= ms(290) && elapsed < Duration::from_secs(2), "{elapsed:?}");
        assert!(err.may_have_been_processed(), "the payment may exist");
        assert!(err.is_retryable());
        assert_eq!(server.request_count(), 1, "the request did arrive");
    })
    .await;
}

#[tokio::test]
async fn the_total_budget_cuts_a_long_transport_timeout() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::never()).await;
        // The transport alone would wait 10 s; the 1 s budget must win.
        let transport = HyperTransport::builder().timeout(Duration::from_secs(10)).build();
        let policy = RetryPolicy::default()
            .with_max_retries(2)
            .with_backoff(ms(10), ms(50))
            .with_total_budget(Some(Duration::from_secs(1)));
        let client = Client::builder()
            .config(config(&server))
            .transport(transport)
            .retry_policy(policy)
            .build()
            .expect("a client");

        let started = Instant::now();
        let err = client.payments().get(PAYMENT_ID).await.expect_err("no answer");
        let took = started.elapsed();

        assert!(matches!(err.kind(), ErrorKind::Timeout { .. }), "{err:?}");
        assert!(took >= ms(950), "gave up after {took:?}, before the budget was spent");
        assert!(took < ms(1500), "took {took:?}, past the 1 s budget");
        assert_eq!(err.attempts(), 1, "the first attempt used the whole budget");
    })
    .await;
}

#[tokio::test]
async fn retried_timeouts_stay_within_the_total_budget() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::never()).await;
        // 600 ms per attempt: the first uses 600 ms, the second gets only what is left of 1 s.
        let transport = HyperTransport::builder().timeout(ms(600)).build();
        let policy = RetryPolicy::default()
            .with_max_retries(2)
            .with_backoff(ms(10), ms(50))
            .with_total_budget(Some(Duration::from_secs(1)));
        let client = Client::builder()
            .config(config(&server))
            .transport(transport)
            .retry_policy(policy)
            .build()
            .expect("a client");

        let started = Instant::now();
        let err = client.payments().request(payment_request()).await.expect_err("no answer");
        let took = started.elapsed();

        assert!(matches!(err.kind(), ErrorKind::Timeout { .. }), "{err:?}");
        assert!(took < ms(1500), "took {took:?}, past the 1 s budget");
        assert_eq!(err.attempts(), 2, "a third attempt would have had no time left");
        let seen = server.requests();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            seen[0].header("cko-idempotency-key"),
            seen[1].header("cko-idempotency-key"),
            "a timed-out POST is only retried with the same key"
        );
    })
    .await;
}

#[tokio::test]
async fn the_total_budget_bounds_a_single_attempt_without_retries() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::never()).await;
        let transport = HyperTransport::builder().timeout(Duration::from_secs(3)).build();
        let policy = RetryPolicy::none().with_total_budget(Some(ms(500)));
        let client = Client::builder()
            .config(config(&server))
            .transport(transport)
            .retry_policy(policy)
            .build()
            .expect("a client");

        let started = Instant::now();
        let err = client.payments().get(PAYMENT_ID).await.expect_err("no answer");
        let took = started.elapsed();

        assert!(matches!(err.kind(), ErrorKind::Timeout { .. }) && err.attempts() == 1, "{err:?}");
        assert!(took < ms(1500), "took {took:?}: the 500 ms budget was ignored");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 5. and 6. Body caps and broken connections
// ---------------------------------------------------------------------------------------------

fn big_payment_body() -> Vec<u8> {
    let mut body = approved_payment();
    body["metadata"] = json!({"padding": "x".repeat(64 * 1024)});
    let bytes = serde_json::to_vec(&body).unwrap();
    assert!(bytes.len() >= 64 * 1024);
    bytes
}

fn assert_body_too_large(err: &Error) {
    match err.kind() {
        ErrorKind::Transport(source) => {
            assert_eq!(source.kind(), TransportErrorKind::BodyTooLarge, "{source}");
            assert_eq!(err.attempts(), 1);
            assert!(!source.message().contains("xxxx"), "the body never reaches the message");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.may_have_been_processed(), "the server answered: it processed the request");
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused() {
    bounded(async {
        let body = big_payment_body();
        let server = CannedServer::start(move |_| Canned::raw(201, body.clone())).await;
        let transport = HyperTransport::builder().timeout(Duration::from_secs(5)).max_body_bytes(1024).build();
        // Retries on: a body that is too large is not retried.
        let client = Client::builder()
            .config(config(&server))
            .transport(transport)
            .retry_policy(RetryPolicy::default().with_backoff(ms(10), ms(50)))
            .build()
            .expect("a client");

        let err = client.payments().request(payment_request()).await.expect_err("over the cap");

        assert_body_too_large(&err);
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_streamed_body_over_the_cap_is_refused() {
    bounded(async {
        // No Content-Length: the cap must be enforced while reading.
        let body = big_payment_body();
        let server =
            CannedServer::start(move |_| Canned::raw(200, body.clone()).behaviour(Behaviour::CloseDelimited)).await;
        let transport = HyperTransport::builder().timeout(Duration::from_secs(5)).max_body_bytes(1024).build();
        let client = Client::builder()
            .config(config(&server))
            .transport(transport)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client");

        let err = client.payments().get(PAYMENT_ID).await.expect_err("over the cap");

        assert_body_too_large(&err);
    })
    .await;
}

#[tokio::test]
async fn a_connection_closed_mid_body_may_have_been_processed() {
    bounded(async {
        let server = CannedServer::start(|_| {
            Canned::json(201, &approved_payment())
                .header("Cko-Request-Id", "req_cut")
                .behaviour(Behaviour::CloseMidBody)
        })
        .await;
        let client = client_without_retries(&server);

        let err = client.payments().request(payment_request()).await.expect_err("a truncated body");

        match err.kind() {
            ErrorKind::Transport(source) if err.attempts() == 1 => {
                assert_eq!(source.kind(), TransportErrorKind::Interrupted, "{source}");
                assert!(source.may_have_been_sent());
            }
            other => panic!("expected a transport error after one attempt, got {other:?}"),
        }
        assert!(err.may_have_been_processed(), "the payment may exist: look it up before charging again");
        assert!(err.is_retryable(), "retryable with the same idempotency key");
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 7. and 8. Refused before any I/O
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn plain_http_to_the_network_is_refused() {
    bounded(async {
        match Environment::custom("http://example.com") {
            Err(InvalidInput::BaseUrl(message)) => assert!(message.contains("example.com"), "{message}"),
            other => panic!("expected InvalidInput::BaseUrl, got {other:?}"),
        }

        let mut headers = Headers::new();
        headers.insert("Authorization", format!("Bearer {KEY}"));
        headers.insert("Content-Type", "application/json");
        let request = HttpRequest {
            method: Method::Post,
            url: "http://example.com/payments".into(),
            headers,
            body: br#"{"amount":100}"#.to_vec().into(),
            timeout: None,
        };
        let started = Instant::now();
        let err = transport().send(request).await.expect_err("plain http to a non-loopback host");
        assert_eq!(err.kind(), TransportErrorKind::NotSent, "{err}");
        assert!(!err.may_have_been_sent());
        assert!(started.elapsed() < Duration::from_secs(1), "refused without network I/O");
        assert!(!err.message().contains("m73dzbpy"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn invalid_ids_never_reach_the_server() {
    bounded(async {
        let server = CannedServer::start(|_| Canned::json(200, &approved_payment())).await;
        let client = client_with_quick_retries(&server);
        let payments = client.payments();

        let errors = vec![
            payments.get("pay_../../customers").await.unwrap_err(),
            payments.get("pay_x?expand=all").await.unwrap_err(),
            payments.get("pay_x#frag").await.unwrap_err(),
            payments.get("cus_udst2tfldj6upmye2reztkmm4i").await.unwrap_err(),
            payments.get("pay_").await.unwrap_err(),
            payments.actions("pay_a/b").await.unwrap_err(),
            payments.capture("sid_y3oqhf46pyzuxjbcn2giaqnb44", ActionRequest::full()).await.unwrap_err(),
            payments.refund("pay_%2e%2e", ActionRequest::full()).await.unwrap_err(),
            payments.void("pay_x y", VoidRequest::new()).await.unwrap_err(),
        ];
        for err in &errors {
            assert!(matches!(err.kind(), ErrorKind::InvalidInput(InvalidInput::Id { .. })), "{err:?}");
            assert!(err.is_invalid_input());
            assert_eq!(err.attempts(), 0);
            assert!(!err.is_retryable());
        }
        assert_eq!(server.request_count(), 0, "{:#?}", server.requests());
        assert_eq!(server.connection_count(), 0, "not even a connection");
    })
    .await;
}
