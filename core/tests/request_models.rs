//! Table tests of the request models: the API reference's own request examples sent through
//! `from_json` (or serde) and through the typed builders, every field found in the body sent;
//! open models that keep what they do not model; builders that chain the same way; closed sets
//! read in any case; currencies and amounts by Checkout.com's rules; errors that name the field
//! and never the value; and the response models of the new operations.
//!
//! The examples are copied into `tests/fixtures/requests/` (see its README for where each comes
//! from).

mod support;

use checkout_sdk_core::action::ActionType;
use checkout_sdk_core::authorization::Authorization;
use checkout_sdk_core::currency::{AmountError, Currency, MAX_AMOUNT};
use checkout_sdk_core::id::{ActionId, CustomerId};
use checkout_sdk_core::page::Page;
use checkout_sdk_core::payment::PaymentStatus;
use checkout_sdk_core::payout::{Payout, PayoutStatus};
use checkout_sdk_core::request::{
    AccountHolder, ActionRequest, AmountAllocation, AuthorizationType, BankAccountDestination, BillingDescriptor,
    CancellationRequest, CaptureType, ChargeBearer, Customer, DowntimeRetry, DunningRetry, FieldError, FieldProblem,
    IdDestination, IncrementalAuthorizationRequest, Instruction, InstructionScheme, Item, PaymentListQuery,
    PaymentRequest, PaymentRetry, PaymentSearchRequest, PaymentType, PayoutRequest, PayoutSource, Recipient,
    ReversalRequest, Risk, Sender, Shipping, ThreeDs, VoidRequest,
};
use checkout_sdk_core::reversal::ReversalAccepted;
use checkout_sdk_core::source::{Address, Phone, TokenSource};
use checkout_sdk_core::InvalidInput;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use support::fixture_json;

/// Every leaf of `value` as a JSON pointer and its value (empty objects and arrays count as
/// leaves too, so that they are checked as well).
fn leaves(value: &Value, at: String, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                leaves(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{at}/{i}"), out);
            }
        }
        _ => out.push((at, value.clone())),
    }
}

/// Whether `sent` carries `given`: the same value, or a number the API documents as text sent as
/// its decimal text (`"eci": 5` is sent as `"5"`).
fn carries(given: &Value, sent: &Value) -> bool {
    given == sent || matches!((given, sent), (Value::Number(n), Value::String(s)) if n.to_string() == *s)
}

/// Checks that every field of `example` is in `body` with its value.
fn assert_every_field_sent(name: &str, example: &Value, body: &Value) {
    let mut fields = Vec::new();
    leaves(example, String::new(), &mut fields);
    assert!(fields.len() > 2, "{name}: the example has fields");
    for (pointer, given) in &fields {
        let sent = body.pointer(pointer).unwrap_or_else(|| panic!("{name}: {pointer} is not sent in {body}"));
        assert!(carries(given, sent), "{name}: {pointer} is sent as {sent}, given {given}");
    }
}

fn body(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("the request serialises")
}

/// The API reference's payment example (ABC and NAS bundles differ only in the recipient's `dob`),
/// built with the typed builder, field by field.
fn reference_payment(recipient_dob: &str) -> PaymentRequest {
    let customer_id: CustomerId = "cus_udst2tfldj6upmye2reztkmm4i".parse().unwrap();
    PaymentRequest::builder(TokenSource::new("tok_4gzeau5o2uqubbk6fufs3m7p54"), 6540, Currency::USD)
        .payment_type(PaymentType::Recurring)
        .reference("ORD-5023-4E89")
        .description("Set of 3 masks")
        .capture(true)
        .capture_on("2019-09-10T10:11:12.0000000+00:00")
        .customer(Customer::new().id(customer_id).email("jokershere@gmail.com").name("Jack Napier"))
        .billing_descriptor(BillingDescriptor::new().name("SUPERHEROES.COM").city("GOTHAM"))
        .shipping(
            Shipping::to(
                Address::new()
                    .address_line1("Checkout.com")
                    .address_line2("90 Tottenham Court Road")
                    .city("London")
                    .state("London")
                    .zip("W1T 4TJ")
                    .country("GB"),
            )
            .phone(Phone::new("1", "415 555 2671")),
        )
        .three_ds(
            ThreeDs::enabled()
                .attempt_n3d(true)
                .eci("5")
                .cryptogram("AgAAAAAAAIR8CQrXcIhbQAAAAAA=")
                .xid("MDAwMDAwMDAwMDAwMDAwMzIyNzY=")
                .version("2.0.1"),
        )
        .previous_payment_id("pay_fun26akvvjjerahhctaq2uzhu4")
        .risk(false)
        .success_url("http://example.com/payments/success")
        .failure_url("http://example.com/payments/fail")
        .payment_ip("90.197.169.245")
        .recipient(Recipient::new().dob(recipient_dob).account_number("5555554444").zip("W1T").last_name("Jones"))
        .metadata("coupon_code", "NY2018")
        .metadata("partner_id", 123989)
        .build()
        .expect("the reference example is a valid request")
}

