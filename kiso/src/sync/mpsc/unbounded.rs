//! The unbounded channel.

use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};

use super::chan::Chan;
use super::error::{SendError, TryRecvError};
use crate::loom::sync::Arc;

/// Sends values into an unbounded channel; made by [`unbounded_channel`].
///
/// Sending never waits. Clone it to get more senders; the receiver sees the
/// end of the channel once all are dropped and the buffer is drained.
///
/// # Examples
///
/// ```
/// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
/// tx.send(1).unwrap();
/// tx.clone().send(2).unwrap();
/// assert_eq!(rx.try_recv(), Ok(1));
/// assert_eq!(rx.try_recv(), Ok(2));
/// ```
pub struct UnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// An unbounded sender that does not keep the channel open; made by
/// [`UnboundedSender::downgrade`].
///
/// # Examples
///
/// ```
/// let (tx, _rx) = kiso::sync::mpsc::unbounded_channel::<i32>();
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakUnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// Receives the values of an unbounded channel; made by
/// [`unbounded_channel`].
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
/// tx.send("a").unwrap();
/// drop(tx);
/// assert_eq!(rx.recv().await, Some("a"));
/// assert_eq!(rx.recv().await, None);
/// # });
/// ```
pub struct UnboundedReceiver<T> {
    chan: Arc<Chan<T>>,
}

/// Makes a channel with an unlimited buffer: sending never waits.
///
/// Nothing limits how many messages pile up if the receiver falls behind;
/// use [`channel`](super::channel) when back-pressure is needed.
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
/// kiso::spawn(async move {
///     for i in 0..5 {
///         tx.send(i).unwrap();
///     }
/// });
/// let mut got = Vec::new();
/// while let Some(i) = rx.recv().await {
///     got.push(i);
/// }
/// assert_eq!(got, [0, 1, 2, 3, 4]);
/// # });
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Chan::new(None);
    (UnboundedSender { chan: chan.clone() }, UnboundedReceiver { chan })
}

impl<T> UnboundedReceiver<T> {
    /// Receives the next value, waiting for one if the buffer is empty.
    ///
    /// Returns `None` once the channel is closed (every sender dropped, or
    /// [`close`](UnboundedReceiver::close) called) and the buffer is empty.
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
    /// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
    /// kiso::spawn(async move { tx.send("hello").unwrap() });
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
    /// closed and drained.
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
    /// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
    /// for i in 0..3 {
    ///     tx.send(i).unwrap();
    /// }
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 10).await, 3);
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
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Ok(1));
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

    /// Blocking version of [`recv`](UnboundedReceiver::recv), for
    /// synchronous code.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives an asynchronous runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
    /// let t = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(10).unwrap();
    /// assert_eq!(t.join().unwrap(), Some(10));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        super::block_on(self.recv())
    }

    /// Blocking version of [`recv_many`](UnboundedReceiver::recv_many).
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives an asynchronous runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 10), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        super::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the channel for sending, without dropping the receiver;
    /// messages already buffered can still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub fn close(&mut self) {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.close_rx() };
    }

    /// Whether the channel is closed: [`close`](UnboundedReceiver::close)
    /// was called or every sender is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// assert!(!rx.is_closed());
    /// rx.close();
    /// assert!(rx.is_closed());
    /// # drop(tx);
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
    /// let (tx, rx) = kiso::sync::mpsc::unbounded_channel();
    /// assert!(rx.is_empty());
    /// tx.send(0).unwrap();
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
    /// let (tx, rx) = kiso::sync::mpsc::unbounded_channel();
    /// tx.send(0).unwrap();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.len() }
    }

    /// Polls for the next value: the poll form of
    /// [`recv`](UnboundedReceiver::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
    /// tx.send(4).unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(4));
    /// # });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // SAFETY: called through the receiver handle, which alone uses the
        // receiver side of the channel.
        unsafe { self.chan.poll_recv(cx) }
    }

    /// Polls for up to `limit` values: the poll form of
    /// [`recv_many`](UnboundedReceiver::recv_many).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buf, 4)).await, 1);
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

    /// How many [`UnboundedSender`]s exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// let _tx2 = tx.clone();
    /// assert_eq!(rx.sender_strong_count(), 2);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// How many [`WeakUnboundedSender`]s exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Drop for UnboundedReceiver<T> {
    fn drop(&mut self) {
        // SAFETY: the receiver's drop, once.
        unsafe { self.chan.drop_rx() };
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver").field("chan", &self.chan).finish()
    }
}

impl<T> UnboundedSender<T> {
    /// Sends `message` without waiting.
    ///
    /// # Errors
    ///
    /// Fails with the message in [`SendError`] if the receiver is closed or
    /// dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::unbounded_channel();
    /// assert!(tx.send(1).is_ok());
    /// drop(rx);
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        self.chan.send_unbounded(message).map_err(SendError)
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
    /// let (tx, rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// kiso::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await;
    }

    /// Whether the receiver is closed or dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Whether both senders belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// let (other, _orx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// Makes a [`WeakUnboundedSender`], which does not keep the channel
    /// open.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// let weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// assert!(weak.upgrade().unwrap().same_channel(&tx));
    /// ```
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        self.chan.inc_weak();
        WeakUnboundedSender { chan: self.chan.clone() }
    }

    /// How many [`UnboundedSender`]s of this channel exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// How many [`WeakUnboundedSender`]s of this channel exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// let _w = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> UnboundedSender<T> {
        self.chan.inc_tx();
        UnboundedSender { chan: self.chan.clone() }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.dec_tx();
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").field("chan", &self.chan).finish()
    }
}

impl<T> WeakUnboundedSender<T> {
    /// Gives an [`UnboundedSender`] back if the channel still has one;
    /// `None` once every `UnboundedSender` is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        if self.chan.try_upgrade() {
            Some(UnboundedSender { chan: self.chan.clone() })
        } else {
            None
        }
    }

    /// How many [`UnboundedSender`]s of this channel exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// How many [`WeakUnboundedSender`]s of this channel exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = kiso::sync::mpsc::unbounded_channel::<()>();
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> WeakUnboundedSender<T> {
        self.chan.inc_weak();
        WeakUnboundedSender { chan: self.chan.clone() }
    }
}

impl<T> Drop for WeakUnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.dec_weak();
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender").finish()
    }
}
