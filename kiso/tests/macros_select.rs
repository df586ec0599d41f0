//! `select!`: branch order, patterns, conditions, `else`, drops, fairness,
//! seeding, the coop budget, and use outside a runtime.
//!
//! Written first against Tokio 1.54.1 (the same file with `kiso` spelled
//! `tokio`, seeded-runtime tests under `--cfg tokio_unstable`), then run on
//! kiso unchanged.

#![cfg(all(feature = "macros", feature = "rt"))]

use std::cell::{Cell, RefCell};
use std::future::{pending, poll_fn, Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

fn rt() -> kiso::runtime::Runtime {
    kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// Ready after being polled `n` times with `Pending` (waking itself each time).
struct YieldN {
    left: u32,
    value: u32,
}

impl Future for YieldN {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.left == 0 {
            Poll::Ready(self.value)
        } else {
            self.left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn yield_n(left: u32, value: u32) -> YieldN {
    YieldN { left, value }
}

/// Counts its drops into a shared counter.
struct OnDrop(Rc<Cell<u32>>);

impl Drop for OnDrop {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn first_ready_branch_wins() {
    rt().block_on(async {
        let v = kiso::select! {
            v = pending::<u32>() => v,
            v = async { 7u32 } => v + 1,
        };
        assert_eq!(v, 8);
    });
}

#[test]
fn waits_for_the_first_to_complete() {
    rt().block_on(async {
        let v = kiso::select! {
            v = yield_n(5, 1) => v,
            v = yield_n(2, 2) => v,
            v = yield_n(9, 3) => v,
        };
        assert_eq!(v, 2);
    });
}

#[test]
fn branch_outputs_of_different_types() {
    rt().block_on(async {
        let s: String = kiso::select! {
            n = pending::<u64>() => n.to_string(),
            s = async { String::from("text") } => s,
            () = pending::<()>() => String::new(),
        };
        assert_eq!(s, "text");
    });
}

#[test]
fn block_handlers_without_commas() {
    rt().block_on(async {
        let v = kiso::select! {
            v = pending::<u32>() => { v }
            v = async { 3u32 } => { v * 2 }
        };
        assert_eq!(v, 6);
        // A trailing comma after a block is accepted too.
        let w = kiso::select! {
            v = async { 1u32 } => { v },
        };
        assert_eq!(w, 1);
    });
}

#[test]
fn pattern_mismatch_disables_the_branch_then_else() {
    rt().block_on(async {
        let v = kiso::select! {
            Some(v) = async { None::<u32> } => v,
            else => 99,
        };
        assert_eq!(v, 99);
    });
}

#[test]
fn pattern_mismatch_lets_another_branch_win() {
    rt().block_on(async {
        let polls = Cell::new(0);
        for _ in 0..50 {
            let v = kiso::select! {
                Some(v) = async { None::<u32> } => v,
                v = async { polls.set(polls.get() + 1); yield_n(1, 5).await } => v,
            };
            assert_eq!(v, 5);
        }
        assert_eq!(polls.get(), 50);
    });
}

#[test]
fn mismatched_output_is_dropped_at_once() {
    rt().block_on(async {
        let drops = Rc::new(Cell::new(0));
        let d = drops.clone();
        let seen = kiso::select! {
            Ok(()) = async { Err::<(), _>(OnDrop(d)) } => 0,
            _ = async { yield_n(1, 0).await } => drops.get(),
        };
        assert_eq!(seen, 1);
    });
}

#[test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
fn all_disabled_without_else_panics() {
    rt().block_on(async {
        kiso::select! {
            Some(v) = async { None::<u32> } => v,
            Some(v) = async { None::<u32> } => v,
        }
    });
}

#[test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
fn all_preconditions_false_without_else_panics() {
    rt().block_on(async {
        let no = false;
        kiso::select! {
            v = async { 1u32 }, if no => v,
        }
    });
}

#[test]
fn preconditions_run_first_and_disabled_futures_are_never_polled() {
    rt().block_on(async {
        let log = RefCell::new(Vec::new());
        let cond = |name: &'static str, v: bool| {
            log.borrow_mut().push(name);
            v
        };
        let make = |name: &'static str, v: u32| {
            log.borrow_mut().push(name);
            let log = &log;
            poll_fn(move |_| {
                log.borrow_mut().push("poll");
                Poll::Ready(v)
            })
        };
        let v = kiso::select! {
            v = make("create a", 1), if cond("cond a", false) => v,
            v = make("create b", 2), if cond("cond b", true) => v,
        };
        assert_eq!(v, 2);
        assert_eq!(
            *log.borrow(),
            ["cond a", "cond b", "create a", "create b", "poll"]
        );
    });
}

#[test]
fn only_else_and_all_disabled_with_else() {
    rt().block_on(async {
        let v: u32 = kiso::select! { else => 4 };
        assert_eq!(v, 4);
        let w: u32 = kiso::select! { biased; else => 5, };
        assert_eq!(w, 5);
        let off = false;
        let x = kiso::select! {
            v = async { 1u32 }, if off => v,
            v = async { 2u32 }, if off => v,
            else => 3,
        };
        assert_eq!(x, 3);
    });
}

#[test]
fn futures_are_dropped_before_the_handler_runs() {
    rt().block_on(async {
        let drops = Rc::new(Cell::new(0));
        let (a, b, c) = (
            OnDrop(drops.clone()),
            OnDrop(drops.clone()),
            OnDrop(drops.clone()),
        );
        let seen = kiso::select! {
            _ = async move { let _a = a; pending::<()>().await } => unreachable!(),
            _ = async move { let _b = b; } => drops.get(),
            _ = async move { let _c = c; pending::<()>().await } => unreachable!(),
        };
        assert_eq!(seen, 3);
    });
}

#[test]
fn futures_are_dropped_when_the_select_is_dropped() {
    rt().block_on(async {
        let drops = Rc::new(Cell::new(0));
        let (a, b) = (OnDrop(drops.clone()), OnDrop(drops.clone()));
        let fut = async move {
            kiso::select! {
                _ = async move { let _a = a; pending::<()>().await } => {}
                _ = async move { let _b = b; pending::<()>().await } => {}
            }
        };
        let mut fut = Box::pin(fut);
        let pending_now = poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx).is_pending())).await;
        assert!(pending_now);
        assert_eq!(drops.get(), 0);
        drop(fut);
        assert_eq!(drops.get(), 2);
    });
}

