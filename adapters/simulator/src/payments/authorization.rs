//! Processing a payment: the card and amount rules, redirects, and recording the outcome.

use checkout_sdk_core::webhook::EventType;

use crate::ledger::Ledger;
use crate::redirects::RedirectKind;
use crate::rules::{self, Response};
use crate::webhooks;

use super::record::{Action, Funding, Payment};

/// How an authorization was reached, which decides the rules that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthMode {
    /// No 3-D Secure: amounts that need it are declined (20154).
    Plain,
    /// 3-D Secure failed over to non-3DS (`attempt_n3d`): amount rules are skipped.
    Downgraded,
    /// After a successful 3-D Secure challenge.
    Authenticated,
}

/// Sends the payment to a redirect page: it waits, pending, under a new session id.
pub(crate) fn start_redirect(ledger: &mut Ledger, payment: &mut Payment, kind: RedirectKind) {
    let sid = ledger.ids.id("sid_");
    ledger.payments.add_session(&sid, &payment.id);
    payment.session = Some((sid, kind));
    payment.pending = true;
    ledger.emit(EventType::PaymentPending, payment, None);
}

/// Applies the card and amount rules, then settles.
pub(crate) fn authorize(ledger: &mut Ledger, payment: &mut Payment, mode: AuthMode) {
    let Funding::Card { card, .. } = &payment.funding else {
        settle(ledger, payment, rules::APPROVED);
        return;
    };
    let amount = payment.amount;
    let response = if mode == AuthMode::Plain && rules::requires_3ds(amount) {
        rules::THREEDS_REQUIRED
    } else if let Some(decline) = rules::card_decline(card.number()) {
        decline
    } else if mode == AuthMode::Downgraded {
        rules::APPROVED
    } else if let Some(stop) = rules::issuer_stop(amount) {
        // Declined on the card's first attempt at this amount only.
        if ledger.payments.first_attempt(&card.fingerprint, amount) {
            stop
        } else {
            rules::APPROVED
        }
    } else {
        rules::amount_decline(amount).unwrap_or(rules::APPROVED)
    };
    payment.risk_flagged = response == rules::RISK_BLOCKED
        || (response.is_approved() && payment.risk_enabled && rules::is_flagged(amount));
    settle(ledger, payment, response);
}

/// Records the authorization's outcome: action, auth code, and on approval the stored source.
pub(crate) fn settle(ledger: &mut Ledger, payment: &mut Payment, response: Response) {
    let now = ledger.clock.now();
    payment.pending = false;
    payment.response = Some(response);
    payment.processed_on = Some(now);
    if response.is_approved() {
        payment.auth_code = Some(ledger.ids.digits(6));
        if let Funding::Card { card, source_id } = &mut payment.funding {
            let id = match source_id {
                Some(id) => id.clone(),
                None => ledger.vault.source_for(&mut ledger.ids, &payment.customer_id, card),
            };
            ledger.vault.update_customer(&payment.customer_id, |customer| customer.default_source = Some(id.clone()));
            *source_id = Some(id);
        }
    }
    let kind = if payment.amount == 0 { "Card Verification" } else { "Authorization" };
    payment.actions.push(Action {
        id: ledger.ids.id("act_"),
        kind,
        processed_on: now,
        amount: payment.amount,
        response,
        auth_code: payment.auth_code.clone(),
        reference: payment.reference.clone(),
        metadata: None,
    });
    // A failed 3-D Secure challenge has an event of its own; every other outcome is the action's.
    let event = if response == rules::THREEDS_FAILED {
        Some(EventType::PaymentAuthenticationFailed)
    } else {
        webhooks::action_event(kind, response.is_approved())
    };
    if let Some(event) = event {
        ledger.emit(event, payment, payment.actions.last());
    }
}
