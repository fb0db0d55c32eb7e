//! A list's query lives in the address (`?ns=shop&ns=web&q=api&l=app%3Dweb&sort=age&desc=1&page=2&size=100`),
//! so every view is a deep link and the filter form works without the WASM (a plain GET form).

use model::resources::ListQuery;

/// Rows per page when the address does not say.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The page sizes offered.
pub const PAGE_SIZES: [usize; 4] = [25, 50, 100, 500];

/// Reads a query from the address' parameters (repeated `ns`, or one comma-separated value).
/// Values that do not parse fall back to the defaults; the server validates the rest.
pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> ListQuery {
    let mut query = ListQuery::default();
    let mut page = 1usize;
    let mut size = DEFAULT_PAGE_SIZE;
    for (key, value) in params {
        let value = value.trim();
        match key {
            "ns" => query.namespaces.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
            ),
            "q" => query.filter = value.to_string(),
            "l" => query.label_selector = value.to_string(),
            "sort" if !value.is_empty() => query.sort = Some(value.to_string()),
            "desc" => query.descending = matches!(value, "1" | "true" | "on"),
            "page" => page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
            "size" => {
                size = value
                    .parse()
                    .ok()
                    .filter(|s| (1..=1000).contains(s))
                    .unwrap_or(DEFAULT_PAGE_SIZE)
            }
            _ => {}
        }
    }
    query.namespaces.sort();
    query.namespaces.dedup();
    query.limit = Some(size);
    query.offset = (page - 1).saturating_mul(size);
    query
}

/// The page number (1-based) a query shows.
pub fn page_of(query: &ListQuery) -> usize {
    query.offset / size_of(query) + 1
}

/// Rows per page of a query.
pub fn size_of(query: &ListQuery) -> usize {
    query.limit.unwrap_or(DEFAULT_PAGE_SIZE).max(1)
}

/// The address of `path` showing `query`; defaults are left out so links stay short.
pub fn href(path: &str, query: &ListQuery) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for ns in &query.namespaces {
        pairs.push(("ns", ns.clone()));
    }
    if !query.filter.is_empty() {
        pairs.push(("q", query.filter.clone()));
    }
    if !query.label_selector.is_empty() {
        pairs.push(("l", query.label_selector.clone()));
    }
    if let Some(sort) = &query.sort {
        pairs.push(("sort", sort.clone()));
    }
    if query.descending {
        pairs.push(("desc", "1".into()));
    }
    let page = page_of(query);
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let size = size_of(query);
    if size != DEFAULT_PAGE_SIZE {
        pairs.push(("size", size.to_string()));
    }
    if pairs.is_empty() {
        return path.to_string();
    }
    let encoded: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", encode(&v)))
        .collect();
    format!("{path}?{}", encoded.join("&"))
}

/// The same query on another page.
pub fn with_page(query: &ListQuery, page: usize) -> ListQuery {
    ListQuery {
        offset: page.saturating_sub(1) * size_of(query),
        ..query.clone()
    }
}

/// The query sorted by `column`: ascending first, then descending, from the first page.
pub fn sorted_by(query: &ListQuery, column: &str) -> ListQuery {
    let same = query.sort.as_deref() == Some(column);
    ListQuery {
        sort: Some(column.to_string()),
        descending: same && !query.descending,
        offset: 0,
        ..query.clone()
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_through_queries() {
        let q = from_params([
            ("ns", "web"),
            ("ns", "shop,web"),
            ("q", "api"),
            ("l", "app=web,tier in (a,b)"),
            ("sort", "restarts"),
            ("desc", "1"),
            ("page", "3"),
            ("size", "100"),
        ]);
        assert_eq!(q.namespaces, vec!["shop", "web"]);
        assert_eq!(q.offset, 200);
        assert_eq!(q.limit, Some(100));
        assert!(q.descending);
        let link = href("/clusters/x/resources/pods", &q);
        assert_eq!(
            link,
            "/clusters/x/resources/pods?ns=shop&ns=web&q=api&l=app%3Dweb%2Ctier%20in%20%28a%2Cb%29&sort=restarts&desc=1&page=3&size=100"
        );
        // Decoding is the router's job; the encoded pairs parse back to the same query.
        let decoded = [
            ("ns", "shop"),
            ("ns", "web"),
            ("q", "api"),
            ("l", "app=web,tier in (a,b)"),
            ("sort", "restarts"),
            ("desc", "1"),
            ("page", "3"),
            ("size", "100"),
        ];
        assert_eq!(from_params(decoded), q);
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let q = from_params([("page", "0"), ("size", "100000"), ("desc", "maybe")]);
        assert_eq!(
            (q.offset, q.limit, q.descending),
            (0, Some(DEFAULT_PAGE_SIZE), false)
        );
        assert_eq!(href("/p", &q), "/p");
    }

    #[test]
    fn sorting_toggles_direction_and_returns_to_the_first_page() {
        let q = with_page(&from_params([]), 4);
        let by_age = sorted_by(&q, "age");
        assert_eq!((by_age.descending, by_age.offset), (false, 0));
        assert!(sorted_by(&by_age, "age").descending);
        assert!(!sorted_by(&by_age, "name").descending);
    }
}
