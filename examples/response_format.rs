//! What every response carries: request id, API version, HTTP status, headers, body, elapsed
//! time, HATEOAS links, and the payload's attributes by index or JSON pointer.

mod support;

use checkout_sdk::prelude::*;
use serde_json::json;
use support::run;

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let source = PaymentSource::infer(json!({
            "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100",
            "billing_address": {"city": "London"},
        }))?;
        let request = PaymentRequest::builder(source, 100, Currency::USD)
            .reference("pay_ref")
            .metadata("some_array", json!([{"key1": "value1"}]))
            .build()?;
        let response = ex.client.payments().request(request).await?;

        // Request id and API version
        println!("request_id: {}", response.request_id().unwrap_or("-"));
        println!("api_version: {}", response.api_version().unwrap_or("-"));
        // HTTP response and attributes
        println!("status: {}", response.http().status);
        println!("headers: {:?}", response.http().headers);
        println!("body: {}", response.body());
        println!("elapsed: {:?}", response.http().elapsed);
        // HATEOAS
        println!("links: {:?}", response.links().iter().map(|(rel, _)| rel).collect::<Vec<_>>());
        println!("self_link: {}", response.self_link().map_or("-", |l| l.href.as_str()));
        println!("has_link(capture): {}", response.has_link("capture"));
        println!("get_link(actions): {:?}", response.get_link("actions"));

        // Payload attributes: typed fields, index access and JSON pointers.
        println!("id: {} == {}", response.id, response["id"]);
        println!("source.type: {}", response["source"]["type"]);
        println!("source.billing_address.city: {}", response["source"]["billing_address"]["city"]);
        println!("metadata.some_array[0].key1: {}", response["metadata"]["some_array"][0]["key1"]);
        println!("pointer /source/last4: {:?}", response.pointer("/source/last4"));
        println!("missing attribute: {}", response["no_such_attribute"]);

        // Responses are immutable; take the body to add your own attributes.
        let mut body = response.into_body();
        if let Some(map) = body.as_object_mut() {
            map.insert("custom_attr1".into(), json!("custom attribute 1"));
            map.insert("custom_attr2".into(), json!(999));
        }
        println!("custom_attr1: {}, custom_attr2: {}", body["custom_attr1"], body["custom_attr2"]);
        Ok(())
    })
}
