"""Interop check: Checkout.com's official Python SDK, pointed at checkout-sandbox.

Usage: python3 python_sdk.py http://127.0.0.1:PORT/
Requests a card payment, captures it, reads it back and lists its actions, exiting non-zero
on any mismatch.
"""
import sys
import warnings

from checkout_sdk.checkout_sdk import CheckoutSdk
from checkout_sdk.common.enums import Currency
from checkout_sdk.environment import Environment
from checkout_sdk.payments.payments import CaptureRequest, PaymentRequest, PaymentRequestCardSource

warnings.simplefilter("ignore")
base = sys.argv[1]
# Every API family points at the simulator; only /payments is used.
env = Environment(base, base, base, base, base, base, base, True)
api = CheckoutSdk.builder().secret_key("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e").environment(env).use_legacy_domain().build()

source = PaymentRequestCardSource()
source.number, source.expiry_month, source.expiry_year, source.cvv = "4242424242424242", 6, 2030, "100"
request = PaymentRequest()
request.source, request.amount, request.currency, request.reference = source, 1000, Currency.USD, "python-sdk"
payment = api.payments.request_payment(request)
assert payment.approved and payment.status == "Authorized", payment.status

capture = CaptureRequest()
capture.amount, capture.reference = 1000, "python-capture"
action = api.payments.capture_payment(payment.id, capture)
assert action.action_id.startswith("act_")

details = api.payments.get_payment_details(payment.id)
assert details.status == "Captured", details.status
actions = api.payments.get_payment_actions(payment.id)
types = [a.type for a in actions.items]
assert types == ["Capture", "Authorization"], types
print("official Python SDK:", payment.id, "->", details.status, types)
