//! The sandbox simulator, driven through raw HTTP requests as the SDK (or a server) would send them.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use checkout_sdk_core::transport::{Headers, HttpRequest, HttpResponse, HttpTransport, Method, TransportErrorKind};
use checkout_sdk_simulator::{
    test_cards, CardDetails, Fault, Faults, Limits, RedirectError, Simulator, MAX_BODY_BYTES,
};
use serde_json::{json, Value};

// The new-format key the tests use belongs to an account set up with processing channels: its
// payments name `CHANNEL`.
use checkout_sdk_fake::keys::{
    LEGACY_PUBLIC_KEY as PUBLIC_LEGACY_KEY, LEGACY_SECRET_KEY as LEGACY_KEY, PROCESSING_CHANNEL_ID as CHANNEL,
    SANDBOX_BASE_URL as BASE, SANDBOX_PUBLIC_KEY as PUBLIC_BEARER_KEY, SANDBOX_SECRET_KEY as BEARER_KEY,
};
use checkout_sdk_fake::runtime::RecordingSleeper;

// ----- helpers -----

/// A response with its body parsed (`Null` when empty or not JSON).
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Headers,
    raw: Vec<u8>,
    body: Value,
}

impl Resp {
    fn from(response: HttpResponse) -> Self {
        let body = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        Resp { status: response.status, headers: response.headers, raw: response.body, body }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    fn error_codes(&self) -> Vec<String> {
        self.body["error_codes"]
            .as_array()
            .map(|codes| codes.iter().filter_map(|c| c.as_str().map(String::from)).collect())
            .unwrap_or_default()
    }

    #[track_caller]
    fn expect(self, status: u16) -> Self {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text());
        self
    }
}

fn request(method: Method, url: &str, authorization: Option<&str>, body: Vec<u8>) -> HttpRequest {
    let mut headers = Headers::new();
    if let Some(value) = authorization {
        headers.insert("Authorization", value);
    }
    if !body.is_empty() {
        headers.insert("Content-Type", "application/json");
    }
    HttpRequest { method, url: url.to_string(), headers, body: body.into(), timeout: None }
}

/// A client of one simulator, with a base URL and an `Authorization` value.
struct Api {
    sim: Simulator,
    base: String,
    auth: String,
}

impl Api {
    fn new(sim: Simulator) -> Self {
        Api { sim, base: BASE.to_string(), auth: format!("Bearer {BEARER_KEY}") }
    }

    fn seeded(seed: u64) -> Self {
        Self::new(Simulator::seeded(seed))
    }

    fn build(&self, method: Method, path: &str, body: Option<&Value>) -> HttpRequest {
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        request(method, &format!("{}{path}", self.base), Some(&self.auth), body)
    }

    fn send(&self, request: &HttpRequest) -> Resp {
        Resp::from(self.sim.handle(request).response)
    }

    fn post(&self, path: &str, body: Value) -> Resp {
        self.send(&self.build(Method::Post, path, Some(&body)))
    }

    fn post_with_key(&self, path: &str, body: Value, idempotency_key: &str) -> Resp {
        let mut request = self.build(Method::Post, path, Some(&body));
        request.headers.insert("Cko-Idempotency-Key", idempotency_key);
        self.send(&request)
    }

    fn post_empty(&self, path: &str) -> Resp {
        self.send(&self.build(Method::Post, path, None))
    }

    fn get(&self, path: &str) -> Resp {
        self.send(&self.build(Method::Get, path, None))
    }

    fn pay(&self, body: Value) -> Resp {
        self.post("/payments", body)
    }

    /// An approved card payment of `amount`; returns its body.
    fn approved(&self, amount: u64) -> Value {
        let body = self.pay(payment(amount, card(test_cards::VISA))).expect(201).body;
        assert_eq!(body["approved"], true, "{body}");
        body
    }

    fn status_of(&self, id: &str) -> String {
        self.get(&format!("/payments/{id}")).expect(200).body["status"].as_str().unwrap_or_default().to_string()
    }
}

fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "expiry_month": 6, "expiry_year": 2030, "cvv": "100"})
}

fn payment(amount: u64, source: Value) -> Value {
    json!({"source": source, "amount": amount, "currency": "USD", "reference": "ORD-1", "processing_channel_id": CHANNEL})
}

fn id_of(body: &Value) -> String {
    body["id"].as_str().expect("an id").to_string()
}

fn link(body: &Value, rel: &str) -> Option<String> {
    body["_links"][rel]["href"].as_str().map(String::from)
}

