//! Sending a request builder draft: the API request it makes (or what must be fixed
//! first), and the call on the runtime with the answer read on the blocking pool.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::api::{ApiClient, ApiRequest, CompanyScope, Verb};
use crate::app::Waker;
use crate::document::{Answered, check_body, read_answer_with, read_preview};
use crate::model::{HttpMethod, RequestDraft};
use crate::screens::shared::UserError;

use super::Arriving;

/// Builds the API request of a draft, or says what must be fixed first.
pub fn build_request(
    draft: &RequestDraft,
    company: Option<&CompanyScope>,
) -> Result<ApiRequest, UserError> {
    let fix = |message: String| UserError {
        message,
        advice: "Fix the request, then send it again.".to_owned(),
    };
    let path = draft.checked_path().map_err(|e| fix(e.0))?;
    let query = draft.query_pairs().map_err(|e| fix(e.0))?;
    let headers = draft.header_pairs().map_err(|e| fix(e.0))?;
    let body = if draft.method.has_body() {
        check_body(&draft.body).map_err(|e| {
            fix(format!(
                "The body is not valid JSON: {} (line {}, column {}).",
                e.message, e.line, e.column
            ))
        })?
    } else {
        None
    };
    let needs_company = path != "sites" && path != "current_user";
    Ok(ApiRequest {
        verb: match draft.method {
            HttpMethod::Get => Verb::Get,
            HttpMethod::Post => Verb::Post,
            HttpMethod::Put => Verb::Put,
            HttpMethod::Delete => Verb::Delete,
        },
        path,
        query,
        body,
        company: if needs_company {
            company.cloned()
        } else {
            None
        },
        headers,
    })
}

/// What a send tells its tab while the answer arrives.
#[derive(Debug)]
pub enum Arrival {
    /// How much of the body is in.
    Bytes {
        /// Bytes received so far.
        received: usize,
        /// The length the server said (`Content-Length`).
        expected: Option<u64>,
    },
    /// A try of the call (numbered from 1) began its body: what an earlier try told is
    /// dropped (a call retried after its body broke off starts again).
    Restarted(u32),
    /// The first records, read from the body so far of a try.
    Preview(u32, Arc<Answered>),
    /// The whole body is in (this many bytes), and being read.
    Reading(usize),
}

/// Sizes of the body so far at which its first records are read: a screenful soon (a
/// first try holding no whole record leaves it to the next). One preview is enough: more
/// would only take the cores the whole answer is about to need.
const PREVIEW_AT: [usize; 2] = [64 * 1024, 1024 * 1024];

/// How often the bytes so far are told, at most.
const TELL_EVERY: Duration = Duration::from_millis(50);

/// Watches a body arrive: tells the bytes so far (now and then) and reads the first
/// records at each of [`PREVIEW_AT`] on the blocking pool, one reading at a time.
struct Watcher {
    tell: Arc<dyn Fn(Arrival) + Send + Sync>,
    /// The try whose body is arriving (0 before the first).
    attempt: u32,
    /// The next of [`PREVIEW_AT`] to read at.
    next: usize,
    told: Option<Instant>,
    /// Whether a preview of this try is being read.
    reading: Arc<AtomicBool>,
    /// Whether one was read (none is read again for this try).
    shown: Arc<AtomicBool>,
}

impl Watcher {
    fn saw(&mut self, arriving: crate::api::BodySoFar<'_>) {
        let received = arriving.body.len();
        if arriving.meta.attempts != self.attempt {
            self.attempt = arriving.meta.attempts;
            self.next = 0;
            // A preview of the try before may still be read: its flags stay its own.
            self.reading = Arc::new(AtomicBool::new(false));
            self.shown = Arc::new(AtomicBool::new(false));
            self.told = None;
            (self.tell)(Arrival::Restarted(self.attempt));
        }
        if self.told.is_none_or(|t| t.elapsed() >= TELL_EVERY) {
            self.told = Some(Instant::now());
            (self.tell)(Arrival::Bytes {
                received,
                expected: arriving.expected,
            });
        }
        let due = PREVIEW_AT.get(self.next).is_some_and(|&at| received >= at)
            && !self.shown.load(Ordering::Acquire);
        if !due || self.reading.swap(true, Ordering::AcqRel) {
            return;
        }
        let mut at = 0;
        while let Some(&step) = PREVIEW_AT.get(self.next).filter(|&&step| received >= step) {
            at = step;
            self.next += 1;
        }
        // A copy of the start up to the step reached (the body keeps growing meanwhile):
        // enough for a screenful, never the whole of a fast answer, and the same records
        // however the pieces came.
        let prefix = arriving.body[..at].to_vec();
        let attempt = self.attempt;
        let meta = arriving.meta.clone();
        let tell = Arc::clone(&self.tell);
        let reading = Arc::clone(&self.reading);
        let shown = Arc::clone(&self.shown);
        tokio::task::spawn_blocking(move || {
            if let Some(preview) = read_preview(meta, &prefix) {
                shown.store(true, Ordering::Release);
                tell(Arrival::Preview(attempt, Arc::new(preview)));
            }
            reading.store(false, Ordering::Release);
        });
    }
}

/// A channel for what a send tells its tab ([`Arrival`]): the teller (waking the UI after
/// each message) and the tab's end.
pub(super) fn arrivals(
    waker: Waker,
) -> (
    impl Fn(Arrival) + Send + Sync + 'static,
    mpsc::Receiver<Arrival>,
) {
    let (sender, receiver) = mpsc::channel();
    let tell = move |arrival| {
        if sender.send(arrival).is_ok() {
            waker.wake();
        }
    };
    (tell, receiver)
}

