//! Filtering, sorting and paging one kind's rows on the server.
//!
//! Everything runs over the compact rows under a read lock: a linear scan for the filter, then
//! only the rows up to the requested page are ordered (`select_nth_unstable` + sort), so a first
//! page of 150 000 pods costs one scan and a partial sort, not a full sort and a copy.

use std::cmp::Ordering;

use model::FieldError;
use model::resources::{Column, ColumnType, ListQuery, ResourceRow};

use super::error::ResourceError;
use super::selector::LabelSelector;
use super::store::StoredRow;

/// Rows per page when the query does not say.
pub const DEFAULT_LIMIT: usize = 50;
/// The largest page a query may ask for.
pub const MAX_LIMIT: usize = 1000;

/// A query checked against the kind's columns.
#[derive(Debug)]
pub(crate) struct ValidQuery {
    namespaces: Vec<String>,
    /// The text filter, lower-cased; `None` when blank.
    filter: Option<String>,
    selector: LabelSelector,
    sort: Option<(usize, ColumnType)>,
    descending: bool,
    pub offset: usize,
    pub limit: usize,
}

impl ValidQuery {
    /// Checks every field at once, so the form can show all its errors together.
    pub fn new(q: &ListQuery, columns: &[Column]) -> Result<Self, ResourceError> {
        let mut errors = Vec::new();
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            errors.push(FieldError {
                field: "limit".into(),
                message: format!("Show between 1 and {MAX_LIMIT} rows per page."),
            });
        }
        let selector = LabelSelector::parse(&q.label_selector).unwrap_or_else(|message| {
            errors.push(FieldError {
                field: "label_selector".into(),
                message: format!("This label selector is not valid. {message}"),
            });
            LabelSelector::default()
        });
        let sort = match q.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(id) => match columns.iter().position(|c| c.id == id) {
                Some(index) => Some((index, columns[index].kind)),
                None => {
                    let known: Vec<&str> = columns.iter().map(|c| c.id.as_str()).collect();
                    errors.push(FieldError {
                        field: "sort".into(),
                        message: format!(
                            "There is no column {id:?} to sort by; use one of {}.",
                            known.join(", ")
                        ),
                    });
                    None
                }
            },
        };
        if let Some(bad) = q.namespaces.iter().find(|n| !valid_namespace(n)) {
            errors.push(FieldError {
                field: "namespaces".into(),
                message: format!(
                    "{bad:?} is not a namespace name (lower-case letters, digits and -)."
                ),
            });
        }
        if q.filter.chars().count() > 256 {
            errors.push(FieldError {
                field: "filter".into(),
                message: "The filter text is too long (256 characters at most).".into(),
            });
        }
        if !errors.is_empty() {
            return Err(ResourceError::InvalidQuery(errors));
        }
        let filter = q.filter.trim();
        Ok(Self {
            namespaces: q.namespaces.clone(),
            filter: (!filter.is_empty()).then(|| filter.to_lowercase()),
            selector,
            sort,
            descending: q.descending,
            offset: q.offset,
            limit,
        })
    }
}

