//! A single-producer (or multi-producer), multi-consumer channel that only
//! keeps the **latest** value.
//!
//! [`channel`] returns a [`Sender`] and a [`Receiver`]. Senders replace the
//! current value; receivers look at it with [`Receiver::borrow`] and wait for
//! a newer one with [`Receiver::changed`]. Intermediate values a receiver did
//! not look at in time are simply skipped.
//!
//! Each receiver remembers which version of the value it last *saw*.
//! [`Receiver::borrow_and_update`], [`Receiver::changed`] and
//! [`Receiver::wait_for`] mark the current version seen; [`Receiver::borrow`]
//! does not.
//!
//! The channel closes when every [`Sender`] is dropped; receivers can still
//! read the last value after that.
//!
//! # Examples
//!
//! ```
//! use kiso::sync::watch;
//!
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, mut rx) = watch::channel("hello");
//!
//! kiso::spawn(async move {
//!     while rx.changed().await.is_ok() {
//!         println!("received = {:?}", *rx.borrow_and_update());
//!     }
//! });
//!
//! tx.send("world").unwrap();
//! # }
//! ```
//!
//! A blocking lock is held while a [`Ref`] is alive: keep borrows short and
//! never hold one across an `.await`.

use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Relaxed, SeqCst};
use crate::loom::sync::Arc;

#[cfg(loom)]
use loom::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
#[cfg(not(loom))]
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use std::fmt;
use std::ops;
use std::panic;

pub(super) mod notify;
use notify::WaitList;

#[cfg(all(test, loom))]
mod loom_tests;

/// Errors returned by the watch channel.
pub mod error {
    use std::fmt;

    /// Error returned by [`Sender::send`](super::Sender::send) when every
    /// receiver is gone; it gives back the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(0);
    /// drop(rx);
    /// let err = tx.send(5).unwrap_err();
    /// assert_eq!(err.0, 5);
    /// assert_eq!(err.to_string(), "channel closed");
    /// ```
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// Error returned when waiting for a change fails because every sender
    /// was dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = watch::channel(0);
    /// drop(tx);
    /// let err = rx.changed().await.unwrap_err();
    /// assert_eq!(err.to_string(), "channel closed");
    /// # }
    /// ```
    #[derive(Debug, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}
}

use self::error::{RecvError, SendError};

/// Low bit of `state`: every sender is gone.
const CLOSED: usize = 1;
/// One version step (versions live above the closed bit).
const STEP: usize = 2;

struct Shared<T> {
    value: RwLock<T>,
    /// `version * 2 | closed`; the version only changes while `value` is
    /// write-locked.
    state: AtomicUsize,
    rx_count: AtomicUsize,
    tx_count: AtomicUsize,
    /// Receivers waiting in `changed`.
    notify_rx: WaitList,
    /// Senders waiting in `closed`.
    notify_tx: WaitList,
}

impl<T> Shared<T> {
    fn read(&self) -> RwLockReadGuard<'_, T> {
        self.value.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.value.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn version(&self) -> usize {
        self.state.load(SeqCst) & !CLOSED
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.load(SeqCst);
        f.debug_struct("Shared")
            .field("value", &*self.read())
            .field("version", &(state >> 1))
            .field("closed", &(state & CLOSED != 0))
            .field("ref_count_rx", &self.rx_count.load(Relaxed))
            .finish()
    }
}

/// The receiving half of a watch channel.
///
/// Created by [`channel`] or [`Sender::subscribe`]; cloning it makes another
/// receiver that has seen the same version.
///
/// # Examples
///
/// ```
/// use kiso::sync::watch;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = watch::channel(1);
/// tx.send(2).unwrap();
/// rx.changed().await.unwrap();
/// assert_eq!(*rx.borrow(), 2);
/// # }
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    version: usize,
}

/// The sending half of a watch channel.
///
/// It can be cloned; the channel closes when the last sender is dropped.
///
/// # Examples
///
/// ```
/// use kiso::sync::watch;
///
/// let (tx, rx) = watch::channel(0);
/// let tx2 = tx.clone();
/// tx2.send(3).unwrap();
/// assert_eq!(*rx.borrow(), 3);
/// assert_eq!(tx.sender_count(), 2);
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A read guard on the current value of a watch channel.
///
/// It holds a read lock: senders block until it is dropped, so keep it short
/// and do not hold it across an `.await`.
///
/// # Examples
///
/// ```
/// use kiso::sync::watch;
///
/// let (tx, rx) = watch::channel(String::from("a"));
/// {
///     let r = rx.borrow();
///     assert_eq!(r.as_str(), "a");
/// }
/// tx.send("b".into()).unwrap();
/// assert_eq!(*rx.borrow(), "b");
/// ```
pub struct Ref<'a, T> {
    inner: RwLockReadGuard<'a, T>,
    has_changed: bool,
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("shared", &self.shared)
            .field("version", &(self.version >> 1))
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("shared", &self.shared).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ref")
            .field("inner", &*self.inner)
            .field("has_changed", &self.has_changed)
            .finish()
    }
}

