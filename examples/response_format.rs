//! What every response carries: the request id and API version, the HTTP status, headers and
//! elapsed time, the HATEOAS links, and the payload's attributes, typed or by index and JSON
//! pointer (the body is JSON: `cargo add serde_json` to build values like the metadata here).
//!
//! ```text
//! cargo run --example response_format
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::core::source::Address;
use checkout_sdk::prelude::*;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?.billing_address(Address::new().city("London"));
    let request = PaymentRequest::builder(card, 100, Currency::USD)
        .reference("pay_ref")
        .metadata("some_array", json!([{"key1": "value1"}]))
        .build()?;
    let response = client.payments().request(request).await?;

    // Request id (quote it to Checkout.com's support) and API version.
    println!("request_id: {}", response.request_id().unwrap_or("-"));
    println!("api_version: {}", response.api_version().unwrap_or("-"));
    // The HTTP response.
    let http = response.http();
    println!("status: {}", http.status);
    println!("headers: {}, content-type {}", http.headers.len(), http.headers.get("content-type").unwrap_or("-"));
    println!("elapsed: {:?}", http.elapsed.unwrap_or_default());
    // HATEOAS links.
    let rels: Vec<&str> = response.links().iter().map(|(rel, _)| rel).collect();
    println!("links: {}", rels.join(", "));
    println!("self_link: {}", response.self_link().map_or("-", |l| l.href.as_str()));
    println!("has_link(\"capture\"): {}", if response.has_link("capture") { "yes" } else { "no" });
    println!("get_link(\"actions\"): {}", response.get_link("actions").map_or("-", |l| l.href.as_str()));

    // Payload attributes: typed fields, index access, and JSON pointers for the rest.
    println!("id: {} (response[\"id\"] is {})", response.id, response["id"]);
    println!("source.type: {}", response["source"]["type"]);
    println!("source.billing_address.city: {}", response["source"]["billing_address"]["city"]);
    println!("metadata.some_array[0].key1: {}", response["metadata"]["some_array"][0]["key1"]);
    println!("pointer /source/last4: {}", response.pointer("/source/last4").unwrap_or(&json!(null)));
    println!("missing attribute: {}", response["no_such_attribute"]);

    // Responses are immutable; take the body to add attributes of your own.
    let mut body = response.into_body();
    if let Some(map) = body.as_object_mut() {
        map.insert("custom_attr1".into(), json!("custom attribute 1"));
        map.insert("custom_attr2".into(), json!(999));
    }
    println!("custom_attr1: {}, custom_attr2: {}", body["custom_attr1"], body["custom_attr2"]);
    Ok(())
}