#[test]
fn payment_examples_send_every_field_through_from_json_and_the_builder() {
    let cases = [
        ("payment_abc_2021.json", "1985-05-15T00:00:00.0000000+00:00"),
        ("payment_nas_2021.json", "1985-05-15T00:00:00.0000000+01:00"),
    ];
    for (name, dob) in cases {
        let example = fixture_json(&format!("requests/{name}"));
        let from_json = PaymentRequest::from_json(example.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_every_field_sent(name, &example, &body(&from_json));
        let built = reference_payment(dob);
        assert_every_field_sent(name, &example, &body(&built));
        assert_eq!(from_json, built, "{name}: from_json and the builder make the same request");
    }
}

#[test]
fn payout_example_sends_every_field_through_from_json_and_the_builder() {
    let example = fixture_json("requests/payout_nas_2021.json");
    let from_json = PayoutRequest::from_json(example.clone()).unwrap();
    assert_every_field_sent("payout", &example, &body(&from_json));
    let built = PayoutRequest::builder(IdDestination::new("src_gsd2agaqd2sernz5tpcfv555nq"), 1000, Currency::GBP)
        .source(PayoutSource::currency_account("ca_y3oqhf46pyzuxjbcn2giaqnb44"))
        .reference("PO-215-5721")
        .billing_descriptor(BillingDescriptor::new().reference("Withdrawal"))
        .sender(Sender::instrument().reference("8285282045818"))
        .instruction(
            Instruction::new()
                .purpose("Withdrawal")
                .scheme(InstructionScheme::Local)
                .quote_id("qte_mbabizu24mvu3mela5njyhpit4"),
        )
        .processing_channel_id("pc_hpswyyx23geezflc2ocz3exn4y")
        .build()
        .unwrap();
    assert_every_field_sent("payout", &example, &body(&built));
    assert_eq!(from_json, built);
    assert_eq!(serde_json::from_value::<PayoutRequest>(example).unwrap(), built, "serde reads as from_json does");
}

/// Reads `example` with serde, checks every field is sent, and that `built` is the same request.
fn action_example<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(name: &str, built: T) {
    let example = fixture_json(&format!("requests/{name}"));
    let read: T = serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_every_field_sent(name, &example, &body(&read));
    assert_every_field_sent(name, &example, &body(&built));
    assert_eq!(read, built, "{name}");
}

#[test]
fn action_examples_send_every_field_through_serde_and_the_builders() {
    action_example(
        "capture_nas_2021.json",
        ActionRequest::full()
            .amount(6540)
            .capture_type(CaptureType::Final)
            .reference("ORD-5023-4E89")
            .metadata("coupon_code", "NY2018")
            .metadata("partner_id", 123989),
    );
    action_example(
        "refund_nas_2021.json",
        ActionRequest::new()
            .amount(6540)
            .reference("ORD-5023-4E89")
            .metadata("coupon_code", "NY2018")
            .metadata("partner_id", 123989),
    );
    action_example(
        "void_docs_2025.json",
        VoidRequest::new().reference("ORD-5023-4E89").metadata("coupon_code", "NY2024").metadata("partner_id", 123989),
    );
    action_example(
        "authorization_nas_2021.json",
        IncrementalAuthorizationRequest::new()
            .amount(6540)
            .reference("ORD-5023-4E89")
            .metadata("coupon_code", "NY2018")
            .metadata("partner_id", 123989),
    );
    action_example(
        "search_python_sdk.json",
        PaymentSearchRequest::new("id:'pay_mbabizu24mvu3mela5njyhpit4'")
            .limit(10)
            .from("2025-01-01T00:00:00Z")
            .to("2025-01-01T00:10:00Z"),
    );
}

#[test]
fn fields_the_sdk_does_not_model_are_sent_at_every_depth() {
    let example = fixture_json("requests/payment_unmodelled_fields.json");
    let request = PaymentRequest::from_json(example.clone()).unwrap();
    let sent = body(&request);
    assert_every_field_sent("unmodelled fields", &example, &sent);
    // Typed where modelled, kept where not.
    assert_eq!(request.customer.as_ref().and_then(|c| c.tax_number.as_deref()), Some("1350693505279"));
    assert_eq!(request.customer.as_ref().unwrap().extra["summary"]["is_premium_customer"], json!(true));
    assert_eq!(request.authorization_type, Some(AuthorizationType::Estimated));
    let retry = request.retry.as_ref().expect("retry is modelled");
    assert_eq!((retry.enabled, retry.max_attempts, retry.end_after_days), (Some(true), Some(2), None));
    // What is sent reads back as the same request.
    assert_eq!(PaymentRequest::from_json(sent).unwrap(), request);
}

#[test]
fn every_open_model_keeps_and_sends_what_it_does_not_model() {
    // (name, the model with an extra field, read back from its own body)
    type Case = (&'static str, Value, fn(Value) -> Result<Value, serde_json::Error>);
    fn round_trip<T: DeserializeOwned + Serialize>(v: Value) -> Result<Value, serde_json::Error> {
        serde_json::to_value(serde_json::from_value::<T>(v)?)
    }
    let cases: Vec<Case> = vec![
        ("customer", body(&Customer::new().name("A").extra("x_new", 1)), round_trip::<Customer>),
        ("shipping", body(&Shipping::new().first_name("A").extra("x_new", 1)), round_trip::<Shipping>),
        ("risk", body(&Risk::enabled(true).extra("x_new", 1)), round_trip::<Risk>),
        ("retry", body(&PaymentRetry::new().enabled(true).extra("x_new", 1)), round_trip::<PaymentRetry>),
        ("retry.dunning", body(&DunningRetry::enabled().extra("x_new", 1)), round_trip::<DunningRetry>),
        ("retry.downtime", body(&DowntimeRetry::from(true).extra("x_new", 1)), round_trip::<DowntimeRetry>),
        ("3ds", body(&ThreeDs::enabled().extra("x_new", 1)), round_trip::<ThreeDs>),
        ("address", body(&Address::new().city("London").extra("x_new", 1)), round_trip::<Address>),
        ("phone", body(&Phone::new("+44", "7700 900077").extra("x_new", 1)), round_trip::<Phone>),
        ("sender", body(&Sender::corporate("Acme").extra("x_new", 1)), round_trip::<Sender>),
        ("recipient", body(&Recipient::new().zip("W1T").extra("x_new", 1)), round_trip::<Recipient>),
        (
            "billing descriptor",
            body(&BillingDescriptor::new().name("A").extra("x_new", 1)),
            round_trip::<BillingDescriptor>,
        ),
        ("item", body(&Item::new().name("A").extra("x_new", 1)), round_trip::<Item>),
        ("allocation", body(&AmountAllocation::new("ent_x").extra("x_new", 1)), round_trip::<AmountAllocation>),
        ("capture/refund", body(&ActionRequest::new().amount(1).extra("x_new", 1)), round_trip::<ActionRequest>),
        ("void", body(&VoidRequest::new().amount(1).extra("x_new", 1)), round_trip::<VoidRequest>),
        (
            "authorization",
            body(&IncrementalAuthorizationRequest::new().amount(1).extra("x_new", 1)),
            round_trip::<IncrementalAuthorizationRequest>,
        ),
        ("reversal", body(&ReversalRequest::new().reference("R").extra("x_new", 1)), round_trip::<ReversalRequest>),
        (
            "cancellation",
            body(&CancellationRequest::new().reference("C").extra("x_new", 1)),
            round_trip::<CancellationRequest>,
        ),
        ("search", body(&PaymentSearchRequest::new("q").extra("x_new", 1)), round_trip::<PaymentSearchRequest>),
        ("instruction", body(&Instruction::new().purpose("p").extra("x_new", 1)), round_trip::<Instruction>),
        ("account holder", body(&AccountHolder::corporate("Acme").extra("x_new", 1)), round_trip::<AccountHolder>),
        (
            "bank account",
            body(&BankAccountDestination::new("GB").iban("GB33BUKB20201555555555").extra("x_new", 1)),
            round_trip::<BankAccountDestination>,
        ),
    ];
    for (name, sent, read_back) in cases {
        assert_eq!(sent["x_new"], json!(1), "{name}: the extra field is sent: {sent}");
        assert_eq!(read_back(sent.clone()).unwrap(), sent, "{name}: reading the body keeps the extra field");
    }
}

#[test]
fn an_extra_field_that_repeats_a_modelled_one_is_refused_not_sent_twice() {
    let refused: Vec<(&str, Result<Value, serde_json::Error>)> = vec![
        ("capture amount", serde_json::to_value(ActionRequest::new().amount(1).extra("amount", 2))),
        ("void reference", serde_json::to_value(VoidRequest::new().extra("reference", "x"))),
        ("customer email", serde_json::to_value(Customer::new().extra("email", "x"))),
        ("address city", serde_json::to_value(Address::new().extra("city", "x"))),
        ("sender type", serde_json::to_value(Sender::instrument().extra("type", "x"))),
    ];
    for (name, result) in refused {
        let err = result.expect_err(name).to_string();
        assert!(err.contains("is a modelled field"), "{name}: {err}");
    }
    // Each model's FIELDS names exactly what it serialises when every field is set.
    let customer = Customer::new()
        .id("cus_udst2tfldj6upmye2reztkmm4i".parse::<CustomerId>().unwrap())
        .email("e")
        .name("n")
        .phone(Phone::new("1", "2"))
        .tax_number("t");
    let keys: Vec<String> = body(&customer).as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), Customer::FIELDS.len());
    assert!(keys.iter().all(|k| Customer::FIELDS.contains(&k.as_str())), "{keys:?}");
}

