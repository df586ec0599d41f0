//! The task core: one allocation per task, one atomic state word, a vtable.
//!
//! A task is referenced in several ways, each owning one count of the state
//! word's reference count:
//!
//! * the scheduler's owner list (one per task, until it completes);
//! * a [`Notified`], when the task is in a run queue (at most one);
//! * the [`JoinHandle`], if not dropped;
//! * each [`AbortHandle`] and each cloned `Waker`.
//!
//! A freshly spawned task starts with the first three and NOTIFIED set; the
//! scheduler receives a single [`RawTask`] that stands for both the owner
//! list's and the queue's reference.

mod abort;
mod cell;
mod error;
mod id;
mod join;
pub(crate) mod list;
pub(crate) mod meta;
mod state;
mod vtable;
mod waker;

#[cfg(all(test, loom))]
mod loom_tests;

pub use abort::AbortHandle;
pub use error::JoinError;
pub use id::Id;
#[cfg(feature = "rt-multi-thread")]
pub(crate) use id::BLOCK as ID_BLOCK;
pub use join::JoinHandle;
pub use meta::TaskInfo;

pub(crate) use cell::Header;

use cell::Cell;
use state::State;
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

/// What a task needs from the scheduler that runs it.
pub(crate) trait Schedule: Sync + Sized + 'static {
    /// Queues a task that was woken.
    fn schedule(&self, task: Notified);

    /// Queues a task that was woken while it was running (it yielded).
    fn yield_now(&self, task: Notified) {
        self.schedule(task);
    }

    /// Removes a completed task from the owner list. Returns true if it was
    /// there, in which case the caller drops the list's reference.
    fn release(&self, task: &Header) -> bool;
}

/// A raw pointer to a task, with no ownership of its own; the types that
/// wrap it say which reference they hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

// SAFETY: a `RawTask` is only a pointer; what it may do is governed by the
// reference type that holds it, each of which is `Send` by the task
// protocol.
unsafe impl Send for RawTask {}
// SAFETY: as above.
unsafe impl Sync for RawTask {}

impl RawTask {
    pub(crate) fn from_header(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: every `RawTask` in use is backed by a reference that keeps
        // the cell alive.
        unsafe { self.ptr.as_ref() }
    }

    /// Runs the task, consuming a `Notified` reference.
    ///
    /// # Safety
    ///
    /// The caller owns a `Notified` reference.
    pub(crate) unsafe fn poll(self) {
        // SAFETY: per the caller.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Cancels the task for shutdown, consuming one reference.
    ///
    /// # Safety
    ///
    /// The caller owns a reference (the owner list's, or a queued one for
    /// tasks without an owner list).
    pub(crate) unsafe fn shutdown(self) {
        // SAFETY: per the caller.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    /// # Safety
    ///
    /// Called by the join handle with an output slot of the right type.
    pub(crate) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: per the caller.
        unsafe { (self.header().vtable.try_read_output)(self.ptr, dst, waker) }
    }

    /// # Safety
    ///
    /// Called once, by the join handle, to release its reference.
    pub(crate) unsafe fn drop_join_handle_slow(self) {
        // SAFETY: per the caller.
        unsafe { (self.header().vtable.drop_join_handle_slow)(self.ptr) }
    }

    /// Drops one reference, freeing the task if it was the last. The caller
    /// must own the reference.
    pub(crate) fn drop_reference(self) {
        if self.header().state.ref_dec() {
            // SAFETY: the count reached zero.
            unsafe { (self.header().vtable.dealloc)(self.ptr) }
        }
    }

    /// Cancels a new task that its scheduler cannot accept (it is shutting
    /// down), on the calling thread. The caller owns both references of a
    /// new task: the owner list's and the `Notified`.
    pub(crate) fn cancel_new(self) {
        // SAFETY: `shutdown` consumes one of the caller's references...
        unsafe { self.shutdown() };
        // ...and this drops the other.
        self.drop_reference();
    }

    /// Aborts the task from a handle.
    pub(crate) fn remote_abort(self) {
        if self.header().state.transition_to_notified_and_cancel() {
            // SAFETY: the transition took a reference for the `Notified`.
            unsafe { (self.header().vtable.schedule)(self.ptr) }
        }
    }
}

/// A task that is queued to run: owns the single `Notified` reference.
pub(crate) struct Notified(RawTask);

impl Notified {
    /// # Safety
    ///
    /// The caller hands over a `Notified` reference.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> Notified {
        Notified(RawTask { ptr })
    }

    /// Gives up ownership without dropping the reference.
    pub(crate) fn into_raw(self) -> RawTask {
        let raw = self.0;
        std::mem::forget(self);
        raw
    }

    /// Runs the task.
    pub(crate) fn run(self) {
        // SAFETY: we own the `Notified` reference, which `poll` consumes.
        unsafe { self.into_raw().poll() }
    }

    /// Cancels the task (it has no owner list): used by the blocking pool.
    pub(crate) fn shutdown(self) {
        // SAFETY: we own a reference, which `shutdown` consumes.
        unsafe { self.into_raw().shutdown() }
    }
}

impl Drop for Notified {
    fn drop(&mut self) {
        self.0.drop_reference();
    }
}

/// Allocates a task that will be owned by a scheduler's owner list. The
/// returned `RawTask` stands for two references: the list's and the
/// `Notified`'s.
pub(crate) fn new_task<F, S>(future: F, scheduler: S, id: Id) -> (RawTask, JoinHandle<F::Output>)
where
    F: Future + 'static,
    S: Schedule,
{
    let raw = allocate(future, scheduler, State::new(), id);
    // SAFETY: the initial state includes the join handle's reference.
    (raw, unsafe { JoinHandle::new(raw) })
}

/// Allocates a task that no owner list tracks (blocking tasks): returns its
/// `Notified` and its join handle.
pub(crate) fn new_unowned<F, S>(future: F, scheduler: S, id: Id) -> (Notified, JoinHandle<F::Output>)
where
    F: Future + 'static,
    S: Schedule,
{
    let raw = allocate(future, scheduler, State::new_unowned(), id);
    // SAFETY: the initial unowned state holds a `Notified` and a join handle.
    (Notified(raw), unsafe { JoinHandle::new(raw) })
}

fn allocate<F, S>(future: F, scheduler: S, state: State, id: Id) -> RawTask
where
    F: Future + 'static,
    S: Schedule,
{
    let cell = Cell::new(future, scheduler, state, id, meta::take_pending(), vtable::vtable::<F, S>());
    RawTask { ptr: NonNull::from(Box::leak(cell)).cast::<Header>() }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::cell::Cell;
    use crate::runtime::HandleInner;
    use std::future::Pending;
    use std::sync::Arc;

    /// Bytes per idle task is a measured figure: keep the cell of a small
    /// future within 96 bytes (header 56 with the spawn-metadata word,
    /// scheduler 8, stage 16, join waker 16).
    #[test]
    fn cell_of_small_future_stays_small() {
        let size = std::mem::size_of::<Cell<Pending<()>, Arc<HandleInner>>>();
        assert!(size <= 96, "task cell grew to {size} bytes");
        assert_eq!(std::mem::align_of::<Cell<Pending<()>, Arc<HandleInner>>>(), 8);
    }
}
