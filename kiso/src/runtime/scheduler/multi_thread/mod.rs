//! The multi-thread, work-stealing scheduler.
//!
//! Each worker thread owns a [`worker::Core`]: a bounded run queue that
//! others can steal half of, a LIFO slot for the task it woke last, and its
//! parker. Tasks spawned or woken off the workers go to the global
//! [`Inject`] queue, which producers push to without locking. Idle workers
//! steal from a random victim, at most half of them at a time, and park
//! after spinning for a bounded time; a worker is woken only when there is
//! work it could run (see `idle`).
//!
//! Every task is registered in one shard of the owner list (chosen by task
//! id), so shutdown can reach tasks that are idle and referenced only by
//! wakers held elsewhere.

mod capacity;
mod idle;
pub(crate) mod queue;
pub(crate) mod worker;

#[cfg(all(test, not(loom)))]
mod crowd_tests;
#[cfg(all(test, loom))]
mod loom_tests;

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use crate::runtime::handle::HandleInner;
use crate::runtime::metrics::WorkerMetrics;
use crate::runtime::park::ParkInner;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::task::list::OwnedList;
use crate::runtime::task::{self, Header, Id, JoinHandle, Notified};
use crate::runtime::{Callback, ParkHooks, ThreadNameFn};
use idle::Idle;
use std::future::Future;
use std::io;
use std::ptr::NonNull;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Scheduler settings from the builder.
pub(crate) struct Config {
    pub(crate) num_workers: usize,
    pub(crate) event_interval: u32,
    /// `None`: Tokio's default for the multi-thread scheduler (61).
    pub(crate) global_queue_interval: Option<u32>,
    pub(crate) disable_lifo_slot: bool,
    pub(crate) thread_name: ThreadNameFn,
    pub(crate) stack_size: Option<usize>,
    pub(crate) after_start: Option<Callback>,
    pub(crate) before_stop: Option<Callback>,
    pub(crate) park_hooks: ParkHooks,
    pub(crate) driver_waker: Option<crate::runtime::park::DriverWaker>,
    /// The seed of `Builder::rng_seed`, or a random one.
    pub(crate) rng_seed: crate::util::rand::RngSeed,
}

/// One worker's parts that other threads touch.
pub(crate) struct Remote {
    steal: queue::Steal,
    park: Arc<ParkInner>,
}

/// `Shared::io_owner` when no worker owns the driver's maintenance polls.
const NO_IO_OWNER: usize = usize::MAX;

/// One shard of the owner list.
struct Shard {
    list: Mutex<OwnedList>,
    len: AtomicUsize,
}

pub(crate) struct Shared {
    remotes: Box<[Remote]>,
    inject: Inject,
    idle: Idle,
    shards: Box<[Shard]>,
    /// Cores waiting for a thread: at start, and when a worker hands its
    /// core off in `block_in_place`; the exiting workers put them back here.
    cores: Mutex<Vec<Option<Box<worker::Core>>>>,
    shutdown: AtomicBool,
    /// Set while one worker spins before sleeping: at most one spins at a
    /// time, so spinning never takes a core from a thread with work (two
    /// spinning workers plus a busy thread oversubscribe two cores).
    spinning: AtomicBool,
    /// Set by a producer that left a burst to the spinning worker instead of
    /// waking anybody (see `notify_parked_local`); on crowded CPUs the
    /// spinner looks for work when its spin ends only if this is set (or
    /// the global queue holds some).
    spin_missed: AtomicBool,
    /// How many CPUs the workers can keep busy without taking them from
    /// other processes (see `capacity`).
    capacity: capacity::Capacity,
    /// The worker that polls the I/O driver at its maintenance, or
    /// `NO_IO_OWNER`: the last one to dispatch events from a sleep in the
    /// driver, or the first to find events when there was none. The others
    /// poll the driver only when they park, and only if no other worker is
    /// running (see `worker::Context::sleep`), so the tasks that I/O wakes
    /// stay with one worker until it has more than it keeps up with.
    io_owner: AtomicUsize,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
    /// Hands each worker thread and each `block_on` its seed for the
    /// thread's random numbers (`select!`).
    pub(crate) seed_generator: crate::util::rand::SeedGenerator,
    /// Worker threads still running (signalled through `exited`).
    running: Mutex<usize>,
    exited: crate::loom::sync::Condvar,
    metrics: Box<[WorkerMetrics]>,
    config: Config,
}

