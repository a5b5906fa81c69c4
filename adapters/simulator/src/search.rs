//! The search route family: finding payments by reference (`GET /payments?reference=…`) and by
//! query (`POST /payments/search`), a page at a time, newest first.
//!
//! A list page says where it is (`limit`, `skip`, `total_count`); a search page links the next
//! one (`_links.next`: `{base}/payments/search?skip=N`, to which the same body is posted). Both
//! find card and APM payments; payouts are not listed (the simulator's choice). Search
//! understands a subset of Checkout.com's query language, described at [`Query`].

use checkout_sdk_core::transport::Method;
use serde_json::{json, Map, Value};

use crate::clock::parse_rfc3339;
use crate::form;
use crate::ledger::Ledger;
use crate::payments::Payment;
use crate::reply::Reply;
use crate::router::{self, Ctx, Routing, Rules};
use crate::validation::{parse_object, Errors};

/// A list page's size when none is asked for, and the largest (the API's).
const LIST_DEFAULT: u64 = 10;
const LIST_MAX: u64 = 100;
/// A search page's size when none is asked for, and the largest (the API's).
const SEARCH_DEFAULT: u64 = 10;
const SEARCH_MAX: u64 = 1000;
/// The longest search query (the API's).
const MAX_QUERY: usize = 1024;
/// The most terms a query may join (the simulator's bound).
const MAX_TERMS: usize = 16;

/// A search route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `GET /payments?reference=…&limit=…&skip=…`
    List,
    /// `POST /payments/search[?skip=N]`
    Search,
}

impl Route {
    /// Reads of payments: a key and faults by default. Search changes nothing, so, like a GET, it
    /// takes no idempotency key (a key sent is ignored: the simulator's choice).
    pub(crate) fn rules(&self) -> Rules {
        Rules::API
    }
}

/// Matches `GET /payments` (a `POST` is left to the payments family) and `/payments/search`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    match segments {
        ["payments"] if method == Method::Get => Some(Routing::Found(router::Route::Search(Route::List))),
        ["payments", "search"] => Some(router::expect(method, Method::Post, router::Route::Search(Route::Search))),
        _ => None,
    }
}

/// Answers a search route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::List => list(ledger, ctx),
        Route::Search => search(ledger, ctx, body),
    }
}

/// A payment as `GET /payments/{id}` shows it, for a page's `data`.
fn details(ledger: &Ledger, ctx: &Ctx<'_>, payment: &Payment) -> Value {
    payment.details_json(ctx.base, &ledger.vault.customer_json(&payment.customer_id), false)
}

/// A non-negative integer query parameter within `range`, or `code`.
fn number(value: Option<&str>, default: u64, range: std::ops::RangeInclusive<u64>) -> Result<u64, ()> {
    match value {
        None => Ok(default),
        Some(text) => text.parse::<u64>().ok().filter(|n| range.contains(n)).ok_or(()),
    }
}

fn list(ledger: &Ledger, ctx: &Ctx<'_>) -> Reply {
    let Some(params) = form::pairs(ctx.query) else {
        return Reply::invalid(ctx.request_id, &["reference_invalid"]);
    };
    let mut errors = Errors::default();
    let reference = form::first(&params, "reference").filter(|r| !r.is_empty());
    if reference.is_none() {
        errors.push("reference_required");
    }
    let limit = number(form::first(&params, "limit"), LIST_DEFAULT, 1..=LIST_MAX).unwrap_or_else(|()| {
        errors.push("limit_invalid");
        0
    });
    let skip = number(form::first(&params, "skip"), 0, 0..=u64::from(u32::MAX)).unwrap_or_else(|()| {
        errors.push("skip_invalid");
        0
    });
    let Some(reference) = reference.filter(|_| errors.is_empty()) else {
        return errors.into_reject().reply(ctx.request_id);
    };
    let matching: Vec<&Payment> =
        ledger.payments.newest_first().filter(|p| p.reference.as_deref() == Some(reference)).collect();
    let data: Vec<Value> = page(&matching, skip, limit).iter().map(|p| details(ledger, ctx, p)).collect();
    Reply::json(200, json!({ "limit": limit, "skip": skip, "total_count": matching.len(), "data": data }))
}

