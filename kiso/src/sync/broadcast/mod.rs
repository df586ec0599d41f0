//! A multi-producer, multi-consumer channel where **every** receiver sees
//! every value.
//!
//! [`channel`] makes a [`Sender`] and a [`Receiver`] sharing a ring buffer of
//! a fixed capacity (rounded up to a power of two). Each sent value is kept
//! until every receiver that existed when it was sent has received it (or
//! until it is overwritten). More receivers come from
//! [`Sender::subscribe`]; they only see values sent after they subscribed.
//!
//! # Lagging
//!
//! Sending never waits. When the buffer is full the oldest value is
//! overwritten, even if some receiver has not seen it. That receiver's next
//! receive returns [`RecvError::Lagged(n)`](error::RecvError::Lagged), `n`
//! being how many values it missed, and it then continues from the oldest
//! value still in the buffer.
//!
//! # Closing
//!
//! When every [`Sender`] is dropped, receivers get the values still buffered
//! and then [`RecvError::Closed`].
//!
//! # Examples
//!
//! ```
//! use kiso::sync::broadcast;
//!
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, mut rx1) = broadcast::channel(16);
//! let mut rx2 = tx.subscribe();
//!
//! kiso::spawn(async move {
//!     assert_eq!(rx1.recv().await.unwrap(), 10);
//!     assert_eq!(rx1.recv().await.unwrap(), 20);
//! });
//!
//! tx.send(10).unwrap();
//! tx.send(20).unwrap();
//! assert_eq!(rx2.recv().await.unwrap(), 10);
//! assert_eq!(rx2.recv().await.unwrap(), 20);
//! # }
//! ```
//!
//! A receiver that falls behind:
//!
//! ```
//! use kiso::sync::broadcast::{self, error::RecvError};
//!
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, mut rx) = broadcast::channel(2);
//! tx.send(1).unwrap();
//! tx.send(2).unwrap();
//! tx.send(3).unwrap();
//! assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
//! assert_eq!(rx.recv().await, Ok(2));
//! assert_eq!(rx.recv().await, Ok(3));
//! # }
//! ```

use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use crate::loom::sync::{Arc, Mutex, MutexGuard};
use crate::sync::watch::notify::WaitList;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

#[cfg(all(test, loom))]
mod loom_tests;

/// Errors returned by the broadcast channel.
pub mod error {
    use std::fmt;

    /// Error returned by [`Sender::send`](super::Sender::send) when there
    /// are no receivers; it gives back the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(1);
    /// drop(rx);
    /// let err = tx.send(3).unwrap_err();
    /// assert_eq!(err.0, 3);
    /// assert_eq!(err.to_string(), "channel closed");
    /// ```
    #[derive(Debug)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T: fmt::Debug> std::error::Error for SendError<T> {}

    /// Error returned by [`Receiver::recv`](super::Receiver::recv) and
    /// [`Receiver::blocking_recv`](super::Receiver::blocking_recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast::{self, error::RecvError};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = broadcast::channel::<u8>(1);
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Err(RecvError::Closed));
    /// assert_eq!(RecvError::Lagged(4).to_string(), "channel lagged by 4");
    /// # }
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum RecvError {
        /// Every sender was dropped and no buffered value is left for this
        /// receiver.
        Closed,
        /// The receiver fell behind: this many values were overwritten
        /// before it could receive them. The next receive returns the
        /// oldest value still buffered.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// Error returned by [`Receiver::try_recv`](super::Receiver::try_recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel::<u8>(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum TryRecvError {
        /// No value is available right now, but senders are alive.
        Empty,
        /// Every sender was dropped and no buffered value is left for this
        /// receiver.
        Closed,
        /// The receiver fell behind by this many values; see
        /// [`RecvError::Lagged`].
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use self::error::{RecvError, SendError, TryRecvError};
use crate::util::CacheLine;

/// Most receivers a channel can have.
const MAX_RECEIVERS: usize = usize::MAX >> 2;

/// One cell of the ring buffer.
struct Slot<T> {
    /// Receivers that still have to read this value.
    rem: usize,
    /// Absolute position of the value stored here.
    pos: u64,
    val: Option<T>,
}

/// The write end of the ring, plus the waiting receivers.
struct Tail {
    /// Position the next value will take.
    pos: u64,
    rx_cnt: usize,
    /// No senders left (or no receivers, for a channel made by
    /// `Sender::new`).
    closed: bool,
    next_key: u64,
    /// Receivers waiting in `recv`, keyed by their `Recv` future.
    waiters: HashMap<u64, Waker>,
}

struct Shared<T> {
    /// Each slot on lines of its own: every receiver locks the slot it
    /// reads, on whichever worker it runs, while the sender writes the next
    /// one.
    buffer: Box<[CacheLine<Mutex<Slot<T>>>]>,
    mask: usize,
    tail: Mutex<Tail>,
    num_tx: AtomicUsize,
    num_weak_tx: AtomicUsize,
    /// Senders waiting in `closed`.
    last_rx_dropped: WaitList,
}

impl<T> Shared<T> {
    fn tail(&self) -> MutexGuard<'_, Tail> {
        crate::loom::lock(&self.tail)
    }

    fn slot(&self, idx: usize) -> MutexGuard<'_, Slot<T>> {
        crate::loom::lock(&self.buffer[idx])
    }

    /// Wakes every receiver waiting in `recv`; consumes the tail guard.
    fn wake_receivers(&self, mut tail: MutexGuard<'_, Tail>) {
        if tail.waiters.is_empty() {
            return;
        }
        // The replacement map gets the capacity the receivers needed last
        // time, so that they re-register without the map growing (and
        // reallocating) step by step again.
        let cap = tail.waiters.capacity();
        let waiters = std::mem::replace(&mut tail.waiters, HashMap::with_capacity(cap));
        drop(tail);
        for (_, w) in waiters {
            w.wake();
        }
    }
}