#[test]
fn builders_chain_the_same_way_everywhere() {
    let capture = ActionRequest::full().amount(2000).reference("CAPTURE-1");
    assert_eq!(body(&capture), json!({"amount": 2000, "reference": "CAPTURE-1"}));
    let refund = ActionRequest::new()
        .reference("REFUND-1")
        .amount(500)
        .capture_action_id("act_fd3h6evhpn3uxdoqbuu3lqnqbm".parse::<ActionId>().unwrap())
        .item(Item::new().name("mask").quantity(1).unit_price(500));
    assert_eq!(
        body(&refund),
        json!({"amount": 500, "reference": "REFUND-1", "capture_action_id": "act_fd3h6evhpn3uxdoqbuu3lqnqbm",
               "items": [{"name": "mask", "quantity": 1, "unit_price": 500}]})
    );
    // Setters in any order give the same request.
    assert_eq!(VoidRequest::new().reference("VOID").amount(100), VoidRequest::new().amount(100).reference("VOID"));
    assert_eq!(body(&VoidRequest::new().reference("VOID").amount(100)), json!({"amount": 100, "reference": "VOID"}));
    assert_eq!(body(&Customer::new().email("a@b.c").name("A")), json!({"email": "a@b.c", "name": "A"}));
    assert_eq!(
        body(&Address::new().address_line1("1").address_line2("2").state("S")),
        json!({"address_line1": "1", "address_line2": "2", "state": "S"})
    );
    assert_eq!(PaymentListQuery::new("ORD-1").limit(10).skip(10).query_string(), "reference=ORD-1&limit=10&skip=10");
}

