//! A worker thread: its core, its loop, and scheduling from inside it.
//!
//! The loop, per tick: take a task (every `global_queue_interval` ticks the
//! global queue first, else the LIFO slot, the local queue, then a batch from
//! the global queue); if there is none, steal; if there is nothing to steal,
//! park. While a task runs, the core sits in the thread's [`Context`] so that
//! wakes and spawns from the task reach the local queue; `block_in_place`
//! can take it from there and hand it to a new thread.

use super::{queue, Shared};
use crate::runtime::context::{self, SchedulerCx};
use crate::runtime::handle::HandleInner;
use crate::runtime::metrics::{bump, WorkerMetrics};
use crate::runtime::park::ParkInner;
use crate::runtime::task::Notified;
use crate::task::coop;
use std::cell::RefCell;
use std::ptr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Instant;

/// How many times in a row the LIFO slot may be preferred before the
/// worker goes back to its queue (the starvation guard: two tasks waking
/// each other must not keep everything else waiting). A chain is also cut
/// when the shared coop budget of the poll runs out. Tokio allows 3; kiso
/// allows 16, which keeps a message-passing pair on hot caches for longer
/// (ping_pong on two workers: 0.86 of Tokio's time at 8, 0.81 at 16) while
/// still bounding the wait of the other tasks to a few microseconds.
const MAX_LIFO_POLLS_PER_TICK: u32 = 16;

/// Maintenances in a row that must find a backlog (more than one task
/// queued) before a sleeping worker is woken for it. Tasks queued because
/// they missed the LIFO slot, or were woken while running, do not wake
/// anybody when queued: the worker that queued them usually runs them within
/// microseconds, and a worker woken for them only splits the tasks that talk
/// to each other across the cores (mpsc_bounded_full 0.70 -> 0.60 of Tokio's
/// time, notify_one 0.73 -> 0.61, request_reply 0.71 -> 0.55, with half the
/// CPU time). A burst of 100 short tasks is gone within two maintenances; a
/// backlog that lasts three (about 180 ticks) is worth a worker.
const BACKLOG_MAINTENANCES: u32 = 3;

/// How many spin iterations a worker waits for a notification before it
/// sleeps. A wake of a sleeping thread costs 25-50 µs on the VMs kiso is
/// measured on, one of a spinning thread about 0.1 µs. 500 pause
/// instructions take about 8 µs there (measured: best of 200 runs), enough to
/// catch the next message of a request/reply exchange (about 3 µs a round
/// trip); it happens once per park and in one worker at a time, so an idle
/// runtime still costs next to nothing.
#[cfg(not(loom))]
const PARK_SPINS: u32 = 500;
#[cfg(loom)]
const PARK_SPINS: u32 = 0;

/// On crowded CPUs, how long a parked worker leaves the I/O driver to the
/// workers that are running tasks before it checks that one of them polled
/// it meanwhile, and takes it if none did (see `Context::sleep`): the longest
/// an I/O event waits when the running workers are stuck in long tasks.
const IO_WATCH: std::time::Duration = std::time::Duration::from_micros(500);

/// Aligned to two cache lines: the cores of different workers are written
/// on every tick and must not share a line.
#[repr(align(128))]
pub(crate) struct Core {
    index: usize,
    /// Ticks left until the global queue goes first / until maintenance
    /// (countdowns rather than a division on every tick).
    until_global: u32,
    until_maintenance: u32,
    lifo: Option<Notified>,
    lifo_enabled: bool,
    run_queue: queue::Local,
    /// Tasks that yielded (woke themselves while polled), oldest first. They
    /// are held back from the run queue, where other workers could steal
    /// them: once this worker has no other local work it runs them itself,
    /// one at a time, and only at maintenance (every `event_interval`
    /// ticks) do they go to the queue, with a sleeping worker woken if that
    /// makes a backlog. A producer whose budget ran out thus stays with the
    /// consumer it woke instead of being taken by another worker and split
    /// from it; split, the pair pays a cross-core miss per message
    /// (mpsc_uncontended: three quarters of the messages were received on
    /// another worker than the producer's, against a tenth on Tokio, which
    /// holds yielded tasks back too). Tasks that yield in a loop still
    /// spread over the workers within one maintenance interval.
    deferred: std::collections::VecDeque<Notified>,
    /// How many maintenances in a row found more than one task queued. Tasks
    /// queued without waking a sleeping worker (see `schedule_local`) wake
    /// one if such a backlog lasts `BACKLOG_MAINTENANCES` maintenances.
    backlog: u32,
    /// Set while this worker dispatches I/O events on crowded CPUs: the
    /// tasks they wake queue here without waking another worker (see
    /// `schedule_local` and `Shared::crowded`).
    dispatching_io: bool,
    /// While this worker sleeps off the I/O driver (see `Context::sleep`):
    /// the driver's turn count when it lay down.
    watch_turns: Option<usize>,
    is_searching: bool,
    is_shutdown: bool,
    rng: u64,
    park: Arc<ParkInner>,
    busy_since: Instant,
    /// The seed of the thread-local generator (`select!`'s choices) on this
    /// worker's thread, from the runtime's `rng_seed` sequence.
    context_seed: crate::util::rand::RngSeed,
}

