//! Firmware for an emulated Cortex-M4 (qemu's `mps2-an386` board) that does one whole card
//! payment the way a payment device would, with `checkout-sdk-core` and no operating system:
//!
//! 1. builds a card payment request (full card details, amount, currency, reference);
//! 2. sends it with the core's blocking client over the firmware's own transport, whose first
//!    connection drops after sending, so the client waits (on SysTick) and retries once with
//!    the same idempotency key;
//! 3. reads the API reference's `201` into a typed payment;
//! 4. classifies its outcome;
//! 5. captures it (the reference's `202`);
//!
//! and prints each step and the heap it used through semihosting, then exits with status 0 only
//! if every check passed (any failure, panic or fault exits non-zero). CI runs it under
//! `qemu-system-arm` and checks the lines it prints (`.ci/run`).
//!
//! It has its own panic handler and allocator, so linking `std` would fail the build: this is
//! also the proof that the core is `no_std`.
#![no_std]
#![no_main]

mod clock;
mod console;
mod heap;
mod network;
mod random;

use checkout_sdk_core::blocking::{self, BlockingSleeper};
use checkout_sdk_core::config::{Config, SecretKey};
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::outcome::Outcome;
use checkout_sdk_core::payment::PaymentStatus;
use checkout_sdk_core::request::{ActionRequest, Customer, PaymentRequest};
use checkout_sdk_core::retry::RetryPolicy;
use checkout_sdk_core::source::{Address, CardSource, PaymentSource};
use checkout_sdk_core::Error;
use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::hprintln;

use crate::clock::SysTickSleeper;
use crate::console::fail;
use crate::network::Network;
use crate::random::Xorshift;

/// The API reference's sandbox key (a test key, not a secret).
const SECRET_KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// What the API expects in `Authorization` for such a key.
const AUTHORIZATION: &str = "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// The Visa test card.
const CARD_NUMBER: &str = "4242424242424242";
/// The order the payment is for.
const REFERENCE: &str = "ORD-5023-4E89";
/// The key generator's seed: a constant on the emulator, which has no entropy source (see
/// [`random`] for what a real device must use instead).
const SEED: u64 = 0x5eed_c4ec_0a11_2026;

#[entry]
fn main() -> ! {
    heap::init();
    let Some(peripherals) = cortex_m::Peripherals::take() else { fail!("the core peripherals were taken twice") };
    let sleeper = SysTickSleeper::new(peripherals.SYST);
    hprintln!("checkout-firmware: checkout-sdk-core without std on a Cortex-M4 (qemu mps2-an386)");

    let payment_peak = match pay_and_capture(&sleeper) {
        Ok(peak) => peak,
        Err(error) => fail!("{}", error),
    };

    // Everything the run allocated has been dropped: a byte still live is a leak.
    let usage = heap::usage();
    hprintln!(
        "heap: peak {} bytes live (payment {}, then capture), arena high-water {} of {} bytes, {} allocations, {} bytes live after the run",
        usage.peak,
        payment_peak,
        usage.high_water,
        heap::ARENA,
        usage.allocations,
        usage.live
    );
    if usage.live != 0 {
        fail!("{} bytes are still allocated after every value was dropped", usage.live);
    }
    hprintln!("PASS: payment requested, retried with the same key, classified and captured");
    console::pass()
}

