//! Request fields read from untyped JSON, checked, and reported by name when they are wrong.
//!
//! Every request model reads itself from JSON through [`Fields`]: each modelled field is taken
//! out by name and checked, and whatever is left becomes the model's `extra` map, sent as given.
//! Errors name the field by its path in the body (`customer.phone.number`, `items[2].quantity`)
//! and say what was expected. They never quote the value: a card number typed into `reference`
//! or a secret key typed into `capture` stays out of every message.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::ser::{Error as _, SerializeMap};
use serde::Serializer;
use serde_json::{Map, Value};

use crate::currency::AmountError;
use crate::error::InvalidInput;

/// What is wrong with one request field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldProblem {
    /// The field is required and absent.
    Missing,
    /// The value is not of the expected JSON type or form; the text says what was expected.
    Expected(&'static str),
    /// The value is not one of the API's values for this field (matched in any case).
    OneOf(&'static [&'static str]),
    /// The text is longer than the API accepts.
    TooLong {
        /// The most characters the API accepts.
        max: usize,
    },
    /// Two spellings of one field were given with different values (`3ds` and `threeds`).
    Conflicts {
        /// The other spelling.
        with: &'static str,
    },
    /// An `extra` entry repeats a field the SDK models: set it with its own method instead.
    Modelled,
    /// The amount breaks the API's rules for amounts in its currency.
    Amount(AmountError),
}

/// A request field that cannot be sent as it is.
///
/// It names the field by its path in the body and never quotes the value.
///
/// ```
/// use checkout_sdk_core::request::{FieldProblem, PaymentRequest};
/// use checkout_sdk_core::InvalidInput;
/// use serde_json::json;
///
/// let err = PaymentRequest::from_json(json!({
///     "source": {"token": "tok_ubfj2q76miwundwlk72vxt2i7q"}, "amount": 100, "currency": "USD",
///     "customer": {"phone": {"number": true}},
/// })).unwrap_err();
/// let InvalidInput::Field(field) = &err else { panic!("{err:?}") };
/// assert_eq!(field.field(), "customer.phone.number");
/// assert_eq!(field.problem(), &FieldProblem::Expected("a string"));
/// assert_eq!(err.to_string(), "invalid request field `customer.phone.number`: expected a string");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    field: String,
    problem: FieldProblem,
}

impl FieldError {
    /// An error about `field` (its path in the body; empty for the body itself).
    pub fn new(field: impl Into<String>, problem: FieldProblem) -> Self {
        FieldError { field: field.into(), problem }
    }

    /// The field's path in the body, e.g. `customer.phone.number` or `items[0].quantity`; empty
    /// when the body itself is wrong.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &FieldProblem {
        &self.problem
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldProblem::Missing => f.write_str("is required"),
            FieldProblem::Expected(what) => write!(f, "expected {what}"),
            FieldProblem::OneOf(values) => {
                f.write_str("expected one of ")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(v)?;
                }
                f.write_str(" (in any case)")
            }
            FieldProblem::TooLong { max } => write!(f, "is longer than {max} characters"),
            FieldProblem::Conflicts { with } => {
                write!(f, "differs from `{with}`: give one of them, or both with the same value")
            }
            FieldProblem::Modelled => f.write_str("is a modelled field: set it with its own method, not as extra"),
            FieldProblem::Amount(e) => write!(f, "{e}"),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "invalid request body: {}", self.problem)
        } else {
            write!(f, "invalid request field `{}`: {}", self.field, self.problem)
        }
    }
}

impl From<FieldError> for InvalidInput {
    fn from(e: FieldError) -> Self {
        InvalidInput::Field(e)
    }
}

/// `parent.key`, or `key` at the top level.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.into()
    } else {
        format!("{parent}.{key}")
    }
}

/// Checks that `value` has at most `max` characters.
pub(crate) fn check_len(field: &str, value: Option<&str>, max: usize) -> Result<(), FieldError> {
    match value {
        Some(v) if v.chars().count() > max => Err(FieldError::new(field, FieldProblem::TooLong { max })),
        _ => Ok(()),
    }
}

/// The fields of one JSON object, taken out one by one as they are read.
pub(crate) struct Fields {
    map: Map<String, Value>,
    path: String,
}

impl Fields {
    /// The object's fields; anything but an object is an error at `path`.
    pub(crate) fn of(value: Value, path: String) -> Result<Self, FieldError> {
        match value {
            Value::Object(map) => Ok(Fields { map, path }),
            _ => Err(FieldError::new(path, FieldProblem::Expected("a JSON object"))),
        }
    }