fn rels(body: &Value) -> BTreeSet<String> {
    body["_links"].as_object().map(|links| links.keys().cloned().collect()).unwrap_or_default()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Asserts that nothing in `text` reveals a full card number or a cvv.
#[track_caller]
fn assert_no_card_data(text: &str) {
    for number in [
        test_cards::VISA,
        test_cards::VISA_2,
        test_cards::MASTERCARD,
        test_cards::AMEX,
        test_cards::DISCOVER,
        test_cards::DECLINED_INSUFFICIENT_FUNDS,
    ] {
        assert!(!text.contains(number), "a full card number leaked: {text}");
    }
    assert!(!text.contains("\"cvv\""), "a cvv leaked: {text}");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

// ----- authentication and headers -----

#[test]
fn both_key_kinds_authenticate_in_their_own_header_format() {
    let api = Api::seeded(1);
    let body = payment(1000, card(test_cards::VISA));
    let url = format!("{BASE}/payments");
    let bytes = body.to_string().into_bytes();
    let send =
        |auth: Option<&str>| Resp::from(api.sim.handle(&request(Method::Post, &url, auth, bytes.clone())).response);

    assert_eq!(send(Some(LEGACY_KEY)).status, 201);
    assert_eq!(send(Some(&format!("Bearer {BEARER_KEY}"))).status, 201);
    assert_eq!(send(Some("sk_fde517a8-3f01-41ef-b4bd-4282384b0a64")).status, 201);
    assert_eq!(send(Some("Bearer sk_m73dzbpy7cf3gfd46xr4yj5xo4e")).status, 201);

    for bad in [
        None,
        Some(""),
        Some(&format!("Bearer {LEGACY_KEY}") as &str),
        Some(BEARER_KEY),
        Some("Bearer "),
        Some("Basic c2tfdGVzdA=="),
        Some(PUBLIC_LEGACY_KEY),
        Some(&format!("Bearer {PUBLIC_BEARER_KEY}") as &str),
        Some("sk_test_not-a-uuid"),
        Some("Bearer sk_sbox_SHOUTING7CF3GFD46XR4YJ5XO4E"),
        Some(" sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64"),
    ] {
        let resp = send(bad);
        assert_eq!(resp.status, 401, "{bad:?}");
        assert!(resp.raw.is_empty());
        assert!(resp.header("Cko-Request-Id").is_some());
        assert!(resp.header("Cko-Version").is_none());
    }
    assert_eq!(api.sim.payment_count(), 4);
}

#[test]
fn every_route_needs_a_secret_key_but_the_redirect_pages() {
    let api = Api::seeded(2);
    let pay_id = id_of(&api.approved(100));
    let anonymous = Api { sim: api.sim.clone(), base: BASE.to_string(), auth: String::new() };
    for (method, path) in [
        (Method::Get, format!("/payments/{pay_id}")),
        (Method::Get, format!("/payments/{pay_id}/actions")),
        (Method::Post, format!("/payments/{pay_id}/captures")),
        (Method::Post, format!("/payments/{pay_id}/refunds")),
        (Method::Post, format!("/payments/{pay_id}/voids")),
        (Method::Post, format!("/payments/{pay_id}/authorizations")),
        (Method::Post, format!("/payments/{pay_id}/reversals")),
        (Method::Post, format!("/payments/{pay_id}/cancellations")),
        (Method::Get, "/payments?reference=ORD-1".to_string()),
        (Method::Post, "/payments/search".to_string()),
        (Method::Post, "/tokens".to_string()),
    ] {
        let resp = anonymous.send(&anonymous.build(method, &path, Some(&json!({}))));
        assert_eq!(resp.status, 401, "{method} {path}");
    }
}

#[test]
fn responses_carry_request_id_version_and_content_type() {
    let api = Api::seeded(3);
    let created = api.pay(payment(100, card(test_cards::VISA))).expect(201);
    assert!(created.header("Cko-Request-Id").is_some_and(|id| !id.is_empty()));
    assert_eq!(created.header("Cko-Version"), Some("1.0.0"));
    assert_eq!(created.header("Content-Type"), Some("application/json"));

    let invalid = api.pay(json!({})).expect(422);
    assert_eq!(invalid.header("Content-Type"), Some("application/json"));
    assert!(invalid.header("Cko-Version").is_none());
    assert_eq!(invalid.body["request_id"].as_str(), invalid.header("Cko-Request-Id"));

    let missing = api.get("/payments/pay_doesnotexist").expect(404);
    assert!(missing.raw.is_empty());
    assert!(missing.header("Content-Type").is_none());
    assert!(missing.header("Cko-Request-Id").is_some());

    let a = created.header("Cko-Request-Id").unwrap().to_string();
    let b = invalid.header("Cko-Request-Id").unwrap().to_string();
    assert_ne!(a, b, "request ids are unique");
}

// ----- routing -----

#[test]
fn unknown_paths_wrong_methods_and_bad_ids() {
    let api = Api::seeded(4);
    let id = id_of(&api.approved(100));
    for path in [
        "/",
        "/nope",
        "/payments/",
        "/payments/cus_abc",
        "/payments/pay_a%2F..",
        "/payments/pay_..%2F..%2Fcustomers",
        "/payments/pay_x/unknown",
        "/customers",
        "/payments/sid_x/captures",
        "/sandbox/3ds/pay_x",
    ] {
        let resp = api.get(path);
        assert_eq!(resp.status, 404, "{path}");
        assert!(resp.raw.is_empty(), "{path}");
    }
    // `GET /payments` lists by reference (which it needs); `/payments/search` takes a POST.
    assert_eq!(api.get("/payments").expect(422).error_codes(), ["reference_required"]);
    let resp = api.get("/payments/search").expect(405);
    assert_eq!(resp.header("Allow"), Some("POST"));
    let resp = api.post(&format!("/payments/{id}"), json!({})).expect(405);
    assert_eq!(resp.header("Allow"), Some("GET"));
    api.get(&format!("/payments/{id}/captures")).expect(405);
    api.post(&format!("/payments/{id}/actions"), json!({})).expect(405);
    api.get("/tokens").expect(405);
    // Query strings do not change API routes.
    let resp = api.get(&format!("/payments/{id}?expand=all#frag")).expect(200);
    assert_eq!(resp.body["id"], id.as_str());
    api.post("/payments?x=1", payment(100, card(test_cards::VISA))).expect(201);
    // Unknown but well-formed ids are 404 with an empty body.
    assert!(api.get("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").expect(404).raw.is_empty());
    assert!(api.get("/payments/sid_aaaaaaaaaaaaaaaaaaaaaaaaaa").expect(404).raw.is_empty());
    assert!(api.get("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa/actions").expect(404).raw.is_empty());
    api.post_empty("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa/captures").expect(404);
}

// ----- validation -----

#[test]
fn invalid_payment_requests_get_422_with_their_codes() {
    let api = Api::seeded(5);
    let good = || payment(100, card(test_cards::VISA));
    let with = |path: &[&str], value: Value| {
        let mut body = good();
        let mut target = &mut body;
        for (i, key) in path.iter().enumerate() {
            if i + 1 == path.len() {
                if value.is_null() {
                    target.as_object_mut().unwrap().remove(*key);
                } else {
                    target[*key] = value.clone();
                }
            } else {
                target = &mut target[*key];
            }
        }
        body
    };
    let cases: Vec<(Value, &[&str])> = vec![
        (with(&["source"], Value::Null), &["payment_source_required"]),
        (with(&["source"], json!("card")), &["payment_source_required"]),
        (with(&["amount"], Value::Null), &["amount_invalid"]),
        (with(&["amount"], json!(-1)), &["amount_invalid"]),
        (with(&["amount"], json!(10.5)), &["amount_invalid"]),
        (with(&["amount"], json!("100")), &["amount_invalid"]),
        (with(&["amount"], json!(1e30)), &["amount_invalid"]),
        (with(&["currency"], Value::Null), &["currency_required"]),
        (with(&["currency"], json!("XYZ")), &["currency_invalid"]),
        (with(&["currency"], json!("US")), &["currency_invalid"]),
        (with(&["currency"], json!(840)), &["currency_invalid"]),
        (with(&["source", "number"], json!("4242424242424241")), &["card_number_invalid"]),
        (with(&["source", "number"], json!("4242-4242-4242-4242")), &["card_number_invalid"]),
        (with(&["source", "number"], json!(4242424242424242u64)), &["card_number_invalid"]),
        (with(&["source", "number"], Value::Null), &["card_number_required"]),
        (with(&["source", "expiry_year"], json!(2025)), &["card_expired"]),
        (with(&["source", "expiry_month"], json!(13)), &["card_expiry_month_invalid"]),
        (with(&["source", "expiry_month"], json!(0)), &["card_expiry_month_invalid"]),
        (with(&["source", "expiry_month"], json!("06")), &["card_expiry_month_invalid"]),
        (with(&["source", "expiry_year"], json!(30)), &["card_expiry_year_invalid"]),
        (with(&["source", "cvv"], json!("12")), &["cvv_invalid"]),
        (with(&["source", "cvv"], json!("12a")), &["cvv_invalid"]),
        (with(&["source", "cvv"], json!(100)), &["cvv_invalid"]),
        (with(&["source", "type"], Value::Null), &["payment_source_type_required"]),
        (with(&["source", "type"], json!("Not A Type!")), &["payment_source_type_invalid"]),
        (with(&["source", "type"], json!(7)), &["payment_source_type_invalid"]),
        (with(&["reference"], json!("x".repeat(51))), &["reference_invalid"]),
        (with(&["reference"], json!(12)), &["reference_invalid"]),
        (with(&["metadata"], json!([1, 2])), &["metadata_invalid"]),
        (with(&["customer"], json!("someone")), &["customer_invalid"]),
        (with(&["customer"], json!({"email": "not-an-email"})), &["customer_email_invalid"]),
        (with(&["customer"], json!({"id": "pay_abc"})), &["customer_id_invalid"]),
        (with(&["customer"], json!({"id": "cus_aaaaaaaaaaaaaaaaaaaaaaaaaa"})), &["customer_not_found"]),
        (with(&["3ds"], json!("yes")), &["3ds_invalid"]),
        (with(&["payment_type"], json!("Weekly")), &["payment_type_invalid"]),
        (with(&["success_url"], json!("javascript:alert(1)")), &["success_url_invalid"]),
        (with(&["failure_url"], json!("https://x.test/a b")), &["failure_url_invalid"]),
        (json!({"source": {"type": "token"}, "amount": 1, "currency": "USD"}), &["token_required"]),
        (json!({"source": {"type": "token", "token": "nope"}, "amount": 1, "currency": "USD"}), &["token_invalid"]),
        (
            json!({"source": {"type": "token", "token": "tok_aaaaaaaaaaaaaaaaaaaaaaaaaa"}, "amount": 1, "currency": "USD"}),
            &["token_invalid"],
        ),
        (json!({"source": {"type": "id", "id": "cus_abc"}, "amount": 1, "currency": "USD"}), &["source_id_invalid"]),
        (
            json!({"source": {"type": "id", "id": "src_aaaaaaaaaaaaaaaaaaaaaaaaaa"}, "amount": 1, "currency": "USD"}),
            &["source_id_invalid"],
        ),
        (
            json!({"source": {"type": "customer", "id": "cus_aaaaaaaaaaaaaaaaaaaaaaaaaa"}, "amount": 1, "currency": "USD"}),
            &["customer_not_found"],
        ),
        (
            json!({"source": {"type": "customer", "email": "nobody@example.com"}, "amount": 1, "currency": "USD"}),
            &["customer_not_found"],
        ),
        (json!({"source": {"type": "customer"}, "amount": 1, "currency": "USD"}), &["customer_id_required"]),
        (
            json!({"source": {"type": "ideal", "bic": "INGBNL2A"}, "amount": 100, "currency": "EUR"}),
            &["reference_required"],
        ),
        (
            json!({"source": {"type": "ideal"}, "amount": 100, "currency": "USD", "reference": "r"}),
            &["currency_not_supported"],
        ),
        (
            json!({"source": {"type": "ideal", "bic": "NOT A BIC"}, "amount": 100, "currency": "EUR", "reference": "r"}),
            &["bic_invalid"],
        ),
        (json!({}), &["amount_invalid", "currency_required", "payment_source_required"]),
    ];
    for (mut body, codes) in cases {
        body["processing_channel_id"] = json!(CHANNEL);
        let resp = api.pay(body.clone());
        assert_eq!(resp.status, 422, "{body}: {}", resp.text());
        assert_eq!(resp.body["error_type"], "request_invalid", "{body}");
        assert_eq!(resp.error_codes(), codes.iter().map(|c| c.to_string()).collect::<Vec<_>>(), "{body}");
        assert!(resp.body["request_id"].is_string());
    }
    assert_eq!(api.sim.payment_count(), 0, "refused requests create nothing");
}

#[test]
fn malformed_bodies_get_request_malformed() {
    let api = Api::seeded(6);
    for body in [&b""[..], b"{", b"not json", b"[1,2]", b"\"text\"", b"null", b"{\"amount\": 1,}", &[0xff, 0xfe, 0x00]]
    {
        let mut request = api.build(Method::Post, "/payments", None);
        request.body = body.to_vec().into();
        let resp = api.send(&request).expect(422);
        assert_eq!(resp.body["error_type"], "request_malformed");
        assert_eq!(resp.error_codes(), ["request_body_malformed"]);
    }
}

#[test]
fn currencies_are_accepted_in_any_case_and_echoed_in_upper_case() {
    let api = Api::seeded(7);
    let mut body = payment(100, card(test_cards::VISA));
    body["currency"] = json!("gbp");
    assert_eq!(api.pay(body).expect(201).body["currency"], "GBP");
}

// ----- approval -----

#[test]
fn an_approved_card_payment_has_the_documented_shape() {
    let api = Api::seeded(8);
    let mut body = payment(1000, card(test_cards::VISA));
    body["customer"] = json!({"email": "jokershere@gmail.com", "name": "Jack Napier"});
    body["metadata"] = json!({"coupon_code": "NY2018", "partner_id": 123989});
    body["source"]["billing_address"] = json!({"city": "London", "country": "GB"});
    body["source"]["name"] = json!("Jack Napier");
    let resp = api.pay(body).expect(201);
    let p = &resp.body;
    assert!(p["id"].as_str().unwrap().starts_with("pay_"));
    assert_eq!(p["id"].as_str().unwrap().len(), 30);
    assert!(p["action_id"].as_str().unwrap().starts_with("act_"));
    assert_eq!(p["amount"], 1000);
    assert_eq!(p["currency"], "USD");
    assert_eq!(p["approved"], true);
    assert_eq!(p["status"], "Authorized");
    assert_eq!(p["auth_code"].as_str().unwrap().len(), 6);
    assert_eq!(p["response_code"], "10000");
    assert_eq!(p["response_summary"], "Approved");
    assert_eq!(p["processed_on"], "2026-01-01T00:00:01Z");
    assert_eq!(p["reference"], "ORD-1");
    assert_eq!(p["risk"]["flagged"], false);
    assert!(p.get("3ds").is_none());
    assert_eq!(p["metadata"]["coupon_code"], "NY2018");
    let source = &p["source"];
    assert_eq!(source["type"], "card");
    assert!(source["id"].as_str().unwrap().starts_with("src_"));
    assert_eq!(source["last4"], "4242");
    assert_eq!(source["bin"], "424242");
    assert_eq!(source["expiry_month"], 6);
    assert_eq!(source["expiry_year"], 2030);
    assert_eq!(source["scheme"], "Visa");
    assert_eq!(source["name"], "Jack Napier");
    assert_eq!(source["billing_address"]["city"], "London");
    assert_eq!(source["fingerprint"].as_str().unwrap().len(), 64);
    assert!(p["customer"]["id"].as_str().unwrap().starts_with("cus_"));
    assert_eq!(p["customer"]["email"], "jokershere@gmail.com");
    assert_eq!(p["customer"]["name"], "Jack Napier");
    let id = id_of(p);
    assert_eq!(rels(p), set(&["self", "actions", "capture", "void"]));
    assert_eq!(link(p, "self").unwrap(), format!("{BASE}/payments/{id}"));
    assert_eq!(link(p, "actions").unwrap(), format!("{BASE}/payments/{id}/actions"));
    assert_eq!(link(p, "capture").unwrap(), format!("{BASE}/payments/{id}/captures"));
    assert_eq!(link(p, "void").unwrap(), format!("{BASE}/payments/{id}/voids"));
    assert_no_card_data(&resp.text());

    let details = api.get(&format!("/payments/{id}")).expect(200);
    let d = &details.body;
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["requested_on"], "2026-01-01T00:00:01Z");
    assert_eq!(d["status"], "Authorized");
    assert_eq!(d["approved"], true);
    assert_eq!(d["amount"], 1000);
    assert_eq!(d["payment_type"], "Regular");
    assert_eq!(d["source"]["id"], p["source"]["id"]);
    assert_eq!(d["customer"]["id"], p["customer"]["id"]);
    assert_eq!(d["balances"]["available_to_capture"], 1000);
    assert!(d.get("actions").is_none(), "no action summary when fetched by payment id");
    assert_eq!(rels(d), set(&["self", "actions", "capture", "void"]));
    assert_no_card_data(&details.text());
}

#[test]
fn schemes_follow_the_bin() {
    let api = Api::seeded(9);
    for (number, scheme, cvv) in [
        (test_cards::VISA, "Visa", "100"),
        (test_cards::VISA_2, "Visa", "956"),
        (test_cards::MASTERCARD, "Mastercard", "257"),
        (test_cards::AMEX, "Amex", "1051"),
        (test_cards::DISCOVER, "Discover", "100"),
    ] {
        let mut source = card(number);
        source["cvv"] = json!(cvv);
        let p = api.pay(payment(100, source)).expect(201).body;
        assert_eq!(p["approved"], true, "{number}");
        assert_eq!(p["source"]["scheme"], scheme, "{number}");
        assert_eq!(p["source"]["bin"], &number[..6]);
        assert_eq!(p["source"]["last4"], &number[number.len() - 4..]);
    }
}

#[test]
fn card_verification_with_a_zero_amount() {
    let api = Api::seeded(10);
    let p = api.pay(payment(0, card(test_cards::VISA))).expect(201).body;
    assert_eq!(p["status"], "Card Verified");
    assert_eq!(p["approved"], true);
    assert_eq!(rels(&p), set(&["self", "actions"]));
    let actions = api.get(&format!("/payments/{}/actions", id_of(&p))).expect(200).body;
    assert_eq!(actions[0]["type"], "Card Verification");
    api.post_empty(&format!("/payments/{}/captures", id_of(&p))).expect(403);
}

// ----- declines -----

#[test]
fn amount_triggered_response_codes() {
    let api = Api::seeded(11);
    let cases: &[(u64, &str, &str, &str)] = &[
        (1005, "20005", "Declined - Do not honour", "Declined"),
        (12, "20012", "Invalid payment", "Declined"),
        (314, "20014", "Invalid card number", "Declined"),
        (10051, "20051", "Insufficient funds", "Declined"),
        (154, "20087", "Bad track data", "Declined"),
        (262, "20062", "Restricted card", "Declined"),
        (363, "20063", "Security violation", "Declined"),
        (9998, "20068", "Response received too late / timeout", "Declined"),
        (6510, "20154", "3DS authentication required", "Declined"),
        (6520, "20154", "3DS authentication required", "Declined"),
        (6530, "20154", "3DS authentication required", "Declined"),
        (6540, "20154", "3DS authentication required", "Declined"),
        (1033, "30033", "Expired card - Pick up", "Declined"),
        (4001, "40101", "Payment blocked due to risk", "Declined"),
        (4008, "40108", "Gateway reject - Post code failed", "Declined"),
        (100, "10000", "Approved", "Authorized"),
        (5000, "10000", "Approved", "Authorized"),
        (1077, "10000", "Approved", "Authorized"),
    ];
    for (amount, code, summary, status) in cases {
        let p = api.pay(payment(*amount, card(test_cards::VISA))).expect(201).body;
        assert_eq!(p["response_code"], *code, "{amount}");
        assert_eq!(p["response_summary"], *summary, "{amount}");
        assert_eq!(p["status"], *status, "{amount}");
        assert_eq!(p["approved"], *code == "10000", "{amount}");
        if *code != "10000" {
            assert_eq!(rels(&p), set(&["self", "actions"]), "{amount}: only self and actions on a decline");
            assert!(p["source"].get("id").is_none(), "no new source id for a decline");
            assert!(p.get("auth_code").is_none());
            let id = id_of(&p);
            assert_eq!(api.status_of(&id), "Declined");
            let actions = api.get(&format!("/payments/{id}/actions")).expect(200).body;
            assert_eq!(actions[0]["approved"], false);
            assert_eq!(actions[0]["response_code"], *code);
        }
    }
}

#[test]
fn declining_test_cards() {
    let api = Api::seeded(12);
    for (number, code) in [
        (test_cards::DECLINED_INSUFFICIENT_FUNDS, "20051"),
        (test_cards::DECLINED_REFER_TO_ISSUER, "20001"),
        (test_cards::DECLINED_INVALID_PAYMENT, "20012"),
        (test_cards::DECLINED_INVALID_CARD_NUMBER, "20014"),
        (test_cards::DECLINED_EXPIRED_CARD, "20054"),
    ] {
        let p = api.pay(payment(100, card(number))).expect(201).body;
        assert_eq!(p["approved"], false, "{number}");
        assert_eq!(p["status"], "Declined");
        assert_eq!(p["response_code"], code, "{number}");
    }
}

#[test]
fn risk_flags_and_blocks() {
    let api = Api::seeded(13);
    let blocked = api.pay(payment(4001, card(test_cards::VISA))).expect(201).body;
    assert_eq!(blocked["approved"], false);
    assert_eq!(blocked["risk"]["flagged"], true);

    let flagged = api.pay(payment(1077, card(test_cards::VISA))).expect(201).body;
    assert_eq!(flagged["approved"], true);
    assert_eq!(flagged["risk"]["flagged"], true);

    let mut body = payment(1077, card(test_cards::VISA));
    body["risk"] = json!({"enabled": false});
    let unchecked = api.pay(body).expect(201).body;
    assert_eq!(unchecked["risk"]["flagged"], false);

    assert_eq!(api.approved(1000)["risk"]["flagged"], false);
}

#[test]
fn issuer_stops_decline_only_the_first_attempt_of_a_card() {
    let api = Api::seeded(14);
    for (amount, code) in [(2011, "200R1"), (2013, "200R3")] {
        let first = api.pay(payment(amount, card(test_cards::VISA))).expect(201).body;
        assert_eq!(first["response_code"], code);
        assert_eq!(first["approved"], false);
        let second = api.pay(payment(amount, card(test_cards::VISA))).expect(201).body;
        assert_eq!(second["approved"], true, "{amount}: the second attempt is approved");
        let other_card = api.pay(payment(amount, card(test_cards::MASTERCARD))).expect(201).body;
        assert_eq!(other_card["response_code"], code, "another card has its own first attempt");
    }
}

// ----- 3-D Secure -----

fn three_ds(amount: u64, attempt_n3d: bool) -> Value {
    let mut body = payment(amount, card(test_cards::VISA));
    body["3ds"] = json!({"enabled": true, "attempt_n3d": attempt_n3d});
    body
}

#[test]
fn a_3ds_payment_goes_pending_then_authorized_through_the_redirect_page() {
    let mut api = Api::seeded(15);
    api.base = "http://127.0.0.1:8080".to_string();
    let pending = api.pay(three_ds(1000, false)).expect(202).body;
    let id = id_of(&pending);
    assert_eq!(pending["status"], "Pending");
    assert_eq!(pending["reference"], "ORD-1");
    assert!(pending["customer"]["id"].as_str().unwrap().starts_with("cus_"));
    assert_eq!(pending["3ds"], json!({"downgraded": false, "enrolled": "Y"}));
    assert_eq!(rels(&pending), set(&["self", "redirect"]));
    let redirect = link(&pending, "redirect").unwrap();
    let sid = redirect.rsplit('/').next().unwrap().to_string();
    assert!(sid.starts_with("sid_"));
    assert_eq!(redirect, format!("http://127.0.0.1:8080/sandbox/3ds/{sid}"));
    assert!(pending.get("approved").is_none());

    // Pending: no actions yet, the session id finds the payment.
    assert_eq!(api.get(&format!("/payments/{id}/actions")).expect(200).body, json!([]));
    let by_session = api.get(&format!("/payments/{sid}")).expect(200).body;
    assert_eq!(by_session["id"], id.as_str());
    assert_eq!(by_session["status"], "Pending");
    assert_eq!(rels(&by_session), set(&["self", "actions", "redirect"]));

    // The page needs no key.
    let page = Resp::from(api.sim.handle(&request(Method::Get, &redirect, None, Vec::new())).response).expect(200);
    assert_eq!(page.header("Content-Type"), Some("text/html; charset=utf-8"));
    let html = page.text();
    assert!(html.contains(&format!("/sandbox/3ds/{sid}/complete?outcome=success")));
    assert!(html.contains(&format!("/sandbox/3ds/{sid}/complete?outcome=failure")));
    assert!(html.contains(&id));

    let complete = format!("{redirect}/complete?outcome=success");
    let done = Resp::from(api.sim.handle(&request(Method::Post, &complete, None, Vec::new())).response).expect(200);
    assert_eq!(done.body, json!({"id": id, "status": "Authorized"}));

    let details = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!(details["status"], "Authorized");
    assert_eq!(details["approved"], true);
    assert_eq!(details["3ds"]["authentication_response"], "Y");
    assert!(details["source"]["id"].as_str().unwrap().starts_with("src_"));
    assert_eq!(rels(&details), set(&["self", "actions", "capture", "void"]));
    assert_eq!(link(&details, "self").unwrap(), format!("http://127.0.0.1:8080/payments/{id}"));
    let actions = api.get(&format!("/payments/{id}/actions")).expect(200).body;
    assert_eq!(actions.as_array().unwrap().len(), 1);
    assert_eq!(actions[0]["type"], "Authorization");
    assert_eq!(actions[0]["response_code"], "10000");

    // By session id, the summary of actions comes along.
    let by_session = api.get(&format!("/payments/{sid}")).expect(200).body;
    assert_eq!(by_session["actions"][0]["type"], "Authorization");

    // Completing twice is a conflict; the page still renders.
    let again = Resp::from(api.sim.handle(&request(Method::Post, &complete, None, Vec::new())).response).expect(409);
    assert_eq!(again.body["error_codes"], json!(["payment_not_pending"]));
    assert_eq!(api.sim.complete_redirect(&sid, true), Err(RedirectError::NotPending));
    let page = Resp::from(api.sim.handle(&request(Method::Get, &redirect, None, Vec::new())).response).expect(200);
    assert!(!page.text().contains("outcome=success"));
}

#[test]
fn a_failed_3ds_challenge_declines_and_redirects_to_the_failure_url() {
    let api = Api::seeded(16);
    let mut body = three_ds(1000, false);
    body["success_url"] = json!("https://shop.test/ok");
    body["failure_url"] = json!("https://shop.test/fail?order=1");
    let pending = api.pay(body).expect(202).body;
    let redirect = link(&pending, "redirect").unwrap();
    let sid = redirect.rsplit('/').next().unwrap().to_string();
    // A form post carries the outcome in the body.
    let mut form = request(Method::Post, &format!("{redirect}/complete"), None, b"outcome=failure".to_vec());
    form.headers.insert("Content-Type", "application/x-www-form-urlencoded");
    let resp = Resp::from(api.sim.handle(&form).response).expect(302);
    assert_eq!(resp.header("Location"), Some(&*format!("https://shop.test/fail?order=1&cko-session-id={sid}")));
    let details = api.get(&format!("/payments/{sid}")).expect(200).body;
    assert_eq!(details["status"], "Declined");
    assert_eq!(details["3ds"]["authentication_response"], "N");
    let actions = api.get(&format!("/payments/{}/actions", id_of(&details))).expect(200).body;
    assert_eq!(actions[0]["response_code"], "20151");
    assert_eq!(actions[0]["response_summary"], "Cardholder failed 3DS authentication");

    // Success goes to the success URL.
    let mut body = three_ds(1000, false);
    body["success_url"] = json!("https://shop.test/ok");
    let pending = api.pay(body).expect(202).body;
    let redirect = link(&pending, "redirect").unwrap();
    let sid = redirect.rsplit('/').next().unwrap().to_string();
    let ok = Resp::from(
        api.sim
            .handle(&request(Method::Post, &format!("{redirect}/complete?outcome=success"), None, Vec::new()))
            .response,
    )
    .expect(302);
    assert_eq!(ok.header("Location"), Some(&*format!("https://shop.test/ok?cko-session-id={sid}")));

    // A bad outcome, an unknown session, and the wrong kind of page.
    let bad = format!("{redirect}/complete?outcome=maybe");
    assert_eq!(Resp::from(api.sim.handle(&request(Method::Post, &bad, None, Vec::new())).response).status, 422);
    let unknown = format!("{BASE}/sandbox/3ds/sid_aaaaaaaaaaaaaaaaaaaaaaaaaa/complete?outcome=success");
    assert_eq!(Resp::from(api.sim.handle(&request(Method::Post, &unknown, None, Vec::new())).response).status, 404);
    let wrong_kind = redirect.replace("/3ds/", "/apm/");
    assert_eq!(Resp::from(api.sim.handle(&request(Method::Get, &wrong_kind, None, Vec::new())).response).status, 404);
    assert_eq!(api.sim.complete_redirect("sid_aaaaaaaaaaaaaaaaaaaaaaaaaa", true), Err(RedirectError::UnknownSession));
}

#[test]
fn amounts_needing_3ds_and_3ds_malfunctions() {
    let api = Api::seeded(17);
    // 6510-6540 pass when 3DS is requested.
    let pending = api.pay(three_ds(6540, false)).expect(202).body;
    let sid = link(&pending, "redirect").unwrap().rsplit('/').next().unwrap().to_string();
    api.sim.complete_redirect(&sid, true).unwrap();
    assert_eq!(api.status_of(&id_of(&pending)), "Authorized");

    // 5000-5029 with 3DS: malfunction, unless a downgrade is allowed.
    for amount in [5000, 5015, 5029] {
        let declined = api.pay(three_ds(amount, false)).expect(201).body;
        assert_eq!(declined["response_code"], "20153", "{amount}");
        assert_eq!(declined["response_summary"], "3DS system malfunction");
        assert_eq!(declined["approved"], false);

        let downgraded = api.pay(three_ds(amount, true)).expect(201).body;
        assert_eq!(downgraded["approved"], true, "{amount}");
        assert_eq!(downgraded["status"], "Authorized");
        assert_eq!(downgraded["3ds"], json!({"downgraded": true, "enrolled": "N"}));
    }
    // `"3ds": true` is short for `{"enabled": true}`.
    let mut body = payment(100, card(test_cards::VISA));
    body["3ds"] = json!(true);
    assert_eq!(api.pay(body).expect(202).body["3ds"]["enrolled"], "Y");
    // 5030 is an ordinary 3DS payment.
    api.pay(three_ds(5030, true)).expect(202);
}

#[test]
fn a_3ds_payment_can_still_be_declined_after_authentication() {
    let api = Api::seeded(18);
    let pending = api.pay(three_ds(2005, false)).expect(202).body;
    api.sim.complete_redirect(&id_of(&pending), true).unwrap();
    let details = api.get(&format!("/payments/{}", id_of(&pending))).expect(200).body;
    assert_eq!(details["status"], "Declined");
    assert_eq!(details["3ds"]["authentication_response"], "Y");
}

// ----- alternative payment methods -----

#[test]
fn ideal_and_other_apms_redirect_to_the_simulated_page() {
    let api = Api::seeded(19);
    let body = json!({
        "source": {"type": "ideal", "bic": "INGBNL2A", "description": "test ideal description"},
        "amount": 100, "currency": "EUR", "reference": "pay_apm_ref", "processing_channel_id": CHANNEL,
    });
    let pending = api.pay(body).expect(202).body;
    let id = id_of(&pending);
    assert_eq!(pending["status"], "Pending");
    assert!(pending["customer"]["id"].as_str().unwrap().starts_with("cus_"));
    assert!(pending.get("3ds").is_none());
    let redirect = link(&pending, "redirect").unwrap();
    assert!(redirect.starts_with(&format!("{BASE}/sandbox/apm/sid_")), "{redirect}");
    let page = Resp::from(api.sim.handle(&request(Method::Get, &redirect, None, Vec::new())).response).expect(200);
    assert!(page.text().contains("pay_apm_ref"));

    let details = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!(details["source"], json!({"type": "ideal", "bic": "INGBNL2A", "description": "test ideal description"}));

    api.sim.complete_redirect(&id, true).unwrap();
    assert_eq!(api.status_of(&id), "Authorized");

    // Any other well-formed type is an APM too; failure declines it.
    let other = json!({"source": {"type": "sofort"}, "amount": 100, "currency": "EUR", "reference": "r",
        "processing_channel_id": CHANNEL});
    let pending = api.pay(other).expect(202).body;
    let sid = link(&pending, "redirect").unwrap().rsplit('/').next().unwrap().to_string();
    let complete = format!("{BASE}/sandbox/apm/{sid}/complete?outcome=failure");
    Resp::from(api.sim.handle(&request(Method::Post, &complete, None, Vec::new())).response).expect(200);
    assert_eq!(api.status_of(&id_of(&pending)), "Declined");
    let pending = api
        .pay(json!({"source": {"type": "my_new_wallet"}, "amount": 5, "currency": "GBP", "reference": "r",
            "processing_channel_id": CHANNEL}));
    assert_eq!(pending.expect(202).body["status"], "Pending");
}

// ----- lifecycle -----

#[test]
fn capture_refund_lifecycle_with_links_and_history() {
    let api = Api::seeded(20);
    let p = api.approved(1000);
    let id = id_of(&p);
    let path = |tail: &str| format!("/payments/{id}/{tail}");

    // Refund before capture: not allowed.
    assert!(api.post_empty(&path("refunds")).expect(403).raw.is_empty());

    // Partial capture.
    let capture =
        api.post(&path("captures"), json!({"amount": 400, "reference": "CAP-1", "metadata": {"n": 1}})).expect(202);
    let c = &capture.body;
    assert!(c["action_id"].as_str().unwrap().starts_with("act_"));
    assert_eq!(c["reference"], "CAP-1");
    assert_eq!(link(c, "payment").unwrap(), format!("{BASE}/payments/{id}"));
    let d = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!(d["status"], "Partially Captured");
    assert_eq!(rels(&d), set(&["self", "actions", "capture", "refund"]));
    assert_eq!(d["balances"]["available_to_capture"], 600);
    assert_eq!(d["balances"]["available_to_refund"], 400);

    // Void after capture: not allowed. Over-capture: 422.
    api.post_empty(&path("voids")).expect(403);
    let over = api.post(&path("captures"), json!({"amount": 601})).expect(422);
    assert_eq!(over.error_codes(), ["capture_value_greater_than_authorized"]);
    for bad in [json!({"amount": 0}), json!({"amount": -5}), json!({"amount": 1.5}), json!({"amount": "1"})] {
        assert_eq!(api.post(&path("captures"), bad).expect(422).error_codes(), ["amount_invalid"]);
    }
    assert_eq!(api.post(&path("captures"), json!({"reference": 5})).expect(422).error_codes(), ["reference_invalid"]);
    api.send(&{
        let mut r = api.build(Method::Post, &path("captures"), None);
        r.body = b"{oops".to_vec().into();
        r
    })
    .expect(422);

    // The rest by default.
    api.post_empty(&path("captures")).expect(202);
    let d = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!(d["status"], "Captured");
    assert_eq!(rels(&d), set(&["self", "actions", "refund"]));
    api.post_empty(&path("captures")).expect(403);

    // Partial refund, over-refund, full refund.
    api.post(&path("refunds"), json!({"amount": 300, "reference": "REF-1"})).expect(202);
    assert_eq!(api.status_of(&id), "Partially Refunded");
    let over = api.post(&path("refunds"), json!({"amount": 701})).expect(422);
    assert_eq!(over.error_codes(), ["refund_amount_exceeds_balance"]);
    api.post_empty(&path("captures")).expect(403);
    api.post(&path("refunds"), json!({"reference": "REF-2"})).expect(202);
    let d = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!(d["status"], "Refunded");
    assert_eq!(rels(&d), set(&["self", "actions"]));
    assert_eq!(d["balances"]["total_refunded"], 1000);
    api.post_empty(&path("refunds")).expect(403);
    api.post_empty(&path("voids")).expect(403);

    // The history, newest first.
    let actions = api.get(&path("actions")).expect(200).body;
    let summary: Vec<(String, u64, Option<String>)> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert!(a["id"].as_str().unwrap().starts_with("act_"));
            assert_eq!(a["approved"], true);
            assert_eq!(a["response_code"], "10000");
            assert!(a["processed_on"].as_str().unwrap().starts_with("2026-01-01T00:00:"));
            (
                a["type"].as_str().unwrap().to_string(),
                a["amount"].as_u64().unwrap(),
                a["reference"].as_str().map(String::from),
            )
        })
        .collect();
    let expected: Vec<(String, u64, Option<String>)> = vec![
        ("Refund".into(), 700, Some("REF-2".into())),
        ("Refund".into(), 300, Some("REF-1".into())),
        ("Capture".into(), 600, None),
        ("Capture".into(), 400, Some("CAP-1".into())),
        ("Authorization".into(), 1000, Some("ORD-1".into())),
    ];
    assert_eq!(summary, expected);
    assert_eq!(actions[3]["metadata"], json!({"n": 1}));
    assert_eq!(actions[4]["id"], p["action_id"]);
    let ids: BTreeSet<&str> = actions.as_array().unwrap().iter().filter_map(|a| a["id"].as_str()).collect();
    assert_eq!(ids.len(), 5);
}

