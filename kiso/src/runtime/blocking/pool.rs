//! The pool's threads, queue and shutdown.
//!
//! Threads are started on demand, up to the cap, when a task arrives and no
//! thread is idle; an idle thread exits after the keep-alive. Shutdown marks
//! the pool closed, cancels queued tasks that have not started (except
//! mandatory ones, which still run), and waits (up to a timeout) for running
//! ones to finish.
//!
//! A thread that runs out of work spins for a few microseconds before it
//! sleeps, watching `Inner::queued`: async code that awaits blocking
//! operations one after the other (a file read in pieces, say) sends the
//! next one within that time, and finding it without a sleep and a wake-up
//! saves two futex calls and a thread wake-up (25-50 µs on the VMs kiso is
//! measured on) per operation.

/// Spin steps of a thread that ran out of work before it sleeps (about 8 µs,
/// as a worker's; see `runtime::park::spin_step`).
#[cfg(not(loom))]
const SPINS: u32 = 500;
#[cfg(loom)]
const SPINS: u32 = 0;

use crate::loom::sync::atomic::{AtomicUsize, Ordering::Acquire, Ordering::Release};
use crate::loom::sync::{Arc, Condvar, Mutex, MutexGuard};
use crate::runtime::handle::HandleInner;
use crate::runtime::task::Notified;
use crate::runtime::{context, Callback, ThreadNameFn};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

/// Held with a queued blocking task and dropped once it has completed or
/// been cancelled (with `test-util`: keeps a paused clock from jumping).
#[cfg(feature = "test-util")]
pub(crate) type TaskGuard = Option<crate::runtime::time::AutoAdvanceInhibit>;
#[cfg(not(feature = "test-util"))]
pub(crate) type TaskGuard = NoGuard;

/// Nothing to hold (without `test-util`).
#[allow(dead_code)]
pub(crate) struct NoGuard;

/// Releases a task's guard (a no-op without `test-util`).
#[allow(clippy::drop_non_drop)]
fn release(guard: TaskGuard) {
    drop(guard);
}

/// What the builder configures.
pub(crate) struct Config {
    pub(crate) thread_name: ThreadNameFn,
    pub(crate) stack_size: Option<usize>,
    pub(crate) after_start: Option<Callback>,
    pub(crate) before_stop: Option<Callback>,
    pub(crate) thread_cap: usize,
    pub(crate) keep_alive: Duration,
}

/// Owned by the runtime; dropping it shuts the pool down and waits for
/// running tasks.
pub(crate) struct BlockingPool {
    spawner: Spawner,
}

/// Cheap handle to push work to the pool.
#[derive(Clone)]
pub(crate) struct Spawner {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Mutex<Shared>,
    /// `shared.queue.len()`, stored under the lock, for spinning threads to
    /// watch without it.
    queued: AtomicUsize,
    /// Idle threads wait here.
    work: Condvar,
    /// Shutdown waits here for the last thread.
    exited: Condvar,
    config: Config,
}

struct Shared {
    /// Queued tasks, each with its guard and whether it is mandatory (runs
    /// even if the pool shuts down first).
    queue: VecDeque<(Notified, TaskGuard, bool)>,
    num_threads: usize,
    num_idle: usize,
    /// Threads spinning before they sleep: they take queued tasks without
    /// being woken.
    num_spinning: usize,
    /// Wake-ups sent to idle threads and not yet taken.
    num_notify: usize,
    shutdown: bool,
    next_thread_id: usize,
    threads: HashMap<usize, std::thread::JoinHandle<()>>,
}

impl BlockingPool {
    pub(crate) fn new(config: Config) -> BlockingPool {
        let inner = Arc::new(Inner {
            shared: Mutex::new(Shared {
                queue: VecDeque::new(),
                num_threads: 0,
                num_idle: 0,
                num_spinning: 0,
                num_notify: 0,
                shutdown: false,
                next_thread_id: 0,
                threads: HashMap::new(),
            }),
            queued: AtomicUsize::new(0),
            work: Condvar::new(),
            exited: Condvar::new(),
            config,
        });
        BlockingPool { spawner: Spawner { inner } }
    }