#[test]
fn closed_sets_are_read_in_any_case_and_sent_in_the_api_spelling() {
    let base = json!({"source": {"token": "tok_ubfj2q76miwundwlk72vxt2i7q"}, "amount": 100, "currency": "usd"});
    let cases: &[(&str, Value, &str, Value)] = &[
        ("payment_type", json!("regular"), "/payment_type", json!("Regular")),
        ("payment_type", json!("moto"), "/payment_type", json!("MOTO")),
        ("payment_type", json!("INSTALLMENT"), "/payment_type", json!("Installment")),
        ("payment_type", json!("payLater"), "/payment_type", json!("PayLater")),
        ("authorization_type", json!("ESTIMATED"), "/authorization_type", json!("Estimated")),
        ("sender", json!({"type": "INDIVIDUAL", "first_name": "A"}), "/sender/type", json!("individual")),
        ("currency", json!("gbp"), "/currency", json!("GBP")),
    ];
    for (field, given, pointer, sent) in cases {
        let mut input = base.clone();
        input[*field] = given.clone();
        let request = PaymentRequest::from_json(input).unwrap_or_else(|e| panic!("{field} {given}: {e}"));
        assert_eq!(body(&request).pointer(pointer), Some(sent), "{field} {given}");
    }
    let capture: ActionRequest = serde_json::from_value(json!({"capture_type": "nonfinal"})).unwrap();
    assert_eq!(capture.capture_type, Some(CaptureType::NonFinal));
    let instruction: Instruction = serde_json::from_value(json!({"charge_bearer": "sha", "scheme": "SWIFT"})).unwrap();
    assert_eq!(
        (instruction.charge_bearer, instruction.scheme),
        (Some(ChargeBearer::Sha), Some(InstructionScheme::Swift))
    );
}

