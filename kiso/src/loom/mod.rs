//! The one place concurrent code gets its atomics, cells, locks and threads from.
//!
//! Normally this is `std`; under `--cfg loom` it is the `loom` model checker's
//! instrumented versions, so the same code can be explored exhaustively. Every
//! lock-free structure in kiso must import from here, never from `std` directly.

#[cfg(not(loom))]
mod std_impl;
#[cfg(not(loom))]
pub(crate) use std_impl::*;

#[cfg(loom)]
mod loom_impl;
#[cfg(loom)]
pub(crate) use loom_impl::*;
