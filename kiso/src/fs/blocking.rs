//! The one seam between `kiso::fs` and the thread that does the work.
//!
//! Every file-system call in this module goes through [`run`] (or
//! [`run_mandatory`]): it starts the closure on the runtime's blocking pool
//! and hands back an [`Op`], a future for its result. A completion-based
//! backend (io_uring) can take over by changing what happens here.
//!
//! An `Op` may be polled by several tasks in turn (a `File` is shared by
//! `&self` methods): it keeps every waker it is given and wakes them all
//! when the work is done, so no waiter is lost when another one replaces
//! its waker.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// Runs `f` on the blocking pool; the returned future gives its result.
///
/// If the runtime shuts down before a pool thread gets to `f`, `f` is
/// dropped unrun and the future fails with the runtime's shutdown error.
///
/// # Panics
///
/// Panics outside a runtime, or when kiso is built without `rt`.
#[track_caller]
pub(crate) fn run<F, R>(f: F) -> Op<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    spawn(false, f)
}

/// As [`run`], but `f` still runs if the runtime shuts down before a pool
/// thread picks it up (for writes that were already reported done).
#[track_caller]
pub(crate) fn run_mandatory<F, R>(f: F) -> Op<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    spawn(true, f)
}

/// Runs `f`, which returns an `io::Result`, on the blocking pool and waits
/// for it.
pub(crate) async fn asyncify<F, R>(f: F) -> io::Result<R>
where
    F: FnOnce() -> io::Result<R> + Send + 'static,
    R: Send + 'static,
{
    run(f).await?
}

#[track_caller]
fn spawn<F, R>(mandatory: bool, f: F) -> Op<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let slot = Arc::new(Slot {
        state: Mutex::new(SlotState {
            result: None,
            wakers: Vec::new(),
        }),
    });
    let completer = Completer {
        slot: Some(slot.clone()),
    };
    let work = move || {
        let completer = completer;
        let r = f();
        completer.complete(Ok(r));
    };
    #[cfg(feature = "rt")]
    {
        if mandatory {
            drop(crate::runtime::Handle::current().spawn_mandatory_blocking(work));
        } else {
            drop(crate::task::spawn_blocking(work));
        }
        Op { slot }
    }
    #[cfg(not(feature = "rt"))]
    {
        let _ = (mandatory, slot);
        drop(work);
        panic!(
            "kiso::fs needs a runtime: enable kiso's `rt` feature and use it from within a runtime"
        )
    }
}

struct Slot<R> {
    state: Mutex<SlotState<R>>,
}

struct SlotState<R> {
    /// Set once, when the work finishes (or is dropped unrun).
    result: Option<io::Result<R>>,
    /// Everyone waiting for `result`.
    wakers: Vec<Waker>,
}

impl<R> Slot<R> {
    fn lock(&self) -> MutexGuard<'_, SlotState<R>> {
        // A panic while holding this lock cannot leave the state torn: it
        // is a plain store.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Fills the slot: with the work's result, or with an error if the work is
/// dropped unrun (runtime shut down) or panics.
struct Completer<R> {
    slot: Option<Arc<Slot<R>>>,
}

impl<R> Completer<R> {
    fn complete(mut self, r: io::Result<R>) {
        if let Some(slot) = self.slot.take() {
            let wakers = {
                let mut st = slot.lock();
                st.result = Some(r);
                std::mem::take(&mut st.wakers)
            };
            for w in wakers {
                w.wake();
            }
        }
    }
}

impl<R> Drop for Completer<R> {
    fn drop(&mut self) {
        if self.slot.is_some() {
            let err = if std::thread::panicking() {
                io::Error::other("a blocking file-system operation panicked")
            } else {
                gone()
            };
            Completer {
                slot: self.slot.take(),
            }
            .complete(Err(err));
        }
    }
}

/// The error of an operation that never ran because the runtime shut down.
pub(crate) fn gone() -> io::Error {
    #[cfg(feature = "rt")]
    {
        io::Error::other(crate::runtime::ShutdownError)
    }
    #[cfg(not(feature = "rt"))]
    {
        io::Error::other("the runtime is shutting down")
    }
}

/// The result of work started with [`run`]. Resolves once; polling it
/// again afterwards is a bug.
pub(crate) struct Op<R> {
    slot: Arc<Slot<R>>,
}

impl<R> Future for Op<R> {
    type Output = io::Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        let mut st = self.slot.lock();
        if let Some(r) = st.result.take() {
            return Poll::Ready(r);
        }
        if !st.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            st.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl<R> std::fmt::Debug for Op<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Op").finish_non_exhaustive()
    }
}

#[cfg(all(test, feature = "rt"))]
mod tests {
    use super::run;
    use crate::runtime::Builder;

    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{mpsc, Arc};
    use std::task::{Context, Poll, Wake, Waker};
    use std::time::Duration;

    const LIMIT: Duration = Duration::from_secs(10);

    /// A waker that reports its wake-up, tagged, on a channel.
    struct Report(mpsc::Sender<u8>, u8);

    impl Wake for Report {
        fn wake(self: Arc<Self>) {
            let _ = self.0.send(self.1);
        }
    }

    #[test]
    fn every_waiter_is_woken() {
        let rt = Builder::new_current_thread().build().unwrap();
        let _enter = rt.enter();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let mut op = run(move || {
            release_rx.recv().unwrap();
            7
        });
        let (tx, rx) = mpsc::channel();
        for tag in [1, 2] {
            let waker = Waker::from(Arc::new(Report(tx.clone(), tag)));
            let poll = Pin::new(&mut op).poll(&mut Context::from_waker(&waker));
            assert!(poll.is_pending());
        }
        release_tx.send(()).unwrap();
        let mut woken = [
            rx.recv_timeout(LIMIT).unwrap(),
            rx.recv_timeout(LIMIT).unwrap(),
        ];
        woken.sort();
        assert_eq!(woken, [1, 2]);
        let poll = Pin::new(&mut op).poll(&mut Context::from_waker(Waker::noop()));
        assert!(matches!(poll, Poll::Ready(Ok(7))));
    }

    #[test]
    fn a_panicking_operation_reports_an_error() {
        let rt = Builder::new_current_thread().build().unwrap();
        let err = rt
            .block_on(async { run(|| -> u8 { panic!("boom") }).await })
            .unwrap_err();
        assert!(err.to_string().contains("panicked"), "{err}");
    }

    #[test]
    fn an_operation_dropped_at_shutdown_reports_the_shutdown() {
        let rt = Builder::new_current_thread()
            .max_blocking_threads(1)
            .build()
            .unwrap();
        let handle = rt.handle().clone();
        let (started_tx, started_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let _busy = handle.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        });
        started_rx.recv_timeout(LIMIT).unwrap();
        let op = {
            let _enter = handle.enter();
            run(|| 1)
        };
        // The pool's one thread is busy: `op` is still queued when the
        // runtime shuts down, and is dropped unrun.
        rt.shutdown_background();
        release_tx.send(()).unwrap();
        let err = crate::runtime::park::block_on(op).unwrap_err();
        assert!(crate::runtime::is_rt_shutdown_err(&err), "{err}");
    }
}