#[test]
fn currencies_and_amounts_follow_checkout_com_rules() {
    // (code, Checkout.com's minor units) from "Format the amount value", including the codes where
    // it differs from ISO 4217 (CLP: ISO 0, CLF and UYW: ISO 4, UYI: ISO 0).
    let cases = [
        ("USD", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("ISK", 0),
        ("UGX", 0),
        ("XOF", 0),
        ("BHD", 3),
        ("KWD", 3),
        ("TND", 3),
        ("CLP", 2),
        ("CLF", 2),
        ("UYI", 2),
        ("UYW", 2),
        ("XTS", 2),
    ];
    for (code, exponent) in cases {
        assert_eq!(Currency::parse(code).unwrap().exponent(), exponent, "{code}");
    }
    let payment = |amount: u64, currency: Currency| {
        PaymentRequest::builder(TokenSource::new("tok_ubfj2q76miwundwlk72vxt2i7q"), amount, currency).build()
    };
    assert!(payment(1310, Currency::BHD).is_ok());
    let last_digit =
        FieldError::new("amount", FieldProblem::Amount(AmountError::LastDigitNotZero { currency: Currency::OMR }));
    assert_eq!(payment(1312, Currency::OMR).unwrap_err(), InvalidInput::Field(last_digit));
    assert!(payment(MAX_AMOUNT, Currency::USD).is_ok());
    assert!(payment(MAX_AMOUNT + 1, Currency::USD).is_err());
    let payout = |amount: u64| PayoutRequest::builder(IdDestination::new("src_x"), amount, Currency::JOD).build();
    assert!(payout(1000).is_ok() && payout(1001).is_err());
    // A code missing from the table is sent as given, upper-cased.
    let other = payment(100, "xts".parse().unwrap()).unwrap();
    assert_eq!(body(&other)["currency"], "XTS");
}

/// Secrets typed into the wrong field: card numbers in several spellings and secret keys.
const SECRETS: &[&str] = &[
    "4242424242424242",
    "4242 4242 4242 4242",
    "4242-4242-4242-4242",
    "5436031030606378",
    "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
    "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64",
];

/// The parts of a secret that must never appear: the card number's digits or the key's body.
fn fragments(secret: &str) -> Vec<String> {
    let digits: String = secret.chars().filter(char::is_ascii_digit).collect();
    if secret.starts_with("sk_") {
        vec![secret.to_string(), secret[8..16].to_string()]
    } else {
        vec![secret.to_string(), digits[..12].to_string(), digits.clone()]
    }
}

/// Puts `secret` at `field` of a valid payment request, inside `wrap` (a wrong-typed value).
fn planted(field: &str, value: Value) -> Value {
    let mut request = json!({"source": {"token": "tok_ubfj2q76miwundwlk72vxt2i7q"}, "amount": 100, "currency": "USD"});
    let (parent, key) = match field.rsplit_once('/') {
        Some((parent, key)) => (parent, key),
        None => ("", field),
    };
    let mut target = &mut request;
    for part in parent.split('/').filter(|p| !p.is_empty()) {
        if target.get(part).is_none() {
            target[part] = json!({});
        }
        target = &mut target[part];
    }
    target[key] = value;
    request
}

/// (field, the value that makes it wrong, the path the error must name)
fn wrong_values(secret: &str) -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("reference", json!([secret]), "reference"),
        ("reference", json!({ "n": secret }), "reference"),
        ("capture", json!(secret), "capture"),
        ("amount", json!(secret), "amount"),
        ("currency", json!(secret), "currency"),
        ("payment_type", json!(secret), "payment_type"),
        ("authorization_type", json!(secret), "authorization_type"),
        ("metadata", json!(secret), "metadata"),
        ("3ds", json!(secret), "3ds"),
        ("threeds", json!([secret]), "threeds"),
        ("risk", json!(secret), "risk"),
        ("customer/id", json!(secret), "customer.id"),
        ("customer/email", json!([secret]), "customer.email"),
        ("customer/phone/number", json!({ "x": secret }), "customer.phone.number"),
        ("shipping/address/city", json!([secret]), "shipping.address.city"),
        ("items", json!([{ "quantity": secret }]), "items[0].quantity"),
        ("sender/type", json!(secret), "sender.type"),
        ("recipient/account_number", json!([secret]), "recipient.account_number"),
        ("3ds/attempt_n3d", json!(secret), "3ds.attempt_n3d"),
        ("merchant_initiated", json!(secret), "merchant_initiated"),
    ]
}

