//! The redirects route family: the 3-D Secure and APM pages a pending payment sends its cardholder
//! to (`GET /sandbox/{3ds|apm}/{sid}`), and completing them (`POST .../complete`).

use checkout_sdk_core::id::SessionId;
use checkout_sdk_core::transport::Method;
use serde_json::json;

use crate::ledger::Ledger;
use crate::payments::{self, AuthMode, Payment};
use crate::reply::{html_escape, Reply};
use crate::router::{self, Ctx, Routing, Rules};
use crate::rules;
use crate::target::query_param;
use crate::RedirectError;

/// Which kind of redirect a pending payment waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectKind {
    /// A 3-D Secure challenge (`/sandbox/3ds/...`).
    ThreeDs,
    /// An alternative payment method's page (`/sandbox/apm/...`).
    Apm,
}

impl RedirectKind {
    /// The path segment after `/sandbox/`.
    pub(crate) fn segment(self) -> &'static str {
        match self {
            RedirectKind::ThreeDs => "3ds",
            RedirectKind::Apm => "apm",
        }
    }
}

/// A redirects route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `GET /sandbox/{3ds|apm}/{sid_}`
    Page(RedirectKind, SessionId),
    /// `POST /sandbox/{3ds|apm}/{sid_}/complete`
    Complete(RedirectKind, SessionId),
}

impl Route {
    /// Pages for the cardholder's browser: no key, and faults only when asked for every route.
    pub(crate) fn rules(&self) -> Rules {
        Rules::PAGE
    }
}

/// Matches `/sandbox/{3ds|apm}/{sid}` and `/sandbox/{3ds|apm}/{sid}/complete`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    let ["sandbox", kind, sid, tail @ ..] = segments else {
        return None;
    };
    let kind = match *kind {
        "3ds" => RedirectKind::ThreeDs,
        "apm" => RedirectKind::Apm,
        _ => return Some(Routing::NotFound),
    };
    let Ok(sid) = SessionId::new(*sid) else {
        return Some(Routing::NotFound);
    };
    Some(match tail {
        [] => router::expect(method, Method::Get, router::Route::Redirects(Route::Page(kind, sid))),
        ["complete"] => router::expect(method, Method::Post, router::Route::Redirects(Route::Complete(kind, sid))),
        _ => Routing::NotFound,
    })
}

/// Answers a redirects route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::Page(kind, sid) => page(ledger, kind, &sid),
        Route::Complete(kind, sid) => complete_route(ledger, ctx, kind, &sid, body),
    }
}

/// The payment behind a session id of the given kind.
fn session_payment<'a>(ledger: &'a Ledger, kind: Option<RedirectKind>, sid: &str) -> Option<&'a Payment> {
    let payment = ledger.payments.by_session(sid)?;
    match (&payment.session, kind) {
        (Some((_, actual)), Some(wanted)) if *actual != wanted => None,
        _ => Some(payment),
    }
}

fn page(ledger: &Ledger, kind: RedirectKind, sid: &SessionId) -> Reply {
    let Some(payment) = session_payment(ledger, Some(kind), sid.as_str()) else {
        return Reply::empty(404);
    };
    let title = match kind {
        RedirectKind::ThreeDs => "3-D Secure authentication",
        RedirectKind::Apm => "Alternative payment method",
    };
    let action = format!("/sandbox/{}/{}/complete", kind.segment(), sid.as_str());
    let reference = payment.reference.as_deref().map(html_escape).unwrap_or_default();
    let forms = if payment.pending {
        format!(
            "<form method=\"post\" action=\"{action}?outcome=success\">\
             <button type=\"submit\" name=\"outcome\" value=\"success\">Complete successfully</button></form>\n\
             <form method=\"post\" action=\"{action}?outcome=failure\">\
             <button type=\"submit\" name=\"outcome\" value=\"failure\">Fail</button></form>\n"
        )
    } else {
        "<p>This payment is no longer pending.</p>\n".to_string()
    };
    let page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <title>Checkout.com sandbox simulator: {title}</title></head>\n<body>\n<h1>{title} (simulated)</h1>\n\
         <p>Payment <code>{id}</code>: {amount} {currency}, reference <code>{reference}</code>, \
         status <strong>{status}</strong>.</p>\n{forms}</body>\n</html>\n",
        id = payment.id,
        amount = payment.amount,
        currency = html_escape(&payment.currency),
        status = payment.status(),
    );
    Reply::html(200, page)
}

/// Completes a pending redirect as the cardholder would (`kind` is `None` when called from Rust,
/// where a `pay_` id works too); returns the payment id.
pub(crate) fn complete(
    ledger: &mut Ledger,
    kind: Option<RedirectKind>,
    session: &str,
    success: bool,
) -> Result<String, RedirectError> {
    let id = match session_payment(ledger, kind, session) {
        Some(payment) if payment.pending => payment.id.clone(),
        Some(_) => return Err(RedirectError::NotPending),
        None => match ledger.payments.get(session) {
            Some(payment) if kind.is_none() && payment.pending => payment.id.clone(),
            Some(payment) if kind.is_none() && payment.session.is_some() => return Err(RedirectError::NotPending),
            _ => return Err(RedirectError::UnknownSession),
        },
    };
    let Some((mut payment, ticket)) = ledger.payments.take(&id) else {
        return Err(RedirectError::UnknownSession);
    };
    let redirect = payment.session.as_ref().map_or(RedirectKind::ThreeDs, |(_, k)| *k);
    match (redirect, success) {
        (RedirectKind::ThreeDs, true) => {
            if let Some(tds) = &mut payment.three_ds {
                tds.authentication_response = Some("Y");
            }
            payments::authorize(ledger, &mut payment, AuthMode::Authenticated);
        }
        (RedirectKind::ThreeDs, false) => {
            if let Some(tds) = &mut payment.three_ds {
                tds.authentication_response = Some("N");
            }
            payments::settle(ledger, &mut payment, rules::THREEDS_FAILED);
        }
        (RedirectKind::Apm, true) => payments::settle(ledger, &mut payment, rules::APPROVED),
        (RedirectKind::Apm, false) => payments::settle(ledger, &mut payment, rules::DO_NOT_HONOUR),
    }
    ledger.payments.put_back(payment, ticket);
    Ok(id)
}

fn complete_route(ledger: &mut Ledger, ctx: &Ctx<'_>, kind: RedirectKind, sid: &SessionId, body: &[u8]) -> Reply {
    let form = std::str::from_utf8(body).unwrap_or_default();
    let outcome = query_param(ctx.query, "outcome").or_else(|| query_param(form.trim(), "outcome"));
    let success = match outcome {
        Some("success") => true,
        Some("failure") => false,
        _ => return Reply::invalid(ctx.request_id, &["outcome_invalid"]),
    };
    let id = match complete(ledger, Some(kind), sid.as_str(), success) {
        Ok(id) => id,
        Err(RedirectError::UnknownSession) => return Reply::empty(404),
        Err(RedirectError::NotPending) => {
            return Reply::error(409, ctx.request_id, "payment_not_pending", &["payment_not_pending"])
        }
    };
    let Some(payment) = ledger.payments.get(&id) else {
        return Reply::empty(404);
    };
    let target = if payment.approved() { &payment.success_url } else { &payment.failure_url };
    match target {
        Some(url) => {
            let separator = if url.contains('?') { '&' } else { '?' };
            Reply::empty(302).with_header("Location", format!("{url}{separator}cko-session-id={}", sid.as_str()))
        }
        None => Reply::json(200, json!({ "id": payment.id, "status": payment.status() })),
    }
}
