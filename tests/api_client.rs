//! The API client over real HTTP: the headers every call carries, retries with backoff and
//! `Retry-After`, no blind retry of POST, cancellation, time-outs, both list shapes, and
//! fetching every page of 100,000 customers.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sage200_desk::api::{
    ApiClient, ApiError, ApiRequest, CompanyScope, PageOptions, RetryPolicy, StaticToken, Verb,
    fetch_all,
};
use sage200_desk::demo_server::{DemoConfig, DemoServer, Fault, FaultKind};
use sage200_desk::model::{Profile, Secret};
use serde_json::{Value, json};

fn demo_token(server: &DemoServer) -> Secret {
    // Sign-in itself is tested through the real flow elsewhere; here a token is enough.
    Secret::new(server.mint_access_token())
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(5),
    }
}

fn client_for(server: &DemoServer) -> ApiClient {
    let token = demo_token(server);
    let profile = Profile::demo(&server.base_url());
    ApiClient::new(
        sage200_desk::api::build_http_client().unwrap(),
        &profile,
        Arc::new(StaticToken(token)),
    )
    .unwrap()
    .with_retry_policy(fast_retries())
}

fn company() -> CompanyScope {
    CompanyScope {
        site_id: "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        company_id: 101,
    }
}

async fn start(customers: usize) -> DemoServer {
    DemoServer::start(DemoConfig {
        auto_approve: true,
        customers,
        ..DemoConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn every_call_carries_the_expected_headers() {
    // A capturing server (not a mock of Sage: it only records what the client sends).
    let seen: Arc<Mutex<Vec<axum::http::HeaderMap>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(headers);
            axum::Json(json!([]))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let root = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut profile = Profile::demo(&root);
    profile
        .extra_headers
        .push(("ocp-apim-subscription-key".into(), "legacy-key".into()));
    let client = ApiClient::new(
        sage200_desk::api::build_http_client().unwrap(),
        &profile,
        Arc::new(StaticToken(Secret::new("tok-123"))),
    )
    .unwrap();

    client.sites().await.unwrap();
    let mut post = ApiRequest::get("customers").for_company(Some(&company()));
    post.verb = Verb::Post;
    post.body = Some(br#"{"name":"x"}"#.to_vec());
    client.execute(&post).await.unwrap();

    let seen = seen.lock().unwrap();
    let (sites, created) = (&seen[0], &seen[1]);
    for headers in [sites, created] {
        assert_eq!(headers["authorization"], "Bearer tok-123");
        assert_eq!(headers["accept"], "application/json");
        assert!(
            headers["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("sage200-desk/")
        );
        assert_eq!(headers["ocp-apim-subscription-key"], "legacy-key");
    }
    assert!(
        sites.get("x-site").is_none() && sites.get("x-company").is_none(),
        "sites needs no company"
    );
    assert_eq!(created["x-site"], "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    assert_eq!(created["x-company"], "101");
    assert_eq!(created["content-type"], "application/json");
}

#[tokio::test]
async fn idempotent_calls_are_retried_honouring_retry_after() {
    let server = start(50).await;
    let client = client_for(&server);
    let request = ApiRequest::get("customers")
        .for_company(Some(&company()))
        .param("$top", "5");

    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 503,
            retry_after: Some("1".into()),
        },
        "customers",
        2,
    ));
    let started = Instant::now();
    let answer = client
        .execute(&request)
        .await
        .expect("retried until it worked");
    assert_eq!(answer.meta.attempts, 3);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited as Retry-After asked"
    );

    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc2822();
    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 429,
            retry_after: Some(soon),
        },
        "customers",
        1,
    ));
    let started = Instant::now();
    assert_eq!(client.execute(&request).await.unwrap().meta.attempts, 2);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "an HTTP-date Retry-After is honoured"
    );

    for status in [502, 504] {
        server.add_fault(Fault::new(
            FaultKind::Status {
                status,
                retry_after: None,
            },
            "customers",
            1,
        ));
        assert_eq!(
            client.execute(&request).await.unwrap().meta.attempts,
            2,
            "{status}"
        );
    }
    server.add_fault(Fault::new(FaultKind::DropMidBody, "customers", 1));
    assert_eq!(
        client.execute(&request).await.unwrap().meta.attempts,
        2,
        "a dropped body is retried"
    );

    // A wait longer than the policy allows is reported, not slept through.
    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 429,
            retry_after: Some("3600".into()),
        },
        "customers",
        1,
    ));
    let error = client.execute(&request).await.unwrap_err();
    assert!(
        matches!(error, ApiError::Status { status: 429, .. }),
        "{error:?}"
    );

    // Retries are bounded: 1 try + 3 retries, then the error.
    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 503,
            retry_after: None,
        },
        "customers",
        10,
    ));
    let error = client.execute(&request).await.unwrap_err();
    assert!(matches!(error, ApiError::Status { status: 503, .. }));
    let left: Value = reqwest::get(format!("{}/_demo/faults", server.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(left[0]["count"], 6, "exactly four attempts were made");
    server.clear_faults();

    // 500 is not retried: the server failed, and trying again rarely helps.
    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 500,
            retry_after: None,
        },
        "customers",
        1,
    ));
    assert!(matches!(
        client.execute(&request).await.unwrap_err(),
        ApiError::Status { status: 500, .. }
    ));
    assert!(client.execute(&request).await.is_ok());
}

