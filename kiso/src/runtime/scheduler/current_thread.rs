//! The current-thread scheduler.
//!
//! All tasks run on the thread that calls `Runtime::block_on`, which holds the
//! scheduler's [`Core`] (run queue, owner list, driver) while it drives the
//! block-on future and the tasks in turn. Other threads reach the runtime
//! through the remote stacks of [`Shared`] and wake the core's parker.
//!
//! Tasks spawned or woken on the core's own thread go straight to the local
//! FIFO queue and owner list, with no atomic operation besides the task's own
//! state word. Remote spawns are bound to the owner list when the core takes
//! them from the stack, so the list needs no lock.

use crate::loom::sync::atomic::{AtomicBool, Ordering::*};
use crate::loom::sync::Mutex;
use crate::runtime::context::SchedulerCx;
use crate::runtime::{context, ParkHooks};
use crate::runtime::handle::HandleInner;
use crate::runtime::park::{ParkInner, Unparker};
use crate::runtime::scheduler::inject::Stack;
use crate::runtime::scheduler::local_queue::LocalQueue;
use crate::runtime::task::list::OwnedList;
use crate::util::rand::{RngSeed, SeedGenerator};
use crate::runtime::metrics::{bump, WorkerMetrics};
use crate::runtime::task::{self, Header, Id, JoinHandle, Notified, RawTask};
use crate::loom::sync::atomic::AtomicUsize;
use std::time::Instant;
use crate::task::coop;
use std::cell::{Cell, UnsafeCell};
use std::future::Future;
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::task::{Poll, Wake, Waker};

/// Scheduler settings from the builder.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) event_interval: u32,
    pub(crate) global_queue_interval: u32,
    /// The seed of `Builder::rng_seed`, or a random one.
    pub(crate) rng_seed: RngSeed,
}

/// The part every thread may touch.
pub(crate) struct Shared {
    spawned: Stack,
    woken: Stack,
    core: Mutex<Option<Box<Core>>>,
    /// Threads in `block_on` waiting for the core to be free.
    core_waiters: Mutex<Vec<Waker>>,
    block_on: Arc<BlockOnWaker>,
    config: Config,
    hooks: ParkHooks,
    /// Tasks in the two remote stacks.
    remote_len: AtomicUsize,
    /// Length of the owner list, mirrored for metrics.
    owned_len: AtomicUsize,
    metrics: WorkerMetrics,
    /// Seeds this thread's random number generator at each `block_on`, so
    /// that a runtime built with a fixed seed makes the same choices.
    pub(crate) seed_generator: SeedGenerator,
}

/// Wakes the future passed to `block_on`.
struct BlockOnWaker {
    woken: AtomicBool,
    unparker: Unparker,
}

impl Wake for BlockOnWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Release);
        self.unparker.unpark();
    }
}

/// The part only the driving thread touches.
pub(crate) struct Core {
    queue: LocalQueue,
    owned: UnsafeCell<OwnedList>,
    /// Ticks left until the remote stacks are checked even with local work.
    until_remote: Cell<u32>,
    park: Arc<ParkInner>,
}

// SAFETY: the core moves between threads only as a whole, through the
// `Shared::core` mutex; the tasks it points to are `Send` by the task
// protocol.
unsafe impl Send for Core {}

/// What `context::scheduler()` points to while a thread holds the core.
struct Context<'a> {
    handle: *const HandleInner,
    core: &'a Core,
}

