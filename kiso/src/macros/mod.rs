//! kiso's `macro_rules!` macros and the support items their expansions use.
//! Not a public API: only the macros' expansions name these paths.

#[macro_use]
mod cfg;

#[macro_use]
mod pin;

cfg_macros! {
    #[macro_use]
    mod select;
    #[macro_use]
    mod join;
    #[macro_use]
    mod try_join;
    mod maybe_done;
}

/// Items the exported macros name through `$crate::macros::support`; not a
/// public API.
#[doc(hidden)]
pub mod support {
    pub use std::future::{Future, IntoFuture};
    pub use std::pin::Pin;
    pub use std::task::{Context, Poll};

    cfg_macros! {
        pub use super::maybe_done::MaybeDone;
        pub use kiso_macros::{join_internal, select_internal, try_join_internal};
        pub use std::future::poll_fn;
        pub use std::pin::pin;
        pub use std::result::Result;
        pub use std::task::ready;

        /// A number in `0..n` from the current thread's random number
        /// generator: the one of the runtime driven on this thread (seeded
        /// by `Builder::rng_seed`), or one seeded at random.
        #[inline]
        pub fn thread_rng_n(n: u32) -> u32 {
            crate::util::rand::thread_rng_n(n)
        }

        /// `Ready` if the current task may go on; if its coop budget is
        /// spent, asks to be polled again and returns `Pending`.
        #[inline]
        pub fn poll_budget_available(cx: &mut Context<'_>) -> Poll<()> {
            if crate::task::coop::has_budget_remaining() {
                Poll::Ready(())
            } else {
                crate::task::coop::wake_to_yield(cx.waker());
                Poll::Pending
            }
        }
    }
}