#[test]
fn voids_and_actions_on_payments_that_do_not_allow_them() {
    let api = Api::seeded(21);
    let id = id_of(&api.approved(500));
    let void = api.post(&format!("/payments/{id}/voids"), json!({"reference": "VOID", "amount": 12})).expect(202).body;
    assert_eq!(void["reference"], "VOID");
    let d = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!(d["status"], "Voided");
    assert_eq!(rels(&d), set(&["self", "actions"]));
    api.post_empty(&format!("/payments/{id}/captures")).expect(403);
    api.post_empty(&format!("/payments/{id}/voids")).expect(403);
    api.post_empty(&format!("/payments/{id}/refunds")).expect(403);
    let actions = api.get(&format!("/payments/{id}/actions")).expect(200).body;
    assert_eq!(actions[0]["type"], "Void");
    assert_eq!(actions[0]["amount"], 500);

    let declined = id_of(&api.pay(payment(1005, card(test_cards::VISA))).expect(201).body);
    for action in ["captures", "refunds", "voids"] {
        api.post_empty(&format!("/payments/{declined}/{action}")).expect(403);
    }
    let pending = id_of(&api.pay(three_ds(100, false)).expect(202).body);
    for action in ["captures", "refunds", "voids"] {
        api.post_empty(&format!("/payments/{pending}/{action}")).expect(403);
    }
}

// ----- the rest of the Payments API -----

const CLIENT_ID: &str = "ack_vvzhoai466su3j3vbxb47ts5oe";
/// `Basic base64("ack_vvzhoai466su3j3vbxb47ts5oe:s3cr3t")`.
const BASIC: &str = "Basic YWNrX3Z2emhvYWk0NjZzdTNqM3ZieGI0N3RzNW9lOnMzY3IzdA==";

/// `POST /connect/token` with `authorization` (if any) and a form `body`.
fn token_request(api: &Api, authorization: Option<&str>, body: &str) -> Resp {
    let mut headers = Headers::new();
    if let Some(value) = authorization {
        headers.insert("Authorization", value);
    }
    headers.insert("Content-Type", "application/x-www-form-urlencoded");
    let url = format!("{}/connect/token", api.base);
    api.send(&HttpRequest { method: Method::Post, url, headers, body: body.as_bytes().to_vec().into(), timeout: None })
}