fn enter_context(cx: &Context<'_>) -> context::SchedulerGuard {
    context::enter_scheduler(SchedulerCx::CurrentThread(cx as *const Context<'_> as *const ()))
}

/// The core this thread holds for `handle`, if any.
fn local_core(handle: &HandleInner) -> Option<&Core> {
    let SchedulerCx::CurrentThread(p) = context::scheduler() else { return None };
    // SAFETY: the pointer was set by `enter_context` on this thread and
    // stays valid until its guard restores the previous value.
    let cx = unsafe { &*(p as *const Context<'_>) };
    ptr::eq(cx.handle, handle).then_some(cx.core)
}

impl Shared {
    pub(crate) fn new(config: Config, hooks: ParkHooks, driver: Option<crate::runtime::park::DriverWaker>) -> Shared {
        let park = Arc::new(ParkInner::with_driver(driver));
        let unparker = Unparker(park.clone());
        let core = Core {
            queue: LocalQueue::new(),
            owned: UnsafeCell::new(OwnedList::new()),
            until_remote: Cell::new(1),
            park,
        };
        Shared {
            seed_generator: SeedGenerator::new(config.rng_seed.clone()),
            spawned: Stack::new(),
            woken: Stack::new(),
            core: Mutex::new(Some(Box::new(core))),
            core_waiters: Mutex::new(Vec::new()),
            block_on: Arc::new(BlockOnWaker { woken: AtomicBool::new(false), unparker }),
            config,
            hooks,
            remote_len: AtomicUsize::new(0),
            owned_len: AtomicUsize::new(0),
            metrics: WorkerMetrics::default(),
        }
    }

    fn unpark(&self) {
        self.block_on.unparker.unpark();
    }

    fn take_core(&self) -> Option<Box<Core>> {
        crate::loom::lock(&self.core).take()
    }

    fn return_core(&self, core: Box<Core>) {
        *crate::loom::lock(&self.core) = Some(core);
        let waiters = std::mem::take(&mut *crate::loom::lock(&self.core_waiters));
        for w in waiters {
            w.wake();
        }
    }

    /// The driving thread's parker (the time driver wakes it).
    #[allow(dead_code)]
    pub(crate) fn parker(&self) -> Arc<ParkInner> {
        self.block_on.unparker.0.clone()
    }

    pub(crate) fn metrics(&self) -> &WorkerMetrics {
        &self.metrics
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.owned_len.load(Relaxed) + self.spawned_len()
    }

    /// Visits every task of the owner list, if this thread drives the
    /// runtime or nobody does; false otherwise. Tasks spawned from other
    /// threads and not yet taken in by the core are not visited.
    pub(crate) fn for_each_task(&self, handle: &HandleInner, f: &mut dyn FnMut(&Header)) -> bool {
        if let Some(core) = local_core(handle) {
            // SAFETY: a short list walk on the driving thread; `f` only
            // reads the headers.
            unsafe { core.owned() }.for_each(f);
            return true;
        }
        match crate::loom::lock(&self.core).as_ref() {
            Some(core) => {
                // SAFETY: holding the mutex with the core in it: no thread
                // drives the runtime.
                unsafe { core.owned() }.for_each(f);
                true
            }
            None => false,
        }
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        self.remote_len.load(Relaxed)
    }

    /// Remote spawns not yet taken by the core (an upper bound of them).
    fn spawned_len(&self) -> usize {
        if self.spawned.is_empty() {
            0
        } else {
            self.remote_len.load(Relaxed)
        }
    }

    /// Pushes onto one of the remote stacks, counting it.
    fn push_remote(&self, stack: &Stack, raw: RawTask) -> Result<(), RawTask> {
        self.remote_len.fetch_add(1, Relaxed);
        let res = stack.push(raw);
        if res.is_err() {
            self.remote_len.fetch_sub(1, Relaxed);
        }
        res
    }
}

impl Core {
    /// # Safety
    ///
    /// No other reference to the owner list may be alive; every caller is a
    /// short, non-reentrant list operation on the driving thread.
    #[allow(clippy::mut_from_ref)]
    unsafe fn owned(&self) -> &mut OwnedList {
        // SAFETY: per the caller.
        unsafe { &mut *self.owned.get() }
    }

    /// Adds a new task to the owner list and the run queue. `raw` carries
    /// the list's reference and the `Notified` one.
    fn bind(&self, shared: &Shared, raw: RawTask) {
        // SAFETY: a short list operation.
        let owned = unsafe { self.owned() };
        let res = owned.push(raw);
        shared.owned_len.store(owned.len(), Relaxed);
        match res {
            // SAFETY: the second reference is the `Notified`.
            Ok(()) => self.queue.push(unsafe { Notified::from_raw(raw.header_ptr()) }),
            Err(raw) => raw.cancel_new(),
        }
    }

    /// Moves everything from the remote stacks to the local queue.
    fn pull_remote(&self, shared: &Shared) -> bool {
        let mut n = 0;
        if !shared.spawned.is_empty() {
            for raw in shared.spawned.take() {
                self.bind(shared, raw);
                n += 1;
            }
        }
        if !shared.woken.is_empty() {
            for raw in shared.woken.take() {
                // SAFETY: the stack held the task's `Notified`.
                self.queue.push(unsafe { Notified::from_raw(raw.header_ptr()) });
                n += 1;
            }
        }
        if n > 0 {
            shared.remote_len.fetch_sub(n, Relaxed);
        }
        n > 0
    }

    fn next_task(&self, shared: &Shared) -> Option<Notified> {
        let left = self.until_remote.get() - 1;
        self.until_remote.set(left);
        if left == 0 {
            self.until_remote.set(shared.config.global_queue_interval);
            self.pull_remote(shared);
        }
        match self.queue.pop() {
            Some(t) => Some(t),
            None if self.pull_remote(shared) => self.queue.pop(),
            None => None,
        }
    }
}


/// Spawns `future` on the runtime.
pub(crate) fn spawn<F>(handle: &Arc<HandleInner>, future: F, id: Id) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (raw, join) = task::new_task(future, handle.clone(), id);
    let shared = handle.current_thread();
    match local_core(handle) {
        Some(core) => {
            bump(&shared.metrics.local_schedule_count, 1);
            core.bind(shared, raw)
        }
        None => {
            match shared.push_remote(&shared.spawned, raw) {
                Ok(()) => shared.unpark(),
                Err(raw) => raw.cancel_new(),
            }
        }
    }
    join
}

/// Queues a woken task: locally on the driving thread, else remotely.
pub(crate) fn schedule(handle: &HandleInner, task: Notified) {
    let shared = handle.current_thread();
    if let Some(core) = local_core(handle) {
        bump(&shared.metrics.local_schedule_count, 1);
        core.queue.push(task);
        return;
    }
    match shared.push_remote(&shared.woken, task.into_raw()) {
        Ok(()) => shared.unpark(),
        // Shut down: the task is cancelled already; drop the reference.
        // SAFETY: the stack gave back the `Notified` we pushed.
        Err(raw) => drop(unsafe { Notified::from_raw(raw.header_ptr()) }),
    }
}

/// Removes a completed task from the owner list.
pub(crate) fn release(handle: &HandleInner, task: &Header) -> bool {
    match local_core(handle) {
        Some(core) => {
            // SAFETY: a short list operation.
            let owned = unsafe { core.owned() };
            let removed = owned.remove(NonNull::from(task));
            handle.current_thread().owned_len.store(owned.len(), Relaxed);
            removed
        }
        // A task rejected at spawn on another thread was never listed.
        None => false,
    }
}

/// Puts the core back (and wakes threads waiting for it) even if a task or
/// the future panics.
struct CoreGuard<'a> {
    shared: &'a Shared,
    core: Option<Box<Core>>,
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        if let Some(core) = self.core.take() {
            self.shared.return_core(core);
        }
    }
}

/// Drives `future` to completion on this thread, running the runtime's tasks
/// while it waits. If another thread drives the runtime, waits for the core
/// while polling `future` on its own.
pub(crate) fn block_on<F: Future>(handle: &Arc<HandleInner>, future: F) -> F::Output {
    let shared = handle.current_thread();
    // Every `block_on` takes the next seed of the runtime's sequence; the
    // thread's previous generator comes back when it returns.
    let _rng = context::set_rng_seed(shared.seed_generator.next_seed());
    let mut future = std::pin::pin!(future);
    let mut parker: Option<(Arc<ParkInner>, Waker)> = None;
    loop {
        if let Some(core) = shared.take_core() {
            let guard = CoreGuard { shared, core: Some(core) };
            return run(handle, guard.core.as_deref().expect("core present"), future.as_mut());
        }
        // Someone else drives the runtime: poll our future on our own, and
        // ask to be woken when the core is free.
        let (park, waker) = parker.get_or_insert_with(|| {
            let p = Arc::new(ParkInner::new());
            (p.clone(), Waker::from(p))
        });
        {
            let mut waiters = crate::loom::lock(&shared.core_waiters);
            if !waiters.iter().any(|w| w.will_wake(waker)) {
                waiters.push(waker.clone());
            }
        }
        if crate::loom::lock(&shared.core).is_some() {
            continue;
        }
        let mut cx = std::task::Context::from_waker(waker);
        if let Poll::Ready(out) = coop::budget(|| future.as_mut().poll(&mut cx)) {
            return out;
        }
        park.park();
    }
}

fn run<F: Future>(handle: &Arc<HandleInner>, core: &Core, future: Pin<&mut F>) -> F::Output {
    let mut busy_since = Instant::now();
    let out = run_inner(handle, core, future, &mut busy_since);
    bump(&handle.current_thread().metrics.busy_duration_ns, busy_since.elapsed().as_nanos() as u64);
    out
}

fn run_inner<F: Future>(
    handle: &Arc<HandleInner>,
    core: &Core,
    mut future: Pin<&mut F>,
    busy_since: &mut Instant,
) -> F::Output {
    let shared = handle.current_thread();
    let cx = Context { handle: Arc::as_ptr(handle), core };
    let _cx = enter_context(&cx);
    let waker = Waker::from(shared.block_on.clone());
    let mut task_cx = std::task::Context::from_waker(&waker);
    let woken = &shared.block_on.woken;
    woken.store(true, Relaxed);

    'outer: loop {
        if woken.swap(false, AcqRel) {
            if let Poll::Ready(out) = coop::budget(|| future.as_mut().poll(&mut task_cx)) {
                return out;
            }
        }
        for _ in 0..shared.config.event_interval {
            let Some(task) = core.next_task(shared) else {
                if fire_timers(handle) {
                    // Timers woke tasks: run them before sleeping.
                    continue 'outer;
                }
                if woken.load(Acquire) {
                    // The block-on future woke itself (a yield): let the
                    // I/O driver publish what is ready before it runs again,
                    // or a future that polls a resource in a loop would
                    // never see it change.
                    crate::runtime::drive::poll_now(handle, crate::runtime::drive::direct);
                } else {
                    // Nothing to do: sleep until a remote spawn or wake, or
                    // the block-on future's waker, unparks us.
                    if let Some(f) = &shared.hooks.before_park {
                        f();
                    }
                    let m = &shared.metrics;
                    bump(&m.park_count, 1);
                    bump(&m.park_unpark_count, 1);
                    bump(&m.busy_duration_ns, busy_since.elapsed().as_nanos() as u64);
                    park_driver(handle, core);
                    *busy_since = Instant::now();
                    bump(&m.park_unpark_count, 1);
                    if let Some(f) = &shared.hooks.after_unpark {
                        f();
                    }
                }
                continue 'outer;
            };
            bump(&shared.metrics.poll_count, 1);
            coop::budget(|| task.run());
        }
        // Every `event_interval` tasks the loop comes back here: the timers
        // are fired, the I/O driver is polled without blocking, and the
        // block-on future is re-checked.
        fire_timers(handle);
        crate::runtime::drive::poll_now(handle, crate::runtime::drive::direct);
    }
}

