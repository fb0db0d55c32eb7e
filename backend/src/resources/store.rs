//! The compact in-memory copy of one kind: projected rows only, never whole objects.
//!
//! Why rows and not objects: a pod's JSON is 5–20 kB, its row about 300 bytes. Strings that repeat
//! across rows (namespaces, node names, label keys and values, `Running`, `1/1`) are interned, so
//! 150 000 pods cost tens of megabytes, not gigabytes. Rows sit in one `Vec` (a filter is a linear
//! scan over contiguous memory) with a uid index for updates and deletes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use model::resources::{ResourceRow, Tone};

/// A live change to one row, for subscribers (the WebSocket of an open list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowEvent {
    /// The object was added or changed; the row is already projected to the kind's columns.
    Applied(ResourceRow),
    /// The object is gone.
    Deleted { uid: String },
}

/// One object as stored: identity, extra cells (after name and namespace), labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredRow {
    pub uid: Box<str>,
    pub name: Box<str>,
    pub namespace: Option<Arc<str>>,
    /// The cells after `name` (and `namespace` for namespaced kinds), in column order.
    pub cells: Box<[Arc<str>]>,
    pub tone: Tone,
    pub labels: Box<[(Arc<str>, Arc<str>)]>,
    /// Creation time, seconds since the epoch.
    pub created: Option<i64>,
    pub resource_version: Box<str>,
    /// Name, namespace and the text cells, lower-cased and joined by newlines: what the text
    /// filter searches, in one pass per row.
    pub search: Box<str>,
}

impl StoredRow {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| &**k == key)
            .map(|(_, v)| &**v)
    }

    /// The browser's row; `namespaced` says whether a namespace cell comes after the name.
    pub fn to_row(&self, namespaced: bool) -> ResourceRow {
        let mut cells = Vec::with_capacity(self.cells.len() + 2);
        cells.push(self.name.to_string());
        if namespaced {
            cells.push(self.namespace.as_deref().unwrap_or_default().to_string());
        }
        cells.extend(self.cells.iter().map(|c| c.to_string()));
        ResourceRow {
            uid: self.uid.to_string(),
            name: self.name.to_string(),
            namespace: self.namespace.as_deref().map(str::to_string),
            cells,
            tone: self.tone,
            labels: self
                .labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            created_at: self
                .created
                .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0)),
            resource_version: self.resource_version.to_string(),
        }
    }
}

/// What a projection produces before interning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Projected {
    pub uid: String,
    pub name: String,
    pub namespace: Option<String>,
    pub cells: Vec<String>,
    pub tone: Tone,
    pub labels: BTreeMap<String, String>,
    pub created: Option<i64>,
    pub resource_version: String,
    /// See [`StoredRow::search`].
    pub search: String,
}

/// Shares equal strings between rows. Entries no row uses any more are swept when the set has
/// doubled since the last sweep, so churn (pods with fresh IPs) cannot grow it without bound.
#[derive(Default)]
struct Interner {
    set: HashSet<Arc<str>>,
    swept_at: usize,
}

impl Interner {
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(found) = self.set.get(s) {
            return found.clone();
        }
        let new: Arc<str> = Arc::from(s);
        self.set.insert(new.clone());
        new
    }

    fn maybe_sweep(&mut self) {
        if self.set.len() > 4096 && self.set.len() > self.swept_at * 2 {
            self.set.retain(|s| Arc::strong_count(s) > 1);
            self.set.shrink_to_fit();
            self.swept_at = self.set.len();
        }
    }
}

/// Every row of one kind in one cluster.
#[derive(Default)]
pub(crate) struct RowStore {
    rows: Vec<StoredRow>,
    by_uid: HashMap<Box<str>, usize>,
    strings: Interner,
}

impl RowStore {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn rows(&self) -> &[StoredRow] {
        &self.rows
    }

    fn intern(&mut self, p: Projected) -> StoredRow {
        let s = &mut self.strings;
        StoredRow {
            uid: p.uid.into_boxed_str(),
            name: p.name.into_boxed_str(),
            namespace: p.namespace.as_deref().map(|n| s.get(n)),
            cells: p.cells.iter().map(|c| s.get(c)).collect(),
            tone: p.tone,
            labels: p.labels.iter().map(|(k, v)| (s.get(k), s.get(v))).collect(),
            created: p.created,
            resource_version: p.resource_version.into_boxed_str(),
            search: p.search.into_boxed_str(),
        }
    }