/// A client of `sim` authenticated with a fresh OAuth access token.
fn oauth_api(sim: &Simulator) -> Api {
    let api = Api::new(sim.clone());
    let token = token_request(&api, Some(BASIC), "grant_type=client_credentials&scope=gateway").expect(200);
    let access_token = token.body["access_token"].as_str().expect("a token").to_string();
    Api { sim: sim.clone(), base: BASE.to_string(), auth: format!("Bearer {access_token}") }
}

fn without_channel(mut body: Value) -> Value {
    body.as_object_mut().map(|obj| obj.remove("processing_channel_id"));
    body
}

fn bank_payout(amount: u64) -> Value {
    json!({
        "destination": {"type": "bank_account", "country": "GB", "account_number": "13654567", "bank_code": "050389",
            "account_holder": {"type": "individual", "first_name": "Ann", "last_name": "Lee"}},
        "source": {"type": "currency_account", "id": "ca_y3oqhf46pyzuxjbcn2giaqnb44"},
        "amount": amount, "currency": "GBP", "reference": "PO-1", "processing_channel_id": CHANNEL,
    })
}

#[test]
fn new_format_keys_and_oauth_tokens_need_a_processing_channel_but_legacy_keys_do_not() {
    let sim = Simulator::seeded(60);
    let bearer = Api::new(sim.clone());
    let legacy = Api { auth: LEGACY_KEY.to_string(), ..Api::new(sim.clone()) };
    let oauth = oauth_api(&sim);
    let body = without_channel(payment(100, card(test_cards::VISA)));

    assert_eq!(bearer.pay(body.clone()).expect(422).error_codes(), ["processing_channel_id_required"]);
    assert_eq!(oauth.pay(body.clone()).expect(422).error_codes(), ["processing_channel_id_required"]);
    assert_eq!(sim.payment_count(), 0);
    legacy.pay(body.clone()).expect(201);
    bearer.pay(payment(100, card(test_cards::VISA))).expect(201);
    oauth.pay(payment(100, card(test_cards::VISA))).expect(201);
    let mut odd = body.clone();
    odd["processing_channel_id"] = json!("ch_q4dbxom5jbgudnjzjpz7j2z6uq");
    assert_eq!(legacy.pay(odd).expect(422).error_codes(), ["processing_channel_id_invalid"]);

    // Payouts follow the same rule.
    assert_eq!(
        bearer.pay(without_channel(bank_payout(100))).expect(422).error_codes(),
        ["processing_channel_id_required"]
    );
    legacy.pay(without_channel(bank_payout(100))).expect(202);
    assert_eq!(sim.payment_count(), 3);
    assert_eq!(sim.payout_count(), 1);
}

#[test]
fn oauth_client_credentials_are_exchanged_for_tokens_that_expire() {
    let sim = Simulator::seeded(61);
    let api = Api::new(sim.clone());
    let granted = token_request(&api, Some(BASIC), "grant_type=client_credentials&scope=gateway+vault").expect(200);
    assert_eq!(granted.body["token_type"], "Bearer");
    assert_eq!(granted.body["expires_in"], 3600);
    assert_eq!(granted.header("Cache-Control"), Some("no-store"));
    let token = granted.body["access_token"].as_str().unwrap().to_string();
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_alphanumeric()), "{token}");

    // The official SDKs send the credentials as form fields too; alone or with Basic, if they agree.
    let form = format!("grant_type=client_credentials&client_id={CLIENT_ID}&client_secret=s3cr3t");
    token_request(&api, None, &form).expect(200);
    token_request(&api, Some(BASIC), &form).expect(200);
    let other = "Basic YWNrX3Z2emhvYWk0NjZzdTNqM3ZieGI0N3RzNW9lOm90aGVy"; // the same id, another secret
    assert_eq!(token_request(&api, Some(other), &form).expect(401).body, json!({"error": "invalid_client"}));
    for (authorization, body, status, error) in [
        (None, "grant_type=client_credentials", 401, "invalid_client"),
        (Some("Basic YWNrX25vcGU6czNjcjN0"), "grant_type=client_credentials", 401, "invalid_client"),
        (Some("Basic !!!"), "grant_type=client_credentials", 401, "invalid_client"),
        (None, "grant_type=client_credentials&client_id=ack_vvzhoai466su3j3vbxb47ts5oe", 401, "invalid_client"),
        (Some(BASIC), "", 400, "invalid_request"),
        (Some(BASIC), "grant_type=password", 400, "unsupported_grant_type"),
        (Some(BASIC), "grant_type=client_credentials&scope=gateway+Everything%21", 400, "invalid_scope"),
        (Some(BASIC), "grant_type=%zz", 400, "invalid_request"),
    ] {
        let refused = token_request(&api, authorization, body);
        assert_eq!((refused.status, &refused.body), (status, &json!({ "error": error })), "{authorization:?} {body}");
    }
    let get = api.send(&request(Method::Get, &format!("{BASE}/connect/token"), None, Vec::new()));
    assert_eq!((get.status, get.header("Allow")), (405, Some("POST")));

    // The token pays; one the simulator never issued, or an expired one, is 401.
    let oauth = Api { auth: format!("Bearer {token}"), ..Api::new(sim.clone()) };
    oauth.pay(payment(100, card(test_cards::VISA))).expect(201);
    let forged = Api { auth: format!("Bearer {}", token.replace(|c| c != 'a', "a")), ..Api::new(sim.clone()) };
    assert!(forged.pay(payment(100, card(test_cards::VISA))).expect(401).raw.is_empty());
    sim.advance_clock(Duration::from_secs(3600));
    oauth.pay(payment(100, card(test_cards::VISA))).expect(401);

    // A shorter lifetime applies to the tokens issued afterwards.
    sim.set_token_lifetime(Duration::from_secs(30));
    assert_eq!(sim.token_lifetime(), Duration::from_secs(30));
    let short = oauth_api(&sim);
    short.get(&format!("/payments/{}", id_of(&short.approved(100)))).expect(200);
    sim.advance_clock(Duration::from_secs(30));
    short.get("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").expect(401);
    assert_eq!(sim.payment_count(), 2);
}

/// An approved payment authorized with `authorization_type: Estimated`.
fn estimated(api: &Api, amount: u64) -> String {
    let mut body = payment(amount, card(test_cards::VISA));
    body["authorization_type"] = json!("Estimated");
    id_of(&api.pay(body).expect(201).body)
}

#[test]
fn incremental_authorization_raises_an_estimated_authorization_up_to_the_cap() {
    let api = Api::seeded(62);
    let id = estimated(&api, 1000);
    let before = api.get(&format!("/payments/{id}")).expect(200).body;
    assert!(rels(&before).contains("authorize"), "{before}");

    let raised = api
        .post(
            &format!("/payments/{id}/authorizations"),
            json!({"amount": 500, "reference": "INC-1", "metadata": {"k": 1}}),
        )
        .expect(201)
        .body;
    assert!(raised["action_id"].as_str().unwrap().starts_with("act_"));
    assert_eq!((raised["amount"].as_u64(), raised["currency"].as_str()), (Some(500), Some("USD")));
    assert_eq!((raised["approved"].as_bool(), raised["status"].as_str()), (Some(true), Some("Authorized")));
    assert_eq!((raised["response_code"].as_str(), raised["reference"].as_str()), (Some("10000"), Some("INC-1")));
    assert_eq!(raised["auth_code"].as_str().map(str::len), Some(6));
    assert_eq!(raised["balances"]["total_authorized"], 1500);
    assert_eq!(raised["balances"]["available_to_capture"], 1500);
    assert!(raised["expires_on"].is_string() && raised["processed_on"].is_string());
    assert_eq!(link(&raised, "self"), Some(format!("{BASE}/payments/{id}")));
    assert!(rels(&raised).is_superset(&set(&["self", "actions", "authorize", "capture", "void"])));

    // Declined like a payment of the increment's amount; the authorization stays as it was.
    let declined = api.post(&format!("/payments/{id}/authorizations"), json!({"amount": 205})).expect(201).body;
    assert_eq!((declined["approved"].as_bool(), declined["status"].as_str()), (Some(false), Some("Declined")));
    assert_eq!(declined["response_code"], "20005");
    assert!(declined.get("auth_code").is_none());
    assert_eq!(declined["balances"]["total_authorized"], 1500);
    // Never past twice the original amount.
    let capped = api.post(&format!("/payments/{id}/authorizations"), json!({"amount": 501})).expect(201).body;
    assert_eq!((capped["approved"].as_bool(), capped["response_code"].as_str()), (Some(false), Some("20061")));
    let at_cap = api.post(&format!("/payments/{id}/authorizations"), json!({"amount": 500})).expect(201).body;
    assert_eq!(at_cap["balances"]["total_authorized"], 2000);
    // An empty body only extends the validity.
    let extended = api.post_empty(&format!("/payments/{id}/authorizations")).expect(201).body;
    assert_eq!((extended["amount"].as_u64(), extended["approved"].as_bool()), (Some(0), Some(true)));

    let actions = api.get(&format!("/payments/{id}/actions")).expect(200).body;
    let amounts: Vec<_> =
        actions.as_array().unwrap().iter().map(|a| (a["type"].clone(), a["amount"].clone())).collect();
    assert_eq!(amounts.len(), 6);
    assert_eq!(amounts[0], (json!("Authorization"), json!(0)));
    assert_eq!(amounts[4], (json!("Authorization"), json!(500)));
    // The whole authorized amount is captured, after which no increment is allowed.
    api.post_empty(&format!("/payments/{id}/captures")).expect(202);
    let captured = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!(
        (captured["status"].as_str(), captured["balances"]["total_captured"].as_u64()),
        (Some("Captured"), Some(2000))
    );
    assert!(!rels(&captured).contains("authorize"));
    api.post(&format!("/payments/{id}/authorizations"), json!({"amount": 1})).expect(403);

    // Final authorizations, declined payments and unknown ids cannot be incremented.
    let last = id_of(&api.approved(1000));
    assert!(!rels(&api.get(&format!("/payments/{last}")).expect(200).body).contains("authorize"));
    assert!(api.post(&format!("/payments/{last}/authorizations"), json!({"amount": 1})).expect(403).raw.is_empty());
    let mut declined_body = payment(1005, card(test_cards::VISA));
    declined_body["authorization_type"] = json!("Estimated");
    let declined_id = id_of(&api.pay(declined_body).expect(201).body);
    api.post(&format!("/payments/{declined_id}/authorizations"), json!({"amount": 1})).expect(403);
    api.post("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa/authorizations", json!({"amount": 1})).expect(404);
    let fresh = estimated(&api, 100);
    let invalid = api.post(&format!("/payments/{fresh}/authorizations"), json!({"amount": -5})).expect(422);
    assert_eq!(invalid.error_codes(), ["amount_invalid"]);
    let mut bad_type = payment(100, card(test_cards::VISA));
    bad_type["authorization_type"] = json!("Guess");
    assert_eq!(api.pay(bad_type).expect(422).error_codes(), ["authorization_type_invalid"]);
}

#[test]
fn reversal_voids_an_authorization_and_refunds_a_capture() {
    let api = Api::seeded(63);
    let authorized = id_of(&api.approved(700));
    let voided = api.post(&format!("/payments/{authorized}/reversals"), json!({"reference": "REV-1"})).expect(202).body;
    assert_eq!((voided["action_type"].as_str(), voided["reference"].as_str()), (Some("Void"), Some("REV-1")));
    assert_eq!(link(&voided, "payment"), Some(format!("{BASE}/payments/{authorized}")));
    let details = api.get(&format!("/payments/{authorized}")).expect(200).body;
    assert_eq!((details["status"].as_str(), details["balances"]["total_voided"].as_u64()), (Some("Voided"), Some(700)));
    assert!(api.post_empty(&format!("/payments/{authorized}/reversals")).expect(403).raw.is_empty());

    let captured = id_of(&api.approved(900));
    api.post(&format!("/payments/{captured}/captures"), json!({"amount": 600})).expect(202);
    api.post(&format!("/payments/{captured}/refunds"), json!({"amount": 100})).expect(202);
    let refunded = api.post_empty(&format!("/payments/{captured}/reversals")).expect(202).body;
    assert_eq!(refunded["action_type"], "Refund");
    assert!(refunded.get("reference").is_none());
    let details = api.get(&format!("/payments/{captured}")).expect(200).body;
    assert_eq!(details["status"], "Refunded");
    assert_eq!(details["balances"]["total_refunded"], 600, "the rest of the capture is refunded");
    let actions = api.get(&format!("/payments/{captured}/actions")).expect(200).body;
    assert_eq!((actions[0]["type"].as_str(), actions[0]["amount"].as_u64()), (Some("Refund"), Some(500)));
    api.post_empty(&format!("/payments/{captured}/reversals")).expect(403);

    let declined = id_of(&api.pay(payment(1005, card(test_cards::VISA))).expect(201).body);
    api.post_empty(&format!("/payments/{declined}/reversals")).expect(403);
    api.post_empty("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa/reversals").expect(404);
    // A scheduled retry is cancelled: no money moves, no action, no action type.
    let retried = id_of(&api.pay(recurring(1051)).expect(201).body);
    let cancelled = api.post_empty(&format!("/payments/{retried}/reversals")).expect(202).body;
    assert!(cancelled.get("action_type").is_none(), "{cancelled}");
    assert_eq!(api.status_of(&retried), "Declined");
    assert_eq!(api.get(&format!("/payments/{retried}/actions")).expect(200).body.as_array().map(Vec::len), Some(1));
    api.post_empty(&format!("/payments/{retried}/reversals")).expect(403);
    let fresh = id_of(&api.approved(100));
    let invalid = api.post(&format!("/payments/{fresh}/reversals"), json!({"reference": "x".repeat(51)})).expect(422);
    assert_eq!(invalid.error_codes(), ["reference_invalid"]);
    assert_eq!(api.status_of(&fresh), "Authorized", "a refused reversal changes nothing");
}

/// A merchant-initiated recurring payment of `amount` with dunning retries enabled.
fn recurring(amount: u64) -> Value {
    let mut body = payment(amount, card(test_cards::VISA));
    body["merchant_initiated"] = json!(true);
    body["payment_type"] = json!("Recurring");
    body["retry"] = json!({"dunning": {"enabled": true, "max_attempts": 3, "end_after_days": 7}});
    body
}

