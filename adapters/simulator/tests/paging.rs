//! Paging promises of the list and search routes, as properties: walking a list by `skip`, or a
//! search by its `next` links, gives every matching payment once, newest first, whatever the
//! page size; and any reference survives the core's query encoding and the simulator's decoding.

use checkout_sdk_core::request::PaymentListQuery;
use checkout_sdk_core::transport::{Headers, HttpRequest, Method};
use checkout_sdk_fake::keys::{PROCESSING_CHANNEL_ID, SANDBOX_BASE_URL as BASE, SANDBOX_SECRET_KEY};
use checkout_sdk_simulator::Simulator;
use proptest::prelude::*;
use serde_json::{json, Value};

fn send(sim: &Simulator, method: Method, url: &str, body: Option<&Value>) -> (u16, Value) {
    let mut headers = Headers::new();
    headers.insert("Authorization", format!("Bearer {SANDBOX_SECRET_KEY}"));
    let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let response =
        sim.handle(&HttpRequest { method, url: url.to_string(), headers, body: body.into(), timeout: None }).response;
    (response.status, serde_json::from_slice(&response.body).unwrap_or(Value::Null))
}

/// Creates a payment with `reference`; returns its id.
fn pay(sim: &Simulator, reference: &str, amount: u64) -> String {
    let body = json!({
        "source": {"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030},
        "amount": amount, "currency": "USD", "reference": reference, "processing_channel_id": PROCESSING_CHANNEL_ID,
    });
    let (status, payment) = send(sim, Method::Post, &format!("{BASE}/payments"), Some(&body));
    assert_eq!(status, 201, "{payment}");
    payment["id"].as_str().expect("an id").to_string()
}

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().expect("data").iter().map(|p| p["id"].as_str().expect("an id").to_string()).collect()
}

const REFERENCES: [&str; 3] = ["ORD-1", "ORD 2+2", "commande-é&=%"];

proptest! {
    // 64 cases, each with up to 30 payments and every page of a list and of a search.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_page_walk_gives_each_match_once_newest_first(
        payments in proptest::collection::vec((0..REFERENCES.len(), 1..2_000u64), 0..30),
        wanted in 0..REFERENCES.len(),
        limit in 1..12u32,
    ) {
        let sim = Simulator::seeded(1);
        let mut expected = Vec::new();
        for (reference, amount) in &payments {
            let id = pay(&sim, REFERENCES[*reference], *amount);
            if *reference == wanted {
                expected.push(id);
            }
        }
        expected.reverse();
        let reference = REFERENCES[wanted];

        let mut listed = Vec::new();
        let mut skip = 0;
        loop {
            let query = PaymentListQuery::new(reference).limit(limit).skip(skip).query_string();
            let (status, page) = send(&sim, Method::Get, &format!("{BASE}/payments?{query}"), None);
            prop_assert_eq!(status, 200);
            prop_assert_eq!(page["total_count"].as_u64(), Some(expected.len() as u64));
            let data = ids(&page);
            prop_assert!(data.len() <= limit as usize);
            if data.is_empty() {
                break;
            }
            listed.extend(data);
            skip += limit;
        }
        prop_assert_eq!(&listed, &expected);

        let body = json!({"query": format!("reference:'{reference}'"), "limit": limit});
        let mut searched = Vec::new();
        let mut url = format!("{BASE}/payments/search");
        for _ in 0..=expected.len() {
            let (status, page) = send(&sim, Method::Post, &url, Some(&body));
            prop_assert_eq!(status, 200);
            searched.extend(ids(&page));
            match page["_links"]["next"]["href"].as_str() {
                Some(next) => url = next.to_string(),
                None => break,
            }
        }
        prop_assert_eq!(&searched, &expected);
    }
}

proptest! {
    // 256 cases of arbitrary printable text.
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_reference_survives_the_query_encoding(reference in "[^\\p{C}]{1,12}") {
        let sim = Simulator::seeded(2);
        let id = pay(&sim, &reference, 100);
        pay(&sim, &format!("{reference}x"), 100);
        let query = PaymentListQuery::new(reference.as_str()).query_string();
        let (status, page) = send(&sim, Method::Get, &format!("{BASE}/payments?{query}"), None);
        prop_assert_eq!(status, 200);
        prop_assert_eq!(ids(&page), vec![id]);
    }
}