#[test]
fn select_in_a_loop_on_a_pinned_future() {
    rt().block_on(async {
        let long = yield_n(20, 42);
        kiso::pin!(long);
        let mut ticks = 0;
        let out = loop {
            kiso::select! {
                v = &mut long => break v,
                _ = yield_n(1, 0) => ticks += 1,
            }
        };
        assert_eq!(out, 42);
        assert!(ticks > 0);
    });
}

#[test]
fn precondition_guards_a_finished_future_in_a_loop() {
    rt().block_on(async {
        let op = yield_n(3, 7);
        kiso::pin!(op);
        let mut done = None;
        let mut ticks = 0u32;
        loop {
            kiso::select! {
                v = &mut op, if done.is_none() => done = Some(v),
                _ = yield_n(1, 0), if ticks < 10 => ticks += 1,
                else => break,
            }
        }
        assert_eq!(done, Some(7));
        assert_eq!(ticks, 10);
    });
}

#[test]
fn biased_polls_in_written_order() {
    rt().block_on(async {
        for _ in 0..200 {
            let order = RefCell::new(Vec::new());
            let v = kiso::select! {
                biased;
                v = async { order.borrow_mut().push(0); pending::<u32>().await } => v,
                v = async { order.borrow_mut().push(1); 1u32 } => v,
                v = async { order.borrow_mut().push(2); 2u32 } => v,
            };
            assert_eq!(v, 1);
            assert_eq!(*order.borrow(), [0, 1]);
        }
    });
}

#[test]
fn handlers_may_await_return_and_use_question_mark() {
    async fn inner(fail: bool) -> Result<u32, &'static str> {
        let v = kiso::select! {
            v = async { if fail { Err("failed") } else { Ok(1u32) } } => v?,
            _ = pending::<()>() => return Ok(0),
        };
        let w = kiso::select! {
            w = async { 2u32 } => {
                kiso::task::yield_now().await;
                w == 2
            }
        };
        Ok(v + u32::from(w))
    }
    rt().block_on(async {
        assert_eq!(inner(false).await, Ok(2));
        assert_eq!(inner(true).await, Err("failed"));
    });
}

