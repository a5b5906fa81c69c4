"""Interop check: Checkout.com's official Python SDK (checkout-sdk 4.8.1), pointed at checkout-sandbox.

Usage: python3 python_sdk.py http://127.0.0.1:PORT/
With a secret key: requests a card payment, captures it, reads it back and lists its actions;
raises an estimated authorization, reverses a payment both ways (a void, then a refund), lists
payments by reference and searches them, and pays out to a bank account. With OAuth client
credentials exchanged at the sandbox's /connect/token: requests a payment. Exits non-zero on any
mismatch.
"""
import sys
import warnings
from datetime import datetime, timedelta

from checkout_sdk.checkout_sdk import CheckoutSdk
from checkout_sdk.common.common import AccountHolder
from checkout_sdk.common.enums import AccountHolderType, AccountType, Country, Currency
from checkout_sdk.environment import Environment
from checkout_sdk.oauth_scopes import OAuthScopes
from checkout_sdk.payments.payments import (
    AuthorizationRequest,
    AuthorizationType,
    CaptureRequest,
    PaymentBankAccountDestination,
    PaymentRequest,
    PaymentRequestCardSource,
    PaymentsQueryFilter,
    PaymentsSearchRequest,
    PayoutRequest,
    PayoutRequestCurrencyAccountSource,
    ReversePaymentRequest,
)

warnings.simplefilter("ignore")
base = sys.argv[1]
token_url = base + "connect/token"
# Every API family points at the sandbox; only /payments and /connect/token are used.
env = Environment(base, token_url, base, base, base, base, base, True)
# Accounts with new-format keys and OAuth name a processing channel on every payment and payout.
CHANNEL = "pc_q4dbxom5jbgudnjzjpz7j2z6uq"
REFERENCE = "python-sdk"

api = CheckoutSdk.builder().secret_key("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e").environment(env).use_legacy_domain().build()


def card_payment(amount, authorization_type=None):
    source = PaymentRequestCardSource()
    source.number, source.expiry_month, source.expiry_year, source.cvv = "4242424242424242", 6, 2030, "100"
    request = PaymentRequest()
    request.source, request.amount, request.currency, request.reference = source, amount, Currency.USD, REFERENCE
    request.processing_channel_id = CHANNEL
    if authorization_type is not None:
        request.authorization_type = authorization_type
    return request


# A payment, captured, read back, with its actions.
payment = api.payments.request_payment(card_payment(1000))
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

# Incremental authorization of an estimated authorization.
estimated = api.payments.request_payment(card_payment(2000, AuthorizationType.ESTIMATED))
increment = AuthorizationRequest()
increment.amount, increment.reference = 500, "python-increment"
raised = api.payments.increment_payment_authorization(estimated.id, increment)
assert raised.approved and raised.status == "Authorized", raised.status
assert raised.balances.total_authorized == 2500, raised.balances.total_authorized
print("incremental authorization:", raised.action_id, "-> authorized", raised.balances.total_authorized)

# Reversals: the authorization is voided, the captured payment refunded.
reversal = ReversePaymentRequest()
reversal.reference = "python-reversal"
voided = api.payments.reverse_payment(estimated.id, reversal)
refunded = api.payments.reverse_payment(payment.id)
assert (voided.action_type, refunded.action_type) == ("Void", "Refund"), (voided.action_type, refunded.action_type)
assert api.payments.get_payment_details(estimated.id).status == "Voided"
assert api.payments.get_payment_details(payment.id).status == "Refunded"
print("reversals:", voided.action_type, refunded.action_type)

# List by reference, newest first, a page at a time.
query = PaymentsQueryFilter()
query.reference, query.limit, query.skip = REFERENCE, 1, 1
page = api.payments.get_payments_list(query)
assert (page.total_count, page.limit, page.skip) == (2, 1, 1), (page.total_count, page.limit, page.skip)
assert [p.id for p in page.data] == [payment.id], [p.id for p in page.data]
print("list by reference:", page.total_count, "payments")

# Search, in a period around now.
search = PaymentsSearchRequest()
search.query = "reference:'%s' AND status:'Refunded'" % REFERENCE
search.limit = 10
search.from_ = datetime.utcnow() - timedelta(hours=1)
search.to = datetime.utcnow() + timedelta(hours=1)
found = api.payments.search_payments(search)
assert [p.id for p in found.data] == [payment.id], [p.id for p in found.data]
print("search:", len(found.data), "found")

# A payout to a bank account, from a currency account.
destination = PaymentBankAccountDestination()
destination.account_type, destination.account_number, destination.bank_code = AccountType.CURRENT, "13654567", "050389"
destination.country = Country.GB
holder = AccountHolder()
holder.type, holder.first_name, holder.last_name = AccountHolderType.INDIVIDUAL, "Ann", "Lee"
destination.account_holder = holder
source = PayoutRequestCurrencyAccountSource()
source.id = "ca_y3oqhf46pyzuxjbcn2giaqnb44"
payout = PayoutRequest()
payout.destination, payout.source, payout.amount, payout.currency = destination, source, 1000, Currency.GBP
payout.reference, payout.processing_channel_id = "python-payout", CHANNEL
accepted = api.payments.request_payout(payout)
assert accepted.status == "Pending" and accepted.id.startswith("pay_"), accepted.status
fetched = api.payments.get_payment_details(accepted.id)
assert fetched.status in ("Pending", "Paid"), fetched.status
print("payout:", accepted.id, accepted.status, "->", fetched.status)

# OAuth: client credentials exchanged at the sandbox's token endpoint, then a payment.
oauth = (
    CheckoutSdk.builder()
    .oauth()
    .client_credentials("ack_vvzhoai466su3j3vbxb47ts5oe", "Pmg31c6UhZfKmyVsWLGq8Cj7ChFNe3Yw")
    .authorization_uri(token_url)
    .scopes([OAuthScopes.GATEWAY, OAuthScopes.PAYMENTS_SEARCH])
    .environment(env)
    .use_legacy_domain()
    .build()
)
authorized = oauth.payments.request_payment(card_payment(1500))
assert authorized.approved and authorized.status == "Authorized", authorized.status
print("OAuth payment:", authorized.id, authorized.status)
