//! The core's run queue: an intrusive FIFO through the tasks' queue links.
//!
//! Only the thread holding the core touches it, so it needs no atomics; it
//! never allocates, whatever the number of queued tasks.

use crate::runtime::task::{Header, Notified};
use std::cell::Cell;
use std::ptr::NonNull;

pub(crate) struct LocalQueue {
    head: Cell<Option<NonNull<Header>>>,
    tail: Cell<Option<NonNull<Header>>>,
    len: Cell<usize>,
}

impl LocalQueue {
    pub(crate) const fn new() -> LocalQueue {
        LocalQueue { head: Cell::new(None), tail: Cell::new(None), len: Cell::new(0) }
    }

    #[allow(dead_code)]
    pub(crate) fn len(&self) -> usize {
        self.len.get()
    }

    pub(crate) fn push(&self, task: Notified) {
        let node = task.into_raw().header_ptr();
        // SAFETY: the queue now owns the `Notified`, hence the link.
        unsafe { node.as_ref().set_queue_next(None) };
        match self.tail.get() {
            // SAFETY: the tail is queued, so its link is ours.
            Some(tail) => unsafe { tail.as_ref().set_queue_next(Some(node)) },
            None => self.head.set(Some(node)),
        }
        self.tail.set(Some(node));
        self.len.set(self.len.get() + 1);
    }

    pub(crate) fn pop(&self) -> Option<Notified> {
        let node = self.head.get()?;
        // SAFETY: queued node: its link is ours.
        let next = unsafe { node.as_ref().queue_next() };
        self.head.set(next);
        if next.is_none() {
            self.tail.set(None);
        }
        self.len.set(self.len.get() - 1);
        // SAFETY: the queue held this task's `Notified`.
        Some(unsafe { Notified::from_raw(node) })
    }
}