    pub(crate) fn spawner(&self) -> &Spawner {
        &self.spawner
    }

    /// Closes the pool, cancels queued tasks and waits for running ones, for
    /// at most `timeout` (`None`: as long as it takes). Later calls return at
    /// once.
    pub(crate) fn shutdown(&mut self, timeout: Option<Duration>) {
        let inner = &self.spawner.inner;
        let mut shared = inner.lock();
        if shared.shutdown {
            return;
        }
        shared.shutdown = true;
        inner.work.notify_all();
        let deadline = timeout.map(|t| Instant::now() + t);
        while shared.num_threads > 0 {
            shared = match deadline {
                None => inner.exited.wait(shared).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        // Threads still running blocking code are left to
                        // finish in the background.
                        return;
                    }
                    inner.exited.wait_timeout(shared, d - now).unwrap_or_else(|e| e.into_inner()).0
                }
            };
        }
        let threads: Vec<_> = shared.threads.drain().map(|(_, h)| h).collect();
        drop(shared);
        // Every thread is past its last user callback; joining only waits
        // for it to return.
        for t in threads {
            let _ = t.join();
        }
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingPool").finish_non_exhaustive()
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        crate::loom::lock(&self.shared)
    }
}

impl Spawner {
    /// Queues a blocking task, starting a thread if none is idle. After
    /// shutdown the task is cancelled instead.
    ///
    /// A `mandatory` task queued before shutdown runs even if shutdown
    /// comes before a thread picks it up.
    ///
    /// # Panics
    ///
    /// Panics if the pool has no thread and the OS refuses to start one.
    pub(crate) fn spawn(
        &self,
        task: Notified,
        guard: TaskGuard,
        handle: &std::sync::Arc<HandleInner>,
        mandatory: bool,
    ) {
        let inner = &self.inner;
        let mut shared = inner.lock();
        if shared.shutdown {
            drop(shared);
            task.shutdown();
            release(guard);
            return;
        }
        shared.queue.push_back((task, guard, mandatory));
        inner.queued.store(shared.queue.len(), Release);
        if shared.queue.len() <= shared.num_spinning {
            // A spinning thread takes it.
            return;
        }
        if shared.num_idle > shared.num_notify {
            shared.num_notify += 1;
            inner.work.notify_one();
            return;
        }
        if shared.num_threads >= inner.config.thread_cap {
            // At the cap: a busy thread picks the task up when it is free.
            return;
        }
        let id = shared.next_thread_id;
        shared.next_thread_id += 1;
        let mut builder = std::thread::Builder::new().name((inner.config.thread_name)());
        if let Some(size) = inner.config.stack_size {
            builder = builder.stack_size(size);
        }
        let pool = self.clone();
        let handle = handle.clone();
        match builder.spawn(move || pool.run(id, handle)) {
            Ok(join) => {
                shared.num_threads += 1;
                shared.threads.insert(id, join);
            }
            Err(e) => {
                if shared.num_threads == 0 {
                    // Nobody could ever run the task.
                    let task = shared.queue.pop_back();
                    drop(shared);
                    drop(task);
                    panic!("the OS refused to start a blocking-pool thread: {e}");
                }
                // Existing threads will get to it.
            }
        }
    }