#[test]
fn a_soft_declined_merchant_initiated_payment_gets_a_retry_that_can_be_cancelled() {
    let api = Api::seeded(64);
    let scheduled = api.pay(recurring(1051)).expect(201).body;
    assert_eq!((scheduled["status"].as_str(), scheduled["approved"].as_bool()), (Some("Retry Scheduled"), Some(false)));
    assert_eq!(scheduled["response_code"], "20051");
    assert_eq!(scheduled["retry"]["max_attempts"], 3);
    assert_eq!(scheduled["retry"]["next_attempt_on"], "2026-01-02T00:00:01Z");
    assert_eq!(scheduled["retry"]["ends_on"], "2026-01-08T00:00:01Z");
    let id = id_of(&scheduled);
    assert_eq!(api.status_of(&id), "Retry Scheduled");

    let cancelled = api.post(&format!("/payments/{id}/cancellations"), json!({"reference": "STOP"})).expect(202).body;
    assert!(cancelled["action_id"].as_str().unwrap().starts_with("act_"));
    assert_eq!(
        (cancelled["reference"].as_str(), link(&cancelled, "payment")),
        (Some("STOP"), Some(format!("{BASE}/payments/{id}")))
    );
    let details = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!(details["status"], "Declined");
    assert!(details.get("retry").is_none());
    assert!(api.post_empty(&format!("/payments/{id}/cancellations")).expect(403).raw.is_empty());

    // No retry: approved, hard declines, customer-initiated payments, no retry options.
    let approved = id_of(&api.pay(recurring(1000)).expect(201).body);
    api.post_empty(&format!("/payments/{approved}/cancellations")).expect(403);
    let hard = api.pay(recurring(1033)).expect(201).body;
    assert_eq!(hard["status"], "Declined");
    let mut customer = recurring(1051);
    customer["merchant_initiated"] = json!(false);
    assert_eq!(api.pay(customer).expect(201).body["status"], "Declined");
    assert_eq!(api.pay(payment(1051, card(test_cards::VISA))).expect(201).body["status"], "Declined");
    api.post_empty("/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa/cancellations").expect(404);
    let mut bad = recurring(1051);
    bad["retry"] = json!({"dunning": {"enabled": true, "max_attempts": 0}});
    assert_eq!(api.pay(bad).expect(422).error_codes(), ["retry_invalid"]);
    // Downtime retries cover timeouts.
    let mut downtime = recurring(9998);
    downtime["retry"] = json!({"downtime": {"enabled": true}});
    let scheduled = api.pay(downtime).expect(201).body;
    assert_eq!(
        (scheduled["status"].as_str(), scheduled["retry"]["max_attempts"].as_u64()),
        (Some("Retry Scheduled"), Some(2))
    );
}

#[test]
fn payments_are_listed_by_reference_newest_first_a_page_at_a_time() {
    let api = Api::seeded(65);
    let mut ids = Vec::new();
    for amount in [100, 200, 300, 400, 500] {
        let mut body = payment(amount, card(test_cards::VISA));
        body["reference"] = json!("ORD 7+8/é");
        ids.push(id_of(&api.pay(body).expect(201).body));
    }
    api.approved(600);
    ids.reverse();
    let reference = "ORD%207%2B8%2F%C3%A9";

    let first = api.get(&format!("/payments?reference={reference}&limit=2")).expect(200).body;
    assert_eq!(
        (first["limit"].as_u64(), first["skip"].as_u64(), first["total_count"].as_u64()),
        (Some(2), Some(0), Some(5))
    );
    let page_ids = |page: &Value| page["data"].as_array().unwrap().iter().map(id_of).collect::<Vec<_>>();
    assert_eq!(page_ids(&first), ids[..2]);
    assert_eq!(first["data"][0]["amount"], 500);
    assert_eq!(first["data"][0]["balances"]["total_authorized"], 500);
    let last = api.get(&format!("/payments?reference={reference}&limit=2&skip=4")).expect(200).body;
    assert_eq!(page_ids(&last), ids[4..]);
    let all = api.get(&format!("/payments?reference={reference}")).expect(200).body;
    assert_eq!((all["limit"].as_u64(), page_ids(&all)), (Some(10), ids.clone()));
    let beyond = api.get(&format!("/payments?reference={reference}&skip=9")).expect(200).body;
    assert_eq!((beyond["data"].as_array().map(Vec::len), beyond["total_count"].as_u64()), (Some(0), Some(5)));
    let none = api.get("/payments?reference=nothing").expect(200).body;
    assert_eq!((none["data"].clone(), none["total_count"].as_u64()), (json!([]), Some(0)));

    for (query, code) in [
        ("", "reference_required"),
        ("reference=", "reference_required"),
        ("limit=5", "reference_required"),
        ("reference=x&limit=0", "limit_invalid"),
        ("reference=x&limit=101", "limit_invalid"),
        ("reference=x&limit=ten", "limit_invalid"),
        ("reference=x&skip=-1", "skip_invalid"),
        ("reference=%zz", "reference_invalid"),
    ] {
        assert_eq!(api.get(&format!("/payments?{query}")).expect(422).error_codes(), [code], "{query}");
    }
    let anonymous = Api { auth: String::new(), ..Api::new(api.sim.clone()) };
    anonymous.get(&format!("/payments?reference={reference}")).expect(401);
}

#[test]
fn search_finds_payments_by_query_and_links_the_next_page() {
    let api = Api::seeded(66);
    let mut ids = Vec::new();
    for amount in [100, 200, 300, 1005] {
        let mut body = payment(amount, card(test_cards::VISA));
        body["reference"] = json!("SEARCH-1");
        ids.push(id_of(&api.pay(body).expect(201).body));
    }
    let other = id_of(&api.approved(200));
    api.post_empty(&format!("/payments/{other}/captures")).expect(202);
    ids.reverse();
    let search = |body: Value| api.post("/payments/search", body).expect(200).body;
    let found = |page: &Value| page["data"].as_array().unwrap().iter().map(id_of).collect::<Vec<_>>();

    assert_eq!(found(&search(json!({"query": "reference:'SEARCH-1'"}))), ids);
    assert_eq!(found(&search(json!({"query": format!("id:'{other}'")}))), [other.as_str()]);
    assert_eq!(found(&search(json!({"query": "status:'Declined'"}))), [ids[0].clone()]);
    assert_eq!(found(&search(json!({"query": "amount:200"}))), [other.clone(), ids[2].clone()]);
    assert_eq!(found(&search(json!({"query": "amount:200 AND reference:\"SEARCH-1\""}))), [ids[2].clone()]);
    assert_eq!(found(&search(json!({"query": "status:captured and currency:usd"}))), [other.as_str()]);

    // Pages: the next link carries the skip, and the same body is posted to it.
    let body = json!({"query": "reference:'SEARCH-1'", "limit": 3});
    let first = search(body.clone());
    assert_eq!(found(&first), ids[..3]);
    let next = link(&first, "next").expect("a next page");
    assert_eq!(next, format!("{BASE}/payments/search?skip=3"));
    let second =
        api.send(&request(Method::Post, &next, Some(&api.auth), body.to_string().into_bytes())).expect(200).body;
    assert_eq!(found(&second), ids[3..]);
    assert!(link(&second, "next").is_none());
    assert!(first.get("total_count").is_none(), "a search page links, it does not count");

    // The period is the payments' requested_on, both ends included.
    let created =
        api.get(&format!("/payments/{}", ids[1])).expect(200).body["requested_on"].as_str().unwrap().to_string();
    let period = search(json!({"query": "reference:'SEARCH-1'", "from": created, "to": created}));
    assert_eq!(found(&period), [ids[1].clone()]);
    let later =
        search(json!({"query": "reference:'SEARCH-1'", "from": "2027-01-01", "to": "2027-12-31T23:59:59+01:00"}));
    assert_eq!(found(&later), Vec::<String>::new());

    for (body, code) in [
        (json!({}), "query_required"),
        (json!({"query": "reference:'x' OR reference:'y'"}), "query_invalid"),
        (json!({"query": "x".repeat(1025)}), "query_invalid"),
        (json!({"query": "amount:1", "limit": 0}), "limit_invalid"),
        (json!({"query": "amount:1", "limit": 1001}), "limit_invalid"),
        (json!({"query": "amount:1", "from": "2026-01-01"}), "to_required"),
        (json!({"query": "amount:1", "to": "2026-01-01"}), "from_required"),
        (json!({"query": "amount:1", "from": "yesterday", "to": "2026-01-01"}), "from_invalid"),
        (json!({"query": "amount:1", "from": "2026-02-01", "to": "2026-01-01"}), "date_range_invalid"),
    ] {
        assert_eq!(api.post("/payments/search", body.clone()).expect(422).error_codes(), [code], "{body}");
    }
    api.post("/payments/search?skip=x", json!({"query": "amount:1"})).expect(422);
}

#[test]
fn payouts_go_pending_then_paid_declined_or_returned() {
    let api = Api::seeded(67);
    let accepted = api.pay(bank_payout(1000)).expect(202).body;
    let id = id_of(&accepted);
    assert_eq!((accepted["status"].as_str(), accepted["reference"].as_str()), (Some("Pending"), Some("PO-1")));
    assert_eq!(accepted["instruction"]["value_date"], "2026-01-01T00:00:02Z");
    assert_eq!(accepted["destination"]["type"], "bank_account");
    assert!(!accepted.to_string().contains("13654567"), "no account number: {accepted}");
    assert_eq!(link(&accepted, "self"), Some(format!("{BASE}/payments/{id}")));
    assert_eq!((api.sim.payout_count(), api.sim.payment_count()), (1, 0));

    // The next request comes a second later on the seeded clock: the payout is paid.
    let paid = api.get(&format!("/payments/{id}")).expect(200).body;
    assert_eq!((paid["status"].as_str(), paid["approved"].as_bool()), (Some("Paid"), Some(true)));
    assert_eq!((paid["amount"].as_u64(), paid["currency"].as_str()), (Some(1000), Some("GBP")));
    assert_eq!(paid["source"], json!({"type": "currency_account", "id": "ca_y3oqhf46pyzuxjbcn2giaqnb44"}));
    assert_eq!(paid["processing_channel_id"], CHANNEL);
    assert_eq!(api.sim.payment(&id).map(|p| p["status"].clone()), Some(json!("Paid")));
    api.get(&format!("/payments/{id}/actions")).expect(404);
    api.post_empty(&format!("/payments/{id}/captures")).expect(404);

    let declined = id_of(&api.pay(bank_payout(1051)).expect(202).body);
    let returned = id_of(&api.pay(bank_payout(1070)).expect(202).body);
    // Each settles a second after it was requested; a returned payout comes back a second later.
    assert_eq!(api.get(&format!("/payments/{returned}")).expect(200).body["status"], "Paid");
    let declined = api.get(&format!("/payments/{declined}")).expect(200).body;
    assert_eq!((declined["status"].as_str(), declined["response_code"].as_str()), (Some("Declined"), Some("20051")));
    assert_eq!(declined["approved"], false);
    assert_eq!(api.get(&format!("/payments/{returned}")).expect(200).body["status"], "Returned");

    // Card, token and stored-source destinations.
    let mut to_card = bank_payout(500);
    to_card["destination"] =
        json!({"type": "card", "number": test_cards::VISA, "expiry_month": 6, "expiry_year": 2030});
    let card_payout = api.pay(to_card).expect(202).body;
    assert_eq!(card_payout["destination"]["last4"], "4242");
    assert_no_card_data(&card_payout.to_string());
    let token = api.sim.create_token(&CardDetails::new(test_cards::VISA, 6, 2030));
    let mut to_token = bank_payout(500);
    to_token["destination"] = json!({"type": "token", "token": token});
    api.pay(to_token.clone()).expect(202);
    assert_eq!(api.pay(to_token).expect(422).error_codes(), ["token_used"]);
    let source = api.approved(100)["source"]["id"].as_str().unwrap().to_string();
    let mut to_source = bank_payout(500);
    to_source["destination"] = json!({"type": "id", "id": source});
    assert_eq!(api.pay(to_source).expect(202).body["destination"]["id"], source.as_str());
    let mut unknown = bank_payout(500);
    unknown["destination"] = json!({"type": "id", "id": "src_aaaaaaaaaaaaaaaaaaaaaaaaaa"});
    assert_eq!(api.pay(unknown).expect(422).error_codes(), ["destination_id_invalid"]);
    let mut invalid = bank_payout(0);
    invalid["destination"]["country"] = json!("United Kingdom");
    assert_eq!(api.pay(invalid).expect(422).error_codes(), ["amount_invalid", "destination_country_invalid"]);
    assert_eq!(api.sim.payout_count(), 6);
    // Payouts are not listed or searched.
    assert_eq!(api.get("/payments?reference=PO-1").expect(200).body["total_count"], 0);
}

#[test]
fn the_new_actions_and_payouts_honour_idempotency_keys() {
    let api = Api::seeded(68);
    let id = estimated(&api, 1000);
    let path = format!("/payments/{id}/authorizations");
    let first = api.post_with_key(&path, json!({"amount": 100}), "inc-1").expect(201);
    let replay = api.post_with_key(&path, json!({"amount": 100}), "inc-1").expect(201);
    assert_eq!((replay.raw.clone(), replay.header("Cko-Idempotent-Replay")), (first.raw, Some("true")));
    assert_eq!(api.get(&format!("/payments/{id}")).expect(200).body["balances"]["total_authorized"], 1100);
    api.post_with_key(&path, json!({"amount": 200}), "inc-1").expect(409);

    let path = format!("/payments/{id}/reversals");
    let first = api.post_with_key(&path, json!({}), "rev-1").expect(202);
    assert_eq!(api.post_with_key(&path, json!({}), "rev-1").expect(202).raw, first.raw);

    let declined = id_of(&api.pay(recurring(1051)).expect(201).body);
    let path = format!("/payments/{declined}/cancellations");
    let first = api.post_with_key(&path, json!({}), "can-1").expect(202);
    assert_eq!(api.post_with_key(&path, json!({}), "can-1").expect(202).raw, first.raw);

    let first = api.post_with_key("/payments", bank_payout(300), "po-1").expect(202);
    assert_eq!(api.post_with_key("/payments", bank_payout(300), "po-1").expect(202).raw, first.raw);
    assert_eq!(api.sim.payout_count(), 1);
}

// ----- idempotency -----

#[test]
fn the_same_idempotency_key_replays_the_first_response() {
    let api = Api::seeded(22);
    let body = payment(1000, card(test_cards::VISA));
    let first = api.post_with_key("/payments", body.clone(), "order-42").expect(201);
    let second = api.post_with_key("/payments", body.clone(), "order-42").expect(201);
    assert_eq!(first.raw, second.raw, "byte-for-byte");
    assert_eq!(second.header("Cko-Idempotent-Replay"), Some("true"));
    assert!(first.header("Cko-Idempotent-Replay").is_none());
    assert_eq!(api.sim.payment_count(), 1);
    assert_eq!(api.sim.payments_with_reference("ORD-1"), 1);

    // Same key, different body: conflict.
    let conflict = api.post_with_key("/payments", payment(1001, card(test_cards::VISA)), "order-42").expect(409);
    assert_eq!(conflict.body["error_type"], "idempotency_key_reused");
    assert_eq!(conflict.error_codes(), ["idempotency_key_reused"]);
    assert_eq!(api.sim.payment_count(), 1);

    // Another key processes again; the same key on another path is independent.
    api.post_with_key("/payments", body, "order-43").expect(201);
    assert_eq!(api.sim.payment_count(), 2);
    let id = id_of(&first.body);
    let capture =
        api.post_with_key(&format!("/payments/{id}/captures"), json!({"amount": 100}), "order-42").expect(202);
    let again = api.post_with_key(&format!("/payments/{id}/captures"), json!({"amount": 100}), "order-42").expect(202);
    assert_eq!(capture.raw, again.raw);
    assert_eq!(api.get(&format!("/payments/{id}/actions")).expect(200).body.as_array().unwrap().len(), 2);

    // Refused requests are replayed too, and an invalid key is refused.
    let invalid = api.post_with_key("/payments", json!({}), "bad-body").expect(422);
    assert_eq!(api.post_with_key("/payments", json!({}), "bad-body").expect(422).raw, invalid.raw);
    let resp = api.post_with_key("/payments", json!({}), "has space").expect(422);
    assert_eq!(resp.error_codes(), ["idempotency_key_invalid"]);
}

