//! Helpers for the rename compatibility test.
//!
//! The tests in `tests/` are a program written against Tokio's public API and
//! built on kiso through `tokio = { package = "kiso", ... }`. They may not use
//! `tokio::sync` or `tokio::time` (kiso does not have them yet), so the little
//! coordination they need is built here from `std` alone: a one-shot signal
//! with a waker, a drop counter, a poll counter, a plain `block_on`, and a
//! watchdog that turns a hang into a failure.
//!
//! Nothing here depends on the runtime under test.

use std::any::Any;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, Once};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

/// How long a test waits on a std channel before it calls the wait a failure.
///
/// Generous on purpose: a correct runtime answers in microseconds, and the
/// limit only exists so that a bug fails the run instead of freezing it.
pub const LIMIT: Duration = Duration::from_secs(30);

/// How long a whole test may run before the watchdog ends the process.
pub const WATCHDOG_LIMIT: Duration = Duration::from_secs(120);

/// A one-shot notification that can be awaited by any number of futures and
/// set from anywhere: a task, a blocking closure or a plain thread.
#[derive(Clone, Default)]
pub struct Signal {
    inner: Arc<Mutex<SignalState>>,
}

#[derive(Default)]
struct SignalState {
    set: bool,
    wakers: Vec<Waker>,
}

impl Signal {
    /// A signal that is not set yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the signal and wakes every future waiting on it.
    pub fn set(&self) {
        let wakers = {
            let mut state = self.inner.lock().unwrap();
            state.set = true;
            std::mem::take(&mut state.wakers)
        };
        // Wake outside the lock: a waker may run arbitrary code.
        for waker in wakers {
            waker.wake();
        }
    }

    /// Whether [`Signal::set`] has been called.
    pub fn is_set(&self) -> bool {
        self.inner.lock().unwrap().set
    }

    /// A future that completes once the signal is set.
    pub fn wait(&self) -> SignalWait {
        SignalWait {
            signal: self.clone(),
        }
    }
}

/// The future returned by [`Signal::wait`].
pub struct SignalWait {
    signal: Signal,
}

impl Future for SignalWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.signal.inner.lock().unwrap();
        if state.set {
            return Poll::Ready(());
        }
        if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            state.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// Counts how many [`DropGuard`]s it handed out have been dropped.
#[derive(Clone, Default)]
pub struct DropCount {
    dropped: Arc<AtomicUsize>,
}

impl DropCount {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// A guard that adds one to this counter when it is dropped.
    pub fn guard(&self) -> DropGuard {
        DropGuard {
            dropped: self.dropped.clone(),
        }
    }

    /// How many guards have been dropped so far.
    pub fn get(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }
}

/// Moved into a future; its drop is what [`DropCount`] counts.
pub struct DropGuard {
    dropped: Arc<AtomicUsize>,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// Counts how many times a future has been polled.
///
/// Clone it before wrapping a future to read the count from inside that
/// future, which tells whether some work happened within one poll.
#[derive(Clone, Default)]
pub struct PollCount {
    polls: Arc<AtomicUsize>,
}

impl PollCount {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wraps `future` so that each of its polls adds one to this counter
    /// (before the inner future runs).
    pub fn wrap<F: Future>(&self, future: F) -> CountPolls<F> {
        CountPolls {
            future: Box::pin(future),
            polls: self.polls.clone(),
        }
    }

    /// How many polls have started so far.
    pub fn get(&self) -> usize {
        self.polls.load(Ordering::SeqCst)
    }
}

/// The future returned by [`PollCount::wrap`].
pub struct CountPolls<F> {
    future: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

impl<F: Future> Future for CountPolls<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.future.as_mut().poll(cx)
    }
}

/// Runs a future to completion on the current thread with no runtime at all:
/// its waker unparks this thread.
pub fn block_on_plain<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// Ends the whole process if it is still alive after [`WATCHDOG_LIMIT`].
///
/// Anything awaited inside a test (a `JoinHandle`, a [`Signal`]) could hang
/// forever on a buggy runtime; a watchdog per test makes such a bug a failed
/// run with a name instead of a frozen CI job. Dropping it (also while
/// unwinding from a failed assertion) disarms it.
#[must_use = "the watchdog is disarmed as soon as it is dropped"]
pub struct Watchdog {
    _disarm: mpsc::Sender<()>,
}

/// Arms a [`Watchdog`] for the test called `what`.
pub fn watchdog(what: &'static str) -> Watchdog {
    let (disarm, disarmed) = mpsc::channel::<()>();
    thread::Builder::new()
        .name(format!("watchdog: {what}"))
        .spawn(move || {
            // The sender is never used to send: it is only dropped.
            if let Err(mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(WATCHDOG_LIMIT) {
                eprintln!("{what}: still running after {WATCHDOG_LIMIT:?}, so it hangs; ending the test process");
                std::process::exit(101);
            }
        })
        .expect("spawn the watchdog thread");
    Watchdog { _disarm: disarm }
}

/// The payload of a panic a test causes on purpose when it needs a payload
/// that is not a string.
#[derive(Debug, PartialEq, Eq)]
pub struct ExpectedPanic(pub u32);

/// The prefix of every panic message a test causes on purpose.
pub const EXPECTED: &str = "expected panic";

/// Keeps panics that tests cause on purpose (a message starting with
/// [`EXPECTED`], or an [`ExpectedPanic`] payload) out of the test output;
/// every other panic is reported as usual.
pub fn quiet_expected_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !is_expected(info.payload()) {
                report(info);
            }
        }));
    });
}

fn is_expected(payload: &(dyn Any + Send)) -> bool {
    payload.is::<ExpectedPanic>() || panic_message(payload).is_some_and(|m| m.starts_with(EXPECTED))
}

/// The message of a panic payload, when it is a string.
pub fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}
