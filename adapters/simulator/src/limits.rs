//! How much the simulator keeps: bounds on every collection that requests fill.

/// Bounds on what the simulator keeps in memory. When a bound is reached the oldest records of
/// that collection are forgotten first (a forgotten payment is a 404, a forgotten idempotency key
/// is a fresh key again); the newest record is always kept.
///
/// Bytes are the simulator's own estimate of the heap a record holds (strings, JSON nodes and
/// their overhead), not an allocator's count.
///
/// ```
/// use checkout_sdk_simulator::{Limits, Simulator};
///
/// let sim = Simulator::seeded(1).with_limits(Limits::default().with_payments(100));
/// assert_eq!(sim.limits().payments, 100);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Payments kept, with their actions (default 10,000).
    pub payments: usize,
    /// Bytes of payments kept (default 32 MiB).
    pub payment_bytes: usize,
    /// Actions (captures, refunds, voids) one payment accepts; more are refused with 403 like any
    /// action not allowed (default 100).
    pub actions_per_payment: usize,
    /// Idempotency records kept (default 10,000).
    pub idempotency_records: usize,
    /// Bytes of idempotency records (the stored responses) kept (default 16 MiB).
    pub idempotency_bytes: usize,
    /// Tokens, stored sources and customers kept, each (default 10,000).
    pub vault_entries: usize,
    /// Bytes of tokens, of stored sources and of customers kept, each (default 4 MiB).
    pub vault_bytes: usize,
    /// Webhook events kept, and webhook deliveries kept (default 1,000 each). An event's body is
    /// bounded by the payment fields it copies (12 KiB at most).
    pub webhook_events: usize,
}

const MIB: usize = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            payments: 10_000,
            payment_bytes: 32 * MIB,
            actions_per_payment: 100,
            idempotency_records: 10_000,
            idempotency_bytes: 16 * MIB,
            vault_entries: 10_000,
            vault_bytes: 4 * MIB,
            webhook_events: 1_000,
        }
    }
}

impl Limits {
    /// The largest number of payments kept.
    #[must_use]
    pub fn with_payments(mut self, payments: usize) -> Self {
        self.payments = payments;
        self
    }

    /// The bytes of payments kept.
    #[must_use]
    pub fn with_payment_bytes(mut self, bytes: usize) -> Self {
        self.payment_bytes = bytes;
        self
    }

    /// The actions one payment accepts.
    #[must_use]
    pub fn with_actions_per_payment(mut self, actions: usize) -> Self {
        self.actions_per_payment = actions;
        self
    }

    /// The largest number of idempotency records kept.
    #[must_use]
    pub fn with_idempotency_records(mut self, records: usize) -> Self {
        self.idempotency_records = records;
        self
    }

    /// The bytes of idempotency records kept.
    #[must_use]
    pub fn with_idempotency_bytes(mut self, bytes: usize) -> Self {
        self.idempotency_bytes = bytes;
        self
    }

    /// The largest number of tokens, of stored sources and of customers kept.
    #[must_use]
    pub fn with_vault_entries(mut self, entries: usize) -> Self {
        self.vault_entries = entries;
        self
    }

    /// The bytes of tokens, of stored sources and of customers kept.
    #[must_use]
    pub fn with_vault_bytes(mut self, bytes: usize) -> Self {
        self.vault_bytes = bytes;
        self
    }

    /// The largest number of webhook events, and of webhook deliveries, kept.
    #[must_use]
    pub fn with_webhook_events(mut self, events: usize) -> Self {
        self.webhook_events = events;
        self
    }

    /// The most bytes all these bounds allow together: payments, idempotency records, and three
    /// vault collections.
    pub fn total_bytes(&self) -> usize {
        self.payment_bytes.saturating_add(self.idempotency_bytes).saturating_add(self.vault_bytes.saturating_mul(3))
    }
}
