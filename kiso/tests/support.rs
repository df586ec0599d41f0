//! Helpers shared by kiso's integration tests (included with `mod support;`).

#![cfg(feature = "full")]
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Upper bound for anything a test waits on, so a bug fails instead of
/// hanging CI.
pub const LIMIT: Duration = Duration::from_secs(20);

/// Counts how many times it is dropped.
pub struct DropCounter(pub Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A one-shot flag a future can wait on, set from anywhere. It keeps one
/// waker: only one task may wait on a given flag.
#[derive(Clone, Default)]
pub struct Flag(Arc<Mutex<(bool, Option<Waker>)>>);

impl Flag {
    pub fn new() -> Flag {
        Flag::default()
    }

    pub fn set(&self) {
        let waker = {
            let mut g = self.0.lock().unwrap();
            g.0 = true;
            g.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    pub fn wait(&self) -> FlagWait {
        FlagWait(self.clone())
    }
}

pub struct FlagWait(Flag);

impl Future for FlagWait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut g = (self.0).0.lock().unwrap();
        if g.0 {
            Poll::Ready(())
        } else {
            g.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Runs `f` on a thread and fails the test if it takes longer than `LIMIT`.
pub fn with_timeout<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(LIMIT) {
        Ok(Ok(r)) => r,
        Ok(Err(p)) => std::panic::resume_unwind(p),
        Err(_) => panic!("test did not finish within {LIMIT:?}"),
    }
}

pub fn current_thread() -> kiso::runtime::Runtime {
    kiso::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A multi-thread runtime with `workers` workers and every driver enabled.
#[cfg(feature = "rt-multi-thread")]
pub fn multi(workers: usize) -> kiso::runtime::Runtime {
    kiso::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs the future `f` makes on a new current-thread runtime whose clock
/// starts paused, on a thread of its own, and fails the test if that takes
/// more than `LIMIT` of real time.
#[cfg(feature = "test-util")]
pub fn paused<Fut>(f: impl FnOnce() -> Fut + Send + 'static) -> Fut::Output
where
    Fut: std::future::Future,
    Fut::Output: Send + 'static,
{
    with_timeout(move || {
        let rt = kiso::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(f())
    })
}

/// A waker that counts its wake-ups.
#[derive(Default)]
pub struct CountingWaker(pub AtomicUsize);

impl CountingWaker {
    /// The counter and a waker that bumps it.
    pub fn new() -> (Arc<CountingWaker>, Waker) {
        let w = Arc::new(CountingWaker::default());
        (w.clone(), Waker::from(w))
    }

    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl std::task::Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The panic message of a caught panic payload (empty if not a string).
pub fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else {
        String::new()
    }
}

/// Returns the panic message of `f`, which must panic.
pub fn panic_message(f: impl FnOnce()) -> String {
    message(
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("expected a panic"),
    )
}

/// A reader that breaks the `AsyncRead` contract: it replaces the buffer it
/// is given with another one (whose storage it allocates). Adapters must
/// panic rather than trust what it reports.
#[cfg(feature = "io-util")]
pub struct Swapper;

#[cfg(feature = "io-util")]
thread_local! {
    static SWAPPED_IN: std::cell::Cell<Option<*mut [u8]>> = const { std::cell::Cell::new(None) };
}

#[cfg(feature = "io-util")]
impl Swapper {
    /// Frees the storage the last `poll_read` swapped in (call once nothing
    /// refers to it any more), so leak checkers stay quiet.
    pub fn free_swapped_in() {
        if let Some(raw) = SWAPPED_IN.with(|c| c.take()) {
            // SAFETY: allocated by `Box::into_raw` in `poll_read`; the
            // `ReadBuf` that pointed into it is gone.
            drop(unsafe { Box::from_raw(raw) });
        }
    }
}

#[cfg(feature = "io-util")]
impl kiso::io::AsyncRead for Swapper {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut kiso::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let raw = Box::into_raw(vec![7u8; 4].into_boxed_slice());
        SWAPPED_IN.with(|c| c.set(Some(raw)));
        // SAFETY: `raw` is a live allocation, freed by `free_swapped_in`
        // only after every reference to it is gone.
        let other: &'static mut [u8] = unsafe { &mut *raw };
        let mut fresh = kiso::io::ReadBuf::new(other);
        fresh.put_slice(&[1, 2, 3, 4]);
        *buf = fresh;
        Poll::Ready(Ok(()))
    }
}

/// Turns each named `async fn` of the test file into two tests, one on a
/// current-thread runtime and one on a 2-worker multi-thread runtime, each
/// under [`with_timeout`]. (Declare the module with `#[macro_use] mod
/// support;`.)
#[allow(unused_macros)]
macro_rules! on_both_runtimes {
    ($($name:ident),* $(,)?) => {
        mod current_thread {
            $(
                #[test]
                fn $name() {
                    super::support::with_timeout(|| {
                        super::support::current_thread().block_on(super::$name())
                    });
                }
            )*
        }
        mod multi_thread {
            $(
                #[test]
                fn $name() {
                    super::support::with_timeout(|| super::support::multi(2).block_on(super::$name()));
                }
            )*
        }
    };
}