    /// A pool thread's life.
    fn run(self, id: usize, handle: std::sync::Arc<HandleInner>) {
        let inner = &self.inner;
        if let Some(f) = &inner.config.after_start {
            f();
        }
        {
            let _enter = context::set_current(&handle);
            let mut shared = inner.lock();
            'life: loop {
                while let Some((task, guard, mandatory)) = shared.queue.pop_front() {
                    inner.queued.store(shared.queue.len(), Release);
                    let shutdown = shared.shutdown;
                    drop(shared);
                    if shutdown && !mandatory {
                        task.shutdown();
                    } else {
                        task.run();
                    }
                    // After completion: the join handle has its result.
                    release(guard);
                    shared = inner.lock();
                }
                if shared.shutdown {
                    break 'life;
                }
                // One thread spins at a time: enough for a task that awaits
                // blocking operations in sequence, without a burst of
                // finishing threads all burning CPU.
                if SPINS > 0 && shared.num_spinning == 0 {
                    shared.num_spinning += 1;
                    drop(shared);
                    for i in 0..SPINS {
                        if inner.queued.load(Acquire) > 0 {
                            break;
                        }
                        crate::runtime::park::spin_step(i);
                    }
                    shared = inner.lock();
                    shared.num_spinning -= 1;
                    if !shared.queue.is_empty() || shared.shutdown {
                        continue 'life;
                    }
                }
                shared.num_idle += 1;
                loop {
                    let (guard, res) = inner
                        .work
                        .wait_timeout(shared, inner.config.keep_alive)
                        .unwrap_or_else(|e| e.into_inner());
                    shared = guard;
                    if shared.num_notify > 0 {
                        // Our wake-up: the spawner counted us as busy again.
                        shared.num_notify -= 1;
                        shared.num_idle -= 1;
                        continue 'life;
                    }
                    if shared.shutdown {
                        // Cancel what is still queued, then leave.
                        shared.num_idle -= 1;
                        continue 'life;
                    }
                    if res.timed_out() {
                        // Keep-alive expired: leave, detached.
                        shared.num_idle -= 1;
                        shared.threads.remove(&id);
                        break 'life;
                    }
                }
            }
            drop(shared);
        }
        if let Some(f) = &inner.config.before_stop {
            f();
        }
        let mut shared = inner.lock();
        shared.num_threads -= 1;
        if shared.num_threads == 0 {
            inner.exited.notify_all();
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::runtime::Builder;
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::sync::{mpsc, Arc};

    /// With the only pool thread busy, a mandatory task and an ordinary one
    /// wait in the queue when the runtime shuts down: the mandatory one
    /// still runs, the ordinary one is cancelled.
    #[test]
    fn mandatory_tasks_queued_before_shutdown_still_run() {
        let limit = std::time::Duration::from_secs(10);
        let rt = Builder::new_current_thread().max_blocking_threads(1).build().unwrap();
        let handle = rt.handle().clone();
        let (started_tx, started_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let _busy = handle.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        });
        started_rx.recv_timeout(limit).unwrap();
        let (ran_tx, ran_rx) = mpsc::channel();
        let _mandatory = handle.spawn_mandatory_blocking(move || ran_tx.send("mandatory").unwrap());
        let ordinary_ran = Arc::new(AtomicBool::new(false));
        let o = ordinary_ran.clone();
        let ordinary = handle.spawn_blocking(move || o.store(true, SeqCst));
        // Marks the pool shut down without waiting for it.
        rt.shutdown_background();
        release_tx.send(()).unwrap();
        assert_eq!(ran_rx.recv_timeout(limit), Ok("mandatory"), "a mandatory task was dropped at shutdown");
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = done_tx.send(crate::runtime::park::block_on(ordinary).map_err(|e| e.is_cancelled()));
        });
        assert_eq!(done_rx.recv_timeout(limit).unwrap(), Err(true), "an ordinary queued task ran after shutdown");
        assert!(!ordinary_ran.load(SeqCst));
    }

    #[test]
    fn mandatory_task_spawned_after_shutdown_is_cancelled() {
        let rt = Builder::new_current_thread().build().unwrap();
        let handle = rt.handle().clone();
        rt.shutdown_background();
        let ran = Arc::new(AtomicBool::new(false));
        let r = ran.clone();
        let join = handle.spawn_mandatory_blocking(move || r.store(true, SeqCst));
        let err = crate::runtime::park::block_on(join).unwrap_err();
        assert!(err.is_cancelled());
        assert!(!ran.load(SeqCst));
    }
}
