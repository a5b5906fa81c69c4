//! The request pipeline: one request, start to finish, in one direction.
//!
//! parse the target → route → size check → faults → authentication → idempotency → the route
//! family → the reply (recorded for an idempotent POST). Each stage either passes the request on
//! or answers it; nothing comes back to an earlier stage.

use checkout_sdk_core::transport::HttpRequest;

use crate::auth;
use crate::clock::{self, Clock};
use crate::faults::FaultInjector;
use crate::idempotency::{IdempotencyStore, Lookup};
use crate::ids::{self, Rng};
use crate::ledger::Ledger;
use crate::limits::Limits;
use crate::payouts;
use crate::reply::Reply;
use crate::router::{self, Ctx, Routing};
use crate::target::Target;
use crate::Exchange;

/// Bodies above this are refused with 413.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// Everything the simulator knows: the request-handling state, and the ledger behind it.
pub(crate) struct State {
    request_ids: Rng,
    pub(crate) faults: FaultInjector,
    pub(crate) idempotency: IdempotencyStore,
    pub(crate) ledger: Ledger,
    limits: Limits,
}

impl State {
    /// A fresh state; `seed` makes ids, faults and the clock deterministic.
    pub(crate) fn new(seed: Option<u64>) -> Self {
        let (clock, seed) = match seed {
            Some(seed) => (Clock::Fixed(clock::SEEDED_EPOCH), seed),
            None => (Clock::System { offset: 0 }, ids::entropy_seed()),
        };
        let limits = Limits::default();
        State {
            request_ids: Rng::new(seed ^ 0x5245_5155_4553_5421),
            faults: FaultInjector::new(Rng::new(seed ^ 0x4641_554C_5453_2121)),
            idempotency: IdempotencyStore::new(&limits),
            ledger: Ledger::new(clock, Rng::new(seed), &limits),
            limits,
        }
    }

    /// The limits in force.
    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Applies new limits, forgetting the oldest records if needed.
    pub(crate) fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
        self.idempotency.set_limits(&limits);
        self.ledger.set_limits(&limits);
    }

    /// Handles one request, start to finish.
    pub(crate) fn handle(&mut self, request: &HttpRequest) -> Exchange {
        self.ledger.clock.tick();
        payouts::settle_due(&mut self.ledger);
        let request_id = self.request_ids.uuid();
        let plain = |reply: Reply| Exchange { response: reply.finish(&request_id), delay: None, drop_response: false };

        let target = Target::of(request);
        let route = match router::route(request.method, target.path) {
            Routing::Found(route) => route,
            Routing::NotFound => return plain(Reply::empty(404)),
            Routing::MethodNotAllowed(allow) => return plain(Reply::empty(405).with_header("Allow", allow.into())),
        };
        if request.body.len() > MAX_BODY {
            return plain(Reply::empty(413));
        }
        let rules = route.rules();

        let decision = self.faults.decide(rules.faulted);
        if let Some((status, retry_after)) = decision.reject {
            let reply = match retry_after {
                Some(secs) => Reply::error(429, &request_id, "too_many_requests", &["too_many_requests"])
                    .with_header("Retry-After", secs.to_string()),
                None => Reply::empty(status),
            };
            return Exchange { response: reply.finish(&request_id), delay: decision.delay, drop_response: false };
        }
        let exchange = |response| Exchange { response, delay: decision.delay, drop_response: decision.drop_after };

        let caller = match rules.access {
            Some(access) => {
                match auth::authenticate(&request.headers, access, &self.ledger.access, self.ledger.clock.now()) {
                    Some(caller) => Some(caller),
                    None => return exchange(Reply::empty(401).finish(&request_id)),
                }
            }
            None => None,
        };

        let lookup =
            if rules.idempotent { self.idempotency.lookup(request, target.path, &request_id) } else { Lookup::Unkeyed };
        let slot = match lookup {
            Lookup::Answered(response) => return exchange(response),
            Lookup::Fresh(slot) => Some(slot),
            Lookup::Unkeyed => None,
        };

        let ctx =
            Ctx { request_id: &request_id, base: &target.base, query: target.query, headers: &request.headers, caller };
        let response = router::dispatch(&mut self.ledger, &ctx, route, &request.body).finish(&request_id);
        if let Some(slot) = slot {
            self.idempotency.record(slot, &response);
        }
        exchange(response)
    }
}
