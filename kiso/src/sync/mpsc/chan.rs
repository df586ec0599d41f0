//! The state shared by every handle of one channel.
//!
//! One lock guards the message queue, the capacity counter of bounded
//! channels, the FIFO queue of senders waiting for capacity, and the
//! receiver's waker. Every operation takes the lock once on its fast path
//! and wakes tasks only after releasing it. Strong and weak sender counts are
//! atomics so cloning and dropping handles stays cheap.

use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Mutex, MutexGuard};

/// Largest capacity a bounded channel may have.
pub(crate) const MAX_CAPACITY: usize = usize::MAX >> 3;

/// Wakers collected under the lock, woken after it is released. Holds one
/// waker inline, so the common case does not allocate.
#[derive(Default)]
pub(crate) struct WakeList {
    one: Option<Waker>,
    rest: Vec<Waker>,
}

impl WakeList {
    fn push(&mut self, waker: Waker) {
        if self.one.is_none() {
            self.one = Some(waker);
        } else {
            self.rest.push(waker);
        }
    }

    pub(crate) fn wake_all(self) {
        if let Some(w) = self.one {
            w.wake();
        }
        for w in self.rest {
            w.wake();
        }
    }
}

/// Outcome of a sender waiting for capacity, shared between the waiting
/// future and the channel.
const WAITING: usize = 0;
const GRANTED: usize = 1;
const CLOSED: usize = 2;

pub(crate) struct WaitNode {
    /// `WAITING`, `GRANTED` or `CLOSED`; written only under the channel lock.
    state: AtomicUsize,
}

struct WaitEntry {
    node: Arc<WaitNode>,
    /// Permits still missing.
    remaining: usize,
    /// Permits asked for.
    wanted: usize,
    waker: Waker,
}

pub(crate) struct Inner<T> {
    queue: VecDeque<T>,
    /// `Receiver::close` was called or the receiver was dropped.
    rx_closed: bool,
    /// The receiver was dropped: nothing will ever read the queue again.
    rx_dropped: bool,
    /// Every strong sender is gone.
    tx_closed: bool,
    /// Free capacity of a bounded channel (unused when unbounded).
    available: usize,
    /// Senders waiting for capacity, oldest first. The front entry collects
    /// released permits until it has all it asked for.
    waiters: VecDeque<WaitEntry>,
    rx_waker: Option<Waker>,
    /// Tasks waiting in `Sender::closed`, by ticket.
    closed_waiters: Vec<(u64, Waker)>,
    next_ticket: u64,
}

pub(crate) struct Chan<T> {
    inner: Mutex<Inner<T>>,
    /// `None` for an unbounded channel.
    bound: Option<usize>,
    tx_count: AtomicUsize,
    weak_count: AtomicUsize,
}