    /// Inserts or replaces a row; returns the stored row when it changed.
    pub fn apply(&mut self, p: Projected) -> Option<&StoredRow> {
        let row = self.intern(p);
        let index = match self.by_uid.get(&row.uid) {
            Some(&i) => {
                if self.rows[i] == row {
                    return None;
                }
                self.rows[i] = row;
                i
            }
            None => {
                self.by_uid.insert(row.uid.clone(), self.rows.len());
                self.rows.push(row);
                self.strings.maybe_sweep();
                self.rows.len() - 1
            }
        };
        self.rows.get(index)
    }

    /// Removes the row of `uid`; returns whether it existed.
    pub fn delete(&mut self, uid: &str) -> bool {
        let Some(index) = self.by_uid.remove(uid) else {
            return false;
        };
        self.rows.swap_remove(index);
        if let Some(moved) = self.rows.get(index) {
            self.by_uid.insert(moved.uid.clone(), index);
        }
        true
    }

    pub fn get(&self, uid: &str) -> Option<&StoredRow> {
        self.by_uid.get(uid).and_then(|&i| self.rows.get(i))
    }

    /// Takes the content of a fresh list, calling `changed` for each row that is new or differs
    /// and `gone` for each uid that is no longer listed (what subscribers must hear after a
    /// re-list).
    pub fn replace_with(
        &mut self,
        mut fresh: RowStore,
        mut changed: impl FnMut(&StoredRow),
        mut gone: impl FnMut(&str),
    ) {
        for row in &fresh.rows {
            if self.get(&row.uid) != Some(row) {
                changed(row);
            }
        }
        for row in &self.rows {
            if fresh.get(&row.uid).is_none() {
                gone(&row.uid);
            }
        }
        fresh.rows.shrink_to_fit();
        *self = fresh;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projected(uid: &str, ns: &str, status: &str) -> Projected {
        Projected {
            uid: uid.into(),
            name: format!("pod-{uid}"),
            namespace: Some(ns.into()),
            cells: vec![status.into()],
            labels: [("app".to_string(), "web".to_string())].into(),
            resource_version: "1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn equal_strings_are_shared_between_rows() {
        let mut store = RowStore::default();
        store.apply(projected("a", "shop", "Running"));
        store.apply(projected("b", "shop", "Running"));
        let [a, b] = store.rows() else {
            panic!("two rows")
        };
        assert!(Arc::ptr_eq(&a.cells[0], &b.cells[0]));
        assert!(Arc::ptr_eq(
            a.namespace.as_ref().expect("ns"),
            b.namespace.as_ref().expect("ns")
        ));
        assert_eq!(a.label("app"), Some("web"));
    }

    #[test]
    fn unchanged_rows_are_not_reported_and_deletes_keep_the_index() {
        let mut store = RowStore::default();
        for uid in ["a", "b", "c"] {
            assert!(store.apply(projected(uid, "shop", "Running")).is_some());
        }
        assert!(store.apply(projected("b", "shop", "Running")).is_none());
        assert!(store.delete("a"));
        assert!(!store.delete("a"));
        assert!(store.apply(projected("c", "shop", "Error")).is_some());
        assert_eq!(store.len(), 2);
        let c = store.rows().iter().find(|r| &*r.uid == "c").expect("c");
        assert_eq!(&*c.cells[0], "Error");
    }

    #[test]
    fn a_relist_reports_changed_and_vanished_rows() {
        let mut store = RowStore::default();
        store.apply(projected("a", "shop", "Running"));
        store.apply(projected("b", "shop", "Running"));
        let mut fresh = RowStore::default();
        fresh.apply(projected("b", "shop", "Running"));
        fresh.apply(projected("c", "shop", "Pending"));
        let (mut changed, mut gone) = (Vec::new(), Vec::new());
        store.replace_with(
            fresh,
            |r| changed.push(r.uid.to_string()),
            |uid| gone.push(uid.to_string()),
        );
        assert_eq!(changed, ["c"]);
        assert_eq!(gone, ["a"]);
        assert_eq!(store.len(), 2);
    }
}
