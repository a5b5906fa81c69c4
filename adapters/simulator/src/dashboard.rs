//! The dashboard route family: `GET /sandbox`, a page that shows what happened — the payments, newest
//! first, with their status, amounts and actions — and refreshes itself.
//!
//! The page is built from sections: the payments, and the webhook deliveries ([`webhook_deliveries`]).

use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::transport::Method;

use crate::clock::rfc3339;
use crate::ledger::Ledger;
use crate::payments::{Action, Payment};
use crate::reply::{html_escape, Reply};
use crate::router::{self, Routing, Rules};
use crate::webhooks::{wall_clock, WebhookDelivery};

/// How often the page reloads itself, in seconds.
const REFRESH_SECS: u32 = 2;
/// The most payments the page lists (the newest).
const MAX_LISTED: usize = 200;

/// A dashboard route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `GET /sandbox`
    Page,
}

impl Route {
    /// A page for a browser: no key, and faults only when asked for every route.
    pub(crate) fn rules(&self) -> Rules {
        Rules::PAGE
    }
}

/// Matches `/sandbox` (and `/sandbox/`).
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    match segments {
        ["sandbox"] | ["sandbox", ""] => {
            Some(router::expect(method, Method::Get, router::Route::Dashboard(Route::Page)))
        }
        _ => None,
    }
}

/// Answers a dashboard route.
pub(crate) fn handle(ledger: &Ledger, route: Route) -> Reply {
    match route {
        Route::Page => Reply::html(200, page(ledger)),
    }
}

