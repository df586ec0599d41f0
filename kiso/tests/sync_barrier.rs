#![cfg(feature = "full")]
//! `kiso::sync::Barrier`: release when `n` arrive, one leader per
//! generation, reuse, `n == 0`, cancellation, executors and auto traits.

mod support;

use kiso::sync::{Barrier, BarrierWaitResult};
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use support::{with_timeout, CountingWaker};

fn poll_once<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn auto_traits() {
    fn send<T: Send>(_: &T) {}
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    send_sync_unpin::<Barrier>();
    send_sync_unpin::<BarrierWaitResult>();
    let b = Barrier::new(1);
    send(&b.wait());
}

#[test]
fn single_is_leader_at_once() {
    let b = Barrier::new(1);
    let mut w = pin!(b.wait());
    match poll_once(w.as_mut()) {
        Poll::Ready(r) => assert!(r.is_leader()),
        Poll::Pending => panic!("barrier of 1 must not wait"),
    }
}

#[test]
fn zero_behaves_like_one() {
    let b = Barrier::new(0);
    for _ in 0..3 {
        let mut w = pin!(b.wait());
        match poll_once(w.as_mut()) {
            Poll::Ready(r) => assert!(r.is_leader()),
            Poll::Pending => panic!("barrier of 0 must not wait"),
        }
    }
}

#[test]
fn releases_when_all_arrive() {
    let b = Barrier::new(3);
    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    let mut a = pin!(b.wait());
    let mut bb = pin!(b.wait());
    assert!(a.as_mut().poll(&mut Context::from_waker(&w1)).is_pending());
    assert!(bb.as_mut().poll(&mut Context::from_waker(&w2)).is_pending());
    assert_eq!((c1.count(), c2.count()), (0, 0));
    let mut c = pin!(b.wait());
    let leader = match poll_once(c.as_mut()) {
        Poll::Ready(r) => r,
        Poll::Pending => panic!("third arrival must release"),
    };
    assert!(leader.is_leader());
    assert!(c1.count() >= 1 && c2.count() >= 1);
    match (poll_once(a.as_mut()), poll_once(bb.as_mut())) {
        (Poll::Ready(x), Poll::Ready(y)) => assert!(!x.is_leader() && !y.is_leader()),
        _ => panic!("waiters must be released"),
    }
}

#[test]
fn next_generation_waits_again() {
    let b = Barrier::new(2);
    let mut a = pin!(b.wait());
    assert!(poll_once(a.as_mut()).is_pending());
    let mut c = pin!(b.wait());
    assert!(poll_once(c.as_mut()).is_ready());
    // New generation: a lone arrival waits, even though the previous
    // generation's waiter has not been polled to completion yet.
    let mut d = pin!(b.wait());
    assert!(poll_once(d.as_mut()).is_pending());
    assert!(poll_once(a.as_mut()).is_ready());
    assert!(poll_once(d.as_mut()).is_pending());
    let mut e = pin!(b.wait());
    assert!(poll_once(e.as_mut()).is_ready());
    assert!(poll_once(d.as_mut()).is_ready());
}

#[test]
fn cancelled_waiter_still_counts() {
    // Not cancel safe: an arrival that is dropped while waiting still counts
    // towards its generation.
    let b = Barrier::new(2);
    {
        let mut a = pin!(b.wait());
        assert!(poll_once(a.as_mut()).is_pending());
    }
    let mut c = pin!(b.wait());
    match poll_once(c.as_mut()) {
        Poll::Ready(r) => assert!(r.is_leader()),
        Poll::Pending => panic!("the cancelled arrival should have counted"),
    }
}

#[test]
fn unpolled_wait_does_not_count() {
    let b = Barrier::new(2);
    let _never_polled = b.wait();
    let mut c = pin!(b.wait());
    assert!(poll_once(c.as_mut()).is_pending());
}

async fn rounds(n: usize, generations: usize) {
    let barrier = Arc::new(Barrier::new(n));
    let leaders = Arc::new(AtomicUsize::new(0));
    let passed = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (barrier, leaders, passed) = (barrier.clone(), leaders.clone(), passed.clone());
        tasks.push(kiso::spawn(async move {
            for g in 0..generations {
                // Nobody may start generation `g + 1` before all of `g`
                // arrived.
                assert!(passed.load(Ordering::SeqCst) >= g * n);
                passed.fetch_add(1, Ordering::SeqCst);
                if barrier.wait().await.is_leader() {
                    leaders.fetch_add(1, Ordering::SeqCst);
                }
                assert!(passed.load(Ordering::SeqCst) >= (g + 1) * n);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(leaders.load(Ordering::SeqCst), generations);
    assert_eq!(passed.load(Ordering::SeqCst), n * generations);
}

#[test]
fn generations_current_thread() {
    with_timeout(|| support::current_thread().block_on(rounds(10, 20)));
}

#[test]
fn generations_multi_thread() {
    with_timeout(|| support::multi(2).block_on(rounds(8, 100)));
}

#[test]
fn futures_executor_threads() {
    with_timeout(|| {
        let barrier = Arc::new(Barrier::new(4));
        let ths: Vec<_> = (0..4)
            .map(|_| {
                let b = barrier.clone();
                std::thread::spawn(move || {
                    let mut leaders = 0;
                    for _ in 0..50 {
                        leaders += futures::executor::block_on(b.wait()).is_leader() as usize;
                    }
                    leaders
                })
            })
            .collect();
        let total: usize = ths.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(total, 50);
    });
}

#[test]
fn debug_and_clone() {
    let b = Barrier::new(2);
    assert!(format!("{b:?}").contains("Barrier"));
    let r = futures::executor::block_on(Barrier::new(1).wait());
    let r2 = r.clone();
    assert!(r2.is_leader());
    assert!(format!("{r:?}").contains("BarrierWaitResult"));
}

#[test]
fn waiting_spends_coop_budget() {
    with_timeout(|| {
        support::current_thread().block_on(async {
            let b = Barrier::new(2);
            let mut first = pin!(b.wait());
            assert!(poll_once(first.as_mut()).is_pending());
            let mut second = pin!(b.wait());
            // The leader does not wait, so it spends nothing.
            assert!(poll_once(second.as_mut()).is_ready());
            while kiso::task::coop::has_budget_remaining() {
                kiso::task::coop::consume_budget().await;
                if !kiso::task::coop::has_budget_remaining() {
                    break;
                }
            }
            // Released, but out of budget: this poll yields.
            let ready =
                std::future::poll_fn(|cx| Poll::Ready(first.as_mut().poll(cx).is_ready())).await;
            assert!(!ready);
            assert!(!first.await.is_leader());
        });
    });
}
