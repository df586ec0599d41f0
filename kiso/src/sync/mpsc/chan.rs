//! The state shared by every handle of one channel.
//!
//! * Messages go through the lock-free block queue of [`super::list`]:
//!   senders claim slots with one `fetch_add`, the receiver reads them in
//!   order.
//! * The receiver's waker sits in an [`AtomicWaker`]. A sender only writes
//!   it when the receiver waits, so a receiver that keeps up with its
//!   senders costs them no shared write beyond the queue itself. How a
//!   sender learns that the receiver waits depends on the channel:
//!   - bounded: after writing its message it checks the waker cell with a
//!     fence and a load (`AtomicWaker::wake_if_registered`);
//!   - unbounded: the receiver sets a flag in the queue's claim counter
//!     (`list::Tx::request_wake`), which a sender reads for free from its
//!     claim; the first sender to see it withdraws it and wakes the
//!     receiver. That saves the fence on every send (mpsc_unbounded: 0.63
//!     -> 0.53 of Tokio's time), but costs the receiver a write to the
//!     senders' line each time it waits, which a bounded channel that is
//!     often full pays too often (mpsc_bounded_full: 0.67 -> 0.71).
//! * Capacity: a bounded channel's is the batch semaphore (FIFO, so senders
//!   waiting for room are served in order); an unbounded channel's senders
//!   count their sends in one word, next to its closed bit, and the receiver
//!   compares that with its own count of messages taken, so it can tell when
//!   a closed channel has drained without writing the shared word.
//! * Fields the receiver alone uses (the read end of the queue and whether it
//!   closed the channel) live in an `UnsafeCell`, touched only through the
//!   receiver handle.
//!
//! The strong and weak sender counts are plain atomics. When the last strong
//! sender goes, `tx_closed` is set and the receiver woken; every send happened
//! before that, so a receiver that sees `tx_closed` and then an empty queue
//! knows the channel is finished.

use std::future::Future;

use std::task::{ready, Context, Poll, Waker};

use super::list::{self, Pop};
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use crate::loom::sync::Arc;
use super::capacity::Capacity;
use crate::sync::batch_semaphore::{self, TryAcquireError};
use crate::sync::Notify;
use crate::util::atomic_waker::AtomicWaker;
use crate::util::CachePadded;

/// Largest capacity a bounded channel may have.
pub(crate) const MAX_CAPACITY: usize = batch_semaphore::Semaphore::MAX_PERMITS;

/// The capacity accounting of a channel.
// Inline rather than boxed: it lives once per channel, inside the shared
// `Chan`, and the bounded variant is on every send's and receive's path.
#[allow(clippy::large_enum_variant)]
enum Sem {
    /// A bounded channel's free capacity.
    Bounded(Capacity),
    /// `sent << 1 | closed` of an unbounded channel: `sent` counts (modulo
    /// 2^(usize::BITS - 1)) the sends that got past the closed check. Only
    /// senders write it; the receiver counts what it took in
    /// `RxFields::received` and compares, so a receive costs no atomic
    /// write here.
    Unbounded(AtomicUsize),
}

const UNBOUNDED_CLOSED: usize = 1;
const UNBOUNDED_ONE: usize = 2;

impl Sem {
    fn close(&self) {
        match self {
            Sem::Bounded(cap) => cap.close(),
            Sem::Unbounded(word) => {
                word.fetch_or(UNBOUNDED_CLOSED, AcqRel);
            }
        }
    }

    fn is_closed(&self) -> bool {
        match self {
            Sem::Bounded(cap) => cap.is_closed(),
            Sem::Unbounded(word) => word.load(Acquire) & UNBOUNDED_CLOSED != 0,
        }
    }

    /// No message buffered and (bounded) no capacity reserved; `received`
    /// is the receiver's count of messages taken (unbounded only).
    fn is_idle(&self, received: usize) -> bool {
        match self {
            Sem::Bounded(cap) => cap.is_idle(),
            Sem::Unbounded(word) => (word.load(Acquire) >> 1).wrapping_sub(received) & (usize::MAX >> 1) == 0,
        }
    }

    /// The receiver took `n` messages: their capacity is free again
    /// (bounded; an unbounded channel's receiver only counts them).
    fn received(&self, n: usize) {
        if let Sem::Bounded(cap) = self {
            cap.received(n);
        }
    }
}

