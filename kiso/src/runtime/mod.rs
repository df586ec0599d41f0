//! The kiso runtime: scheduler, drivers and blocking pool.
//!
//! Asynchronous code needs something to poll its futures, to wake them when
//! their I/O or timers are ready, and to run blocking work somewhere it does
//! not stall them. The [`Runtime`] bundles all three. Most programs create it
//! with [`#[kiso::main]`](crate::main); [`Builder`] gives full control.
//!
//! Two schedulers are available:
//!
//! * **current-thread** ([`Builder::new_current_thread`]): every task runs on
//!   the thread that calls [`Runtime::block_on`]. No synchronisation between
//!   workers, the lowest overhead per task, and tasks run only while some
//!   thread is in `block_on`.
//! * **multi-thread** (`Builder::new_multi_thread`, feature
//!   `rt-multi-thread`): tasks run on worker threads of their own.
//!
//! # Examples
//!
//! ```
//! use kiso::runtime::Builder;
//!
//! let rt = Builder::new_current_thread().enable_all().build().unwrap();
//! rt.block_on(async {
//!     let handle = kiso::spawn(async { "hello from a task" });
//!     assert_eq!(handle.await.unwrap(), "hello from a task");
//! });
//! ```

mod blocking;
mod builder;
pub(crate) mod context;
mod handle;
mod id;
pub(crate) mod park;
mod rt;
pub(crate) mod scheduler;
pub(crate) mod task;
mod worker;

pub use builder::Builder;
pub use handle::{EnterGuard, Handle, TryCurrentError};
pub use id::Id;
pub use rt::Runtime;

pub(crate) use handle::HandleInner;

use std::sync::Arc;

/// The flavor of a runtime: which scheduler it uses.
///
/// Returned by [`Handle::runtime_flavor`]. New flavors may be added, so
/// matches need a wildcard arm.
///
/// # Examples
///
/// ```
/// use kiso::runtime::{Builder, RuntimeFlavor};
///
/// let rt = Builder::new_current_thread().build().unwrap();
/// match rt.handle().runtime_flavor() {
///     RuntimeFlavor::CurrentThread => println!("single thread"),
///     _ => println!("several threads"),
/// }
/// ```
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// Every task runs on the thread that calls `block_on`.
    CurrentThread,
    /// Tasks run on the runtime's worker threads.
    MultiThread,
}

pub(crate) type Callback = Arc<dyn Fn() + Send + Sync>;
pub(crate) type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync>;

/// Hooks run around a driving thread's park.
#[derive(Clone, Default)]
pub(crate) struct ParkHooks {
    pub(crate) before_park: Option<Callback>,
    pub(crate) after_unpark: Option<Callback>,
}
