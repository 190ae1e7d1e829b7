//! "Fetch all": every page of a list, with `$orderby` + `$top` + `$skip` (Sage has no
//! next-page links or total counts), a few requests in flight, progress as pages arrive,
//! stopping at the first short page. Dropping the future cancels every request.

use std::collections::BTreeMap;

use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};

use super::ApiError;
use super::client::{ApiClient, ApiRequest, RawAnswer, decode_list};

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
}

impl Default for PageOptions {
    fn default() -> Self {
        Self {
            page_size: 5000,
            in_flight: 3,
            order_by: "id".to_owned(),
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
    let first_records = decode_list::<serde::de::IgnoredAny>(&first.body)?.len();
    let page_size = if first_records > 0 && first_records < page_size {
        let (_, probe) = fetch(1, first_records).await;
        let more = decode_list::<serde::de::IgnoredAny>(&probe?.body)?.len();
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
        let records = decode_list::<serde::de::IgnoredAny>(&answer.body)?.len();
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