impl Shared {
    pub(crate) fn new(config: Config) -> Shared {
        let n = config.num_workers;
        let mut remotes = Vec::with_capacity(n);
        let mut cores = Vec::with_capacity(n);
        let seed = worker::seed();
        let seed_generator = crate::util::rand::SeedGenerator::new(config.rng_seed.clone());
        for index in 0..n {
            let (local, steal) = queue::new();
            // (`Option<Infallible>`, which is `Copy`, without an I/O driver.)
            #[allow(clippy::clone_on_copy)]
            let park = Arc::new(ParkInner::with_driver(config.driver_waker.clone()));
            remotes.push(Remote { steal, park: park.clone() });
            // Each worker's seed is drawn here, in worker order, before any
            // thread runs: a `block_on` then draws the seed after the
            // workers', however the threads start.
            let context_seed = seed_generator.next_seed();
            cores.push(Some(Box::new(worker::Core::new(index, local, park, seed ^ (index as u64 + 1), context_seed))));
        }
        let num_shards = (n.next_power_of_two() * 4).min(1 << 16);
        let shards = (0..num_shards).map(|_| Shard { list: Mutex::new(OwnedList::new()), len: AtomicUsize::new(0) }).collect();
        Shared {
            remotes: remotes.into_boxed_slice(),
            inject: Inject::new(),
            idle: Idle::new(n),
            shards,
            cores: Mutex::new(cores),
            shutdown: AtomicBool::new(false),
            spinning: AtomicBool::new(false),
            spin_missed: AtomicBool::new(false),
            capacity: capacity::Capacity::new(),
            io_owner: AtomicUsize::new(NO_IO_OWNER),
            threads: Mutex::new(Vec::new()),
            seed_generator,
            running: Mutex::new(0),
            exited: crate::loom::sync::Condvar::new(),
            metrics: (0..n).map(|_| WorkerMetrics::default()).collect(),
            config,
        }
    }

    /// Each worker's parker, by worker index (the time driver wakes them).
    #[allow(dead_code)]
    pub(crate) fn parkers(&self) -> Vec<Arc<ParkInner>> {
        self.remotes.iter().map(|r| r.park.clone()).collect()
    }

    pub(crate) fn metrics(&self) -> &[WorkerMetrics] {
        &self.metrics
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.shards.iter().map(|s| s.len.load(Relaxed)).sum()
    }

    /// Visits every task of the owner lists, one shard lock at a time.
    pub(crate) fn for_each_task(&self, f: &mut dyn FnMut(&Header)) {
        for shard in self.shards.iter() {
            crate::loom::lock(&shard.list).for_each(&mut *f);
        }
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        self.inject.len()
    }

    /// The owner-list shard of a task. Ids come in per-thread blocks (see
    /// `task::Id`): runs of 16 consecutive ids share a shard, and each block
    /// starts at a different shard, so threads spawning at once mostly lock
    /// different shards while one thread's tasks still spread over all of
    /// them (their completions, on any worker, rarely meet on one lock).
    fn shard(&self, id: Id) -> &Shard {
        let id = id.0.get();
        let index = (id >> 4) ^ (id / crate::runtime::task::ID_BLOCK);
        &self.shards[index as usize & (self.shards.len() - 1)]
    }

    fn is_shutdown(&self) -> bool {
        self.shutdown.load(Acquire)
    }