/// The sending half of a broadcast channel.
///
/// It can be cloned and shared between tasks; the channel closes when the
/// last `Sender` is dropped.
///
/// # Examples
///
/// ```
/// use kiso::sync::broadcast;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = broadcast::channel(4);
/// let tx2 = tx.clone();
/// tx.send(1).unwrap();
/// tx2.send(2).unwrap();
/// assert_eq!(rx.recv().await.unwrap(), 1);
/// assert_eq!(rx.recv().await.unwrap(), 2);
/// # }
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A sender that does not keep the channel open.
///
/// Made by [`Sender::downgrade`]; [`upgrade`](WeakSender::upgrade) gives a
/// [`Sender`] back while at least one strong sender is alive.
///
/// # Examples
///
/// ```
/// use kiso::sync::broadcast;
///
/// let (tx, _rx) = broadcast::channel::<u8>(1);
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

/// The receiving half of a broadcast channel.
///
/// Each receiver gets its own copy (a clone) of every value sent after it
/// was created. Made by [`channel`], [`Sender::subscribe`] or
/// [`Receiver::resubscribe`].
///
/// # Examples
///
/// ```
/// use kiso::sync::broadcast;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = broadcast::channel(2);
/// tx.send("a").unwrap();
/// assert_eq!(rx.recv().await.unwrap(), "a");
/// # }
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// Position of the next value this receiver wants.
    next: u64,
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::Sender")
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::WeakSender")
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::Receiver")
    }
}

/// Creates a broadcast channel holding up to `capacity` values, returning
/// its sender and a first receiver.
///
/// `capacity` is rounded up to a power of two.
///
/// # Panics
///
/// Panics if `capacity` is 0 or greater than `usize::MAX / 2`.
///
/// # Examples
///
/// ```
/// use kiso::sync::broadcast;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = broadcast::channel(16);
/// tx.send(5).unwrap();
/// assert_eq!(rx.recv().await.unwrap(), 5);
/// # }
/// ```
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::with_receivers(1, capacity);
    let rx = Receiver {
        shared: tx.shared.clone(),
        next: 0,
    };
    (tx, rx)
}

impl<T> Sender<T> {
    /// Creates a sender of a new channel with no receivers yet; get some
    /// with [`subscribe`](Sender::subscribe).
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0 or greater than `usize::MAX / 2`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast::Sender;
    ///
    /// let tx = Sender::<u8>::new(4);
    /// assert!(tx.send(1).is_err());
    /// let mut rx = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(2));
    /// ```
    #[track_caller]
    pub fn new(capacity: usize) -> Self {
        Sender::with_receivers(0, capacity)
    }

    #[track_caller]
    fn with_receivers(rx_cnt: usize, capacity: usize) -> Self {
        assert!(capacity > 0, "broadcast channel capacity cannot be zero");
        assert!(
            capacity <= usize::MAX >> 1,
            "broadcast channel capacity exceeded `usize::MAX / 2`"
        );
        let capacity = capacity.next_power_of_two();
        let buffer = (0..capacity)
            .map(|i| {
                CacheLine(Mutex::new(Slot {
                    rem: 0,
                    // One lap behind, so the first lap reads as "not yet
                    // written".
                    pos: (i as u64).wrapping_sub(capacity as u64),
                    val: None,
                }))
            })
            .collect();
        let shared = Arc::new(Shared {
            buffer,
            mask: capacity - 1,
            tail: Mutex::new(Tail {
                pos: 0,
                rx_cnt,
                closed: rx_cnt == 0,
                next_key: 0,
                waiters: HashMap::new(),
            }),
            num_tx: AtomicUsize::new(1),
            num_weak_tx: AtomicUsize::new(0),
            last_rx_dropped: WaitList::new(),
        });
        Sender { shared }
    }

