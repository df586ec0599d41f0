//! The per-(future, scheduler) function table, and the functions behind it.
//!
//! Everything that needs to know the future type `F` or the scheduler type
//! `S` is here; the rest of the runtime works on `NonNull<Header>` and calls
//! through [`Vtable`].

use crate::runtime::task::cell::{Cell, Header, Stage};
use crate::runtime::task::error::JoinError;
use crate::runtime::task::state::{ToIdle, ToRunning};
use crate::runtime::task::{waker, Notified, Schedule};
use std::future::Future;
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

pub(crate) struct Vtable {
    /// Runs the task: consumes the caller's `Notified` reference.
    pub(crate) poll: unsafe fn(NonNull<Header>),
    /// Queues the task: consumes the caller's `Notified` reference.
    pub(crate) schedule: unsafe fn(NonNull<Header>),
    /// Frees the cell: the reference count is zero.
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
    /// If complete, moves the output into `*dst` (a
    /// `Poll<Result<F::Output, JoinError>>`); otherwise registers the waker.
    pub(crate) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// Drops a `JoinHandle` when the fast path did not apply.
    pub(crate) drop_join_handle_slow: unsafe fn(NonNull<Header>),
    /// Cancels the task for runtime shutdown: consumes one reference.
    pub(crate) shutdown: unsafe fn(NonNull<Header>),
}

pub(crate) fn vtable<F: Future, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: poll::<F, S>,
        schedule: schedule::<F, S>,
        dealloc: dealloc::<F, S>,
        try_read_output: try_read_output::<F, S>,
        drop_join_handle_slow: drop_join_handle_slow::<F, S>,
        shutdown: shutdown::<F, S>,
    }
}

/// # Safety
///
/// `ptr` points at a live `Cell<F, S>`.
unsafe fn cell<'a, F: Future, S>(ptr: NonNull<Header>) -> &'a Cell<F, S> {
    // SAFETY: the header is the first field of the `repr(C)` cell and the
    // caller guarantees the cell is alive and of this type.
    unsafe { ptr.cast::<Cell<F, S>>().as_ref() }
}

unsafe fn poll<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller's `Notified` keeps the cell alive.
    let cell = unsafe { cell::<F, S>(ptr) };
    match cell.header.state.transition_to_running() {
        ToRunning::Success => {}
        ToRunning::Cancelled => {
            // SAFETY: we hold RUNNING.
            unsafe {
                cancel_future(cell);
                complete(cell);
            }
            return;
        }
        ToRunning::Failed => return,
        // SAFETY: that was the last reference.
        ToRunning::Dealloc => return unsafe { dealloc::<F, S>(ptr) },
    }

    // The waker borrows the poller's reference: no count change.
    // SAFETY: our reference outlives this borrowed waker.
    let waker = unsafe { waker::borrowed(ptr) };
    let mut cx = Context::from_waker(&waker);
    // SAFETY: we hold RUNNING.
    if unsafe { poll_future(cell, &mut cx) }.is_ready() {
        // SAFETY: we hold RUNNING.
        return unsafe { complete(cell) };
    }
    match cell.header.state.transition_to_idle() {
        ToIdle::Ok => {}
        ToIdle::OkNotified => {
            // SAFETY: the state kept our reference as the new `Notified`.
            let task = unsafe { Notified::from_raw(ptr) };
            cell.core.scheduler.yield_now(task);
        }
        // SAFETY: that was the last reference.
        ToIdle::OkDealloc => unsafe { dealloc::<F, S>(ptr) },
        // SAFETY: still RUNNING.
        ToIdle::Cancelled => unsafe {
            cancel_future(cell);
            complete(cell);
        },
    }
}

/// Polls the future once, catching a panic. On `Ready` (or a panic) the
/// future is dropped and the result stored.
///
/// # Safety
///
/// The caller holds RUNNING.
unsafe fn poll_future<F: Future, S>(cell: &Cell<F, S>, cx: &mut Context<'_>) -> Poll<()> {
    let _task = crate::runtime::context::set_current_task_id(Some(cell.header.id));
    let res = panic::catch_unwind(AssertUnwindSafe(|| {
        cell.core.stage.with_mut(|stage| {
            // SAFETY: RUNNING gives exclusive access to the stage; the future
            // is never moved while in the cell.
            match unsafe { &mut *stage } {
                Stage::Running(fut) => unsafe { Pin::new_unchecked(fut) }.poll(cx),
                _ => unreachable!("task polled in a non-running stage"),
            }
        })
    }));
    let done = match res {
        Ok(Poll::Pending) => return Poll::Pending,
        Ok(Poll::Ready(out)) => Stage::Finished(out),
        Err(payload) => Stage::Panicked(Box::new(payload)),
    };
    // Drop the future first; a panic from its destructor is ignored, as the
    // task already has its result.
    // SAFETY: RUNNING.
    let _ = panic::catch_unwind(AssertUnwindSafe(|| unsafe { take_stage(cell) }));
    // SAFETY: RUNNING.
    unsafe { set_stage(cell, done) };
    Poll::Ready(())
}

