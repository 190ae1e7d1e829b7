//! "Fetch all": every page of a list, with `$orderby` + `$top` + `$skip` (Sage has no
//! next-page links or total counts), a few requests in flight, progress as pages arrive,
//! stopping at the first short page. Dropping the future cancels every request.

use std::collections::BTreeMap;

use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};

use super::ApiError;
use super::client::{ApiClient, ApiRequest, RawAnswer};
use super::list_facts::list_facts;

/// How to page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    /// Records per page (`$top`, at most 5000).
    pub page_size: usize,
    /// Pages requested at once (Sage publishes no limit; 2–4 is polite).
    pub in_flight: usize,
    /// The stable order pages are cut from, when the request has no `$orderby`; its first
    /// field also breaks ties of the request's own order (the records' key).
    pub order_by: String,
    /// Page by the key instead of `$skip` when the order is the key alone: each page asks
    /// for `key gt <the last key seen>`, one after another, until a page comes back empty.
    /// The key must tell records apart (an id): with a repeated key, records would be
    /// skipped at page ends.
    /// A server then finds each page through its key rather than reading past every record
    /// before it (what `$skip` costs the demo, and a database's `OFFSET`); pages are not
    /// fetched in parallel.
    pub keyset: bool,
}

impl Default for PageOptions {
    fn default() -> Self {
        Self {
            page_size: 5000,
            in_flight: 3,
            order_by: "id".to_owned(),
            keyset: false,
        }
    }
}

/// How far a fetch has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Pages received.
    pub pages: usize,
    /// Records received.
    pub records: usize,
    /// Bytes received.
    pub bytes: usize,
}

/// Fetches every page of `base` (a list request) and returns the pages in order.
pub async fn fetch_all(
    client: &ApiClient,
    base: &ApiRequest,
    options: &PageOptions,
    progress: impl FnMut(Progress) + Send,
) -> Result<Vec<RawAnswer>, ApiError> {
    fetch_all_mapped(client, base, options, progress, |page| page).await
}

/// As `fetch_all`, handing each page to `map` on a blocking thread as soon as it arrives,
/// so reading pages overlaps with fetching the next ones; returns what `map` made, in
/// page order.
pub async fn fetch_all_mapped<T, F>(
    client: &ApiClient,
    base: &ApiRequest,
    options: &PageOptions,
    mut progress: impl FnMut(Progress) + Send,
    map: F,
) -> Result<Vec<T>, ApiError>
where
    T: Send + 'static,
    F: Fn(RawAnswer) -> T + Send + Sync + 'static,
{
    let map = std::sync::Arc::new(map);
    let page_size = options.page_size.clamp(1, 5000);
    let in_flight = options.in_flight.clamp(1, 8);
    let mut template = base.clone();
    template.query.retain(|(k, _)| k != "$top" && k != "$skip");
    match template.query.iter_mut().find(|(k, _)| k == "$orderby") {
        Some((_, order)) => {
            let key = options.order_by.split_whitespace().next().unwrap_or("id");
            *order = with_tie_breaker_on(order, key);
        }
        None => template
            .query
            .push(("$orderby".to_owned(), options.order_by.clone())),
    }
    let key = options.order_by.split_whitespace().next().unwrap_or("id");
    if options.keyset
        && template
            .query
            .iter()
            .any(|(k, order)| k == "$orderby" && order.trim() == key)
    {
        return fetch_by_key(client, template, key, page_size, progress, map).await;
    }
    let fetch = |index: usize, size: usize| {
        let request = template
            .clone()
            .param("$top", size.to_string())
            .param("$skip", (index * size).to_string());
        async move { (index, client.execute(&request).await) }
    };
    // The first page alone: a server that sends fewer records than `$top` asks (Sage's
    // default page is 500; some sites cap `$top`) is found out before pages are cut wrongly.
    let (_, first) = fetch(0, page_size).await;
    let first = first?;
    let first_records = list_facts(&first.body, None)?.count;
    let page_size = if first_records > 0 && first_records < page_size {
        let (_, probe) = fetch(1, first_records).await;
        let more = list_facts(&probe?.body, None)?.count;
        if more > 0 {
            tracing::info!(
                asked = page_size,
                sent = first_records,
                "the server caps pages; fetching at its size"
            );
            first_records
        } else {
            page_size
        }
    } else {
        page_size
    };
    let page = |index: usize| fetch(index, page_size);
    let only_page = first_records < page_size;
    let mut pending = FuturesUnordered::new();
    pending.push(async move { (0, Ok(first)) }.boxed());
    let mut next = 1;
    while !only_page && next < in_flight {
        pending.push(page(next).boxed());
        next += 1;
    }
    let mut done: BTreeMap<usize, tokio::task::JoinHandle<T>> = BTreeMap::new();
    let mut last: Option<usize> = None;
    let mut seen = Progress::default();
    while let Some((index, answer)) = pending.next().await {
        let answer = answer?;
        let records = list_facts(&answer.body, None)?.count;
        if records < page_size {
            last = Some(last.map_or(index, |l| l.min(index)));
        }
        seen.pages += 1;
        seen.records += records;
        seen.bytes += answer.body.len();
        progress(seen);
        let map = map.clone();
        done.insert(index, tokio::task::spawn_blocking(move || map(answer)));
        if last.is_none() {
            pending.push(page(next).boxed());
            next += 1;
        }
    }
    let last = last.unwrap_or(0);
    let mut pages = Vec::with_capacity(last + 1);
    for (_, handle) in done.into_iter().take_while(|(i, _)| *i <= last) {
        pages.push(handle.await.map_err(|e| ApiError::InvalidBody {
            detail: format!("reading a page stopped: {e}"),
        })?);
    }
    Ok(pages)
}