/// What the receiver alone touches.
struct RxFields<T> {
    list: list::Rx<T>,
    /// Messages taken, modulo 2^(usize::BITS - 1) (see `Sem::Unbounded`).
    received: usize,
    /// `Receiver::close` was called (or the receiver was dropped).
    rx_closed: bool,
}

pub(crate) struct Chan<T> {
    /// Senders' end of the queue, on its own cache line: every send writes it.
    tx: CachePadded<list::Tx<T>>,
    /// The receiver's waker, on its own line: senders read it on every send.
    rx_waker: CachePadded<AtomicWaker>,
    sem: Sem,
    tx_count: AtomicUsize,
    weak_count: AtomicUsize,
    /// Set once the last strong sender is gone.
    tx_closed: AtomicBool,
    /// Wakes `Sender::closed` futures when the receiver closes.
    notify_rx_closed: Notify,
    rx: UnsafeCell<RxFields<T>>,
}

// SAFETY: values of `T` move from senders to the receiver, so `T: Send` is
// needed and enough. The receiver's fields in the `UnsafeCell` are only
// accessed through the `Receiver` handle (one at a time: `&mut` for
// changes, `&` for reads while nothing changes them) or in `drop`; all other
// state is atomics, the semaphore and `Notify`, which are `Sync`.
unsafe impl<T: Send> Send for Chan<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Chan<T> {}

impl<T> Chan<T> {
    pub(crate) fn new(bound: Option<usize>) -> Arc<Chan<T>> {
        let (tx, rx) = list::channel();
        let sem = match bound {
            Some(bound) => Sem::Bounded(Capacity::new(bound)),
            None => Sem::Unbounded(AtomicUsize::new(0)),
        };
        Arc::new(Chan {
            tx: CachePadded(tx),
            rx_waker: CachePadded(AtomicWaker::new()),
            sem,
            tx_count: AtomicUsize::new(1),
            weak_count: AtomicUsize::new(0),
            tx_closed: AtomicBool::new(false),
            notify_rx_closed: Notify::new(),
            rx: UnsafeCell::new(RxFields { list: rx, received: 0, rx_closed: false }),
        })
    }

    pub(crate) fn max_capacity(&self) -> usize {
        match self.sem {
            Sem::Bounded(ref cap) => cap.bound(),
            Sem::Unbounded(_) => usize::MAX,
        }
    }

    // ===== receiver side =====
    //
    // Every method here is called only through the receiver handle.

    /// Runs `f` on the receiver's fields.
    ///
    /// # Safety
    ///
    /// Only the receiver handle calls this, through `&mut self` (or in its
    /// `Drop`), so no two calls overlap.
    unsafe fn rx_mut<R>(&self, f: impl FnOnce(&mut RxFields<T>) -> R) -> R {
        // SAFETY: exclusive per the caller's contract.
        self.rx.with_mut(|p| f(unsafe { &mut *p }))
    }

    /// Reads the receiver's fields.
    ///
    /// # Safety
    ///
    /// Only the receiver handle calls this, through `&self`: nothing changes
    /// the fields meanwhile, since that needs `&mut` to the handle.
    unsafe fn rx_ref<R>(&self, f: impl FnOnce(&RxFields<T>) -> R) -> R {
        // SAFETY: no concurrent writer per the caller's contract.
        self.rx.with(|p| f(unsafe { &*p }))
    }

    /// Accounts for `n` messages the receiver took.
    fn taken(&self, rx: &mut RxFields<T>, n: usize) {
        rx.received = rx.received.wrapping_add(n);
        self.sem.received(n);
    }

    /// One attempt to take a message. `Some(None)`: the channel is finished.
    fn try_pop(&self, rx: &mut RxFields<T>) -> Option<Option<T>> {
        match rx.list.pop(&self.tx) {
            Pop::Value(v) => {
                self.taken(rx, 1);
                Some(Some(v))
            }
            Pop::Busy => None,
            Pop::Empty => {
                if self.tx_closed.load(Acquire) {
                    // Every send happened before `tx_closed` was set: look
                    // once more, then the channel is finished.
                    return Some(match rx.list.pop(&self.tx) {
                        Pop::Value(v) => {
                            self.taken(rx, 1);
                            Some(v)
                        }
                        _ => None,
                    });
                }
                if rx.rx_closed && self.sem.is_idle(rx.received) {
                    return Some(None);
                }
                None
            }
        }
    }