/// Drops the future of an aborted task and records the cancellation (or the
/// panic of the future's destructor).
///
/// # Safety
///
/// The caller holds RUNNING.
unsafe fn cancel_future<F: Future, S>(cell: &Cell<F, S>) {
    let _task = crate::runtime::context::set_current_task_id(Some(cell.header.id));
    // SAFETY: RUNNING.
    let res = panic::catch_unwind(AssertUnwindSafe(|| unsafe { take_stage(cell) }));
    let stage = match res {
        Ok(_) => Stage::Cancelled,
        Err(payload) => Stage::Panicked(Box::new(payload)),
    };
    // SAFETY: RUNNING.
    unsafe { set_stage(cell, stage) };
}

/// Moves the stage out (leaving `Consumed`) and drops it here, so that a
/// panicking destructor cannot leave a half-dropped value in the cell.
///
/// # Safety
///
/// The caller has exclusive access to the stage.
unsafe fn take_stage<F: Future, S>(cell: &Cell<F, S>) {
    // SAFETY: exclusive access, per the caller.
    let old = cell.core.stage.with_mut(|p| unsafe { mem::replace(&mut *p, Stage::Consumed) });
    drop(old);
}

/// # Safety
///
/// The caller has exclusive access to the stage, which holds nothing that
/// needs dropping.
unsafe fn set_stage<F: Future, S>(cell: &Cell<F, S>, stage: Stage<F>) {
    // SAFETY: exclusive access; the old value is `Consumed`.
    cell.core.stage.with_mut(|p| unsafe { p.write(stage) });
}

/// The future is gone and the result stored: publish completion, hand the
/// result to the join handle (or drop it), leave the owner list and drop
/// the runner's reference.
///
/// # Safety
///
/// The caller holds RUNNING and the stage is final.
unsafe fn complete<F: Future, S: Schedule>(cell: &Cell<F, S>) {
    let snapshot = cell.header.state.transition_to_complete();
    // A panicking output destructor or join waker must not unwind through
    // the scheduler.
    let _ = panic::catch_unwind(AssertUnwindSafe(|| {
        if !snapshot.is_join_interested() {
            // Nobody can read the output any more: drop it now, with the
            // task's id visible to its destructor.
            let _task = crate::runtime::context::set_current_task_id(Some(cell.header.id));
            // SAFETY: COMPLETE without a join handle: the stage is ours.
            unsafe { take_stage(cell) };
        } else if snapshot.is_join_waker_set() {
            // SAFETY: JOIN_WAKER is set, so the slot is readable by us.
            unsafe { cell.trailer.wake_join() };
            let after = cell.header.state.unset_join_waker_after_complete();
            if !after.is_join_interested() {
                // The handle went away while we held the slot: clear it.
                // SAFETY: the handle saw COMPLETE with JOIN_WAKER set and
                // left the slot to us.
                unsafe { cell.trailer.set_waker(None) };
            }
        }
    }));
    let released = cell.core.scheduler.release(&cell.header);
    let refs = if released { 2 } else { 1 };
    if cell.header.state.transition_to_terminal(refs) {
        // SAFETY: no references remain.
        unsafe { dealloc::<F, S>(NonNull::from(&cell.header)) };
    }
}

unsafe fn schedule<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller's `Notified` keeps the cell alive and moves to
    // the scheduler.
    let cell = unsafe { cell::<F, S>(ptr) };
    cell.core.scheduler.schedule(unsafe { Notified::from_raw(ptr) });
}

unsafe fn dealloc<F: Future, S>(ptr: NonNull<Header>) {
    // SAFETY: the count is zero, so this is the only access; the cell was
    // allocated as a `Box<Cell<F, S>>`.
    drop(unsafe { Box::from_raw(ptr.cast::<Cell<F, S>>().as_ptr()) });
}

