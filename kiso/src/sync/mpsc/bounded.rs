//! The bounded channel.

use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};

use super::chan::{Chan, MAX_CAPACITY};
use super::error::{SendError, TryRecvError, TrySendError};
use crate::loom::sync::Arc;

/// Sends values into a bounded channel; made by [`channel`].
///
/// Clone it to get more senders. When every `Sender` is dropped, the
/// [`Receiver`] sees the end of the channel after the buffered messages.
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = kiso::sync::mpsc::channel(4);
/// let tx2 = tx.clone();
/// tx.send(1).await.unwrap();
/// tx2.send(2).await.unwrap();
/// assert_eq!(rx.recv().await, Some(1));
/// assert_eq!(rx.recv().await, Some(2));
/// # });
/// ```
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// A sender that does not keep the channel open; made by
/// [`Sender::downgrade`].
///
/// [`upgrade`](WeakSender::upgrade) gives a [`Sender`] back while at least
/// one `Sender` still exists. Once the last `Sender` is gone, the channel is
/// closed for good and `upgrade` returns `None`.
///
/// # Examples
///
/// ```
/// let (tx, _rx) = kiso::sync::mpsc::channel::<i32>(1);
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakSender<T> {
    chan: Arc<Chan<T>>,
}

/// Capacity reserved for one message; made by [`Sender::reserve`] and
/// [`Sender::try_reserve`].
///
/// [`send`](Permit::send) uses it and cannot fail; dropping it unused gives
/// the capacity back.
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
/// let permit = tx.reserve().await.unwrap();
/// assert_eq!(tx.capacity(), 0);
/// permit.send("hi");
/// assert_eq!(rx.recv().await, Some("hi"));
/// # });
/// ```
pub struct Permit<'a, T> {
    chan: &'a Chan<T>,
}

/// Several reserved messages' worth of capacity, yielding one [`Permit`] at
/// a time; made by [`Sender::reserve_many`] and [`Sender::try_reserve_many`].
///
/// Dropping it gives back the capacity of the permits not taken out.
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = kiso::sync::mpsc::channel(4);
/// let permits = tx.reserve_many(3).await.unwrap();
/// assert_eq!(permits.len(), 3);
/// for (i, permit) in permits.enumerate() {
///     permit.send(i);
/// }
/// assert_eq!(rx.recv().await, Some(0));
/// assert_eq!(rx.len(), 2);
/// # });
/// ```
pub struct PermitIterator<'a, T> {
    chan: &'a Chan<T>,
    n: usize,
}

/// Capacity reserved for one message, owning its [`Sender`]; made by
/// [`Sender::reserve_owned`] and [`Sender::try_reserve_owned`].
///
/// Unlike [`Permit`] it borrows nothing, so it can move into another task.
/// [`send`](OwnedPermit::send) and [`release`](OwnedPermit::release) give
/// the `Sender` back; dropping it unused gives the capacity back.
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
/// let permit = tx.reserve_owned().await.unwrap();
/// let tx = permit.send(5);
/// assert_eq!(rx.recv().await, Some(5));
/// drop(tx);
/// # });
/// ```
pub struct OwnedPermit<T> {
    chan: Option<Arc<Chan<T>>>,
}

/// Receives the values of a bounded channel; made by [`channel`].
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = kiso::sync::mpsc::channel(2);
/// tx.send(1).await.unwrap();
/// drop(tx);
/// assert_eq!(rx.recv().await, Some(1));
/// assert_eq!(rx.recv().await, None);
/// # });
/// ```
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

/// Makes a bounded channel that buffers up to `buffer` messages.
///
/// Senders wait for room when the buffer is full; the receiver waits for a
/// message when it is empty.
///
/// # Panics
///
/// Panics if `buffer` is 0 or larger than `usize::MAX >> 3`.
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = kiso::sync::mpsc::channel(100);
/// kiso::spawn(async move {
///     for i in 0..10 {
///         tx.send(i).await.unwrap();
///     }
/// });
/// let mut sum = 0;
/// while let Some(i) = rx.recv().await {
///     sum += i;
/// }
/// assert_eq!(sum, 45);
/// # });
/// ```
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    assert!(
        buffer <= MAX_CAPACITY,
        "a semaphore may not have more than MAX_PERMITS permits ({MAX_CAPACITY})"
    );
    let chan = Chan::new(Some(buffer));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