fn valid_namespace(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 63
        && n.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The rows of `q`'s page and how many rows match in all.
pub(crate) fn page(
    rows: &[StoredRow],
    columns: &[Column],
    namespaced: bool,
    q: &ValidQuery,
) -> (Vec<ResourceRow>, usize) {
    let base = if namespaced { 2 } else { 1 };
    let finder = q.filter.as_deref().map(memchr::memmem::Finder::new);
    let hits: Vec<u32> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| matches(r, q, finder.as_ref()))
        .map(|(i, _)| i as u32)
        .collect();
    let total = hits.len();
    let end = q.offset.saturating_add(q.limit).min(total);
    if q.offset >= end {
        return (Vec::new(), total);
    }
    let ordered = match q.sort {
        None => order(
            hits.into_iter().map(|i| (None::<()>, i)).collect(),
            rows,
            |_, _| Ordering::Equal,
            false,
            end,
        ),
        Some((0, _)) => order(
            keyed(&hits, |r| Some(&*r.name), rows),
            rows,
            Ord::cmp,
            q.descending,
            end,
        ),
        Some((1, _)) if namespaced => order(
            keyed(&hits, |r| r.namespace.as_deref(), rows),
            rows,
            Ord::cmp,
            q.descending,
            end,
        ),
        Some((index, kind)) => {
            let cell = index - base;
            match kind {
                ColumnType::Number => order(
                    keyed(
                        &hits,
                        |r| r.cells.get(cell).and_then(|c| leading_number(c)),
                        rows,
                    ),
                    rows,
                    f64::total_cmp,
                    q.descending,
                    end,
                ),
                // Ascending age = youngest first, so times compare the other way round.
                ColumnType::Age if columns[index].id == "age" => order(
                    keyed(&hits, |r| r.created, rows),
                    rows,
                    |a: &i64, b: &i64| b.cmp(a),
                    q.descending,
                    end,
                ),
                ColumnType::Age => order(
                    keyed(
                        &hits,
                        |r| r.cells.get(cell).map(|c| &**c).filter(|c| !c.is_empty()),
                        rows,
                    ),
                    rows,
                    |a: &&str, b: &&str| b.cmp(a),
                    q.descending,
                    end,
                ),
                ColumnType::Text | ColumnType::Status => order(
                    keyed(&hits, |r| r.cells.get(cell).map(|c| &**c), rows),
                    rows,
                    Ord::cmp,
                    q.descending,
                    end,
                ),
            }
        }
    };
    let page = ordered[q.offset..end]
        .iter()
        .map(|&i| rows[i as usize].to_row(namespaced))
        .collect();
    (page, total)
}

fn keyed<'a, K>(
    hits: &[u32],
    key: impl Fn(&'a StoredRow) -> Option<K>,
    rows: &'a [StoredRow],
) -> Vec<(Option<K>, u32)> {
    hits.iter().map(|&i| (key(&rows[i as usize]), i)).collect()
}

