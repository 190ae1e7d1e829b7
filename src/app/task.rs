//! `Task<T>`: a future running on the tokio runtime whose result the UI polls each frame.
//!
//! A finished task wakes the UI through its [`Waker`]; dropping or replacing a task aborts
//! the future, so closing a view or starting a new request cancels the old one.

use std::future::Future;
use std::sync::Arc;

use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::AbortHandle;

/// Asks the UI for a new frame; cheap to clone and callable from any thread.
#[derive(Clone)]
pub struct Waker(Arc<dyn Fn() + Send + Sync>);

impl Waker {
    /// A waker that repaints the given egui context.
    #[must_use]
    pub fn from_egui(ctx: &egui::Context) -> Self {
        let ctx = ctx.clone();
        Self(Arc::new(move || ctx.request_repaint()))
    }

    /// A waker that calls `wake` (used by tests and headless runs).
    #[must_use]
    pub fn new(wake: impl Fn() + Send + Sync + 'static) -> Self {
        Self(Arc::new(wake))
    }

    /// Requests a repaint.
    pub fn wake(&self) {
        (self.0)();
    }
}

impl std::fmt::Debug for Waker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Waker")
    }
}

/// The state of a task as the UI sees it.
#[derive(Debug)]
enum Slot<T> {
    Running(oneshot::Receiver<T>),
    Done(T),
    /// The future ended without a result (it panicked or was aborted).
    Lost,
}

/// A unit of background work owned by the piece of state that will show its result.
#[derive(Debug)]
pub struct Task<T> {
    slot: Slot<T>,
    abort: AbortHandle,
}

impl<T: Send + 'static> Task<T> {
    /// Starts `future` on `runtime`; `waker` is called once it has finished.
    pub fn spawn<F>(runtime: &Handle, waker: Waker, future: F) -> Self
    where
        F: Future<Output = T> + Send + 'static,
    {
        let (sender, receiver) = oneshot::channel();
        let handle = runtime.spawn(async move {
            let output = future.await;
            // The receiver is gone when the task was dropped; nothing to deliver then.
            let _ = sender.send(output);
            waker.wake();
        });
        Self {
            slot: Slot::Running(receiver),
            abort: handle.abort_handle(),
        }
    }
}

impl<T> Task<T> {
    /// The result, once finished; `None` while still running.
    pub fn poll(&mut self) -> Option<&T> {
        if let Slot::Running(receiver) = &mut self.slot {
            match receiver.try_recv() {
                Ok(value) => self.slot = Slot::Done(value),
                Err(oneshot::error::TryRecvError::Empty) => return None,
                Err(oneshot::error::TryRecvError::Closed) => self.slot = Slot::Lost,
            }
        }
        match &self.slot {
            Slot::Done(value) => Some(value),
            Slot::Running(_) | Slot::Lost => None,
        }
    }

    /// Whether the future is still running.
    pub fn is_running(&mut self) -> bool {
        self.poll().is_none() && matches!(self.slot, Slot::Running(_))
    }

    /// Whether the future ended without delivering a result (it panicked).
    pub fn is_lost(&mut self) -> bool {
        self.poll();
        matches!(self.slot, Slot::Lost)
    }

    /// Takes the result out once finished, consuming the task.
    pub fn into_result(mut self) -> Result<T, Self> {
        self.poll();
        match std::mem::replace(&mut self.slot, Slot::Lost) {
            Slot::Done(value) => Ok(value),
            other => {
                self.slot = other;
                Err(self)
            }
        }
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// Takes the result of a finished task out of its slot (`None` while it runs, or when it
/// ended without a result).
pub fn finished<T>(slot: &mut Option<Task<T>>) -> Option<T> {
    if slot.as_mut()?.poll().is_some() {
        slot.take()?.into_result().ok()
    } else {
        None
    }
}

/// Takes the results of the finished tasks of a map of tasks (per tab, for example).
pub fn finished_by_key<T, S: std::hash::BuildHasher>(
    tasks: &mut std::collections::HashMap<u64, Task<T>, S>,
) -> Vec<(u64, T)> {
    let done: Vec<u64> = tasks
        .iter_mut()
        .filter_map(|(id, task)| task.poll().is_some().then_some(*id))
        .collect();
    done.into_iter()
        .filter_map(|id| Some((id, tasks.remove(&id)?.into_result().ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_finished_task_wakes_the_ui_and_yields_its_result() {
        let rt = runtime();
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = wakes.clone();
        let mut task = Task::spawn(
            rt.handle(),
            Waker::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }),
            async { 41 + 1 },
        );
        for _ in 0..200 {
            if task.poll().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(task.poll(), Some(&42));
        assert_eq!(wakes.load(Ordering::SeqCst), 1);
        assert_eq!(task.into_result().ok(), Some(42));
    }

    #[test]
    fn dropping_a_task_cancels_its_future() {
        struct SetOnDrop(Arc<AtomicUsize>);
        impl Drop for SetOnDrop {
            fn drop(&mut self) {
                self.0.store(1, Ordering::SeqCst);
            }
        }
        let rt = runtime();
        let dropped = Arc::new(AtomicUsize::new(0));
        let guard = SetOnDrop(dropped.clone());
        let mut task = Task::spawn(rt.handle(), Waker::new(|| {}), async move {
            let _guard = guard;
            tokio::time::sleep(Duration::from_hours(1)).await;
        });
        assert!(task.is_running());
        drop(task);
        for _ in 0..200 {
            if dropped.load(Ordering::SeqCst) == 1 {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            1,
            "the future was not dropped"
        );
    }
}
