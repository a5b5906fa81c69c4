//! HATEOAS links (`_links`): what the API says you can do next.

use alloc::collections::BTreeMap;
use alloc::string::String;
use core::fmt;

use serde::{Deserialize, Serialize};
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