#[test]
fn patterns_with_mut_ref_and_nested_bindings() {
    rt().block_on(async {
        let v = kiso::select! {
            mut v = async { 1u32 } => { v += 1; v }
        };
        assert_eq!(v, 2);
        let s = kiso::select! {
            (ref a, Some(mut b)) = async { (String::from("a"), Some(String::from("b"))) } => {
                b.push_str(a);
                b
            }
        };
        assert_eq!(s, "ba");
        let n = kiso::select! {
            x @ 1..=9 = async { 5u32 } => x,
            else => 0,
        };
        assert_eq!(n, 5);
        let m = kiso::select! {
            1 | 2 = async { 3u32 } => 1,
            else => 0,
        };
        assert_eq!(m, 0);
    });
}

#[test]
fn into_future_values_are_accepted() {
    struct Later(u32);
    impl IntoFuture for Later {
        type Output = u32;
        type IntoFuture = std::future::Ready<u32>;
        fn into_future(self) -> Self::IntoFuture {
            std::future::ready(self.0)
        }
    }
    rt().block_on(async {
        let v = kiso::select! {
            v = Later(9) => v,
        };
        assert_eq!(v, 9);
    });
}

#[test]
fn temporaries_in_future_expressions_live_long_enough() {
    fn make() -> YieldN {
        yield_n(1, 3)
    }
    rt().block_on(async {
        let v = kiso::select! {
            v = &mut make() => v,
        };
        assert_eq!(v, 3);
    });
}

#[test]
fn sixty_four_branches() {
    use std::future::ready;
    // 63 branches whose outputs do not match their pattern, then one that
    // does: whatever the start, the last one wins.
    rt().block_on(async {
        for _ in 0..20 {
            let hit = kiso::select! {
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
                v = ready(64u32) => v,
            };
            assert_eq!(hit, 64);
        }
        // And with every branch disabled, `else`.
        let off = false;
        let none = kiso::select! {
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
            Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v, Some(v) = ready(None::<u32>) => v,
                v = ready(64u32), if off => v,
                else => 0,
        };
        assert_eq!(none, 0);
    });
}

/// How often each of `N` always-ready branches wins over `rounds` selects.
async fn wins<const N: usize>(rounds: u32) -> [u32; N] {
    let mut wins = [0u32; N];
    for _ in 0..rounds {
        let i: usize = match N {
            2 => kiso::select! {
                _ = async {} => 0,
                _ = async {} => 1,
            },
            3 => kiso::select! {
                _ = async {} => 0,
                _ = async {} => 1,
                _ = async {} => 2,
            },
            _ => unreachable!(),
        };
        wins[i] += 1;
    }
    wins
}

#[test]
fn fair_between_two_ready_branches() {
    let w = rt().block_on(wins::<2>(10_000));
    for w in w {
        assert!((4_000..=6_000).contains(&w), "wins: {w}");
    }
}

#[test]
fn fair_between_three_ready_branches() {
    let w = rt().block_on(wins::<3>(30_000));
    for w in w {
        assert!((8_000..=12_000).contains(&w), "wins: {w:?}");
    }
}

#[test]
fn fair_on_a_multi_thread_runtime_and_in_tasks() {
    let rt = kiso::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let w = rt.block_on(async { kiso::spawn(wins::<2>(10_000)).await.unwrap() });
    for w in w {
        assert!((4_000..=6_000).contains(&w), "wins: {w}");
    }
}

#[test]
fn coop_budget_spent_makes_select_yield() {
    rt().block_on(async {
        kiso::spawn(async {
            for _ in 0..128 {
                kiso::task::coop::consume_budget().await;
            }
            assert!(!kiso::task::coop::has_budget_remaining());
            let v = kiso::select! {
                v = async { 1u32 } => v,
            };
            assert_eq!(v, 1);
            // The select! yielded: this is a later poll, with a fresh budget.
            assert!(kiso::task::coop::has_budget_remaining());
        })
        .await
        .unwrap();
    });
}

