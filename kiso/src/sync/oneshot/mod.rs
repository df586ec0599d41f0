//! A channel that carries a single value from one task to another.
//!
//! [`channel`] returns a [`Sender`] and a [`Receiver`]. The sender hands over
//! one value with [`Sender::send`]; the receiver is a future that resolves to
//! that value, or to [`RecvError`] if the sender went away
//! without sending.
//!
//! # Examples
//!
//! ```
//! use kiso::sync::oneshot;
//!
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, rx) = oneshot::channel();
//!
//! kiso::spawn(async move {
//!     tx.send(42u32).unwrap();
//! });
//!
//! assert_eq!(rx.await, Ok(42));
//! # }
//! ```
//!
//! Dropping the sender without sending closes the channel:
//!
//! ```
//! use kiso::sync::oneshot;
//!
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, rx) = oneshot::channel::<u32>();
//! drop(tx);
//! assert!(rx.await.is_err());
//! # }
//! ```

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use crate::loom::sync::atomic::{AtomicPtr, AtomicUsize};

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{ready, Context, Poll, RawWaker, RawWakerVTable, Waker};

#[cfg(not(loom))]
mod cache;
#[cfg(all(test, loom))]
mod loom_tests;
/// Errors returned by the oneshot channel.
pub mod error {
    use std::fmt;

    /// Error returned by awaiting a [`Receiver`](super::Receiver) or by
    /// [`Receiver::blocking_recv`](super::Receiver::blocking_recv): the
    /// sender was dropped without sending a value.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = oneshot::channel::<u8>();
    /// drop(tx);
    /// let err = rx.await.unwrap_err();
    /// assert_eq!(err.to_string(), "channel closed");
    /// # }
    /// ```
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub struct RecvError(pub(super) ());

