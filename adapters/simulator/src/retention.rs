//! Bounded, oldest-first retention: every collection the simulator fills from requests keeps at
//! most a number of records and an approximate number of heap bytes, and forgets its oldest
//! records first when either bound is reached. This is what keeps a long-running sandbox's memory
//! bounded.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use serde_json::Value;

/// The approximate heap footprint of a record, in bytes (its own size included).
pub(crate) trait Weigh {
    /// Bytes this record holds, approximately: what a bound on memory counts.
    fn weight(&self) -> usize;
}

/// A map from ids to records, in insertion order, holding at most `max_entries` records and about
/// `max_bytes` of them.
pub(crate) struct Retained<V> {
    /// Each record with its weight and the sequence number of its insertion.
    entries: BTreeMap<String, Entry<V>>,
    /// `(id, sequence number)`, oldest first; a pair whose record was removed or inserted again
    /// since is stale and skipped.
    order: VecDeque<(String, u64)>,
    next_seq: u64,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

struct Entry<V> {
    value: V,
    weight: usize,
    seq: u64,
}

impl<V: Weigh> Retained<V> {
    /// An empty collection with these bounds.
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Retained { entries: BTreeMap::new(), order: VecDeque::new(), next_seq: 0, bytes: 0, max_entries, max_bytes }
    }

    /// How many records there are.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The approximate bytes held.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.bytes
    }

    /// The record `id`.
    pub(crate) fn get(&self, id: &str) -> Option<&V> {
        self.entries.get(id).map(|entry| &entry.value)
    }

    /// Every record, by id.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.values().map(|entry| &entry.value)
    }

    /// Every record, newest first.
    pub(crate) fn newest_first(&self) -> impl Iterator<Item = &V> {
        self.order.iter().rev().filter_map(|(id, seq)| self.live(id, *seq)).map(|entry| &entry.value)
    }

    fn live(&self, id: &str, seq: u64) -> Option<&Entry<V>> {
        self.entries.get(id).filter(|entry| entry.seq == seq)
    }

    /// Changes the record `id` with `change` and weighs it again, then forgets the oldest other
    /// records while a bound is exceeded; returns what `change` returned and the records forgotten.
    pub(crate) fn update<R>(&mut self, id: &str, change: impl FnOnce(&mut V) -> R) -> Option<(R, Vec<(String, V)>)> {
        let entry = self.entries.get_mut(id)?;
        let out = change(&mut entry.value);
        let weight = entry.value.weight();
        self.bytes = self.bytes - entry.weight + weight;
        entry.weight = weight;
        Some((out, self.evict_except(Some(id))))
    }

    /// Adds a record as the newest (replacing one with the same id), then forgets the oldest ones
    /// while a bound is exceeded (never the one just added); returns the records forgotten, so
    /// that indexes can follow.
    pub(crate) fn insert(&mut self, id: String, value: V) -> Vec<(String, V)> {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.order.push_back((id.clone(), seq));
        self.place(id, value, seq);
        self.evict_except(None)
    }

    fn place(&mut self, id: String, value: V, seq: u64) {
        let weight = value.weight();
        if let Some(old) = self.entries.insert(id, Entry { value, weight, seq }) {
            self.bytes -= old.weight;
        }
        self.bytes += weight;
    }

    /// Removes the record `id`.
    pub(crate) fn remove(&mut self, id: &str) -> Option<V> {
        self.take(id).map(|(value, _)| value)
    }

    /// Takes the record `id` out, with the ticket that puts it back in its old place.
    pub(crate) fn take(&mut self, id: &str) -> Option<(V, Ticket)> {
        let entry = self.entries.remove(id)?;
        self.bytes -= entry.weight;
        Some((entry.value, Ticket(entry.seq)))
    }

    /// Puts back a record taken with [`take`](Self::take), in its old place; returns the records
    /// forgotten if it grew past a bound.
    pub(crate) fn put_back(&mut self, id: String, value: V, ticket: Ticket) -> Vec<(String, V)> {
        self.place(id.clone(), value, ticket.0);
        self.evict_except(Some(&id))
    }

    /// Changes the bounds, forgetting the oldest records if needed.
    pub(crate) fn set_bounds(&mut self, max_entries: usize, max_bytes: usize) -> Vec<(String, V)> {
        self.max_entries = max_entries;
        self.max_bytes = max_bytes;
        self.evict_except(None)
    }

    fn over_bounds(&self) -> bool {
        (self.entries.len() > self.max_entries.max(1) || self.bytes > self.max_bytes) && self.entries.len() > 1
    }

    /// Forgets the oldest records while a bound is exceeded, but not `keep` (the newest record is
    /// kept anyway): `keep` moves to the newest place instead, having just been used.
    fn evict_except(&mut self, keep: Option<&str>) -> Vec<(String, V)> {
        let mut evicted = Vec::new();
        while self.over_bounds() {
            let Some((id, seq)) = self.order.pop_front() else { break };
            if self.live(&id, seq).is_none() {
                continue;
            }
            if keep == Some(id.as_str()) {
                self.order.push_back((id, seq));
                continue;
            }
            if let Some(value) = self.remove(&id) {
                evicted.push((id, value));
            }
        }
        // Drop stale pairs once they outnumber the live ones.
        if self.order.len() > 2 * self.entries.len() + 16 {
            let entries = &self.entries;
            self.order.retain(|(id, seq)| entries.get(id).is_some_and(|entry| entry.seq == *seq));
        }
        evicted
    }
}