    /// # Safety
    ///
    /// Receiver only, through `&mut` (see [`Chan::rx_mut`]).
    pub(crate) unsafe fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        // SAFETY: per this method's contract.
        unsafe {
            self.rx_mut(|rx| {
                if let Some(out) = self.try_pop(rx) {
                    coop.made_progress();
                    return Poll::Ready(out);
                }
                let claimed = self.prepare_wait(cx.waker());
                if let Some(out) = self.try_pop(rx) {
                    coop.made_progress();
                    return Poll::Ready(out);
                }
                self.wait(rx, claimed, cx)
            })
        }
    }

    /// Registers the receiver's waker so that the next message wakes it.
    /// Returns, for an unbounded channel, the slots claimed before the wake
    /// request (for [`Chan::wait`]); 0 for a bounded one.
    fn prepare_wait(&self, waker: &Waker) -> usize {
        self.rx_waker.register(waker);
        match self.sem {
            Sem::Unbounded(_) => self.tx.request_wake(),
            Sem::Bounded(_) => 0,
        }
    }

    /// Ends a receive that found nothing after asking for a wake, when
    /// `claimed` slots had been claimed. A sender whose claim came before the
    /// request does not wake the receiver; if the message at the read
    /// position is such a one (it is being written right now), the receiver
    /// polls again soon instead of sleeping.
    fn wait<R>(&self, rx: &RxFields<T>, claimed: usize, cx: &mut Context<'_>) -> Poll<R> {
        if claimed > rx.list.index() {
            crate::task::coop::wake_to_yield(cx.waker());
            // Under loom, the model's executor polls again at once: let the
            // sender that is writing run first, as it would meanwhile.
            #[cfg(loom)]
            crate::loom::thread::yield_now();
        }
        Poll::Pending
    }

    /// Moves up to `limit` messages into `buffer`.
    ///
    /// # Safety
    ///
    /// Receiver only, through `&mut` (see [`Chan::rx_mut`]).
    pub(crate) unsafe fn poll_recv_many(
        &self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        // SAFETY: per this method's contract.
        unsafe {
            self.rx_mut(|rx| {
                let mut claimed = 0;
                for attempt in 0..2 {
                    let mut n = 0;
                    while n < limit {
                        match rx.list.pop(&self.tx) {
                            Pop::Value(v) => {
                                buffer.push(v);
                                n += 1;
                            }
                            _ => break,
                        }
                    }
                    if n > 0 {
                        self.taken(rx, n);
                        coop.made_progress();
                        return Poll::Ready(n);
                    }
                    match self.try_pop(rx) {
                        Some(Some(v)) => {
                            buffer.push(v);
                            coop.made_progress();
                            return Poll::Ready(1);
                        }
                        Some(None) => {
                            coop.made_progress();
                            return Poll::Ready(0);
                        }
                        None => {}
                    }
                    if attempt == 0 {
                        claimed = self.prepare_wait(cx.waker());
                    }
                }
                self.wait(rx, claimed, cx)
            })
        }
    }

    /// `Ok(value)`, or `Err(true)` when disconnected, `Err(false)` when
    /// merely empty.
    ///
    /// # Safety
    ///
    /// Receiver only, through `&mut` (see [`Chan::rx_mut`]).
    pub(crate) unsafe fn try_recv(&self) -> Result<T, bool> {
        // SAFETY: per this method's contract.
        unsafe {
            self.rx_mut(|rx| loop {
                match rx.list.pop(&self.tx) {
                    Pop::Value(v) => {
                        self.taken(rx, 1);
                        return Ok(v);
                    }
                    // A sender claimed the next slot and is writing it right
                    // now: the message exists, so wait the moment it takes.
                    Pop::Busy => crate::loom::thread::yield_now(),
                    Pop::Empty => {
                        return match self.try_pop(rx) {
                            Some(Some(v)) => Ok(v),
                            Some(None) => Err(true),
                            None => Err(false),
                        }
                    }
                }
            })
        }
    }

    /// Stops new sends, fails every sender waiting for capacity and wakes
    /// `Sender::closed`. Buffered messages can still be received.
    ///
    /// # Safety
    ///
    /// Receiver only, through `&mut` (see [`Chan::rx_mut`]).
    pub(crate) unsafe fn close_rx(&self) {
        // SAFETY: per this method's contract.
        let first = unsafe { self.rx_mut(|rx| !std::mem::replace(&mut rx.rx_closed, true)) };
        if first {
            self.sem.close();
            self.notify_rx_closed.notify_waiters();
        }
    }

    /// The receiver is going away: close, then drop every buffered message.
    /// Messages a sender is writing right now are dropped with the channel.
    ///
    /// # Safety
    ///
    /// Called once, from the receiver's `Drop`.
    pub(crate) unsafe fn drop_rx(&self) {
        // SAFETY: per this method's contract.
        unsafe {
            self.close_rx();
            self.rx_mut(|rx| {
                // Give the capacity back even if a destructor panics.
                struct Received<'a>(&'a Sem, usize);
                impl Drop for Received<'_> {
                    fn drop(&mut self) {
                        self.0.received(self.1);
                    }
                }
                let mut received = Received(&self.sem, 0);
                while let Pop::Value(v) = rx.list.pop(&self.tx) {
                    received.1 += 1;
                    drop(v);
                }
            });
        }
    }

    /// Closed as the receiver sees it: closed by it, or every sender gone.
    ///
    /// # Safety
    ///
    /// Receiver only (see [`Chan::rx_ref`]).
    pub(crate) unsafe fn is_closed_for_rx(&self) -> bool {
        // SAFETY: per this method's contract.
        unsafe { self.rx_ref(|rx| rx.rx_closed) || self.tx_closed.load(Acquire) }
    }

    /// Messages in the channel (claimed slots not yet received).
    ///
    /// # Safety
    ///
    /// Receiver only (see [`Chan::rx_ref`]).
    pub(crate) unsafe fn len(&self) -> usize {
        // SAFETY: per this method's contract.
        unsafe { self.rx_ref(|rx| rx.list.len(&self.tx)) }
    }

    /// # Safety
    ///
    /// Receiver only (see [`Chan::rx_ref`]).
    pub(crate) unsafe fn is_empty(&self) -> bool {
        // SAFETY: per this method's contract.
        unsafe { self.rx_ref(|rx| rx.list.is_empty(&self.tx)) }
    }

    /// Free capacity of a bounded channel.
    pub(crate) fn capacity(&self) -> usize {
        match &self.sem {
            Sem::Bounded(cap) => cap.available(),
            Sem::Unbounded(_) => usize::MAX,
        }
    }

    // ===== sender side =====

    /// Pushes a message whose capacity is already reserved (or an unbounded
    /// message), waking the receiver.
    pub(crate) fn push_reserved(&self, value: T) {
        let requested = self.tx.push(value);
        match self.sem {
            Sem::Unbounded(_) => {
                if requested {
                    // The receiver asked to be woken. Withdrawing the request
                    // before waking is safe: a request it makes meanwhile
                    // comes after it registered its waker, which this wake
                    // then finds.
                    self.tx.clear_wake_request();
                    self.rx_waker.wake();
                }
            }
            Sem::Bounded(_) => self.rx_waker.wake_if_registered(),
        }
    }

    /// Gives `n` reserved (unused) permits back.
    pub(crate) fn release(&self, n: usize) {
        if let Sem::Bounded(cap) = &self.sem {
            cap.release(n);
            // A closed channel whose last reservation is returned is
            // finished: the receiver may be waiting for that.
            if cap.is_closed() && cap.is_idle() {
                self.rx_waker.wake();
            }
        }
    }

    /// Sends on an unbounded channel.
    pub(crate) fn send_unbounded(&self, value: T) -> Result<(), T> {
        let Sem::Unbounded(word) = &self.sem else {
            unreachable!("send_unbounded on a bounded channel");
        };
        // One read-modify-write both counts the send and reads the closed
        // bit. (The count wraps; it can, since no more messages than fit in
        // memory are ever buffered.)
        if word.fetch_add(UNBOUNDED_ONE, AcqRel) & UNBOUNDED_CLOSED != 0 {
            // Closed: take the count back. A receiver that saw it waits for
            // this message; wake it to see that there is none.
            word.fetch_sub(UNBOUNDED_ONE, AcqRel);
            self.rx_waker.wake();
            return Err(value);
        }
        self.push_reserved(value);
        Ok(())
    }

    /// Waits for `n` permits of a bounded channel, first come first served.
    /// `Err(())` once the receiver has closed.
    pub(crate) fn acquire(&self, n: usize) -> impl Future<Output = Result<(), ()>> + '_ {
        let Sem::Bounded(cap) = &self.sem else {
            unreachable!("acquire on an unbounded channel");
        };
        cap.acquire(n)
    }

    /// Takes `n` permits without waiting. `Err(true)`: closed; `Err(false)`:
    /// not enough capacity.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), bool> {
        let Sem::Bounded(cap) = &self.sem else {
            unreachable!("try_acquire on an unbounded channel");
        };
        match cap.try_acquire(n) {
            Ok(()) => Ok(()),
            Err(TryAcquireError::Closed) => Err(true),
            Err(TryAcquireError::NoPermits) => Err(false),
        }
    }

    /// `try_send` on a bounded channel.
    pub(crate) fn try_send(&self, value: T) -> Result<(), (T, bool)> {
        match self.try_acquire(1) {
            Ok(()) => {
                self.push_reserved(value);
                Ok(())
            }
            Err(closed) => Err((value, closed)),
        }
    }

    /// Whether the receiver closed the channel (or is gone).
    pub(crate) fn is_rx_closed(&self) -> bool {
        self.sem.is_closed()
    }

    /// Completes once the receiver closed the channel (or is gone).
    pub(crate) async fn closed(&self) {
        if self.sem.is_closed() {
            return;
        }
        let mut notified = std::pin::pin!(self.notify_rx_closed.notified());
        notified.as_mut().enable();
        // `close_rx` closes the semaphore before notifying: if the close
        // came after the check above, either this check sees it or the
        // enabled `notified` is woken.
        if self.sem.is_closed() {
            return;
        }
        notified.await;
    }

    // ===== handle counts =====

    pub(crate) fn inc_tx(&self) {
        self.tx_count.fetch_add(1, Relaxed);
    }

    /// Drops one strong sender; the last one closes the channel for the
    /// receiver.
    pub(crate) fn dec_tx(&self) {
        if self.tx_count.fetch_sub(1, AcqRel) != 1 {
            return;
        }
        self.tx_closed.store(true, Release);
        self.rx_waker.wake();
    }

    /// Adds a strong sender if one still exists.
    pub(crate) fn try_upgrade(&self) -> bool {
        let mut n = self.tx_count.load(Relaxed);
        loop {
            if n == 0 {
                return false;
            }
            match self.tx_count.compare_exchange_weak(n, n + 1, AcqRel, Relaxed) {
                Ok(_) => return true,
                Err(actual) => n = actual,
            }
        }
    }

    pub(crate) fn strong_count(&self) -> usize {
        self.tx_count.load(Acquire)
    }

    pub(crate) fn inc_weak(&self) {
        self.weak_count.fetch_add(1, Relaxed);
    }

    pub(crate) fn dec_weak(&self) {
        self.weak_count.fetch_sub(1, Relaxed);
    }

    pub(crate) fn weak_count(&self) -> usize {
        self.weak_count.load(Acquire)
    }
}

impl<T> Drop for Chan<T> {
    fn drop(&mut self) {
        let tx = &*self.tx;
        self.rx.with_mut(|p| {
            // SAFETY: the last handle is gone (this is the `Arc`'s drop), so
            // nothing else can touch the queue.
            unsafe { (*p).list.free_all(tx) }
        });
    }
}

impl<T> std::fmt::Debug for Chan<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bound = match self.sem {
            Sem::Bounded(ref cap) => Some(cap.bound()),
            Sem::Unbounded(_) => None,
        };
        f.debug_struct("Chan")
            .field("max_capacity", &bound)
            .field("tx_count", &self.tx_count.load(Relaxed))
            .finish_non_exhaustive()
    }
}