#[test]
fn a_replay_does_not_consume_a_token() {
    let api = Api::seeded(23);
    let token = api.sim.create_token(&CardDetails::new(test_cards::VISA, 6, 2030));
    let body = payment(100, json!({"type": "token", "token": token}));
    let first = api.post_with_key("/payments", body.clone(), "k1").expect(201);
    let replay = api.post_with_key("/payments", body.clone(), "k1").expect(201);
    assert_eq!(first.raw, replay.raw);
    let reuse = api.post_with_key("/payments", body, "k2").expect(422);
    assert_eq!(reuse.error_codes(), ["token_used"]);
}

// ----- tokens, stored sources, customers -----

#[test]
fn tokens_are_created_over_http_with_public_or_secret_keys_and_are_single_use() {
    let mut api = Api::seeded(24);
    let card_body =
        json!({"type": "card", "number": test_cards::VISA, "expiry_month": 6, "expiry_year": 2030, "cvv": "100"});
    for auth in [PUBLIC_LEGACY_KEY.to_string(), format!("Bearer {PUBLIC_BEARER_KEY}"), LEGACY_KEY.to_string()] {
        api.auth = auth;
        api.post("/tokens", card_body.clone()).expect(201);
    }
    api.auth = format!("Bearer {PUBLIC_BEARER_KEY}");
    api.post("/payments", payment(100, card(test_cards::VISA))).expect(401);
    let created = api.post("/tokens", card_body.clone()).expect(201);
    assert_no_card_data(&created.text());
    let t = &created.body;
    assert_eq!(t["type"], "card");
    assert!(t["token"].as_str().unwrap().starts_with("tok_"));
    assert_eq!(t["last4"], "4242");
    assert_eq!(t["bin"], "424242");
    assert_eq!(t["scheme"], "Visa");
    assert_eq!(t["expiry_month"], 6);
    assert_eq!(t["expires_on"], "2026-01-01T00:15:05Z");

    for (body, code) in [
        (json!({"number": test_cards::VISA, "expiry_month": 6, "expiry_year": 2030}), "token_type_required"),
        (
            json!({"type": "applepay", "number": test_cards::VISA, "expiry_month": 6, "expiry_year": 2030}),
            "token_type_invalid",
        ),
        (json!({"type": "card", "number": "123", "expiry_month": 6, "expiry_year": 2030}), "card_number_invalid"),
        (json!({"type": "card", "number": test_cards::VISA, "expiry_month": 6, "expiry_year": 2020}), "card_expired"),
    ] {
        assert_eq!(api.post("/tokens", body).expect(422).error_codes(), [code]);
    }
    assert_eq!(api.post("/tokens", json!([])).expect(422).body["error_type"], "request_malformed");
    // Token requests are idempotent too.
    let first = api.post_with_key("/tokens", card_body.clone(), "tok-key").expect(201);
    let again = api.post_with_key("/tokens", card_body.clone(), "tok-key").expect(201);
    assert_eq!(first.body["token"], again.body["token"]);
    assert_eq!(again.header("Cko-Idempotent-Replay"), Some("true"));

    api.auth = format!("Bearer {BEARER_KEY}");
    let token = t["token"].as_str().unwrap();
    let source = json!({"type": "token", "token": token, "billing_address": {"country": "GB"}});
    let paid = api.pay(payment(100, source.clone())).expect(201).body;
    assert_eq!(paid["approved"], true);
    assert_eq!(paid["source"]["last4"], "4242");
    assert_eq!(paid["source"]["billing_address"]["country"], "GB");
    assert_eq!(api.pay(payment(100, source)).expect(422).error_codes(), ["token_used"]);

    // A declined attempt uses the token up too.
    let token = api.sim.create_token(&CardDetails::new(test_cards::DECLINED_INSUFFICIENT_FUNDS, 6, 2030));
    let source = json!({"type": "token", "token": token});
    assert_eq!(api.pay(payment(100, source.clone())).expect(201).body["approved"], false);
    assert_eq!(api.pay(payment(100, source)).expect(422).error_codes(), ["token_used"]);

    // A refused request (bad currency) does not.
    let token = api.sim.create_token(&CardDetails::new(test_cards::VISA, 6, 2030).with_name("A B"));
    let mut body = payment(100, json!({"type": "token", "token": token}));
    body["currency"] = json!("NOPE");
    api.pay(body.clone()).expect(422);
    body["currency"] = json!("USD");
    assert_eq!(api.pay(body).expect(201).body["source"]["name"], "A B");
}

#[test]
fn tokens_made_in_rust_are_checked_when_used_and_expire() {
    let api = Api::seeded(25);
    let bad = api.sim.create_token(&CardDetails::new("4242424242424241", 6, 2030));
    assert_eq!(
        api.pay(payment(100, json!({"type": "token", "token": bad}))).expect(422).error_codes(),
        ["card_number_invalid"]
    );
    let expired_card = api.sim.create_token(&CardDetails::new(test_cards::VISA, 13, 2030));
    assert_eq!(
        api.pay(payment(100, json!({"type": "token", "token": expired_card}))).expect(422).error_codes(),
        ["card_expired"]
    );
    let token = api.sim.create_token(&CardDetails::new(test_cards::VISA, 6, 2030));
    api.sim.advance_clock(Duration::from_secs(16 * 60));
    assert_eq!(
        api.pay(payment(100, json!({"type": "token", "token": token}))).expect(422).error_codes(),
        ["token_expired"]
    );
    assert!(!format!("{:?}", CardDetails::new(test_cards::VISA, 6, 2030)).contains(test_cards::VISA));
}

#[test]
fn sources_and_customers_are_reusable() {
    let api = Api::seeded(26);
    let mut body = payment(100, card(test_cards::MASTERCARD));
    body["customer"] = json!({"email": "ada@example.com", "name": "Ada"});
    let first = api.pay(body.clone()).expect(201).body;
    let src = first["source"]["id"].as_str().unwrap().to_string();
    let cus = first["customer"]["id"].as_str().unwrap().to_string();
    assert!(src.starts_with("src_") && cus.starts_with("cus_"));

    // The same card for the same customer keeps its source id; the email finds the customer.
    let again = api.pay(body).expect(201).body;
    assert_eq!(again["source"]["id"], src.as_str());
    assert_eq!(again["customer"]["id"], cus.as_str());

    // Paying with the source id: no card details, no cvv needed.
    let by_source = api.pay(payment(250, json!({"type": "id", "id": src}))).expect(201).body;
    assert_eq!(by_source["approved"], true);
    assert_eq!(by_source["source"]["id"], src.as_str());
    assert_eq!(by_source["source"]["scheme"], "Mastercard");
    assert_eq!(by_source["customer"]["id"], cus.as_str());
    api.pay(payment(250, json!({"type": "id", "id": src, "cvv": "257"}))).expect(201);
    assert_eq!(
        api.pay(payment(250, json!({"type": "id", "id": src, "cvv": "x"}))).expect(422).error_codes(),
        ["cvv_invalid"]
    );

    // Paying with the customer, by id or by email.
    for source in [json!({"type": "customer", "id": cus}), json!({"type": "customer", "email": "ADA@example.com"})] {
        let p = api.pay(payment(300, source)).expect(201).body;
        assert_eq!(p["approved"], true);
        assert_eq!(p["source"]["id"], src.as_str());
        assert_eq!(p["customer"], json!({"id": cus, "email": "ada@example.com", "name": "Ada"}));
    }

    // An existing customer by id on a card payment.
    let mut body = payment(100, card(test_cards::VISA));
    body["customer"] = json!({"id": cus});
    let p = api.pay(body).expect(201).body;
    assert_eq!(p["customer"]["id"], cus.as_str());
    // The customer's default source is now the Visa.
    let p = api.pay(payment(300, json!({"type": "customer", "id": cus}))).expect(201).body;
    assert_eq!(p["source"]["scheme"], "Visa");

    // Without a customer object, every card payment gets a new customer.
    let a = api.approved(100);
    let b = api.approved(100);
    assert_ne!(a["customer"]["id"], b["customer"]["id"]);
    assert!(a["customer"].get("email").is_none());

    // A customer whose only payment was declined has nothing to pay with.
    let mut body = payment(1005, card(test_cards::VISA));
    body["customer"] = json!({"email": "declined@example.com"});
    api.pay(body).expect(201);
    let resp = api.pay(payment(100, json!({"type": "customer", "email": "declined@example.com"}))).expect(422);
    assert_eq!(resp.error_codes(), ["customer_source_not_found"]);
}

// ----- faults -----

#[test]
fn injected_errors_happen_before_processing() {
    let api = Api::seeded(27);
    let body = payment(100, card(test_cards::VISA));

    api.sim.inject_next(Fault::Status(503));
    api.sim.inject_next(Fault::Status(502));
    api.sim.inject_next(Fault::TooManyRequests { retry_after: 7 });
    api.sim.inject_next(Fault::Status(429));
    assert_eq!(api.sim.queued_faults(), 4);
    let r = api.post_with_key("/payments", body.clone(), "k").expect(503);
    assert!(r.raw.is_empty());
    assert!(r.header("Cko-Request-Id").is_some());
    api.post_with_key("/payments", body.clone(), "k").expect(502);
    let r = api.post_with_key("/payments", body.clone(), "k").expect(429);
    assert_eq!(r.header("Retry-After"), Some("7"));
    assert_eq!(r.body["error_type"], "too_many_requests");
    let r = api.post_with_key("/payments", body.clone(), "k").expect(429);
    assert_eq!(r.header("Retry-After"), Some("1"));
    assert_eq!(api.sim.payment_count(), 0, "nothing was processed");
    // The key was not used up by the failures.
    let ok = api.post_with_key("/payments", body, "k").expect(201);
    assert!(ok.header("Cko-Idempotent-Replay").is_none());
    assert_eq!(api.sim.payment_count(), 1);
    assert_eq!(api.sim.queued_faults(), 0);
}

#[test]
fn delays_and_drops_are_reported_in_the_exchange() {
    let api = Api::seeded(28);
    api.sim.inject_next(Fault::Delay(Duration::from_millis(250)));
    let exchange = api.sim.handle(&api.build(Method::Post, "/payments", Some(&payment(100, card(test_cards::VISA)))));
    assert_eq!(exchange.delay, Some(Duration::from_millis(250)));
    assert!(!exchange.drop_response);
    assert_eq!(exchange.response.status, 201);

    api.sim.inject_next(Fault::DropAfterProcessing);
    let exchange = api.sim.handle(&api.build(Method::Post, "/payments", Some(&payment(100, card(test_cards::VISA)))));
    assert!(exchange.drop_response);
    assert_eq!(exchange.response.status, 201);
    assert_eq!(api.sim.payment_count(), 2, "processed before the drop");

    api.sim.set_faults(Faults { latency: Some(Duration::from_millis(40)), ..Faults::default() });
    api.sim.inject_next(Fault::Delay(Duration::from_millis(10)));
    assert_eq!(api.sim.handle(&api.build(Method::Get, "/payments/pay_x", None)).delay, Some(Duration::from_millis(50)));
    assert_eq!(api.sim.handle(&api.build(Method::Get, "/payments/pay_x", None)).delay, Some(Duration::from_millis(40)));
    api.sim.clear_faults();
    assert_eq!(api.sim.handle(&api.build(Method::Get, "/payments/pay_x", None)).delay, None);
    assert_eq!(api.sim.faults(), Faults::default());
}

#[test]
fn a_retry_after_a_dropped_connection_gets_the_original_payment() {
    let sim = Simulator::seeded(29);
    let api = Api::new(sim.clone());
    let mut request = api.build(Method::Post, "/payments", Some(&payment(100, card(test_cards::VISA))));
    request.headers.insert("Cko-Idempotency-Key", "retry-me");
    sim.inject_next(Fault::DropAfterProcessing);
    let dropped = sim.handle(&request);
    assert!(dropped.drop_response);
    let original: Value = serde_json::from_slice(&dropped.response.body).unwrap();
    assert_eq!(sim.payment_count(), 1, "processed before the drop");
    let retry = api.send(&request).expect(201);
    assert_eq!(retry.body["id"], original["id"]);
    assert_eq!(retry.raw, dropped.response.body);
    assert_eq!(retry.header("Cko-Idempotent-Replay"), Some("true"));
    assert_eq!(sim.payment_count(), 1, "no double charge");

    // The same through the in-memory transport.
    let mut request = request.clone();
    request.headers.insert("Cko-Idempotency-Key", "retry-me-too");
    sim.inject_next(Fault::DropAfterProcessing);
    runtime().block_on(async {
        let err = sim.send(request.clone()).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Interrupted);
        assert!(err.may_have_been_sent());
        assert_eq!(sim.payment_count(), 2);
        let retry = sim.send(request).await.unwrap();
        assert_eq!(retry.status, 201);
        assert_eq!(retry.headers.get("Cko-Idempotent-Replay"), Some("true"));
        let body: Value = serde_json::from_slice(&retry.body).unwrap();
        assert!(sim.payment(body["id"].as_str().unwrap()).is_some());
        assert_eq!(sim.payment_count(), 2, "no double charge");
    });
}

