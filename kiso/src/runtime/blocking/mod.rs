//! The blocking pool: threads for work that blocks (`spawn_blocking`).
//!
//! A blocking closure becomes an ordinary task cell (so its `JoinHandle` is
//! the same type as any other) whose future runs the closure on its first
//! poll. The cell has no owner list: the pool's queue holds its only
//! `Notified` until a pool thread runs it.

mod pool;

pub(crate) use pool::{BlockingPool, Config, Spawner};
#[allow(unused_imports)]
pub(crate) use pool::{NoGuard, TaskGuard};

use crate::runtime::task::{Header, Notified, Schedule};
use crate::task::coop;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The future of a blocking task: runs the closure once.
pub(crate) struct BlockingTask<F> {
    func: Option<F>,
}

impl<F> BlockingTask<F> {
    pub(crate) fn new(func: F) -> BlockingTask<F> {
        BlockingTask { func: Some(func) }
    }
}

impl<F> Unpin for BlockingTask<F> {}

impl<F, R> Future for BlockingTask<F>
where
    F: FnOnce() -> R,
{
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let func = self.func.take().expect("blocking task polled after it ran");
        // Blocking code is not subject to the cooperative budget.
        Poll::Ready(coop::with_budget(coop::Budget::unconstrained(), func))
    }
}

/// The scheduler of blocking tasks. They finish in their first poll, so they
/// are never woken, and they have no owner list.
pub(crate) struct BlockingSchedule;

impl Schedule for BlockingSchedule {
    fn schedule(&self, task: Notified) {
        // Only an abort can get here, for a task that already ran; there is
        // nothing left to run.
        drop(task);
    }

    fn release(&self, _task: &Header) -> bool {
        false
    }
}