/// The `limit` items after the first `skip`.
fn page<T>(items: &[T], skip: u64, limit: u64) -> &[T] {
    let start = usize::try_from(skip).unwrap_or(usize::MAX).min(items.len());
    let end = start.saturating_add(usize::try_from(limit).unwrap_or(usize::MAX)).min(items.len());
    items.get(start..end).unwrap_or_default()
}

fn search(ledger: &Ledger, ctx: &Ctx<'_>, body: &[u8]) -> Reply {
    let obj = match parse_object(body, false) {
        Ok(obj) => obj,
        Err(reject) => return reject.reply(ctx.request_id),
    };
    let mut errors = Errors::default();
    let query = match obj.get("query") {
        None | Some(Value::Null) => {
            errors.push("query_required");
            None
        }
        Some(Value::String(text)) if text.len() <= MAX_QUERY => Query::parse(text).or_else(|| {
            errors.push("query_invalid");
            None
        }),
        Some(_) => {
            errors.push("query_invalid");
            None
        }
    };
    let limit = match obj.get("limit") {
        None | Some(Value::Null) => SEARCH_DEFAULT,
        Some(v) => v.as_u64().filter(|n| (1..=SEARCH_MAX).contains(n)).unwrap_or_else(|| {
            errors.push("limit_invalid");
            SEARCH_DEFAULT
        }),
    };
    let mut bound = |field: &str, invalid: &'static str| match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(v) => {
            let secs = v.as_str().and_then(parse_rfc3339);
            if secs.is_none() {
                errors.push(invalid);
            }
            secs
        }
    };
    let (from, to) = (bound("from", "from_invalid"), bound("to", "to_invalid"));
    let period =
        match (from, to, obj.get("from").is_some_and(|v| !v.is_null()), obj.get("to").is_some_and(|v| !v.is_null())) {
            (Some(from), Some(to), _, _) if from <= to => Some((from, to)),
            (Some(_), Some(_), _, _) => {
                errors.push("date_range_invalid");
                None
            }
            (_, _, true, false) => {
                errors.push("to_required");
                None
            }
            (_, _, false, true) => {
                errors.push("from_required");
                None
            }
            _ => None,
        };
    let skip =
        match form::pairs(ctx.query).map(|params| number(form::first(&params, "skip"), 0, 0..=u64::from(u32::MAX))) {
            Some(Ok(skip)) => skip,
            _ => {
                errors.push("skip_invalid");
                0
            }
        };
    let Some(query) = query.filter(|_| errors.is_empty()) else {
        return errors.into_reject().reply(ctx.request_id);
    };
    let matching: Vec<&Payment> = ledger
        .payments
        .newest_first()
        .filter(|p| period.is_none_or(|(from, to)| (from..=to).contains(&p.requested_on)))
        .filter(|p| query.matches(p))
        .collect();
    let data: Vec<Value> = page(&matching, skip, limit).iter().map(|p| details(ledger, ctx, p)).collect();
    let mut links = Map::new();
    let here = if skip == 0 { String::new() } else { format!("?skip={skip}") };
    links.insert("self".into(), json!({ "href": format!("{}/payments/search{here}", ctx.base) }));
    let next = skip.saturating_add(limit);
    if next < matching.len() as u64 {
        links.insert("next".into(), json!({ "href": format!("{}/payments/search?skip={next}", ctx.base) }));
    }
    Reply::json(200, json!({ "data": data, "_links": links }))
}

/// A search query, in the subset of Checkout.com's language the simulator understands: terms
/// `field:value` joined by `AND` (any case), where `value` is `'quoted'`, `"quoted"` or a word
/// without spaces, and `field` is `id` (`pay_…`), `reference`, `status` (any case), `amount` or
/// `currency` (any case). Every term must match. Anything else (`OR`, ranges, wildcards, free
/// text, other fields) is `query_invalid`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    terms: Vec<Term>,
}