#[test]
fn works_outside_a_runtime() {
    let v = futures::executor::block_on(async {
        let mut total = 0;
        for _ in 0..100 {
            total += kiso::select! {
                v = yield_n(2, 1) => v,
                v = pending::<u32>() => v,
            };
        }
        total
    });
    assert_eq!(v, 100);
    let w = futures::executor::block_on(wins::<2>(10_000));
    for w in w {
        assert!((4_000..=6_000).contains(&w), "wins: {w}");
    }
}

/// The winners of 1000 selects between 4 ready branches, in order, over two
/// `block_on` calls of the runtime `builder` makes, seeded with `seed`.
fn seeded_choices_on(mut builder: kiso::runtime::Builder, seed: &[u8]) -> Vec<u8> {
    let rt = builder
        .rng_seed(kiso::runtime::RngSeed::from_bytes(seed))
        .build()
        .unwrap();
    let run = || async {
        let mut out = Vec::new();
        for _ in 0..500 {
            out.push(kiso::select! {
                _ = async {} => 0u8,
                _ = async {} => 1,
                _ = async {} => 2,
                _ = async {} => 3,
            });
        }
        out
    };
    let mut all = rt.block_on(run());
    all.extend(rt.block_on(run()));
    all
}

/// `seeded_choices_on` a current-thread runtime.
fn seeded_choices(seed: &[u8]) -> Vec<u8> {
    seeded_choices_on(kiso::runtime::Builder::new_current_thread(), seed)
}

/// `seeded_choices_on` a 2-worker runtime: every `block_on` takes the next
/// seed of the runtime's sequence, so `select!` in the `block_on` future
/// repeats its choices too.
fn seeded_choices_multi_thread(seed: &[u8]) -> Vec<u8> {
    let mut builder = kiso::runtime::Builder::new_multi_thread();
    builder.worker_threads(2);
    seeded_choices_on(builder, seed)
}

#[test]
fn same_seed_same_choices_in_multi_thread_block_on() {
    let a = seeded_choices_multi_thread(b"seed one");
    assert_eq!(a, seeded_choices_multi_thread(b"seed one"));
    assert_ne!(a, seeded_choices_multi_thread(b"seed two"));
    // The two `block_on` calls drew different seeds.
    assert_ne!(a[..500], a[500..]);
}

#[test]
fn same_seed_same_choices() {
    let a = seeded_choices(b"seed one");
    let b = seeded_choices(b"seed one");
    assert_eq!(a, b);
    let c = seeded_choices(b"seed two");
    assert_ne!(a, c);
    // The choices are still spread over the branches.
    for branch in 0..4 {
        let n = a.iter().filter(|&&x| x == branch).count();
        assert!((150..=350).contains(&n), "branch {branch}: {n}");
    }
}

#[test]
fn seeded_choices_in_spawned_tasks_repeat() {
    fn run(seed: &[u8]) -> Vec<u8> {
        let rt = kiso::runtime::Builder::new_current_thread()
            .rng_seed(kiso::runtime::RngSeed::from_bytes(seed))
            .build()
            .unwrap();
        rt.block_on(async {
            let tasks: Vec<_> = (0..4)
                .map(|_| {
                    kiso::spawn(async {
                        let mut out = Vec::new();
                        for _ in 0..50 {
                            out.push(kiso::select! {
                                _ = async {} => 0u8,
                                _ = async {} => 1,
                            });
                            kiso::task::yield_now().await;
                        }
                        out
                    })
                })
                .collect();
            let mut all = Vec::new();
            for t in tasks {
                all.extend(t.await.unwrap());
            }
            all
        })
    }
    assert_eq!(run(b"tasks"), run(b"tasks"));
    assert_ne!(run(b"tasks"), run(b"other"));
}

#[test]
fn unseeded_runtimes_differ() {
    // Two runtimes without a seed: 200 choices between 4 branches are
    // (with overwhelming probability) not the same.
    let run = || {
        rt().block_on(async {
            let mut out = Vec::new();
            for _ in 0..200 {
                out.push(kiso::select! {
                    _ = async {} => 0u8,
                    _ = async {} => 1,
                    _ = async {} => 2,
                    _ = async {} => 3,
                });
            }
            out
        })
    };
    assert_ne!(run(), run());
}
