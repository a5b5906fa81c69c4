//! A firmware-style binary that uses `checkout-sdk-core` with no operating system: it builds a
//! card payment request, serialises it, and parses a `201` response into a typed payment and
//! its outcome. It has its own panic handler and allocator, so linking `std` (whose panic
//! handler would clash) fails the build: this is the proof that the core is `no_std`.
#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering};

use checkout_sdk_core::config::{Config, SecretKey};
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::operation::{Operation, RequestPayment};
use checkout_sdk_core::outcome::Outcome;
use checkout_sdk_core::request::PaymentRequest;
use checkout_sdk_core::source::CardSource;
use checkout_sdk_core::transport::HttpResponse;

/// A bump allocator over a static arena: enough for one request and one response.
struct Bump;

const ARENA: usize = 64 * 1024;
static mut HEAP: [u8; ARENA] = [0; ARENA];
static NEXT: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut start = 0;
        let claimed = NEXT.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |next| {
            start = (next + layout.align() - 1) & !(layout.align() - 1);
            let end = start.checked_add(layout.size())?;
            (end <= ARENA).then_some(end)
        });
        match claimed {
            Ok(_) => unsafe { core::ptr::addr_of_mut!(HEAP).cast::<u8>().add(start) },
            Err(_) => core::ptr::null_mut(),
        }
    }
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

const RESPONSE: &[u8] = br#"{"id":"pay_mbabizu24mvu3mela5njyhpit4","action_id":"act_mbabizu24mvu3mela5njyhpit4",
"amount":6540,"currency":"USD","approved":true,"status":"Authorized","response_code":"10000",
"response_summary":"Approved","risk":{"flagged":false},"source":{"type":"card","last4":"4242"},
"_links":{"self":{"href":"https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"}}}"#;

/// Builds, serialises and parses one payment; returns 0 when the outcome is Approved.
fn run() -> u32 {
    let Ok(key) = SecretKey::new("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e") else { return 1 };
    let config = Config::sandbox(key);
    let Ok(card) = CardSource::new("4242424242424242", 6, 2030) else { return 2 };
    let Ok(request) = PaymentRequest::builder(card, 6540, Currency::USD).reference("ORD-1").build() else { return 3 };
    let op = RequestPayment::new(request);
    let Ok(http_request) = op.build_request(&config) else { return 4 };
    if http_request.body.is_empty() {
        return 5;
    }
    let Ok(payment) = op.parse_response(HttpResponse::new(201, RESPONSE)) else { return 6 };
    match payment.outcome() {
        Outcome::Approved => 0,
        _ => 7,
    }
}

/// The entry point a bare-metal linker looks for.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    let code = run();
    // Keep the result observable so the optimiser cannot drop the work.
    core::hint::black_box(code);
    loop {}
}
