//! `Handle`: a cloneable reference to a runtime.

use crate::runtime::blocking::{self, BlockingTask, Spawner};
use crate::runtime::metrics::WorkerMetrics;
use crate::runtime::scheduler::current_thread;
#[cfg(feature = "rt-multi-thread")]
use crate::runtime::scheduler::multi_thread;
use crate::runtime::task::meta::Meta;
use crate::runtime::task::{self, Header, JoinHandle, Notified, Schedule};
use crate::runtime::{context, Id, RuntimeFlavor, RuntimeMetrics};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::Arc;

/// What a runtime shares between its handles, tasks and threads.
pub(crate) struct HandleInner {
    pub(crate) scheduler: Scheduler,
    pub(crate) blocking: Spawner,
    pub(crate) flavor: RuntimeFlavor,
    pub(crate) id: Id,
    pub(crate) name: Option<String>,
    /// The time driver, if enabled.
    #[cfg(feature = "time")]
    pub(crate) time: Option<crate::runtime::time::TimeShared>,
    /// The I/O driver, if enabled.
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    pub(crate) io: Option<crate::runtime::io::Driver>,
}

impl HandleInner {
    /// The time driver, if the runtime has one.
    #[cfg(feature = "time")]
    pub(crate) fn time(&self) -> Option<&crate::runtime::time::TimeShared> {
        self.time.as_ref()
    }

    /// The I/O driver, if the runtime has one.
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    pub(crate) fn io(&self) -> Option<&crate::runtime::io::Driver> {
        self.io.as_ref()
    }

    /// The waker of the I/O driver, for the runtime's parkers.
    #[allow(dead_code)]
    pub(crate) fn driver_waker(&self) -> Option<crate::runtime::park::DriverWaker> {
        #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
        return self.io().map(|d| d.waker());
        #[cfg(not(any(feature = "net", feature = "process", feature = "signal")))]
        None
    }
}

/// The scheduler's shared state, by flavor.
pub(crate) enum Scheduler {
    CurrentThread(current_thread::Shared),
    #[cfg(feature = "rt-multi-thread")]
    MultiThread(multi_thread::Shared),
}

impl HandleInner {
    /// Visits every task in the owner lists. Returns false if the
    /// snapshot could not be taken (see `current_thread::Shared::for_each_task`).
    pub(crate) fn for_each_live_task(&self, f: &mut dyn FnMut(&Header)) -> bool {
        match &self.scheduler {
            Scheduler::CurrentThread(s) => s.for_each_task(self, f),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(s) => {
                s.for_each_task(f);
                true
            }
        }
    }

    pub(crate) fn current_thread(&self) -> &current_thread::Shared {
        match &self.scheduler {
            Scheduler::CurrentThread(s) => s,
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(_) => unreachable!("not a current-thread runtime"),
        }
    }

    /// The next seed of the runtime's sequence (`Builder::rng_seed`), for a
    /// thread that starts to run the runtime's code (a worker, `block_on`).
    pub(crate) fn next_rng_seed(&self) -> crate::util::rand::RngSeed {
        match &self.scheduler {
            Scheduler::CurrentThread(s) => s.seed_generator.next_seed(),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(s) => s.seed_generator.next_seed(),
        }
    }

    #[cfg(feature = "rt-multi-thread")]
    pub(crate) fn multi_thread(&self) -> &multi_thread::Shared {
        match &self.scheduler {
            Scheduler::MultiThread(s) => s,
            Scheduler::CurrentThread(_) => unreachable!("not a multi-thread runtime"),
        }
    }
}

impl Scheduler {
    pub(crate) fn worker_metrics(&self) -> &[WorkerMetrics] {
        match self {
            Scheduler::CurrentThread(s) => std::slice::from_ref(s.metrics()),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(s) => s.metrics(),
        }
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        match self {
            Scheduler::CurrentThread(s) => s.num_alive_tasks(),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(s) => s.num_alive_tasks(),
        }
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        match self {
            Scheduler::CurrentThread(s) => s.global_queue_depth(),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(s) => s.global_queue_depth(),
        }
    }
}