    /// An object's fields, already taken apart, at `path`.
    pub(crate) fn from_map(map: Map<String, Value>, path: String) -> Self {
        Fields { map, path }
    }

    /// The path of `key` in the body.
    pub(crate) fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn wrong(&self, key: &str, expected: &'static str) -> FieldError {
        FieldError::new(self.path(key), FieldProblem::Expected(expected))
    }

    /// Removes `key`; `null` counts as absent, like an omitted field.
    pub(crate) fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// A string.
    pub(crate) fn string(&mut self, key: &str) -> Result<Option<String>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    /// A string, or a number read as its decimal text. Only for the fields where the API's own
    /// examples send numbers although text is documented (`"eci": 5`,
    /// `"account_number": 5555554444`, a phone's `"country_code": 1`, a sender's `reference`).
    pub(crate) fn digits_or_string(&mut self, key: &str) -> Result<Option<String>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    /// A JSON `true` or `false`.
    pub(crate) fn boolean(&mut self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(self.wrong(key, "true or false")),
        }
    }

    /// A non-negative integer (amounts in minor units, counts).
    pub(crate) fn integer(&mut self, key: &str) -> Result<Option<u64>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| self.wrong(key, "a non-negative integer")),
            Some(_) => Err(self.wrong(key, "a non-negative integer")),
        }
    }

    /// A free-form JSON object (`metadata`, `processing`, ...).
    pub(crate) fn object(&mut self, key: &str) -> Result<Option<Map<String, Value>>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(self.wrong(key, "a JSON object")),
        }
    }

    /// A string turned into `T` by `parse`; `expected` says what a good value looks like.
    pub(crate) fn parsed<T>(
        &mut self,
        key: &str,
        expected: &'static str,
        parse: impl FnOnce(String) -> Option<T>,
    ) -> Result<Option<T>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => parse(s).map(Some).ok_or_else(|| self.wrong(key, expected)),
            Some(_) => Err(self.wrong(key, expected)),
        }
    }

    /// One of a closed set of values, matched in any case.
    pub(crate) fn one_of<E: ClosedSet>(&mut self, key: &str) -> Result<Option<E>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => {
                E::parse(&s).map(Some).ok_or_else(|| FieldError::new(self.path(key), FieldProblem::OneOf(E::TEXTS)))
            }
            Some(_) => Err(FieldError::new(self.path(key), FieldProblem::OneOf(E::TEXTS))),
        }
    }

    /// A nested model.
    pub(crate) fn model<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, FieldError> {
        let path = self.path(key);
        self.take(key).map(|v| T::from_value(v, path)).transpose()
    }

    /// A list of nested models; each error names the item (`items[2].quantity`).
    pub(crate) fn models<T: FromJson>(&mut self, key: &str) -> Result<Option<Vec<T>>, FieldError> {
        let path = self.path(key);
        match self.take(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| T::from_value(v, format!("{path}[{i}]")))
                .collect::<Result<Vec<T>, FieldError>>()
                .map(Some),
            Some(_) => Err(FieldError::new(path, FieldProblem::Expected("a JSON array"))),
        }
    }

    /// Everything not read: the fields the SDK does not model, sent as given.
    pub(crate) fn rest(self) -> Map<String, Value> {
        self.map
    }
}

/// A request model that reads itself from untyped JSON.
pub(crate) trait FromJson: Sized {
    /// Reads the model from an object's fields; the fields left over become `extra`.
    fn from_fields(fields: Fields) -> Result<Self, FieldError>;

    /// Reads the model from a value at `path` (shortcuts such as `risk: false` override this).
    fn from_value(value: Value, path: String) -> Result<Self, FieldError> {
        Self::from_fields(Fields::of(value, path)?)
    }
}

/// Reads a model that may also be written as `true` or `false`, the API's and the original SDK's
/// shorthand for `{"enabled": ...}` (`risk`, `3ds`, the kinds of `retry`): `from` makes it from
/// the switch, an object is read field by field, anything else is refused.
pub(crate) fn switch_or_object<T: FromJson>(
    value: Value,
    path: String,
    from: impl FnOnce(bool) -> T,
) -> Result<T, FieldError> {
    match value {
        Value::Bool(enabled) => Ok(from(enabled)),
        Value::Object(_) => T::from_fields(Fields::of(value, path)?),
        _ => Err(FieldError::new(path, FieldProblem::Expected("true, false or a JSON object"))),
    }
}

