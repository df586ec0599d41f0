//! `join!`: outputs, concurrency, the rotating poll order and `biased;`,
//! drops, and use outside a runtime.
//!
//! Written first against Tokio 1.54.1 (the same file with `kiso` spelled
//! `tokio`), then run on kiso unchanged.

#![cfg(all(feature = "macros", feature = "rt"))]

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

fn rt() -> kiso::runtime::Runtime {
    kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// Ready after `left` polls that return `Pending` (waking itself), logging
/// its id on every poll.
struct Logged<'a> {
    id: usize,
    left: u32,
    log: &'a RefCell<Vec<usize>>,
}

impl Future for Logged<'_> {
    type Output = usize;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.log.borrow_mut().push(self.id);
        if self.left == 0 {
            Poll::Ready(self.id)
        } else {
            self.left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

struct OnDrop(Rc<Cell<u32>>);

impl Drop for OnDrop {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn zero_one_and_many_futures() {
    rt().block_on(async {
        let () = kiso::join!();
        let () = kiso::join!(biased;);
        let (a,) = kiso::join!(async { 1u8 });
        assert_eq!(a, 1);
        let (a, b, c) = kiso::join!(async { 1u8 }, async { "two" }, async { 3.0f64 },);
        assert_eq!((a, b, c), (1, "two", 3.0));
        let t = kiso::join!(
            async { 0 },
            async { 1 },
            async { 2 },
            async { 3 },
            async { 4 },
            async { 5 },
            async { 6 },
            async { 7 },
            async { 8 },
            async { 9 }
        );
        assert_eq!(t, (0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    });
}

#[test]
fn runs_futures_concurrently() {
    rt().block_on(async {
        // Each side waits for the other: only works if both are polled.
        let flag_a = Cell::new(false);
        let flag_b = Cell::new(false);
        let (x, y) = kiso::join!(
            async {
                flag_a.set(true);
                poll_fn(|cx| {
                    if flag_b.get() {
                        Poll::Ready(1)
                    } else {
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    }
                })
                .await
            },
            async {
                flag_b.set(true);
                poll_fn(|cx| {
                    if flag_a.get() {
                        Poll::Ready(2)
                    } else {
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    }
                })
                .await
            },
        );
        assert_eq!((x, y), (1, 2));
    });
}

#[test]
fn each_poll_starts_with_the_next_future() {
    rt().block_on(async {
        let log = RefCell::new(Vec::new());
        let out = kiso::join!(
            Logged {
                id: 0,
                left: 3,
                log: &log
            },
            Logged {
                id: 1,
                left: 3,
                log: &log
            },
            Logged {
                id: 2,
                left: 3,
                log: &log
            },
        );
        assert_eq!(out, (0, 1, 2));
        assert_eq!(*log.borrow(), [0, 1, 2, 1, 2, 0, 2, 0, 1, 0, 1, 2]);
    });
}

#[test]
fn finished_futures_are_not_polled_again() {
    rt().block_on(async {
        let log = RefCell::new(Vec::new());
        let out = kiso::join!(
            Logged {
                id: 0,
                left: 0,
                log: &log
            },
            Logged {
                id: 1,
                left: 2,
                log: &log
            },
        );
        assert_eq!(out, (0, 1));
        assert_eq!(*log.borrow(), [0, 1, 1, 1]);
    });
}

#[test]
fn biased_always_starts_with_the_first() {
    rt().block_on(async {
        let log = RefCell::new(Vec::new());
        let out = kiso::join!(
            biased;
            Logged { id: 0, left: 2, log: &log },
            Logged { id: 1, left: 2, log: &log },
            Logged { id: 2, left: 2, log: &log },
        );
        assert_eq!(out, (0, 1, 2));
        assert_eq!(*log.borrow(), [0, 1, 2, 0, 1, 2, 0, 1, 2]);
    });
}

#[test]
fn futures_are_evaluated_in_order() {
    rt().block_on(async {
        let order = RefCell::new(Vec::new());
        let make = |i: u32| {
            order.borrow_mut().push(i);
            async move { i }
        };
        let out = kiso::join!(make(0), make(1), make(2));
        assert_eq!(out, (0, 1, 2));
        assert_eq!(*order.borrow(), [0, 1, 2]);
    });
}

#[test]
fn a_future_is_dropped_when_it_completes() {
    rt().block_on(async {
        let drops = Rc::new(Cell::new(0));
        let guard = OnDrop(drops.clone());
        let log = RefCell::new(Vec::new());
        let (_, seen) = kiso::join!(
            async move {
                let _g = guard;
            },
            async {
                // Let the first one finish first.
                Logged {
                    id: 0,
                    left: 2,
                    log: &log,
                }
                .await;
                drops.get()
            },
        );
        assert_eq!(seen, 1);
    });
}

#[test]
fn dropping_the_join_drops_every_future() {
    rt().block_on(async {
        let drops = Rc::new(Cell::new(0));
        let (a, b) = (OnDrop(drops.clone()), OnDrop(drops.clone()));
        let mut fut = Box::pin(async move {
            kiso::join!(
                async move {
                    let _a = a;
                    std::future::pending::<()>().await
                },
                async move {
                    let _b = b;
                    std::future::pending::<()>().await
                },
            )
        });
        let pending_now = poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx).is_pending())).await;
        assert!(pending_now);
        drop(fut);
        assert_eq!(drops.get(), 2);
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
        assert_eq!(kiso::join!(Later(1), Later(2)), (1, 2));
    });
}

#[test]
fn uninhabited_outputs_compile() {
    #[allow(dead_code)]
    async fn never() -> std::convert::Infallible {
        std::future::pending().await
    }
    rt().block_on(async {
        let _never_run = async {
            let (_a, _b) = kiso::join!(never(), async { 1 });
        };
    });
}

#[test]
fn spawned_tasks_joined() {
    let rt = kiso::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let (a, b) = kiso::join!(kiso::spawn(async { 1 }), kiso::spawn(async { 2 }));
        assert_eq!((a.unwrap(), b.unwrap()), (1, 2));
    });
}

#[test]
fn works_outside_a_runtime() {
    let out = futures::executor::block_on(async {
        let log = RefCell::new(Vec::new());
        kiso::join!(
            Logged {
                id: 0,
                left: 1,
                log: &log
            },
            Logged {
                id: 1,
                left: 4,
                log: &log
            },
            async { 5 },
        )
    });
    assert_eq!(out, (0, 1, 5));
}