/// Moves what a send told since the last frame into its tab's `arriving`.
pub(super) fn take_arrivals(receiver: &mpsc::Receiver<Arrival>, arriving: &mut Arriving) {
    for arrival in receiver.try_iter() {
        match arrival {
            Arrival::Bytes { received, expected } => {
                arriving.received = received;
                arriving.expected = expected;
            }
            Arrival::Restarted(attempt) => {
                *arriving = Arriving {
                    attempt,
                    ..Arriving::default()
                };
            }
            Arrival::Preview(attempt, preview) if attempt == arriving.attempt => {
                arriving.preview = Some(preview);
            }
            // Read from a try that broke off: its records may not be this one's.
            Arrival::Preview(..) => {}
            Arrival::Reading(size) => {
                arriving.received = size;
                arriving.complete = true;
            }
        }
    }
}

/// Sends a built request and reads whatever came back (error statuses included), telling
/// `tell` of the answer as it arrives ([`Arrival`]).
pub async fn send(
    client: ApiClient,
    request: ApiRequest,
    tell: impl Fn(Arrival) + Send + Sync + 'static,
) -> Result<Arc<Answered>, UserError> {
    let mut watcher = Watcher {
        tell: Arc::new(tell),
        attempt: 0,
        next: 0,
        told: None,
        reading: Arc::new(AtomicBool::new(false)),
        shown: Arc::new(AtomicBool::new(false)),
    };
    let raw = client
        .execute_any_watched(&request, &mut |arriving| watcher.saw(arriving))
        .await
        .map_err(|e| UserError::from(&e))?;
    (watcher.tell)(Arrival::Reading(raw.body.len()));
    let answered = tokio::task::spawn_blocking(move || {
        read_answer_with(raw.meta, &raw.body, &crate::screens::calls::OnThreads)
    })
    .await
    .map_err(|e| UserError {
        message: format!("Reading the answer stopped: {e}"),
        advice: "Send the request again.".to_owned(),
    })?;
    Ok(Arc::new(answered))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preview() -> Arc<Answered> {
        let meta = crate::model::ResponseMeta::ok("u", 0);
        Arc::new(read_preview(meta, br#"[{"id":1},{"id":2},{"id":"#).unwrap())
    }

    #[test]
    fn a_preview_of_a_try_that_broke_off_is_dropped() {
        let (sender, receiver) = mpsc::channel();
        for arrival in [
            Arrival::Restarted(1),
            Arrival::Bytes {
                received: 70_000,
                expected: Some(200_000),
            },
            Arrival::Preview(1, preview()),
        ] {
            sender.send(arrival).unwrap();
        }
        let mut arriving = Arriving::default();
        take_arrivals(&receiver, &mut arriving);
        assert_eq!(arriving.attempt, 1);
        assert_eq!(arriving.received, 70_000);
        assert_eq!(
            arriving
                .preview
                .as_ref()
                .unwrap()
                .table
                .as_ref()
                .unwrap()
                .len(),
            2
        );
        // The body broke off and the call was sent again: the first try's records go,
        // and a reading of them that ends late is not shown.
        sender.send(Arrival::Restarted(2)).unwrap();
        sender.send(Arrival::Preview(1, preview())).unwrap();
        take_arrivals(&receiver, &mut arriving);
        assert_eq!(arriving.attempt, 2);
        assert_eq!(arriving.received, 0);
        assert!(arriving.preview.is_none());
        sender.send(Arrival::Preview(2, preview())).unwrap();
        sender.send(Arrival::Reading(200_000)).unwrap();
        take_arrivals(&receiver, &mut arriving);
        assert!(arriving.preview.is_some() && arriving.complete);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_watcher_reads_one_preview_a_try_from_a_bounded_copy() {
        let told = Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = Arc::clone(&told);
        let mut watcher = Watcher {
            tell: Arc::new(move |arrival| kept.lock().unwrap().push(arrival)),
            attempt: 0,
            next: 0,
            told: None,
            reading: Arc::new(AtomicBool::new(false)),
            shown: Arc::new(AtomicBool::new(false)),
        };
        let record = r#"{"id":1,"name":"A record of about sixty bytes, give or take"},"#;
        let body = format!("[{}", record.repeat(50_000));
        let mut meta = crate::model::ResponseMeta::ok("u", 0);
        // The whole of a fast answer is in at the first look: the copy stays small.
        for attempt in [1, 2] {
            meta.attempts = attempt;
            watcher.saw(crate::api::BodySoFar {
                meta: &meta,
                body: body.as_bytes(),
                expected: None,
            });
            for _ in 0..500 {
                if !watcher.reading.load(Ordering::Acquire) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        let told = told.lock().unwrap();
        let previews: Vec<(u32, usize)> = told
            .iter()
            .filter_map(|a| match a {
                Arrival::Preview(attempt, p) => Some((*attempt, p.raw().len())),
                _ => None,
            })
            .collect();
        assert!(matches!(told[0], Arrival::Restarted(1)));
        assert!(told.iter().any(|a| matches!(a, Arrival::Restarted(2))));
        assert_eq!(previews.len(), 2, "one a try");
        assert_eq!(previews[0].0, 1);
        assert_eq!(previews[1].0, 2);
        // Read from the 1 MB step alone, not the 3 MB that had come.
        assert!(previews.iter().all(|p| p.1 <= 1024 * 1024), "{previews:?}");
    }
}