/// A closed set of values the API spells in one way and this SDK reads in any case.
pub(crate) trait ClosedSet: Sized {
    /// Every value, in the API's spelling.
    const TEXTS: &'static [&'static str];
    /// The value spelled `text`, in any case.
    fn parse(text: &str) -> Option<Self>;
}

/// Serialises a model's `extra` map flattened into the model, refusing an entry that would send a
/// modelled field twice (`modelled` lists the model's own field names).
pub(crate) fn serialize_extra<S: Serializer>(
    extra: &Map<String, Value>,
    modelled: &[&str],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if let Some(key) = extra.keys().find(|k| modelled.contains(&k.as_str())) {
        return Err(S::Error::custom(FieldError::new(key.as_str(), FieldProblem::Modelled)));
    }
    let mut map = serializer.serialize_map(Some(extra.len()))?;
    for (k, v) in extra {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Implements the parts every open request model shares: `FIELDS` (the names it models), the
/// serialiser of its `extra` map, and `Deserialize` through its [`FromJson`] reader, so that
/// serde and `from_json` read it the same way and report errors the same way.
macro_rules! open_model {
    ($ty:ident { $($field:literal),* $(,)? }) => {
        impl $ty {
            /// The body fields this type models by name; `extra` must not repeat them.
            pub const FIELDS: &'static [&'static str] = &[$($field),*];

            fn serialize_extra<S: serde::Serializer>(
                extra: &serde_json::Map<alloc::string::String, serde_json::Value>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                $crate::request::field::serialize_extra(extra, Self::FIELDS, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                <$ty as $crate::request::field::FromJson>::from_value(value, alloc::string::String::new())
                    .map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use open_model;

/// The chaining `extra(key, value)` setter of an open model.
macro_rules! extra_setter {
    () => {
        /// Adds a field the SDK does not model, sent as given. It must not repeat one of
        /// [`FIELDS`](Self::FIELDS): a request that would send a field twice is refused with a
        /// typed error, never sent.
        #[must_use]
        pub fn extra(mut self, key: impl Into<alloc::string::String>, value: impl Into<serde_json::Value>) -> Self {
            self.extra.insert(key.into(), value.into());
            self
        }
    };
}
pub(crate) use extra_setter;

/// The chaining `metadata(key, value)` setter: adds one entry to `self.metadata` (or, in a
/// builder, `self.at.metadata`).
macro_rules! metadata_setter {
    () => {
        /// Adds a metadata entry.
        #[must_use]
        pub fn metadata(mut self, key: impl Into<alloc::string::String>, value: impl Into<serde_json::Value>) -> Self {
            self.metadata.get_or_insert_with(serde_json::Map::new).insert(key.into(), value.into());
            self
        }
    };
    // A builder is `#[must_use]` itself.
    ($at:ident) => {
        /// Adds a metadata entry.
        pub fn metadata(mut self, key: impl Into<alloc::string::String>, value: impl Into<serde_json::Value>) -> Self {
            self.$at.metadata.get_or_insert_with(serde_json::Map::new).insert(key.into(), value.into());
            self
        }
    };
}
pub(crate) use metadata_setter;

/// `Debug` for a request body: its JSON, redacted, plus its `Cko-Idempotency-Key` (which the
/// JSON skips).
macro_rules! keyed_request_debug {
    ($ty:ident) => {
        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                $crate::redact::debug_as_json(f, stringify!($ty), self, &[("idempotency_key", &self.idempotency_key)])
            }
        }
    };
}
pub(crate) use keyed_request_debug;

/// Chaining setters for optional fields: `name(value)` sets `self.name` (or, in a builder,
/// `self.at.name`) to `Some(value)`. `name: T,` takes any `impl Into<T>`; `name = T,` takes
/// exactly a `T`, so that an integer literal (`.amount(2000)`) needs no suffix. Every entry ends
/// with a comma. Setters are `#[must_use]` (a builder type is `#[must_use]` itself).
macro_rules! setters {
    (@with [$($attr:meta)*] $($at:ident).*;) => {};
    (@with [$($attr:meta)*] $($at:ident).*; $(#[$doc:meta])* $name:ident: $ty:ty, $($rest:tt)*) => {
        $(#[$doc])*
        $(#[$attr])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.$($at.)*$name = Some(value.into());
            self
        }
        $crate::request::field::setters!(@with [$($attr)*] $($at).*; $($rest)*);
    };
    (@with [$($attr:meta)*] $($at:ident).*; $(#[$doc:meta])* $name:ident = $ty:ty, $($rest:tt)*) => {
        $(#[$doc])*
        $(#[$attr])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.$($at.)*$name = Some(value);
            self
        }
        $crate::request::field::setters!(@with [$($attr)*] $($at).*; $($rest)*);
    };
    (@at $($at:ident).+; $($rest:tt)*) => {
        $crate::request::field::setters!(@with [] $($at).+; $($rest)*);
    };
    ($($rest:tt)*) => {
        $crate::request::field::setters!(@with [must_use] ; $($rest)*);
    };
}
pub(crate) use setters;

/// A closed set of string values (`payment_type`, `capture_type`, ...): serialised in the API's
/// spelling, read in any case, and reported by listing the accepted values, never the value given.
macro_rules! closed_set {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The API's spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value spelled `text`, ignoring ASCII case.
            pub fn parse(text: &str) -> Option<Self> {
                <Self as $crate::request::field::ClosedSet>::parse(text)
            }
        }

        impl $crate::request::field::ClosedSet for $name {
            const TEXTS: &'static [&'static str] = &[$($text),*];
            fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(text))
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                value
                    .as_str()
                    .and_then($name::parse)
                    .ok_or_else(|| {
                        serde::de::Error::custom($crate::request::field::FieldError::new(
                            alloc::string::String::new(),
                            $crate::request::field::FieldProblem::OneOf(
                                <$name as $crate::request::field::ClosedSet>::TEXTS,
                            ),
                        ))
                    })
            }
        }
    };
}
pub(crate) use closed_set;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn readers_take_fields_out_and_leave_the_rest() {
        let mut f = Fields::of(
            json!({"a": "x", "n": 5, "b": true, "i": 7, "o": {"k": 1}, "z": null, "other": [1]}),
            "root".into(),
        )
        .unwrap();
        assert_eq!(f.string("a").unwrap().as_deref(), Some("x"));
        assert_eq!(f.digits_or_string("n").unwrap().as_deref(), Some("5"));
        assert_eq!(f.boolean("b").unwrap(), Some(true));
        assert_eq!(f.integer("i").unwrap(), Some(7));
        assert_eq!(f.object("o").unwrap(), json!({"k": 1}).as_object().cloned());
        assert_eq!(f.string("z").unwrap(), None);
        assert_eq!(f.string("absent").unwrap(), None);
        assert_eq!(Value::Object(f.rest()), json!({"other": [1]}));
    }

    #[test]
    fn readers_name_the_path_and_what_was_expected() {
        type Case = (Value, fn(&mut Fields) -> Result<(), FieldError>, &'static str);
        let cases: &[Case] = &[
            (json!({"k": true}), |f| f.string("k").map(drop), "invalid request field `p.k`: expected a string"),
            (json!({"k": 5}), |f| f.string("k").map(drop), "invalid request field `p.k`: expected a string"),
            (
                json!({"k": [5]}),
                |f| f.digits_or_string("k").map(drop),
                "invalid request field `p.k`: expected a string",
            ),
            (json!({"k": "yes"}), |f| f.boolean("k").map(drop), "invalid request field `p.k`: expected true or false"),
            (
                json!({"k": -1}),
                |f| f.integer("k").map(drop),
                "invalid request field `p.k`: expected a non-negative integer",
            ),
            (
                json!({"k": 1.5}),
                |f| f.integer("k").map(drop),
                "invalid request field `p.k`: expected a non-negative integer",
            ),
            (json!({"k": [1]}), |f| f.object("k").map(drop), "invalid request field `p.k`: expected a JSON object"),
        ];
        for (input, read, expected) in cases {
            let mut f = Fields::of(input.clone(), "p".into()).unwrap();
            assert_eq!(read(&mut f).unwrap_err().to_string(), *expected, "{input}");
        }
        assert_eq!(
            Fields::of(json!([1]), String::new()).err().unwrap().to_string(),
            "invalid request body: expected a JSON object"
        );
    }

    #[test]
    fn extra_entries_that_repeat_a_modelled_field_are_refused() {
        let extra = json!({"amount": 5}).as_object().cloned().unwrap();
        let err = serialize_extra(&extra, &["amount"], serde_json::value::Serializer).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request field `amount`: is a modelled field: set it with its own method, not as extra"
        );
        let ok = serialize_extra(&extra, &["reference"], serde_json::value::Serializer).unwrap();
        assert_eq!(ok, json!({"amount": 5}));
    }
}
