//! The I/O driver (reactor) and what resources use to talk to it.
//!
//! * [`Driver`]: the runtime's OS event queue and registration set.
//! * [`ScheduledIo`](scheduled_io::ScheduledIo): one resource's readiness
//!   word (flags plus a tick) and waiters.
//! * [`Registration`]: a resource's handle on both, with the wait / try /
//!   clear-on-`WouldBlock` loops.
//! * [`PollEvented`]: a mio resource plus its registration; the base of
//!   every socket type.

mod driver;
#[cfg(all(test, loom))]
mod loom_tests;
mod poll_evented;
mod registration;
#[cfg(all(test, not(loom)))]
mod tests;
pub(crate) mod scheduled_io;

pub(crate) use driver::Driver;
#[allow(unused_imports)]
pub(crate) use poll_evented::PollEvented;
#[allow(unused_imports)]
pub(crate) use registration::{Readiness, Registration};
#[allow(unused_imports)]
pub(crate) use scheduled_io::{Direction, ReadyEvent};

/// The error an I/O operation returns once its runtime is shut down.
pub(crate) fn shutdown_error() -> std::io::Error {
    std::io::Error::other(crate::runtime::ShutdownError)
}
