//! Asynchronous signal handling.
//!
//! A signal is delivered to the whole process, at any moment, on whatever
//! thread the OS picks; what a signal handler may do there is very limited.
//! This module turns signals into notifications that tasks wait for like any
//! other event:
//!
//! * [`ctrl_c`] completes at the next `SIGINT` (Ctrl+C), on every platform
//!   kiso runs on;
//! * [`unix::signal`] makes a listener for any catchable Unix signal.
//!
//! The first listener for a signal installs a process-wide handler for it
//! (through the `signal-hook-registry` crate, so other libraries using that
//! crate keep theirs), and that handler stays for the life of the process:
//! once a program listens for `SIGINT`, Ctrl+C no longer ends it by itself.
//! Any number of listeners, on any number of runtimes, each see every
//! delivery; deliveries that arrive while a listener is not looking are
//! merged into one notification.
//!
//! # Examples
//!
//! ```
//! use kiso::signal::unix::{signal, SignalKind};
//!
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let mut terminate = signal(SignalKind::terminate())?;
//! let mut usr1 = signal(SignalKind::user_defined1())?;
//! std::process::Command::new("kill")
//!     .args(["-USR1", &std::process::id().to_string()])
//!     .status()?;
//! kiso::select! {
//!     _ = terminate.recv() => println!("asked to stop"),
//!     _ = usr1.recv() => println!("asked for a status report"),
//! }
//! # Ok(())
//! # }
//! ```

mod deliveries;
#[cfg(all(test, loom))]
mod loom_tests;
mod registry;
pub mod unix;

use std::io;

/// Waits for the next `SIGINT` (Ctrl+C in a terminal).
///
/// The listener is set up at the first poll of the returned future, so a
/// `SIGINT` that arrives before that is not seen. Setting it up installs a
/// process-wide `SIGINT` handler that is never removed: from then on Ctrl+C
/// no longer ends the program by itself, even after the future is dropped.
///
/// # Errors
///
/// Returns an error if the handler or the listener cannot be set up (see
/// [`unix::signal`]).
///
/// # Panics
///
/// Panics if polled outside a kiso runtime, or in a runtime whose I/O
/// driver is not enabled.
///
/// # Cancel safety
///
/// Dropping the future before it completes is safe, but a `SIGINT` that
/// arrived while it was waiting and that it did not report is lost with it:
/// keep one [`unix::Signal`] for `SIGINT` to see every one.
///
/// # Examples
///
/// ```
/// use std::future::Future;
/// use std::task::Poll;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut stop = std::pin::pin!(kiso::signal::ctrl_c());
/// // The first poll sets the listener up; nothing has arrived yet.
/// let first = std::future::poll_fn(|cx| Poll::Ready(stop.as_mut().poll(cx))).await;
/// assert!(first.is_pending());
/// // Press Ctrl+C (here: send SIGINT to ourselves).
/// std::process::Command::new("kill")
///     .args(["-INT", &std::process::id().to_string()])
///     .status()?;
/// stop.await?;
/// println!("shutting down");
/// # Ok(())
/// # }
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    unix::ctrl_c()?.recv().await;
    Ok(())
}
