//! `try_join!`: success, short-circuit on the first error, drops, poll order
//! and `biased;`, and use outside a runtime.
//!
//! Written first against Tokio 1.54.1 (the same file with `kiso` spelled
//! `tokio`), then run on kiso unchanged.

#![cfg(all(feature = "macros", feature = "rt"))]

use std::cell::{Cell, RefCell};
use std::future::{pending, poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

fn rt() -> kiso::runtime::Runtime {
    kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// `Ok(id)` after `left` pending polls, logging its id on every poll.
struct Logged<'a> {
    id: usize,
    left: u32,
    fail: bool,
    log: &'a RefCell<Vec<usize>>,
}

impl Future for Logged<'_> {
    type Output = Result<usize, String>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.log.borrow_mut().push(self.id);
        if self.left == 0 {
            Poll::Ready(if self.fail {
                Err(format!("failed {}", self.id))
            } else {
                Ok(self.id)
            })
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
fn all_ok_gives_the_tuple() {
    rt().block_on(async {
        let r: Result<(), ()> = kiso::try_join!();
        assert_eq!(r, Ok(()));
        let r: Result<(), ()> = kiso::try_join!(biased;);
        assert_eq!(r, Ok(()));
        let r = kiso::try_join!(async { Ok::<_, String>(1u8) });
        assert_eq!(r, Ok((1,)));
        let r = kiso::try_join!(async { Ok::<_, String>(1u8) }, async { Ok("two") }, async {
            Ok(3.0f64)
        },);
        assert_eq!(r, Ok((1, "two", 3.0)));
    });
}

#[test]
fn first_error_short_circuits_and_drops_the_others() {
    rt().block_on(async {
        let drops = Rc::new(Cell::new(0));
        let (a, b) = (OnDrop(drops.clone()), OnDrop(drops.clone()));
        let r = kiso::try_join!(
            async move {
                let _a = a;
                pending::<Result<u32, &str>>().await
            },
            async { Err::<u32, _>("boom") },
            async move {
                let _b = b;
                pending::<Result<u32, &str>>().await
            },
        );
        assert_eq!(r, Err("boom"));
        assert_eq!(drops.get(), 2);
    });
}

#[test]
fn error_after_some_successes() {
    rt().block_on(async {
        let log = RefCell::new(Vec::new());
        let r = kiso::try_join!(
            Logged {
                id: 0,
                left: 0,
                fail: false,
                log: &log
            },
            Logged {
                id: 1,
                left: 2,
                fail: true,
                log: &log
            },
            Logged {
                id: 2,
                left: 9,
                fail: false,
                log: &log
            },
        );
        assert_eq!(r, Err("failed 1".to_string()));
        // Polls: round 0 from 0, round 1 from 1, round 2 from 2 (1 fails).
        assert_eq!(*log.borrow(), [0, 1, 2, 1, 2, 2, 1]);
    });
}

#[test]
fn biased_polls_in_written_order() {
    rt().block_on(async {
        let log = RefCell::new(Vec::new());
        let r = kiso::try_join!(
            biased;
            Logged { id: 0, left: 1, fail: false, log: &log },
            Logged { id: 1, left: 1, fail: false, log: &log },
        );
        assert_eq!(r, Ok((0, 1)));
        assert_eq!(*log.borrow(), [0, 1, 0, 1]);
    });
}

#[test]
fn infallible_errors_compile() {
    rt().block_on(async {
        let r = kiso::try_join!(async { Ok::<_, std::convert::Infallible>(1) }, async {
            Ok::<_, std::convert::Infallible>(2)
        },);
        assert_eq!(r.unwrap(), (1, 2));
    });
}

#[test]
fn question_mark_on_the_result() {
    async fn both() -> Result<u32, String> {
        let (a, b) = kiso::try_join!(async { Ok::<_, String>(1) }, async { Ok(2) })?;
        Ok(a + b)
    }
    async fn fails() -> Result<u32, String> {
        let (a, b) = kiso::try_join!(async { Ok::<u32, String>(1) }, async {
            Err::<u32, String>("no".to_string())
        })?;
        Ok(a + b)
    }
    rt().block_on(async {
        assert_eq!(both().await, Ok(3));
        assert_eq!(fails().await, Err("no".to_string()));
    });
}

#[test]
fn spawned_tasks_try_joined() {
    let rt = kiso::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let r = kiso::try_join!(kiso::spawn(async { 1 }), kiso::spawn(async { 2 }));
        assert_eq!(r.unwrap(), (1, 2));
    });
}

#[test]
fn works_outside_a_runtime() {
    let r = futures::executor::block_on(async {
        let log = RefCell::new(Vec::new());
        kiso::try_join!(
            Logged {
                id: 0,
                left: 1,
                fail: false,
                log: &log
            },
            Logged {
                id: 1,
                left: 3,
                fail: false,
                log: &log
            },
        )
    });
    assert_eq!(r, Ok((0, 1)));
    let pending_then_err = futures::executor::block_on(async {
        let mut polls = 0;
        kiso::try_join!(
            poll_fn(|cx| {
                polls += 1;
                if polls < 3 {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                } else {
                    Poll::Ready(Err::<(), u32>(polls))
                }
            }),
            pending::<Result<(), u32>>(),
        )
    });
    assert_eq!(pending_then_err, Err(3));
}
