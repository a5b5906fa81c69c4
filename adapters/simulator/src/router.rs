//! Routing: which route family answers a request, and the rules the pipeline applies before the
//! family sees it.
//!
//! A route family is a module with three things: a `route` matcher (`None` when a path is not one
//! of its own), a `Route` type whose `rules` say which key it needs, whether it is idempotent and
//! whether faults hit it, and a `handle` function. Adding a family (webhooks, ...) is that module,
//! one variant of [`Route`], one entry in [`FAMILIES`] and one arm in [`dispatch`].

use checkout_sdk_core::id::PaymentId;
use checkout_sdk_core::transport::{Headers, Method};

use crate::auth::{Access, Caller};
use crate::ledger::Ledger;
use crate::reply::Reply;
use crate::{
    access, actions, authorizations, dashboard, payments, redirects, retries, reversals, search, vault, webhooks,
};

/// A recognised request, by family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/payments` and `/payments/{id}`.
    Payments(payments::Route),
    /// `/payments/{id}/{actions|captures|refunds|voids}`.
    Actions(actions::Route),
    /// `/tokens`.
    Vault(vault::Route),
    /// `/sandbox/{3ds|apm}/{sid}...`: the pages the cardholder's browser opens.
    Redirects(redirects::Route),
    /// `/sandbox`: the dashboard.
    Dashboard(dashboard::Route),
    /// `GET /payments?reference=…` and `POST /payments/search`.
    Search(search::Route),
    /// `/payments/{id}/authorizations`.
    Authorizations(authorizations::Route),
    /// `/payments/{id}/reversals`.
    Reversals(reversals::Route),
    /// `/payments/{id}/cancellations`.
    Retries(retries::Route),
    /// `/connect/token`.
    Access(access::Route),
    /// `/sandbox/webhooks`: the webhook deliveries.
    Webhooks(webhooks::Route),
}

impl Route {
    /// The rules the pipeline applies to this route.
    pub(crate) fn rules(&self) -> Rules {
        match self {
            Route::Payments(route) => route.rules(),
            Route::Actions(route) => route.rules(),
            Route::Vault(route) => route.rules(),
            Route::Redirects(route) => route.rules(),
            Route::Dashboard(route) => route.rules(),
            Route::Search(route) => route.rules(),
            Route::Authorizations(route) => route.rules(),
            Route::Reversals(route) => route.rules(),
            Route::Retries(route) => route.rules(),
            Route::Access(route) => route.rules(),
            Route::Webhooks(route) => route.rules(),
        }
    }
}

/// What the pipeline applies before a route family sees the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    /// Which keys are accepted; `None` for pages a cardholder's browser opens.
    pub(crate) access: Option<Access>,
    /// Whether `Cko-Idempotency-Key` applies.
    pub(crate) idempotent: bool,
    /// Whether faults apply by default (otherwise only with [`Faults::all_routes`](crate::Faults)).
    pub(crate) faulted: bool,
}

impl Rules {
    /// A Payments API read: a secret key, faults by default.
    pub(crate) const API: Rules = Rules { access: Some(Access::Secret), idempotent: false, faulted: true };
    /// A page for the cardholder's browser: no key, no idempotency, faults only when asked.
    pub(crate) const PAGE: Rules = Rules { access: None, idempotent: false, faulted: false };

    /// The same rules for a POST that honours `Cko-Idempotency-Key`.
    pub(crate) const fn idempotent(self) -> Rules {
        Rules { idempotent: true, ..self }
    }
}

/// The result of routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Routing {
    /// A known route with the right method.
    Found(Route),
    /// A known path with another method; carries the `Allow` value.
    MethodNotAllowed(&'static str),
    /// Nothing here (including ids with characters an id cannot have).
    NotFound,
}

/// A route family's matcher: the routing of `method` on the path's segments, or `None` when the
/// path is not one of the family's.
type Matcher = fn(Method, &[&str]) -> Option<Routing>;

/// Every route family, asked in order: `search` before `payments` (it takes `GET /payments` and
/// `/payments/search`), and the action families before `actions` (which ends every other
/// `/payments/{id}/…`).
const FAMILIES: [Matcher; 11] = [
    search::route,
    payments::route,
    authorizations::route,
    reversals::route,
    retries::route,
    actions::route,
    vault::route,
    access::route,
    redirects::route,
    dashboard::route,
    webhooks::route,
];

/// Routes `method path`; `path` has no query (see [`Target`](crate::target::Target)).
pub(crate) fn route(method: Method, path: &str) -> Routing {
    let Some(rest) = path.strip_prefix('/') else {
        return Routing::NotFound;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    FAMILIES.iter().find_map(|matcher| matcher(method, &segments)).unwrap_or(Routing::NotFound)
}

/// Matches `POST /payments/{id}/{action}`, the shape of every single-operation payment family:
/// `None` for another path, `NotFound` for an invalid payment id, else [`expect`]`(POST)`.
pub(crate) fn payment_post(
    method: Method,
    segments: &[&str],
    action: &str,
    route: fn(PaymentId) -> Route,
) -> Option<Routing> {
    let ["payments", id, last] = segments else {
        return None;
    };
    if *last != action {
        return None;
    }
    Some(match PaymentId::new(*id) {
        Ok(id) => expect(method, Method::Post, route(id)),
        Err(_) => Routing::NotFound,
    })
}

/// `Found(route)` when `method` is `wanted`, else `MethodNotAllowed` naming `wanted`.
pub(crate) fn expect(method: Method, wanted: Method, route: Route) -> Routing {
    if method == wanted {
        Routing::Found(route)
    } else {
        Routing::MethodNotAllowed(wanted.as_str())
    }
}

/// What a route family knows about the request besides its body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// This request's `Cko-Request-Id`.
    pub(crate) request_id: &'a str,
    /// Where links point (see [`Target::base`](crate::target::Target::base)).
    pub(crate) base: &'a str,
    /// The query string.
    pub(crate) query: &'a str,
    /// The request's headers.
    pub(crate) headers: &'a Headers,
    /// Who authenticated the request (`None` on routes that take no credentials).
    pub(crate) caller: Option<Caller>,
}

/// Hands the request to its route family.
pub(crate) fn dispatch(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::Payments(route) => payments::handle(ledger, ctx, route, body),
        Route::Actions(route) => actions::handle(ledger, ctx, route, body),
        Route::Vault(route) => vault::handle(ledger, ctx, route, body),
        Route::Redirects(route) => redirects::handle(ledger, ctx, route, body),
        Route::Dashboard(route) => dashboard::handle(ledger, route),
        Route::Search(route) => search::handle(ledger, ctx, route, body),
        Route::Authorizations(route) => authorizations::handle(ledger, ctx, route, body),
        Route::Reversals(route) => reversals::handle(ledger, ctx, route, body),
        Route::Retries(route) => retries::handle(ledger, ctx, route, body),
        Route::Access(route) => access::handle(ledger, ctx, route, body),
        Route::Webhooks(route) => webhooks::handle(ledger, route),
    }
}
