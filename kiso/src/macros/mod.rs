//! kiso's `macro_rules!` macros and the support items their expansions use.
//! Not a public API: only the macros' expansions name these paths.

#[macro_use]
mod cfg;

#[macro_use]
mod pin;

/// Items the exported macros name through `$crate::macros::support`; not a
/// public API.
#[doc(hidden)]
pub mod support {
    pub use std::future::{Future, IntoFuture};
    pub use std::pin::Pin;
    pub use std::task::{Context, Poll};
}
