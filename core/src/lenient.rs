//! Lenient decoding: the API's own examples send numbers where strings are documented
//! (`response_code: 10000`, `last4: 4242`), so response fields accept both, and a field of an
//! unexpected type becomes `None` instead of failing the whole response. The raw body keeps the
//! original value either way.
//!
//! Every helper reads the value straight from the parser, never through a `serde_json::Value`:
//! a field costs at most the one string it keeps, and skipped values (an object where text was
//! expected) are read past without allocating.

use alloc::string::{String, ToString};

use core::fmt;
use core::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Reads any JSON value, producing `Self::Value` from the kinds `pick` accepts and the default
/// for every other kind (whose content is skipped without allocating).
trait Pick<'de>: Sized {
    type Value: Default;
    fn text(self, _: &str) -> Self::Value {
        Self::Value::default()
    }
    fn unsigned(self, _: u64) -> Self::Value {
        Self::Value::default()
    }
    fn signed(self, n: i64) -> Self::Value {
        match u64::try_from(n) {
            Ok(n) => self.unsigned(n),
            Err(_) => self.negative(n),
        }
    }
    fn negative(self, _: i64) -> Self::Value {
        Self::Value::default()
    }
    fn float(self, _: f64) -> Self::Value {
        Self::Value::default()
    }
    fn boolean(self, _: bool) -> Self::Value {
        Self::Value::default()
    }
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Self::Value::default())
    }
}

/// Adapts a [`Pick`] to serde's `Visitor`.
struct Lenient<P>(P);

impl<'de, P: Pick<'de>> Visitor<'de> for Lenient<P> {
    type Value = P::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<P::Value, E> {
        Ok(self.0.text(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<P::Value, E> {
        Ok(self.0.unsigned(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<P::Value, E> {
        Ok(self.0.signed(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<P::Value, E> {
        Ok(self.0.float(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<P::Value, E> {
        Ok(self.0.boolean(v))
    }
    fn visit_unit<E>(self) -> Result<P::Value, E> {
        Ok(P::Value::default())
    }
    fn visit_none<E>(self) -> Result<P::Value, E> {
        Ok(P::Value::default())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<P::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<P::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(P::Value::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<P::Value, A::Error> {
        self.0.object(map)
    }
}

fn read<'de, D: Deserializer<'de>, P: Pick<'de>>(d: D, pick: P) -> Result<P::Value, D::Error> {
    d.deserialize_any(Lenient(pick))
}

/// A number as the API would have written it in a string: integers as digits, other numbers as
/// serde_json prints them.
fn float_text(v: f64) -> Option<String> {
    serde_json::Number::from_f64(v).map(|n| n.to_string())
}

struct Text;

impl Pick<'_> for Text {
    type Value = Option<String>;
    fn text(self, v: &str) -> Option<String> {
        Some(v.into())
    }
    fn unsigned(self, v: u64) -> Option<String> {
        Some(v.to_string())
    }
    fn negative(self, v: i64) -> Option<String> {
        Some(v.to_string())
    }
    fn float(self, v: f64) -> Option<String> {
        float_text(v)
    }
    fn boolean(self, v: bool) -> Option<String> {
        Some(v.to_string())
    }
}

/// A string, or a number / bool rendered as a string; anything else (or absence) is `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    read(d, Text)
}

struct StringOnly;

impl Pick<'_> for StringOnly {
    type Value = Option<String>;
    fn text(self, v: &str) -> Option<String> {
        Some(v.into())
    }
}

/// A JSON string only (a link's href: a number there is no URL); `None` for anything else.
pub(crate) fn opt_string_only<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    read(d, StringOnly)
}

/// What a piece of text parses into, for [`opt`]: `None` when it does not fit.
pub(crate) trait FromText: Sized {
    fn from_text(text: &str) -> Option<Self>;
}

macro_rules! from_text_ids {
    ($($id:ty),*) => {$(
        impl FromText for $id {
            fn from_text(text: &str) -> Option<Self> {
                <$id>::new(text).ok()
            }
        }
    )*};
}
from_text_ids!(crate::id::ActionId, crate::id::CustomerId, crate::id::PaymentId, crate::id::SourceId);

impl FromText for crate::currency::Currency {
    fn from_text(text: &str) -> Option<Self> {
        crate::currency::Currency::parse(text).ok()
    }
}

impl FromText for crate::outcome::ResponseCode {
    fn from_text(text: &str) -> Option<Self> {
        Some(crate::outcome::ResponseCode::new(text))
    }
}

impl FromText for crate::payment::PaymentStatus {
    fn from_text(text: &str) -> Option<Self> {
        Some(crate::payment::PaymentStatus::parse(text))
    }
}

impl FromText for crate::payout::PayoutStatus {
    fn from_text(text: &str) -> Option<Self> {
        Some(crate::payout::PayoutStatus::parse(text))
    }
}

/// Parses text (or a number written as text) into `T`, borrowing the text where it can.
struct Parsed<T>(PhantomData<T>);

impl<T: FromText> Pick<'_> for Parsed<T> {
    type Value = Option<T>;
    fn text(self, v: &str) -> Option<T> {
        T::from_text(v)
    }
    fn unsigned(self, v: u64) -> Option<T> {
        T::from_text(&v.to_string())
    }
    fn negative(self, v: i64) -> Option<T> {
        T::from_text(&v.to_string())
    }
    fn float(self, v: f64) -> Option<T> {
        float_text(v).and_then(|t| T::from_text(&t))
    }
    fn boolean(self, v: bool) -> Option<T> {
        T::from_text(if v { "true" } else { "false" })
    }
}

/// A value read as text and parsed into `T`; `None` when absent, null, not text-like, or not
/// parseable.
pub(crate) fn opt<'de, D: Deserializer<'de>, T: FromText>(d: D) -> Result<Option<T>, D::Error> {
    read(d, Parsed(PhantomData))
}

struct Object<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Pick<'de> for Object<T> {
    type Value = Option<T>;
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let decoded = T::deserialize(MapAccessDeserializer::new(&mut map)).ok();
        // After a failed decode, read what is left so the enclosing object stays consistent.
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(decoded)
    }
}

/// A JSON object decoded as `T`, read in place (no copy of the subtree); `None` for anything
/// else, or when `T` rejects it. Without the object check, serde would read an array into a
/// struct by position (`"risk": [true]` as flagged).
pub(crate) fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    read(d, Object(PhantomData))
}

/// A JSON object kept as a map (your `metadata`); `None` for anything else.
pub(crate) fn opt_map<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Map<String, Value>>, D::Error> {
    opt_object(d)
}

struct Unsigned;

impl Pick<'_> for Unsigned {
    type Value = Option<u64>;
    fn unsigned(self, v: u64) -> Option<u64> {
        Some(v)
    }
    fn text(self, v: &str) -> Option<u64> {
        v.trim().parse().ok()
    }
}

/// A non-negative integer, also from a numeric string; `None` otherwise.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    read(d, Unsigned)
}

struct Flag;

impl Pick<'_> for Flag {
    type Value = Option<bool>;
    fn boolean(self, v: bool) -> Option<bool> {
        Some(v)
    }
    fn text(self, v: &str) -> Option<bool> {
        if v.eq_ignore_ascii_case("true") {
            Some(true)
        } else if v.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }
}

/// A bool, also from `"true"`/`"false"`; `None` otherwise.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    read(d, Flag)
}