/// A seed for the workers' random number generators.
pub(crate) fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x6b69_736f);
    h.finish() | 1
}

impl Core {
    pub(super) fn new(index: usize, run_queue: queue::Local, park: Arc<ParkInner>, seed: u64, context_seed: crate::util::rand::RngSeed) -> Core {
        Core {
            context_seed,
            index,
            until_global: 1,
            until_maintenance: 1,
            lifo: None,
            lifo_enabled: true,
            run_queue,
            deferred: std::collections::VecDeque::new(),
            backlog: 0,
            dispatching_io: false,
            watch_turns: None,
            is_searching: false,
            is_shutdown: false,
            rng: seed | 1,
            park,
            busy_since: Instant::now(),
        }
    }

    pub(super) fn index(&self) -> usize {
        self.index
    }

    /// xorshift64*: the victim choice needs speed, not quality.
    fn rand_n(&mut self, n: usize) -> usize {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as usize % n
    }

    fn metrics<'a>(&self, shared: &'a Shared) -> &'a WorkerMetrics {
        &shared.metrics[self.index]
    }

    fn next_task(&mut self, shared: &Shared) -> Option<Notified> {
        self.until_global -= 1;
        if self.until_global == 0 {
            self.until_global = shared.config.global_queue_interval.unwrap_or(61);
            // Now and then the global queue goes first, so remote work is
            // not starved by a worker that always has local work (tasks
            // that yield go back to the local queue). A fair share is taken
            // at once, so remote work keeps pace with the local loop.
            if let Some(task) = self.pull_inject(shared) {
                return Some(task);
            }
        }
        if let Some(task) = self.next_local_task() {
            return Some(task);
        }
        self.pull_inject(shared)
    }

    /// Takes a fair share of the global queue (as much as fits): returns one
    /// task and queues the rest locally.
    fn pull_inject(&mut self, shared: &Shared) -> Option<Notified> {
        if shared.inject.is_empty() {
            return None;
        }
        let room = queue::CAPACITY - self.run_queue.len().min(queue::CAPACITY);
        let n = (shared.inject.len() / shared.remotes.len() + 1).min(queue::CAPACITY / 2).min(room.max(1));
        let mut first = None;
        let inject = &shared.inject;
        let run_queue = &mut self.run_queue;
        inject.pop_batch(n, |t| match first {
            None => first = Some(t),
            Some(_) => {
                run_queue.push_back(t, inject);
            }
        });
        first
    }

    fn next_local_task(&mut self) -> Option<Notified> {
        if self.lifo_enabled {
            if let Some(task) = self.lifo.take() {
                return Some(task);
            }
        }
        self.run_queue.pop()
    }

    /// Moves the tasks that yielded to the back of the run queue, where they
    /// run in turn and can be stolen. Returns true if there were any.
    fn release_deferred(&mut self, shared: &Shared) -> bool {
        if self.deferred.is_empty() {
            return false;
        }
        let overflow = self.deferred.drain(..).map(|task| u64::from(self.run_queue.push_back(task, &shared.inject))).sum();
        bump(&self.metrics(shared).overflow_count, overflow);
        true
    }

    /// Steals from a random other worker, or takes from the global queue.
    fn steal_work(&mut self, shared: &Shared) -> Option<Notified> {
        if !self.is_searching {
            self.is_searching = shared.idle.transition_to_searching();
        }
        if !self.is_searching {
            return None;
        }
        let n = shared.remotes.len();
        let start = self.rand_n(n);
        for i in 0..n {
            let victim = (start + i) % n;
            if victim == self.index {
                continue;
            }
            if let Some((task, count)) = shared.remotes[victim].steal.steal_into(&mut self.run_queue) {
                let m = &shared.metrics[self.index];
                bump(&m.steal_count, count as u64);
                bump(&m.steal_operations, 1);
                return Some(task);
            }
        }
        let mut task = None;
        shared.inject.pop_batch(1, |t| task = Some(t));
        task
    }

    /// The local queue, for the loom models.
    #[cfg(all(test, loom))]
    pub(super) fn run_queue_mut(&mut self) -> &mut queue::Local {
        &mut self.run_queue
    }

    /// Sends queued tasks back (on exit): their `Notified` references are
    /// dropped, the tasks themselves are cancelled through the owner list.
    fn drain(&mut self) {
        drop(self.lifo.take());
        self.deferred.clear();
        while let Some(task) = self.run_queue.pop() {
            drop(task);
        }
    }
}