impl<T> Ref<'_, T> {
    /// Returns `true` if the borrowed value had not been seen by the
    /// receiver when it was borrowed.
    ///
    /// For [`Receiver::borrow_and_update`] this tells whether the value
    /// was new (it is now marked seen); for [`Receiver::borrow`] it is what
    /// [`Receiver::has_changed`] would have said; for [`Sender::borrow`] it
    /// is always `false`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, mut rx) = watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert!(rx.borrow_and_update().has_changed());
    /// assert!(!rx.borrow_and_update().has_changed());
    /// ```
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> ops::Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

/// Creates a watch channel holding `init`, returning its sender and a
/// receiver.
///
/// The receiver starts having seen `init`: [`Receiver::changed`] waits for
/// the next send.
///
/// # Examples
///
/// ```
/// use kiso::sync::watch;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = watch::channel("hello");
/// kiso::spawn(async move {
///     tx.send("goodbye").unwrap();
/// });
/// rx.changed().await.unwrap();
/// assert_eq!(*rx.borrow_and_update(), "goodbye");
/// # }
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: RwLock::new(init),
        state: AtomicUsize::new(0),
        rx_count: AtomicUsize::new(1),
        tx_count: AtomicUsize::new(1),
        notify_rx: WaitList::new(),
        notify_tx: WaitList::new(),
    });
    let tx = Sender {
        shared: shared.clone(),
    };
    let rx = Receiver { shared, version: 0 };
    (tx, rx)
}