impl<T> Receiver<T> {
    /// Receives the next value, waiting for one if the buffer is empty.
    ///
    /// Returns `None` once the channel is closed (every sender dropped, or
    /// [`close`](Receiver::close) called) and no buffered message or
    /// outstanding permit remains.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used in a `select!` branch and
    /// another branch completes first, no message was taken from the
    /// channel.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// kiso::spawn(async move { tx.send("hello").await.unwrap() });
    /// assert_eq!(rx.recv().await, Some("hello"));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| {
            // SAFETY: called through the receiver handle, which alone uses the
            // receiver side of the channel.
            unsafe { self.chan.poll_recv(cx) }
        })
        .await
    }

    /// Receives up to `limit` values into `buffer` (appending), waiting
    /// until at least one is available; returns how many were added.
    ///
    /// Returns 0 right away if `limit` is 0, and 0 once the channel is
    /// closed and drained as [`recv`](Receiver::recv) would return `None`.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is cancelled, no message was taken
    /// from the channel.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(4);
    /// for i in 0..3 {
    ///     tx.send(i).await.unwrap();
    /// }
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 2).await, 2);
    /// assert_eq!(rx.recv_many(&mut buf, 2).await, 1);
    /// assert_eq!(buf, [0, 1, 2]);
    /// # });
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| {
            // SAFETY: called through the receiver handle, which alone uses the
            // receiver side of the channel.
            unsafe { self.chan.poll_recv_many(cx, buffer, limit) }
        })
        .await
    }

    /// Receives a value if one is buffered, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if nothing is buffered but a message may
    /// still come; [`TryRecvError::Disconnected`] if the channel is closed
    /// and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::mpsc::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.try_send(3).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(3));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.try_recv() }.map_err(|disconnected| {
            if disconnected {
                TryRecvError::Disconnected
            } else {
                TryRecvError::Empty
            }
        })
    }

    /// Blocking version of [`recv`](Receiver::recv), for synchronous code.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives an asynchronous runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// let t = std::thread::spawn(move || rx.blocking_recv());
    /// tx.blocking_send(10).unwrap();
    /// assert_eq!(t.join().unwrap(), Some(10));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        super::block_on(self.recv())
    }

    /// Blocking version of [`recv_many`](Receiver::recv_many).
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives an asynchronous runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(4);
    /// tx.blocking_send(1).unwrap();
    /// tx.blocking_send(2).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 10), 2);
    /// assert_eq!(buf, [1, 2]);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        super::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the channel for sending, without dropping the receiver.
    ///
    /// Sends and reservations fail from now on, and waiting senders are
    /// woken with an error; messages already buffered, and those sent
    /// through permits reserved before the close, can still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// rx.close();
    /// assert!(tx.send(2).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub fn close(&mut self) {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.close_rx() };
    }

    /// Whether the channel is closed: [`close`](Receiver::close) was called
    /// or every sender is gone. Buffered messages may still be waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel::<()>(1);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.is_closed_for_rx() }
    }

    /// Whether no message is buffered.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel(1);
    /// assert!(rx.is_empty());
    /// tx.try_send(0).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.is_empty() }
    }

    /// How many messages are buffered.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel(4);
    /// tx.try_send(0).unwrap();
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.len() }
    }

    /// The free capacity: how many messages could be sent now without
    /// waiting (buffered messages and outstanding permits take capacity).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel(4);
    /// let _permit = tx.try_reserve().unwrap();
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.capacity(), 2);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.capacity()
    }

    /// The capacity the channel was made with.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel(4);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.max_capacity(), 4);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.max_capacity()
    }

    /// Polls for the next value: the poll form of [`recv`](Receiver::recv),
    /// for use in hand-written futures.
    ///
    /// Returns `Poll::Pending` (and registers `cx`'s waker, replacing the
    /// one from an earlier call) when nothing is buffered and the channel is
    /// open; `Poll::Ready(None)` when it is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// tx.send(4).await.unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(4));
    /// # });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.poll_recv(cx) }
    }

    /// Polls for up to `limit` values: the poll form of
    /// [`recv_many`](Receiver::recv_many).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(4);
    /// tx.send(1).await.unwrap();
    /// tx.send(2).await.unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buf, 4)).await, 2);
    /// # });
    /// ```
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.poll_recv_many(cx, buffer, limit) }
    }

    /// How many [`Sender`]s exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let _tx2 = tx.clone();
    /// assert_eq!(rx.sender_strong_count(), 2);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// How many [`WeakSender`]s exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // SAFETY: the receiver's drop, once.
        unsafe { self.chan.drop_rx() };
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("chan", &self.chan).finish()
    }
}

