//! Synchronization primitives for asynchronous code: channels (`mpsc`,
//! `oneshot`, `broadcast`, `watch`), `Mutex`, `RwLock`, `Semaphore`,
//! `Notify`, `Barrier`, `OnceCell` and `SetOnce`.
//!
//! Everything here works on any executor, as Tokio's `sync` does: nothing
//! needs a kiso runtime, only a waker.

// ==== locks (Semaphore, Mutex, RwLock and their guards and errors) ====

// ==== Notify, Barrier, OnceCell, SetOnce ====

// ==== channels ====