/// Fires due timers; true if any fired.
fn fire_timers(handle: &HandleInner) -> bool {
    #[cfg(feature = "time")]
    if let Some(time) = handle.time() {
        return time.process(0) > 0;
    }
    let _ = handle;
    false
}

/// Sleeps until something happens: a wake, a remote spawn, or the next
/// timer. A paused clock jumps to the next timer instead of sleeping.
fn park_driver(handle: &HandleInner, core: &Core) {
    use crate::runtime::drive;
    #[cfg(feature = "time")]
    if let Some(time) = handle.time() {
        let timeout = time.before_park(0);
        #[cfg(feature = "test-util")]
        // Checked in this order: a blocking task's result is delivered (a
        // wake) before it lets the clock jump, so once the clock may jump,
        // a wake still pending shows that the runtime is not idle.
        if time.clock.is_paused() && time.clock.can_auto_advance() {
            // Something woke the runtime since it last looked (a remote
            // wake, a blocking task's result), or I/O is ready: it is not
            // idle, so the clock does not jump.
            if core.park.try_consume() || drive::poll_now(handle, drive::direct) > 0 {
                time.after_park(0);
                time.process(0);
                return;
            }
            if let Some(tick) = time.next_tick(0) {
                if time.clock.auto_advance_to(tick) {
                    time.after_park(0);
                    time.process(0);
                    return;
                }
            }
        }
        drive::park(handle, &core.park, crate::runtime::park::SPINS, timeout, true, || {}, drive::direct);
        time.after_park(0);
        time.process(0);
        return;
    }
    drive::park(handle, &core.park, crate::runtime::park::SPINS, None, true, || {}, drive::direct);
}

