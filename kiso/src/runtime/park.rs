//! Parking a thread until it is unparked, and `block_on` for threads that do
//! not drive a scheduler.
//!
//! The parker is a three-state word (empty, parked, notified) plus a mutex and
//! condvar that are only touched when a thread really sleeps. Before sleeping,
//! a parker spins briefly: on the VMs kiso is measured on, waking a sleeping
//! thread costs tens of microseconds while a spinning one is reached in about
//! a hundred nanoseconds, and work often arrives within a few microseconds.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::{Condvar, Mutex};
use crate::task::coop;
use std::future::Future;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;
/// Asleep in the I/O driver (`epoll_wait`): woken through the driver's
/// waker rather than the condvar.
const PARKED_DRIVER: usize = 3;

/// What wakes a thread asleep in the I/O driver.
#[cfg(any(feature = "net", feature = "process", feature = "signal"))]
pub(crate) type DriverWaker = std::sync::Arc<mio::Waker>;
/// Without an I/O driver nothing sleeps in one.
#[cfg(not(any(feature = "net", feature = "process", feature = "signal")))]
pub(crate) type DriverWaker = std::convert::Infallible;

/// How many times a parker checks for a notification before it sleeps
/// (about 2 µs on the VMs kiso is measured on).
#[cfg(not(loom))]
pub(crate) const SPINS: u32 = 200;
#[cfg(loom)]
pub(crate) const SPINS: u32 = 0;

/// One step of a spin-wait: a pause, and every 256th step a yield to the OS
/// scheduler, so that a spinning thread gives its core to a runnable thread
/// (often the very one about to notify it) when the machine is loaded.
#[inline]
pub(crate) fn spin_step(i: u32) {
    if i % 256 == 255 {
        crate::loom::thread::yield_now();
    } else {
        crate::loom::spin_loop();
    }
}

#[derive(Debug)]
pub(crate) struct ParkInner {
    state: AtomicUsize,
    lock: Mutex<()>,
    cvar: Condvar,
    driver: Option<DriverWaker>,
}

impl ParkInner {
    pub(crate) fn new() -> ParkInner {
        ParkInner::with_driver(None)
    }

    /// A parker that may also sleep in the I/O driver whose waker this is.
    pub(crate) fn with_driver(driver: Option<DriverWaker>) -> ParkInner {
        ParkInner { state: AtomicUsize::new(EMPTY), lock: Mutex::new(()), cvar: Condvar::new(), driver }
    }

    /// Sleeps in the I/O driver: `turn` waits for OS events (no longer than
    /// the timeout given to it) and is woken early by [`ParkInner::unpark`].
    /// Returns at once if a notification is pending. (Callers spin first
    /// if they want to: see `runtime::drive::park`.)
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    pub(crate) fn park_in_driver(&self, timeout: Option<Duration>, turn: impl FnOnce(Option<Duration>)) {
        debug_assert!(self.driver.is_some(), "parker without a driver waker");
        if timeout == Some(Duration::ZERO) {
            self.try_consume();
            turn(timeout);
            return;
        }
        match self.state.compare_exchange(EMPTY, PARKED_DRIVER, Acquire, Acquire) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.store(EMPTY, Release);
                return;
            }
            Err(s) => panic!("inconsistent park state {s}"),
        }
        turn(timeout);
        // Leave the parked state, taking a notification if one came (its
        // driver wakeup, if it wrote one after we woke, shows up later as
        // an empty, harmless turn).
        self.state.swap(EMPTY, Acquire);
    }

    /// Takes a pending notification, if there is one, without blocking.
    pub(crate) fn try_consume(&self) -> bool {
        self.state.compare_exchange(NOTIFIED, EMPTY, Acquire, Relaxed).is_ok()
    }

    /// Blocks until `unpark` is called (or returns at once if it was called
    /// since the last `park`).
    pub(crate) fn park(&self) {
        self.park_inner(SPINS, None);
    }

    /// As `park`, spinning `spins` times before sleeping.
    pub(crate) fn park_spin(&self, spins: u32) {
        self.park_inner(spins, None);
    }

    /// As `park_spin`, returning after `timeout` at the latest.
    #[allow(dead_code)]
    pub(crate) fn park_spin_timeout(&self, spins: u32, timeout: Duration) {
        self.park_inner(spins, Some(timeout));
    }

    fn park_inner(&self, spins: u32, timeout: Option<Duration>) {
        if timeout == Some(Duration::ZERO) {
            self.try_consume();
            return;
        }
        for i in 0..spins {
            if self.try_consume() {
                return;
            }
            spin_step(i);
        }
        let mut guard = crate::loom::lock(&self.lock);
        match self.state.compare_exchange(EMPTY, PARKED, Acquire, Acquire) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.store(EMPTY, Release);
                return;
            }
            Err(s) => panic!("inconsistent park state {s}"),
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            guard = match deadline {
                None => self.cvar.wait(guard).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        // Timed out: leave the parked state, keeping a
                        // notification that raced with us.
                        self.state.swap(EMPTY, Acquire);
                        return;
                    }
                    self.cvar.wait_timeout(guard, d - now).unwrap_or_else(|e| e.into_inner()).0
                }
            };
            if self.try_consume() {
                return;
            }
        }
    }

    /// Wakes the parked thread, or makes its next `park` return at once.
    pub(crate) fn unpark(&self) {
        match self.state.swap(NOTIFIED, Release) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Take the lock so the notification cannot slip in between the
                // sleeper's state change and its wait.
                drop(crate::loom::lock(&self.lock));
                self.cvar.notify_one();
            }
            PARKED_DRIVER => self.wake_driver(),
            s => panic!("inconsistent park state {s}"),
        }
    }
}

impl ParkInner {
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    fn wake_driver(&self) {
        if let Some(w) = &self.driver {
            if let Err(e) = w.wake() {
                panic!("kiso: failed to wake the I/O driver: {e}");
            }
        }
    }

    #[cfg(not(any(feature = "net", feature = "process", feature = "signal")))]
    fn wake_driver(&self) {
        unreachable!("no I/O driver to sleep in")
    }
}

impl Wake for ParkInner {
    fn wake(self: std::sync::Arc<Self>) {
        self.unpark();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.unpark();
    }
}

/// Handle to wake a parked driver from any thread.
#[derive(Clone, Debug)]
pub(crate) struct Unparker(pub(crate) std::sync::Arc<ParkInner>);

impl Unparker {
    pub(crate) fn unpark(&self) {
        self.0.unpark();
    }
}

#[cfg(not(loom))]
std::thread_local! {
    static THREAD_PARKER: std::sync::Arc<ParkInner> = std::sync::Arc::new(ParkInner::new());
}

/// Blocks the current thread on `future`, parking between polls. Each poll
/// gets a fresh coop budget. Does not drive any scheduler.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    // Under loom, model threads share one OS thread: no thread-local parker.
    #[cfg(loom)]
    let parker = std::sync::Arc::new(ParkInner::new());
    #[cfg(not(loom))]
    let parker = THREAD_PARKER.with(|p| p.clone());
    let waker = Waker::from(parker.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = coop::budget(|| future.as_mut().poll(&mut cx)) {
            return out;
        }
        parker.park();
    }
}
