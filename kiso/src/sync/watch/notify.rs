//! A small broadcast-style wake-up list used by the watch channel: a
//! `Notified` catches every `notify_waiters` call made after it was created,
//! even before it is first polled.

use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{Acquire, SeqCst};
use crate::loom::sync::Mutex;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

#[derive(Debug)]
pub(in crate::sync) struct WaitList {
    /// Bumped (under the lock) by every `notify_waiters`.
    generation: AtomicUsize,
    inner: Mutex<Waiters>,
}

#[derive(Debug, Default)]
struct Waiters {
    next_key: usize,
    wakers: HashMap<usize, Waker>,
}

impl WaitList {
    pub(in crate::sync) fn new() -> WaitList {
        WaitList {
            generation: AtomicUsize::new(0),
            inner: Mutex::new(Waiters::default()),
        }
    }

    /// A future completing at the next `notify_waiters` after this call.
    pub(in crate::sync) fn notified(&self) -> Notified<'_> {
        Notified {
            list: self,
            generation: self.generation.load(SeqCst),
            key: None,
        }
    }

    /// Wakes every waiter registered so far and completes every `Notified`
    /// created before this call.
    pub(in crate::sync) fn notify_waiters(&self) {
        let wakers = {
            let mut g = crate::loom::lock(&self.inner);
            self.generation.fetch_add(1, SeqCst);
            std::mem::take(&mut g.wakers)
        };
        for (_, w) in wakers {
            w.wake();
        }
    }
}

pub(in crate::sync) struct Notified<'a> {
    list: &'a WaitList,
    generation: usize,
    key: Option<usize>,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.list.generation.load(Acquire) != this.generation {
            this.key = None;
            return Poll::Ready(());
        }
        let mut g = crate::loom::lock(&this.list.inner);
        if this.list.generation.load(Acquire) != this.generation {
            this.key = None;
            return Poll::Ready(());
        }
        let key = match this.key {
            Some(k) => k,
            None => {
                let k = g.next_key;
                g.next_key = g.next_key.wrapping_add(1);
                this.key = Some(k);
                k
            }
        };
        match g.wakers.get_mut(&key) {
            Some(w) if w.will_wake(cx.waker()) => {}
            Some(w) => w.clone_from(cx.waker()),
            None => {
                g.wakers.insert(key, cx.waker().clone());
            }
        }
        Poll::Pending
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let removed = crate::loom::lock(&self.list.inner).wakers.remove(&key);
            drop(removed);
        }
    }
}