/// Steps 1 to 5. Returns the peak heap of the payment (steps 1 to 4) alone; the whole run's
/// peak, capture included, is in [`heap::usage`].
fn pay_and_capture(sleeper: &SysTickSleeper) -> Result<usize, Error> {
    heap::reset_peak();
    let network = Network::new(AUTHORIZATION);
    let config = Config::sandbox(SecretKey::new(SECRET_KEY)?);
    let client = blocking::Client::builder(config, |request| network.send(request))
        .sleeper(|wait| sleeper.sleep(wait))
        .retry_policy(RetryPolicy::default())
        .randomness(Xorshift::seeded(SEED))
        .build();

    // 1. The request, as a card terminal would build it.
    let card = CardSource::new(CARD_NUMBER, 6, 2030)?.cvv("100")?.name("Jack Napier").billing_address(
        Address::new().address_line1("90 Tottenham Court Road").city("London").zip("W1T 4TJ").country("GB"),
    );
    let request = PaymentRequest::builder(card, 6540, Currency::USD)
        .reference(REFERENCE)
        .customer(Customer::new().email("jokershere@gmail.com").name("Jack Napier"))
        .build()?;
    let last4 = match &request.source {
        PaymentSource::Card(card) => card.number.last4(),
        _ => fail!("the card payment lost its card"),
    };
    hprintln!(
        "step 1 request: card payment of {} {}, reference {}, card ending {}",
        request.amount,
        request.currency,
        REFERENCE,
        last4
    );

    // 2. Send it: the first connection drops, the client retries with the same key.
    hprintln!("step 2 send: POST /payments with the blocking client");
    let payment = client.payments().request(request)?;
    let Some(key) = payment.idempotency_key() else { fail!("the payment came back without its idempotency key") };
    if network.payment_attempts() != 2 {
        fail!("one dropped connection must cost one retry; the network saw {} attempts", network.payment_attempts());
    }
    if !network.is_payment_key(key.as_str()) {
        fail!("the payment reports key {}, which is not the key its attempts carried", key);
    }

    // 3. The typed payment.
    let (Some(status), Some(amount), Some(currency)) = (payment.status.as_ref(), payment.amount, payment.currency)
    else {
        fail!("the 201 was read without its status, amount or currency");
    };
    if payment.id != network::PAYMENT_ID || *status != PaymentStatus::Authorized || amount != 6540 {
        fail!("the 201 was not read as payment {} Authorized for 6540", network::PAYMENT_ID);
    }
    hprintln!(
        "step 3 payment: {} {}, {} {}, request id {}, after {} attempts with one key {}",
        payment.id,
        status,
        amount,
        currency,
        payment.request_id().unwrap_or("none"),
        network.payment_attempts(),
        key
    );

    // 4. The outcome. The reference's 201 is approved (response code 10000) with
    //    `risk.flagged: true`, which the SDK classifies as Flagged: approved, to be reviewed
    //    before the goods go out. The device captures an approved payment either way.
    let Outcome::Flagged = payment.outcome() else {
        fail!("the reference 201 is approved and risk-flagged; the SDK classified it otherwise");
    };
    let code = payment.response_code.as_ref().map_or("none", |c| c.as_str());
    hprintln!(
        "step 4 outcome: Flagged (approved: {}, response code {}, risk flagged for review)",
        payment.is_approved(),
        code
    );
    if !payment.is_approved() || !payment.can_capture() {
        fail!("the reference 201 is approved and offers a capture link; the SDK read it otherwise");
    }
    let payment_peak = heap::usage().peak;

    // 5. Capture it.
    hprintln!("step 5 capture: POST /payments/{}/captures", payment.id);
    let accepted = client.payments().capture(&payment.id, ActionRequest::full().reference(REFERENCE))?;
    if accepted.action_id != network::CAPTURE_ACTION_ID || network.capture_attempts() != 1 {
        fail!("the capture's 202 was not read as action {}", network::CAPTURE_ACTION_ID);
    }
    hprintln!("step 5 captured: action {}, status {}", accepted.action_id, accepted.status());
    Ok(payment_peak)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    // The location only: a panic message could quote data the firmware handles.
    match info.location() {
        Some(at) => fail!("panicked at {}:{}", at.file(), at.line()),
        None => fail!("panicked"),
    }
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    fail!("hard fault at pc {:#010x}", frame.pc())
}

#[exception]
unsafe fn DefaultHandler(irq: i16) {
    fail!("unexpected exception or interrupt {}", irq)
}