    /// Sends a value to every current receiver, returning how many
    /// receivers will see it.
    ///
    /// Never waits: if the buffer is full, the oldest value is overwritten
    /// and slow receivers will get [`RecvError::Lagged`].
    ///
    /// A success does not mean every receiver will get the value: a
    /// receiver may be dropped, or lag past it, before reading it.
    ///
    /// # Errors
    ///
    /// If there are no receivers, the value is returned in [`SendError`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(2);
    /// let _rx2 = tx.subscribe();
    /// assert_eq!(tx.send(1).unwrap(), 2);
    /// drop(rx);
    /// drop(_rx2);
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut tail = self.shared.tail();
        if tail.rx_cnt == 0 {
            return Err(SendError(value));
        }
        let pos = tail.pos;
        let rem = tail.rx_cnt;
        tail.pos = pos.wrapping_add(1);
        {
            let mut slot = self.shared.slot(pos as usize & self.shared.mask);
            slot.pos = pos;
            slot.rem = rem;
            // The overwritten value (if any) is dropped here.
            slot.val = Some(value);
        }
        self.shared.wake_receivers(tail);
        Ok(rem)
    }

    /// Creates a new receiver that gets every value sent after this call.
    ///
    /// # Panics
    ///
    /// Panics if the channel already has `usize::MAX / 4` receivers.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// let mut rx2 = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx2.try_recv(), Ok(2));
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        new_receiver(self.shared.clone())
    }

    /// Creates a [`WeakSender`] for this channel; it does not keep the
    /// channel open.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// assert_eq!(weak.strong_count(), 1);
    /// ```
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakSender<T> {
        self.shared.num_weak_tx.fetch_add(1, Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }

    /// Returns the number of values still buffered for at least one
    /// receiver (at most the capacity).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, mut rx1) = broadcast::channel(16);
    /// let mut rx2 = tx.subscribe();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.len(), 2);
    /// rx1.try_recv().unwrap();
    /// assert_eq!(tx.len(), 2);
    /// rx2.try_recv().unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let tail = self.shared.tail();
        let cap = self.shared.buffer.len();
        let oldest = tail.pos as usize & self.shared.mask;
        // Walking from the oldest slot to the newest, the slots still
        // awaited by someone form a suffix: find where it starts.
        let (mut lo, mut hi) = (0, cap);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let idx = oldest.wrapping_add(mid) & self.shared.mask;
            if self.shared.slot(idx).rem == 0 {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        cap - lo
    }

    /// Returns `true` if no value is buffered for any receiver.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(16);
    /// assert!(tx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!tx.is_empty());
    /// rx.try_recv().unwrap();
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        let tail = self.shared.tail();
        let newest = tail.pos.wrapping_sub(1) as usize & self.shared.mask;
        self.shared.slot(newest).rem == 0
    }

    /// Returns the number of live receivers.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let _rx2 = tx.subscribe();
    /// assert_eq!(tx.receiver_count(), 2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.tail().rx_cnt
    }

    /// Returns `true` if both senders belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let (tx2, _rx2) = broadcast::channel::<u8>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&tx2));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Waits until every receiver is dropped.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// kiso::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert_eq!(tx.receiver_count(), 0);
    /// # }
    /// ```
    pub async fn closed(&self) {
        loop {
            let notified = self.shared.last_rx_dropped.notified();
            if self.shared.tail().closed {
                return;
            }
            notified.await;
        }
    }

    /// Returns the number of strong senders ([`Sender`]s).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// # drop(tx2);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// Returns the number of [`WeakSender`]s.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let w = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// # drop(w);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }
}

#[track_caller]
fn new_receiver<T>(shared: Arc<Shared<T>>) -> Receiver<T> {
    let mut tail = shared.tail();
    assert!(tail.rx_cnt != MAX_RECEIVERS, "max receivers");
    if tail.rx_cnt == 0 {
        // A channel without receivers reopens when one subscribes (that
        // takes a live sender: receivers cannot exist here to resubscribe).
        tail.closed = false;
    }
    tail.rx_cnt = tail.rx_cnt.checked_add(1).expect("overflow");
    let next = tail.pos;
    drop(tail);
    Receiver { shared, next }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.num_tx.fetch_add(1, Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.num_tx.fetch_sub(1, AcqRel) == 1 {
            let mut tail = self.shared.tail();
            tail.closed = true;
            self.shared.wake_receivers(tail);
        }
    }
}

