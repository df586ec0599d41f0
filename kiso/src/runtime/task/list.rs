//! The owner list: every live task of a scheduler, so shutdown can reach
//! tasks that are idle and referenced only by wakers held elsewhere.
//!
//! An intrusive doubly linked list through the headers' `owned_prev` /
//! `owned_next`. It is not synchronised: the scheduler that owns it touches
//! it only from the thread that holds its core.

use crate::runtime::task::{Header, RawTask};
use std::ptr::NonNull;

pub(crate) struct OwnedList {
    head: Option<NonNull<Header>>,
    len: usize,
    closed: bool,
}

// SAFETY: the list is moved between threads together with the scheduler
// core that owns it; it is never shared.
unsafe impl Send for OwnedList {}

fn prev(h: NonNull<Header>) -> Option<NonNull<Header>> {
    // SAFETY: the list owner has exclusive access to the links of its tasks.
    unsafe { h.as_ref() }.owned_prev.with(|p| unsafe { *p })
}
fn next(h: NonNull<Header>) -> Option<NonNull<Header>> {
    // SAFETY: as in `prev`.
    unsafe { h.as_ref() }.owned_next.with(|p| unsafe { *p })
}
fn set_prev(h: NonNull<Header>, v: Option<NonNull<Header>>) {
    // SAFETY: as in `prev`.
    unsafe { h.as_ref() }.owned_prev.with_mut(|p| unsafe { *p = v })
}
fn set_next(h: NonNull<Header>, v: Option<NonNull<Header>>) {
    // SAFETY: as in `prev`.
    unsafe { h.as_ref() }.owned_next.with_mut(|p| unsafe { *p = v })
}

impl OwnedList {
    pub(crate) const fn new() -> OwnedList {
        OwnedList { head: None, len: 0, closed: false }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn close(&mut self) {
        self.closed = true;
    }

    /// Adds a new task (taking over its owner-list reference). Returns the
    /// task back if the list is closed.
    pub(crate) fn push(&mut self, task: RawTask) -> Result<(), RawTask> {
        if self.closed {
            return Err(task);
        }
        let h = task.header_ptr();
        set_prev(h, None);
        set_next(h, self.head);
        if let Some(old) = self.head {
            set_prev(old, Some(h));
        }
        self.head = Some(h);
        self.len += 1;
        Ok(())
    }

    /// Unlinks a task if it is in the list; true if it was.
    pub(crate) fn remove(&mut self, h: NonNull<Header>) -> bool {
        let p = prev(h);
        if p.is_none() && self.head != Some(h) {
            return false;
        }
        let n = next(h);
        match p {
            Some(p) => set_next(p, n),
            None => self.head = n,
        }
        if let Some(n) = n {
            set_prev(n, p);
        }
        set_prev(h, None);
        set_next(h, None);
        self.len -= 1;
        true
    }

    /// Visits every task in the list, newest first.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&Header)) {
        let mut cur = self.head;
        while let Some(h) = cur {
            // SAFETY: tasks in the list are alive (the list holds a
            // reference to each) and the owner has exclusive access to the
            // links.
            f(unsafe { h.as_ref() });
            cur = next(h);
        }
    }

    /// Unlinks the first task; the caller takes over the list's reference.
    pub(crate) fn pop(&mut self) -> Option<RawTask> {
        let h = self.head?;
        self.remove(h);
        Some(RawTask::from_header(h))
    }
}
