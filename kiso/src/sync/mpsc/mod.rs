//! Multi-producer, single-consumer channels: many tasks send values, one
//! task receives them, in the order they were sent.
//!
//! [`channel`] makes a bounded channel: it buffers at most a fixed number of
//! messages, and senders wait (asynchronously) for room when it is full,
//! which gives back-pressure. [`unbounded_channel`] makes one whose buffer
//! grows without limit, so sending never waits.
//!
//! The receiver sees `None` once every sender is gone and every buffered
//! message has been received. [`Receiver::close`] stops new sends while the
//! messages already buffered (or reserved with a permit) can still be
//! received.
//!
//! The channels work on any executor, and their blocking methods
//! (`blocking_send`, `blocking_recv`) let synchronous code talk to
//! asynchronous code.
//!
//! # Examples
//!
//! ```
//! use kiso::sync::mpsc;
//!
//! # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let (tx, mut rx) = mpsc::channel(8);
//! for i in 0..3 {
//!     let tx = tx.clone();
//!     kiso::spawn(async move {
//!         tx.send(i).await.unwrap();
//!     });
//! }
//! drop(tx);
//! let mut got = Vec::new();
//! while let Some(v) = rx.recv().await {
//!     got.push(v);
//! }
//! got.sort();
//! assert_eq!(got, [0, 1, 2]);
//! # });
//! ```

mod bounded;
mod capacity;
mod chan;
pub mod error;
mod list;
mod unbounded;

#[cfg(all(test, loom))]
mod loom_tests;

pub use self::bounded::{
    channel, OwnedPermit, Permit, PermitIterator, Receiver, Sender, WeakSender,
};
pub use self::unbounded::{
    unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender,
};

pub(crate) use super::blocking::block_on;
