//! `Notify`: wake one task or every task waiting on an event.
//!
//! State lives in one atomic word: the low two bits say whether the `Notify`
//! is idle (`EMPTY`), holds a stored permit (`NOTIFIED`) or has tasks queued
//! (`WAITING`); the remaining bits count calls to `notify_waiters`. The
//! waiting futures own their queue nodes (pinned inside them) and link them
//! into an intrusive doubly linked list guarded by a mutex. The links of a
//! node are only touched with that mutex held, or once the node has left the
//! list (then only its owning future touches it). Its waker slot has a small
//! lock of its own (`Waiter::slot`), so that a queued future polled again
//! (typically right after `enable`, with its first waker) can store its
//! waker without taking the mutex that every waiter and notifier contends
//! for.
//!
//! Invariants: the state leaves `WAITING` only with the mutex held; the call
//! counter changes only with the mutex held; the state is `WAITING` exactly
//! when the list is non-empty.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release as RelOrd, SeqCst};
use crate::loom::sync::{Mutex, MutexGuard};
use std::sync::Arc;

use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

#[cfg(all(test, loom))]
mod loom_tests;

const EMPTY: usize = 0;
const WAITING: usize = 1;
const NOTIFIED: usize = 2;
const STATE_BITS: usize = 0b11;
const CALL_UNIT: usize = 0b100;

fn state_of(word: usize) -> usize {
    word & STATE_BITS
}

fn calls_of(word: usize) -> usize {
    word & !STATE_BITS
}

fn with_state(word: usize, state: usize) -> usize {
    calls_of(word) | state
}

/// How a queued waiter was released.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
enum Release {
    /// Still queued.
    No,
    /// By `notify_one` (oldest first).
    One,
    /// By `notify_last` (newest first).
    Last,
    /// By `notify_waiters`.
    All,
}

impl Release {
    fn from_usize(v: usize) -> Release {
        match v {
            0 => Release::No,
            1 => Release::One,
            2 => Release::Last,
            _ => Release::All,
        }
    }
}

/// Wakers `notify_waiters` collects before it unlocks the mutex and wakes
/// them (small under loom so that the models go through several batches).
const WAKE_BATCH: usize = if cfg!(loom) { 1 } else { 32 };

/// Which end of the queue a single notification goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Oldest,
    Newest,
}

/// The part of a queue node that is guarded by the `Notify`'s mutex.
struct Node {
    prev: Option<NonNull<Waiter>>,
    next: Option<NonNull<Waiter>>,
}

/// `Waiter::slot`: the owning future is writing the waker.
const SLOT_REGISTERING: usize = 0b01;
/// `Waiter::slot`: a notifier released the waiter. The slot is the
/// notifier's from then on (it takes the waker unless the owner was
/// registering), and the owner never writes it again.
const SLOT_CLOSED: usize = 0b10;

/// A queue node, embedded in (and pinned with) a `Notified`/`OwnedNotified`.
struct Waiter {
    node: UnsafeCell<Node>,
    /// The waker to wake on release. Written by the owner before the node is
    /// queued, or while it holds `SLOT_REGISTERING`; taken by the notifier
    /// that set `SLOT_CLOSED` while that bit was clear.
    waker: UnsafeCell<Option<Waker>>,
    /// `SLOT_REGISTERING | SLOT_CLOSED`.
    slot: AtomicUsize,
    /// A `Release` as `usize`. Only changed with the mutex held; a notifier
    /// stores it (`Release` ordering) as its very last access to the node,
    /// so an owner that loads a value other than `No` (`Acquire`) may finish
    /// or drop its future without taking the mutex.
    release: AtomicUsize,
    _pinned: PhantomPinned,
}

impl Waiter {
    fn release(&self) -> Release {
        Release::from_usize(self.release.load(Acquire))
    }

    fn new() -> Waiter {
        Waiter {
            node: UnsafeCell::new(Node { prev: None, next: None }),
            waker: UnsafeCell::new(None),
            slot: AtomicUsize::new(0),
            release: AtomicUsize::new(Release::No as usize),
            _pinned: PhantomPinned,
        }
    }
}

