//! Typed identifiers, checked on construction.
//!
//! Every id has its documented prefix (`pay_`, `sid_`, ...) followed by ASCII letters, digits,
//! `_` or `-` only, so an id used as a URL path segment can never carry `/`, `?`, `#`, `%` or
//! `..` into the URL.

use alloc::format;
use alloc::string::String;
use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

const MAX_ID_LEN: usize = 128;

fn check_id(value: &str, prefix: &str, kind: &'static str) -> Result<(), InvalidInput> {
    let bad = |reason: String| InvalidInput::Id { kind, reason };
    let Some(rest) = value.strip_prefix(prefix) else {
        return Err(bad(format!("must start with {prefix:?}")));
    };
    if rest.is_empty() {
        return Err(bad(format!("nothing follows {prefix:?}")));
    }
    if value.len() > MAX_ID_LEN {
        return Err(bad(format!("longer than {MAX_ID_LEN} characters")));
    }
    // Byte by byte (every response carries several ids): the first byte refused is where the
    // first character refused starts, since every byte before it is ASCII.
    if let Some(at) = rest.bytes().position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-')) {
        let c = rest[at..].chars().next().unwrap_or_default();
        return Err(bad(format!("character {c:?} is not allowed in an id")));
    }
    Ok(())
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Checks and wraps `value`.
            pub fn new(value: impl Into<String>) -> Result<Self, InvalidInput> {
                let value = value.into();
                check_id(&value, $prefix, $kind)?;
                Ok($name(value))
            }

            /// The id as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidInput;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = InvalidInput;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> $name {
                id.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Ids come from servers too: a hostile one could glue a key or a card to one.
                f.debug_tuple(stringify!($name)).field(&crate::redact::Redacted(&self.0)).finish()
            }
        }

        /// Shows the id redacted by value, like every output of the SDK: a server could glue a
        /// key or a card number to an id. Use [`as_str`](Self::as_str) for the id itself.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&crate::redact::Redacted(&self.0), f)
            }
        }
    };
}

typed_id!(
    /// A payment id, `pay_...`.
    PaymentId, "pay_", "payment id"
);
typed_id!(
    /// A 3-D Secure / redirect session id, `sid_...`, usable to look a payment up.
    SessionId, "sid_", "session id"
);
typed_id!(
    /// A payment action id, `act_...`.
    ActionId, "act_", "action id"
);
typed_id!(
    /// A stored payment source id, `src_...`, reusable for later payments.
    SourceId, "src_", "source id"
);
typed_id!(
    /// A customer id, `cus_...`.
    CustomerId, "cus_", "customer id"
);
typed_id!(
    /// A processing channel id, `pc_...`: where a payment is processed (required on accounts
    /// set up the way Checkout.com sets up new accounts).
    ProcessingChannelId, "pc_", "processing channel id"
);
typed_id!(
    /// A webhook event id, `evt_...`: the same on every delivery of one event, so the key to
    /// deduplicate deliveries on.
    EventId, "evt_", "event id"
);

/// What a payment can be looked up by: its payment id or a session id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PaymentRef {
    /// `pay_...`
    Payment(PaymentId),
    /// `sid_...`
    Session(SessionId),
}

impl PaymentRef {
    /// The id as a string.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentRef::Payment(id) => id.as_str(),
            PaymentRef::Session(id) => id.as_str(),
        }
    }
}

impl FromStr for PaymentRef {
    type Err = InvalidInput;
    /// `pay_...` or `sid_...`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with(SessionId::PREFIX) {
            SessionId::new(s).map(PaymentRef::Session)
        } else if s.starts_with(PaymentId::PREFIX) {
            PaymentId::new(s).map(PaymentRef::Payment)
        } else {
            Err(InvalidInput::Id {
                kind: "payment or session id",
                reason: "must start with \"pay_\" or \"sid_\"".into(),
            })
        }
    }
}

