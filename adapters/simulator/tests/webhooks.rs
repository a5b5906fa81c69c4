//! Webhook events in the simulator itself: one event per state change, shaped like Checkout.com's,
//! the endpoints' filters, the delivery queue a sender works from, the listing and the bounds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use checkout_sdk_core::transport::{Headers, HttpRequest, Method};
use checkout_sdk_core::webhook::{EventType, SignatureKey, WebhookEvent, WebhookReceiver};
use checkout_sdk_fake::keys::{PROCESSING_CHANNEL_ID as CHANNEL, SANDBOX_BASE_URL as BASE, SANDBOX_SECRET_KEY as KEY};
use checkout_sdk_simulator::{AttemptOutcome, DeliveryState, Limits, Simulator, WebhookEndpoint};
use proptest::prelude::*;
use serde_json::{json, Value};

fn call(sim: &Simulator, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut headers = Headers::new();
    headers.insert("Authorization", format!("Bearer {KEY}"));
    let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let request = HttpRequest { method, url: format!("{BASE}{path}"), headers, body: body.into(), timeout: None };
    let response = sim.handle(&request).into_response();
    (response.status, serde_json::from_slice(&response.body).unwrap_or(Value::Null))
}

fn pay(sim: &Simulator, body: Value) -> Value {
    let (status, payment) = call(sim, Method::Post, "/payments", Some(body));
    assert!(matches!(status, 201 | 202), "{status} {payment}");
    payment
}