fn assert_error_hides(secret: &str, err: &InvalidInput, context: &str) {
    let text = format!("{err} | {err:?}");
    for fragment in fragments(secret) {
        assert!(!text.contains(&fragment), "{context}: the error repeats the value: {text}");
    }
}

#[test]
fn from_json_errors_name_the_field_not_the_value() {
    for secret in SECRETS {
        for (field, value, path) in wrong_values(secret) {
            let err = PaymentRequest::from_json(planted(field, value)).expect_err(field);
            let InvalidInput::Field(field_error) = &err else { panic!("{field}: not a field error: {err:?}") };
            assert_eq!(field_error.field(), path, "{field}");
            assert!(err.to_string().contains(&format!("`{path}`")), "{err}");
            assert_error_hides(secret, &err, field);
        }
        // Too long is refused by length, not by quoting it.
        let long = secret.repeat(8);
        let err = PaymentRequest::from_json(planted("reference", json!(long))).unwrap_err();
        assert_eq!(err, InvalidInput::Field(FieldError::new("reference", FieldProblem::TooLong { max: 80 })));
        assert_error_hides(secret, &err, "long reference");
        // Payouts report the same way.
        let mut payout = json!({"destination": {"type": "id", "id": "src_x"}, "amount": 1, "currency": "USD"});
        payout["instruction"] = json!({"repair": secret});
        let err = PayoutRequest::from_json(payout).unwrap_err();
        assert!(err.to_string().contains("`instruction.repair`"), "{err}");
        assert_error_hides(secret, &err, "payout");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    /// 1,000 random plantings: any secret, in any wrong-typed value, at any field, possibly with
    /// text around it, gives an error that names the field and repeats none of the secret.
    #[test]
    fn planted_secrets_never_reach_from_json_errors(
        secret in prop::sample::select(SECRETS),
        case in 0usize..20,
        prefix in "[a-z ]{0,6}",
    ) {
        let value = format!("{prefix}{secret}");
        let (field, wrong, path) = wrong_values(&value).swap_remove(case);
        let err = PaymentRequest::from_json(planted(field, wrong)).expect_err(field);
        let text = format!("{err} | {err:?}");
        prop_assert!(text.contains(&format!("`{path}`")), "{}", text);
        for fragment in fragments(secret) {
            prop_assert!(!text.contains(&fragment), "{}", text);
        }
    }
}

#[test]
fn list_and_search_pages_parse_with_their_paging() {
    let list: Page = serde_json::from_value(fixture_json("page_list_by_reference.json")).unwrap();
    assert_eq!((list.limit, list.skip, list.total_count), (Some(10), Some(0), Some(1)));
    assert_eq!(list.data.len(), 1);
    assert_eq!(list.data[0].status, Some(PaymentStatus::Declined));
    assert_eq!(list.data[0].currency, Some(Currency::EUR));
    assert_eq!(list.next_skip(), None, "one payment in all: no next page");
    let cases: &[(Value, Option<u64>, usize, usize)] = &[
        (json!({"limit": 2, "skip": 0, "total_count": 5, "data": [{"id": "pay_a"}, {"id": "pay_b"}]}), Some(2), 2, 0),
        (json!({"limit": 2, "skip": 4, "total_count": 5, "data": [{"id": "pay_e"}]}), None, 1, 0),
        // An entry that is not a payment is counted, not fatal, and still moves the page on.
        (json!({"skip": 0, "total_count": 3, "data": [{"id": "pay_a"}, {"no": "id"}]}), Some(2), 1, 1),
        (json!({"skip": 0, "total_count": 3, "data": []}), None, 0, 0),
        (json!({"data": "odd", "total_count": "x"}), None, 0, 0),
    ];
    for (input, next_skip, read, unreadable) in cases {
        let page: Page = serde_json::from_value(input.clone()).unwrap();
        assert_eq!((page.next_skip(), page.data.len(), page.unreadable), (*next_skip, *read, *unreadable), "{input}");
    }
    let search: Page = serde_json::from_value(json!({
        "data": [{"id": "pay_mbabizu24mvu3mela5njyhpit4"}],
        "_links": {"next": {"href": "https://api.sandbox.checkout.com/payments/search?page=2"}}
    }))
    .unwrap();
    assert_eq!(search.next.map(|l| l.href).as_deref(), Some("https://api.sandbox.checkout.com/payments/search?page=2"));
    assert!(serde_json::from_value::<Page>(json!([1, 2, 3])).is_err(), "a page is an object");
}

#[test]
fn incremental_authorization_and_payout_responses_parse() {
    let auth: Authorization = serde_json::from_value(fixture_json("authorization_201.json")).unwrap();
    assert_eq!(auth.action_id, "act_y3oqhf46pyzuxjbcn2giaqnb44");
    assert_eq!((auth.amount, auth.currency, auth.approved), (Some(6540), Some(Currency::USD), Some(true)));
    assert_eq!(auth.status, Some(PaymentStatus::Authorized));
    let balances = auth.balances.unwrap();
    assert_eq!((balances.total_authorized, balances.available_to_capture), (Some(6540), Some(6540)));
    let odd: Authorization =
        serde_json::from_value(json!({"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "amount": "x", "balances": [1]}))
            .unwrap();
    assert_eq!((odd.amount, odd.balances), (None, None));

    let payout: Payout = serde_json::from_value(fixture_json("payout_202_pending.json")).unwrap();
    assert_eq!(payout.status, Some(PayoutStatus::Pending));
    assert!(!payout.status.unwrap().is_final());
    for (text, status) in
        [("Paid", PayoutStatus::Paid), ("Declined", PayoutStatus::Declined), ("Returned", PayoutStatus::Returned)]
    {
        let p: Payout =
            serde_json::from_value(json!({"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": text})).unwrap();
        assert_eq!(p.status.as_ref(), Some(&status));
        assert!(status.is_final() && status.as_str() == text);
    }
    let unknown: Payout =
        serde_json::from_value(json!({"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "On Hold"})).unwrap();
    assert_eq!(unknown.status, Some(PayoutStatus::Unknown("On Hold".into())));
}

#[test]
fn reversal_acknowledgements_say_what_the_reversal_did() {
    let base = json!({"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "reference": "ORD-5023-4E89",
        "_links": {"payment": {"href": "https://api.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"}}});
    let cases: &[(Value, Option<ActionType>)] = &[
        (json!("Void"), Some(ActionType::Void)),
        (json!("Refund"), Some(ActionType::Refund)),
        (json!("Cancellation"), Some(ActionType::Unknown("Cancellation".into()))),
        (json!(null), None),
        (json!({"odd": 1}), None),
    ];
    for (action_type, expected) in cases {
        let mut body = base.clone();
        body["action_type"] = action_type.clone();
        let reversal: ReversalAccepted = serde_json::from_value(body).unwrap();
        assert_eq!(&reversal.action_type, expected, "{action_type}");
        assert_eq!(reversal.reference.as_deref(), Some("ORD-5023-4E89"));
    }
}
