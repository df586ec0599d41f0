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
//!   `rt-multi-thread`): tasks run on a pool of worker threads (one per CPU
//!   by default) that steal work from each other when they run dry; idle
//!   workers spin briefly, then sleep. On Linux, kiso also watches how much
//!   CPU time other processes take: when they leave the runtime fewer CPUs
//!   than it has busy workers plus half a CPU, tasks woken by I/O stay on the
//!   worker that polled the driver and idle workers are not woken to share a
//!   backlog (a worker woken then would only take turns for a CPU with
//!   another process). Nothing in the API changes, only where tasks run.
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
pub(crate) mod drive;
mod handle;
mod id;
mod local_runtime;
#[cfg(any(feature = "net", feature = "process", feature = "signal"))]
pub(crate) mod io;
mod metrics;
pub(crate) mod park;
mod rt;
pub(crate) mod scheduler;
pub(crate) mod task;
#[cfg(feature = "time")]
pub(crate) mod time;

pub use builder::Builder;
pub use handle::{EnterGuard, Handle, TryCurrentError};
pub use id::Id;
pub use local_runtime::{LocalOptions, LocalRuntime};
pub use metrics::RuntimeMetrics;
pub use rt::Runtime;
pub use crate::util::rand::RngSeed;

/// Returns the index of the runtime worker thread this is called on, or
/// `None` off a worker thread.
///
/// Indices run from 0 to the number of workers minus one. On a
/// current-thread runtime, the thread inside `block_on` (which runs the
/// tasks) is worker 0.
///
/// # Examples
///
/// ```
/// assert_eq!(kiso::runtime::worker_index(), None);
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// let inside = rt.block_on(async { kiso::spawn(async { kiso::runtime::worker_index() }).await.unwrap() });
/// assert_eq!(inside, Some(0));
/// ```
pub fn worker_index() -> Option<usize> {
    match context::scheduler() {
        context::SchedulerCx::None => None,
        context::SchedulerCx::CurrentThread(_) => Some(0),
        #[cfg(feature = "rt-multi-thread")]
        context::SchedulerCx::MultiThread(_) => scheduler::multi_thread::worker::current_index(),
        #[cfg(not(feature = "rt-multi-thread"))]
        context::SchedulerCx::MultiThread(_) => None,
    }
}

/// Returns true if `err` was produced because the runtime is shutting down
/// (for example an I/O operation whose driver is gone), rather than by the
/// operating system.
///
/// # Examples
///
/// ```
/// let err = std::io::Error::other("some failure");
/// assert!(!kiso::runtime::is_rt_shutdown_err(&err));
/// ```
pub fn is_rt_shutdown_err(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<ShutdownError>())
}

/// The inner error of `io::Error`s that kiso returns because its runtime is
/// shutting down; see [`is_rt_shutdown_err`].
#[derive(Debug)]
#[allow(dead_code)]
pub(crate) struct ShutdownError;

impl std::fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the runtime is shutting down")
    }
}

impl std::error::Error for ShutdownError {}

pub(crate) use handle::{spawn_on as handle_spawn_on, HandleInner, Scheduler};

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
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// Every task runs on the thread that calls `block_on`.
    CurrentThread,
    /// Tasks run on the runtime's worker threads.
    MultiThread,
}

impl RuntimeFlavor {
    /// Tokio's `RuntimeFlavor` is not `Clone`; this is kiso's internal copy.
    pub(crate) fn copy(&self) -> RuntimeFlavor {
        match self {
            RuntimeFlavor::CurrentThread => RuntimeFlavor::CurrentThread,
            RuntimeFlavor::MultiThread => RuntimeFlavor::MultiThread,
        }
    }
}

pub(crate) type Callback = Arc<dyn Fn() + Send + Sync>;
pub(crate) type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync>;

/// Hooks run around a driving thread's park.
#[derive(Clone, Default)]
pub(crate) struct ParkHooks {
    pub(crate) before_park: Option<Callback>,
    pub(crate) after_unpark: Option<Callback>,
}