impl<T> Unpin for Receiver<T> {}

impl<T> Sender<T> {
    /// Sends `value`, waiting for room if the buffer is full.
    ///
    /// # Errors
    ///
    /// Fails with the value in [`SendError`] if the receiver is closed or
    /// dropped (also while waiting).
    ///
    /// # Cancel safety
    ///
    /// If `send` is cancelled, the value is lost (dropped with the future)
    /// and the sender loses its place in the queue of waiting senders. To
    /// keep the value when cancelling, wait with [`reserve`](Sender::reserve)
    /// and then send through the permit.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// kiso::spawn(async move {
    ///     for i in 0..3 {
    ///         tx.send(i).await.unwrap();
    ///     }
    /// });
    /// for i in 0..3 {
    ///     assert_eq!(rx.recv().await, Some(i));
    /// }
    /// # });
    /// ```
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.chan.acquire(1).await {
            Ok(()) => {
                self.chan.push_reserved(value);
                Ok(())
            }
            Err(()) => Err(SendError(value)),
        }
    }

    /// Completes once the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, rx) = kiso::sync::mpsc::channel::<()>(1);
    /// kiso::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await;
    }

    /// Sends `value` if there is room right now, without waiting.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Closed`] if the receiver is closed or dropped,
    /// otherwise [`TrySendError::Full`] if there is no room; both carry the
    /// value back.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, _rx) = mpsc::channel(1);
    /// assert!(tx.try_send(1).is_ok());
    /// assert!(matches!(tx.try_send(2), Err(TrySendError::Full(2))));
    /// ```
    pub fn try_send(&self, message: T) -> Result<(), TrySendError<T>> {
        self.chan.try_send(message).map_err(|(v, closed)| {
            if closed {
                TrySendError::Closed(v)
            } else {
                TrySendError::Full(v)
            }
        })
    }

    /// Sends `value`, waiting at most `timeout` for room.
    ///
    /// # Errors
    ///
    /// [`SendTimeoutError::Timeout`](super::error::SendTimeoutError::Timeout)
    /// if no room became free in time,
    /// [`SendTimeoutError::Closed`](super::error::SendTimeoutError::Closed)
    /// if the receiver is closed or dropped; both carry the value back.
    ///
    /// # Panics
    ///
    /// Panics if used outside a runtime with its time driver enabled.
    ///
    /// # Cancel safety
    ///
    /// As for [`send`](Sender::send): cancelling loses the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// tx.send_timeout(1, Duration::from_millis(10)).await.unwrap();
    /// assert!(tx.send_timeout(2, Duration::from_millis(10)).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    #[cfg(all(feature = "time", feature = "rt"))]
    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: std::time::Duration,
    ) -> Result<(), super::error::SendTimeoutError<T>> {
        use super::error::SendTimeoutError;
        let permit = match crate::time::timeout(timeout, self.reserve()).await {
            Err(_) => return Err(SendTimeoutError::Timeout(value)),
            Ok(Err(_)) => return Err(SendTimeoutError::Closed(value)),
            Ok(Ok(permit)) => permit,
        };
        permit.send(value);
        Ok(())
    }

    /// Blocking version of [`send`](Sender::send), for synchronous code.
    ///
    /// # Errors
    ///
    /// Fails with the value in [`SendError`] if the receiver is closed or
    /// dropped.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives an asynchronous runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// let t = std::thread::spawn(move || {
    ///     tx.blocking_send(1).unwrap();
    ///     tx.blocking_send(2).unwrap();
    /// });
    /// assert_eq!(rx.blocking_recv(), Some(1));
    /// assert_eq!(rx.blocking_recv(), Some(2));
    /// t.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        super::block_on(self.send(value))
    }

    /// Whether the receiver is closed or dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel::<()>(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Waits for room for one message and reserves it, returning a
    /// [`Permit`] to send it with.
    ///
    /// # Errors
    ///
    /// [`SendError`] if the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Senders wait first come, first served; cancelling this call loses the
    /// place in that queue, but no message is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// let permit = tx.reserve().await.unwrap();
    /// assert!(tx.try_send(1).is_err());
    /// permit.send(2);
    /// assert_eq!(rx.recv().await, Some(2));
    /// # });
    /// ```
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        self.reserve_inner(1).await?;
        Ok(Permit { chan: &self.chan })
    }

    /// Waits for room for `n` messages and reserves it all at once.
    ///
    /// # Errors
    ///
    /// [`SendError`] if the receiver is closed or dropped, or if `n` is
    /// larger than the channel's [`max_capacity`](Sender::max_capacity).
    ///
    /// # Cancel safety
    ///
    /// Cancelling this call loses the place in the queue of waiting senders
    /// and gives back any capacity it had collected; no message is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(2);
    /// let mut permits = tx.reserve_many(2).await.unwrap();
    /// assert_eq!(tx.capacity(), 0);
    /// permits.next().unwrap().send(1);
    /// drop(permits);
    /// assert_eq!(tx.capacity(), 1);
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        self.reserve_inner(n).await?;
        Ok(PermitIterator { chan: &self.chan, n })
    }

    async fn reserve_inner(&self, n: usize) -> Result<(), SendError<()>> {
        if n > self.chan.max_capacity() {
            return Err(SendError(()));
        }
        self.chan.acquire(n).await.map_err(|()| SendError(()))
    }

    /// Like [`reserve`](Sender::reserve), but takes the sender and returns
    /// an [`OwnedPermit`] that owns it, so the permit can outlive the
    /// borrow (e.g. move into a spawned task).
    ///
    /// # Errors
    ///
    /// [`SendError`] if the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancelling this call loses the place in the queue of waiting senders
    /// (and drops the sender); no message is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// let permit = tx.clone().reserve_owned().await.unwrap();
    /// kiso::spawn(async move { permit.send("owned") });
    /// assert_eq!(rx.recv().await, Some("owned"));
    /// # drop(tx);
    /// # });
    /// ```
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        self.reserve_inner(1).await?;
        Ok(OwnedPermit { chan: Some(self.take_chan()) })
    }

    /// Moves the channel reference out without running `Drop` (the strong
    /// count passes to the new owner).
    fn take_chan(self) -> Arc<Chan<T>> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is
        // moved out exactly once.
        unsafe { std::ptr::read(&this.chan) }
    }

    /// Reserves room for one message if there is some right now.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Closed`] if the receiver is closed or dropped,
    /// otherwise [`TrySendError::Full`] if there is no room.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<i32>(1);
    /// let permit = tx.try_reserve().unwrap();
    /// assert!(tx.try_reserve().is_err());
    /// drop(permit);
    /// assert!(tx.try_reserve().is_ok());
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        self.try_acquire(1)?;
        Ok(Permit { chan: &self.chan })
    }

    fn try_acquire(&self, n: usize) -> Result<(), TrySendError<()>> {
        match self.chan.try_acquire(n) {
            Ok(()) => Ok(()),
            Err(true) => Err(TrySendError::Closed(())),
            Err(false) => Err(TrySendError::Full(())),
        }
    }

    /// Reserves room for `n` messages if there is that much right now.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] if `n` exceeds the
    /// [`max_capacity`](Sender::max_capacity) or there is not enough room;
    /// [`TrySendError::Closed`] if the receiver is closed or dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<i32>(3);
    /// let permits = tx.try_reserve_many(2).unwrap();
    /// assert!(tx.try_reserve_many(2).is_err());
    /// assert_eq!(permits.len(), 2);
    /// ```
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        if n > self.chan.max_capacity() {
            return Err(TrySendError::Full(()));
        }
        self.try_acquire(n)?;
        Ok(PermitIterator { chan: &self.chan, n })
    }

    /// Like [`try_reserve`](Sender::try_reserve), but takes the sender and
    /// returns an [`OwnedPermit`] that owns it.
    ///
    /// # Errors
    ///
    /// As `try_reserve`; the error carries the sender back.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<i32>(1);
    /// let permit = tx.try_reserve_owned().unwrap();
    /// let tx = permit.release();
    /// assert_eq!(tx.capacity(), 1);
    /// ```
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.chan.try_acquire(1) {
            Ok(()) => Ok(OwnedPermit { chan: Some(self.take_chan()) }),
            Err(true) => Err(TrySendError::Closed(self)),
            Err(false) => Err(TrySendError::Full(self)),
        }
    }

    /// Whether both senders belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let (other, _orx) = kiso::sync::mpsc::channel::<()>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// The free capacity: how many messages could be sent now without
    /// waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel(5);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(tx.capacity(), 4);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.capacity()
    }

    /// Makes a [`WeakSender`], which does not keep the channel open.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// assert!(weak.upgrade().unwrap().same_channel(&tx));
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        self.chan.inc_weak();
        WeakSender { chan: self.chan.clone() }
    }

    /// The capacity the channel was made with.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel(5);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(tx.max_capacity(), 5);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.max_capacity()
    }

    /// How many [`Sender`]s of this channel exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// How many [`WeakSender`]s of this channel exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let _w = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.chan.inc_tx();
        Sender { chan: self.chan.clone() }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.dec_tx();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("chan", &self.chan).finish()
    }
}

