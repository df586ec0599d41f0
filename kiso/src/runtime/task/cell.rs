//! The task's single allocation: header, then scheduler and stage, then the
//! join waker slot.
//!
//! ```text
//! Cell<F, S>  (repr(C))
//! +--------------------------------------------------------------+
//! | Header   state | queue link | vtable | id | owner links | meta |  hot, non-generic
//! +--------------------------------------------------------------+
//! | Core     scheduler S | stage: Running(F) / Finished / ...     |  generic
//! +--------------------------------------------------------------+
//! | Trailer  join waker                                           |  cold
//! +--------------------------------------------------------------+
//! ```
//!
//! Non-generic code (queues, the owner list, wakers) only ever sees a
//! `NonNull<Header>`; everything that needs `F` or `S` goes through the
//! vtable. The cell uses the natural alignment of its fields, not a cache
//! line: bytes per idle task is a measured figure and the allocator's fast
//! path matters more than false sharing between tasks that one thread owns.

use crate::loom::cell::UnsafeCell;
use crate::runtime::task::id::Id;
use crate::runtime::task::meta::Meta;
use crate::runtime::task::state::State;
use crate::runtime::task::vtable::Vtable;
use std::any::Any;
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

#[repr(C)]
pub(crate) struct Header {
    pub(crate) state: State,
    /// Link for whichever run queue holds the task's `Notified` (at most one
    /// at a time, see `state`).
    pub(crate) queue_next: UnsafeCell<Option<NonNull<Header>>>,
    pub(crate) vtable: &'static Vtable,
    pub(crate) id: Id,
    /// Links of the scheduler's list of live tasks; only the scheduler that
    /// owns the task touches them.
    pub(crate) owned_prev: UnsafeCell<Option<NonNull<Header>>>,
    pub(crate) owned_next: UnsafeCell<Option<NonNull<Header>>>,
    /// Spawn location and name; immutable after allocation.
    pub(crate) meta: Meta,
}

// SAFETY: every field is either atomic or only accessed under the protocol
// of the state word (RUNNING for the stage, NOTIFIED for the queue link,
// JOIN_WAKER for the waker) or by the single scheduler that owns the task
// (the owner links).
unsafe impl Send for Header {}
// SAFETY: as above.
unsafe impl Sync for Header {}

/// What the task cell holds in its future slot over its life.
pub(crate) enum Stage<F: Future> {
    Running(F),
    Finished(F::Output),
    /// Boxed twice so the variant is one thin pointer: a panic is rare, and
    /// every idle task pays for the size of the stage.
    Panicked(Box<Box<dyn Any + Send + 'static>>),
    Cancelled,
    Consumed,
}

pub(crate) struct Core<F: Future, S> {
    pub(crate) scheduler: S,
    pub(crate) stage: UnsafeCell<Stage<F>>,
}

pub(crate) struct Trailer {
    pub(crate) waker: UnsafeCell<Option<Waker>>,
}

#[repr(C)]
pub(crate) struct Cell<F: Future, S> {
    pub(crate) header: Header,
    pub(crate) core: Core<F, S>,
    pub(crate) trailer: Trailer,
}

impl<F: Future, S> Cell<F, S> {
    pub(crate) fn new(future: F, scheduler: S, state: State, id: Id, meta: Meta, vtable: &'static Vtable) -> Box<Self> {
        Box::new(Cell {
            header: Header {
                state,
                queue_next: UnsafeCell::new(None),
                vtable,
                id,
                owned_prev: UnsafeCell::new(None),
                owned_next: UnsafeCell::new(None),
                meta,
            },
            core: Core { scheduler, stage: UnsafeCell::new(Stage::Running(future)) },
            trailer: Trailer { waker: UnsafeCell::new(None) },
        })
    }
}

impl Header {
    /// # Safety
    ///
    /// The caller must hold the task's `Notified` reference (or be the queue
    /// that holds it).
    pub(crate) unsafe fn set_queue_next(&self, next: Option<NonNull<Header>>) {
        // SAFETY: the caller holds the unique `Notified`, so no one else
        // touches the link.
        self.queue_next.with_mut(|p| unsafe { *p = next });
    }

    /// # Safety
    ///
    /// As for [`Header::set_queue_next`].
    pub(crate) unsafe fn queue_next(&self) -> Option<NonNull<Header>> {
        // SAFETY: see `set_queue_next`.
        self.queue_next.with(|p| unsafe { *p })
    }
}

impl Trailer {
    /// # Safety
    ///
    /// The caller must own the slot under the JOIN_WAKER protocol.
    pub(crate) unsafe fn set_waker(&self, waker: Option<Waker>) {
        // SAFETY: the caller owns the slot exclusively.
        self.waker.with_mut(|p| unsafe { *p = waker });
    }

    /// # Safety
    ///
    /// As for [`Trailer::set_waker`].
    pub(crate) unsafe fn will_wake(&self, other: &Waker) -> bool {
        // SAFETY: the caller owns the slot.
        self.waker.with(|p| unsafe { (*p).as_ref().is_some_and(|w| w.will_wake(other)) })
    }

    /// # Safety
    ///
    /// The caller is the completing thread and JOIN_WAKER is set.
    pub(crate) unsafe fn wake_join(&self) {
        // SAFETY: JOIN_WAKER gives the completing thread read access.
        self.waker.with(|p| match unsafe { &*p } {
            Some(waker) => waker.wake_by_ref(),
            None => panic!("join waker slot empty while JOIN_WAKER is set"),
        })
    }
}
