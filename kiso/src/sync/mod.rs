//! Synchronization primitives for asynchronous code: channels (`mpsc`,
//! `oneshot`, `broadcast`, `watch`), `Mutex`, `RwLock`, `Semaphore`,
//! `Notify`, `Barrier`, `OnceCell` and `SetOnce`.
//!
//! Everything here works on any executor, as Tokio's `sync` does: nothing
//! needs a kiso runtime, only a waker.

// ==== locks (Semaphore, Mutex, RwLock and their guards and errors) ====
pub(crate) mod batch_semaphore;
pub use batch_semaphore::{AcquireError, TryAcquireError};

mod semaphore;
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};

mod mutex;
pub use mutex::{MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError};

mod rwlock;
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};

#[cfg(all(test, loom))]
mod loom_tests_semaphore;

// ==== Notify, Barrier, OnceCell, SetOnce ====
mod barrier;
pub use barrier::{Barrier, BarrierWaitResult};

mod notify;
pub use notify::Notify;

/// Named future types returned by some of the `sync` methods.
pub mod futures {
    pub use super::notify::{Notified, OwnedNotified};
}

mod once_cell;
pub use self::once_cell::{OnceCell, SetError};

mod set_once;
pub use self::set_once::{SetOnce, SetOnceError};

// ==== channels ====
pub mod broadcast;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

// `block_on` for the `blocking_*` methods.
mod blocking;