    /// Error returned by [`Receiver::try_recv`](super::Receiver::try_recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub enum TryRecvError {
        /// No value has been sent yet, and the sender is still alive.
        Empty,
        /// The sender was dropped without sending, or the value was already
        /// taken, or the receiver was closed.
        Closed,
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use self::error::{RecvError, TryRecvError};

/// `rx_task` holds the receiver's waker (and owns it).
const RX_TASK_SET: usize = 0b00_0001;
/// The sender is done: it either stored a value or was dropped.
const VALUE_SENT: usize = 0b00_0010;
/// The receiver closed the channel or was dropped.
const CLOSED: usize = 0b00_0100;
/// The sender has stored a waker in `tx_task`.
const TX_TASK_SET: usize = 0b00_1000;
/// The sender handle is gone and will not touch the allocation again.
const TX_GONE: usize = 0b01_0000;
/// The receiver handle is gone (or finished) and will not touch the
/// allocation again. Always set together with `CLOSED`.
const RX_GONE: usize = 0b10_0000;
/// The rest of the word counts the receiver's registrations: each one adds
/// `RX_GEN_ONE`, so a state word seen before a registration never compares
/// equal to one after it (see `tx_done`).
const RX_GEN_ONE: usize = 0b100_0000;

/// Shared state of one channel: a single allocation, owned jointly by the
/// two handles. There is no separate reference count: `TX_GONE` and
/// `RX_GONE` in `state` are the two references, and whichever side sets the
/// second one (or sees the other one already set) frees the allocation.
///
/// Access rules for the cells, enforced through `state`:
/// * `value` is written only by the sender before it sets `VALUE_SENT`
///   (or taken back by it if `CLOSED` beat it), and read only by the
///   receiver after it observed `VALUE_SENT`.
/// * `rx_task` owns a waker exactly while `RX_TASK_SET` is set. The
///   receiver writes it only while the bit is clear; the sender reads it
///   before its completing update and takes it over (clearing the bit) with
///   that update.
/// * `tx_task` is written only by the sender while `TX_TASK_SET` is clear;
///   the receiver reads it (and wakes it by reference) only if its closing
///   update saw `TX_TASK_SET`.
/// * Whatever is left in the cells is dropped by the side that frees.
struct Inner<T> {
    state: AtomicUsize,
    value: UnsafeCell<Option<T>>,
    rx_task: WakerSlot,
    tx_task: UnsafeCell<Option<Waker>>,
}

/// A waker kept as its two raw words, in atomics, so that the sender may
/// read it while the receiver could be replacing it: the sender only uses
/// what it read if its completing update then succeeds on the very state
/// word it loaded before reading, which no registration leaves unchanged
/// (`RX_GEN_ONE`).
struct WakerSlot {
    data: AtomicPtr<()>,
    vtable: AtomicPtr<RawWakerVTable>,
}

impl WakerSlot {
    fn new() -> WakerSlot {
        WakerSlot {
            data: AtomicPtr::new(std::ptr::null_mut()),
            vtable: AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    /// Moves `waker` into the slot. The caller owns the slot (it is empty).
    fn put(&self, waker: Waker) {
        let waker = ManuallyDrop::new(waker);
        self.data.store(waker.data() as *mut (), Relaxed);
        self.vtable.store(waker.vtable() as *const RawWakerVTable as *mut RawWakerVTable, Relaxed);
    }

    /// Whether the slot's waker wakes the same task as `waker`.
    fn will_wake(&self, waker: &Waker) -> bool {
        std::ptr::eq(self.data.load(Relaxed), waker.data()) && std::ptr::eq(self.vtable.load(Relaxed), waker.vtable())
    }

    /// The slot's raw words, to be made a `Waker` by `into_waker` once the
    /// caller knows they are an owned waker.
    fn read(&self) -> (*const (), *const RawWakerVTable) {
        (self.data.load(Relaxed), self.vtable.load(Relaxed))
    }

    /// # Safety
    ///
    /// `raw` was read from a slot that owned a waker, and the caller took
    /// that ownership over.
    unsafe fn into_waker(raw: (*const (), *const RawWakerVTable)) -> Waker {
        // SAFETY: per the contract these are the parts of a live waker whose
        // reference is now ours; its vtable is `'static`.
        unsafe { Waker::from_raw(RawWaker::new(raw.0, &*raw.1)) }
    }
}

impl<T> Drop for Inner<T> {
    fn drop(&mut self) {
        if self.state.load(Acquire) & RX_TASK_SET != 0 {
            // SAFETY: the bit says the slot owns a waker; we are the last
            // user of the channel.
            drop(unsafe { WakerSlot::into_waker(self.rx_task.read()) });
        }
    }
}

// SAFETY: the cells are only touched following the protocol above, so the
// value moves from one thread to another (needs `T: Send`) but is never
// shared by reference between threads.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: see above; no `&T` is ever handed out from a shared `&Inner`.
unsafe impl<T: Send> Sync for Inner<T> {}

impl<T> Inner<T> {
    /// Whether the allocation is a block of the per-thread cache.
    #[cfg(not(loom))]
    const CACHED: bool = cache::fits(std::alloc::Layout::new::<Inner<T>>());
    #[cfg(loom)]
    const CACHED: bool = false;

    /// Allocates the shared state of a new channel.
    #[inline]
    fn alloc() -> NonNull<Inner<T>> {
        let inner = Inner {
            state: AtomicUsize::new(0),
            value: UnsafeCell::new(None),
            rx_task: WakerSlot::new(),
            tx_task: UnsafeCell::new(None),
        };
        #[cfg(not(loom))]
        if Self::CACHED {
            let block = cache::alloc_block().cast::<Inner<T>>();
            // SAFETY: the block is fresh, and large and aligned enough for
            // an `Inner<T>` (`CACHED`).
            unsafe { block.as_ptr().write(inner) };
            return block;
        }
        NonNull::from(Box::leak(Box::new(inner)))
    }

    /// Drops what is left in the cells and frees the allocation.
    ///
    /// # Safety
    ///
    /// The caller holds the last reference: the other side has set its
    /// `*_GONE` bit (and the caller synchronized with that update), or it
    /// set its own bit after the other one was set.
    unsafe fn free(ptr: NonNull<Inner<T>>) {
        if Self::CACHED {
            // SAFETY: per the contract nobody else can reach the allocation.
            unsafe { ptr.as_ptr().drop_in_place() };
            // SAFETY: `alloc` took it from the cache (`CACHED`); it is not
            // used again.
            #[cfg(not(loom))]
            unsafe {
                cache::free_block(ptr.cast())
            };
        } else {
            // SAFETY: per the contract nobody else can reach the allocation;
            // `alloc` made it with `Box::leak`.
            drop(unsafe { Box::from_raw(ptr.as_ptr()) });
        }
    }

    /// Gives up one side's reference. `seen` is a state value the caller
    /// loaded (with `Acquire`) or produced, `mine` that side's `*_GONE` bit
    /// (plus any bit to set with it) and `other` the other side's.
    ///
    /// # Safety
    ///
    /// The caller holds the reference of the side `mine` stands for and does
    /// not use `ptr` afterwards.
    #[inline]
    unsafe fn release(ptr: NonNull<Inner<T>>, seen: usize, mine: usize, other: usize) {
        if seen & other == 0 {
            // SAFETY: our reference keeps the allocation alive.
            let prev = unsafe { ptr.as_ref() }.state.fetch_or(mine, AcqRel);
            if prev & other == 0 {
                return;
            }
        }
        // SAFETY: the other side is gone for good and we synchronized with
        // its last update (Acquire), so ours is the last reference.
        unsafe { Self::free(ptr) };
    }

    /// The sender is done, with a value stored in `value` or without one
    /// (dropped). Returns what is in `value` if the receiver closed first.
    ///
    /// # Safety
    ///
    /// The caller is the sender; it gives up its reference.
    unsafe fn tx_done(ptr: NonNull<Inner<T>>) -> Option<T> {
        // SAFETY: the sender's reference keeps the allocation alive.
        let inner = unsafe { ptr.as_ref() };
        let mut cur = inner.state.load(Acquire);
        while cur & CLOSED == 0 {
            // Hand the value over and let go of the allocation in one update
            // (`RX_GONE` cannot be set while `CLOSED` is clear, so we are not
            // the last). If the receiver registered a waker, take it over in
            // the same update: read it first, and clear `RX_TASK_SET`. The
            // read may be stale or torn if the receiver is replacing the
            // waker right now, but then it changed the state word (clearing
            // the bit, later adding `RX_GEN_ONE`) and the update fails.
            let waker = (cur & RX_TASK_SET != 0).then(|| inner.rx_task.read());
            let next = (cur | VALUE_SENT | TX_GONE) & !RX_TASK_SET;
            match inner.state.compare_exchange_weak(cur, next, AcqRel, Acquire) {
                Ok(_) => {
                    if let Some(raw) = waker {
                        // SAFETY: the update succeeded on the word we loaded
                        // (Acquire) before reading, with `RX_TASK_SET` set:
                        // the slot held this waker all along, and clearing
                        // the bit made it ours. The allocation may already be
                        // gone; the waker does not live in it any more.
                        unsafe { WakerSlot::into_waker(raw) }.wake();
                    }
                    return None;
                }
                Err(actual) => cur = actual,
            }
        }
        // Closed first: the receiver never reads `value`, it is still ours.
        // SAFETY: `VALUE_SENT` is not set and will not be.
        let back = inner.value.with_mut(|p| unsafe { (*p).take() });
        // SAFETY: we are the sender; `ptr` is not used again.
        unsafe { Self::release(ptr, cur, TX_GONE, RX_GONE) };
        back
    }

    /// The receiver finished (took its result) or is dropped: gives up its
    /// reference. `seen` is the last state it loaded.
    ///
    /// # Safety
    ///
    /// The caller is the receiver, `seen` has `VALUE_SENT` or `CLOSED` set
    /// (so no wake-up of the sender is due), and `ptr` is not used again.
    unsafe fn rx_done(ptr: NonNull<Inner<T>>, seen: usize) {
        debug_assert!(seen & (VALUE_SENT | CLOSED) != 0);
        // SAFETY: per the contract.
        unsafe { Self::release(ptr, seen, RX_GONE | CLOSED, TX_GONE) };
    }

    /// Marks the receiver side closed; returns the previous state and wakes
    /// the sender's `closed` waiter if needed.
    fn close(&self) -> usize {
        let prev = self.state.fetch_or(CLOSED, AcqRel);
        if prev & TX_TASK_SET != 0 && prev & (VALUE_SENT | CLOSED) == 0 {
            // SAFETY: `TX_TASK_SET` was set, so the sender has finished
            // writing `tx_task` and will not write it again without first
            // clearing the bit, which it only does if `CLOSED` is clear.
            self.tx_task.with(|p| unsafe {
                if let Some(w) = &*p {
                    w.wake_by_ref();
                }
            });
        }
        prev
    }

    /// Takes the value out.
    ///
    /// # Safety
    ///
    /// The caller is the receiver and has observed `VALUE_SENT`.
    unsafe fn take_value(&self) -> Option<T> {
        // SAFETY: per the contract the sender no longer touches `value`.
        self.value.with_mut(|p| unsafe { (*p).take() })
    }

    /// Whether a value is present.
    ///
    /// # Safety
    ///
    /// Same as `take_value`.
    unsafe fn has_value(&self) -> bool {
        // SAFETY: per the contract the sender no longer touches `value`.
        self.value.with(|p| unsafe { (*p).is_some() })
    }

    /// Registers `waker` in the cell guarded by `bit`, unless `done` gets
    /// set. Returns the state seen last if `done` is set (the caller must
    /// not wait), `None` if the waker is registered.
    ///
    /// # Safety
    ///
    /// `cell` must be the cell guarded by `bit` and the caller must be the
    /// side that owns writes to it.
    #[inline]
    unsafe fn register(&self, cell: &UnsafeCell<Option<Waker>>, bit: usize, done: usize, waker: &Waker) -> Option<usize> {
        let mut state = self.state.load(Acquire);
        if state & done != 0 {
            return Some(state);
        }
        if state & bit != 0 {
            // SAFETY: the bit is set, so the other side may read the cell,
            // but nobody writes it: shared reads are fine.
            let same = cell.with(|p| unsafe { (*p).as_ref().is_some_and(|w| w.will_wake(waker)) });
            if same {
                return None;
            }
            state = self.state.fetch_and(!bit, AcqRel);
            if state & done != 0 {
                // The other side may be using the old waker: leave it, put
                // the bit back so the bookkeeping stays consistent.
                return Some(self.state.fetch_or(bit, AcqRel) | bit);
            }
        }
        // SAFETY: the bit is clear and `done` was not set when we cleared it
        // (or it was never set), so the other side will not read the cell
        // until we set the bit again.
        cell.with_mut(|p| unsafe { *p = Some(waker.clone()) });
        let state = self.state.fetch_or(bit, AcqRel);
        if state & done != 0 {
            Some(state | bit)
        } else {
            None
        }
    }
}

impl<T> Inner<T> {
    /// The receiver's `register`: stores `waker` in `rx_task` unless the
    /// sender is done. Returns the state seen last if the sender is done or
    /// the channel closed (the caller must not wait), `None` if the waker is
    /// registered.
    ///
    /// # Safety
    ///
    /// The caller is the receiver.
    #[inline]
    unsafe fn register_rx(&self, waker: &Waker) -> Option<usize> {
        const DONE: usize = VALUE_SENT | CLOSED;
        let state = self.state.load(Acquire);
        if state & DONE != 0 {
            return Some(state);
        }
        if state & RX_TASK_SET != 0 {
            // Only the receiver writes the slot, so this reads its own words.
            if self.rx_task.will_wake(waker) {
                return None;
            }
            let prev = self.state.fetch_and(!RX_TASK_SET, AcqRel);
            if prev & DONE != 0 {
                // The sender completed with the bit set, so it cleared it
                // and took the waker over (only the receiver sets `CLOSED`).
                debug_assert!(prev & RX_TASK_SET == 0);
                return Some(prev);
            }
            // SAFETY: we cleared the bit while the sender was not done: the
            // old waker is ours again.
            drop(unsafe { WakerSlot::into_waker(self.rx_task.read()) });
        }
        // The bit is clear: the sender does not use the slot until we set it.
        self.rx_task.put(waker.clone());
        let prev = self.state.fetch_add(RX_TASK_SET + RX_GEN_ONE, AcqRel);
        if prev & DONE != 0 {
            // Too late to be woken; the waker stays in the slot (the bit is
            // set) and is dropped with the channel.
            Some(prev.wrapping_add(RX_TASK_SET + RX_GEN_ONE))
        } else {
            None
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Inner<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.load(Acquire);
        f.debug_struct("Inner")
            .field("value_sent", &(state & VALUE_SENT != 0))
            .field("closed", &(state & CLOSED != 0))
            .finish_non_exhaustive()
    }
}

/// Creates a new oneshot channel, returning its sending and receiving
/// halves.
///
/// The [`Sender`] sends one value with [`Sender::send`]; the [`Receiver`] is
/// awaited to get it.
///
/// # Examples
///
/// ```
/// use kiso::sync::oneshot;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, rx) = oneshot::channel();
/// kiso::spawn(async move {
///     if tx.send("done").is_err() {
///         println!("the receiver went away");
///     }
/// });
/// assert_eq!(rx.await.unwrap(), "done");
/// # }
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Inner::alloc();
    (
        Sender {
            inner,
            _marker: PhantomData,
        },
        Receiver {
            inner: Some(inner),
            _marker: PhantomData,
        },
    )
}

/// The sending half of a oneshot channel, created by [`channel`].
///
/// It sends at most one value, with [`Sender::send`]. Dropping it without
/// sending makes the receiver resolve to an error.
///
/// # Examples
///
/// ```
/// use kiso::sync::oneshot;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, rx) = oneshot::channel::<i32>();
/// tx.send(-1).unwrap();
/// assert_eq!(rx.await, Ok(-1));
/// # }
/// ```
pub struct Sender<T> {
    /// The sender's reference to the shared state.
    inner: NonNull<Inner<T>>,
    /// Owns an `Inner<T>` for auto traits and drop check, as a `Box` would.
    _marker: PhantomData<Inner<T>>,
}

/// The receiving half of a oneshot channel, created by [`channel`].
///
/// Await it to get the value. It resolves to
/// [`RecvError`] if the sender is dropped without sending.
///
/// # Cancel safety
///
/// Awaiting `&mut Receiver` is cancel safe: if the wait is cancelled (e.g.
/// in `select!`), no value is lost; it stays in the channel for a later
/// poll or [`try_recv`](Receiver::try_recv).
///
/// # Panics
///
/// Polling the receiver again after it resolved panics.
///
/// # Examples
///
/// ```
/// use kiso::sync::oneshot;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::future::poll_fn;
/// use std::pin::Pin;
/// use std::future::Future;
/// use std::task::Poll;
///
/// let (tx, mut rx) = oneshot::channel();
/// // A wait that is given up on loses nothing...
/// let first = poll_fn(|cx| Poll::Ready(Pin::new(&mut rx).poll(cx))).await;
/// assert!(first.is_pending());
/// tx.send(7u8).unwrap();
/// // ...the value is still there for the next one.
/// assert_eq!(rx.await, Ok(7));
/// # }
/// ```
pub struct Receiver<T> {
    /// The receiver's reference to the shared state; `None` once the
    /// result was taken (the reference was given up then).
    inner: Option<NonNull<Inner<T>>>,
    /// As in `Sender`.
    _marker: PhantomData<Inner<T>>,
}

// SAFETY: a handle is a reference to `Inner<T>`, which is `Send + Sync` when
// `T: Send`; the handle's own methods take `&mut self` or only read the
// state word through `&self`.
unsafe impl<T: Send> Send for Sender<T> {}
// SAFETY: see above.
unsafe impl<T: Send> Sync for Sender<T> {}
// SAFETY: see above.
unsafe impl<T: Send> Send for Receiver<T> {}
// SAFETY: see above; `&Receiver` only reads the state word and, after
// `VALUE_SENT`, whether a value is present.
unsafe impl<T: Send> Sync for Receiver<T> {}

// The handles never pin what they point to.
impl<T> Unpin for Sender<T> {}
impl<T> Unpin for Receiver<T> {}

impl<T> Sender<T> {
    fn inner(&self) -> &Inner<T> {
        // SAFETY: the sender's reference keeps the allocation alive.
        unsafe { self.inner.as_ref() }
    }
}

impl<T> Receiver<T> {
    fn inner(&self) -> Option<&Inner<T>> {
        // SAFETY: the receiver's reference keeps the allocation alive while
        // `inner` is `Some`.
        self.inner.map(|p| unsafe { &*p.as_ptr() })
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("inner", self.inner()).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("inner", &self.inner()).finish()
    }
}

impl<T> Sender<T> {
    /// Sends `t` to the receiver, consuming the sender.
    ///
    /// The call never waits. It succeeds as long as the receiver is still
    /// open, even if nobody is awaiting it yet.
    ///
    /// # Errors
    ///
    /// If the receiver was dropped or [closed](Receiver::close), the value
    /// is given back as `Err(t)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = oneshot::channel();
    /// assert!(tx.send(1).is_ok());
    /// assert_eq!(rx.await, Ok(1));
    ///
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(2), Err(2));
    /// # }
    /// ```
    pub fn send(self, t: T) -> Result<(), T> {
        let this = ManuallyDrop::new(self);
        let ptr = this.inner;
        // SAFETY: `VALUE_SENT` is not set yet (only this sender sets it), so
        // the receiver does not touch `value`.
        this.inner().value.with_mut(|p| unsafe { *p = Some(t) });
        // SAFETY: we are the sender and give up its reference here; `this`
        // is not dropped.
        match unsafe { Inner::tx_done(ptr) } {
            Some(t) => Err(t),
            None => Ok(()),
        }
    }

    /// Waits until the receiver is dropped or [closed](Receiver::close).
    ///
    /// Useful to stop computing a value nobody wants any more.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (mut tx, rx) = oneshot::channel::<()>();
    /// kiso::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # }
    /// ```
    pub async fn closed(&mut self) {
        std::future::poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Returns `true` if the receiver was dropped or
    /// [closed](Receiver::close); a [`send`](Sender::send) would then fail.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner().state.load(Acquire) & CLOSED != 0
    }

    /// Polls whether the receiver was dropped or closed.
    ///
    /// Returns `Poll::Ready(())` once it is; otherwise `Poll::Pending`,
    /// and the waker of `cx` is woken when it happens. Only the waker of the
    /// last call is kept. This spends cooperative budget.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot;
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (mut tx, rx) = oneshot::channel::<()>();
    /// drop(rx);
    /// poll_fn(|cx| tx.poll_closed(cx)).await;
    /// # }
    /// ```
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let inner = self.inner();
        // SAFETY: `tx_task` is the cell guarded by `TX_TASK_SET`, which only
        // the sender writes.
        if unsafe { inner.register(&inner.tx_task, TX_TASK_SET, CLOSED, cx.waker()) }.is_some() {
            coop.made_progress();
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // SAFETY: we are the sender and give up its reference; nothing was
        // stored in `value`, so there is nothing to get back.
        drop(unsafe { Inner::tx_done(self.inner) });
    }
}

impl<T> Receiver<T> {
    /// Closes the channel without dropping the receiver.
    ///
    /// Later [`send`](Sender::send)s fail and
    /// [`Sender::closed`] completes. A value sent before the close can still
    /// be received with [`try_recv`](Receiver::try_recv) or by awaiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel::<u8>();
    /// rx.close();
    /// assert!(tx.is_closed());
    /// assert_eq!(tx.send(1), Err(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn close(&mut self) {
        if let Some(inner) = self.inner() {
            inner.close();
        }
    }