/// What `context::scheduler()` points to on a worker thread.
pub(crate) struct Context {
    handle: *const HandleInner,
    index: usize,
    /// The core, while a task runs; `None` after `block_in_place` gave it
    /// away.
    core: RefCell<Option<Box<Core>>>,
}

/// Runs worker `index` on this thread until shutdown (or until this thread
/// gives its core away).
pub(crate) fn run(handle: &Arc<HandleInner>, index: usize) {
    let shared = handle.multi_thread();
    let Some(core) = shared.take_core(index) else { return };
    let _driving = context::enter_driving();
    let _enter = context::set_current(handle);
    let _rng = context::set_rng_seed(core.context_seed.clone());
    let cx = Context { handle: Arc::as_ptr(handle), index, core: RefCell::new(None) };
    let _sched = context::enter_scheduler(SchedulerCx::MultiThread(&cx as *const Context as *const ()));
    if let Some(mut core) = cx.run_loop(shared, core) {
        core.drain();
        let m = core.metrics(shared);
        bump(&m.busy_duration_ns, core.busy_since.elapsed().as_nanos() as u64);
        shared.put_core(core);
    }
}

impl Context {
    /// Returns the core at shutdown, or `None` if it was handed off.
    fn run_loop(&self, shared: &Shared, mut core: Box<Core>) -> Option<Box<Core>> {
        loop {
            core.lifo_enabled = !shared.config.disable_lifo_slot;
            core.until_maintenance -= 1;
            if core.until_maintenance == 0 {
                core.until_maintenance = shared.config.event_interval;
                // Maintenance: the drivers are polled without blocking, and
                // the shutdown flag is checked.
                core.metrics(shared).queue_depth.store(core.run_queue.len() as u64, Relaxed);
                if shared.is_shutdown() {
                    core.is_shutdown = true;
                }
                self.fire_timers(core.index, false);
                if shared.polls_io_at_maintenance(core.index) {
                    core = self.poll_io_now(shared, core);
                }
                // Yielded tasks become stealable now, and a sleeping worker
                // is woken to share a backlog.
                let released = core.release_deferred(shared);
                let backlog = core.run_queue.len() > 1;
                core.backlog = if backlog { core.backlog + 1 } else { 0 };
                shared.capacity.refresh();
                // A backlog wakes nobody while the CPUs are crowded: the
                // worker woken would only take turns for a CPU with the
                // thread that needs it.
                if backlog && (released || (core.backlog >= BACKLOG_MAINTENANCES && !shared.crowded())) {
                    core.backlog = 0;
                    shared.notify_parked_local(false);
                }
            }
            if core.is_shutdown {
                return Some(core);
            }
            if let Some(task) = core.next_task(shared) {
                core = self.run_task(shared, task, core)?;
                continue;
            }
            // Out of other local work: the oldest yielded task runs, still
            // out of the other workers' reach (see `Core::deferred`).
            if let Some(task) = core.deferred.pop_front() {
                core = self.run_task(shared, task, core)?;
                continue;
            }
            if let Some(task) = core.steal_work(shared) {
                core = self.run_task(shared, task, core)?;
                continue;
            }
            core = self.park(shared, core);
        }
    }

