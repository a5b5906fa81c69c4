//! The domain state every route family works on: the clock, the id generator, the payments,
//! the vault and the webhooks (whose hook, `emit`, is in `webhooks`). Request handling (faults, idempotency, request ids) lives in the pipeline instead.

use crate::access::AccessTokens;
use crate::clock::Clock;
use crate::ids::Rng;
use crate::limits::Limits;
use crate::payments::PaymentBook;
use crate::payouts::PayoutBook;
use crate::vault::Vault;
use crate::webhooks::Webhooks;

/// Payments, tokens, stored sources and customers, with the clock and ids they are made with.
pub(crate) struct Ledger {
    /// The simulator's clock: card and token expiry, every timestamp.
    pub(crate) clock: Clock,
    /// Payment, action, session, token, source and customer ids, and authorization codes.
    pub(crate) ids: Rng,
    /// Payments, their sessions and their actions.
    pub(crate) payments: PaymentBook,
    /// Tokens, stored sources and customers.
    pub(crate) vault: Vault,
    /// Webhook endpoints, events and deliveries.
    pub(crate) webhooks: Webhooks,
    /// Payouts (`POST /payments` with a `destination`).
    pub(crate) payouts: PayoutBook,
    /// The OAuth access tokens issued by `POST /connect/token`.
    pub(crate) access: AccessTokens,
}

impl Ledger {
    /// An empty ledger within `limits`.
    pub(crate) fn new(clock: Clock, ids: Rng, limits: &Limits) -> Self {
        // Event ids come from a generator of their own (seeded from a copy of `ids`, which does not
        // advance it), so that events never shift the ids of payments and actions.
        let event_ids = Rng::new(ids.clone().next_u64() ^ 0x5745_4248_4F4F_4B53);
        let webhooks = Webhooks::new(event_ids, limits.webhook_events);
        Ledger {
            clock,
            ids,
            payments: PaymentBook::new(limits),
            vault: Vault::new(limits),
            payouts: PayoutBook::new(limits),
            access: AccessTokens::new(limits),
            webhooks,
        }
    }

    /// Applies new limits, forgetting the oldest records if needed.
    pub(crate) fn set_limits(&mut self, limits: &Limits) {
        self.payments.set_limits(limits);
        self.vault.set_limits(limits);
        self.webhooks.set_capacity(limits.webhook_events);
        self.payouts.set_limits(limits);
        self.access.set_limits(limits);
    }
}