    /// Wakes a parked worker if there is nobody looking for work.
    fn notify_parked(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.remotes[index].park.unpark();
        }
    }

    /// As `notify_parked`, for work queued on the calling worker's own
    /// queue, which it runs itself if nobody steals it.
    ///
    /// `burst`: the running task woke several tasks (one displaced another
    /// from the LIFO slot). A worker that is spinning before it sleeps is
    /// not woken for those: it looks at every queue when its spin ends
    /// ([`Shared::end_spin`]) and goes to steal if it finds something. So a
    /// burst of short tasks woken by one task (the receivers of a
    /// broadcast or a watch, the waiters of `notify_waiters`) mostly runs on
    /// the worker that woke them, instead of pulling the other worker in at
    /// once to contend for the data they all touch; work that is still
    /// queued when the spin ends (a few microseconds) is shared as before.
    /// Without `burst` (maintenance found a lasting backlog, or released
    /// yielded tasks), any parked or spinning worker is woken. Tasks that
    /// yielded, were woken while running or missed the LIFO slot do not
    /// call this at all (see `schedule_local`).
    ///
    /// Returns true if the burst was left to the spinning worker.
    fn notify_parked_local(&self, burst: bool) -> bool {
        // The plain load keeps the common case (nobody spins) free of a
        // read-modify-write. Seeing the flag set is only trusted through a
        // read-modify-write, which orders our push before the spinner's
        // `end_spin`: it then sees the work.
        if burst && self.spinning.load(Relaxed) {
            // Set before the read-modify-write below, so that a spinner
            // whose `end_spin` comes after it in the flag's order sees it.
            self.spin_missed.store(true, Relaxed);
            if self.spinning.fetch_or(false, AcqRel) {
                return true;
            }
        }
        if let Some(index) = self.idle.worker_to_notify_unfenced() {
            self.remotes[index].park.unpark();
        }
        false
    }

    /// Whether worker `index` polls the I/O driver at its maintenance.
    /// Any worker does while the CPUs are not crowded.
    fn polls_io_at_maintenance(&self, index: usize) -> bool {
        let owner = self.io_owner.load(Relaxed);
        owner == index || owner == NO_IO_OWNER || !self.crowded()
    }

    /// Makes worker `index` the owner of the driver's maintenance polls,
    /// after it dispatched events; `from_park`: from a sleep in the driver
    /// (it takes over), else from a maintenance poll (only if there was no
    /// owner).
    fn claim_io(&self, index: usize, from_park: bool) {
        let owner = self.io_owner.load(Relaxed);
        if owner != index && (from_park || owner == NO_IO_OWNER) {
            self.io_owner.store(index, Relaxed);
        }
    }

    /// Gives up worker `index`'s ownership of the maintenance polls, as it
    /// goes to sleep away from the driver.
    fn release_io(&self, index: usize) {
        if self.io_owner.load(Relaxed) == index {
            self.io_owner.store(NO_IO_OWNER, Relaxed);
        }
    }

    /// True if the machine's CPUs are crowded: another worker woken now
    /// would take a CPU from another process's busy thread rather than find
    /// one idle (see `capacity`). The scheduler then keeps work where it is.
    fn crowded(&self) -> bool {
        self.capacity.crowded(self.idle.num_unparked())
    }

    /// Queues a task from off the workers.
    fn push_remote(&self, task: Notified) {
        if self.inject.push(task) {
            self.notify_parked();
        }
    }

    /// Wakes a worker if any queue holds work (used by the last searcher
    /// going to sleep, or finding work). On crowded CPUs, only for the
    /// global queue: what waits on a worker's own queue is that worker's
    /// to run (see `crowded`).
    fn notify_if_work_pending(&self) {
        if !self.inject.is_empty() || (self.work_pending() && !self.crowded()) {
            self.notify_parked();
        }
    }

    /// True if any queue holds work.
    fn work_pending(&self) -> bool {
        self.remotes.iter().any(|r| !r.steal.is_empty()) || !self.inject.is_empty()
    }

    /// Claims the right to spin before sleeping (one worker at a time);
    /// false if another worker spins.
    fn start_spin(&self) -> bool {
        !self.spinning.swap(true, Acquire)
    }

    /// Ends the spin claimed with `start_spin`. Returns true if the caller
    /// must look for work instead of sleeping: with CPUs to spare, if any
    /// queue holds work (producers did not wake it for work on their own
    /// queues while it spun, see `notify_parked_local`). On crowded CPUs
    /// (`crowded`) only if the global queue holds some, or a producer left a
    /// burst on its own queue to the spinner: work other workers queued
    /// without waking anybody (tasks woken while running or by I/O events
    /// they dispatched, LIFO overflow) is then theirs to run.
    fn end_spin(&self) -> bool {
        // Read-modify-writes, so that they are ordered after the one of any
        // producer that saw the flag set, and see that producer's work.
        self.spinning.swap(false, AcqRel);
        let missed = self.spin_missed.swap(false, AcqRel);
        if !self.crowded() {
            return self.work_pending();
        }
        !self.inject.is_empty() || (missed && self.work_pending())
    }

    /// Starts a thread for worker `index`, whose core waits in `cores`.
    fn start_worker(&self, handle: &Arc<HandleInner>, index: usize) -> io::Result<()> {
        let mut builder = std::thread::Builder::new().name((self.config.thread_name)());
        if let Some(size) = self.config.stack_size {
            builder = builder.stack_size(size);
        }
        let h = handle.clone();
        *crate::loom::lock(&self.running) += 1;
        let spawned = builder.spawn(move || {
            let shared = h.multi_thread();
            if let Some(f) = &shared.config.after_start {
                f();
            }
            worker::run(&h, index);
            if let Some(f) = &shared.config.before_stop {
                f();
            }
            let mut running = crate::loom::lock(&shared.running);
            *running -= 1;
            shared.exited.notify_all();
        });
        match spawned {
            Ok(join) => {
                crate::loom::lock(&self.threads).push(join);
                Ok(())
            }
            Err(e) => {
                *crate::loom::lock(&self.running) -= 1;
                Err(e)
            }
        }
    }

    fn take_core(&self, index: usize) -> Option<Box<worker::Core>> {
        crate::loom::lock(&self.cores)[index].take()
    }

    fn put_core(&self, core: Box<worker::Core>) {
        let index = core.index();
        crate::loom::lock(&self.cores)[index] = Some(core);
    }
}