fn card(amount: u64) -> Value {
    json!({
        "source": {"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030},
        "amount": amount, "currency": "EUR", "reference": "ORD-1", "metadata": {"order": 7},
        "processing_channel_id": CHANNEL,
    })
}

fn act(sim: &Simulator, id: &str, action: &str, body: Value) -> u16 {
    call(sim, Method::Post, &format!("/payments/{id}/{action}"), Some(body)).0
}

fn types_of(sim: &Simulator, payment: &str) -> Vec<String> {
    sim.webhook_events()
        .iter()
        .filter(|e| e.payment_id().is_some_and(|p| p.as_str() == payment))
        .map(|e| e.type_name().to_string())
        .collect()
}

fn key() -> SignatureKey {
    SignatureKey::new("whsk_simulator_tests").expect("a key")
}

#[test]
fn every_state_change_records_one_event_shaped_like_checkout_coms() {
    let sim = Simulator::seeded(1);
    let payment = pay(&sim, card(1000));
    let id = payment["id"].as_str().expect("an id");
    assert_eq!(act(&sim, id, "captures", json!({"amount": 400})), 202);
    assert_eq!(act(&sim, id, "captures", json!({})), 202);
    assert_eq!(act(&sim, id, "refunds", json!({"amount": 250, "reference": "R-1"})), 202);
    assert_eq!(act(&sim, id, "voids", json!({})), 403, "refused requests change nothing, and emit nothing");
    assert_eq!(types_of(&sim, id), ["payment_approved", "payment_captured", "payment_captured", "payment_refunded"]);

    let events = sim.webhook_events();
    let amounts: Vec<Option<u64>> = events.iter().map(WebhookEvent::amount).collect();
    assert_eq!(amounts, [Some(1000), Some(400), Some(600), Some(250)], "an action's event carries the action's amount");
    let (_, actions) = call(&sim, Method::Get, &format!("/payments/{id}/actions"), None);
    let action_ids: Vec<&str> =
        actions.as_array().expect("actions").iter().rev().filter_map(|a| a["id"].as_str()).collect();
    let event_action_ids: Vec<&str> = events.iter().filter_map(|e| e.action_id().map(|a| a.as_str())).collect();
    assert_eq!(event_action_ids, action_ids, "one event per action, in order");

    let approved = &events[0];
    assert!(approved.id().as_str().starts_with("evt_"));
    assert_eq!(approved.created_on(), Some("2026-01-01T00:00:01Z"));
    assert_eq!(approved.response_code().map(|c| c.as_str()), Some("10000"));
    assert_eq!(approved.reference(), Some("ORD-1"));
    assert_eq!(approved["data"]["status"], "Authorized");
    assert_eq!(approved["data"]["metadata"]["order"], 7);
    assert_eq!(approved["data"]["source"]["last4"], "4242");
    assert_eq!(approved["_links"]["payment"]["href"], format!("{BASE}/payments/{id}"));
    let refunded = &events[3];
    assert_eq!(refunded["data"]["status"], "Partially Refunded");
    assert_eq!(refunded["data"]["balances"]["total_refunded"], 250);
    assert!(refunded["data"].get("source").is_none(), "the source only on authorization events");
    for event in &events {
        assert!(!String::from_utf8_lossy(event.body()).contains("4242424242424242"));
    }
}

#[test]
fn redirects_verifications_and_declines_have_their_events() {
    let sim = Simulator::seeded(2);
    // A 3-D Secure challenge failed, one passed; a verification; a 3DS malfunction; an APM.
    let mut three_ds = card(2500);
    three_ds["3ds"] = json!({"enabled": true});
    let failed = pay(&sim, three_ds.clone());
    sim.complete_redirect(failed["id"].as_str().expect("id"), false).expect("completed");
    let passed = pay(&sim, three_ds);
    sim.complete_redirect(passed["id"].as_str().expect("id"), true).expect("completed");
    let verified = pay(&sim, card(0));
    let mut malfunction = card(5000);
    malfunction["3ds"] = json!(true);
    let malfunction = pay(&sim, malfunction);
    let apm = pay(
        &sim,
        json!({"source": {"type": "ideal"}, "amount": 100, "currency": "EUR", "reference": "APM-1",
        "processing_channel_id": CHANNEL}),
    );
    sim.complete_redirect(apm["id"].as_str().expect("id"), true).expect("completed");
    let declined = pay(
        &sim,
        json!({
            "source": {"type": "card", "number": "4544249167673670", "expiry_month": 6, "expiry_year": 2030},
            "amount": 100, "currency": "USD", "processing_channel_id": CHANNEL,
        }),
    );

    let of = |p: &Value| types_of(&sim, p["id"].as_str().expect("id"));
    assert_eq!(of(&failed), ["payment_pending", "payment_authentication_failed"]);
    assert_eq!(of(&passed), ["payment_pending", "payment_approved"]);
    assert_eq!(of(&verified), ["card_verified"]);
    assert_eq!(of(&malfunction), ["payment_declined"]);
    assert_eq!(of(&apm), ["payment_pending", "payment_approved"]);
    assert_eq!(of(&declined), ["payment_declined"]);
    let events = sim.webhook_events();
    let failed_event = events.iter().find(|e| e.type_name() == "payment_authentication_failed").expect("failed 3DS");
    assert_eq!(failed_event.response_code().map(|c| c.as_str()), Some("20151"));
    assert_eq!(failed_event["data"]["3ds"]["authentication_response"], "N");
    let pending = events.iter().find(|e| e.type_name() == "payment_pending").expect("pending");
    assert_eq!((pending.amount(), pending["data"]["status"].as_str()), (Some(2500), Some("Pending")));
}

#[test]
fn seeded_simulators_record_the_same_events() {
    let run = || {
        let sim = Simulator::seeded(9);
        let payment = pay(&sim, card(1000));
        act(&sim, payment["id"].as_str().expect("id"), "captures", json!({}));
        sim.webhook_events().into_iter().map(WebhookEvent::into_body).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn endpoints_get_the_deliveries_they_want_once_each() {
    let wakes = Arc::new(AtomicUsize::new(0));
    let captures_only = WebhookEndpoint::new("http://127.0.0.1:9/captures", SignatureKey::new("other").expect("key"))
        .expect("endpoint")
        .with_events([EventType::PaymentCaptured]);
    let sim = Simulator::seeded(3)
        .with_webhook_endpoint(WebhookEndpoint::new("http://127.0.0.1:9/all?token=t0ken", key()).expect("endpoint"))
        .with_webhook_endpoint(captures_only);
    let counter = Arc::clone(&wakes);
    sim.on_webhook_queued(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let payment = pay(&sim, card(1000));
    act(&sim, payment["id"].as_str().expect("id"), "captures", json!({}));
    assert_eq!(wakes.load(Ordering::SeqCst), 2, "woken once per event with deliveries");

    let outgoing = sim.take_webhook_deliveries();
    let sent: Vec<(usize, &str)> = outgoing.iter().map(|o| (o.endpoint_index, o.event_type.as_str())).collect();
    assert_eq!(sent, [(0, "payment_approved"), (0, "payment_captured"), (1, "payment_captured")]);
    assert!(sim.take_webhook_deliveries().is_empty(), "each delivery is handed out once");
    // The bytes handed out are the event's, verifiable with the endpoint's key.
    let signature = key().sign(&outgoing[0].body);
    let headers: Vec<(&str, &str)> = vec![("Cko-Signature", &signature)];
    assert!(WebhookReceiver::new(key()).receive_pairs(headers, &outgoing[0].body).is_ok());
    assert_eq!(outgoing[1].event_id, outgoing[2].event_id, "one event, two endpoints");
    assert!(!format!("{:?}", outgoing[0]).contains("Authorized"), "Debug shows no body");

    let next = SystemTime::now() + Duration::from_secs(1);
    sim.record_webhook_attempt(outgoing[0].delivery, AttemptOutcome::Status(500), Some(next));
    sim.record_webhook_attempt(outgoing[1].delivery, AttemptOutcome::Status(204), None);
    sim.record_webhook_attempt(outgoing[2].delivery, AttemptOutcome::Error("could not\nconnect".into()), None);
    let states: Vec<(DeliveryState, u32)> = sim.webhook_deliveries().iter().map(|d| (d.state, d.attempts)).collect();
    assert_eq!(states, [(DeliveryState::Retrying, 1), (DeliveryState::Delivered, 1), (DeliveryState::Failed, 1)]);

    let (status, listing) = {
        let request = HttpRequest {
            method: Method::Get,
            url: format!("{BASE}/sandbox/webhooks"),
            headers: Headers::new(),
            body: Default::default(),
            timeout: None,
        };
        let response = sim.handle(&request).into_response();
        (response.status, serde_json::from_slice::<Value>(&response.body).expect("JSON"))
    };
    assert_eq!(status, 200, "no key needed, like the dashboard");
    let deliveries = listing["deliveries"].as_array().expect("deliveries");
    assert_eq!(deliveries[0]["last_error"], "could notconnect", "control characters dropped");
    assert_eq!(deliveries[1]["last_status"], 204);
    assert_eq!(deliveries[2]["state"], "retrying");
    assert!(deliveries[2]["next_attempt_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(listing["endpoints"][0]["url"], "http://127.0.0.1:9/all?…");
    assert!(!listing.to_string().contains("t0ken"));
}

#[test]
fn the_log_and_the_deliveries_are_bounded() {
    let sim = Simulator::seeded(4)
        .with_limits(Limits::default().with_webhook_events(3))
        .with_webhook_endpoint(WebhookEndpoint::new("http://127.0.0.1:9/", key()).expect("endpoint"));
    for _ in 0..5 {
        pay(&sim, card(1000));
    }
    assert_eq!(sim.webhook_events().len(), 3);
    assert_eq!(sim.webhook_deliveries().len(), 3);
    assert_eq!(sim.take_webhook_deliveries().len(), 3, "forgotten deliveries are not handed out");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Whatever captures, refunds and voids are tried, in any order and amount, every one the API
    /// accepts (202) has exactly one event of its kind, in order, carrying its amount, and refused
    /// ones have none. 128 cases of up to 8 actions.
    #[test]
    fn one_event_per_accepted_action(actions in proptest::collection::vec((0usize..3, 0u64..1200), 0..8)) {
        let sim = Simulator::seeded(5);
        let payment = pay(&sim, card(1000));
        let id = payment["id"].as_str().expect("id").to_string();
        let mut expected = vec![("payment_approved".to_string(), Some(1000))];
        for (kind, amount) in actions {
            let (path, event) = [("captures", "payment_captured"), ("refunds", "payment_refunded"), ("voids", "payment_voided")][kind];
            let body = if amount == 0 { json!({}) } else { json!({"amount": amount}) };
            let (status, _) = call(&sim, Method::Post, &format!("/payments/{id}/{path}"), Some(body));
            if status == 202 {
                let (_, actions) = call(&sim, Method::Get, &format!("/payments/{id}/actions"), None);
                expected.push((event.to_string(), actions[0]["amount"].as_u64()));
            }
        }
        let events: Vec<(String, Option<u64>)> =
            sim.webhook_events().iter().map(|e| (e.type_name().to_string(), e.amount())).collect();
        prop_assert_eq!(events, expected);
    }
}

#[test]
fn increments_reversals_retries_and_payouts_have_their_events() {
    let sim = Simulator::seeded(21);
    // An estimated authorization raised once, then declined an increment over the cap, then
    // reversed (a void); a captured payment reversed (a refund).
    let mut estimated = card(1000);
    estimated["authorization_type"] = json!("Estimated");
    let raised = pay(&sim, estimated);
    let raised = raised["id"].as_str().expect("an id");
    assert_eq!(act(&sim, raised, "authorizations", json!({"amount": 500})), 201);
    assert_eq!(act(&sim, raised, "authorizations", json!({"amount": 5000})), 201, "declined: over the cap");
    assert_eq!(act(&sim, raised, "reversals", json!({})), 202);
    let captured = pay(&sim, card(700));
    let captured = captured["id"].as_str().expect("an id");
    assert_eq!(act(&sim, captured, "captures", json!({})), 202);
    assert_eq!(act(&sim, captured, "reversals", json!({})), 202);
    // A soft-declined renewal gets a retry, which is cancelled.
    let mut renewal = card(1051);
    renewal["merchant_initiated"] = json!(true);
    renewal["payment_type"] = json!("Recurring");
    renewal["retry"] = json!({"dunning": {"enabled": true, "max_attempts": 3, "end_after_days": 7}});
    let renewal = pay(&sim, renewal);
    let renewal = renewal["id"].as_str().expect("an id");
    assert_eq!(act(&sim, renewal, "cancellations", json!({})), 202);

    assert_eq!(
        types_of(&sim, raised),
        [
            "payment_approved",
            "payment_authorization_incremented",
            "payment_authorization_increment_declined",
            "payment_voided"
        ]
    );
    assert_eq!(types_of(&sim, captured), ["payment_approved", "payment_captured", "payment_refunded"]);
    assert_eq!(types_of(&sim, renewal), ["payment_declined", "payment_retry_scheduled", "payment_canceled"]);
    let events = sim.webhook_events();
    let increment = events.iter().find(|e| e.type_name() == "payment_authorization_incremented").expect("raised");
    assert_eq!(increment.amount(), Some(500), "the increment's own amount");
    let voided = events.iter().find(|e| e.type_name() == "payment_voided").expect("voided");
    assert_eq!(voided.amount(), Some(1500), "the reversal voids everything authorized");

    // Payouts: pending when requested, then paid, declined, or paid and returned, as the
    // simulator's clock moves on (a second per request).
    let payout = |amount: u64| {
        let body = json!({
            "destination": {"type": "bank_account", "country": "GB", "account_number": "13654567", "bank_code": "050389",
                "account_holder": {"type": "individual", "first_name": "Ann", "last_name": "Lee"}},
            "source": {"type": "currency_account", "id": "ca_y3oqhf46pyzuxjbcn2giaqnb44"},
            "amount": amount, "currency": "GBP", "reference": "PO-1", "processing_channel_id": CHANNEL,
        });
        let (status, answer) = call(&sim, Method::Post, "/payments", Some(body));
        assert_eq!(status, 202, "{answer}");
        answer["id"].as_str().expect("an id").to_string()
    };
    let (paid, declined, returned) = (payout(1000), payout(1051), payout(1070));
    for _ in 0..3 {
        sim.advance_clock(Duration::from_secs(1));
        call(&sim, Method::Get, &format!("/payments/{paid}"), None);
    }
    assert_eq!(types_of(&sim, &paid), ["payment_pending", "payment_paid"]);
    assert_eq!(types_of(&sim, &declined), ["payment_pending", "payment_declined"]);
    assert_eq!(types_of(&sim, &returned), ["payment_pending", "payment_paid", "payment_returned"]);
    let events = sim.webhook_events();
    let paid_event = events.iter().find(|e| e.type_name() == "payment_paid").expect("paid");
    assert_eq!((paid_event.amount(), paid_event["data"]["status"].as_str()), (Some(1000), Some("Paid")));
    assert_eq!(paid_event["_links"]["payment"]["href"], format!("{BASE}/payments/{paid}"));
    let declined_event = events
        .iter()
        .find(|e| e.type_name() == "payment_declined" && e.payment_id().is_some_and(|p| p.as_str() == declined));
    assert_eq!(declined_event.and_then(|e| e.response_code()).map(|c| c.as_str()), Some("20051"));
    for event in &events {
        assert!(!String::from_utf8_lossy(event.body()).contains("13654567"), "an account number in an event");
    }
}
