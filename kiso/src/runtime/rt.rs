//! `Runtime`: owns the scheduler, the drivers and the blocking pool.

use crate::runtime::blocking::BlockingPool;
use crate::runtime::handle::{EnterGuard, Handle};
use crate::runtime::scheduler::current_thread;
use crate::runtime::{context, park, RuntimeFlavor, RuntimeMetrics, Scheduler};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// The kiso runtime: a task scheduler, its drivers and a blocking pool.
///
/// Create one with [`Builder`](crate::runtime::Builder) (or
/// [`Runtime::new`]), run futures on it with [`block_on`](Runtime::block_on)
/// and [`spawn`](Runtime::spawn). Most programs use
/// [`#[kiso::main]`](crate::main) instead of building one by hand.
///
/// # Shutdown
///
/// Dropping the runtime cancels every task: each task's future is dropped
/// exactly once, on the dropping thread, and its `JoinHandle` then reports
/// cancellation. The drop then waits for blocking tasks that are running to
/// finish; [`shutdown_timeout`](Runtime::shutdown_timeout) bounds that wait
/// and [`shutdown_background`](Runtime::shutdown_background) skips it.
///
/// # Examples
///
/// ```
/// use kiso::runtime::Builder;
///
/// let rt = Builder::new_current_thread().enable_all().build().unwrap();
/// let sum = rt.block_on(async {
///     let a = kiso::spawn(async { 20 });
///     let b = kiso::spawn(async { 22 });
///     a.await.unwrap() + b.await.unwrap()
/// });
/// assert_eq!(sum, 42);
/// ```
pub struct Runtime {
    handle: Handle,
    blocking: BlockingPool,
    shut_down: bool,
}

impl Runtime {
    pub(crate) fn from_parts(handle: Handle, blocking: BlockingPool) -> Runtime {
        Runtime { handle, blocking, shut_down: false }
    }

    /// Creates a multi-thread runtime with every driver enabled: the same as
    /// `Builder::new_multi_thread().enable_all().build()`.
    ///
    /// # Errors
    ///
    /// Returns the OS error if a thread cannot be started.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 3 }), 3);
    /// ```
    #[cfg(feature = "rt-multi-thread")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rt-multi-thread")))]
    pub fn new() -> std::io::Result<Runtime> {
        crate::runtime::Builder::new_multi_thread().enable_all().build()
    }

    /// Returns a handle to the runtime, to spawn on it from elsewhere.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// let join = handle.spawn(async { "via handle" });
    /// assert_eq!(rt.block_on(join).unwrap(), "via handle");
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Spawns a future onto the runtime; see [`Handle::spawn`].
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let join = rt.spawn(async { 2 * 21 });
    /// assert_eq!(rt.block_on(join).unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking function on the blocking pool; see
    /// [`task::spawn_blocking`](crate::task::spawn_blocking).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let join = rt.spawn_blocking(|| (1..=10).sum::<u32>());
    /// assert_eq!(rt.block_on(join).unwrap(), 55);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(func)
    }

    /// Runs a future to completion on this thread, driving the runtime.
    ///
    /// On a current-thread runtime, the calling thread also runs every
    /// spawned task while the future waits; if another thread is already in
    /// `block_on`, this one waits for it to finish and takes over, polling
    /// its own future meanwhile. On a multi-thread runtime, tasks run on the
    /// worker threads and this thread only polls `future`.
    ///
    /// # Panics
    ///
    /// Panics, naming the caller's location, if called from within an
    /// asynchronous execution context (inside another `block_on`, or a task):
    /// that thread must not block.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let out = rt.block_on(async {
    ///     kiso::spawn(async { "from a task" }).await.unwrap()
    /// });
    /// assert_eq!(out, "from a task");
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _driving = context::enter_driving();
        let _enter = self.handle.enter();
        match self.handle.inner.flavor {
            RuntimeFlavor::CurrentThread => current_thread::block_on(&self.handle.inner, future),
            _ => {
                let _rng = crate::runtime::context::set_rng_seed(self.handle.inner.next_rng_seed());
                park::block_on(future)
            }
        }
    }

    /// Enters the runtime on this thread; see [`Handle::enter`].
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.enter();
    /// let join = kiso::spawn(async { 1 });
    /// # drop(_guard);
    /// assert_eq!(rt.block_on(join).unwrap(), 1);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking tasks
    /// that are running.
    ///
    /// Every task is cancelled (its future dropped) before this returns.
    /// Blocking tasks still running after `duration` are left to finish in
    /// the background: their threads are not joined.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// rt.spawn_blocking(move || {
    ///     // Blocks until the sender is dropped, after the shutdown.
    ///     let _ = rx.recv();
    /// });
    /// rt.shutdown_timeout(Duration::from_millis(10));
    /// drop(tx);
    /// ```
    pub fn shutdown_timeout(mut self, duration: Duration) {
        let start = std::time::Instant::now();
        self.shutdown_scheduler(Some(duration));
        self.blocking.shutdown(Some(duration.saturating_sub(start.elapsed())));
    }

    /// Shuts the runtime down without waiting for blocking tasks; the same
    /// as `shutdown_timeout(Duration::ZERO)`.
    ///
    /// Useful to drop a runtime from within an asynchronous context, where
    /// waiting is not allowed.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.spawn_blocking(|| std::thread::park_timeout(std::time::Duration::from_millis(50)));
    /// rt.shutdown_background();
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// Returns a view of the runtime's [metrics](RuntimeMetrics).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle.metrics()
    }

    fn shutdown_scheduler(&mut self, timeout: Option<Duration>) {
        if self.shut_down {
            return;
        }
        self.shut_down = true;
        let _enter = self.handle.enter();
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread(_) => current_thread::shutdown(&self.handle.inner),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(_) => {
                crate::runtime::scheduler::multi_thread::shutdown(&self.handle.inner, timeout)
            }
        }
        // Resources that outlive the runtime (kept outside of its tasks)
        // fail from now on instead of waiting forever.
        #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
        if let Some(io) = self.handle.inner.io() {
            io.shutdown();
        }
        let _ = timeout;
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown_scheduler(None);
        // The blocking pool waits for running tasks when it is dropped next.
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime").field("handle", &self.handle).finish_non_exhaustive()
    }
}
