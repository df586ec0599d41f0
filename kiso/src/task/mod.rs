//! Asynchronous green threads: spawning, joining and cooperating tasks.
//!
//! A *task* is a future handed to the runtime with [`spawn`]: the runtime
//! polls it until it completes, independently of the code that spawned it.
//! Tasks are lightweight — one allocation each — so programs spawn them by
//! the thousand. [`spawn`] returns a [`JoinHandle`] that can be awaited for
//! the task's output, [`aborted`](JoinHandle::abort), or dropped to let the
//! task run on detached.
//!
//! Blocking code (heavy computation, synchronous I/O) must not run inside a
//! task, because it keeps the thread from polling other tasks: run it with
//! [`spawn_blocking`] instead.
//!
//! # Examples
//!
//! ```
//! # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
//! # rt.block_on(async {
//! let handles: Vec<_> = (0..10u64).map(|i| kiso::spawn(async move { i * i })).collect();
//! let mut sum = 0;
//! for h in handles {
//!     sum += h.await.unwrap();
//! }
//! assert_eq!(sum, 285);
//! # });
//! ```

pub mod coop;

// Older paths of the budget functions, kept (hidden) for code written
// before they moved to `task::coop`, as Tokio keeps them.
#[doc(hidden)]
pub use coop::{consume_budget, unconstrained, Unconstrained};

cfg_rt_multi_thread! {
    mod blocking;
    pub use blocking::block_in_place;
}

cfg_rt! {
    mod builder;
    pub mod join_set;
    mod local;
    mod spawn;
    mod task_local;
    mod yield_now;

    pub use local::{spawn_local, LocalEnterGuard, LocalSet};

    pub use crate::runtime::task::{AbortHandle, Id, JoinError, JoinHandle, TaskInfo};
    pub use builder::Builder;
    #[doc(inline)]
    pub use join_set::JoinSet;
    pub use spawn::{spawn, spawn_blocking};
    pub use task_local::LocalKey;
    pub use yield_now::yield_now;

    /// Futures returned by the task API.
    pub mod futures {
        pub use super::task_local::TaskLocalFuture;
    }

    /// Returns the [`Id`] of the task being polled.
    ///
    /// # Panics
    ///
    /// Panics if called outside a task (for example directly inside
    /// `block_on`). [`try_id`] returns `None` instead.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(async { kiso::task::id() });
    /// let id = handle.id();
    /// assert_eq!(handle.await.unwrap(), id);
    /// # });
    /// ```
    #[track_caller]
    pub fn id() -> Id {
        match try_id() {
            Some(id) => id,
            None => panic!("`kiso::task::id()` called outside of a task: use `try_id()` where there may be none"),
        }
    }

    /// Returns the [`Id`] of the task being polled, or `None` outside a task.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::task::try_id().is_none());
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let inside = kiso::spawn(async { kiso::task::try_id() }).await.unwrap();
    /// assert!(inside.is_some());
    /// # });
    /// ```
    pub fn try_id() -> Option<Id> {
        crate::runtime::context::current_task_id()
    }
}