impl<T> WeakSender<T> {
    /// Returns a [`Sender`] if at least one strong sender is still alive.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(1);
    /// let weak = tx.downgrade();
    /// weak.upgrade().unwrap().send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    #[must_use]
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut n = self.shared.num_tx.load(Acquire);
        loop {
            if n == 0 {
                return None;
            }
            match self
                .shared
                .num_tx
                .compare_exchange_weak(n, n + 1, Relaxed, Acquire)
            {
                Ok(_) => {
                    return Some(Sender {
                        shared: self.shared.clone(),
                    })
                }
                Err(actual) => n = actual,
            }
        }
    }

    /// Returns the number of strong senders.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// Returns the number of weak senders.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// let weak2 = weak.clone();
    /// assert_eq!(weak.weak_count(), 2);
    /// # drop((tx, weak2));
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.shared.num_weak_tx.fetch_add(1, Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.num_weak_tx.fetch_sub(1, AcqRel);
    }
}

/// A value slot locked for one receiver; its read is accounted on drop.
struct RecvGuard<'a, T> {
    slot: MutexGuard<'a, Slot<T>>,
}

impl<T> RecvGuard<'_, T> {
    fn clone_value(&self) -> Option<T>
    where
        T: Clone,
    {
        self.slot.val.clone()
    }
}

impl<T> Drop for RecvGuard<'_, T> {
    fn drop(&mut self) {
        self.slot.rem -= 1;
        if self.slot.rem == 0 {
            self.slot.val = None;
        }
    }
}

impl<T> Receiver<T> {
    /// Returns how many values this receiver has not received yet,
    /// counting values it already lagged past (so it may exceed the
    /// capacity).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(16);
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// rx.try_recv().unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let pos = self.shared.tail().pos;
        pos.wrapping_sub(self.next) as usize
    }

    /// Returns `true` if this receiver has nothing left to receive.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(16);
    /// assert!(rx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_empty());
    /// rx.try_recv().unwrap();
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns `true` if both receivers belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// let rx2 = tx.subscribe();
    /// let (_tx3, rx3) = broadcast::channel::<u8>(1);
    /// assert!(rx.same_channel(&rx2));
    /// assert!(!rx.same_channel(&rx3));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Returns the number of strong senders.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(rx.sender_strong_count(), 0);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// Returns the number of weak senders.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// let w = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// # drop(w);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }

    /// Returns `true` once every strong sender is dropped. Buffered values
    /// may still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.num_tx.load(Acquire) == 0
    }

    /// Core of every receive: locks the slot of the next value, or reports
    /// why there is none. With `waiter`, registers the waker when empty.
    fn recv_ref(&mut self, waiter: Option<(&mut Option<u64>, &Waker)>) -> Result<RecvGuard<'_, T>, TryRecvError> {
        let idx = self.next as usize & self.shared.mask;
        let mut slot = self.shared.slot(idx);
        if slot.pos != self.next {
            // Not there (yet, or any more): look again holding the tail so
            // sends are excluded. Lock order: tail, then slot.
            drop(slot);
            let mut tail = self.shared.tail();
            slot = self.shared.slot(idx);
            if slot.pos != self.next {
                let cap = self.shared.buffer.len() as u64;
                if slot.pos.wrapping_add(cap) == self.next {
                    // The slot holds the value one lap before ours: ours
                    // was not sent yet.
                    if tail.closed {
                        return Err(TryRecvError::Closed);
                    }
                    let mut old = None;
                    if let Some((key, waker)) = waiter {
                        let k = match *key {
                            Some(k) => k,
                            None => {
                                let k = tail.next_key;
                                tail.next_key += 1;
                                *key = Some(k);
                                k
                            }
                        };
                        match tail.waiters.get_mut(&k) {
                            Some(w) if w.will_wake(waker) => {}
                            Some(w) => old = Some(std::mem::replace(w, waker.clone())),
                            None => {
                                tail.waiters.insert(k, waker.clone());
                            }
                        }
                    }
                    drop(slot);
                    drop(tail);
                    drop(old);
                    return Err(TryRecvError::Empty);
                }
                // Our value was overwritten: skip to the oldest value still
                // in the buffer.
                let oldest = tail.pos.wrapping_sub(cap);
                let missed = oldest.wrapping_sub(self.next);
                drop(tail);
                if missed == 0 {
                    // Defensive: our position is the oldest one buffered,
                    // so the slot is ours to read.
                    self.next = self.next.wrapping_add(1);
                    return Ok(RecvGuard { slot });
                }
                self.next = oldest;
                return Err(TryRecvError::Lagged(missed));
            }
        }
        self.next = self.next.wrapping_add(1);
        Ok(RecvGuard { slot })
    }
}