#[test]
fn random_faults_are_deterministic_with_a_seed() {
    let run = |seed: u64| {
        let api = Api::seeded(seed);
        api.sim.set_faults(Faults {
            error_rate_5xx: 0.2,
            error_status: 502,
            rate_429: 0.2,
            retry_after_secs: 3,
            drop_after_processing_rate: 0.2,
            ..Faults::default()
        });
        (0..200)
            .map(|_| {
                let exchange =
                    api.sim.handle(&api.build(Method::Post, "/payments", Some(&payment(100, card(test_cards::VISA)))));
                (exchange.response.status, exchange.drop_response)
            })
            .collect::<Vec<_>>()
    };
    let a = run(30);
    assert_eq!(a, run(30));
    assert_ne!(a, run(31));
    for wanted in [(502, false), (429, false), (201, true), (201, false)] {
        assert!(a.contains(&wanted), "{wanted:?} never happened");
    }
    let rate = a.iter().filter(|(s, _)| *s == 502).count();
    assert!((15..=70).contains(&rate), "{rate}");

    // Certain errors; never on tokens and redirect pages unless asked.
    let api = Api::seeded(32);
    api.sim.set_faults(Faults { error_rate_5xx: 1.0, ..Faults::default() });
    api.pay(payment(100, card(test_cards::VISA))).expect(503);
    let mut key_api = Api::new(api.sim.clone());
    key_api.auth = PUBLIC_LEGACY_KEY.to_string();
    let token_body = json!({"type": "card", "number": test_cards::VISA, "expiry_month": 6, "expiry_year": 2030});
    key_api.post("/tokens", token_body.clone()).expect(201);
    let page = format!("{BASE}/sandbox/3ds/sid_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_eq!(api.sim.handle(&request(Method::Get, &page, None, Vec::new())).response.status, 404);
    api.sim.set_faults(Faults { error_rate_5xx: 1.0, all_routes: true, ..Faults::default() });
    key_api.post("/tokens", token_body).expect(503);
    assert_eq!(api.sim.handle(&request(Method::Get, &page, None, Vec::new())).response.status, 503);
}

#[tokio::test]
async fn the_transport_sleeps_reports_elapsed_and_times_out() {
    let sleeper = RecordingSleeper::new();
    let sim = Simulator::seeded(33).with_sleeper(Arc::new(sleeper.clone()));
    let api = Api::new(sim.clone());
    let request = api.build(Method::Post, "/payments", Some(&payment(100, card(test_cards::VISA))));

    let response = sim.send(request.clone()).await.unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(response.elapsed, Some(Duration::ZERO));
    assert!(sleeper.sleeps().is_empty());

    sim.set_faults(Faults { latency: Some(Duration::from_millis(300)), ..Faults::default() });
    let response = sim.send(request.clone()).await.unwrap();
    assert_eq!(response.elapsed, Some(Duration::from_millis(300)));
    assert_eq!(sleeper.sleeps(), [Duration::from_millis(300)]);

    // Longer than the attempt's timeout: processed, then timed out.
    let mut short = request.clone();
    short.timeout = Some(Duration::from_millis(100));
    let err = sim.send(short).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::TimedOut);
    assert_eq!(sim.payment_count(), 3);

    // Through a trait object, as the client holds it.
    sim.clear_faults();
    let transport: Arc<dyn HttpTransport> = Arc::new(sim.clone());
    assert_eq!(transport.send(request).await.unwrap().status, 201);
}

// ----- determinism and concurrency -----

/// Status, headers and body of each response.
type Transcript = Vec<(u16, Vec<(String, String)>, Vec<u8>)>;

fn scripted_run(seed: u64) -> Transcript {
    let api = Api::seeded(seed);
    let mut out = Vec::new();
    let mut record = |resp: Resp| {
        let headers = resp.headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        out.push((resp.status, headers, resp.raw.clone()));
        resp
    };
    let p = record(api.pay(payment(1000, card(test_cards::VISA)))).body;
    let id = id_of(&p);
    record(api.post(&format!("/payments/{id}/captures"), json!({"amount": 500})));
    record(api.post(&format!("/payments/{id}/refunds"), json!({})));
    record(api.get(&format!("/payments/{id}")));
    record(api.get(&format!("/payments/{id}/actions")));
    record(api.pay(three_ds(100, false)));
    record(api.pay(payment(1005, card(test_cards::VISA))));
    record(api.pay(json!({})));
    record(api.get("/payments/pay_nothere"));
    let token = api.sim.create_token(&CardDetails::new(test_cards::AMEX, 1, 2031));
    record(api.pay(payment(100, json!({"type": "token", "token": token}))));
    out
}

#[test]
fn the_same_seed_gives_the_same_responses() {
    let a = scripted_run(34);
    assert_eq!(a, scripted_run(34));
    assert_ne!(a, scripted_run(35));
    // Unseeded simulators differ from each other.
    let x = Api::new(Simulator::new()).approved(100);
    let y = Api::new(Simulator::default()).approved(100);
    assert_ne!(x["id"], y["id"]);
}

#[test]
fn concurrent_payments_are_neither_lost_nor_duplicated() {
    let sim = Simulator::new();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let sim = sim.clone();
            std::thread::spawn(move || {
                let api = Api::new(sim);
                (0..100)
                    .map(|i| {
                        let mut body = payment(100 + i, card(test_cards::VISA));
                        body["reference"] = json!(format!("T{t}-{i}"));
                        let resp = api.post_with_key("/payments", body, &format!("key-{t}-{i}"));
                        assert_eq!(resp.status, 201);
                        id_of(&resp.body)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let ids: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    assert_eq!(ids.len(), 800);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 800, "all ids distinct");
    assert_eq!(sim.payment_count(), 800);
    assert_eq!(sim.payments_with_reference("T3-42"), 1);
}

#[test]
fn concurrent_retries_with_one_key_charge_once() {
    let sim = Simulator::seeded(36);
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let sim = sim.clone();
            std::thread::spawn(move || {
                let api = Api::new(sim);
                let resp = api.post_with_key("/payments", payment(100, card(test_cards::VISA)), "one-key");
                id_of(&resp.expect(201).body)
            })
        })
        .collect();
    let ids: BTreeSet<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(sim.payment_count(), 1);
}

// ----- hostile input -----

#[test]
fn hostile_bodies_get_4xx_and_never_panic() {
    let api = Api::seeded(37);
    let id = id_of(&api.approved(100));
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{{\"source\": {}1{}}}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    // Not JSON objects at all: refused on every route.
    let mut garbage: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        deep_object.into_bytes(),
        vec![0; 1000],
        (0..=255u8).collect(),
        b"\xef\xbb\xbf{}".to_vec(),
        br#"{"amount": 1e400}"#.to_vec(),
        b"42".to_vec(),
        b"\"string\"".to_vec(),
        b"{\"a\": 1".to_vec(),
    ];
    // Pseudo-random bytes (no dependency needed), starting with a byte JSON never starts with.
    let mut state = 0x1234_5678_9abc_def0u64;
    for len in [1, 7, 64, 1000, 50_000] {
        let mut bytes = vec![0xff];
        bytes.extend((0..len).map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        }));
        garbage.push(bytes);
    }
    let routes = [
        "/payments".to_string(),
        format!("/payments/{id}/captures"),
        format!("/payments/{id}/refunds"),
        format!("/payments/{id}/voids"),
        "/tokens".to_string(),
    ];
    let post = |path: &str, body: &[u8]| {
        let mut request = api.build(Method::Post, path, None);
        request.body = body.to_vec().into();
        api.send(&request)
    };
    for body in &garbage {
        for path in &routes {
            let resp = post(path, body);
            assert_eq!(resp.status, 422, "{path}: {:?}", &body[..body.len().min(40)]);
            assert_eq!(resp.body["error_type"], "request_malformed");
        }
    }
    // JSON objects with the wrong types, for payments and tokens.
    for body in [
        json!({"amount": 18446744073709551615u64, "currency": "USD", "source": {"type": "card"}}),
        json!({"amount": 100, "currency": "USD", "source": {"type": "card", "number": "\u{0}", "expiry_month": -1, "expiry_year": 1e20}}),
        json!({"amount": 100, "currency": "\u{e9}\u{e9}\u{e9}", "source": {"type": "\u{1f600}"}}),
        json!({"amount": [], "currency": {}, "source": [], "reference": {}, "metadata": "x", "3ds": [], "customer": 1}),
        json!({"source": {"type": "id", "id": "src_../../etc"}, "amount": 1, "currency": "USD"}),
        json!({"source": {"type": "customer", "id": "cus_\u{0}"}, "amount": 1, "currency": "USD"}),
        json!({"type": ["card"], "number": {}, "expiry_month": [], "expiry_year": null, "cvv": false}),
    ] {
        for path in ["/payments", "/tokens"] {
            let resp = api.post(path, body.clone());
            assert_eq!(resp.status, 422, "{path} {body}");
            assert_eq!(resp.body["error_type"], "request_invalid");
        }
    }
    // And for the actions.
    for body in [json!({"amount": []}), json!({"amount": "1"}), json!({"reference": {}}), json!({"metadata": 5})] {
        for action in ["captures", "refunds"] {
            api.post(&format!("/payments/{id}/{action}"), body.clone()).expect(422);
        }
    }
    for body in [json!({"reference": ["x"]}), json!({"metadata": "x"})] {
        api.post(&format!("/payments/{id}/voids"), body).expect(422);
    }
    assert_eq!(api.status_of(&id), "Authorized", "nothing changed");
    assert_eq!(api.sim.payment_count(), 1);
}

#[test]
fn huge_bodies_are_refused_with_413() {
    let api = Api::seeded(38);
    let mut request = api.build(Method::Post, "/payments", None);
    request.body = vec![b' '; MAX_BODY_BYTES + 1].into();
    let resp = api.send(&request).expect(413);
    assert!(resp.raw.is_empty());
    let mut huge = payment(100, card(test_cards::VISA));
    huge["metadata"] = json!({"blob": "x".repeat(MAX_BODY_BYTES)});
    api.pay(huge).expect(413);
    // Just under the limit is fine (unknown fields are ignored, and not kept).
    let mut big = payment(100, card(test_cards::VISA));
    big["padding"] = json!("x".repeat(MAX_BODY_BYTES - 1000));
    api.pay(big).expect(201);
}

#[test]
fn oversized_fields_get_the_apis_422_and_create_nothing() {
    let api = Api::seeded(40);
    let with = |field: &str, value: Value| {
        let mut body = payment(100, card(test_cards::VISA));
        body[field] = value;
        body
    };
    let card_with = |field: &str, value: Value| {
        let mut source = card(test_cards::VISA);
        source[field] = value;
        payment(100, source)
    };
    let cases: Vec<(Value, &str)> = vec![
        (with("reference", json!("r".repeat(51))), "reference_invalid"),
        (with("description", json!("d".repeat(101))), "description_invalid"),
        (with("success_url", json!(format!("https://shop.example/{}", "s".repeat(240)))), "success_url_invalid"),
        (with("failure_url", json!(format!("https://shop.example/{}", "f".repeat(240)))), "failure_url_invalid"),
        (with("metadata", json!({"blob": "m".repeat(900 * 1024)})), "metadata_invalid"),
        (with("metadata", json!({"k".repeat(101): 1})), "metadata_key_invalid"),
        (card_with("billing_address", json!({"address_line1": "a".repeat(2000)})), "address_invalid"),
        (card_with("phone", json!({"number": "1".repeat(2000)})), "phone_number_invalid"),
        (card_with("name", json!("n".repeat(256))), "card_holder_name_invalid"),
    ];
    for (body, code) in cases {
        let resp = api.pay(body).expect(422);
        assert_eq!(resp.body["error_type"], "request_invalid");
        assert_eq!(resp.error_codes(), [code]);
    }
    // The documented maximums themselves are fine.
    let mut body = with("reference", json!("r".repeat(50)));
    body["description"] = json!("d".repeat(100));
    body["success_url"] = json!(format!("https://shop.example/{}", "s".repeat(234)));
    body["metadata"] = json!({"k".repeat(100): "v".repeat(8000)});
    let id = id_of(&api.pay(body).expect(201).body);
    let action = json!({"reference": "c".repeat(51), "metadata": {"blob": "m".repeat(9000)}});
    let resp = api.post(&format!("/payments/{id}/captures"), action).expect(422);
    assert_eq!(resp.error_codes(), ["reference_invalid", "metadata_invalid"]);
    assert_eq!(api.sim.payment_count(), 1, "refused requests create nothing");
    assert_eq!(api.status_of(&id), "Authorized");
}

#[test]
fn invalid_idempotency_keys_get_422_and_create_nothing() {
    let api = Api::seeded(41);
    let body = payment(100, card(test_cards::VISA));
    for key in [String::new(), "k".repeat(256), "idk_café-retry-1".into(), "idk_caf\u{fffd}".into(), "a b".into()] {
        for _ in 0..2 {
            let resp = api.post_with_key("/payments", body.clone(), &key).expect(422);
            assert_eq!(resp.error_codes(), ["idempotency_key_invalid"], "{key:?}");
        }
    }
    // Two keys in one request are ambiguous: refused too.
    let mut request = api.build(Method::Post, "/payments", Some(&body));
    request.headers.append("Cko-Idempotency-Key", "first");
    request.headers.append("Cko-Idempotency-Key", "second");
    assert_eq!(api.send(&request).expect(422).error_codes(), ["idempotency_key_invalid"]);
    assert_eq!(api.sim.payment_count(), 0);
    assert_eq!(api.sim.idempotency_records(), 0);
    // The longest valid key works.
    api.post_with_key("/payments", body, &"k".repeat(255)).expect(201);
}

#[test]
fn stored_state_is_bounded_and_the_oldest_is_forgotten_first() {
    let sim = Simulator::seeded(42).with_limits(Limits::default().with_payments(5).with_idempotency_records(3));
    let api = Api::new(sim);
    let mut ids = Vec::new();
    for i in 0..12 {
        let mut body = payment(100, card(test_cards::VISA));
        body["reference"] = json!(format!("ORD-{i}"));
        ids.push(id_of(&api.post_with_key("/payments", body, &format!("key-{i}")).expect(201).body));
    }
    assert_eq!(api.sim.payment_count(), 5);
    assert_eq!(api.sim.idempotency_records(), 3);
    for (i, id) in ids.iter().enumerate() {
        let status = api.get(&format!("/payments/{id}")).status;
        assert_eq!(status, if i >= 7 { 200 } else { 404 }, "payment {i}");
    }
    // A forgotten key is a fresh key again; a kept one still replays.
    let mut again = payment(100, card(test_cards::VISA));
    again["reference"] = json!("ORD-11");
    assert_eq!(
        api.post_with_key("/payments", again, "key-11").expect(201).header("Cko-Idempotent-Replay"),
        Some("true")
    );
    let mut again = payment(100, card(test_cards::VISA));
    again["reference"] = json!("ORD-0");
    assert!(api.post_with_key("/payments", again, "key-0").expect(201).header("Cko-Idempotent-Replay").is_none());

    // By bytes too: payments with large metadata push the oldest out sooner.
    let sim = Simulator::seeded(43).with_limits(Limits::default().with_payment_bytes(64 * 1024));
    let api = Api::new(sim);
    for i in 0..40 {
        let mut body = payment(100, card(test_cards::VISA));
        body["metadata"] = json!({ "blob": format!("{i}{}", "m".repeat(7_000)) });
        api.pay(body).expect(201);
    }
    let kept = api.sim.payment_count();
    assert!((4..=9).contains(&kept), "{kept} payments of about 7.5 KB kept in 64 KiB");

    // A payment that grows through its actions pushes out the oldest others, never itself.
    let sim = Simulator::seeded(46).with_limits(Limits::default().with_payment_bytes(96 * 1024));
    let api = Api::new(sim);
    let grown = id_of(&api.approved(100_000));
    let others: Vec<String> = (0..5).map(|_| id_of(&api.approved(100))).collect();
    for i in 0..12 {
        let capture = json!({"amount": 1, "metadata": {"blob": format!("{i}{}", "m".repeat(7_900))}});
        api.post(&format!("/payments/{grown}/captures"), capture).expect(202);
    }
    assert_eq!(api.get(&format!("/payments/{grown}")).expect(200).body["balances"]["total_captured"], 12);
    let kept = others.iter().filter(|id| api.get(&format!("/payments/{id}")).status == 200).count();
    assert!(kept < others.len(), "the oldest others were forgotten ({kept} of 5 kept)");

    // And actions per payment.
    let sim = Simulator::seeded(44).with_limits(Limits::default().with_actions_per_payment(3));
    let api = Api::new(sim);
    let id = id_of(&api.approved(1000));
    api.post(&format!("/payments/{id}/captures"), json!({"amount": 1})).expect(202);
    api.post(&format!("/payments/{id}/captures"), json!({"amount": 1})).expect(202);
    api.post(&format!("/payments/{id}/captures"), json!({"amount": 1})).expect(403);
}

