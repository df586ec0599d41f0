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

// ==== channels ====
