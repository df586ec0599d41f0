//! Runtime metrics: counters each worker keeps about itself, and the
//! public [`RuntimeMetrics`] view of them.

use crate::loom::sync::atomic::{AtomicU64, Ordering::Relaxed};
use crate::runtime::Handle;
use std::time::Duration;

/// Counters of one worker. Only the worker writes them (plain loads and
/// stores, no read-modify-write); anyone may read them. Each worker's
/// counters sit on cache lines of their own: they are written on every poll,
/// and sharing a line with another worker's would bounce it between cores.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct WorkerMetrics {
    pub(crate) park_count: AtomicU64,
    pub(crate) park_unpark_count: AtomicU64,
    pub(crate) busy_duration_ns: AtomicU64,
    pub(crate) poll_count: AtomicU64,
    pub(crate) steal_count: AtomicU64,
    pub(crate) steal_operations: AtomicU64,
    pub(crate) local_schedule_count: AtomicU64,
    pub(crate) overflow_count: AtomicU64,
    pub(crate) queue_depth: AtomicU64,
}

/// Adds `n` to a counter that only the calling thread writes.
#[inline]
pub(crate) fn bump(counter: &AtomicU64, n: u64) {
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

/// A view of a runtime's metrics, from [`Handle::metrics`] or
/// [`Runtime::metrics`](crate::runtime::Runtime::metrics).
///
/// Values are read without stopping the runtime, so they are a recent
/// snapshot, not an exact instant. Counters only grow (and wrap around at
/// `u64::MAX`).
///
/// Besides Tokio's stable set, kiso offers per-worker poll, steal,
/// local-schedule, overflow and queue-depth counters as a stable API.
///
/// # Examples
///
/// ```
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// let metrics = rt.metrics();
/// assert_eq!(metrics.num_workers(), 1);
/// assert_eq!(metrics.num_alive_tasks(), 0);
/// ```
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: Handle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    fn worker(&self, worker: usize) -> &WorkerMetrics {
        let all = self.handle.inner.scheduler.worker_metrics();
        match all.get(worker) {
            Some(w) => w,
            None => panic!("worker index {worker} is out of range: the runtime has {} workers", all.len()),
        }
    }

    /// Returns the id, name and spawn location of every task alive in the
    /// runtime (spawned and not yet completed; blocking tasks are not
    /// included), or `None` when the snapshot cannot be taken right now.
    ///
    /// On a multi-thread runtime the snapshot is always taken. On a
    /// current-thread runtime it is taken from the thread that drives the
    /// runtime (inside `block_on` or a task) or while no thread drives it,
    /// and is `None` from other threads while one does; tasks spawned on it
    /// from outside since it was last driven are not in it yet.
    ///
    /// The snapshot locks the runtime's task lists one part at a time: it
    /// is meant for diagnostics, not for a hot path. This is a kiso
    /// extension (Tokio's task dumps are unstable).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let h = rt.spawn(std::future::pending::<()>());
    /// // Let the runtime take the task in (a current-thread runtime only
    /// // does so while a thread drives it).
    /// rt.block_on(kiso::task::yield_now());
    /// let tasks = rt.metrics().live_tasks().unwrap();
    /// assert_eq!(tasks.len(), 1);
    /// assert_eq!(tasks[0].id(), h.id());
    /// assert_eq!(tasks[0].spawn_location().unwrap().file(), file!());
    /// ```
    pub fn live_tasks(&self) -> Option<Vec<crate::task::TaskInfo>> {
        let mut out = Vec::new();
        let taken = self
            .handle
            .inner
            .for_each_live_task(&mut |h| out.push(crate::runtime::task::TaskInfo::of(h)));
        taken.then_some(out)
    }

    /// Returns the number of worker threads: 1 for a current-thread runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 2);
    /// ```
    pub fn num_workers(&self) -> usize {
        self.handle.inner.scheduler.worker_metrics().len()
    }

    /// Returns the number of tasks that are spawned and not yet finished.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.spawn(std::future::pending::<()>());
    /// assert_eq!(rt.metrics().num_alive_tasks(), 1);
    /// handle.abort();
    /// let _ = rt.block_on(handle);
    /// assert_eq!(rt.metrics().num_alive_tasks(), 0);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.inner.scheduler.num_alive_tasks()
    }

    /// Returns the number of tasks waiting in the runtime's global queue:
    /// spawned or woken from outside the workers and not yet taken by one.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// // Nothing drives the runtime yet, so the task waits in the queue.
    /// let _task = rt.spawn(async {});
    /// assert_eq!(rt.metrics().global_queue_depth(), 1);
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.handle.inner.scheduler.global_queue_depth()
    }

    /// Returns how long worker `worker` has spent busy (not parked) in
    /// total.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { kiso::spawn(async {}).await.unwrap() });
    /// let _busy = rt.metrics().worker_total_busy_duration(0);
    /// ```
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        Duration::from_nanos(self.worker(worker).busy_duration_ns.load(Relaxed))
    }

    /// Returns how many times worker `worker` has parked (gone to sleep for
    /// lack of work).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// println!("parked {} times", rt.metrics().worker_park_count(0));
    /// ```
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_count.load(Relaxed)
    }

    /// Returns how many times worker `worker` has parked or unparked: odd
    /// while it is parked, even while it runs.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let n = rt.metrics().worker_park_unpark_count(0);
    /// assert_eq!(n % 2, 0, "not parked: nobody drives the runtime yet");
    /// ```
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_unpark_count.load(Relaxed)
    }

    /// Returns how many task polls worker `worker` has made (kiso extension,
    /// stable).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { kiso::spawn(async {}).await.unwrap() });
    /// assert!(rt.metrics().worker_poll_count(0) >= 1);
    /// ```
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.worker(worker).poll_count.load(Relaxed)
    }

    /// Returns how many tasks worker `worker` has stolen from other workers
    /// (kiso extension, stable).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_steal_count(0), 0);
    /// ```
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.worker(worker).steal_count.load(Relaxed)
    }

    /// Returns how many successful steal operations worker `worker` has made,
    /// each taking one or more tasks (kiso extension, stable).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_steal_operations(0), 0);
    /// ```
    pub fn worker_steal_operations(&self, worker: usize) -> u64 {
        self.worker(worker).steal_operations.load(Relaxed)
    }

    /// Returns how many tasks were scheduled onto worker `worker`'s own
    /// queue by code running on that worker (kiso extension, stable).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { kiso::spawn(async {}).await.unwrap() });
    /// assert!(rt.metrics().worker_local_schedule_count(0) >= 1);
    /// ```
    pub fn worker_local_schedule_count(&self, worker: usize) -> u64 {
        self.worker(worker).local_schedule_count.load(Relaxed)
    }

    /// Returns how many times worker `worker`'s queue was full and moved
    /// half its tasks to the global queue (kiso extension, stable).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_overflow_count(0), 0);
    /// ```
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        self.worker(worker).overflow_count.load(Relaxed)
    }

    /// Returns how many tasks are in worker `worker`'s own queue (kiso
    /// extension, stable; sampled when the worker last checked its queue).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_local_queue_depth(0), 0);
    /// ```
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.worker(worker).queue_depth.load(Relaxed) as usize
    }
}