impl TryFrom<&str> for PaymentRef {
    type Error = InvalidInput;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for PaymentRef {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<&String> for PaymentRef {
    type Error = InvalidInput;
    fn try_from(s: &String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<PaymentId> for PaymentRef {
    fn from(id: PaymentId) -> Self {
        PaymentRef::Payment(id)
    }
}

impl From<&PaymentId> for PaymentRef {
    fn from(id: &PaymentId) -> Self {
        PaymentRef::Payment(id.clone())
    }
}

impl From<SessionId> for PaymentRef {
    fn from(id: SessionId) -> Self {
        PaymentRef::Session(id)
    }
}

impl fmt::Display for PaymentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&crate::redact::Redacted(self.as_str()), f)
    }
}

/// A `Cko-Idempotency-Key`: the same key on a retried `POST` makes the API replay the first
/// result instead of charging twice.
///
/// Visible ASCII only, 1 to 255 characters (it travels in a header).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Checks and wraps `key`.
    pub fn new(key: impl Into<String>) -> Result<Self, InvalidInput> {
        let key = key.into();
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidInput::Request("an idempotency key must be 1-255 visible ASCII characters".into()));
        }
        Ok(IdempotencyKey(key))
    }

    /// A fresh key from a random source (26 base32 characters, like Checkout.com's own ids).
    pub fn generate(random: &dyn crate::transport::Randomness) -> Self {
        const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut s = String::with_capacity(30);
        s.push_str("idk_");
        let mut bits = 0u64;
        let mut left = 0;
        for _ in 0..26 {
            if left < 5 {
                bits = random.next_u64();
                left = 64;
            }
            s.push(ALPHABET[(bits & 31) as usize] as char);
            bits >>= 5;
            left -= 5;
        }
        IdempotencyKey(s)
    }

    /// A fresh random key from the OS-seeded source: fix one before a call you may cancel, so
    /// you can retry it with the same key.
    #[cfg(feature = "std")]
    pub fn random() -> Self {
        Self::generate(&crate::transport::StdRandomness::new())
    }

    /// The key as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<IdempotencyKey> for String {
    fn from(k: IdempotencyKey) -> String {
        k.0
    }
}

impl FromStr for IdempotencyKey {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdempotencyKey").field(&crate::redact::Redacted(&self.0)).finish()
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&crate::redact::Redacted(&self.0), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_id_names_its_first_refused_character() {
        for (id, named) in
            [("pay_ab/c", "'/'"), ("pay_abé?", "'é'"), ("pay_a b", "' '"), ("pay_x\u{1F4B3}", "'\u{1F4B3}'")]
        {
            let error = alloc::string::ToString::to_string(&PaymentId::new(id).unwrap_err());
            assert!(error.contains(&alloc::format!("character {named} is not allowed")), "{id}: {error}");
        }
    }

    #[test]
    fn ids_check_their_prefix_and_characters() {
        assert!(PaymentId::new("pay_mbabizu24mvu3mela5njyhpit4").is_ok());
        for bad in [
            "pay_",
            "act_x",
            "pay_../../customers",
            "pay_a/b",
            "pay_a?b",
            "pay_a#b",
            "pay_a%2Fb",
            "pay_a b",
            "pay_é",
            "",
        ] {
            assert!(PaymentId::new(bad).is_err(), "{bad}");
        }
        assert!(SessionId::new("sid_y3oqhf46pyzuxjbcn2giaqnb44").is_ok());
        assert!(SourceId::new("src_nwd3m4in3hkuddfpjsaevunhdy").is_ok());
        assert!(CustomerId::new("cus_udst2tfldj6upmye2reztkmm4i").is_ok());
        assert!(ActionId::new("act_y3oqhf46pyzuxjbcn2giaqnb44").is_ok());
        assert!(PaymentId::new(alloc::format!("pay_{}", "a".repeat(200))).is_err());
    }

    #[test]
    fn payment_refs_pick_their_kind_by_prefix() {
        assert!(matches!("pay_abc".parse::<PaymentRef>(), Ok(PaymentRef::Payment(_))));
        assert!(matches!("sid_abc".parse::<PaymentRef>(), Ok(PaymentRef::Session(_))));
        assert!("cus_abc".parse::<PaymentRef>().is_err());
        assert!("sid_../x".parse::<PaymentRef>().is_err());
    }

    #[test]
    fn ids_deserialize_strictly() {
        let id: PaymentId = serde_json::from_str("\"pay_abc\"").unwrap();
        assert_eq!(id, "pay_abc");
        assert!(serde_json::from_str::<PaymentId>("\"src_abc\"").is_err());
    }

    struct Counter(core::sync::atomic::AtomicU32);
    impl crate::transport::Randomness for Counter {
        fn next_u64(&self) -> u64 {
            let n = self.0.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
            u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        }
    }

    #[test]
    fn generated_idempotency_keys_are_valid_and_differ() {
        let random = Counter(core::sync::atomic::AtomicU32::new(1));
        let a = IdempotencyKey::generate(&random);
        let b = IdempotencyKey::generate(&random);
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 30);
        assert!(IdempotencyKey::new(a.as_str()).is_ok());
        assert!(IdempotencyKey::new("has space").is_err());
        assert!(IdempotencyKey::new("").is_err());
    }
}