/// The whole page: a header, then each section.
fn page(ledger: &Ledger) -> String {
    let sections = [payments(ledger), webhook_deliveries(ledger)];
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"{REFRESH_SECS}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Checkout.com sandbox simulator: dashboard</title>\n<style>{STYLE}</style></head>\n<body>\n\
         <h1>Checkout.com sandbox simulator</h1>\n\
         <p class=\"note\">A simulation: no real money moves. This page reloads every {REFRESH_SECS} seconds.</p>\n\
         {sections}</body>\n</html>\n",
        sections = sections.concat(),
    )
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1d1f}\
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}\
td.amount{text-align:right;white-space:nowrap}ol{margin:0;padding-left:1.2rem}.note{color:#666}\
.status-Authorized,.status-Captured,.status-Card.Verified{color:#0a7d33}.status-Declined{color:#b3261e}";

/// The payments, newest first.
fn payments(ledger: &Ledger) -> String {
    let total = ledger.payments.len();
    let rows: String = ledger.payments.newest_first().take(MAX_LISTED).map(payment_row).collect();
    let shown = if total > MAX_LISTED { format!("the newest {MAX_LISTED} of {total}") } else { total.to_string() };
    let body = if total == 0 {
        "<p id=\"no-payments\">No payments yet.</p>\n".to_string()
    } else {
        format!(
            "<table>\n<thead><tr><th>Payment</th><th>Requested</th><th>Amount</th><th>Status</th>\
             <th>Reference</th><th>Actions</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
        )
    };
    format!("<section id=\"payments\">\n<h2>Payments ({shown})</h2>\n{body}</section>\n")
}

fn payment_row(payment: &Payment) -> String {
    let status = payment.status();
    let actions: String = payment.actions.iter().map(|action| action_item(action, &payment.currency)).collect();
    format!(
        "<tr id=\"{id}\" data-status=\"{status}\"><td><code>{id}</code></td><td>{requested}</td>\
         <td class=\"amount\">{amount}</td><td class=\"status status-{status_class}\">{status}</td>\
         <td>{reference}</td><td><ol class=\"actions\">{actions}</ol></td></tr>\n",
        id = html_escape(&payment.id),
        requested = rfc3339(payment.requested_on),
        amount = html_escape(&format_amount(payment.amount, &payment.currency)),
        status_class = status.replace(' ', "."),
        reference = payment.reference.as_deref().map(html_escape).unwrap_or_default(),
    )
}

fn action_item(action: &Action, currency: &str) -> String {
    format!(
        "<li>{kind} {amount}: {code} {summary}</li>",
        kind = action.kind,
        amount = html_escape(&format_amount(action.amount, currency)),
        code = action.response.code,
        summary = html_escape(action.response.summary),
    )
}

/// The webhook endpoints, and the deliveries, newest first: event, type, payment, endpoint,
/// attempts, where each stands and when the next attempt is due. Never a key, an authorization
/// value or an endpoint's query.
fn webhook_deliveries(ledger: &Ledger) -> String {
    let webhooks = &ledger.webhooks;
    let endpoints = webhooks.endpoints();
    if endpoints.is_empty() {
        return "<section id=\"webhook-deliveries\">\n<h2>Webhook deliveries</h2>\n\
                <p id=\"no-webhook-endpoints\">No webhook endpoints: start <code>checkout-sandbox</code> with \
                <code>--webhook-url URL --webhook-secret SECRET</code> to receive signed events.</p>\n</section>\n"
            .to_string();
    }
    let endpoint_items: String = endpoints
        .iter()
        .map(|endpoint| {
            let events = if endpoint.events().is_empty() {
                "every event".to_string()
            } else {
                endpoint.events().iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")
            };
            let authorization = if endpoint.authorization().is_some() { ", with an Authorization value" } else { "" };
            format!(
                "<li><code>{url}</code>: {events}{authorization}</li>",
                url = html_escape(&endpoint.display_url()),
                events = html_escape(&events),
            )
        })
        .collect();
    let total = webhooks.deliveries().count();
    let rows: String = webhooks.deliveries().rev().take(MAX_LISTED).map(delivery_row).collect();
    let shown = if total > MAX_LISTED { format!("the newest {MAX_LISTED} of {total}") } else { total.to_string() };
    let table = if total == 0 {
        "<p id=\"no-deliveries\">No deliveries yet.</p>\n".to_string()
    } else {
        format!(
            "<table>\n<thead><tr><th>Event</th><th>Type</th><th>Payment</th><th>Endpoint</th><th>Attempts</th>\
             <th>Status</th><th>Next attempt</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
        )
    };
    format!(
        "<section id=\"webhook-deliveries\">\n<h2>Webhook deliveries ({shown})</h2>\n\
         <ul class=\"endpoints\">{endpoint_items}</ul>\n{table}</section>\n"
    )
}

fn delivery_row(delivery: &WebhookDelivery) -> String {
    let state = delivery.state.as_str();
    let status = match &delivery.last_outcome {
        Some(outcome) => format!("{state}: {outcome}"),
        None => state.to_string(),
    };
    format!(
        "<tr id=\"delivery-{id}\" data-state=\"{state}\"><td><code>{event}</code></td><td>{event_type}</td>\
         <td><code>{payment}</code></td><td><code>{endpoint}</code></td><td>{attempts}</td><td>{status}</td>\
         <td>{next}</td></tr>\n",
        id = delivery.id,
        event = html_escape(&delivery.event_id),
        event_type = html_escape(delivery.event_type.as_str()),
        payment = html_escape(delivery.payment_id.as_deref().unwrap_or("-")),
        endpoint = html_escape(&delivery.endpoint),
        attempts = delivery.attempts,
        status = html_escape(&status),
        next = delivery.next_attempt.map(wall_clock).unwrap_or_default(),
    )
}

/// `12.34 USD`, `1000 JPY`, `1.234 BHD`: the core's formatting of minor units with the currency's
/// decimal places (the bare minor units and the code when the code is not a currency code).
fn format_amount(minor: u64, code: &str) -> String {
    match Currency::parse(code) {
        Ok(currency) => currency.format_amount(minor).to_string(),
        Err(_) => format!("{minor} {code} (minor units)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_shown_with_their_currency() {
        assert_eq!(format_amount(1234, "USD"), "12.34 USD");
        assert_eq!(format_amount(5, "EUR"), "0.05 EUR");
        assert_eq!(format_amount(1000, "JPY"), "1000 JPY");
        assert_eq!(format_amount(1234, "BHD"), "1.234 BHD");
        assert_eq!(format_amount(u64::MAX, "USD"), "184467440737095516.15 USD");
        assert_eq!(format_amount(7, "XXX"), "0.07 XXX");
        assert_eq!(format_amount(7, "1X"), "7 1X (minor units)");
    }
}