impl<T> Chan<T> {
    pub(crate) fn new(bound: Option<usize>) -> Arc<Chan<T>> {
        Arc::new(Chan {
            inner: Mutex::new(Inner {
                queue: VecDeque::new(),
                rx_closed: false,
                rx_dropped: false,
                tx_closed: false,
                available: bound.unwrap_or(0),
                waiters: VecDeque::new(),
                rx_waker: None,
                closed_waiters: Vec::new(),
                next_ticket: 0,
            }),
            bound,
            tx_count: AtomicUsize::new(1),
            weak_count: AtomicUsize::new(0),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner<T>> {
        crate::loom::lock(&self.inner)
    }

    pub(crate) fn max_capacity(&self) -> usize {
        self.bound.unwrap_or(usize::MAX)
    }

    /// All capacity is free: no message buffered or reserved. For an
    /// unbounded channel, no message is buffered.
    fn is_idle(&self, inner: &Inner<T>) -> bool {
        match self.bound {
            Some(b) => inner.available == b && inner.queue.is_empty(),
            None => inner.queue.is_empty(),
        }
    }

    /// Gives `n` permits back, to waiting senders first (oldest first).
    fn release_locked(&self, inner: &mut Inner<T>, mut n: usize, wakers: &mut WakeList) {
        if self.bound.is_none() || n == 0 {
            return;
        }
        while n > 0 {
            let Some(front) = inner.waiters.front_mut() else {
                break;
            };
            let take = front.remaining.min(n);
            front.remaining -= take;
            n -= take;
            if front.remaining == 0 {
                let entry = inner.waiters.pop_front().expect("front exists");
                entry.node.state.store(GRANTED, Ordering::Release);
                wakers.push(entry.waker);
            }
        }
        inner.available += n;
        if inner.rx_closed && self.is_idle(inner) {
            if let Some(w) = inner.rx_waker.take() {
                wakers.push(w);
            }
        }
    }

    /// Gives `n` reserved (unused) permits back.
    pub(crate) fn release(&self, n: usize) {
        let mut wakers = WakeList::default();
        {
            let mut inner = self.lock();
            self.release_locked(&mut inner, n, &mut wakers);
        }
        wakers.wake_all();
    }

    // ===== receiver side =====

    pub(crate) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let coop = std::task::ready!(crate::task::coop::poll_proceed(cx));
        let mut wakers = WakeList::default();
        let mut inner = self.lock();
        if let Some(value) = inner.queue.pop_front() {
            self.release_locked(&mut inner, 1, &mut wakers);
            drop(inner);
            wakers.wake_all();
            coop.made_progress();
            return Poll::Ready(Some(value));
        }
        if inner.tx_closed || (inner.rx_closed && self.is_idle(&inner)) {
            coop.made_progress();
            return Poll::Ready(None);
        }
        match &mut inner.rx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    pub(crate) fn poll_recv_many(
        &self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let coop = std::task::ready!(crate::task::coop::poll_proceed(cx));
        let mut wakers = WakeList::default();
        let mut inner = self.lock();
        if !inner.queue.is_empty() {
            let n = limit.min(inner.queue.len());
            buffer.reserve(n);
            buffer.extend(inner.queue.drain(..n));
            self.release_locked(&mut inner, n, &mut wakers);
            drop(inner);
            wakers.wake_all();
            coop.made_progress();
            return Poll::Ready(n);
        }
        if inner.tx_closed || (inner.rx_closed && self.is_idle(&inner)) {
            coop.made_progress();
            return Poll::Ready(0);
        }
        match &mut inner.rx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// `Ok(value)`, or `Err(true)` when disconnected, `Err(false)` when
    /// merely empty.
    pub(crate) fn try_recv(&self) -> Result<T, bool> {
        let mut wakers = WakeList::default();
        let mut inner = self.lock();
        if let Some(value) = inner.queue.pop_front() {
            self.release_locked(&mut inner, 1, &mut wakers);
            drop(inner);
            wakers.wake_all();
            return Ok(value);
        }
        Err(inner.tx_closed || (inner.rx_closed && self.is_idle(&inner)))
    }

    /// Stops new sends; fails every waiting sender.
    pub(crate) fn close_rx(&self) {
        let mut wakers = WakeList::default();
        {
            let mut inner = self.lock();
            self.close_locked(&mut inner, &mut wakers);
        }
        wakers.wake_all();
    }

    fn close_locked(&self, inner: &mut Inner<T>, wakers: &mut WakeList) {
        if inner.rx_closed {
            return;
        }
        inner.rx_closed = true;
        let mut returned = 0;
        for entry in std::mem::take(&mut inner.waiters) {
            returned += entry.wanted - entry.remaining;
            entry.node.state.store(CLOSED, Ordering::Release);
            wakers.push(entry.waker);
        }
        inner.available += returned;
        for (_, w) in inner.closed_waiters.drain(..) {
            wakers.push(w);
        }
    }

    /// The receiver is gone: close, then drop every buffered message
    /// (outside the lock, as a message's destructor may use the channel).
    pub(crate) fn drop_rx(&self) {
        let mut wakers = WakeList::default();
        let drained = {
            let mut inner = self.lock();
            self.close_locked(&mut inner, &mut wakers);
            inner.rx_dropped = true;
            let drained = std::mem::take(&mut inner.queue);
            self.release_locked(&mut inner, drained.len(), &mut wakers);
            drained
        };
        wakers.wake_all();
        drop(drained);
    }

    pub(crate) fn is_rx_closed(&self) -> bool {
        self.lock().rx_closed
    }

    /// Closed as the receiver sees it: closed by it, or every sender gone.
    pub(crate) fn is_closed_for_rx(&self) -> bool {
        let inner = self.lock();
        inner.rx_closed || inner.tx_closed
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().queue.len()
    }

    pub(crate) fn capacity(&self) -> usize {
        self.lock().available
    }

    // ===== sender side =====

    /// Pushes a message whose capacity is already reserved (or an unbounded
    /// message), waking the receiver.
    pub(crate) fn push_locked(&self, mut inner: MutexGuard<'_, Inner<T>>, value: T) {
        if inner.rx_dropped {
            // Nobody will read it: give the capacity back and drop the
            // message outside the lock.
            let mut wakers = WakeList::default();
            self.release_locked(&mut inner, 1, &mut wakers);
            drop(inner);
            wakers.wake_all();
            drop(value);
            return;
        }
        inner.queue.push_back(value);
        let waker = inner.rx_waker.take();
        drop(inner);
        if let Some(w) = waker {
            w.wake();
        }
    }

    pub(crate) fn push_reserved(&self, value: T) {
        let inner = self.lock();
        self.push_locked(inner, value);
    }

    /// Sends on an unbounded channel.
    pub(crate) fn send_unbounded(&self, value: T) -> Result<(), T> {
        let inner = self.lock();
        if inner.rx_closed {
            return Err(value);
        }
        self.push_locked(inner, value);
        Ok(())
    }

    /// Takes `n` permits without waiting. `Err(true)`: closed; `Err(false)`:
    /// not enough capacity.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), bool> {
        let mut inner = self.lock();
        self.try_acquire_locked(&mut inner, n)
    }

    fn try_acquire_locked(&self, inner: &mut Inner<T>, n: usize) -> Result<(), bool> {
        if inner.rx_closed {
            return Err(true);
        }
        if inner.waiters.is_empty() && inner.available >= n {
            inner.available -= n;
            Ok(())
        } else {
            Err(false)
        }
    }

    /// `try_send` in one critical section.
    pub(crate) fn try_send(&self, value: T) -> Result<(), (T, bool)> {
        let mut inner = self.lock();
        match self.try_acquire_locked(&mut inner, 1) {
            Ok(()) => {
                self.push_locked(inner, value);
                Ok(())
            }
            Err(closed) => Err((value, closed)),
        }
    }

    pub(crate) fn poll_closed(&self, cx: &mut Context<'_>, ticket: &mut Option<u64>) -> Poll<()> {
        let mut inner = self.lock();
        if inner.rx_closed {
            *ticket = None;
            return Poll::Ready(());
        }
        let id = match *ticket {
            Some(id) => id,
            None => {
                let id = inner.next_ticket;
                inner.next_ticket += 1;
                *ticket = Some(id);
                id
            }
        };
        if let Some(slot) = inner.closed_waiters.iter_mut().find(|(t, _)| *t == id) {
            if !slot.1.will_wake(cx.waker()) {
                slot.1 = cx.waker().clone();
            }
        } else {
            inner.closed_waiters.push((id, cx.waker().clone()));
        }
        Poll::Pending
    }

    pub(crate) fn cancel_closed(&self, ticket: u64) {
        let mut inner = self.lock();
        inner.closed_waiters.retain(|(t, _)| *t != ticket);
    }

    // ===== handle counts =====

    pub(crate) fn inc_tx(&self) {
        self.tx_count.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops one strong sender; the last one closes the channel for the
    /// receiver.
    pub(crate) fn dec_tx(&self) {
        if self.tx_count.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let waker = {
            let mut inner = self.lock();
            inner.tx_closed = true;
            inner.rx_waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Adds a strong sender if one still exists.
    pub(crate) fn try_upgrade(&self) -> bool {
        let mut n = self.tx_count.load(Ordering::Relaxed);
        loop {
            if n == 0 {
                return false;
            }
            match self
                .tx_count
                .compare_exchange_weak(n, n + 1, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(actual) => n = actual,
            }
        }
    }

    pub(crate) fn strong_count(&self) -> usize {
        self.tx_count.load(Ordering::Acquire)
    }

    pub(crate) fn inc_weak(&self) {
        self.weak_count.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn dec_weak(&self) {
        self.weak_count.fetch_sub(1, Ordering::Relaxed);
    }

    pub(crate) fn weak_count(&self) -> usize {
        self.weak_count.load(Ordering::Acquire)
    }
}

impl<T> std::fmt::Debug for Chan<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chan")
            .field("max_capacity", &self.bound)
            .field("tx_count", &self.tx_count.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// Waits for `n` permits of a bounded channel, first come first served.
/// Dropping it before completion gives back what it collected and leaves
/// the queue.
pub(crate) struct Acquire<'a, T> {
    chan: &'a Chan<T>,
    n: usize,
    node: Option<Arc<WaitNode>>,
    done: bool,
}

impl<'a, T> Acquire<'a, T> {
    pub(crate) fn new(chan: &'a Chan<T>, n: usize) -> Acquire<'a, T> {
        Acquire { chan, n, node: None, done: false }
    }

    /// Ready with `Ok(guard)` once the permits are held; the guard is the
    /// channel lock, so the caller can push in the same critical section.
    /// `Err(())` when the receiver has closed.
    pub(crate) fn poll_acquire(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<MutexGuard<'a, Inner<T>>, ()>> {
        let coop = std::task::ready!(crate::task::coop::poll_proceed(cx));
        let chan = self.chan;
        let mut inner = chan.lock();
        match &self.node {
            None => match chan.try_acquire_locked(&mut inner, self.n) {
                Ok(()) => {
                    self.done = true;
                    coop.made_progress();
                    Poll::Ready(Ok(inner))
                }
                Err(true) => {
                    self.done = true;
                    coop.made_progress();
                    Poll::Ready(Err(()))
                }
                Err(false) => {
                    // Collect what is free now, then queue for the rest.
                    let take = if inner.waiters.is_empty() {
                        inner.available.min(self.n)
                    } else {
                        0
                    };
                    inner.available -= take;
                    let node = Arc::new(WaitNode { state: AtomicUsize::new(WAITING) });
                    inner.waiters.push_back(WaitEntry {
                        node: node.clone(),
                        remaining: self.n - take,
                        wanted: self.n,
                        waker: cx.waker().clone(),
                    });
                    self.node = Some(node);
                    Poll::Pending
                }
            },
            Some(node) => match node.state.load(Ordering::Acquire) {
                GRANTED => {
                    self.done = true;
                    coop.made_progress();
                    Poll::Ready(Ok(inner))
                }
                CLOSED => {
                    self.done = true;
                    coop.made_progress();
                    Poll::Ready(Err(()))
                }
                _ => {
                    if let Some(e) = inner.waiters.iter_mut().find(|e| Arc::ptr_eq(&e.node, node)) {
                        if !e.waker.will_wake(cx.waker()) {
                            e.waker = cx.waker().clone();
                        }
                    }
                    Poll::Pending
                }
            },
        }
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let Some(node) = self.node.take() else {
            return;
        };
        let mut wakers = WakeList::default();
        {
            let mut inner = self.chan.lock();
            match node.state.load(Ordering::Acquire) {
                GRANTED => self.chan.release_locked(&mut inner, self.n, &mut wakers),
                CLOSED => {}
                _ => {
                    if let Some(pos) = inner.waiters.iter().position(|e| Arc::ptr_eq(&e.node, &node)) {
                        let entry = inner.waiters.remove(pos).expect("position is valid");
                        let held = entry.wanted - entry.remaining;
                        // Its place freed: the next waiter may now be served
                        // from what is available.
                        self.chan.release_locked(&mut inner, held, &mut wakers);
                        if pos == 0 && inner.available > 0 {
                            let avail = std::mem::take(&mut inner.available);
                            self.chan.release_locked(&mut inner, avail, &mut wakers);
                        }
                    }
                }
            }
        }
        wakers.wake_all();
    }
}
