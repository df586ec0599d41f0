#![cfg(feature = "full")]
//! The examples that finish on their own run here, so they keep working:
//! each checks its own result with `assert!`.

mod support;

#[path = "../examples/limiter.rs"]
mod limiter;

#[path = "../examples/worker_pool.rs"]
mod worker_pool;

#[path = "../examples/batcher.rs"]
mod batcher;

#[test]
fn limiter_never_runs_more_than_its_limit() {
    support::with_timeout(limiter::main);
}

#[test]
fn worker_pool_answers_every_job() {
    support::with_timeout(worker_pool::main);
}

#[test]
fn batcher_flushes_every_event_once_in_order() {
    support::with_timeout(batcher::main);
}
