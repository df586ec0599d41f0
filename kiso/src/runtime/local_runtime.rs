//! `LocalRuntime`: a current-thread runtime that also runs `!Send` tasks.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::time::Duration;

use crate::runtime::{Builder, EnterGuard, Handle, Runtime, RuntimeMetrics};
use crate::task::{JoinHandle, LocalSet};

/// Options for [`Builder::build_local`]; none yet.
///
/// # Examples
///
/// ```
/// use kiso::runtime::{Builder, LocalOptions};
///
/// let rt = Builder::new_current_thread().build_local(LocalOptions::default()).unwrap();
/// # drop(rt);
/// ```
#[derive(Default, Debug)]
#[non_exhaustive]
pub struct LocalOptions {
    _not_send: PhantomData<*mut u8>,
}

/// A runtime that runs every task on the thread that owns it, including
/// tasks that are not `Send`.
///
/// It is a current-thread runtime plus a [`LocalSet`] that is current
/// whenever the runtime runs: [`spawn_local`](crate::task::spawn_local)
/// works from its `block_on` future and from any of its tasks, and
/// [`LocalRuntime::spawn_local`] spawns from outside. The runtime itself is
/// not `Send`. Its [`Handle`] is, and spawns `Send` tasks as usual.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use kiso::runtime::LocalRuntime;
///
/// let rt = LocalRuntime::new().unwrap();
/// let shared = Rc::new(5);
/// let s2 = shared.clone();
/// let out = rt.block_on(async move {
///     kiso::task::spawn_local(async move { *s2 * 2 }).await.unwrap()
/// });
/// assert_eq!(out, 10);
/// ```
pub struct LocalRuntime {
    // Both are dropped by hand: the set first, with the runtime entered.
    local: ManuallyDrop<LocalSet>,
    rt: ManuallyDrop<Runtime>,
}

impl Builder {
    /// Builds a [`LocalRuntime`] from this current-thread builder.
    ///
    /// # Errors
    ///
    /// As [`build`](Builder::build): the I/O driver could not be created.
    ///
    /// # Panics
    ///
    /// Panics if the builder is for a multi-thread runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread()
    ///     .enable_all()
    ///     .build_local(Default::default())
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn build_local(&mut self, options: LocalOptions) -> std::io::Result<LocalRuntime> {
        let _ = options;
        assert!(self.is_current_thread(), "multi_thread is not supported for LocalRuntime");
        let rt = self.build()?;
        Ok(LocalRuntime { local: ManuallyDrop::new(LocalSet::new()), rt: ManuallyDrop::new(rt) })
    }
}

impl LocalRuntime {
    /// Builds a local runtime with the I/O and time drivers enabled.
    ///
    /// # Errors
    ///
    /// As [`Builder::build_local`].
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// # drop(rt);
    /// ```
    pub fn new() -> std::io::Result<LocalRuntime> {
        Builder::new_current_thread().enable_all().build_local(LocalOptions::default())
    }

    /// The handle of the runtime, for spawning `Send` tasks from anywhere.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// let h = rt.handle().spawn(async { 3 });
    /// assert_eq!(rt.block_on(h).unwrap(), 3);
    /// ```
    pub fn handle(&self) -> &Handle {
        self.rt.handle()
    }

    /// Spawns a `!Send` future; it runs while the runtime runs (in
    /// [`block_on`](LocalRuntime::block_on)).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// let h = rt.spawn_local(async { std::rc::Rc::new(4) });
    /// assert_eq!(*rt.block_on(h).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.local.spawn_local(future)
    }

    /// Runs `func` on the blocking thread pool.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// let h = rt.spawn_blocking(|| 2 + 2);
    /// assert_eq!(rt.block_on(h).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.rt.spawn_blocking(func)
    }

    /// Runs `future` to completion on this thread, with every task of the
    /// runtime, local or not.
    ///
    /// # Panics
    ///
    /// Panics if called inside an asynchronous context.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// assert_eq!(rt.block_on(async { "done" }), "done");
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        // The set stays current for the whole call, so every task of the
        // runtime (they all run on this thread) may `spawn_local`.
        let _entered = self.local.enter();
        self.local.block_on(&self.rt, future)
    }

    /// Enters the runtime's context, as [`Runtime::enter`]: while the guard
    /// lives, [`spawn`](crate::spawn) and also
    /// [`spawn_local`](crate::task::spawn_local) work on this thread. The
    /// tasks run once the runtime is driven (`block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// let _guard = rt.enter();
    /// let h = kiso::spawn(async { 1 });
    /// let local = kiso::task::spawn_local(async { std::rc::Rc::new(2) });
    /// # drop(_guard);
    /// assert_eq!(rt.block_on(h).unwrap(), 1);
    /// assert_eq!(*rt.block_on(local).unwrap(), 2);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        let mut guard = self.rt.enter();
        guard.local = Some(self.local.enter());
        guard
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking
    /// tasks, as [`Runtime::shutdown_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// rt.shutdown_timeout(std::time::Duration::from_millis(10));
    /// ```
    pub fn shutdown_timeout(self, duration: Duration) {
        let (local, rt) = self.into_parts();
        {
            let _guard = rt.enter();
            drop(local);
        }
        rt.shutdown_timeout(duration);
    }

    /// Shuts the runtime down without waiting for blocking tasks, as
    /// [`Runtime::shutdown_background`].
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// rt.shutdown_background();
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// The runtime's metrics.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::LocalRuntime::new().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.rt.metrics()
    }

    fn into_parts(self) -> (LocalSet, Runtime) {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so each field is
        // moved out exactly once.
        unsafe { (ManuallyDrop::take(&mut this.local), ManuallyDrop::take(&mut this.rt)) }
    }
}

impl Drop for LocalRuntime {
    fn drop(&mut self) {
        {
            // Local tasks are dropped with the runtime entered, so their
            // destructors may use it.
            let _guard = self.rt.enter();
            // SAFETY: dropped once, here; not used afterwards.
            unsafe { ManuallyDrop::drop(&mut self.local) };
        }
        // SAFETY: as above.
        unsafe { ManuallyDrop::drop(&mut self.rt) };
    }
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime").field("rt", &*self.rt).finish_non_exhaustive()
    }
}

impl std::panic::UnwindSafe for LocalRuntime {}
impl std::panic::RefUnwindSafe for LocalRuntime {}