/// Runs `f` on the guarded part of the node at `w`.
///
/// # Safety
///
/// `w` must point to a live `Waiter`, and the caller must either hold the
/// mutex of the `Notify` whose list holds it or own the node exclusively
/// (not linked, owning future). No other reference to the node may be live.
unsafe fn node<R>(w: NonNull<Waiter>, f: impl FnOnce(&mut Node) -> R) -> R {
    // SAFETY: per this function's contract the node is live and access to
    // it is exclusive for the duration of `f`.
    unsafe { w.as_ref().node.with_mut(|p| f(&mut *p)) }
}

/// Intrusive FIFO of waiters: pushed at the tail, the oldest is at the head.
struct List {
    head: Option<NonNull<Waiter>>,
    tail: Option<NonNull<Waiter>>,
}

// SAFETY: the list only holds pointers to nodes whose links are accessed with
// the owning mutex held, and whose waker slots (wakers are `Send + Sync`) are
// handed between owner and notifier through `Waiter::slot`.
unsafe impl Send for List {}

impl List {
    const fn new() -> List {
        List {
            head: None,
            tail: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// # Safety
    ///
    /// `w` is live, pinned, not in any list, and stays valid until removed.
    /// The caller holds the list's mutex.
    unsafe fn push_back(&mut self, w: NonNull<Waiter>) {
        let old_tail = self.tail;
        // SAFETY: `w` is live and we hold the mutex (caller's contract).
        unsafe {
            node(w, |n| {
                n.prev = old_tail;
                n.next = None;
            })
        };
        match old_tail {
            // SAFETY: nodes in the list are live; the mutex is held.
            Some(t) => unsafe { node(t, |n| n.next = Some(w)) },
            None => self.head = Some(w),
        }
        self.tail = Some(w);
    }

    /// # Safety
    ///
    /// `w` is in this list; the caller holds the list's mutex.
    unsafe fn remove(&mut self, w: NonNull<Waiter>) {
        // SAFETY: `w` is in the list, hence live; the mutex is held.
        let (prev, next) = unsafe {
            node(w, |n| {
                let links = (n.prev, n.next);
                n.prev = None;
                n.next = None;
                links
            })
        };
        match prev {
            // SAFETY: a neighbour in the list is live; the mutex is held.
            Some(p) => unsafe { node(p, |n| n.next = next) },
            None => self.head = next,
        }
        match next {
            // SAFETY: as above.
            Some(nx) => unsafe { node(nx, |n| n.prev = prev) },
            None => self.tail = prev,
        }
    }

    /// # Safety
    ///
    /// The caller holds the list's mutex.
    unsafe fn pop(&mut self, end: End) -> Option<NonNull<Waiter>> {
        let w = match end {
            End::Oldest => self.head?,
            End::Newest => self.tail?,
        };
        // SAFETY: `w` is in this list and the mutex is held.
        unsafe { self.remove(w) };
        Some(w)
    }

    /// Moves every node of this non-empty list into a circular list closed
    /// by `sentinel`, leaving this list empty.
    ///
    /// In the circular list no node has a `None` link, so `remove` (which a
    /// dropped future calls on the `Notify`'s list) only relinks neighbours
    /// and never touches this list's `head`/`tail`.
    ///
    /// # Safety
    ///
    /// The mutex is held, the list is non-empty, and `sentinel` is live, not
    /// linked anywhere, and stays put until the circular list is empty again.
    unsafe fn detach_into(&mut self, sentinel: NonNull<Waiter>) {
        let (head, tail) = (self.head.take(), self.tail.take());
        // SAFETY: caller's contract: all three nodes are live, the mutex is held.
        unsafe {
            node(sentinel, |n| {
                n.next = head;
                n.prev = tail;
            });
            node(head.expect("detach an empty list"), |n| n.prev = Some(sentinel));
            node(tail.expect("detach an empty list"), |n| n.next = Some(sentinel));
        }
    }
}

/// Unlinks the first node of the circular list closed by `sentinel`.
///
/// # Safety
///
/// The mutex is held and `sentinel` closes a circular list made by
/// `detach_into` (its nodes are live).
unsafe fn pop_detached(sentinel: NonNull<Waiter>) -> Option<NonNull<Waiter>> {
    // SAFETY: caller's contract.
    unsafe {
        let first = node(sentinel, |n| n.next).expect("circular list link");
        if first == sentinel {
            return None;
        }
        let next = node(first, |n| {
            n.prev = None;
            n.next.take()
        })
        .expect("circular list link");
        node(sentinel, |n| n.next = Some(next));
        node(next, |n| n.prev = Some(sentinel));
        Some(first)
    }
}

/// Marks the unlinked node `w` as released and returns its waker. After
/// this the node must not be touched again: its owner may go away as soon
/// as it sees the release.
///
/// # Safety
///
/// The mutex is held and `w` is live and was just unlinked.
unsafe fn release_node(w: NonNull<Waiter>, release: Release) -> Option<Waker> {
    // SAFETY: caller's contract.
    let waiter = unsafe { w.as_ref() };
    // Closing the slot makes it ours, unless the owner is registering right
    // now: then it is inside a poll, sees the close when it finishes, and
    // completes without a wake (see `poll_waiter`).
    let waker = if waiter.slot.fetch_or(SLOT_CLOSED, AcqRel) & SLOT_REGISTERING == 0 {
        // SAFETY: closed while nobody registered: the owner no longer
        // writes the slot.
        waiter.waker.with_mut(|p| unsafe { (*p).take() })
    } else {
        None
    };
    waiter.release.store(release as usize, RelOrd);
    waker
}

/// The waiters one `notify_waiters` call still has to release. If waking
/// one of them panics, `Drop` releases the rest (without waking them) so
/// that no node is left pointing at the sentinel on the unwound stack.
struct Detached<'a> {
    notify: &'a Notify,
    sentinel: NonNull<Waiter>,
    finished: bool,
}

impl<'a> Detached<'a> {
    /// Releases every detached waiter, in batches of `WAKE_BATCH`, waking
    /// them with the mutex unlocked when `wake` is set.
    fn drain(&mut self, mut list: MutexGuard<'a, List>, wake: bool) {
        let mut wakers: [Option<Waker>; WAKE_BATCH] = Default::default();
        loop {
            let mut n = 0;
            let mut empty = false;
            while n < WAKE_BATCH {
                // SAFETY: the mutex is held and `sentinel` closes the list
                // (it lives in `notify_waiters`' frame, which outlives us).
                match unsafe { pop_detached(self.sentinel) } {
                    // SAFETY: `w` was just unlinked and the mutex is held.
                    Some(w) => wakers[n] = unsafe { release_node(w, Release::All) },
                    None => {
                        empty = true;
                        break;
                    }
                }
                n += 1;
            }
            if !empty {
                // SAFETY: as above.
                empty = unsafe { node(self.sentinel, |s| s.next == Some(self.sentinel)) };
            }
            if empty {
                self.finished = true;
            }
            drop(list);
            for slot in wakers.iter_mut().take(n) {
                if let Some(waker) = slot.take() {
                    if wake {
                        waker.wake();
                    }
                }
            }
            if empty {
                return;
            }
            list = crate::loom::lock(&self.notify.waiters);
        }
    }
}

impl Drop for Detached<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let list = crate::loom::lock(&self.notify.waiters);
            self.drain(list, false);
        }
    }
}

