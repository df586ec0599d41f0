//! The remote queue: tasks spawned or woken from threads that do not hold
//! the scheduler's core.
//!
//! A lock-free stack (Treiber) with take-all: producers push with one CAS;
//! the core takes the whole stack with one swap and reverses it, which gives
//! back arrival order. Because the consumer never pops single nodes, the
//! classic ABA problem of Treiber stacks cannot arise. Closing swaps in a
//! sentinel that makes later pushes fail, so no task can slip in after
//! shutdown has drained the stack.

use crate::loom::sync::atomic::{AtomicPtr, Ordering::*};
use crate::runtime::task::{Header, RawTask};
use std::ptr::{self, NonNull};

fn closed() -> *mut Header {
    ptr::without_provenance_mut(1)
}

pub(crate) struct Stack {
    head: AtomicPtr<Header>,
}

/// Tasks taken from a stack, oldest first.
pub(crate) struct Batch {
    next: Option<NonNull<Header>>,
}

impl Stack {
    pub(crate) fn new() -> Stack {
        Stack { head: AtomicPtr::new(ptr::null_mut()) }
    }

    /// Pushes a task whose queue link the caller owns (it holds the task's
    /// `Notified`, or the first reference of a new task). Gives the task back
    /// if the stack is closed.
    pub(crate) fn push(&self, task: RawTask) -> Result<(), RawTask> {
        let node = task.header_ptr();
        let mut head = self.head.load(Relaxed);
        loop {
            if head == closed() {
                return Err(task);
            }
            // SAFETY: the caller owns the task's queue link.
            unsafe { node.as_ref().set_queue_next(NonNull::new(head)) };
            match self.head.compare_exchange_weak(head, node.as_ptr(), Release, Relaxed) {
                Ok(_) => return Ok(()),
                Err(actual) => head = actual,
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        let h = self.head.load(Relaxed);
        h.is_null() || h == closed()
    }

    /// Takes everything pushed so far.
    pub(crate) fn take(&self) -> Batch {
        let mut head = self.head.load(Relaxed);
        loop {
            if head.is_null() || head == closed() {
                return Batch { next: None };
            }
            match self.head.compare_exchange_weak(head, ptr::null_mut(), Acquire, Relaxed) {
                Ok(_) => return Batch::reversed(head),
                Err(actual) => head = actual,
            }
        }
    }

    /// Closes the stack and returns what it held.
    pub(crate) fn close(&self) -> Batch {
        let head = self.head.swap(closed(), Acquire);
        if head == closed() {
            return Batch { next: None };
        }
        Batch::reversed(head)
    }
}

impl Batch {
    fn reversed(head: *mut Header) -> Batch {
        let mut prev = None;
        let mut cur = NonNull::new(head);
        while let Some(node) = cur {
            // SAFETY: the batch owns every node's queue link now (the
            // acquire swap made the producers' writes visible).
            unsafe {
                cur = node.as_ref().queue_next();
                node.as_ref().set_queue_next(prev);
            }
            prev = Some(node);
        }
        Batch { next: prev }
    }
}

impl Iterator for Batch {
    type Item = RawTask;

    fn next(&mut self) -> Option<RawTask> {
        let node = self.next?;
        // SAFETY: the batch owns the node's link.
        self.next = unsafe { node.as_ref().queue_next() };
        Some(RawTask::from_header(node))
    }
}