impl<T> WeakSender<T> {
    /// Gives a [`Sender`] back if the channel still has one; `None` once
    /// every `Sender` is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// let tx2 = weak.upgrade().unwrap();
    /// drop((tx, tx2));
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        if self.chan.try_upgrade() {
            Some(Sender { chan: self.chan.clone() })
        } else {
            None
        }
    }

    /// How many [`Sender`]s of this channel exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// How many [`WeakSender`]s of this channel exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// let _weak2 = weak.clone();
    /// assert_eq!(weak.weak_count(), 2);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> WeakSender<T> {
        self.chan.inc_weak();
        WeakSender { chan: self.chan.clone() }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.chan.dec_weak();
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish()
    }
}

impl<T> Permit<'_, T> {
    /// Sends `value` with the reserved capacity. It cannot fail; if the
    /// receiver has been dropped, the value is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// tx.try_reserve().unwrap().send(9);
    /// assert_eq!(rx.recv().await, Some(9));
    /// # });
    /// ```
    pub fn send(self, value: T) {
        let chan = self.chan;
        std::mem::forget(self);
        chan.push_reserved(value);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.release(1);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").field("chan", &self.chan).finish()
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Permit<'a, T>> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}

impl<T> std::iter::FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n > 0 {
            self.chan.release(self.n);
        }
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitIterator")
            .field("chan", &self.chan)
            .field("capacity", &self.n)
            .finish()
    }
}

