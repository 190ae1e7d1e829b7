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
    /// The first records, read from the body so far.
    Preview(Arc<Answered>),
    /// The whole body is in, and being read.
    Reading,
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
    /// The next of [`PREVIEW_AT`] to read at.
    next: usize,
    /// The body's length at the last look (a retried call starts again from none).
    seen: usize,
    told: Option<Instant>,
    /// Whether a preview is being read.
    reading: Arc<AtomicBool>,
    /// Whether one was read (none is read again).
    shown: Arc<AtomicBool>,
}

impl Watcher {
    fn saw(&mut self, arriving: crate::api::Arriving<'_>) {
        let received = arriving.body.len();
        if received < self.seen {
            self.next = 0;
            self.shown.store(false, Ordering::Release);
        }
        self.seen = received;
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
        while PREVIEW_AT.get(self.next).is_some_and(|&at| received >= at) {
            self.next += 1;
        }
        // A copy of the part so far: the body keeps growing meanwhile.
        let prefix = arriving.body.to_vec();
        let meta = arriving.meta.clone();
        let tell = Arc::clone(&self.tell);
        let reading = Arc::clone(&self.reading);
        let shown = Arc::clone(&self.shown);
        tokio::task::spawn_blocking(move || {
            if let Some(preview) = read_preview(meta, &prefix) {
                shown.store(true, Ordering::Release);
                tell(Arrival::Preview(Arc::new(preview)));
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
            Arrival::Preview(preview) => arriving.preview = Some(preview),
            Arrival::Reading => arriving.complete = true,
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
        next: 0,
        seen: 0,
        told: None,
        reading: Arc::new(AtomicBool::new(false)),
        shown: Arc::new(AtomicBool::new(false)),
    };
    let raw = client
        .execute_any_watched(&request, &mut |arriving| watcher.saw(arriving))
        .await
        .map_err(|e| UserError::from(&e))?;
    (watcher.tell)(Arrival::Bytes {
        received: raw.body.len(),
        expected: None,
    });
    (watcher.tell)(Arrival::Reading);
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
