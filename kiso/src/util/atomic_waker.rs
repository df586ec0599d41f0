//! A cell holding one task's waker, registered by one side and woken by any
//! number of others, without a lock.
//!
//! The state word has three bits:
//!
//! * `REGISTERING`: the (single) registering side owns the waker slot;
//! * `WAKING`: a waking side owns the slot, or a wake arrived while a
//!   registration was in progress;
//! * `HAS_WAKER`: the slot holds a waker nobody has taken yet.
//!
//! Whoever moves the word from "neither owner bit" to its own owner bit may
//! touch the slot until it clears that bit. A wake that finds a registration
//! in progress leaves `WAKING` set; the registration sees it when it tries to
//! release the slot, and wakes the waker it just stored itself. So a wake is
//! never lost: it either takes the stored waker, or the registration that
//! raced it delivers it.
//!
//! [`AtomicWaker::wake_if_registered`] checks `HAS_WAKER` with a plain load
//! first and returns at once when no waker is stored, so a sender that finds
//! the receiver busy (the common case under load) does not write the shared
//! line. That is sound because both sides put a sequentially consistent
//! fence between their write and their read: the registrant between
//! publishing `HAS_WAKER` and re-checking its condition, the waking side
//! between updating the condition and loading the state. Of two SC fences
//! one comes first, and the read after the later one sees the write before
//! the earlier one; so at least one side sees the other.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{fence, AtomicUsize, Ordering::*};
use std::fmt;
use std::task::Waker;

const REGISTERING: usize = 0b001;
const WAKING: usize = 0b010;
const HAS_WAKER: usize = 0b100;

/// One waker, registered by one task and woken from anywhere.
pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the waker slot is only accessed by the holder of `REGISTERING` or
// `WAKING` (acquired with an atomic read-modify-write, released with a
// Release update), so the `Option<Waker>` is never touched by two threads at
// once; `Waker` is `Send + Sync`.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(crate) fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(0),
            waker: UnsafeCell::new(None),
        }
    }

    /// Stores `waker` (unless an equivalent one is already stored), to be
    /// woken by the next wake.
    ///
    /// Only one thread may register at a time (callers hold `&mut` to the
    /// owning handle). After registering, the caller must check again the
    /// condition it waits for: a wake that came before the registration
    /// found nothing to wake. This method ends with a sequentially
    /// consistent fence, which [`wake_if_registered`](Self::wake_if_registered)
    /// relies on.
    pub(crate) fn register(&self, waker: &Waker) {
        let mut prev = self.state.load(Acquire);
        loop {
            if prev & WAKING != 0 {
                // A waker holds the slot right now: it may take the old
                // waker or find none. Either way it will not see this one,
                // so wake it here. The task will be polled again at once;
                // give the waking thread a moment to finish (under loom: let
                // it run).
                waker.wake_by_ref();
                crate::loom::spin_loop();
                return;
            }
            debug_assert_eq!(prev & REGISTERING, 0, "two tasks registered at once");
            match self
                .state
                .compare_exchange_weak(prev, prev | REGISTERING, Acquire, Acquire)
            {
                Ok(_) => break,
                Err(actual) => prev = actual,
            }
        }
        // SAFETY: we set REGISTERING while neither owner bit was set, so we
        // own the slot until we clear it; wakers only touch the slot after
        // setting WAKING while REGISTERING is clear.
        let old = self.waker.with_mut(|slot| unsafe {
            match &*slot {
                Some(w) if w.will_wake(waker) => None,
                _ => (*slot).replace(waker.clone()),
            }
        });
        // Release the slot, publishing the waker.
        let published = self
            .state
            .compare_exchange(
                prev | REGISTERING,
                (prev & !REGISTERING) | HAS_WAKER,
                AcqRel,
                Acquire,
            )
            .is_ok();
        if published {
            // Orders the publication before the caller's re-check (see the
            // module docs).
            fence(SeqCst);
        } else {
            // A wake arrived while we held the slot (it set WAKING and backed
            // off). Deliver it: take the waker back out and clear every bit.
            // SAFETY: REGISTERING is still set, so the slot is still ours.
            let taken = self.waker.with_mut(|slot| unsafe { (*slot).take() });
            // A swap, not a store: more wakes may have arrived since the
            // failed exchange, and acquiring from every one of them is what
            // makes their updates visible to the task's next poll.
            self.state.swap(0, AcqRel);
            if let Some(w) = taken {
                w.wake();
            }
        }
        drop(old);
    }

    /// Wakes the registered waker, if any, and removes it.
    pub(crate) fn wake(&self) {
        if let Some(w) = self.take() {
            w.wake();
        }
    }

    /// Like [`wake`](Self::wake), but returns without writing anything when
    /// no waker is registered.
    ///
    /// The caller must have written the condition the registrant waits for
    /// before calling: this method issues a sequentially consistent fence,
    /// then loads the state. Against the fence in `register`, either this
    /// load sees the registration, or the registrant's re-check sees the
    /// caller's write.
    pub(crate) fn wake_if_registered(&self) {
        fence(SeqCst);
        if self.state.load(Relaxed) & (HAS_WAKER | REGISTERING) == 0 {
            return;
        }
        self.wake();
    }

    /// Takes the registered waker out, if there is one.
    pub(crate) fn take(&self) -> Option<Waker> {
        let prev = self.state.fetch_or(WAKING, AcqRel);
        if prev & (REGISTERING | WAKING) != 0 {
            // Either the registrant owns the slot (it will see WAKING and
            // wake), or another waker does (it will wake).
            return None;
        }
        // SAFETY: we set WAKING while neither owner bit was set: the slot is
        // ours until we clear it.
        let w = self.waker.with_mut(|slot| unsafe { (*slot).take() });
        self.state.fetch_and(!(WAKING | HAS_WAKER), Release);
        w
    }
}

