//! Per-thread runtime state: which runtime is entered, whether this thread is
//! driving one, which scheduler core it holds and which task it polls.
//!
//! Every slot is a `const`-initialised `Cell` of plain data, with no
//! destructor, so each access is a few instructions and works even while the
//! thread's other thread-locals are being torn down.

use crate::runtime::handle::HandleInner;
use crate::runtime::task::Id;
use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr;

std::thread_local! {
    /// The runtime entered with `enter` / `block_on`, as `Arc::as_ptr`. The
    /// guard that set it keeps a `Handle` borrowed, so the pointer is live.
    static CURRENT: Cell<*const HandleInner> = const { Cell::new(ptr::null()) };
    /// How many `enter` guards are alive, to catch out-of-order drops.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// True while this thread is inside `block_on` (or is a runtime worker):
    /// blocking on another runtime here would deadlock.
    static DRIVING: Cell<bool> = const { Cell::new(false) };
    /// The scheduler context of this thread, if it drives a scheduler.
    static SCHEDULER: Cell<SchedulerCx> = const { Cell::new(SchedulerCx::None) };
    /// The id of the task being polled.
    static TASK_ID: Cell<Option<Id>> = const { Cell::new(None) };
    /// The state of this thread's random number generator (used by
    /// `select!`): installed from the runtime's seed generator while a
    /// runtime is driven here, seeded at random on first use otherwise; zero
    /// means "not seeded yet".
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// Runs `f` with the entered runtime's handle, if any.
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&HandleInner>) -> R) -> R {
    let p = CURRENT.with(Cell::get);
    // SAFETY: a non-null pointer was set by a live guard, which keeps the
    // handle alive until it restores the previous value.
    f(unsafe { p.as_ref() })
}

/// Restores the previously entered runtime on drop.
#[derive(Debug)]
pub(crate) struct SetCurrentGuard {
    prev: *const HandleInner,
    depth: usize,
}

/// Enters `handle` on this thread until the guard drops.
pub(crate) fn set_current(handle: &HandleInner) -> SetCurrentGuard {
    let prev = CURRENT.with(|c| c.replace(handle));
    let depth = DEPTH.with(|d| {
        let n = d.get() + 1;
        d.set(n);
        n
    });
    SetCurrentGuard { prev, depth }
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let depth = DEPTH.with(Cell::get);
        if depth != self.depth {
            if !std::thread::panicking() {
                panic!(
                    "runtime `EnterGuard`s were dropped out of order: drop each guard \
                     before the one created before it"
                );
            }
            return;
        }
        DEPTH.with(|d| d.set(depth - 1));
        CURRENT.with(|c| c.set(self.prev));
    }
}

/// Marks this thread as driving a runtime; restores the mark on drop.
pub(crate) struct DrivingGuard {
    _not_send: PhantomData<*const ()>,
}

/// Marks the thread as driving a runtime.
///
/// # Panics
///
/// Panics, at the caller's location, if the thread already drives one: a
/// thread that runs asynchronous tasks must not block on another future.
#[track_caller]
pub(crate) fn enter_driving() -> DrivingGuard {
    if DRIVING.with(|d| d.replace(true)) {
        panic!(
            "cannot start a runtime from within a runtime: `block_on` (or another blocking \
             call) was used on a thread that is already driving asynchronous tasks. \
             Await the future instead, or run the blocking work with `spawn_blocking`."
        );
    }
    DrivingGuard { _not_send: PhantomData }
}

/// Whether this thread is inside `block_on` or is a runtime worker.
#[allow(dead_code)]
pub(crate) fn is_driving() -> bool {
    DRIVING.with(Cell::get)
}

impl Drop for DrivingGuard {
    fn drop(&mut self) {
        DRIVING.with(|d| d.set(false));
    }
}

/// Clears the driving mark for a while (the thread stops running tasks,
/// e.g. a blocking-pool thread); restores it on drop.
#[allow(dead_code)]
pub(crate) struct ExitDriving(bool);

#[allow(dead_code)]
pub(crate) fn exit_driving() -> ExitDriving {
    ExitDriving(DRIVING.with(|d| d.replace(false)))
}

impl Drop for ExitDriving {
    fn drop(&mut self) {
        DRIVING.with(|d| d.set(self.0));
    }
}

/// Which scheduler this thread drives, as a pointer to that scheduler's
/// per-thread context (`current_thread::Context` or
/// `multi_thread::worker::Context`), valid while the guard that set it
/// lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SchedulerCx {
    None,
    CurrentThread(*const ()),
    MultiThread(*const ()),
}

/// The scheduler context of this thread.
pub(crate) fn scheduler() -> SchedulerCx {
    SCHEDULER.try_with(Cell::get).unwrap_or(SchedulerCx::None)
}

/// Sets the scheduler context; returns the previous one.
pub(crate) fn set_scheduler(cx: SchedulerCx) -> SchedulerCx {
    SCHEDULER.try_with(|s| s.replace(cx)).unwrap_or(SchedulerCx::None)
}

/// Restores the previous scheduler context on drop.
pub(crate) struct SchedulerGuard(SchedulerCx);

pub(crate) fn enter_scheduler(cx: SchedulerCx) -> SchedulerGuard {
    SchedulerGuard(set_scheduler(cx))
}

impl Drop for SchedulerGuard {
    fn drop(&mut self) {
        set_scheduler(self.0);
    }
}

/// Restores the previous task id on drop.
pub(crate) struct TaskIdGuard(Option<Id>);

pub(crate) fn set_current_task_id(id: Option<Id>) -> TaskIdGuard {
    TaskIdGuard(TASK_ID.try_with(|t| t.replace(id)).unwrap_or(None))
}

impl Drop for TaskIdGuard {
    fn drop(&mut self) {
        let _ = TASK_ID.try_with(|t| t.set(self.0));
    }
}

pub(crate) fn current_task_id() -> Option<Id> {
    TASK_ID.try_with(Cell::get).unwrap_or(None)
}

/// A number in `0..n` from this thread's generator (see `RNG`).
#[inline]
pub(crate) fn thread_rng_n(n: u32) -> u32 {
    use crate::util::rand;
    RNG.try_with(|cell| rand::draw_n(cell, n))
        // Thread-locals are being torn down: draw from a fresh random seed.
        .unwrap_or_else(|_| rand::bounded(rand::step(rand::RngSeed::new().state()).1, n))
}

/// Restores the generator state that was in force before on drop.
pub(crate) struct RngGuard(u64);

/// Installs `seed` as this thread's generator until the guard drops.
pub(crate) fn set_rng_seed(seed: crate::util::rand::RngSeed) -> RngGuard {
    RngGuard(RNG.try_with(|c| c.replace(seed.state())).unwrap_or(0))
}

impl Drop for RngGuard {
    fn drop(&mut self) {
        let _ = RNG.try_with(|c| c.set(self.0));
    }
}
