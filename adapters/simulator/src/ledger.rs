//! The domain state every route family works on: the clock, the id generator, the payments and
//! the vault. Request handling (faults, idempotency, request ids) lives in the pipeline instead.

use crate::access::AccessTokens;
use crate::clock::Clock;
use crate::ids::Rng;
use crate::limits::Limits;
use crate::payments::PaymentBook;
use crate::payouts::PayoutBook;
use crate::vault::Vault;

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
    /// Payouts (`POST /payments` with a `destination`).
    pub(crate) payouts: PayoutBook,
    /// The OAuth access tokens issued by `POST /connect/token`.
    pub(crate) access: AccessTokens,
}

impl Ledger {
    /// An empty ledger within `limits`.
    pub(crate) fn new(clock: Clock, ids: Rng, limits: &Limits) -> Self {
        Ledger {
            clock,
            ids,
            payments: PaymentBook::new(limits),
            vault: Vault::new(limits),
            payouts: PayoutBook::new(limits),
            access: AccessTokens::new(limits),
        }
    }

    /// Applies new limits, forgetting the oldest records if needed.
    pub(crate) fn set_limits(&mut self, limits: &Limits) {
        self.payments.set_limits(limits);
        self.vault.set_limits(limits);
        self.payouts.set_limits(limits);
        self.access.set_limits(limits);
    }
}