#[test]
fn hostile_urls_and_headers_never_panic() {
    let api = Api::seeded(39);
    let body = payment(100, card(test_cards::VISA)).to_string().into_bytes();
    for url in [
        "",
        "/",
        "://",
        "http://",
        "https://h",
        "payments",
        "/payments",
        "https://é.test/payments",
        "https://host/payments/é",
        "https://host/../payments",
        "https://host/payments%2F",
        "https://host//payments",
        "https://a\"<b>/payments",
        "https://host/sandbox/3ds/sid_x/complete?outcome",
        "https://host/sandbox/3ds/sid_x/complete?=&&=",
        "\u{0}\u{1}://\u{2}/payments",
    ] {
        for method in [Method::Get, Method::Post] {
            let mut request = request(method, url, Some(LEGACY_KEY), body.clone());
            request.headers.append("Cko-Idempotency-Key", "\u{7f}");
            request.headers.append("Authorization", "\u{feff}");
            let response = api.sim.handle(&request).response;
            assert!((200..500).contains(&response.status), "{method} {url}: {}", response.status);
        }
    }
    // A relative URL still works; its links are absolute paths.
    let resp = Resp::from(api.sim.handle(&request(Method::Post, "/payments", Some(LEGACY_KEY), body.clone())).response);
    let p = resp.expect(201).body;
    assert_eq!(link(&p, "self").unwrap(), format!("/payments/{}", id_of(&p)));
    // A host that cannot be echoed safely is dropped from links.
    let resp =
        Resp::from(api.sim.handle(&request(Method::Post, "https://a\"<b>/payments", Some(LEGACY_KEY), body)).response);
    assert!(link(&resp.expect(201).body, "self").unwrap().starts_with("/payments/pay_"));
    // References are escaped on the redirect page.
    let mut body = three_ds(100, false);
    body["reference"] = json!("<script>alert(1)</script>");
    let pending = api.pay(body).expect(202).body;
    let page = Resp::from(
        api.sim.handle(&request(Method::Get, &link(&pending, "redirect").unwrap(), None, Vec::new())).response,
    );
    assert!(!page.text().contains("<script>"));
    assert!(page.text().contains("&lt;script&gt;"));
}

#[test]
fn no_response_or_dump_reveals_card_data() {
    let api = Api::seeded(40);
    let mut texts = Vec::new();
    for number in [test_cards::VISA, test_cards::MASTERCARD, test_cards::DECLINED_INSUFFICIENT_FUNDS] {
        let resp = api.pay(payment(100, card(number)));
        texts.push(resp.text());
        let id = id_of(&resp.body);
        texts.push(api.get(&format!("/payments/{id}")).text());
        texts.push(api.get(&format!("/payments/{id}/actions")).text());
        texts.push(api.sim.payment(&id).unwrap().to_string());
    }
    let pending = api.pay(three_ds(100, false)).body;
    texts.push(api.sim.payment(link(&pending, "redirect").unwrap().rsplit('/').next().unwrap()).unwrap().to_string());
    texts.push(format!("{:?}", api.sim));
    for text in texts {
        assert_no_card_data(&text);
    }
    assert!(api.sim.payment("pay_nope").is_none());
    assert!(api.sim.payment("garbage").is_none());
}

#[test]
fn the_seeded_clock_starts_in_2026_and_moves_a_second_per_request() {
    let api = Api::seeded(41);
    assert_eq!(api.sim.now(), "2026-01-01T00:00:00Z");
    assert_eq!(api.approved(100)["processed_on"], "2026-01-01T00:00:01Z");
    api.get("/payments/pay_x");
    assert_eq!(api.approved(100)["processed_on"], "2026-01-01T00:00:03Z");
    api.sim.advance_clock(Duration::from_secs(3600));
    assert_eq!(api.approved(100)["processed_on"], "2026-01-01T01:00:04Z");
}

/// A small, dependency-free fuzzer: random mixes of valid and hostile requests, checking that the
/// simulator always answers with a sane status and its request id, and its bookkeeping holds.
#[test]
fn random_request_mixes_never_break_the_simulator() {
    let api = Api::seeded(42);
    let pay = id_of(&api.approved(1000));
    let pending = api.pay(three_ds(100, false)).expect(202).body;
    let sid = link(&pending, "redirect").unwrap().rsplit('/').next().unwrap().to_string();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let paths = [
        "/payments".to_string(),
        format!("/payments/{pay}"),
        format!("/payments/{sid}"),
        format!("/payments/{pay}/actions"),
        format!("/payments/{pay}/captures"),
        format!("/payments/{pay}/refunds"),
        format!("/payments/{pay}/voids"),
        "/tokens".to_string(),
        format!("/sandbox/3ds/{sid}"),
        format!("/sandbox/3ds/{sid}/complete?outcome=success"),
        format!("/sandbox/apm/{sid}/complete?outcome=failure"),
        "/payments/pay_%00".to_string(),
        "/x".to_string(),
    ];
    let auths = [
        format!("Bearer {BEARER_KEY}"),
        LEGACY_KEY.to_string(),
        PUBLIC_LEGACY_KEY.to_string(),
        String::new(),
        "Bearer \u{0}".to_string(),
    ];
    let values = [
        json!(null),
        json!(true),
        json!(-1),
        json!(0),
        json!(100),
        json!(2011),
        json!(4001),
        json!(5000),
        json!(1.5),
        json!("USD"),
        json!("tok_aaaaaaaaaaaaaaaaaaaaaaaaaa"),
        json!(test_cards::VISA),
        json!([]),
        json!({}),
        json!({"enabled": true, "attempt_n3d": true}),
        json!({"type": "card", "number": test_cards::VISA, "expiry_month": 6, "expiry_year": 2030}),
        json!({"type": "ideal"}),
        json!({"type": "id", "id": "src_aaaaaaaaaaaaaaaaaaaaaaaaaa"}),
        json!({"type": "customer", "email": "a@b.co"}),
        json!("\u{0}<script>\u{202e}"),
    ];
    let fields = [
        "amount",
        "currency",
        "source",
        "reference",
        "3ds",
        "customer",
        "metadata",
        "risk",
        "type",
        "number",
        "expiry_month",
        "expiry_year",
        "cvv",
        "success_url",
    ];
    let fault_faults =
        Faults { error_rate_5xx: 0.05, rate_429: 0.05, drop_after_processing_rate: 0.05, ..Faults::default() };
    api.sim.set_faults(fault_faults);
    for i in 0..5_000 {
        let method = if next(3) == 0 { Method::Get } else { Method::Post };
        let path = &paths[next(paths.len())];
        let body: Vec<u8> = match next(4) {
            0 => Vec::new(),
            1 => (0..next(64)).map(|_| next(256) as u8).collect(),
            _ => {
                let mut body = payment(100 + next(3) as u64, card(test_cards::VISA));
                for _ in 0..next(4) {
                    body[fields[next(fields.len())]] = values[next(values.len())].clone();
                }
                body.to_string().into_bytes()
            }
        };
        let mut request = request(method, &format!("{BASE}{path}"), Some(&auths[next(auths.len())]), body);
        if next(2) == 0 {
            request.headers.insert("Cko-Idempotency-Key", format!("k{}", next(20)));
        }
        let exchange = api.sim.handle(&request);
        let response = exchange.response;
        assert!((200..600).contains(&response.status), "#{i} {method} {path}: {}", response.status);
        assert!(response.headers.get("Cko-Request-Id").is_some(), "#{i}");
        assert_no_card_data(&String::from_utf8_lossy(&response.body));
    }
    // The bookkeeping still holds: the payment's balances add up.
    api.sim.clear_faults();
    let details = api.get(&format!("/payments/{pay}")).body;
    let balances = &details["balances"];
    let captured = balances["total_captured"].as_u64().unwrap();
    assert!(captured <= 1000);
    assert!(balances["total_refunded"].as_u64().unwrap() <= captured);
}

#[test]
fn random_requests_to_the_new_routes_never_break_the_simulator() {
    let api = Api::seeded(43);
    let mut estimated_body = payment(1000, card(test_cards::VISA));
    estimated_body["authorization_type"] = json!("Estimated");
    let pay = id_of(&api.pay(estimated_body).expect(201).body);
    let retry = id_of(&api.pay(recurring(1051)).expect(201).body);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let paths = [
        "/payments".to_string(),
        format!("/payments/{pay}/authorizations"),
        format!("/payments/{pay}/reversals"),
        format!("/payments/{pay}/captures"),
        format!("/payments/{retry}/cancellations"),
        "/payments/search".to_string(),
        "/payments/search?skip=1".to_string(),
        "/payments/search?skip=%zz".to_string(),
        "/payments?reference=ORD-1&limit=2&skip=1".to_string(),
        "/payments?reference=%zz".to_string(),
        "/payments?limit=1000".to_string(),
        "/connect/token".to_string(),
    ];
    let auths = [format!("Bearer {BEARER_KEY}"), LEGACY_KEY.to_string(), BASIC.to_string(), String::new()];
    let values = [
        json!(null),
        json!(-1),
        json!(0),
        json!(250),
        json!(1051),
        json!(1.5),
        json!("Estimated"),
        json!("reference:'ORD-1' AND amount:100"),
        json!("status:'Paid' OR x"),
        json!("2026-01-01"),
        json!({"type": "bank_account", "country": "GB", "account_number": "13654567"}),
        json!({"type": "card", "number": test_cards::VISA, "expiry_month": 6, "expiry_year": 2030}),
        json!({"dunning": {"enabled": true}, "downtime": {"enabled": "yes"}}),
        json!([]),
        json!("\u{0}\u{202e}é"),
    ];
    let fields = [
        "amount",
        "destination",
        "authorization_type",
        "merchant_initiated",
        "retry",
        "processing_channel_id",
        "query",
        "limit",
        "from",
        "to",
        "source",
    ];
    for i in 0..3_000 {
        let method = if next(4) == 0 { Method::Get } else { Method::Post };
        let path = &paths[next(paths.len())];
        let body: Vec<u8> = match next(5) {
            0 => Vec::new(),
            1 => (0..next(64)).map(|_| next(256) as u8).collect(),
            2 => b"grant_type=client_credentials&scope=gateway".to_vec(),
            _ => {
                let mut body = payment(100 + next(3) as u64, card(test_cards::VISA));
                for _ in 0..next(4) {
                    body[fields[next(fields.len())]] = values[next(values.len())].clone();
                }
                body.to_string().into_bytes()
            }
        };
        let mut request = request(method, &format!("{BASE}{path}"), Some(&auths[next(auths.len())]), body);
        if next(2) == 0 {
            request.headers.insert("Cko-Idempotency-Key", format!("k{}", next(20)));
        }
        let response = api.sim.handle(&request).response;
        assert!((200..600).contains(&response.status), "#{i} {method} {path}: {}", response.status);
        assert!(response.headers.get("Cko-Request-Id").is_some(), "#{i}");
        assert_no_card_data(&String::from_utf8_lossy(&response.body));
    }
    // The bookkeeping still holds: never past the cap, never more captured or refunded than there is.
    let balances = api.get(&format!("/payments/{pay}")).expect(200).body["balances"].clone();
    let authorized = balances["total_authorized"].as_u64().unwrap();
    assert!(authorized <= 2000, "{balances}");
    assert!(balances["total_captured"].as_u64().unwrap() <= authorized, "{balances}");
    assert!(balances["total_refunded"].as_u64().unwrap() <= balances["total_captured"].as_u64().unwrap());
}

#[test]
fn the_dashboard_lists_payments_newest_first_with_status_amounts_and_actions() {
    let api = Api::seeded(45);
    let anonymous = Api { sim: api.sim.clone(), base: BASE.to_string(), auth: String::new() };
    let empty = anonymous.get("/sandbox").expect(200);
    assert_eq!(empty.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(empty.text().contains("No payments yet."));

    let captured = id_of(&api.approved(1000));
    api.post(&format!("/payments/{captured}/captures"), json!({"amount": 400})).expect(202);
    let mut declined = payment(1051, card(test_cards::VISA));
    declined["reference"] = json!("<script>alert(1)</script>");
    let declined = id_of(&api.pay(declined).expect(201).body);
    let mut yen = payment(1500, card(test_cards::VISA));
    yen["currency"] = json!("JPY");
    let yen = id_of(&api.pay(yen).expect(201).body);
    let mut three_ds = payment(2500, card(test_cards::VISA));
    three_ds["3ds"] = json!({"enabled": true});
    let pending = id_of(&api.pay(three_ds).expect(202).body);

    let page = anonymous.get("/sandbox/").expect(200).text();
    assert!(page.contains("<meta http-equiv=\"refresh\" content=\"2\">"), "it refreshes itself");
    assert!(page.contains("Payments (4)"));
    let position = |id: &str| page.find(&format!("<tr id=\"{id}\"")).unwrap_or_else(|| panic!("{id} is not listed"));
    assert!(position(&pending) < position(&yen) && position(&yen) < position(&declined));
    assert!(position(&declined) < position(&captured), "newest first");
    let row = |id: &str| {
        let start = position(id);
        page[start..start + page[start..].find("</tr>").unwrap()].to_string()
    };
    let captured_row = row(&captured);
    assert!(captured_row.contains("data-status=\"Partially Captured\""), "{captured_row}");
    assert!(captured_row.contains("10.00 USD"), "{captured_row}");
    assert!(captured_row.contains("<li>Authorization 10.00 USD: 10000 Approved</li>"), "{captured_row}");
    assert!(captured_row.contains("<li>Capture 4.00 USD: 10000 Approved</li>"), "{captured_row}");
    assert!(row(&declined).contains("data-status=\"Declined\""));
    assert!(row(&declined).contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "references are escaped");
    assert!(row(&yen).contains("1500 JPY"));
    assert!(row(&pending).contains("data-status=\"Pending\""));
    assert!(page.contains("<section id=\"webhook-deliveries\">"), "the place for webhook deliveries");
    assert_no_card_data(&page);
    assert!(!page.contains("<script>"));
    let resp = api.post("/sandbox", json!({})).expect(405);
    assert_eq!(resp.header("Allow"), Some("GET"));
}