impl<T: Clone> Receiver<T> {
    /// Creates a new receiver for the same channel that starts at the
    /// current tail: it only sees values sent after this call, whatever
    /// `self` had not read yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// let mut rx2 = rx.resubscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx2.try_recv(), Ok(2));
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn resubscribe(&self) -> Self {
        new_receiver(self.shared.clone())
    }

    /// Receives the next value, waiting if there is none yet.
    ///
    /// Values sent before every sender was dropped are still received;
    /// after them this returns [`RecvError::Closed`]. This spends
    /// cooperative budget.
    ///
    /// # Errors
    ///
    /// * [`RecvError::Closed`]: every sender is gone and nothing is left
    ///   for this receiver.
    /// * [`RecvError::Lagged(n)`](RecvError::Lagged): `n` values were
    ///   overwritten before this receiver got them; the next call returns
    ///   the oldest value still buffered.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if the future is dropped before it
    /// completes (e.g. as a losing `select!` branch), no value was received
    /// by it.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = broadcast::channel(4);
    /// let h = kiso::spawn(async move {
    ///     let mut got = Vec::new();
    ///     while let Ok(v) = rx.recv().await {
    ///         got.push(v);
    ///     }
    ///     got
    /// });
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// drop(tx);
    /// assert_eq!(h.await.unwrap(), [1, 2]);
    /// # }
    /// ```
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        crate::task::coop::cooperative(Recv {
            receiver: self,
            key: None,
        })
        .await
    }

    /// Receives the next value if one is available, without waiting.
    ///
    /// # Errors
    ///
    /// * [`TryRecvError::Empty`]: nothing to receive now, senders alive;
    /// * [`TryRecvError::Closed`]: every sender is gone and nothing is left;
    /// * [`TryRecvError::Lagged(n)`](TryRecvError::Lagged): `n` values
    ///   were missed, as with [`recv`](Receiver::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(2);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let guard = self.recv_ref(None)?;
        guard.clone_value().ok_or(TryRecvError::Closed)
    }

    /// Blocking version of [`recv`](Receiver::recv), for use outside
    /// asynchronous code.
    ///
    /// # Errors
    ///
    /// As for [`recv`](Receiver::recv).
    ///
    /// # Panics
    ///
    /// Panics if called from inside an asynchronous execution context (a
    /// thread driving a runtime).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// let t = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(9).unwrap();
    /// assert_eq!(t.join().unwrap(), Ok(9));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        crate::sync::oneshot::block_on(self.recv())
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut tail = self.shared.tail();
        tail.rx_cnt -= 1;
        let until = tail.pos;
        let last = tail.rx_cnt == 0;
        if last {
            tail.closed = true;
        }
        drop(tail);

        // Give up our share of every value we did not read, so the buffer
        // releases them.
        while self.next < until {
            match self.recv_ref(None) {
                Ok(_) | Err(TryRecvError::Lagged(_)) => {}
                Err(TryRecvError::Closed) => break,
                Err(TryRecvError::Empty) => unreachable!("broadcast slot missing before tail"),
            }
        }

        if last {
            self.shared.last_rx_dropped.notify_waiters();
        }
    }
}

/// Future of [`Receiver::recv`].
struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    /// Our entry in the tail's waiter map, once registered.
    key: Option<u64>,
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let res = match this.receiver.recv_ref(Some((&mut this.key, cx.waker()))) {
            Ok(guard) => Ok(guard.clone_value().ok_or(RecvError::Closed)),
            Err(TryRecvError::Empty) => Err(()),
            Err(TryRecvError::Lagged(n)) => Ok(Err(RecvError::Lagged(n))),
            Err(TryRecvError::Closed) => Ok(Err(RecvError::Closed)),
        };
        match res {
            Ok(r) => {
                // A registered waker is only left behind on `Empty`; any
                // other outcome needs a send (or the close) since the
                // registration, and that send takes every registered waker
                // out of the map before it unlocks the tail (it may not have
                // got there yet, then our stale waker gets one spurious
                // wake-up). So `Drop` has nothing to remove and need not
                // lock the tail.
                this.key = None;
                Poll::Ready(r)
            }
            Err(()) => Poll::Pending,
        }
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let removed = self.receiver.shared.tail().waiters.remove(&key);
            drop(removed);
        }
    }
}