    /// Runs a task, then the tasks it leaves in the LIFO slot, within one
    /// coop budget. `None` if the core was given away meanwhile.
    fn run_task(&self, shared: &Shared, task: Notified, mut core: Box<Core>) -> Option<Box<Core>> {
        if core.is_searching {
            core.is_searching = false;
            if shared.idle.transition_from_searching() {
                // We were the last searcher and found work. Producers did not
                // notify while we searched, so if more work is queued, get
                // somebody else looking; if none is, later producers see no
                // searcher and notify themselves. (Waking a peer blindly
                // would put a system call before this task's poll.)
                shared.notify_if_work_pending();
            }
        }
        let metrics = core.metrics(shared);
        *self.core.borrow_mut() = Some(core);
        coop::budget(|| {
            bump(&metrics.poll_count, 1);
            // A yield mark left over from a future polled outside a task
            // must not pass for this task's.
            coop::take_yielding();
            task.run();
            let mut lifo_polls = 0;
            loop {
                // The core stays in the context while LIFO tasks run; it is
                // gone if `block_in_place` handed it to another thread.
                let task = {
                    let mut slot = self.core.borrow_mut();
                    let core = slot.as_mut()?;
                    let Some(task) = core.lifo.take() else { return slot.take() };
                    if !core.lifo_enabled || !coop::has_budget_remaining() {
                        // Out of budget or over the LIFO limit: the task waits
                        // its turn in the queue.
                        bump(&metrics.overflow_count, u64::from(core.run_queue.push_back(task, &shared.inject)));
                        return slot.take();
                    }
                    lifo_polls += 1;
                    if lifo_polls >= MAX_LIFO_POLLS_PER_TICK {
                        core.lifo_enabled = false;
                    }
                    task
                };
                bump(&metrics.poll_count, 1);
                task.run();
            }
        })
    }

    /// Fires this worker's due timers; true if any fired. When `idle`, the
    /// other workers' wheels too.
    fn fire_timers(&self, index: usize, idle: bool) -> bool {
        #[cfg(feature = "time")]
        // SAFETY: the handle outlives the worker loop (`run` holds it).
        if let Some(time) = unsafe { &*self.handle }.time() {
            let fired = if idle { time.process_idle(index) } else { time.process(index) };
            return fired > 0;
        }
        let _ = (index, idle);
        false
    }

    /// Dispatches the I/O events that are ready now, without blocking; the
    /// tasks they wake are queued on this worker.
    fn poll_io_now(&self, shared: &Shared, mut core: Box<Core>) -> Box<Core> {
        // SAFETY: the handle outlives the worker loop.
        let handle = unsafe { &*self.handle };
        core.dispatching_io = shared.crowded();
        *self.core.borrow_mut() = Some(core);
        let events = crate::runtime::drive::poll_now(handle, |dispatch| dispatch());
        let mut core = self.core.borrow_mut().take().expect("core stays in the context");
        core.dispatching_io = false;
        if events > 0 {
            shared.claim_io(core.index, false);
        }
        core
    }

    fn park(&self, shared: &Shared, mut core: Box<Core>) -> Box<Core> {
        let hooks = &shared.config.park_hooks;
        if core.lifo.is_some()
            || !core.run_queue.is_empty()
            || !core.deferred.is_empty()
            || self.fire_timers(core.index, true)
        {
            return core;
        }
        if let Some(f) = &hooks.before_park {
            f();
        }
        let was_searching = core.is_searching;
        core.is_searching = false;
        // Spin first only if no other worker is spinning.
        let spin = PARK_SPINS > 0 && shared.start_spin();
        if shared.idle.transition_to_parked(core.index, was_searching, spin) {
            // Producers saw us searching and did not notify: look again.
            shared.notify_if_work_pending();
        }
        let m = core.metrics(shared);
        bump(&m.park_count, 1);
        bump(&m.park_unpark_count, 1);
        bump(&m.busy_duration_ns, core.busy_since.elapsed().as_nanos() as u64);
        m.queue_depth.store(0, Relaxed);
        let mut spin = spin;
        // Set when the spin ended with work queued somewhere.
        let found = std::cell::Cell::new(false);
        let park = core.park.clone();
        loop {
            core = self.sleep(core, if spin { PARK_SPINS } else { 0 }, || {
                if spin && shared.end_spin() {
                    // Do not sleep: the park below returns at once.
                    found.set(true);
                    park.unpark();
                }
            });
            if found.get() {
                // Our own notification, if the spin ended on another one
                // and did not sleep (we are leaving either way).
                park.try_consume();
            }
            spin = false;
            if shared.is_shutdown() {
                core.is_shutdown = true;
                shared.idle.unpark_worker(core.index);
                break;
            }
            if !shared.idle.is_parked(core.index) {
                // A notifier chose us: we start out searching.
                core.is_searching = true;
                break;
            }
            // Work queued while we spun (go and steal it), or I/O events or
            // timers that woke tasks into our own queue.
            if found.get() || core.lifo.is_some() || !core.run_queue.is_empty() {
                // A notifier may have chosen us since the check above: then
                // we are counted as searching.
                core.is_searching = !shared.idle.unpark_worker(core.index);
                break;
            }
        }
        core.watch_turns = None;
        core.busy_since = Instant::now();
        bump(&m.park_unpark_count, 1);
        if let Some(f) = &hooks.after_unpark {
            f();
        }
        core
    }
}

