//! `block_in_place`.

use crate::runtime::context::{self, SchedulerCx};
use crate::task::coop;

/// Runs blocking code on the current worker thread, after handing the
/// worker's other duties to a new thread.
///
/// On a multi-thread runtime, the tasks queued on this worker are given,
/// with the worker's run queue, to a freshly started worker thread, so they
/// keep running while `f` blocks this thread. Once `f` returns, the calling
/// task goes on on this thread until its current poll ends; the thread then
/// leaves the pool.
///
/// Unlike [`spawn_blocking`](crate::task::spawn_blocking), `f` may borrow
/// from the caller, and no `'static` or `Send` bound is needed. Other code in
/// the same task (for example other branches of a `join!`) does not run
/// while `f` runs.
///
/// Outside any runtime, `f` simply runs.
///
/// # Panics
///
/// Panics on a current-thread runtime, which has no other thread to hand
/// its tasks to.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// # rt.block_on(async {
/// let data = vec![1, 2, 3];
/// let sum = kiso::spawn(async move {
///     kiso::task::block_in_place(|| data.iter().sum::<i32>())
/// })
/// .await
/// .unwrap();
/// assert_eq!(sum, 6);
/// # });
/// ```
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    match context::scheduler() {
        SchedulerCx::CurrentThread(_) => {
            panic!("can call blocking only when running on the multi-threaded runtime")
        }
        SchedulerCx::MultiThread(_) => {
            crate::runtime::scheduler::multi_thread::worker::hand_off_core();
            // Blocking (even on another runtime) is allowed in `f`.
            let _not_driving = context::exit_driving();
            coop::with_budget(coop::Budget::unconstrained(), f)
        }
        SchedulerCx::None => f(),
    }
}