    /// Returns `true` once the receiver has yielded its result (a value or
    /// an error), from awaiting or from [`try_recv`](Receiver::try_recv).
    /// Polling it after that panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = oneshot::channel();
    /// assert!(!rx.is_terminated());
    /// tx.send(3).unwrap();
    /// assert_eq!((&mut rx).await, Ok(3));
    /// assert!(rx.is_terminated());
    /// # }
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// Returns `true` if there is no value waiting to be received: nothing
    /// was sent yet, the sender was dropped without sending, the channel
    /// was closed before a send, or the value was already received.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = oneshot::channel();
    /// assert!(rx.is_empty());
    /// tx.send(0).unwrap();
    /// assert!(!rx.is_empty());
    /// let _ = (&mut rx).await;
    /// assert!(rx.is_empty());
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        let Some(inner) = self.inner() else {
            return true;
        };
        if inner.state.load(Acquire) & VALUE_SENT != 0 {
            // SAFETY: `VALUE_SENT` observed; only the receiver uses `value`.
            !unsafe { inner.has_value() }
        } else {
            true
        }
    }

    /// Receives the value without waiting.
    ///
    /// # Errors
    ///
    /// * [`TryRecvError::Empty`] if no value was sent yet and the sender is
    ///   still alive;
    /// * [`TryRecvError::Closed`] if the sender was dropped without sending,
    ///   the receiver was closed before a value came, or the result was
    ///   already taken.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send("hi").unwrap();
    /// assert_eq!(rx.try_recv(), Ok("hi"));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(ptr) = self.inner else {
            return Err(TryRecvError::Closed);
        };
        // SAFETY: the receiver's reference keeps the allocation alive.
        let inner = unsafe { ptr.as_ref() };
        let state = inner.state.load(Acquire);
        let result = if state & VALUE_SENT != 0 {
            // SAFETY: `VALUE_SENT` observed.
            unsafe { inner.take_value() }.ok_or(TryRecvError::Closed)
        } else if state & CLOSED != 0 {
            Err(TryRecvError::Closed)
        } else {
            return Err(TryRecvError::Empty);
        };
        self.inner = None;
        // SAFETY: we are the receiver, `state` has `VALUE_SENT` or `CLOSED`,
        // and `inner` was cleared.
        unsafe { Inner::rx_done(ptr, state) };
        result
    }

    /// Blocks the current thread until the value arrives; for use outside
    /// asynchronous code.
    ///
    /// # Errors
    ///
    /// Returns [`RecvError`] if the sender is dropped without sending.
    ///
    /// # Panics
    ///
    /// Panics if called from inside an asynchronous execution context (a
    /// thread driving a runtime).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<u8>();
    /// let t = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(10).unwrap();
    /// assert_eq!(t.join().unwrap(), Ok(10));
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        block_on(self)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let Some(ptr) = self.inner.take() else {
            return;
        };
        // SAFETY: the receiver's reference keeps the allocation alive.
        let inner = unsafe { ptr.as_ref() };
        let mut cur = inner.state.load(Acquire);
        while cur & (VALUE_SENT | CLOSED) == 0 {
            if cur & TX_TASK_SET != 0 {
                // The sender waits in `closed`: wake it while our reference
                // still keeps the waker alive, let go afterwards.
                cur = inner.close() | CLOSED;
                break;
            }
            // Close and let go in one update. The sender is not gone (it
            // sets `VALUE_SENT` or sees `CLOSED` before it goes).
            match inner
                .state
                .compare_exchange_weak(cur, cur | CLOSED | RX_GONE, AcqRel, Acquire)
            {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        if cur & VALUE_SENT != 0 {
            // SAFETY: `VALUE_SENT` observed: drop the value here, on the
            // receiver's side, rather than wherever the allocation is freed.
            drop(unsafe { inner.take_value() });
        }
        // SAFETY: we are the receiver, `cur` has `VALUE_SENT` or `CLOSED`,
        // and `ptr` is not used again.
        unsafe { Inner::rx_done(ptr, cur) };
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let ptr = self.inner.expect("called after complete");
        // SAFETY: the receiver's reference keeps the allocation alive.
        let inner = unsafe { ptr.as_ref() };
        // SAFETY: we are the receiver.
        let registered = unsafe { inner.register_rx(cx.waker()) };
        let Some(state) = registered else {
            return Poll::Pending;
        };
        let result = if state & VALUE_SENT != 0 {
            // SAFETY: `VALUE_SENT` observed.
            unsafe { inner.take_value() }.ok_or(RecvError(()))
        } else {
            Err(RecvError(()))
        };
        coop.made_progress();
        self.inner = None;
        // SAFETY: we are the receiver, `state` has `VALUE_SENT` or `CLOSED`,
        // and `inner` was cleared.
        unsafe { Inner::rx_done(ptr, state) };
        Poll::Ready(result)
    }
}

pub(crate) use super::blocking::block_on;