#[tokio::test]
async fn a_post_is_never_retried_blindly() {
    let server = start(10).await;
    let client = client_for(&server);
    let create = |reference: &str| {
        let mut request = ApiRequest::get("customers").for_company(Some(&company()));
        request.verb = Verb::Post;
        request.body = Some(
            json!({"name": "Retry Test Ltd", "reference": reference})
                .to_string()
                .into_bytes(),
        );
        request
    };
    server.add_fault(
        Fault::new(
            FaultKind::Status {
                status: 503,
                retry_after: Some("0".into()),
            },
            "customers",
            1,
        )
        .for_method("POST"),
    );
    assert!(matches!(
        client.execute(&create("RT01")).await.unwrap_err(),
        ApiError::Status { status: 503, .. }
    ));

    server.add_fault(Fault::new(FaultKind::LoseAnswer, "customers", 1).for_method("POST"));
    let error = client.execute(&create("RT02")).await.unwrap_err();
    assert!(matches!(error, ApiError::Network { .. }), "{error:?}");
    let found = client
        .get_list::<Value>(
            &ApiRequest::get("customers")
                .for_company(Some(&company()))
                .param("$filter", "reference eq 'RT02'"),
        )
        .await
        .unwrap();
    assert_eq!(found.body.len(), 1, "saved once, not twice");
}