/// Cancels every task and drops every future, exactly once. Runs at runtime
/// drop, on the dropping thread, with the runtime entered.
pub(crate) fn shutdown(handle: &Arc<HandleInner>) {
    let shared = handle.current_thread();
    let Some(core) = shared.take_core() else {
        // The core is held by a thread that is unwinding; it cannot be
        // reached, and its tasks are leaked rather than dropped twice.
        return;
    };
    let cx = Context { handle: Arc::as_ptr(handle), core: &core };
    let _cx = enter_context(&cx);
    // SAFETY: short list operation.
    unsafe { core.owned() }.close();
    for raw in shared.spawned.close() {
        raw.cancel_new();
    }
    for raw in shared.woken.close() {
        // SAFETY: the stack held the task's `Notified`.
        drop(unsafe { Notified::from_raw(raw.header_ptr()) });
    }
    loop {
        // Dropping a future may wake or spawn other tasks: repeat until the
        // list and the queue are both empty.
        // SAFETY: short list operation; `shutdown` may re-enter the list
        // (through `release`) only after `pop` returned.
        while let Some(raw) = unsafe { core.owned() }.pop() {
            // SAFETY: we took over the list's reference.
            unsafe { raw.shutdown() };
        }
        let mut drained = false;
        while let Some(task) = core.queue.pop() {
            drop(task);
            drained = true;
        }
        // SAFETY: short list operation.
        if !drained && unsafe { core.owned() }.len() == 0 {
            break;
        }
    }
}
