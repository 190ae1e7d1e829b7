//! Throughput of "fetch all" against the demo server: 100,000 customers (all fields) paged
//! with `$top`/`$skip`, one request at a time versus several in flight. Prints figures; it
//! asserts nothing about time. Run with `cargo bench --bench paging` or `scripts/bench.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // a benchmark reports on stdout

use std::sync::Arc;
use std::time::{Duration, Instant};

use sage200_desk::api::{ApiClient, ApiRequest, CompanyScope, PageOptions, StaticToken, fetch_all};
use sage200_desk::demo_server::{DemoConfig, DemoServer};
use sage200_desk::model::{Profile, Secret};

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as a quick smoke test.
    let benching = std::env::args().any(|a| a == "--bench");
    let default = if benching { 100_000 } else { 2_000 };
    let customers: usize = std::env::var("BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = DemoServer::start(DemoConfig {
            customers,
            ..DemoConfig::default()
        })
        .await
        .unwrap();
        let token = Secret::new(server.mint_access_token());
        let client = ApiClient::new(
            sage200_desk::api::build_http_client().unwrap(),
            &Profile::demo(&server.base_url()),
            Arc::new(StaticToken(token)),
        )
        .unwrap();
        let base = ApiRequest::get("customers").for_company(Some(&CompanyScope {
            site_id: "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
            company_id: 101,
        }));
        println!("fetch all {customers} customers (all fields) from the in-process demo server");
        println!("| in flight | page size | pages | records | MB | seconds | records/s |");
        println!("|---|---|---|---|---|---|---|");
        let mut single = Duration::ZERO;
        for in_flight in [1, 2, 3, 4] {
            let options = PageOptions {
                page_size: 5000,
                in_flight,
                order_by: "id".into(),
                keyset: false,
            };
            let started = Instant::now();
            let mut last = sage200_desk::api::Progress::default();
            let pages = fetch_all(&client, &base, &options, |p| last = p)
                .await
                .unwrap();
            let elapsed = started.elapsed();
            if in_flight == 1 {
                single = elapsed;
            }
            #[allow(clippy::cast_precision_loss)]
            let (mb, rate) = (
                last.bytes as f64 / 1e6,
                last.records as f64 / elapsed.as_secs_f64(),
            );
            println!(
                "| {in_flight} | 5000 | {} | {} | {mb:.1} | {:.2} | {rate:.0} |",
                pages.len(),
                last.records,
                elapsed.as_secs_f64()
            );
            if in_flight > 1 {
                println!(
                    "|   speed-up over one at a time: {:.2}× | | | | | | |",
                    single.as_secs_f64() / elapsed.as_secs_f64()
                );
            }
        }
    });
}