#[tokio::test]
async fn calls_time_out_and_can_be_cancelled() {
    let server = start(10).await;
    let client = client_for(&server)
        .with_retry_policy(RetryPolicy {
            max_retries: 0,
            ..fast_retries()
        })
        .with_timeout(Duration::from_millis(300));
    let request = ApiRequest::get("customers").for_company(Some(&company()));
    server.add_fault(Fault::new(
        FaultKind::Latency { millis: 2000 },
        "customers",
        1,
    ));
    let started = Instant::now();
    assert_eq!(
        client.execute(&request).await.unwrap_err(),
        ApiError::Timeout
    );
    assert!(started.elapsed() < Duration::from_millis(1500));

    server.add_fault(Fault::new(
        FaultKind::Latency { millis: 5000 },
        "customers",
        1,
    ));
    let slow = client.clone().with_timeout(Duration::from_secs(30));
    let call = tokio::spawn(async move {
        slow.execute(&ApiRequest::get("customers").for_company(Some(&company())))
            .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    call.abort();
    assert!(call.await.unwrap_err().is_cancelled());
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "cancelled at once"
    );
}

#[tokio::test]
async fn error_answers_keep_the_status_message_and_advice() {
    let server = start(10).await;
    let client = client_for(&server);
    let bad = ApiRequest::get("customers")
        .for_company(Some(&company()))
        .param("$top", "9999");
    let error = client.execute(&bad).await.unwrap_err();
    let ApiError::Status {
        status: 400,
        message,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(
        message.contains("5000"),
        "Sage's message is kept: {message}"
    );
    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 504,
            retry_after: None,
        },
        "customers",
        10,
    ));
    let error = client
        .clone()
        .with_retry_policy(RetryPolicy {
            max_retries: 0,
            ..fast_retries()
        })
        .execute(&ApiRequest::get("customers").for_company(Some(&company())))
        .await
        .unwrap_err();
    assert!(
        error
            .advice()
            .contains("company's server may be unreachable"),
        "{}",
        error.advice()
    );
    server.clear_faults();
    server.add_fault(Fault::new(FaultKind::Html { status: 200 }, "customers", 1));
    let error = client
        .get_list::<Value>(&ApiRequest::get("customers").for_company(Some(&company())))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("HTML page"), "{error}");
    server.add_fault(Fault::new(FaultKind::Malformed, "customers", 1));
    assert!(matches!(
        client
            .get_list::<Value>(&ApiRequest::get("customers").for_company(Some(&company())))
            .await
            .unwrap_err(),
        ApiError::InvalidBody { .. }
    ));
    server.add_fault(Fault::new(FaultKind::EmptyOk, "customers", 1));
    assert!(
        client
            .get_list::<Value>(&ApiRequest::get("customers").for_company(Some(&company())))
            .await
            .unwrap_err()
            .to_string()
            .contains("empty answer")
    );
    let refused = ApiClient::new(
        sage200_desk::api::build_http_client().unwrap(),
        &Profile::demo("http://127.0.0.1:9"),
        Arc::new(StaticToken(Secret::new("x"))),
    )
    .unwrap()
    .with_retry_policy(RetryPolicy {
        max_retries: 1,
        ..fast_retries()
    });
    assert!(matches!(
        refused.sites().await.unwrap_err(),
        ApiError::Network { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_all_pages_through_100000_customers() {
    let server = start(100_000).await;
    let client = client_for(&server);
    let base = ApiRequest::get("customers")
        .for_company(Some(&company()))
        .param("$select", "id,reference");
    let mut reports = Vec::new();
    let pages = fetch_all(
        &client,
        &base,
        &PageOptions {
            page_size: 5000,
            in_flight: 3,
            order_by: "id".into(),
            keyset: false,
        },
        |p| reports.push(p),
    )
    .await
    .unwrap();
    let ids = ids_of(&pages);
    assert_eq!(ids.len(), 100_000);
    assert!(
        ids.windows(2).all(|w| w[0] + 1 == w[1]),
        "every record once, in order"
    );
    assert_eq!(reports.last().unwrap().records, 100_000);
    assert!(reports.len() >= 20);
    assert!(
        pages
            .iter()
            .all(|p| p.meta.url.contains("%24orderby=id") || p.meta.url.contains("$orderby=id"))
    );

    // A short page ends the fetch.
    let small = start(12_345).await;
    let client = client_for(&small);
    let pages = fetch_all(
        &client,
        &base,
        &PageOptions {
            page_size: 5000,
            in_flight: 2,
            order_by: "id".into(),
            keyset: false,
        },
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(pages.len(), 3);
    let count: usize = pages
        .iter()
        .map(|p| {
            sage200_desk::api::decode_list::<Value>(&p.body)
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(count, 12_345);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_all_goes_on_when_the_server_caps_pages() {
    // The server sends at most 500 records whatever `$top` asks: the first short page is
    // not taken for the last one.
    let server = start(1_234).await;
    server.add_fault(Fault::new(FaultKind::CapTop { max: 500 }, "customers", 100));
    let client = client_for(&server);
    let base = ApiRequest::get("customers")
        .for_company(Some(&company()))
        .param("$select", "id");
    let pages = fetch_all(&client, &base, &PageOptions::default(), |_| {})
        .await
        .unwrap();
    let ids = ids_of(&pages);
    assert_eq!(ids.len(), 1_234, "every record, not the first 500");
    assert!(
        ids.windows(2).all(|w| w[0] + 1 == w[1]),
        "in order, once each"
    );
    assert_eq!(pages.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyset_paging_asks_past_the_last_key_and_keeps_the_filter() {
    // Pages capped at 500 whatever `$top` asks: keyset paging goes on to an empty page.
    let server = start(2_345).await;
    server.add_fault(Fault::new(FaultKind::CapTop { max: 500 }, "customers", 100));
    let client = client_for(&server);
    let base = ApiRequest::get("customers")
        .for_company(Some(&company()))
        .param("$select", "id")
        .param("$filter", "id ne 7 or id eq 7");
    let options = PageOptions {
        keyset: true,
        ..PageOptions::default()
    };
    let mut reports = Vec::new();
    let pages = fetch_all(&client, &base, &options, |p| reports.push(p))
        .await
        .unwrap();
    let ids = ids_of(&pages);
    assert_eq!(ids.len(), 2_345, "every record");
    assert!(
        ids.windows(2).all(|w| w[0] + 1 == w[1]),
        "in order, once each"
    );
    assert_eq!(
        pages.len(),
        5,
        "five pages of at most 500; the empty one is not kept"
    );
    assert_eq!(
        reports.last().unwrap().pages,
        6,
        "the empty page was asked for"
    );
    let url = |p: &sage200_desk::api::RawAnswer| {
        let url = url::Url::parse(&p.meta.url).unwrap();
        url.query_pairs()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    assert!(!url(&pages[0]).contains(" gt "), "{}", url(&pages[0]));
    assert!(
        url(&pages[1]).contains("$filter=(id ne 7 or id eq 7) and id gt 500"),
        "{}",
        url(&pages[1])
    );
    assert!(pages.iter().all(|p| !p.meta.url.contains("skip")));

    // A key the order does not end with is paged by `$skip`, as before.
    let by_name = base.clone().param("$orderby", "name");
    let pages = fetch_all(&client, &by_name, &options, |_| {})
        .await
        .unwrap();
    assert_eq!(ids_of(&pages).len(), 2_345);
    assert!(pages[1].meta.url.contains("skip"), "{}", pages[1].meta.url);
}

/// The ids of the records of fetched pages, in page order.
fn ids_of(pages: &[sage200_desk::api::RawAnswer]) -> Vec<i64> {
    pages
        .iter()
        .flat_map(|p| sage200_desk::api::decode_list::<Value>(&p.body).unwrap())
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_is_told_piece_by_piece_as_it_arrives() {
    let server = start(10).await;
    let client = client_for(&server);
    let mut request = ApiRequest::get("_demo_large_answer").for_company(Some(&company()));
    request.query.push(("mb".to_owned(), "3".to_owned()));
    // The first 100 kB at once, the rest half a second later.
    server.add_fault(Fault::new(
        FaultKind::SlowBody {
            bytes: 100_000,
            millis: 500,
        },
        "_demo_large_answer",
        1,
    ));
    let started = Instant::now();
    let mut seen: Vec<(usize, Option<u64>, Duration, Vec<u8>)> = Vec::new();
    let answer = client
        .execute_any_watched(&request, &mut |arriving| {
            seen.push((
                arriving.body.len(),
                arriving.expected,
                started.elapsed(),
                arriving.body[..arriving.body.len().min(64)].to_vec(),
            ));
            assert_eq!(arriving.meta.status, 200);
        })
        .await
        .unwrap();
    let size = answer.body.len();
    assert!(size > 3_000_000, "{size}");
    assert_eq!(answer.meta.size, size);
    // Lengths only grow, to the whole body, each telling its Content-Length.
    let lengths: Vec<usize> = seen.iter().map(|s| s.0).collect();
    assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "{lengths:?}");
    assert_eq!(seen.last().unwrap().0, size);
    assert!(seen.iter().all(|s| s.1 == Some(size as u64)));
    assert!(seen.iter().all(|s| answer.body.starts_with(&s.3)));
    // The first 100 kB were told before the rest was sent, and told again while the
    // body was quiet.
    let early = seen.iter().find(|s| s.0 == 100_000).unwrap();
    assert!(
        lengths.iter().filter(|&&l| l == 100_000).count() >= 3,
        "{lengths:?}"
    );
    let late = seen.iter().find(|s| s.0 > 100_000).unwrap();
    assert!(
        late.2 >= early.2 + Duration::from_millis(400),
        "{seen:?}",
        seen = seen.iter().map(|s| (s.0, s.2)).collect::<Vec<_>>()
    );

    // A body without a length (made as sent) is told too, its length unknown.
    request.query.push(("stream".to_owned(), "1".to_owned()));
    let mut pieces = 0;
    let streamed = client
        .execute_any_watched(&request, &mut |arriving| {
            pieces += 1;
            assert_eq!(arriving.expected, None);
        })
        .await
        .unwrap();
    assert!(pieces > 1);
    assert_eq!(streamed.body, answer.body);

    // A body dropped half way is fetched again: told from none again, then whole.
    request.query.pop();
    server.add_fault(Fault::new(FaultKind::DropMidBody, "_demo_large_answer", 1));
    let mut lengths = Vec::new();
    let again = client
        .execute_any_watched(&request, &mut |arriving| lengths.push(arriving.body.len()))
        .await
        .unwrap();
    assert_eq!(again.meta.attempts, 2);
    assert_eq!(again.body, answer.body);
    assert!(
        lengths.windows(2).any(|w| w[1] < w[0]),
        "started again from none"
    );
    assert_eq!(*lengths.last().unwrap(), size);
}