impl Context {
    /// Spins `spins` steps, then sleeps on the worker's parker (in the I/O
    /// driver if it is free), no longer than until its next timer; fires the
    /// timers that came due and dispatches the I/O events that arrived.
    /// Tasks they wake are queued on this worker. `spin_done` runs when the
    /// spin ends.
    fn sleep(&self, mut core: Box<Core>, spins: u32, spin_done: impl FnOnce()) -> Box<Core> {
        // SAFETY: the handle outlives the worker loop (`run` holds it).
        let handle = unsafe { &*self.handle };
        let index = core.index;
        let park = core.park.clone();
        #[cfg(feature = "time")]
        #[cfg_attr(not(any(feature = "net", feature = "process", feature = "signal")), allow(unused_mut))]
        let mut timeout = handle.time().and_then(|t| t.before_park(index));
        #[cfg(not(feature = "time"))]
        #[cfg_attr(not(any(feature = "net", feature = "process", feature = "signal")), allow(unused_mut))]
        let mut timeout: Option<std::time::Duration> = None;
        // Who sleeps in the I/O driver. On crowded CPUs
        // (`Shared::crowded`), while another worker runs tasks, this one
        // leaves the driver to it: the owner of the maintenance polls
        // (`Shared::io_owner`) polls the OS at each maintenance and whenever
        // its queue runs dry, and runs the tasks its events wake. The I/O
        // load thus stays on the workers that run, instead of being split
        // with a worker woken from the driver for each batch of events, who
        // would only take turns for a CPU with another process's thread. So
        // that I/O is not kept waiting behind a long task, the sleeper wakes
        // every `IO_WATCH` and takes the driver if nobody polled it
        // meanwhile; the last worker to park always takes it. With CPUs to
        // spare, whoever parks first takes the driver, as before.
        let shared = handle.multi_thread();
        // Workers running tasks (this one is counted as parked already).
        let running = shared.idle.num_unparked();
        #[cfg_attr(not(any(feature = "net", feature = "process", feature = "signal")), allow(unused_mut))]
        let mut may_drive = true;
        #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
        if let Some(io) = handle.io() {
            if running == 0 || !shared.capacity.crowded(running) {
                core.watch_turns = None;
            } else {
                let turns = io.turns();
                if core.watch_turns == Some(turns) {
                    // Nobody polled during a whole watch: take it.
                    core.watch_turns = None;
                } else {
                    core.watch_turns = Some(turns);
                    may_drive = false;
                    shared.release_io(index);
                    timeout = Some(timeout.map_or(IO_WATCH, |t| t.min(IO_WATCH)));
                }
            }
        }
        // The core sits in the context while events are dispatched and
        // timers fired, so the tasks they wake go to this worker's queue.
        // (This worker, still counted as parked, runs them.)
        core.dispatching_io = shared.capacity.crowded(running + 1);
        *self.core.borrow_mut() = Some(core);
        let events = crate::runtime::drive::park(handle, &park, spins, timeout, may_drive, spin_done, |dispatch| dispatch());
        if let Some(core) = self.core.borrow_mut().as_mut() {
            core.dispatching_io = false;
        }
        if events > 0 {
            shared.claim_io(index, true);
        }
        #[cfg(feature = "time")]
        if let Some(time) = handle.time() {
            time.after_park(index);
            time.process_idle(index);
        }
        self.core.borrow_mut().take().expect("core stays in the context while its worker sleeps")
    }
}