/// Spawns a task on the runtime behind `inner`, recording the caller's
/// location as its spawn location.
#[track_caller]
#[inline]
pub(crate) fn spawn_on<F>(inner: &Arc<HandleInner>, future: F, id: task::Id) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_on_with_meta(inner, future, id, Meta::located(Location::caller()))
}

/// Spawns a task on the runtime behind `inner` with the given spawn
/// metadata.
#[inline]
pub(crate) fn spawn_on_with_meta<F>(inner: &Arc<HandleInner>, future: F, id: task::Id, meta: Meta) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // The scheduler allocates the task on this thread, which picks `meta` up.
    task::meta::with_pending(meta, || match &inner.scheduler {
        Scheduler::CurrentThread(_) => current_thread::spawn(inner, future, id),
        #[cfg(feature = "rt-multi-thread")]
        Scheduler::MultiThread(_) => multi_thread::spawn(inner, future, id),
    })
}

/// Tasks of a runtime are scheduled through its handle.
impl Schedule for Arc<HandleInner> {
    fn schedule(&self, task: Notified) {
        match &self.scheduler {
            Scheduler::CurrentThread(_) => current_thread::schedule(self, task),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(_) => multi_thread::schedule(self, task, false),
        }
    }

    fn yield_now(&self, task: Notified) {
        match &self.scheduler {
            Scheduler::CurrentThread(_) => current_thread::schedule(self, task),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(_) => multi_thread::schedule(self, task, true),
        }
    }

    fn release(&self, task: &Header) -> bool {
        match &self.scheduler {
            Scheduler::CurrentThread(_) => current_thread::release(self, task),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread(_) => multi_thread::release(self, task),
        }
    }
}

/// A handle to a runtime: spawn tasks on it, enter it, or block on a future
/// with it, from any thread.
///
/// Handles are cheap to clone and can be sent to other threads. A handle
/// does not keep the runtime running: once the [`Runtime`](crate::runtime::Runtime)
/// is dropped, tasks spawned through a handle are cancelled at once.
///
/// # Examples
///
/// ```
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// let handle = rt.handle().clone();
///
/// let join = std::thread::spawn(move || handle.spawn(async { 1 + 1 }))
///     .join()
///     .unwrap();
/// assert_eq!(rt.block_on(join).unwrap(), 2);
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Arc<HandleInner>,
}

/// Keeps a runtime entered on this thread; see [`Handle::enter`].
///
/// While it lives, [`Handle::current`] and [`spawn`](crate::spawn) use this
/// runtime. Guards must be dropped in the reverse order of their creation.
#[must_use = "the runtime is only entered while the guard is alive"]
pub struct EnterGuard<'a> {
    /// A `LocalRuntime`'s local set, entered along with it (and left first:
    /// fields drop in order).
    pub(crate) local: Option<crate::task::LocalEnterGuard>,
    _guard: context::SetCurrentGuard,
    _handle: PhantomData<&'a Handle>,
}

// SAFETY: the guard is `!Send` (it restores this thread's context) through
// `SetCurrentGuard`'s raw pointer and `LocalEnterGuard`; sharing a reference
// to it exposes no method at all.
unsafe impl Sync for EnterGuard<'_> {}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

/// The error [`Handle::try_current`] returns outside a runtime.
pub struct TryCurrentError {
    kind: TryCurrentErrorKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TryCurrentErrorKind {
    NoContext,
    #[allow(dead_code)]
    ThreadLocalDestroyed,
}

impl TryCurrentError {
    /// Returns true if the call failed because no runtime is entered on this
    /// thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = kiso::runtime::Handle::try_current().unwrap_err();
    /// assert!(err.is_missing_context());
    /// ```
    pub fn is_missing_context(&self) -> bool {
        self.kind == TryCurrentErrorKind::NoContext
    }