impl<T> OwnedPermit<T> {
    /// Sends `value` with the reserved capacity and gives the [`Sender`]
    /// back. It cannot fail; if the receiver has been dropped, the value is
    /// dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::channel(1);
    /// let tx = tx.reserve_owned().await.unwrap().send(1);
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert!(tx.try_send(2).is_ok());
    /// # });
    /// ```
    pub fn send(mut self, value: T) -> Sender<T> {
        let chan = self.chan.take().expect("permit holds its channel until used");
        chan.push_reserved(value);
        Sender { chan }
    }

    /// Gives the reserved capacity back unused and returns the [`Sender`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(1);
    /// let permit = tx.try_reserve_owned().unwrap();
    /// let tx = permit.release();
    /// assert_eq!(tx.capacity(), 1);
    /// ```
    pub fn release(mut self) -> Sender<T> {
        let chan = self.chan.take().expect("permit holds its channel until used");
        chan.release(1);
        Sender { chan }
    }

    /// Whether both permits belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(2);
    /// let a = tx.clone().try_reserve_owned().unwrap();
    /// let b = tx.try_reserve_owned().unwrap();
    /// assert!(a.same_channel(&b));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        match (&self.chan, &other.chan) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Whether this permit belongs to `sender`'s channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::channel::<()>(2);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// assert!(permit.same_channel_as_sender(&tx));
    /// ```
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        match &self.chan {
            Some(a) => Arc::ptr_eq(a, &sender.chan),
            None => false,
        }
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(chan) = self.chan.take() {
            chan.release(1);
            drop(Sender { chan });
        }
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").field("chan", &self.chan).finish()
    }
}