/// Orders the first `end` items: by key (missing keys last in both directions), then by
/// namespace and name so equal keys keep a stable order across pages.
fn order<K>(
    mut items: Vec<(Option<K>, u32)>,
    rows: &[StoredRow],
    cmp: impl Fn(&K, &K) -> Ordering,
    descending: bool,
    end: usize,
) -> Vec<u32> {
    let compare = |a: &(Option<K>, u32), b: &(Option<K>, u32)| {
        let primary = match (&a.0, &b.0) {
            (Some(x), Some(y)) if descending => cmp(y, x),
            (Some(x), Some(y)) => cmp(x, y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        primary.then_with(|| {
            let (ra, rb) = (&rows[a.1 as usize], &rows[b.1 as usize]);
            ra.namespace
                .cmp(&rb.namespace)
                .then_with(|| ra.name.cmp(&rb.name))
                .then_with(|| ra.uid.cmp(&rb.uid))
        })
    };
    if end < items.len() {
        items.select_nth_unstable_by(end - 1, compare);
        items.truncate(end);
    }
    items.sort_unstable_by(compare);
    items.into_iter().map(|(_, i)| i).collect()
}

/// `3`, `2/3` (sorts by 2), `1.5`, `12 (5m ago)`.
fn leading_number(cell: &str) -> Option<f64> {
    let end = cell
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(cell.len());
    cell[..end].parse().ok()
}

fn matches(r: &StoredRow, q: &ValidQuery, text: Option<&memchr::memmem::Finder>) -> bool {
    if !q.namespaces.is_empty()
        && !r
            .namespace
            .as_deref()
            .is_some_and(|ns| q.namespaces.iter().any(|n| n == ns))
    {
        return false;
    }
    if !q.selector.is_empty() && !q.selector.matches(|k| r.label(k)) {
        return false;
    }
    text.is_none_or(|finder| finder.find(r.search.as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use model::resources::Tone;

    use super::*;

    fn row(ns: &str, name: &str, restarts: &str, created: i64) -> StoredRow {
        StoredRow {
            uid: format!("{ns}/{name}").into(),
            name: name.into(),
            namespace: Some(Arc::from(ns)),
            cells: vec![Arc::from(restarts), Arc::from("Running")].into(),
            tone: Tone::Good,
            labels: vec![(Arc::from("app"), Arc::from(name))].into(),
            created: Some(created),
            resource_version: "1".into(),
            search: format!("{}\n{ns}\n{restarts}\nrunning", name.to_lowercase()).into(),
        }
    }

    fn columns() -> Vec<Column> {
        use super::super::columns::col;
        vec![
            col("name", "Name", ColumnType::Text, 0),
            col("namespace", "Namespace", ColumnType::Text, 0),
            col("restarts", "Restarts", ColumnType::Number, 0),
            col("status", "Status", ColumnType::Status, 0),
        ]
    }

    fn names(q: ListQuery, rows: &[StoredRow]) -> (Vec<String>, usize) {
        let q = ValidQuery::new(&q, &columns()).expect("valid");
        let (page, total) = page(rows, &columns(), true, &q);
        (page.into_iter().map(|r| r.name).collect(), total)
    }

    fn rows() -> Vec<StoredRow> {
        vec![
            row("b", "web", "10", 3),
            row("a", "web", "2", 1),
            row("a", "db", "2", 2),
            row("c", "Cache", "0", 4),
        ]
    }

    #[test]
    fn default_order_is_namespace_then_name() {
        let (names, total) = names(ListQuery::default(), &rows());
        assert_eq!(names, ["db", "web", "web", "Cache"]);
        assert_eq!(total, 4);
    }

    #[test]
    fn numbers_sort_as_numbers_with_a_stable_tie_break() {
        let q = ListQuery {
            sort: Some("restarts".into()),
            descending: true,
            ..Default::default()
        };
        assert_eq!(names(q, &rows()).0, ["web", "db", "web", "Cache"]);
    }

    #[test]
    fn filters_combine_and_pages_count_all_matches() {
        let q = ListQuery {
            namespaces: vec!["a".into(), "c".into()],
            filter: "CACHE".into(),
            ..Default::default()
        };
        assert_eq!(names(q, &rows()), (vec!["Cache".to_string()], 1));
        let q = ListQuery {
            label_selector: "app in (web, db)".into(),
            offset: 1,
            limit: Some(1),
            ..Default::default()
        };
        assert_eq!(names(q, &rows()), (vec!["web".to_string()], 3));
        let beyond = ListQuery {
            offset: 10,
            ..Default::default()
        };
        assert_eq!(names(beyond, &rows()), (vec![], 4));
    }

    #[test]
    fn partial_ordering_gives_the_same_pages_as_a_full_sort() {
        let many: Vec<StoredRow> = (0..500)
            .map(|i| {
                row(
                    &format!("ns{}", i % 7),
                    &format!("p{i}"),
                    &(i % 13).to_string(),
                    i,
                )
            })
            .collect();
        let all = |offset, limit| {
            names(
                ListQuery {
                    sort: Some("restarts".into()),
                    offset,
                    limit: Some(limit),
                    ..Default::default()
                },
                &many,
            )
            .0
        };
        let full = all(0, 500);
        assert_eq!(all(100, 50), full[100..150]);
        assert_eq!(all(0, 10), full[..10]);
    }

    #[test]
    fn bad_fields_are_reported_together() {
        let q = ListQuery {
            label_selector: "app in (".into(),
            sort: Some("colour".into()),
            limit: Some(0),
            namespaces: vec!["Bad NS".into()],
            ..Default::default()
        };
        let Err(ResourceError::InvalidQuery(fields)) = ValidQuery::new(&q, &columns()) else {
            panic!("invalid");
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["limit", "label_selector", "sort", "namespaces"]);
    }

    #[test]
    fn numbers_are_read_from_the_start_of_a_cell() {
        assert_eq!(leading_number("2/3"), Some(2.0));
        assert_eq!(leading_number("12 (5m ago)"), Some(12.0));
        assert_eq!(leading_number("<none>"), None);
    }
}