/// One `field:value` term.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Id(String),
    Reference(String),
    Status(String),
    Amount(u64),
    Currency(String),
}

impl Query {
    /// Parses `text`; `None` when it is not in the subset.
    fn parse(text: &str) -> Option<Query> {
        let mut terms = Vec::new();
        let mut rest = text.trim();
        while !rest.is_empty() {
            if !terms.is_empty() {
                let (and, after) = rest.split_at_checked(3)?;
                if !and.eq_ignore_ascii_case("and") || !after.starts_with(char::is_whitespace) {
                    return None;
                }
                rest = after.trim_start();
            }
            let (field, after) = rest.split_once(':')?;
            let (value, after) = Self::value(after)?;
            terms.push(Term::new(field.trim(), value)?);
            rest = after.trim_start();
            if terms.len() > MAX_TERMS {
                return None;
            }
        }
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// The value at the start of `text` and what follows it.
    fn value(text: &str) -> Option<(&str, &str)> {
        match text.chars().next()? {
            quote @ ('\'' | '"') => {
                let inner = text.get(1..)?;
                let end = inner.find(quote)?;
                Some((inner.get(..end)?, inner.get(end + 1..)?))
            }
            c if c.is_whitespace() => None,
            _ => {
                let end = text.find(char::is_whitespace).unwrap_or(text.len());
                Some((text.get(..end)?, text.get(end..)?))
            }
        }
    }

    fn matches(&self, payment: &Payment) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Id(id) => payment.id == *id,
            Term::Reference(reference) => payment.reference.as_deref() == Some(reference.as_str()),
            Term::Status(status) => payment.status().eq_ignore_ascii_case(status),
            Term::Amount(amount) => payment.amount == *amount,
            Term::Currency(currency) => payment.currency.eq_ignore_ascii_case(currency),
        })
    }
}

impl Term {
    fn new(field: &str, value: &str) -> Option<Term> {
        let field = field.to_ascii_lowercase();
        Some(match field.as_str() {
            "id" => Term::Id(value.to_string()),
            "reference" => Term::Reference(value.to_string()),
            "status" => Term::Status(value.to_string()),
            "amount" => Term::Amount(value.parse().ok()?),
            "currency" => Term::Currency(value.to_string()),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_in_the_subset_parse() {
        let q = Query::parse("reference:'ORD 1' AND status:\"Authorized\" and amount:1000 AND currency:usd").unwrap();
        assert_eq!(
            q.terms,
            [
                Term::Reference("ORD 1".into()),
                Term::Status("Authorized".into()),
                Term::Amount(1000),
                Term::Currency("usd".into()),
            ]
        );
        assert_eq!(Query::parse(" id:pay_x ").unwrap().terms, [Term::Id("pay_x".into())]);
        assert_eq!(Query::parse("reference:''").unwrap().terms, [Term::Reference(String::new())]);
    }

    #[test]
    fn queries_outside_the_subset_are_refused() {
        for bad in [
            "",
            "ORD-1",
            "reference:'x' OR reference:'y'",
            "reference:'x' reference:'y'",
            "reference:'unterminated",
            "amount:ten",
            "customer:'cus_x'",
            "reference: 'x'",
            "reference:'x' AND",
            "reference:'x' ANDstatus:'y'",
        ] {
            assert_eq!(Query::parse(bad), None, "{bad:?}");
        }
        let many = vec!["amount:1"; MAX_TERMS + 1].join(" AND ");
        assert_eq!(Query::parse(&many), None);
    }

    #[test]
    fn pages_cut_within_bounds() {
        let items = [1, 2, 3, 4, 5];
        assert_eq!(page(&items, 0, 2), [1, 2]);
        assert_eq!(page(&items, 4, 2), [5]);
        assert_eq!(page(&items, 9, 2), [] as [i32; 0]);
        assert_eq!(page(&items, 1, u64::MAX), [2, 3, 4, 5]);
    }
}