/// This thread's worker context for `handle`, if it is one of its workers.
fn local_context(handle: &HandleInner) -> Option<&Context> {
    let SchedulerCx::MultiThread(p) = context::scheduler() else { return None };
    // SAFETY: set by `run` on this thread, valid while its guard lives.
    let cx = unsafe { &*(p as *const Context) };
    ptr::eq(cx.handle, handle).then_some(cx)
}

/// Queues `task` on this worker if this thread is a worker of `handle`
/// holding its core; gives it back otherwise.
pub(crate) fn schedule_local(handle: &HandleInner, task: Notified, is_yield: bool) -> Result<(), Notified> {
    let Some(cx) = local_context(handle) else { return Err(task) };
    let Ok(mut slot) = cx.core.try_borrow_mut() else { return Err(task) };
    let Some(core) = slot.as_mut() else { return Err(task) };
    let shared = handle.multi_thread();
    let m = &shared.metrics[cx.index];
    bump(&m.local_schedule_count, 1);
    if is_yield && coop::take_yielding() {
        // A yield: held back from the other workers; see `Core::deferred`.
        core.deferred.push_back(task);
        return Ok(());
    }
    // A task woken while it ran, or one that missed the LIFO slot over its
    // limit, goes to the back of the queue and wakes nobody: this worker runs
    // it within microseconds, and a worker woken for it would only split
    // tasks that talk to each other across the cores. A backlog that lasts
    // wakes one at maintenance (`Core::backlog`). A task pushed out of the
    // LIFO slot by a newer wake (a burst) wakes a sleeping worker, but not a
    // spinning one, which looks at every queue when its spin ends: waking it
    // at once would take half of the burst away from the caches it was woken
    // on (broadcast_10: 1.13 -> 0.87 of Tokio's time). Tasks woken by I/O
    // events dispatched on crowded CPUs go to the back of the queue and wake
    // nobody either: the worker that polled the driver runs them, rather than
    // a worker that would take a CPU from another process (see
    // `Shared::crowded`).
    let burst = if is_yield || !core.lifo_enabled || core.dispatching_io {
        bump(&m.overflow_count, u64::from(core.run_queue.push_back(task, &shared.inject)));
        false
    } else {
        match core.lifo.replace(task) {
            Some(prev) => {
                bump(&m.overflow_count, u64::from(core.run_queue.push_back(prev, &shared.inject)));
                true
            }
            None => false,
        }
    };
    drop(slot);
    if burst {
        shared.notify_parked_local(true);
    }
    Ok(())
}

/// The index of the worker this thread runs for `handle`, if any.
#[allow(dead_code)]
pub(crate) fn index_on(handle: &HandleInner) -> Option<usize> {
    local_context(handle).map(|cx| cx.index)
}

/// The index of the worker this thread runs, if any.
pub(crate) fn current_index() -> Option<usize> {
    let SchedulerCx::MultiThread(p) = context::scheduler() else { return None };
    // SAFETY: as in `local_context`.
    Some(unsafe { &*(p as *const Context) }.index)
}

/// Gives this worker's core to a new thread so that the current thread can
/// block; see `task::block_in_place`. Returns false if there was no core to
/// give (not a worker, or already given).
pub(crate) fn hand_off_core() -> bool {
    let SchedulerCx::MultiThread(p) = context::scheduler() else { return false };
    // SAFETY: as in `local_context`.
    let cx = unsafe { &*(p as *const Context) };
    // SAFETY: the context's handle pointer is kept alive by the worker's
    // `Arc`, held by `run` up the stack.
    let handle = unsafe {
        Arc::increment_strong_count(cx.handle);
        Arc::from_raw(cx.handle)
    };
    let shared = handle.multi_thread();
    if shared.is_shutdown() {
        return false;
    }
    let Ok(mut slot) = cx.core.try_borrow_mut() else { return false };
    let Some(mut core) = slot.take() else { return false };
    drop(slot);
    // The LIFO task could not be stolen; let the new thread or a thief
    // have it through the queue.
    if let Some(task) = core.lifo.take() {
        core.run_queue.push_back(task, &shared.inject);
    }
    core.release_deferred(shared);
    let index = core.index;
    shared.put_core(core);
    if shared.start_worker(&handle, index).is_err() {
        // No thread: keep the core here after all.
        if let Some(core) = shared.take_core(index) {
            *cx.core.borrow_mut() = Some(core);
        }
        return false;
    }
    true
}
