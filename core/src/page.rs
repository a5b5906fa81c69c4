//! A page of payments: `GET /payments?reference=…` and `POST /payments/search`.

use alloc::vec::Vec;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::link::Link;
use crate::payment::Payment;

/// One page of results: the payments (`data`), and how to find the next page. A list by
/// reference answers with `limit`, `skip` and `total_count`; a search answers with a `next` link
/// in `_links` while more results follow. Every count is `None` when absent or odd, and an entry of
/// `data` that cannot be read is skipped and counted in `unreadable` (the response's raw body
/// still holds it), so one odd payment never hides the rest.
///
/// ```
/// use checkout_sdk_core::page::Page;
///
/// let body = r#"{"limit": 2, "skip": 0, "total_count": 3,
///     "data": [{"id": "pay_einf5abzzgbejdpuartvqgl36i", "status": "Declined"}, {"id": "pay_mbabizu24mvu3mela5njyhpit4"}]}"#;
/// let page: Page = serde_json::from_str(body).unwrap();
/// assert_eq!(page.data.len(), 2);
/// assert_eq!(page.next_skip(), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T = Payment> {
    /// The page size asked for (lists).
    pub limit: Option<u64>,
    /// How many results came before this page (lists).
    pub skip: Option<u64>,
    /// How many results there are in all (lists).
    pub total_count: Option<u64>,
    /// The results on this page.
    pub data: Vec<T>,
    /// How many entries of `data` could not be read as `T` (they are in the raw body).
    pub unreadable: usize,
    /// The next page, when the API links one (searches).
    pub next: Option<Link>,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
            limit: Option<u64>,
            #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
            skip: Option<u64>,
            #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
            total_count: Option<u64>,
            #[serde(default)]
            data: Value,
            #[serde(default, rename = "_links")]
            links: Value,
        }
        // An object only: serde would read an array into `Raw` by position.
        let body = Value::deserialize(deserializer)?;
        if !body.is_object() {
            return Err(serde::de::Error::custom("a page must be a JSON object"));
        }
        let raw = Raw::deserialize(body).map_err(serde::de::Error::custom)?;
        let mut data = Vec::new();
        let mut unreadable = 0;
        if let Value::Array(items) = raw.data {
            for item in items {
                match T::deserialize(item) {
                    Ok(item) => data.push(item),
                    Err(_) => unreadable += 1,
                }
            }
        }
        let next = raw.links.get("next").and_then(|next| Link::deserialize(next).ok());
        Ok(Page { limit: raw.limit, skip: raw.skip, total_count: raw.total_count, data, unreadable, next })
    }
}

impl<T> Page<T> {
    /// The `skip` that asks for the page after this one, or `None` when this is the last page
    /// (by `total_count`) or the page is empty.
    pub fn next_skip(&self) -> Option<u64> {
        let seen = self.skip.unwrap_or(0).checked_add(self.data.len() as u64 + self.unreadable as u64)?;
        let total = self.total_count?;
        (seen < total && !self.is_empty()).then_some(seen)
    }

    /// Whether the page holds no entries at all.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.unreadable == 0
    }
}