/// Where a record taken out of a [`Retained`] goes back.
#[derive(Debug)]
#[must_use = "a taken record must be put back"]
pub(crate) struct Ticket(u64);

impl<V> fmt::Debug for Retained<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retained").field("entries", &self.entries.len()).field("bytes", &self.bytes).finish()
    }
}

/// Heap bytes of a string held in a record: its bytes and its own header.
pub(crate) fn text_weight(text: &str) -> usize {
    text.len() + size_of::<String>()
}

/// Heap bytes of an optional string.
pub(crate) fn optional_text_weight(text: Option<&String>) -> usize {
    text.map_or(0, |t| text_weight(t))
}

/// Heap bytes of a JSON value, approximately: every node, string and map entry with its overhead.
pub(crate) fn json_weight(value: &Value) -> usize {
    // A BTreeMap spends about this much per entry beyond its key and value (node slack, edges).
    const MAP_ENTRY_OVERHEAD: usize = 16;
    size_of::<Value>()
        + match value {
            Value::String(s) => s.len(),
            Value::Array(items) => items.iter().map(json_weight).sum(),
            Value::Object(map) => {
                map.iter().map(|(k, v)| text_weight(k) + json_weight(v) + MAP_ENTRY_OVERHEAD).sum::<usize>()
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        }
}

/// Heap bytes of an optional JSON value.
pub(crate) fn optional_json_weight(value: Option<&Value>) -> usize {
    value.map_or(0, json_weight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Blob(usize);

    impl Weigh for Blob {
        fn weight(&self) -> usize {
            self.0
        }
    }

    fn ids(r: &Retained<Blob>) -> Vec<usize> {
        r.newest_first().map(|b| b.0).collect()
    }

    #[test]
    fn the_oldest_records_go_first_when_a_bound_is_reached() {
        let mut r = Retained::new(3, 1_000);
        for n in 1..=3 {
            assert!(r.insert(format!("k{n}"), Blob(n)).is_empty());
        }
        let evicted = r.insert("k4".into(), Blob(4));
        assert_eq!(evicted.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["k1"]);
        assert_eq!(ids(&r), [4, 3, 2]);
        // A byte bound: 995 more bytes push out the oldest until the rest fits.
        let evicted = r.insert("k5".into(), Blob(995));
        assert_eq!(evicted.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["k2", "k3"]);
        assert_eq!((r.len(), r.bytes()), (2, 999));
        assert!(r.insert("k5".into(), Blob(995)).is_empty(), "replacing a record keeps one copy");
        assert_eq!(ids(&r), [995, 4]);
        // The newest record stays even alone over the bound.
        r.insert("k6".into(), Blob(5_000));
        assert_eq!(ids(&r), [5_000]);
    }

    #[test]
    fn updates_are_weighed_again_and_taken_records_keep_their_place() {
        let mut r = Retained::new(10, 100);
        r.insert("a".into(), Blob(10));
        r.insert("b".into(), Blob(10));
        assert!(r.update("a", |blob| blob.0 = 50).is_some_and(|((), evicted)| evicted.is_empty()));
        assert_eq!(r.bytes(), 60);
        let (taken, ticket) = r.take("a").unwrap();
        assert_eq!(r.bytes(), 10);
        r.put_back("a".into(), taken, ticket);
        assert_eq!(ids(&r), [10, 50], "a is still the oldest");
        let evicted = r.insert("c".into(), Blob(45));
        assert_eq!(evicted.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["a"]);
        assert!(r.update("nope", |_| ()).is_none());
    }

    #[test]
    fn a_record_that_grows_pushes_out_the_oldest_others() {
        let mut r = Retained::new(10, 100);
        for id in ["a", "b", "c"] {
            r.insert(id.into(), Blob(20));
        }
        // "a", the oldest, grows: the others go, oldest first, and "a" stays.
        let ((), evicted) = r.update("a", |blob| blob.0 = 70).unwrap();
        assert_eq!(evicted.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["b"]);
        assert_eq!((r.len(), r.bytes()), (2, 90));
        assert_eq!(ids(&r), [70, 20], "a, just used, is now the newest");
        let ((), evicted) = r.update("a", |blob| blob.0 = 500).unwrap();
        assert_eq!(evicted.len(), 1);
        assert_eq!(ids(&r), [500], "alone over the bound, it stays");
    }

    #[test]
    fn removed_ids_do_not_pile_up() {
        let mut r = Retained::new(4, usize::MAX);
        for n in 0..10_000 {
            r.insert(format!("k{}", n % 7), Blob(1));
            r.remove(&format!("k{}", (n + 3) % 7));
        }
        assert!(r.order.len() <= 2 * r.len() + 17, "{}", r.order.len());
        assert!(r.len() <= 4);
    }

    #[test]
    fn json_weighs_more_than_its_text() {
        let value = json!({"coupon": "NY2018", "items": [1, 2, 3], "nested": {"a": null}});
        let text = serde_json::to_string(&value).unwrap().len();
        assert!(json_weight(&value) > text);
        assert!(json_weight(&json!("x".repeat(1000))) >= 1000);
    }
}
