#![cfg(feature = "full")]

mod support;

use kiso::sync::{AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use support::{with_timeout, CountingWaker};

fn poll_once<F: Future + ?Sized>(f: Pin<&mut F>, w: &Waker) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(w))
}

#[test]
fn auto_traits() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    fn unpin<T: Unpin>() {}
    fn send_sync_val<T: Send + Sync>(_: &T) {}
    send::<Semaphore>();
    sync::<Semaphore>();
    unpin::<Semaphore>();
    send::<SemaphorePermit<'static>>();
    sync::<SemaphorePermit<'static>>();
    unpin::<SemaphorePermit<'static>>();
    send::<OwnedSemaphorePermit>();
    sync::<OwnedSemaphorePermit>();
    unpin::<OwnedSemaphorePermit>();
    send::<AcquireError>();
    sync::<TryAcquireError>();
    let sem = Arc::new(Semaphore::new(1));
    send_sync_val(&sem.acquire());
    send_sync_val(&sem.acquire_many(1));
    send_sync_val(&sem.clone().acquire_owned());
    send_sync_val(&sem.clone().acquire_many_owned(1));
}

#[test]
fn try_acquire_and_release() {
    let sem = Semaphore::new(2);
    assert_eq!(sem.available_permits(), 2);
    let a = sem.try_acquire().unwrap();
    assert_eq!(a.num_permits(), 1);
    let b = sem.try_acquire().unwrap();
    assert_eq!(sem.available_permits(), 0);
    assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    drop(a);
    assert_eq!(sem.available_permits(), 1);
    drop(b);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn try_acquire_many_all_or_nothing() {
    let sem = Semaphore::new(3);
    assert_eq!(
        sem.try_acquire_many(4).unwrap_err(),
        TryAcquireError::NoPermits
    );
    assert_eq!(sem.available_permits(), 3, "a failed try takes nothing");
    let p = sem.try_acquire_many(3).unwrap();
    assert_eq!(p.num_permits(), 3);
    assert_eq!(sem.available_permits(), 0);
    let zero = sem.try_acquire_many(0).unwrap();
    assert_eq!(zero.num_permits(), 0);
    drop(p);
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn owned_variants() {
    let sem = Arc::new(Semaphore::new(3));
    let p = sem.clone().try_acquire_owned().unwrap();
    let q = sem.clone().try_acquire_many_owned(2).unwrap();
    assert!(Arc::ptr_eq(p.semaphore(), &sem));
    assert_eq!(q.num_permits(), 2);
    assert_eq!(
        sem.clone().try_acquire_owned().unwrap_err(),
        TryAcquireError::NoPermits
    );
    std::thread::spawn(move || drop(q)).join().unwrap();
    assert_eq!(sem.available_permits(), 2);
    drop(p);
    let rt = support::current_thread();
    rt.block_on(async {
        let a = sem.clone().acquire_owned().await.unwrap();
        let b = sem.clone().acquire_many_owned(2).await.unwrap();
        assert_eq!(sem.available_permits(), 0);
        drop((a, b));
    });
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn add_and_forget_permits() {
    let sem = Semaphore::new(1);
    sem.add_permits(4);
    assert_eq!(sem.available_permits(), 5);
    assert_eq!(sem.forget_permits(2), 2);
    assert_eq!(sem.available_permits(), 3);
    let _held = sem.try_acquire().unwrap();
    assert_eq!(
        sem.forget_permits(10),
        2,
        "only available permits are forgotten"
    );
    assert_eq!(sem.available_permits(), 0);
    assert_eq!(sem.forget_permits(1), 0);
}

#[test]
fn permit_forget_merge_split() {
    let sem = Semaphore::new(5);
    sem.try_acquire().unwrap().forget();
    assert_eq!(sem.available_permits(), 4);

    let mut p = sem.try_acquire().unwrap();
    p.merge(sem.try_acquire_many(2).unwrap());
    assert_eq!(p.num_permits(), 3);
    assert!(std::ptr::eq(p.semaphore(), &sem));
    assert!(p.split(4).is_none());
    assert_eq!(p.num_permits(), 3);
    let q = p.split(2).unwrap();
    assert_eq!((p.num_permits(), q.num_permits()), (1, 2));
    assert_eq!(sem.available_permits(), 1);
    drop(q);
    assert_eq!(sem.available_permits(), 3);
    drop(p);
    assert_eq!(sem.available_permits(), 4);

    let sem = Arc::new(Semaphore::new(4));
    let mut o = sem.clone().try_acquire_owned().unwrap();
    o.merge(sem.clone().try_acquire_many_owned(3).unwrap());
    assert_eq!(o.num_permits(), 4);
    let s = o.split(1).unwrap();
    s.forget();
    drop(o);
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn merge_from_other_semaphore_panics() {
    let a = Semaphore::new(1);
    let b = Semaphore::new(1);
    let msg = support::panic_message(|| {
        let mut p = a.try_acquire().unwrap();
        p.merge(b.try_acquire().unwrap());
    });
    assert!(
        msg.contains("merging permits from different semaphore instances"),
        "{msg}"
    );
}

#[test]
fn max_permits_limits() {
    assert_eq!(Semaphore::MAX_PERMITS, usize::MAX >> 3);
    let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    assert_eq!(sem.available_permits(), Semaphore::MAX_PERMITS);
    let msg = support::panic_message(|| sem.add_permits(1));
    assert!(msg.contains("would overflow MAX_PERMITS"), "{msg}");
    let msg = support::panic_message(|| {
        Semaphore::new(Semaphore::MAX_PERMITS + 1);
    });
    assert!(
        msg.contains("a semaphore may not have more than MAX_PERMITS permits"),
        "{msg}"
    );
}

#[test]
fn const_new_static() {
    static SEM: Semaphore = Semaphore::const_new(2);
    let p = SEM.try_acquire_many(2).unwrap();
    assert_eq!(SEM.available_permits(), 0);
    drop(p);
    assert_eq!(SEM.available_permits(), 2);
}

#[test]
fn close_fails_pending_and_future_acquires() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let (counter, waker) = CountingWaker::new();
    let mut pending = Box::pin(sem.acquire());
    assert!(poll_once(pending.as_mut(), &waker).is_pending());
    assert!(!sem.is_closed());
    sem.close();
    assert!(sem.is_closed());
    assert_eq!(counter.count(), 1, "close wakes the waiter");
    match poll_once(pending.as_mut(), &waker) {
        Poll::Ready(Err(e)) => assert_eq!(e.to_string(), "semaphore closed"),
        _ => panic!("acquire must fail after close"),
    }
    assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
    assert_eq!(TryAcquireError::Closed.to_string(), "semaphore closed");
    assert_eq!(
        TryAcquireError::NoPermits.to_string(),
        "no permits available"
    );
    // Held permits stay valid and still go back.
    drop(held);
    assert_eq!(sem.available_permits(), 1);
    assert!(sem.try_acquire().is_err());
    assert!(futures::executor::block_on(sem.acquire()).is_err());
}

#[test]
fn fifo_large_request_blocks_later_small_ones() {
    let sem = Semaphore::new(0);
    let (ca, wa) = CountingWaker::new();
    let (cb, wb) = CountingWaker::new();
    let mut a = Box::pin(sem.acquire_many(3));
    let mut b = Box::pin(sem.acquire());
    assert!(poll_once(a.as_mut(), &wa).is_pending());
    assert!(poll_once(b.as_mut(), &wb).is_pending());

    sem.add_permits(2);
    assert_eq!(cb.count(), 0, "b waits behind a");
    assert!(poll_once(b.as_mut(), &wb).is_pending());
    assert_eq!(
        sem.available_permits(),
        0,
        "a holds the 2 permits set aside"
    );
    assert!(
        sem.try_acquire().is_err(),
        "try_acquire cannot jump the queue"
    );

    sem.add_permits(2);
    assert_eq!(ca.count(), 1);
    assert_eq!(cb.count(), 1);
    let pa = match poll_once(a.as_mut(), &wa) {
        Poll::Ready(Ok(p)) => p,
        _ => panic!("a should have its 3 permits"),
    };
    let pb = match poll_once(b.as_mut(), &wb) {
        Poll::Ready(Ok(p)) => p,
        _ => panic!("b should have its permit"),
    };
    assert_eq!((pa.num_permits(), pb.num_permits()), (3, 1));
    drop((pa, pb));
    assert_eq!(sem.available_permits(), 4);
}

#[test]
fn newcomer_does_not_overtake_waiter() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let (_c, w) = CountingWaker::new();
    let mut first = Box::pin(sem.acquire());
    assert!(poll_once(first.as_mut(), &w).is_pending());
    drop(held);
    // The permit went to `first`; a new acquire must queue.
    let mut second = Box::pin(sem.acquire());
    assert!(poll_once(second.as_mut(), &w).is_pending());
    let p = match poll_once(first.as_mut(), &w) {
        Poll::Ready(Ok(p)) => p,
        _ => panic!("first waiter owns the released permit"),
    };
    drop(p);
    assert!(matches!(poll_once(second.as_mut(), &w), Poll::Ready(Ok(_))));
}

#[test]
fn cancelling_waiter_returns_assigned_permits() {
    let sem = Semaphore::new(0);
    let (_ca, wa) = CountingWaker::new();
    let (cb, wb) = CountingWaker::new();
    let mut a = Box::pin(sem.acquire_many(3));
    let mut b = Box::pin(sem.acquire_many(2));
    assert!(poll_once(a.as_mut(), &wa).is_pending());
    assert!(poll_once(b.as_mut(), &wb).is_pending());
    sem.add_permits(2); // set aside for `a`
    assert_eq!(cb.count(), 0);
    drop(a); // cancelled: its 2 permits move on to `b`
    assert_eq!(cb.count(), 1);
    let p = match poll_once(b.as_mut(), &wb) {
        Poll::Ready(Ok(p)) => p,
        _ => panic!("b should get the permits a gave back"),
    };
    assert_eq!(p.num_permits(), 2);
    drop(p);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn cancelling_satisfied_but_unpolled_waiter_returns_permits() {
    let sem = Semaphore::new(0);
    let (c, w) = CountingWaker::new();
    let mut a = Box::pin(sem.acquire_many(2));
    assert!(poll_once(a.as_mut(), &w).is_pending());
    sem.add_permits(2);
    assert_eq!(c.count(), 1);
    drop(a);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn cancelling_middle_waiter_keeps_order() {
    let sem = Semaphore::new(0);
    let w = futures::task::noop_waker();
    let mut a = Box::pin(sem.acquire());
    let mut b = Box::pin(sem.acquire());
    let mut c = Box::pin(sem.acquire());
    for f in [a.as_mut(), b.as_mut(), c.as_mut()] {
        assert!(poll_once(f, &w).is_pending());
    }
    drop(b);
    sem.add_permits(1);
    assert!(poll_once(c.as_mut(), &w).is_pending());
    assert!(matches!(poll_once(a.as_mut(), &w), Poll::Ready(Ok(_))));
    sem.add_permits(1);
    assert!(matches!(poll_once(c.as_mut(), &w), Poll::Ready(Ok(_))));
}

#[test]
fn waker_is_updated_on_repoll() {
    let sem = Semaphore::new(0);
    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    let mut a = Box::pin(sem.acquire());
    assert!(poll_once(a.as_mut(), &w1).is_pending());
    assert!(poll_once(a.as_mut(), &w2).is_pending());
    sem.add_permits(1);
    assert_eq!((c1.count(), c2.count()), (0, 1));
    assert!(matches!(poll_once(a.as_mut(), &w2), Poll::Ready(Ok(_))));
}

#[test]
fn debug_format() {
    let sem = Semaphore::new(3);
    assert_eq!(
        format!("{sem:?}"),
        "Semaphore { ll_sem: Semaphore { permits: 3 } }"
    );
    let p = sem.try_acquire().unwrap();
    assert!(format!("{p:?}").starts_with("SemaphorePermit { sem: Semaphore"));
    assert!(format!("{p:?}").ends_with("permits: 1 }"));
}

#[test]
fn works_on_futures_executor() {
    let sem = Arc::new(Semaphore::new(1));
    let held = sem.clone().try_acquire_owned().unwrap();
    let sem2 = sem.clone();
    let t = std::thread::spawn(move || {
        futures::executor::block_on(async {
            let p = sem2.acquire().await.unwrap();
            p.num_permits()
        })
    });
    drop(held);
    assert_eq!(with_timeout(move || t.join().unwrap()), 1);
}

#[test]
fn blocking_acquire_outside_runtime() {
    with_timeout(|| {
        let sem = Arc::new(Semaphore::new(0));
        let sem2 = sem.clone();
        let t = std::thread::spawn(move || {
            let p = sem2.blocking_acquire_many(2).unwrap();
            p.num_permits()
        });
        sem.add_permits(2);
        assert_eq!(t.join().unwrap(), 2);
        assert_eq!(sem.blocking_acquire().unwrap().num_permits(), 1);
        assert_eq!(
            sem.clone().blocking_acquire_owned().unwrap().num_permits(),
            1
        );
        assert_eq!(
            sem.clone()
                .blocking_acquire_many_owned(2)
                .unwrap()
                .num_permits(),
            2
        );
        sem.close();
        assert!(sem.blocking_acquire().is_err());
    });
}

#[test]
fn blocking_acquire_in_runtime_panics() {
    let rt = support::current_thread();
    let sem = Semaphore::new(1);
    let msg = support::panic_message(|| {
        rt.block_on(async {
            let _ = sem.blocking_acquire();
        })
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
}

#[test]
fn acquire_spends_coop_budget() {
    let rt = support::current_thread();
    rt.block_on(async {
        let sem = Arc::new(Semaphore::new(1));
        let ran = Arc::new(AtomicBool::new(false));
        let ran2 = ran.clone();
        kiso::spawn(async move { ran2.store(true, Ordering::SeqCst) });
        let mut saw_other = false;
        for _ in 0..1000 {
            let p = sem.acquire().await.unwrap();
            drop(p);
            if ran.load(Ordering::SeqCst) {
                saw_other = true;
                break;
            }
        }
        assert!(
            saw_other,
            "acquire().await must yield once the budget runs out"
        );
    });
}

#[test]
fn acquire_wakes_across_tasks_current_thread() {
    let rt = support::current_thread();
    rt.block_on(async {
        let sem = Arc::new(Semaphore::new(0));
        let sem2 = sem.clone();
        let h = kiso::spawn(async move { sem2.acquire_many(3).await.unwrap().num_permits() });
        kiso::task::yield_now().await;
        sem.add_permits(1);
        kiso::task::yield_now().await;
        sem.add_permits(2);
        assert_eq!(h.await.unwrap(), 3);
        assert_eq!(sem.available_permits(), 3);
    });
}

fn contention(rt: kiso::runtime::Runtime) {
    const TASKS: usize = 40;
    const ROUNDS: usize = 50;
    const PERMITS: usize = 3;
    let done = with_timeout(move || {
        rt.block_on(async {
            let sem = Arc::new(Semaphore::new(PERMITS));
            let inside = Arc::new(AtomicUsize::new(0));
            let max_inside = Arc::new(AtomicUsize::new(0));
            let total = Arc::new(AtomicUsize::new(0));
            let mut hs = Vec::new();
            for i in 0..TASKS {
                let (sem, inside, max_inside, total) = (
                    sem.clone(),
                    inside.clone(),
                    max_inside.clone(),
                    total.clone(),
                );
                hs.push(kiso::spawn(async move {
                    for _ in 0..ROUNDS {
                        let n = if i % 4 == 0 { 2 } else { 1 };
                        let p = sem.acquire_many(n).await.unwrap();
                        let now = inside.fetch_add(n as usize, Ordering::SeqCst) + n as usize;
                        max_inside.fetch_max(now, Ordering::SeqCst);
                        kiso::task::yield_now().await;
                        inside.fetch_sub(n as usize, Ordering::SeqCst);
                        total.fetch_add(1, Ordering::SeqCst);
                        drop(p);
                    }
                }));
            }
            for h in hs {
                h.await.unwrap();
            }
            assert!(max_inside.load(Ordering::SeqCst) <= PERMITS);
            assert_eq!(sem.available_permits(), PERMITS);
            total.load(Ordering::SeqCst)
        })
    });
    assert_eq!(done, TASKS * ROUNDS);
}

#[test]
fn contention_current_thread() {
    contention(support::current_thread());
}

#[test]
fn contention_two_workers() {
    contention(support::multi(2));
}

#[test]
fn contention_threads_with_cancellation() {
    // Acquires raced against timeouts (cancellation) and releases on plain
    // threads, driven by futures::executor: no permit may be lost.
    with_timeout(|| {
        let sem = Arc::new(Semaphore::new(2));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let sem = sem.clone();
                std::thread::spawn(move || {
                    for i in 0..300 {
                        futures::executor::block_on(async {
                            if (i + t) % 3 == 0 {
                                // Poll once, then cancel.
                                let mut f = Box::pin(sem.acquire_many(2));
                                let _ = futures::poll!(f.as_mut());
                                drop(f);
                            } else {
                                let _p = sem.acquire().await.unwrap();
                            }
                        });
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(sem.available_permits(), 2);
    });
}