/// Starts every worker of a new runtime.
pub(crate) fn launch(handle: &Arc<HandleInner>) -> io::Result<()> {
    let shared = handle.multi_thread();
    for index in 0..shared.remotes.len() {
        shared.start_worker(handle, index)?;
    }
    Ok(())
}


pub(crate) fn spawn<F>(handle: &Arc<HandleInner>, future: F, id: Id) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let shared = handle.multi_thread();
    let (raw, join) = task::new_task(future, handle.clone(), id);
    let shard = shared.shard(id);
    {
        let mut list = crate::loom::lock(&shard.list);
        if let Err(raw) = list.push(raw) {
            drop(list);
            raw.cancel_new();
            return join;
        }
        shard.len.store(list.len(), Relaxed);
    }
    // SAFETY: the second reference of a new task is its `Notified`.
    let task = unsafe { Notified::from_raw(raw.header_ptr()) };
    schedule(handle, task, false);
    join
}

/// Queues a woken task: on this worker if we are one of this runtime's
/// workers (into the LIFO slot unless it yielded), else on the global queue.
pub(crate) fn schedule(handle: &HandleInner, task: Notified, is_yield: bool) {
    let task = match worker::schedule_local(handle, task, is_yield) {
        Ok(()) => return,
        Err(task) => task,
    };
    handle.multi_thread().push_remote(task);
}

pub(crate) fn release(handle: &HandleInner, task: &Header) -> bool {
    let shard = handle.multi_thread().shard(task.id);
    let mut list = crate::loom::lock(&shard.list);
    let removed = list.remove(NonNull::from(task));
    shard.len.store(list.len(), Relaxed);
    removed
}

/// Stops the workers (waiting at most `timeout` for them), then cancels every
/// task, dropping each future exactly once.
pub(crate) fn shutdown(handle: &Arc<HandleInner>, timeout: Option<Duration>) {
    let shared = handle.multi_thread();
    if shared.shutdown.swap(true, AcqRel) {
        return;
    }
    for remote in shared.remotes.iter() {
        remote.park.unpark();
    }
    // Wait for the workers to leave; a worker stuck in a task is left
    // behind after the timeout.
    let deadline = timeout.map(|t| Instant::now() + t);
    let on_worker = matches!(crate::runtime::context::scheduler(), crate::runtime::context::SchedulerCx::MultiThread(_));
    let mut all_exited = true;
    if !on_worker {
        let mut running = crate::loom::lock(&shared.running);
        while *running > 0 {
            running = match deadline {
                None => shared.exited.wait(running).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        all_exited = false;
                        break;
                    }
                    shared.exited.wait_timeout(running, d - now).unwrap_or_else(|e| e.into_inner()).0
                }
            };
        }
    } else {
        all_exited = false;
    }
    if all_exited {
        let threads = std::mem::take(&mut *crate::loom::lock(&shared.threads));
        for t in threads {
            let _ = t.join();
        }
    }
    // No new task can be listed or queued from here on.
    for shard in shared.shards.iter() {
        crate::loom::lock(&shard.list).close();
    }
    shared.inject.close();
    // Cancel every task; dropping futures may wake or spawn others, which
    // are rejected now.
    for shard in shared.shards.iter() {
        loop {
            let task = crate::loom::lock(&shard.list).pop();
            let Some(raw) = task else { break };
            shard.len.fetch_sub(1, Relaxed);
            // SAFETY: we took over the list's reference.
            unsafe { raw.shutdown() };
        }
    }
    // Cores whose workers exited: their queues were drained on exit.
    let cores = std::mem::take(&mut *crate::loom::lock(&shared.cores));
    drop(cores);
    shared.inject.close();
}

/// Default number of workers: `TOKIO_WORKER_THREADS` if set, else the
/// number of CPUs.
///
/// # Panics
///
/// Panics if the variable is set to something other than a positive
/// integer.
pub(crate) fn default_num_workers() -> usize {
    match std::env::var("TOKIO_WORKER_THREADS") {
        Ok(s) => match s.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => panic!("\"TOKIO_WORKER_THREADS\" must be a positive integer, got {s:?}"),
        },
        Err(_) => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    }
}