#[cfg(feature = "net")]
impl RuntimeMetrics {
    fn io_counter(&self, f: impl FnOnce(&crate::runtime::io::Driver) -> u64) -> u64 {
        self.handle.inner.io().map_or(0, f)
    }
}

#[cfg(feature = "net")]
#[cfg_attr(docsrs, doc(cfg(feature = "net")))]
impl RuntimeMetrics {
    /// Returns how many file descriptors have been registered with the
    /// runtime's I/O driver (kiso extension, stable; Tokio has it behind
    /// `tokio_unstable`). 0 without an I/O driver.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// assert_eq!(rt.metrics().io_driver_fd_registered_count(), 0);
    /// ```
    pub fn io_driver_fd_registered_count(&self) -> u64 {
        self.io_counter(|d| d.fd_registered.load(std::sync::atomic::Ordering::Relaxed) as u64)
    }

    /// Returns how many file descriptors have been deregistered from the
    /// runtime's I/O driver (kiso extension, stable).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// assert_eq!(rt.metrics().io_driver_fd_deregistered_count(), 0);
    /// ```
    pub fn io_driver_fd_deregistered_count(&self) -> u64 {
        self.io_counter(|d| d.fd_deregistered.load(std::sync::atomic::Ordering::Relaxed) as u64)
    }

    /// Returns how many readiness events the I/O driver has dispatched
    /// (kiso extension, stable).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// assert_eq!(rt.metrics().io_driver_ready_count(), 0);
    /// ```
    pub fn io_driver_ready_count(&self) -> u64 {
        self.io_counter(|d| d.ready_count.load(std::sync::atomic::Ordering::Relaxed) as u64)
    }
}
