//! The cooperative budget, written against Tokio's API: each poll of a task
//! gets 128 units, `consume_budget` spends them and yields when they run out,
//! and `unconstrained` lifts the limit.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use kiso_compat_rename::{block_on_plain, watchdog, PollCount};
use tokio::task::coop::{self, Unconstrained};
use tokio::task::{self, JoinHandle};

/// The budget a task gets for each poll, as Tokio documents it.
const BUDGET: usize = 128;

/// Awaits a task and re-raises its panic, so an assertion that fails inside
/// the task shows its own message.
async fn join<T>(handle: JoinHandle<T>) -> T {
    match handle.await {
        Ok(value) => value,
        Err(err) => match err.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            Err(err) => panic!("the task did not finish: {err}"),
        },
    }
}

#[tokio::test]
async fn the_budget_runs_out_after_128_units_within_one_poll() {
    let _watchdog = watchdog("the_budget_runs_out_after_128_units_within_one_poll");
    let polls = PollCount::new();
    let inside = polls.clone();

    let handle = tokio::spawn(polls.wrap(async move {
        assert!(
            coop::has_budget_remaining(),
            "a fresh poll starts with budget"
        );
        for _ in 0..BUDGET - 1 {
            coop::consume_budget().await;
        }
        assert!(coop::has_budget_remaining(), "127 units spent, one left");
        coop::consume_budget().await;
        assert!(!coop::has_budget_remaining(), "all 128 units spent");
        assert_eq!(
            inside.get(),
            1,
            "all 128 units were spent inside the first poll"
        );

        // With nothing left, the next unit costs a trip through the scheduler.
        coop::consume_budget().await;
        assert_eq!(inside.get(), 2, "consume_budget yielded once");
        assert!(
            coop::has_budget_remaining(),
            "the next poll has a fresh budget"
        );
    }));
    join(handle).await;
}

#[tokio::test]
async fn a_consume_budget_loop_lets_other_tasks_run() {
    let _watchdog = watchdog("a_consume_budget_loop_lets_other_tasks_run");
    let handle = tokio::spawn(async {
        let flag = Arc::new(AtomicBool::new(false));
        let setter = flag.clone();
        // Queued behind this task: it can only run if this task yields.
        let other = tokio::spawn(async move { setter.store(true, Ordering::SeqCst) });

        let mut units = 0;
        while !flag.load(Ordering::SeqCst) {
            assert!(
                units < 100_000,
                "the busy loop never let the other task run"
            );
            coop::consume_budget().await;
            units += 1;
        }
        join(other).await;
        units
    });
    let units = join(handle).await;
    // 128 units go through at once; the 129th yields, the other task sets
    // the flag, and the 129th completes on the next poll.
    assert_eq!(
        units,
        BUDGET + 1,
        "the loop yielded exactly when its budget ran out"
    );
}

#[tokio::test]
async fn unconstrained_never_runs_out_and_never_yields() {
    let _watchdog = watchdog("unconstrained_never_runs_out_and_never_yields");
    let handle = tokio::spawn(async {
        let flag = Arc::new(AtomicBool::new(false));
        let setter = flag.clone();
        let other = tokio::spawn(async move { setter.store(true, Ordering::SeqCst) });

        let polls = PollCount::new();
        let busy = polls.wrap(async {
            for _ in 0..10 * BUDGET {
                coop::consume_budget().await;
                assert!(coop::has_budget_remaining());
            }
        });
        let busy: Unconstrained<_> = coop::unconstrained(busy);
        busy.await;

        assert_eq!(polls.get(), 1, "1280 units in a single poll");
        assert!(
            !flag.load(Ordering::SeqCst),
            "the other task never got a turn"
        );
        join(other).await;
        assert!(flag.load(Ordering::SeqCst));
    });
    join(handle).await;
}

#[tokio::test]
async fn unconstrained_gives_the_budget_back_when_it_returns() {
    let _watchdog = watchdog("unconstrained_gives_the_budget_back_when_it_returns");
    let polls = PollCount::new();
    let inside = polls.clone();
    let handle = tokio::spawn(polls.wrap(async move {
        for _ in 0..BUDGET - 1 {
            coop::consume_budget().await;
        }
        coop::unconstrained(async {
            for _ in 0..BUDGET {
                coop::consume_budget().await;
            }
        })
        .await;
        // One unit was left before the unconstrained section, and still is.
        assert!(coop::has_budget_remaining());
        coop::consume_budget().await;
        assert!(!coop::has_budget_remaining());
        assert_eq!(inside.get(), 1);
    }));
    join(handle).await;
}

#[tokio::test]
async fn awaiting_a_finished_join_handle_spends_budget() {
    let _watchdog = watchdog("awaiting_a_finished_join_handle_spends_budget");
    let polls = PollCount::new();
    let inside = polls.clone();
    let handle = tokio::spawn(polls.wrap(async move {
        let child = tokio::spawn(async { 5 });
        while !child.is_finished() {
            task::yield_now().await;
        }
        let before = inside.get();
        for _ in 0..BUDGET {
            coop::consume_budget().await;
        }
        assert_eq!(inside.get(), before, "still in the same poll");
        // The output is ready, but there is no budget to take it with.
        let value = child.await.unwrap();
        assert_eq!(
            inside.get(),
            before + 1,
            "the JoinHandle made the task yield first"
        );
        value
    }));
    assert_eq!(join(handle).await, 5);
}

#[test]
fn outside_a_runtime_there_is_no_budget_to_run_out_of() {
    assert!(coop::has_budget_remaining());
    let polls = PollCount::new();
    let remaining = block_on_plain(polls.wrap(async {
        for _ in 0..10 * BUDGET {
            coop::consume_budget().await;
        }
        coop::has_budget_remaining()
    }));
    assert!(remaining);
    assert_eq!(
        polls.get(),
        1,
        "consume_budget never yields without a runtime"
    );
}

/// Code written before the budget functions moved to `task::coop` uses their
/// old paths, which Tokio still exports (hidden).
#[tokio::test]
#[allow(deprecated)]
async fn old_task_paths_of_the_budget_functions() {
    let _watchdog = watchdog("old_task_paths_of_the_budget_functions");
    let unconstrained: tokio::task::Unconstrained<_> = tokio::task::unconstrained(async {
        for _ in 0..1000 {
            tokio::task::consume_budget().await;
        }
        coop::has_budget_remaining()
    });
    assert!(unconstrained.await);
}