    /// Returns true if the call failed because the thread is exiting and its
    /// runtime context is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = kiso::runtime::Handle::try_current().unwrap_err();
    /// assert!(!err.is_thread_local_destroyed());
    /// ```
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.kind == TryCurrentErrorKind::ThreadLocalDestroyed
    }
}

const NO_CONTEXT: &str = "there is no reactor running, must be called from the context of a kiso \
     (Tokio 1.x compatible) runtime: inside `block_on`, a spawned task, or while an \
     `EnterGuard` is alive";

impl fmt::Debug for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TryCurrentErrorKind::NoContext => f.write_str("TryCurrentError::NoContext"),
            TryCurrentErrorKind::ThreadLocalDestroyed => f.write_str("TryCurrentError::ThreadLocalDestroyed"),
        }
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TryCurrentErrorKind::NoContext => f.write_str(NO_CONTEXT),
            TryCurrentErrorKind::ThreadLocalDestroyed => f.write_str(
                "the runtime context of this thread has been destroyed (the thread is exiting)",
            ),
        }
    }
}

impl std::error::Error for TryCurrentError {}

impl Handle {
    /// Enters the runtime on this thread until the returned guard is dropped.
    ///
    /// Functions that need a runtime context, such as [`spawn`](crate::spawn)
    /// and [`Handle::current`], then use this runtime. Entering does not run
    /// anything: tasks still run where the runtime is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let join = {
    ///     let _guard = rt.handle().enter();
    ///     kiso::spawn(async { "spawned from outside" })
    /// };
    /// assert_eq!(rt.block_on(join).unwrap(), "spawned from outside");
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard { local: None, _guard: context::set_current(&self.inner), _handle: PhantomData }
    }

    /// Returns a handle to the runtime entered on this thread.
    ///
    /// # Panics
    ///
    /// Panics, naming the caller's location, if no runtime is entered: call
    /// it from within `block_on`, a spawned task, or while an [`EnterGuard`]
    /// lives. [`Handle::try_current`] does not panic.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let handle = kiso::runtime::Handle::current();
    ///     let join = std::thread::spawn(move || handle.spawn(async { 7 })).join().unwrap();
    ///     assert_eq!(join.await.unwrap(), 7);
    /// });
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(h) => h,
            Err(e) => panic!("{e}"),
        }
    }

    /// Returns a handle to the runtime entered on this thread, or an error if
    /// there is none.
    ///
    /// # Errors
    ///
    /// [`TryCurrentError`] when no runtime is entered on this thread.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::runtime::Handle::try_current().is_err());
    ///
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// assert!(kiso::runtime::Handle::try_current().is_ok());
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_current(|h| match h {
            Some(inner) => {
                let ptr = inner as *const HandleInner;
                // SAFETY: the pointer came from `Arc::as_ptr` of a handle that
                // the entering guard keeps alive; we take a new strong count.
                let inner = unsafe {
                    Arc::increment_strong_count(ptr);
                    Arc::from_raw(ptr)
                };
                Ok(Handle { inner })
            }
            None => Err(TryCurrentError { kind: TryCurrentErrorKind::NoContext }),
        })
    }

    /// Spawns a future onto the runtime and returns its [`JoinHandle`].
    ///
    /// The task starts running right away if the runtime is driven
    /// (a `current_thread` runtime runs tasks while some thread is in
    /// [`Runtime::block_on`](crate::runtime::Runtime::block_on)), even if
    /// the handle is never awaited. Dropping the `JoinHandle` detaches the
    /// task. If the runtime has shut down, the task is cancelled at once.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let join = rt.handle().spawn(async { 40 + 2 });
    /// assert_eq!(rt.block_on(join).unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_with_id(future, task::Id::next())
    }

    /// Spawns with the given metadata (a named task).
    pub(crate) fn spawn_with_meta<F>(&self, future: F, meta: Meta) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_on_with_meta(&self.inner, future, task::Id::next(), meta)
    }

    #[track_caller]
    pub(crate) fn spawn_with_id<F>(&self, future: F, id: task::Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_on(&self.inner, future, id)
    }

    /// Runs a blocking function on the runtime's blocking pool and returns a
    /// [`JoinHandle`] to its result.
    ///
    /// See [`task::spawn_blocking`](crate::task::spawn_blocking) for details.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let join = rt.handle().spawn_blocking(|| std::thread::current().name().map(str::to_owned));
    /// assert!(rt.block_on(join).unwrap().is_some());
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.spawn_blocking_with_meta(func, Meta::located(Location::caller()))
    }

    pub(crate) fn spawn_blocking_with_meta<F, R>(&self, func: F, meta: Meta) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        // A paused clock must not jump ahead from now until the result has
        // reached the join handle: the guard is dropped by the pool after
        // the task completed (or was cancelled).
        #[cfg(feature = "test-util")]
        let guard = crate::runtime::time::AutoAdvanceInhibit::new(&self.inner);
        #[cfg(not(feature = "test-util"))]
        let guard = blocking::NoGuard;
        let (task, join) = task::meta::with_pending(meta, || {
            task::new_unowned(BlockingTask::new(func), blocking::BlockingSchedule, task::Id::next())
        });
        self.inner.blocking.spawn(task, guard, &self.inner, false);
        join
    }

    /// As `spawn_blocking`, but the task runs even if the runtime shuts
    /// down before a pool thread picks it up (for writes that were already
    /// reported done, such as stdout's). If the pool has already shut down,
    /// the task is dropped unrun and the handle reports it cancelled.
    #[allow(dead_code)]
    pub(crate) fn spawn_mandatory_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        #[cfg(feature = "test-util")]
        let guard = crate::runtime::time::AutoAdvanceInhibit::new(&self.inner);
        #[cfg(not(feature = "test-util"))]
        let guard = blocking::NoGuard;
        let (task, join) = task::new_unowned(BlockingTask::new(func), blocking::BlockingSchedule, task::Id::next());
        self.inner.blocking.spawn(task, guard, &self.inner, true);
        join
    }

    /// Runs a future to completion on the current thread, with this runtime
    /// entered.
    ///
    /// The thread is blocked until the future completes. Unlike
    /// [`Runtime::block_on`](crate::runtime::Runtime::block_on), on a
    /// `current_thread` runtime this does not run the runtime's other tasks:
    /// they run only where `Runtime::block_on` drives the runtime. Spawning
    /// from within the future works as usual.
    ///
    /// # Panics
    ///
    /// Panics, naming the caller's location, if called from within an
    /// asynchronous execution context (inside `block_on` or a runtime
    /// thread): blocking there would stall the tasks the thread runs.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// let out = std::thread::spawn(move || handle.block_on(async { 5 })).join().unwrap();
    /// assert_eq!(out, 5);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _driving = context::enter_driving();
        let _enter = self.enter();
        let _rng = context::set_rng_seed(self.inner.next_rng_seed());
        crate::runtime::park::block_on(future)
    }

    /// Returns the flavor of the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::runtime::{Builder, RuntimeFlavor};
    ///
    /// let rt = Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    /// ```
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        self.inner.flavor.copy()
    }

    /// Returns the runtime's [`Id`], unique in this process.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// println!("runtime {}", rt.handle().id());
    /// ```
    pub fn id(&self) -> Id {
        self.inner.id
    }

    /// Returns a view of the runtime's [metrics](RuntimeMetrics).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_workers(), 1);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.clone())
    }

    /// Returns the name given with [`Builder::name`](crate::runtime::Builder::name),
    /// if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().name("edge").build().unwrap();
    /// assert_eq!(rt.handle().name(), Some("edge"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("id", &self.inner.id)
            .field("flavor", &self.inner.flavor)
            .field("name", &self.inner.name)
            .finish()
    }
}