/// Keyset paging (see [`PageOptions::keyset`]): `template` already orders by `key`.
async fn fetch_by_key<T, F>(
    client: &ApiClient,
    template: ApiRequest,
    key: &str,
    page_size: usize,
    mut progress: impl FnMut(Progress) + Send,
    map: std::sync::Arc<F>,
) -> Result<Vec<T>, ApiError>
where
    T: Send + 'static,
    F: Fn(RawAnswer) -> T + Send + Sync + 'static,
{
    let filter = template
        .query
        .iter()
        .find(|(k, _)| k == "$filter")
        .map(|(_, f)| f.clone());
    let mut reading = Vec::new();
    let mut seen = Progress::default();
    let mut after: Option<serde_json::Value> = None;
    loop {
        let mut request = template.clone().param("$top", page_size.to_string());
        if let Some(last) = &after {
            let Some(literal) = key_literal(last) else {
                return Err(ApiError::InvalidBody {
                    detail: format!("the records' {key} ({last}) cannot be paged by"),
                });
            };
            let past = format!("{key} gt {literal}");
            request.query.retain(|(k, _)| k != "$filter");
            request = request.param(
                "$filter",
                filter
                    .as_ref()
                    .map_or_else(|| past.clone(), |f| format!("({f}) and {past}")),
            );
        }
        let answer = client.execute(&request).await?;
        let facts = list_facts(&answer.body, Some(key))?;
        seen.pages += 1;
        seen.records += facts.count;
        seen.bytes += answer.body.len();
        progress(seen);
        if facts.count == 0 && after.is_some() {
            break;
        }
        let map = map.clone();
        // Each page is read while the next one is fetched.
        reading.push(tokio::task::spawn_blocking(move || map(answer)));
        if facts.count == 0 {
            break;
        }
        // A server that ignores the filter would send the same page for ever, and one that
        // ignores the order would skip records: each page must end past the one before.
        let backwards = matches!(
            (after.as_ref().and_then(serde_json::Value::as_f64), facts.last_key.as_ref().and_then(serde_json::Value::as_f64)),
            (Some(before), Some(now)) if now <= before
        );
        if facts.last_key.is_none() {
            return Err(ApiError::InvalidBody {
                detail: format!(
                    "the records on the page have no {key} to page by (keep it in $select)"
                ),
            });
        }
        if facts.last_key == after || backwards {
            return Err(ApiError::InvalidBody {
                detail: format!("the server did not page by {key}"),
            });
        }
        after = facts.last_key;
    }
    let mut pages = Vec::with_capacity(reading.len());
    for handle in reading {
        pages.push(handle.await.map_err(|e| ApiError::InvalidBody {
            detail: format!("reading a page stopped: {e}"),
        })?);
    }
    Ok(pages)
}

/// A key's value as an `OData` literal: a number as it is, text quoted with `'` doubled
/// (`OData` 4.0 ABNF, `SQUOTE-in-string`).
fn key_literal(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) => Some(format!("'{}'", s.replace('\'', "''"))),
        _ => None,
    }
}

/// An `$orderby` that pages cannot cut differently from one call to the next: `id` appended
/// when the order does not already end ties with it (rows that share an `on_hold` value
/// would otherwise repeat or go missing across pages fetched in parallel).
#[must_use]
pub fn with_tie_breaker(order: &str) -> String {
    with_tie_breaker_on(order, "id")
}

/// [`with_tie_breaker`] for records told apart by `key` (a view's own key, where its
/// records have no `id`).
#[must_use]
pub fn with_tie_breaker_on(order: &str, key: &str) -> String {
    let has_key = order
        .split(',')
        .any(|part| part.split_whitespace().next() == Some(key));
    if has_key || order.trim().is_empty() {
        order.to_owned()
    } else {
        format!("{order},{key}")
    }
}

#[cfg(test)]
mod tie_tests {
    use super::{with_tie_breaker, with_tie_breaker_on};

    #[test]
    fn keys_are_odata_literals() {
        use serde_json::json;
        assert_eq!(super::key_literal(&json!(42)).unwrap(), "42");
        assert_eq!(super::key_literal(&json!("O'Neil")).unwrap(), "'O''Neil'");
        assert_eq!(super::key_literal(&json!(null)), None);
        assert_eq!(super::key_literal(&json!([1])), None);
    }

    #[test]
    fn paged_orders_end_ties_with_the_id() {
        assert_eq!(with_tie_breaker("on_hold"), "on_hold,id");
        assert_eq!(with_tie_breaker("name desc"), "name desc,id");
        assert_eq!(with_tie_breaker("id desc"), "id desc");
        assert_eq!(with_tie_breaker("name,id"), "name,id");
        assert_eq!(
            with_tie_breaker_on("transaction_date desc", "posted_customer_transaction_id"),
            "transaction_date desc,posted_customer_transaction_id"
        );
        assert_eq!(with_tie_breaker("identifier"), "identifier,id");
    }
}