/// Notifies a single task to wake up, or every waiting task at once.
///
/// A `Notify` has no data of its own: it is a way for one task to tell
/// another "something happened, go and look". It is a building block for
/// other synchronization types.
///
/// A `Notify` holds at most one *permit*. [`notify_one`] gives the permit to
/// the task that has been waiting longest; if no task waits, the permit is
/// stored and the next call to [`notified().await`] completes at once,
/// consuming it. Calling `notify_one` several times while nobody waits still
/// stores only one permit. [`notify_last`] is the same but prefers the task
/// that started waiting most recently.
///
/// [`notify_waiters`] wakes every task whose [`Notified`] future was created
/// before the call, whether or not it was polled yet, and stores no permit.
///
/// `Notify` can be used on any executor.
///
/// [`notify_one`]: Notify::notify_one
/// [`notify_last`]: Notify::notify_last
/// [`notify_waiters`]: Notify::notify_waiters
/// [`notified().await`]: Notify::notified
///
/// # Examples
///
/// ```
/// use kiso::sync::Notify;
/// use std::sync::Arc;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let notify = Arc::new(Notify::new());
/// let waiter = notify.clone();
///
/// let handle = kiso::spawn(async move {
///     waiter.notified().await;
///     "woken"
/// });
///
/// notify.notify_one();
/// assert_eq!(handle.await.unwrap(), "woken");
/// # }
/// ```
pub struct Notify {
    state: AtomicUsize,
    waiters: Mutex<List>,
}