/// A bool defaulting to `false` when absent or odd.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    opt_bool(d).map(Option::unwrap_or_default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Fields {
        #[serde(default, deserialize_with = "opt_string")]
        text: Option<String>,
        #[serde(default, deserialize_with = "opt_u64")]
        number: Option<u64>,
        #[serde(default, deserialize_with = "opt_bool")]
        yes: Option<bool>,
        #[serde(default, deserialize_with = "opt_map")]
        map: Option<Map<String, Value>>,
    }

    fn fields(v: Value) -> Fields {
        serde_json::from_str(&v.to_string()).unwrap()
    }

    #[test]
    fn every_kind_of_value_reads_leniently_without_failing_the_object() {
        let odd = fields(json!({"text": {"a": [1, {"b": 2}]}, "number": [1, 2], "yes": 5, "map": "x"}));
        assert_eq!(odd, Fields { text: None, number: None, yes: None, map: None });
        let loose = fields(json!({"text": 10000, "number": " 42 ", "yes": "TRUE", "map": {"k": [1]}}));
        assert_eq!(loose.text.as_deref(), Some("10000"));
        assert_eq!((loose.number, loose.yes), (Some(42), Some(true)));
        assert_eq!(loose.map.unwrap()["k"], json!([1]));
        let exact = fields(json!({"text": "x", "number": 7, "yes": false}));
        assert_eq!((exact.text.as_deref(), exact.number, exact.yes), (Some("x"), Some(7), Some(false)));
        let floats = fields(json!({"text": 1.5, "number": 1.5}));
        assert_eq!((floats.text.as_deref(), floats.number), (Some("1.5"), None));
        let negative = fields(json!({"text": -3, "number": -3}));
        assert_eq!((negative.text.as_deref(), negative.number), (Some("-3"), None));
    }
}
