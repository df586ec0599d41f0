//! The remote queue: tasks spawned or woken from threads that do not hold
//! the scheduler's core.
//!
//! A lock-free stack (Treiber) with take-all: producers push with one CAS;
//! the core takes the whole stack with one swap and reverses it, which gives
//! back arrival order. Because the consumer never pops single nodes, the
//! classic ABA problem of Treiber stacks cannot arise. Closing swaps in a
//! sentinel that makes later pushes fail, so no task can slip in after
//! shutdown has drained the stack.

use crate::loom::sync::atomic::{AtomicPtr, AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use crate::runtime::task::{Header, Notified, RawTask};
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

    /// Pushes a chain of tasks linked through their queue links, `first`
    /// being the newest (it becomes the head) and `last` the oldest. Gives the
    /// chain back if the stack is closed.
    fn push_chain(&self, first: NonNull<Header>, last: NonNull<Header>) -> Result<(), ()> {
        let mut head = self.head.load(Relaxed);
        loop {
            if head == closed() {
                // Cut the chain loose again from any head a failed CAS
                // linked it to.
                // SAFETY: the caller owns the chain's links.
                unsafe { last.as_ref().set_queue_next(None) };
                return Err(());
            }
            // SAFETY: the caller owns the chain's links.
            unsafe { last.as_ref().set_queue_next(NonNull::new(head)) };
            match self.head.compare_exchange_weak(head, first.as_ptr(), Release, Relaxed) {
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
    fn chain(next: Option<NonNull<Header>>) -> Batch {
        Batch { next }
    }

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

/// The multi-thread scheduler's global queue: tasks woken or spawned off the
/// workers, and the overflow of full worker queues.
///
/// Producers never lock: they push onto a lock-free [`Stack`]. Consumers (the
/// workers) take batches from a small staging FIFO under a mutex, refilling
/// it from the stack in one swap; only workers ever contend on that lock, and
/// each visit takes a batch.
pub(crate) struct Inject {
    stack: Stack,
    /// Tasks in the stack plus the staging list; counted up before a push
    /// so it never underflows.
    len: AtomicUsize,
    staging: Mutex<Fifo>,
}

/// A FIFO list through the tasks' queue links.
struct Fifo {
    head: Option<NonNull<Header>>,
    tail: Option<NonNull<Header>>,
}

// SAFETY: the list's nodes are tasks whose queue links the list owns; it is
// only reached under the staging mutex.
unsafe impl Send for Fifo {}

impl Fifo {
    fn push(&mut self, node: NonNull<Header>) {
        // SAFETY: the list owns the node's link.
        unsafe { node.as_ref().set_queue_next(None) };
        match self.tail {
            // SAFETY: as above.
            Some(t) => unsafe { t.as_ref().set_queue_next(Some(node)) },
            None => self.head = Some(node),
        }
        self.tail = Some(node);
    }

    fn pop(&mut self) -> Option<NonNull<Header>> {
        let node = self.head?;
        // SAFETY: the list owns the node's link.
        self.head = unsafe { node.as_ref().queue_next() };
        if self.head.is_none() {
            self.tail = None;
        }
        Some(node)
    }
}

impl Inject {
    pub(crate) fn new() -> Inject {
        Inject { stack: Stack::new(), len: AtomicUsize::new(0), staging: Mutex::new(Fifo { head: None, tail: None }) }
    }

    pub(crate) fn len(&self) -> usize {
        self.len.load(Acquire)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Queues a task; after shutdown the task is dropped instead. Returns
    /// true if it was queued.
    pub(crate) fn push(&self, task: Notified) -> bool {
        self.len.fetch_add(1, AcqRel);
        match self.stack.push(task.into_raw()) {
            Ok(()) => true,
            Err(raw) => {
                self.len.fetch_sub(1, AcqRel);
                // SAFETY: the stack gave back the reference we pushed.
                drop(unsafe { Notified::from_raw(raw.header_ptr()) });
                false
            }
        }
    }

    /// Queues several tasks (each a `Notified` reference) in one operation,
    /// oldest first.
    pub(crate) fn push_batch(&self, tasks: impl Iterator<Item = RawTask>) {
        // Link them newest-first, the stack's order.
        let mut first: Option<NonNull<Header>> = None;
        let mut last = None;
        let mut n = 0;
        for t in tasks {
            let node = t.header_ptr();
            // SAFETY: we own each task's `Notified`, hence its link.
            unsafe { node.as_ref().set_queue_next(first) };
            if last.is_none() {
                last = Some(node);
            }
            first = Some(node);
            n += 1;
        }
        let (Some(first), Some(last)) = (first, last) else { return };
        self.len.fetch_add(n, AcqRel);
        if self.stack.push_chain(first, last).is_err() {
            self.len.fetch_sub(n, AcqRel);
            for raw in Batch::chain(Some(first)) {
                // SAFETY: each node carried a `Notified` reference.
                drop(unsafe { Notified::from_raw(raw.header_ptr()) });
            }
        }
    }

    /// Takes up to `max` tasks, oldest first, handing each to `f`. Returns
    /// how many were taken.
    pub(crate) fn pop_batch(&self, max: usize, mut f: impl FnMut(Notified)) -> usize {
        if max == 0 || self.is_empty() {
            return 0;
        }
        let mut staging = crate::loom::lock(&self.staging);
        if staging.head.is_none() {
            for raw in self.stack.take() {
                staging.push(raw.header_ptr());
            }
        }
        let mut n = 0;
        while n < max {
            let Some(node) = staging.pop() else { break };
            // SAFETY: queued nodes carry `Notified` references.
            f(unsafe { Notified::from_raw(node) });
            n += 1;
        }
        drop(staging);
        if n > 0 {
            self.len.fetch_sub(n, AcqRel);
        }
        n
    }

    /// Closes the queue (later pushes drop their task) and drops what it
    /// held.
    pub(crate) fn close(&self) {
        let mut dropped = 0;
        for raw in self.stack.close() {
            // SAFETY: queued nodes carry `Notified` references.
            drop(unsafe { Notified::from_raw(raw.header_ptr()) });
            dropped += 1;
        }
        let mut staging = crate::loom::lock(&self.staging);
        while let Some(node) = staging.pop() {
            // SAFETY: as above.
            drop(unsafe { Notified::from_raw(node) });
            dropped += 1;
        }
        drop(staging);
        self.len.fetch_sub(dropped, AcqRel);
    }
}