/// Future returned by [`Notify::notified()`].
///
/// It is fused: once it has completed, polling it again returns
/// `Poll::Ready(())` immediately.
///
/// # Examples
///
/// ```
/// use kiso::sync::futures::Notified;
/// use kiso::sync::Notify;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let notify = Notify::new();
/// let notified: Notified<'_> = notify.notified();
/// notify.notify_waiters();
/// notified.await;
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    progress: Progress,
    calls_at_creation: usize,
    waiter: Waiter,
}

/// Future returned by [`Notify::notified_owned()`].
///
/// It is fused: once it has completed, polling it again returns
/// `Poll::Ready(())` immediately.
///
/// # Examples
///
/// ```
/// use kiso::sync::futures::OwnedNotified;
/// use kiso::sync::Notify;
/// use std::sync::Arc;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let notify = Arc::new(Notify::new());
/// let notified: OwnedNotified = notify.clone().notified_owned();
/// notify.notify_one();
/// notified.await;
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct OwnedNotified {
    notify: Arc<Notify>,
    progress: Progress,
    calls_at_creation: usize,
    waiter: Waiter,
}

// SAFETY: the waiter node's links are only accessed with the `Notify`'s mutex
// held or through `&mut` to the future, and its waker slot as `Waiter::slot`
// rules; its waker is `Send + Sync`. Sharing `&Notified` gives no access to
// anything (there are no `&self` methods).
unsafe impl Send for Notified<'_> {}
// SAFETY: see above.
unsafe impl Sync for Notified<'_> {}
// SAFETY: see above; the `Arc<Notify>` is `Send + Sync`.
unsafe impl Send for OwnedNotified {}
// SAFETY: see above.
unsafe impl Sync for OwnedNotified {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Progress {
    /// Not yet registered.
    Init,
    /// Linked into the queue (or just released from it).
    Waiting,
    /// Completed.
    Done,
}

impl Notify {
    /// Creates a new `Notify` with no stored permit and nobody waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    ///
    /// let notify = Notify::new();
    /// # let _ = notify;
    /// ```
    pub fn new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(List::new()),
        }
    }

    /// Creates a new `Notify` in a `const` context, e.g. for a `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    ///
    /// static NOTIFY: Notify = Notify::const_new();
    /// NOTIFY.notify_one();
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(List::new()),
        }
    }

    /// Waits for a notification.
    ///
    /// Equivalent to `async fn notified(&self)`. If a permit was stored by an
    /// earlier [`notify_one()`], the returned future completes at once and
    /// consumes it; otherwise it waits for the next `notify_one()` (or
    /// `notify_last()`).
    ///
    /// The future only joins the queue for `notify_one()` when it is first
    /// polled or [`enable`]d. It receives [`notify_waiters()`] wake-ups from
    /// the moment it is created, even if it was never polled.
    ///
    /// [`notify_one()`]: Notify::notify_one
    /// [`notify_waiters()`]: Notify::notify_waiters
    /// [`enable`]: Notified::enable
    ///
    /// # Cancel safety
    ///
    /// Waiters are served in the order they joined the queue. Cancelling a
    /// call to `notified` gives up that place in the queue. A notification
    /// from `notify_one()` or `notify_last()` that was delivered to a future
    /// which is then dropped before completing is passed on to the next
    /// waiter (or stored as the permit), so it is not lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Arc::new(Notify::new());
    /// let notify2 = notify.clone();
    ///
    /// let task = kiso::spawn(async move {
    ///     notify2.notified().await;
    /// });
    ///
    /// notify.notify_one();
    /// task.await.unwrap();
    /// # }
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            progress: Progress::Init,
            calls_at_creation: calls_of(self.state.load(SeqCst)),
            waiter: Waiter::new(),
        }
    }

    /// Waits for a notification, owning a reference-counted handle to the
    /// `Notify` so that the future is `'static`.
    ///
    /// Behaves exactly like [`notified()`](Notify::notified) otherwise.
    ///
    /// # Cancel safety
    ///
    /// Waiters are served in the order they joined the queue. Cancelling a
    /// call to `notified_owned` gives up that place in the queue. A
    /// notification from `notify_one()` or `notify_last()` that was
    /// delivered to a future which is then dropped before completing is
    /// passed on to the next waiter (or stored as the permit).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Arc::new(Notify::new());
    /// let wait = notify.clone().notified_owned();
    ///
    /// let task = kiso::spawn(wait);
    /// notify.notify_one();
    /// task.await.unwrap();
    /// # }
    /// ```
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        let calls_at_creation = calls_of(self.state.load(SeqCst));
        OwnedNotified {
            notify: self,
            progress: Progress::Init,
            calls_at_creation,
            waiter: Waiter::new(),
        }
    }

    /// Notifies the task that has been waiting longest.
    ///
    /// If no task is waiting, a permit is stored (if there is not one
    /// already) and the next call to [`notified().await`](Notify::notified)
    /// completes immediately.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Notify::new();
    /// notify.notify_one();
    /// // The permit was stored, so this does not wait.
    /// notify.notified().await;
    /// # }
    /// ```
    pub fn notify_one(&self) {
        self.notify_single(End::Oldest);
    }

    /// Notifies the task that started waiting most recently.
    ///
    /// If no task is waiting, a permit is stored exactly as by
    /// [`notify_one()`](Notify::notify_one).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Notify::new();
    /// notify.notify_last();
    /// notify.notified().await;
    /// # }
    /// ```
    pub fn notify_last(&self) {
        self.notify_single(End::Newest);
    }

    /// Notifies every task currently waiting.
    ///
    /// Every [`Notified`] future created before this call is woken (or
    /// completes on its first poll), whether it was polled yet or not.
    /// Futures created after the call are not affected. No permit is stored,
    /// and an already stored permit is left as it is.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Arc::new(Notify::new());
    /// let a = notify.notified();
    /// let b = notify.notified();
    /// notify.notify_waiters();
    /// a.await;
    /// b.await;
    /// # }
    /// ```
    pub fn notify_waiters(&self) {
        // Nobody queued: only the call counter changes, without the mutex.
        // The CAS only succeeds on a word that is not `WAITING`, and a
        // waiter that is about to queue moves the word to `WAITING` with a
        // CAS of its own (which then fails and makes it see the new count),
        // so no queued waiter can miss this call. While the word is
        // `WAITING` only mutex holders change it: take the mutex then.
        let mut word = self.state.load(SeqCst);
        while state_of(word) != WAITING {
            match self.state.compare_exchange(
                word,
                word.wrapping_add(CALL_UNIT),
                SeqCst,
                SeqCst,
            ) {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
        let mut list = crate::loom::lock(&self.waiters);
        let word = self.state.load(SeqCst);
        if state_of(word) != WAITING {
            // Nobody queued: only bump the counter, which other threads may
            // race with on the state bits, hence `fetch_add`.
            self.state.fetch_add(CALL_UNIT, SeqCst);
            return;
        }
        // The waiters queued now are the ones this call wakes: move them
        // out of the queue (waiters queued from here on are not ours) and
        // release them in batches, unlocking the mutex to wake each batch.
        let sentinel = Waiter::new();
        let sentinel = NonNull::from(&sentinel);
        // SAFETY: the mutex is held, the queue is non-empty (`WAITING`), and
        // the sentinel lives on this frame until `pending` below has
        // emptied the circular list (also when unwinding: `Drop`).
        unsafe { list.detach_into(sentinel) };
        // `WAITING` is only left with the mutex held, so a plain store is fine.
        self.state
            .store(with_state(word.wrapping_add(CALL_UNIT), EMPTY), SeqCst);
        let mut pending = Detached {
            notify: self,
            sentinel,
            finished: false,
        };
        pending.drain(list, true);
    }

    fn notify_single(&self, end: End) {
        let mut word = self.state.load(SeqCst);
        while state_of(word) != WAITING {
            match self.state.compare_exchange(
                word,
                with_state(word, NOTIFIED),
                SeqCst,
                SeqCst,
            ) {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
        let mut list = crate::loom::lock(&self.waiters);
        let waker = self.release_one(&mut list, end);
        drop(list);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Hands one notification to a queued waiter, or stores the permit.
    /// Called with the mutex held.
    fn release_one(&self, list: &mut MutexGuard<'_, List>, end: End) -> Option<Waker> {
        let mut word = self.state.load(SeqCst);
        loop {
            if state_of(word) == WAITING {
                // SAFETY: the mutex is held.
                let w = unsafe { list.pop(end) }.expect("WAITING with an empty queue");
                let release = match end {
                    End::Oldest => Release::One,
                    End::Newest => Release::Last,
                };
                // SAFETY: `w` was just unlinked and the mutex is held.
                let waker = unsafe { release_node(w, release) };
                if list.is_empty() {
                    self.state.store(with_state(word, EMPTY), SeqCst);
                }
                return waker;
            }
            match self.state.compare_exchange(
                word,
                with_state(word, NOTIFIED),
                SeqCst,
                SeqCst,
            ) {
                Ok(_) => return None,
                Err(actual) => word = actual,
            }
        }
    }

    /// Tries to take the stored permit without locking.
    fn take_permit(&self) -> bool {
        let mut word = self.state.load(SeqCst);
        while state_of(word) == NOTIFIED {
            match self
                .state
                .compare_exchange(word, with_state(word, EMPTY), SeqCst, SeqCst)
            {
                Ok(_) => return true,
                Err(actual) => word = actual,
            }
        }
        false
    }

    /// Drives a `Notified`/`OwnedNotified`. `waker` is `None` for `enable`.
    fn poll_waiter(
        &self,
        progress: &mut Progress,
        calls_at_creation: usize,
        waiter: &Waiter,
        waker: Option<&Waker>,
    ) -> Poll<()> {
        let me = NonNull::from(waiter);
        match *progress {
            Progress::Done => Poll::Ready(()),
            Progress::Init => {
                if calls_of(self.state.load(SeqCst)) != calls_at_creation || self.take_permit() {
                    *progress = Progress::Done;
                    return Poll::Ready(());
                }
                // Cloned before anything changes, so a panicking clone
                // leaves the state untouched.
                let waker = waker.cloned();
                let mut list = crate::loom::lock(&self.waiters);
                let mut word = self.state.load(SeqCst);
                loop {
                    if calls_of(word) != calls_at_creation {
                        *progress = Progress::Done;
                        return Poll::Ready(());
                    }
                    let (next, done) = match state_of(word) {
                        NOTIFIED => (with_state(word, EMPTY), true),
                        EMPTY => (with_state(word, WAITING), false),
                        _ => break,
                    };
                    match self.state.compare_exchange(word, next, SeqCst, SeqCst) {
                        Ok(_) if done => {
                            *progress = Progress::Done;
                            return Poll::Ready(());
                        }
                        Ok(_) => break,
                        Err(actual) => word = actual,
                    }
                }
                // SAFETY: we own `waiter` exclusively (not linked yet).
                waiter.waker.with_mut(|p| unsafe { *p = waker });
                waiter.slot.store(0, Relaxed);
                waiter.release.store(Release::No as usize, Relaxed);
                // SAFETY: the waiter is pinned inside its future (we were
                // reached through `Pin<&mut _>`), is not linked, and the
                // future's `Drop` unlinks it before the memory goes away.
                // The mutex is held.
                unsafe { list.push_back(me) };
                *progress = Progress::Waiting;
                Poll::Pending
            }
            Progress::Waiting => {
                // Released already: the notifier is done with the node, so
                // there is no need for the mutex.
                if waiter.release() != Release::No {
                    *progress = Progress::Done;
                    return Poll::Ready(());
                }
                let Some(w) = waker else { return Poll::Pending };
                // Store the waker under the slot's own lock. If a notifier
                // closes the slot before or while we hold it, the waiter has
                // been released: the notifier is inside the mutex, and
                // storing `release` is its last step there, so taking the
                // mutex lets us see it.
                if waiter.slot.compare_exchange(0, SLOT_REGISTERING, Acquire, Acquire).is_ok() {
                    // SAFETY: `SLOT_REGISTERING` is ours: no notifier reads
                    // the slot until we clear it.
                    waiter.waker.with_mut(|p| match unsafe { &mut *p } {
                        Some(old) if old.will_wake(w) => {}
                        slot => *slot = Some(w.clone()),
                    });
                    if waiter.slot.compare_exchange(SLOT_REGISTERING, 0, AcqRel, Acquire).is_ok() {
                        // A notifier that releases us from now on takes
                        // this waker.
                        return Poll::Pending;
                    }
                }
                drop(crate::loom::lock(&self.waiters));
                debug_assert_ne!(waiter.release(), Release::No, "closed slot of an unreleased waiter");
                *progress = Progress::Done;
                Poll::Ready(())
            }
        }
    }

    /// Unlinks a dropped waiter, passing on a single notification it had
    /// received but not consumed.
    fn drop_waiter(&self, progress: Progress, waiter: &Waiter) {
        if progress != Progress::Waiting {
            return;
        }
        // Released by `notify_waiters`: nothing to unlink or pass on, and the
        // notifier no longer touches the node.
        if waiter.release() == Release::All {
            return;
        }
        let me = NonNull::from(waiter);
        let mut list = crate::loom::lock(&self.waiters);
        let waker = match waiter.release() {
            Release::No => {
                // SAFETY: still linked (nobody released it) and the mutex is held.
                unsafe { list.remove(me) };
                if list.is_empty() {
                    let word = self.state.load(SeqCst);
                    if state_of(word) == WAITING {
                        self.state.store(with_state(word, EMPTY), SeqCst);
                    }
                }
                None
            }
            Release::One => self.release_one(&mut list, End::Oldest),
            Release::Last => self.release_one(&mut list, End::Newest),
            Release::All => None,
        };
        drop(list);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.state.load(SeqCst);
        let state = match state_of(word) {
            EMPTY => "empty",
            WAITING => "waiting",
            _ => "notified",
        };
        f.debug_struct("Notify").field("state", &state).finish()
    }
}

impl UnwindSafe for Notify {}
impl RefUnwindSafe for Notify {}

impl Notified<'_> {
    /// Joins the queue for [`notify_one()`](Notify::notify_one) without
    /// waiting.
    ///
    /// A `Notified` is only eligible for `notify_one()` once it has been
    /// polled or enabled. Calling `enable` lets you register first, then check
    /// a condition, then await, without missing a notification in between.
    /// Calling it again (or after a poll) does nothing more.
    ///
    /// Returns `true` if the future has already been notified, in which case
    /// awaiting it completes at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Notify::new();
    /// let mut notified = std::pin::pin!(notify.notified());
    /// assert!(!notified.as_mut().enable());
    ///
    /// notify.notify_one(); // delivered to the enabled future
    /// notified.await;
    /// # }
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        self.poll_inner(None).is_ready()
    }

    fn poll_inner(self: Pin<&mut Self>, waker: Option<&Waker>) -> Poll<()> {
        // SAFETY: the waiter is never moved out of the future; the other
        // fields are `Unpin` and are only read or written in place.
        let me = unsafe { self.get_unchecked_mut() };
        me.notify
            .poll_waiter(&mut me.progress, me.calls_at_creation, &me.waiter, waker)
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_inner(Some(cx.waker()))
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        self.notify.drop_waiter(self.progress, &self.waiter);
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("notify", &self.notify)
            .field("state", &self.progress)
            .finish_non_exhaustive()
    }
}

impl OwnedNotified {
    /// Joins the queue for [`notify_one()`](Notify::notify_one) without
    /// waiting; see [`Notified::enable`].
    ///
    /// Returns `true` if the future has already been notified.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Notify;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Arc::new(Notify::new());
    /// let mut notified = Box::pin(notify.clone().notified_owned());
    /// assert!(!notified.as_mut().enable());
    /// notify.notify_one();
    /// assert!(notified.as_mut().enable());
    /// notified.await;
    /// # }
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        self.poll_inner(None).is_ready()
    }

    fn poll_inner(self: Pin<&mut Self>, waker: Option<&Waker>) -> Poll<()> {
        // SAFETY: the waiter is never moved out of the future; the other
        // fields are `Unpin` and are only read or written in place.
        let me = unsafe { self.get_unchecked_mut() };
        me.notify
            .poll_waiter(&mut me.progress, me.calls_at_creation, &me.waiter, waker)
    }
}

impl Future for OwnedNotified {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_inner(Some(cx.waker()))
    }
}

impl Drop for OwnedNotified {
    fn drop(&mut self) {
        self.notify.drop_waiter(self.progress, &self.waiter);
    }
}

impl fmt::Debug for OwnedNotified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedNotified")
            .field("notify", &*self.notify)
            .field("state", &self.progress)
            .finish_non_exhaustive()
    }
}