impl Drop for AtomicWaker {
    fn drop(&mut self) {
        // Nothing else can hold the slot: we have `&mut self`.
        self.waker.with_mut(|slot| {
            // SAFETY: exclusive access.
            unsafe { (*slot).take() }
        });
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AtomicWaker")
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::AtomicWaker;
    use crate::loom::sync::atomic::{
        AtomicUsize,
        Ordering::{Relaxed, SeqCst},
    };
    use crate::loom::sync::Arc;
    use loom::future::block_on;
    use loom::thread;
    use std::future::poll_fn;
    use std::task::Poll;

    /// A waiter that registers and re-checks never misses the one wake that
    /// follows the update of the condition, even when the waking side only
    /// loads the state (the fence pair is all that orders them).
    #[test]
    fn loom_atomic_waker_register_vs_wake() {
        loom::model(|| {
            let cell = Arc::new((AtomicWaker::new(), AtomicUsize::new(0)));
            let c2 = cell.clone();
            let t = thread::spawn(move || {
                c2.1.store(1, Relaxed);
                c2.0.wake_if_registered();
            });
            block_on(poll_fn(|cx| {
                cell.0.register(cx.waker());
                if cell.1.load(Relaxed) == 1 {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }));
            t.join().unwrap();
        });
    }

    /// Two wakers and a waiter that registers twice (a waiting loop).
    #[test]
    fn loom_atomic_waker_two_wakers() {
        loom::model(|| {
            let cell = Arc::new((AtomicWaker::new(), AtomicUsize::new(0)));
            let threads: Vec<_> = (0..2)
                .map(|_| {
                    let c = cell.clone();
                    thread::spawn(move || {
                        c.1.fetch_add(1, SeqCst);
                        c.0.wake();
                    })
                })
                .collect();
            block_on(poll_fn(|cx| {
                cell.0.register(cx.waker());
                if cell.1.load(SeqCst) == 2 {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }));
            for t in threads {
                t.join().unwrap();
            }
        });
    }
}