unsafe fn try_read_output<F: Future, S: Schedule>(ptr: NonNull<Header>, dst: *mut (), waker: &Waker) {
    // SAFETY: the join handle's reference keeps the cell alive.
    let cell = unsafe { cell::<F, S>(ptr) };
    // SAFETY: called from the join handle, which owns the slot protocol's
    // handle side.
    if !unsafe { can_read_output(cell, waker) } {
        return;
    }
    // SAFETY: COMPLETE and JOIN_WAKER clear: the stage is the handle's.
    let stage = cell.core.stage.with_mut(|p| unsafe { mem::replace(&mut *p, Stage::Consumed) });
    let out = match stage {
        Stage::Finished(out) => Ok(out),
        Stage::Panicked(payload) => Err(JoinError::panic(cell.header.id, *payload)),
        Stage::Cancelled => Err(JoinError::cancelled(cell.header.id)),
        Stage::Running(_) | Stage::Consumed => panic!("JoinHandle polled after it returned its output"),
    };
    let dst = dst.cast::<Poll<Result<F::Output, JoinError>>>();
    // SAFETY: the join handle passes a valid, initialised slot of this type.
    unsafe { *dst = Poll::Ready(out) };
}

/// True when the task is complete and its output may be taken; otherwise
/// stores `waker` to be woken on completion.
///
/// # Safety
///
/// Only the join handle calls this.
unsafe fn can_read_output<F: Future, S>(cell: &Cell<F, S>, waker: &Waker) -> bool {
    let state = &cell.header.state;
    let snapshot = state.load();
    if snapshot.is_complete() {
        return true;
    }
    let res = if !snapshot.is_join_waker_set() {
        // SAFETY: JOIN_WAKER clear: the slot is ours.
        unsafe { store_join_waker(cell, waker) }
    } else {
        // SAFETY: reading the slot while JOIN_WAKER is set is allowed to
        // the handle as long as it does not write; the runtime only reads
        // it too.
        if unsafe { cell.trailer.will_wake(waker) } {
            return false;
        }
        // Take the slot back before writing a new waker.
        state.unset_join_waker().and_then(|_| unsafe { store_join_waker(cell, waker) })
    };
    match res {
        Ok(_) => false,
        Err(s) => {
            debug_assert!(s.is_complete());
            true
        }
    }
}

/// # Safety
///
/// JOIN_WAKER is clear, so the handle owns the slot.
unsafe fn store_join_waker<F: Future, S>(
    cell: &Cell<F, S>,
    waker: &Waker,
) -> Result<crate::runtime::task::state::Snapshot, crate::runtime::task::state::Snapshot> {
    // SAFETY: the slot is ours until `set_join_waker` succeeds.
    unsafe { cell.trailer.set_waker(Some(waker.clone())) };
    let res = cell.header.state.set_join_waker();
    if res.is_err() {
        // Completed meanwhile: the slot is still ours; empty it.
        // SAFETY: as above.
        unsafe { cell.trailer.set_waker(None) };
    }
    res
}

unsafe fn drop_join_handle_slow<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the handle's reference keeps the cell alive.
    let cell = unsafe { cell::<F, S>(ptr) };
    let dropped = cell.header.state.transition_to_join_handle_dropped();
    if dropped.drop_output {
        let _task = crate::runtime::context::set_current_task_id(Some(cell.header.id));
        // SAFETY: COMPLETE: the stage belongs to the (last) handle.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| unsafe { take_stage(cell) }));
    }
    if dropped.drop_waker {
        // SAFETY: the transition handed us the slot.
        unsafe { cell.trailer.set_waker(None) };
    }
    if cell.header.state.ref_dec() {
        // SAFETY: last reference.
        unsafe { dealloc::<F, S>(ptr) };
    }
}

unsafe fn shutdown<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller's reference keeps the cell alive.
    let cell = unsafe { cell::<F, S>(ptr) };
    if !cell.header.state.transition_to_shutdown() {
        // Running elsewhere (it sees CANCELLED when it idles) or complete.
        if cell.header.state.ref_dec() {
            // SAFETY: last reference.
            unsafe { dealloc::<F, S>(ptr) };
        }
        return;
    }
    // SAFETY: the transition gave us RUNNING.
    unsafe {
        cancel_future(cell);
        complete(cell);
    }
}
