//! HATEOAS links (`_links`): what the API says you can do next.

use alloc::collections::BTreeMap;
use alloc::string::String;
use core::fmt;

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::redact::{redacted_debug, Redacted};

/// One link: where, and optionally what it is called. `Debug` redacts by value: an href can carry
/// a key or a card number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Link {
    /// The URL.
    pub href: String,
    /// A title, when the API gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Link {
    /// A link to `href`.
    pub fn new(href: impl Into<String>) -> Self {
        Link { href: href.into(), title: None }
    }
}

redacted_debug!(Link { href, title });

/// The links of a response, by relation (`self`, `redirect`, `capture`, ...). `Debug` redacts by
/// value.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Links(BTreeMap<String, Link>);

impl fmt::Debug for Links {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().map(|(rel, link)| (Redacted(rel), link))).finish()
    }
}

impl Links {
    /// Reads `_links` from a response body, skipping entries that are not `{"href": "..."}`.
    pub fn from_body(body: &Value) -> Self {
        let mut links = BTreeMap::new();
        if let Some(map) = body.get("_links").and_then(Value::as_object) {
            for (rel, v) in map {
                let Some(href) = v.get("href").and_then(Value::as_str) else { continue };
                let title = v.get("title").and_then(Value::as_str).map(String::from);
                links.insert(rel.clone(), Link { href: href.into(), title });
            }
        }
        Links(links)
    }

    /// Reads `_links` and `request_id` from a response body's bytes, straight from the parser:
    /// the typed data is decoded separately, and the rest of the body is skipped without
    /// allocating. A body that is not an object has no links.
    pub(crate) fn envelope(body: &[u8]) -> Result<Envelope, serde_json::Error> {
        crate::operation::decode(body)
    }

    /// The link named `rel`.
    pub fn get(&self, rel: &str) -> Option<&Link> {
        self.0.get(rel)
    }

    /// Whether a link named `rel` is present.
    pub fn contains(&self, rel: &str) -> bool {
        self.0.contains_key(rel)
    }

    /// All links, by relation name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Link)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many links there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What every response body may carry beside its typed data: `_links`, and a `request_id` for
/// when the `Cko-Request-Id` header is missing.
#[derive(Debug, Default)]
pub(crate) struct Envelope {
    pub(crate) links: Links,
    pub(crate) request_id: Option<String>,
}

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = Envelope;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON body")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
                let mut envelope = Envelope::default();
                while let Some(key) = map.next_key::<EnvelopeKey>()? {
                    match key {
                        EnvelopeKey::Links => envelope.links = map.next_value::<LinksField>()?.0,
                        EnvelopeKey::RequestId => envelope.request_id = map.next_value::<TextField>()?.0,
                        EnvelopeKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(envelope)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Envelope, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Envelope::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_unit<E>(self) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
        }
        d.deserialize_any(Top)
    }
}

/// A top-level key of a body, matched without copying it.
enum EnvelopeKey {
    Links,
    RequestId,
    Other,
}

impl<'de> Deserialize<'de> for EnvelopeKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Key;
        impl Visitor<'_> for Key {
            type Value = EnvelopeKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, key: &str) -> Result<EnvelopeKey, E> {
                Ok(match key {
                    "_links" => EnvelopeKey::Links,
                    "request_id" => EnvelopeKey::RequestId,
                    _ => EnvelopeKey::Other,
                })
            }
        }
        d.deserialize_identifier(Key)
    }
}

/// A `request_id` value: text, or `None` for any other kind.
struct TextField(Option<String>);

impl<'de> Deserialize<'de> for TextField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::lenient::opt_string(d).map(TextField)
    }
}

/// `_links`: an object of relations to `{"href": "...", "title": "..."}`; entries of any other
/// shape are skipped, and so is a `_links` that is not an object.
struct LinksField(Links);

impl<'de> Deserialize<'de> for LinksField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Entry {
            #[serde(default, deserialize_with = "crate::lenient::opt_string_only")]
            href: Option<String>,
            #[serde(default, deserialize_with = "crate::lenient::opt_string_only")]
            title: Option<String>,
        }
        /// One entry: a link when it is an object with a string href, else nothing.
        #[derive(Deserialize)]
        #[serde(transparent)]
        struct Lenient(#[serde(deserialize_with = "crate::lenient::opt_object")] Option<Entry>);

        struct All;
        impl<'de> Visitor<'de> for All {
            type Value = Links;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of links")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Links, A::Error> {
                let mut links = BTreeMap::new();
                while let Some(rel) = map.next_key::<String>()? {
                    if let Some(Entry { href: Some(href), title }) = map.next_value::<Lenient>()?.0 {
                        links.insert(rel, Link { href, title });
                    }
                }
                Ok(Links(links))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Links, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Links::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<Links, E> {
                Ok(Links::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Links, E> {
                Ok(Links::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Links, E> {
                Ok(Links::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Links, E> {
                Ok(Links::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Links, E> {
                Ok(Links::default())
            }
            fn visit_unit<E>(self) -> Result<Links, E> {
                Ok(Links::default())
            }
        }
        d.deserialize_any(All).map(LinksField)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_are_read_leniently() {
        let body = json!({"_links": {
            "self": {"href": "https://x/payments/pay_1"},
            "redirect": {"href": "https://acs", "title": "ACS"},
            "broken": "not an object",
            "nohref": {"title": "x"},
        }});
        let links = Links::from_body(&body);
        assert_eq!(links.len(), 2);
        assert_eq!(links.get("redirect").unwrap().title.as_deref(), Some("ACS"));
        assert!(links.contains("self") && !links.contains("broken"));
        assert!(Links::from_body(&json!([1, 2])).is_empty());
        assert!(Links::from_body(&json!({"_links": 5})).is_empty());
    }
}
