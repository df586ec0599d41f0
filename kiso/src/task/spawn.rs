//! `spawn` and `spawn_blocking` on the current runtime.

use crate::runtime::{context, task, Handle, HandleInner};
use crate::task::JoinHandle;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::sync::Arc;

/// Spawns a new asynchronous task on the current runtime and returns a
/// [`JoinHandle`] for it.
///
/// The task starts running in the background right away (on a
/// current-thread runtime: as soon as the thread driving it gets to it), even
/// if the `JoinHandle` is never awaited. Awaiting the handle returns the
/// task's output, or a [`JoinError`](crate::task::JoinError) if it panicked
/// or was cancelled. Dropping the handle detaches the task.
///
/// A panic inside the task is caught: it ends the task, is reported through
/// its `JoinHandle`, and does not affect the runtime or other tasks.
///
/// # Panics
///
/// Panics, naming the caller's location, if called outside the context of a
/// runtime (see [`Handle::enter`](crate::runtime::Handle::enter)).
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = kiso::spawn(async {
///     // Runs concurrently with the code that spawned it.
///     "done"
/// });
/// assert_eq!(handle.await.unwrap(), "done");
/// # });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let id = task::Id::next();
    let Some(inner) = context::with_current(|h| h.map(|h| h as *const HandleInner)) else {
        panic!(
            "`spawn` called outside of a runtime: it must be called from the context of a \
             kiso (Tokio 1.x compatible) runtime, inside `block_on`, a task, or while an \
             `EnterGuard` is alive"
        )
    };
    // Borrow the entered handle's `Arc` without touching its count; the task
    // clones it once for itself.
    // SAFETY: the pointer is `Arc::as_ptr` of a handle kept alive by the
    // guard that entered it, which outlives this call; `ManuallyDrop` gives
    // the count back untouched.
    let arc = ManuallyDrop::new(unsafe { Arc::from_raw(inner) });
    crate::runtime::handle_spawn_on(&arc, future, id)
}

/// Runs a blocking function on a thread of the runtime's blocking pool and
/// returns a [`JoinHandle`] to its result.
///
/// Use it for synchronous work that would otherwise stall the thread that
/// polls asynchronous tasks: heavy computation, blocking system calls,
/// synchronous libraries. The pool starts threads on demand, up to
/// [`max_blocking_threads`](crate::runtime::Builder::max_blocking_threads);
/// further calls wait in a queue for a free thread. Idle threads exit after
/// [`thread_keep_alive`](crate::runtime::Builder::thread_keep_alive).
///
/// A blocking function cannot be aborted once it has started: `abort` only
/// prevents it from starting. When the runtime shuts down, functions that
/// have not started are cancelled, and the shutdown waits for running ones
/// (see [`Runtime::shutdown_timeout`](crate::runtime::Runtime::shutdown_timeout)).
///
/// # Panics
///
/// Panics, naming the caller's location, if called outside the context of a
/// runtime.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let digest = kiso::task::spawn_blocking(|| {
///     // Pretend this is expensive.
///     (0..1_000u64).fold(0, |acc, x| acc ^ x.wrapping_mul(31))
/// })
/// .await
/// .unwrap();
/// println!("{digest}");
/// # });
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    Handle::current().spawn_blocking(f)
}
