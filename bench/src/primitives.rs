//! Small waker-based coordination primitives written for the benchmarks.
//!
//! The workloads may not use `tokio::sync` (kiso does not have it yet, and a benchmark of the
//! scheduler should not also measure a channel implementation), so tasks coordinate through
//! these two types. They depend on no runtime: both instantiations of every workload use the
//! same code, and the only runtime work they cause is the `Waker::wake` they call, which is
//! exactly the scheduler path the workloads want to exercise.
//!
//! - [`Latch`]: a countdown; tasks call [`Latch::count_down`], one waiter awaits
//!   [`Latch::wait`] until the count reaches zero.
//! - [`Baton`]: a one-direction hand-off slot; one side [`Baton::pass`]es, the other awaits
//!   [`Baton::take`]. Two batons make a ping-pong pair.
//! - [`wait_on_thread`]: runs one future to completion on the calling plain thread, parking
//!   it between polls, so a thread that is no part of any runtime can wait for a [`Latch`]
//!   without going through either runtime's `block_on`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

/// Stores `cx`'s waker into `slot` unless the stored one already wakes the same task.
fn store_waker(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(w) if w.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

/// A countdown latch with a single waiting task.
///
/// `count_down` is lock-free except for the last call, which takes the waker and wakes it.
pub struct Latch {
    remaining: AtomicUsize,
    waiter: Mutex<Option<Waker>>,
}

impl Latch {
    /// A latch that opens after `count` calls to [`Latch::count_down`].
    pub fn new(count: usize) -> Self {
        Latch {
            remaining: AtomicUsize::new(count),
            waiter: Mutex::new(None),
        }
    }

    /// Counts one event; the event that brings the count to zero wakes the waiter.
    pub fn count_down(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            let waker = self.waiter.lock().unwrap().take();
            if let Some(w) = waker {
                w.wake();
            }
        }
    }

    /// Whether the count has reached zero.
    pub fn is_open(&self) -> bool {
        self.remaining.load(Ordering::Acquire) == 0
    }

    /// Completes once the count has reached zero.
    pub fn wait(&self) -> LatchWait<'_> {
        LatchWait { latch: self }
    }
}

/// Future returned by [`Latch::wait`].
pub struct LatchWait<'a> {
    latch: &'a Latch,
}

impl Future for LatchWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.latch.is_open() {
            return Poll::Ready(());
        }
        // Register first, then check again: the last `count_down` decrements before it
        // takes the lock, so either it sees our waker or we see the zero.
        store_waker(&mut self.latch.waiter.lock().unwrap(), cx);
        if self.latch.is_open() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A one-direction hand-off: a flag ("the token is here") and the receiver's waker.
pub struct Baton {
    slot: Mutex<(bool, Option<Waker>)>,
}

impl Default for Baton {
    fn default() -> Self {
        Self::new()
    }
}

impl Baton {
    /// An empty baton (no token present).
    pub fn new() -> Self {
        Baton {
            slot: Mutex::new((false, None)),
        }
    }

    /// Puts the token in the slot and wakes the receiver if it is waiting.
    pub fn pass(&self) {
        let waker = {
            let mut slot = self.slot.lock().unwrap();
            slot.0 = true;
            slot.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Completes when the token is in the slot, and removes it.
    pub fn take(&self) -> BatonTake<'_> {
        BatonTake { baton: self }
    }
}

/// Future returned by [`Baton::take`].
pub struct BatonTake<'a> {
    baton: &'a Baton,
}

impl Future for BatonTake<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut slot = self.baton.slot.lock().unwrap();
        if slot.0 {
            slot.0 = false;
            Poll::Ready(())
        } else {
            store_waker(&mut slot.1, cx);
            Poll::Pending
        }
    }
}

/// Wakes a plain thread parked in [`wait_on_thread`].
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `fut` on the calling thread until it completes, parking the thread while it is
/// pending; its waker unparks the thread. The same code for both runtimes, so the cost of
/// the final cross-thread wake-up is the same for both.
pub fn wait_on_thread<F: Future>(fut: F) -> F::Output {
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        // A spurious or early unpark only costs another poll.
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct CountWakes(AtomicUsize);
    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn poll_once<F: Future + Unpin>(f: &mut F, counter: &Arc<CountWakes>) -> Poll<F::Output> {
        let waker = Waker::from(counter.clone());
        Pin::new(f).poll(&mut Context::from_waker(&waker))
    }

    #[test]
    fn latch_wakes_once_at_zero() {
        let wakes = Arc::new(CountWakes(AtomicUsize::new(0)));
        let latch = Latch::new(2);
        let mut wait = latch.wait();
        assert!(poll_once(&mut wait, &wakes).is_pending());
        latch.count_down();
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
        latch.count_down();
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        assert!(poll_once(&mut wait, &wakes).is_ready());
    }

    #[test]
    fn baton_hands_off_one_token() {
        let wakes = Arc::new(CountWakes(AtomicUsize::new(0)));
        let baton = Baton::new();
        let mut take = baton.take();
        assert!(poll_once(&mut take, &wakes).is_pending());
        baton.pass();
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        assert!(poll_once(&mut take, &wakes).is_ready());
        let mut again = baton.take();
        assert!(poll_once(&mut again, &wakes).is_pending());
    }

    #[test]
    fn wait_on_thread_wakes_from_another_thread() {
        let latch = Arc::new(Latch::new(3));
        let counter = latch.clone();
        let t = std::thread::spawn(move || {
            for _ in 0..3 {
                std::thread::sleep(std::time::Duration::from_millis(2));
                counter.count_down();
            }
        });
        wait_on_thread(latch.wait());
        assert!(latch.is_open());
        t.join().unwrap();
    }
}