impl<T> Receiver<T> {
    /// Borrows the current value without marking it seen.
    ///
    /// The returned [`Ref`] holds a read lock; senders block until it is
    /// dropped. Do not hold it across an `.await`, and keep it short.
    ///
    /// # Panics
    ///
    /// Using this and waiting for a sender on the same thread while the
    /// `Ref` is alive deadlocks (the lock is not reentrant for writers).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel("a");
    /// tx.send("b").unwrap();
    /// assert_eq!(*rx.borrow(), "b");
    /// // Still unseen.
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        let inner = self.shared.read();
        let has_changed = self.shared.version() != self.version;
        Ref { inner, has_changed }
    }

    /// Borrows the current value and marks it seen.
    ///
    /// Like [`borrow`](Receiver::borrow), the [`Ref`] holds a read lock.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, mut rx) = watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow_and_update(), 1);
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let inner = self.shared.read();
        let current = self.shared.version();
        let has_changed = current != self.version;
        self.version = current;
        Ref { inner, has_changed }
    }

    /// Returns whether the current value has not been seen yet by this
    /// receiver. Does not mark it seen.
    ///
    /// # Errors
    ///
    /// Returns [`RecvError`] if every sender was dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, mut rx) = watch::channel(0);
    /// assert!(!rx.has_changed().unwrap());
    /// tx.send(1).unwrap();
    /// assert!(rx.has_changed().unwrap());
    /// rx.mark_unchanged();
    /// assert!(!rx.has_changed().unwrap());
    /// drop(tx);
    /// assert!(rx.has_changed().is_err());
    /// ```
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.shared.state.load(SeqCst);
        if state & CLOSED != 0 {
            return Err(RecvError(()));
        }
        Ok(state & !CLOSED != self.version)
    }

    /// Returns `true` once every sender has been dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(());
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.state.load(SeqCst) & CLOSED != 0
    }

    /// Marks the current value as not seen, so the next
    /// [`changed`](Receiver::changed) completes at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (_tx, mut rx) = watch::channel(0);
    /// rx.mark_changed();
    /// assert!(rx.has_changed().unwrap());
    /// rx.changed().await.unwrap();
    /// # }
    /// ```
    pub fn mark_changed(&mut self) {
        self.version = self.version.wrapping_sub(STEP);
    }

    /// Marks the current value as seen.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, mut rx) = watch::channel(0);
    /// tx.send(1).unwrap();
    /// rx.mark_unchanged();
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn mark_unchanged(&mut self) {
        self.version = self.shared.version();
    }

    /// Waits for a value this receiver has not seen, and marks it seen.
    ///
    /// Completes at once if the current value is unseen. Use
    /// [`borrow_and_update`](Receiver::borrow_and_update) afterwards to read
    /// it. This spends cooperative budget.
    ///
    /// # Errors
    ///
    /// Returns [`RecvError`] if every sender was dropped and there is no
    /// unseen value left. An unseen value sent before the close is still
    /// reported first.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if the returned future is dropped before
    /// it completes (e.g. as a losing `select!` branch), no value has been
    /// marked seen by it.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = watch::channel("hello");
    /// kiso::spawn(async move {
    ///     tx.send("goodbye").unwrap();
    /// });
    /// assert!(rx.changed().await.is_ok());
    /// assert_eq!(*rx.borrow_and_update(), "goodbye");
    /// // The sender is gone and everything was seen.
    /// assert!(rx.changed().await.is_err());
    /// # }
    /// ```
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        crate::task::coop::cooperative(changed_impl(&self.shared, &mut self.version)).await
    }

    /// Waits until the value satisfies `f`, and returns a [`Ref`] to it.
    ///
    /// `f` is first called on the current value (seen or not), then on each
    /// new value. Every value passed to `f` is marked seen. If the channel
    /// is closed, `f` is still called once on the last value if it was
    /// unseen. The returned [`Ref`] holds a read lock, like
    /// [`borrow`](Receiver::borrow).
    ///
    /// # Errors
    ///
    /// Returns [`RecvError`] if every sender was dropped before a value
    /// satisfying `f` was found.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is dropped before completing, the
    /// last value it marked seen (if any) did not satisfy `f`.
    ///
    /// # Panics
    ///
    /// A panic in `f` is propagated to the caller after the read lock is
    /// released; the lock is not poisoned.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = watch::channel(0);
    /// kiso::spawn(async move {
    ///     for i in 1..=5 {
    ///         tx.send(i).unwrap();
    ///     }
    /// });
    /// let v = rx.wait_for(|v| *v == 5).await.unwrap();
    /// assert_eq!(*v, 5);
    /// # }
    /// ```
    pub async fn wait_for(
        &mut self,
        f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        crate::task::coop::cooperative(self.wait_for_inner(f)).await
    }

    async fn wait_for_inner(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        let mut closed = false;
        loop {
            {
                let guard = self.shared.read();
                let current = self.shared.version();
                let has_changed = current != self.version;
                self.version = current;
                if !closed || has_changed {
                    match panic::catch_unwind(panic::AssertUnwindSafe(|| f(&guard))) {
                        Ok(true) => {
                            return Ok(Ref {
                                inner: guard,
                                has_changed,
                            })
                        }
                        Ok(false) => {}
                        Err(payload) => {
                            drop(guard);
                            panic::resume_unwind(payload);
                        }
                    }
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            closed = changed_impl(&self.shared, &mut self.version).await.is_err();
        }
    }

    /// Returns `true` if both receivers belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(true);
    /// let rx2 = rx.clone();
    /// assert!(rx.same_channel(&rx2));
    /// let (_tx3, rx3) = watch::channel(true);
    /// assert!(!rx.same_channel(&rx3));
    /// # drop(tx);
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// Checks for an unseen version (marking it seen) or the closed state.
fn check<T>(shared: &Shared<T>, version: &mut usize) -> Option<Result<(), RecvError>> {
    let state = shared.state.load(SeqCst);
    let current = state & !CLOSED;
    if current != *version {
        *version = current;
        return Some(Ok(()));
    }
    if state & CLOSED != 0 {
        return Some(Err(RecvError(())));
    }
    None
}

async fn changed_impl<T>(shared: &Shared<T>, version: &mut usize) -> Result<(), RecvError> {
    loop {
        // Register interest before checking, so a send in between is not
        // missed.
        let notified = shared.notify_rx.notified();
        if let Some(r) = check(shared, version) {
            return r;
        }
        notified.await;
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.rx_count.fetch_add(1, Relaxed);
        Receiver {
            shared: self.shared.clone(),
            version: self.version,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.shared.rx_count.fetch_sub(1, AcqRel) == 1 {
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.tx_count.fetch_add(1, Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T: Default> Default for Sender<T> {
    fn default() -> Self {
        Sender::new(T::default())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.tx_count.fetch_sub(1, AcqRel) == 1 {
            self.shared.state.fetch_or(CLOSED, SeqCst);
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T> Sender<T> {
    /// Creates a sender of a new channel that has no receivers yet; get
    /// some with [`subscribe`](Sender::subscribe).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let tx = watch::Sender::new(0u8);
    /// assert!(tx.send(1).is_err());
    /// let rx = tx.subscribe();
    /// assert!(tx.send(2).is_ok());
    /// assert_eq!(*rx.borrow(), 2);
    /// ```
    pub fn new(init: T) -> Self {
        let (tx, _) = channel(init);
        tx
    }

    /// Replaces the value and notifies every receiver.
    ///
    /// # Errors
    ///
    /// If there are no receivers, the value is not stored and is returned
    /// in [`SendError`]. Use [`send_replace`](Sender::send_replace) to
    /// store it regardless.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert_eq!(*rx.borrow(), 2);
    /// drop(rx);
    /// assert_eq!(tx.send(3).unwrap_err().0, 3);
    /// assert_eq!(*tx.borrow(), 2);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.receiver_count() == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Modifies the value in place and notifies every receiver, even if
    /// there are none and even if `modify` changed nothing.
    ///
    /// # Panics
    ///
    /// A panic in `modify` is propagated; receivers are then not notified
    /// and the lock is not poisoned.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(vec![1]);
    /// tx.send_modify(|v| v.push(2));
    /// assert_eq!(*rx.borrow(), [1, 2]);
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn send_modify<F>(&self, modify: F)
    where
        F: FnOnce(&mut T),
    {
        self.send_if_modified(|v| {
            modify(v);
            true
        });
    }

    /// Modifies the value in place and notifies receivers only if `modify`
    /// returns `true`. Returns what `modify` returned.
    ///
    /// Returning `false` after changing the value leaves the change
    /// invisible to [`changed`](Receiver::changed) until the next notifying
    /// send.
    ///
    /// # Panics
    ///
    /// A panic in `modify` is propagated; receivers are then not notified
    /// and the lock is not poisoned.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(0);
    /// assert!(!tx.send_if_modified(|v| false));
    /// assert!(!rx.has_changed().unwrap());
    /// assert!(tx.send_if_modified(|v| { *v = 5; true }));
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn send_if_modified<F>(&self, modify: F) -> bool
    where
        F: FnOnce(&mut T) -> bool,
    {
        {
            let mut guard = self.shared.write();
            match panic::catch_unwind(panic::AssertUnwindSafe(|| modify(&mut guard))) {
                Ok(true) => {}
                Ok(false) => return false,
                Err(payload) => {
                    drop(guard);
                    panic::resume_unwind(payload);
                }
            }
            self.shared.state.fetch_add(STEP, SeqCst);
        }
        self.shared.notify_rx.notify_waiters();
        true
    }

    /// Replaces the value, notifies every receiver (even if there are none)
    /// and returns the old value.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, _rx) = watch::channel(1);
    /// assert_eq!(tx.send_replace(2), 1);
    /// assert_eq!(tx.send_replace(3), 2);
    /// ```
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// Borrows the current value. The [`Ref`] holds a read lock (keep it
    /// short) and its [`has_changed`](Ref::has_changed) is always `false`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, _) = watch::channel(7);
    /// assert_eq!(*tx.borrow(), 7);
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            inner: self.shared.read(),
            has_changed: false,
        }
    }

    /// Returns `true` if there are no receivers left.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(());
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Waits until every receiver is dropped. This spends cooperative
    /// budget.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = watch::channel(());
    /// kiso::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # }
    /// ```
    pub async fn closed(&self) {
        crate::task::coop::cooperative(async {
            while self.receiver_count() > 0 {
                let notified = self.shared.notify_tx.notified();
                if self.receiver_count() == 0 {
                    return;
                }
                notified.await;
            }
        })
        .await
    }

    /// Creates a new receiver that has seen the current value.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, _rx) = watch::channel(0);
    /// tx.send(1).unwrap();
    /// let rx2 = tx.subscribe();
    /// assert_eq!(*rx2.borrow(), 1);
    /// assert!(!rx2.has_changed().unwrap());
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        self.shared.rx_count.fetch_add(1, Relaxed);
        Receiver {
            shared: self.shared.clone(),
            version: self.shared.version(),
        }
    }

    /// Returns the number of live receivers.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(());
    /// assert_eq!(tx.receiver_count(), 1);
    /// let rx2 = rx.clone();
    /// assert_eq!(tx.receiver_count(), 2);
    /// # drop(rx2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.rx_count.load(Relaxed)
    }

    /// Returns the number of live senders.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, _rx) = watch::channel(());
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.sender_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.sender_count(), 1);
    /// ```
    pub fn sender_count(&self) -> usize {
        self.shared.tx_count.load(Relaxed)
    }

    /// Returns `true` if both senders belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::watch;
    ///
    /// let (tx, _rx) = watch::channel(());
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&watch::Sender::new(())));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}
