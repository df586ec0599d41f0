#![cfg(feature = "full")]

mod support;

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use kiso::sync::mpsc::{self, error::TryRecvError, error::TrySendError};
use support::{current_thread, multi, with_timeout, CountingWaker, DropCounter};

fn poll_once<F: Future + ?Sized>(f: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(waker))
}

fn noop() -> Waker {
    Waker::noop().clone()
}

#[test]
fn bounded_send_recv_in_order() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, mut rx) = mpsc::channel(2);
            let h = kiso::spawn(async move {
                for i in 0..100 {
                    tx.send(i).await.unwrap();
                }
            });
            for i in 0..100 {
                assert_eq!(rx.recv().await, Some(i));
            }
            assert_eq!(rx.recv().await, None);
            h.await.unwrap();
        })
    });
}

#[test]
fn unbounded_send_recv_in_order() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, mut rx) = mpsc::unbounded_channel();
            for i in 0..1000 {
                tx.send(i).unwrap();
            }
            assert_eq!(rx.len(), 1000);
            drop(tx);
            for i in 0..1000 {
                assert_eq!(rx.recv().await, Some(i));
            }
            assert_eq!(rx.recv().await, None);
            assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
        })
    });
}

#[test]
fn recv_none_only_after_all_senders_gone_and_drained() {
    let (tx, mut rx) = mpsc::channel(4);
    let tx2 = tx.clone();
    tx.try_send(1).unwrap();
    drop(tx);
    let waker = noop();
    {
        let mut f = pin!(rx.recv());
        assert_eq!(poll_once(f.as_mut(), &waker), Poll::Ready(Some(1)));
    }
    let (counter, w) = CountingWaker::new();
    {
        let mut f = pin!(rx.recv());
        assert!(poll_once(f.as_mut(), &w).is_pending());
        assert!(!rx_is_closed_probe(&tx2));
        drop(tx2);
        assert_eq!(
            counter.count(),
            1,
            "dropping the last sender wakes the receiver"
        );
        assert_eq!(poll_once(f.as_mut(), &w), Poll::Ready(None));
    }
    assert!(rx.is_closed());
}

fn rx_is_closed_probe<T>(tx: &mpsc::Sender<T>) -> bool {
    tx.is_closed()
}

#[test]
fn send_wakes_pending_receiver() {
    let (tx, mut rx) = mpsc::channel(1);
    let (counter, w) = CountingWaker::new();
    let mut f = pin!(rx.recv());
    assert!(poll_once(f.as_mut(), &w).is_pending());
    tx.try_send(5).unwrap();
    assert_eq!(counter.count(), 1);
    assert_eq!(poll_once(f.as_mut(), &w), Poll::Ready(Some(5)));
}

#[test]
fn try_send_full_and_closed() {
    let (tx, mut rx) = mpsc::channel(2);
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    let err = tx.try_send(3).unwrap_err();
    assert_eq!(err, TrySendError::Full(3));
    assert_eq!(err.to_string(), "no available capacity");
    assert_eq!(format!("{err:?}"), "\"Full(..)\"");
    assert_eq!(rx.try_recv(), Ok(1));
    tx.try_send(3).unwrap();
    rx.close();
    let err = tx.try_send(4).unwrap_err();
    assert_eq!(err, TrySendError::Closed(4));
    assert_eq!(err.to_string(), "channel closed");
    assert_eq!(format!("{err:?}"), "\"Closed(..)\"");
    // Closed takes precedence over full.
    assert!(matches!(tx.try_reserve(), Err(TrySendError::Closed(()))));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Ok(3));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn try_recv_empty_then_disconnected() {
    let (tx, mut rx) = mpsc::channel::<i32>(1);
    let e = rx.try_recv().unwrap_err();
    assert_eq!(e, TryRecvError::Empty);
    assert_eq!(e.to_string(), "receiving on an empty channel");
    drop(tx);
    let e = rx.try_recv().unwrap_err();
    assert_eq!(e, TryRecvError::Disconnected);
    assert_eq!(e.to_string(), "receiving on a closed channel");
}

#[test]
fn error_texts() {
    let e = mpsc::error::SendError(1);
    assert_eq!(e.to_string(), "channel closed");
    assert_eq!(format!("{e:?}"), "SendError { .. }");
    let e = mpsc::error::SendTimeoutError::Timeout(1);
    assert_eq!(e.to_string(), "timed out waiting on send operation");
    assert_eq!(format!("{e:?}"), "\"Timeout(..)\"");
    let e = mpsc::error::SendTimeoutError::Closed(1);
    assert_eq!(e.to_string(), "channel closed");
    assert_eq!(format!("{e:?}"), "\"Closed(..)\"");
    let e: TrySendError<i32> = mpsc::error::SendError(3).into();
    assert_eq!(e, TrySendError::Closed(3));
}

#[test]
fn capacity_len_and_permits() {
    let (tx, mut rx) = mpsc::channel(3);
    assert_eq!(tx.capacity(), 3);
    assert_eq!(tx.max_capacity(), 3);
    assert_eq!(rx.max_capacity(), 3);
    assert!(rx.is_empty());
    let p = tx.try_reserve().unwrap();
    assert_eq!(tx.capacity(), 2);
    assert_eq!(rx.len(), 0);
    tx.try_send(1).unwrap();
    assert_eq!(rx.capacity(), 1);
    assert_eq!(rx.len(), 1);
    p.send(2);
    assert_eq!(rx.len(), 2);
    assert_eq!(tx.capacity(), 1);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(tx.capacity(), 2);
    let p = tx.try_reserve().unwrap();
    drop(p);
    assert_eq!(tx.capacity(), 2);
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(tx.capacity(), 3);
}

#[test]
fn reserve_many_and_iterator() {
    let (tx, mut rx) = mpsc::channel(4);
    assert!(tx.try_reserve_many(5).is_err());
    let mut permits = tx.try_reserve_many(3).unwrap();
    assert_eq!(permits.len(), 3);
    assert_eq!(tx.capacity(), 1);
    assert!(matches!(
        tx.try_reserve_many(2),
        Err(TrySendError::Full(()))
    ));
    permits.next().unwrap().send(10);
    assert_eq!(permits.len(), 2);
    drop(permits);
    assert_eq!(tx.capacity(), 3);
    assert_eq!(rx.try_recv(), Ok(10));

    let waker = noop();
    let mut f = pin!(tx.reserve_many(5));
    assert!(matches!(poll_once(f.as_mut(), &waker), Poll::Ready(Err(_))));
}

#[test]
fn reserve_many_waits_for_all() {
    let (tx, mut rx) = mpsc::channel(3);
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    let (counter, w) = CountingWaker::new();
    let mut f = pin!(tx.reserve_many(3));
    assert!(poll_once(f.as_mut(), &w).is_pending());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(counter.count(), 0);
    assert!(poll_once(f.as_mut(), &w).is_pending());
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(counter.count(), 1);
    match poll_once(f.as_mut(), &w) {
        Poll::Ready(Ok(p)) => assert_eq!(p.len(), 3),
        _ => panic!("reserve_many should be ready"),
    };
}

#[test]
fn waiting_senders_are_served_fifo() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let waker = noop();
    let mut a = pin!(tx.send(1));
    let mut b = pin!(tx.send(2));
    let mut c = pin!(tx.send(3));
    assert!(poll_once(a.as_mut(), &waker).is_pending());
    assert!(poll_once(b.as_mut(), &waker).is_pending());
    assert!(poll_once(c.as_mut(), &waker).is_pending());
    assert_eq!(rx.try_recv(), Ok(0));
    // Capacity went to `a`; a new try_send cannot jump the queue.
    assert!(matches!(tx.try_send(9), Err(TrySendError::Full(9))));
    assert!(poll_once(c.as_mut(), &waker).is_pending());
    assert!(poll_once(b.as_mut(), &waker).is_pending());
    assert!(poll_once(a.as_mut(), &waker).is_ready());
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(poll_once(c.as_mut(), &waker).is_pending());
    assert!(poll_once(b.as_mut(), &waker).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
    assert!(poll_once(c.as_mut(), &waker).is_ready());
    assert_eq!(rx.try_recv(), Ok(3));
}

#[test]
fn cancelled_send_gives_its_place_away() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let waker = noop();
    let mut a = Box::pin(tx.send(1));
    let (counter, wb) = CountingWaker::new();
    let mut b = pin!(tx.send(2));
    assert!(poll_once(a.as_mut(), &waker).is_pending());
    assert!(poll_once(b.as_mut(), &wb).is_pending());
    assert_eq!(rx.try_recv(), Ok(0));
    // `a` got the capacity; dropping it hands it on to `b`.
    drop(a);
    assert_eq!(counter.count(), 1);
    assert!(poll_once(b.as_mut(), &wb).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(tx.capacity(), 1);
}

#[test]
fn close_keeps_buffered_and_permitted_messages() {
    let (tx, mut rx) = mpsc::channel(3);
    tx.try_send(1).unwrap();
    let permit = tx.try_reserve().unwrap();
    rx.close();
    assert!(rx.is_closed());
    assert!(tx.is_closed());
    assert!(tx.try_send(2).is_err());
    assert_eq!(rx.try_recv(), Ok(1));
    // An outstanding permit may still send: the receiver waits for it.
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    let (counter, w) = CountingWaker::new();
    {
        let mut f = pin!(rx.recv());
        assert!(poll_once(f.as_mut(), &w).is_pending());
        permit.send(3);
        assert_eq!(counter.count(), 1);
        assert_eq!(poll_once(f.as_mut(), &w), Poll::Ready(Some(3)));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn close_then_dropped_permit_ends_the_stream() {
    let (tx, mut rx) = mpsc::channel::<i32>(2);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    let (counter, w) = CountingWaker::new();
    let mut f = pin!(rx.recv());
    assert!(poll_once(f.as_mut(), &w).is_pending());
    drop(permit);
    assert_eq!(counter.count(), 1);
    assert_eq!(poll_once(f.as_mut(), &w), Poll::Ready(None));
}

#[test]
fn close_fails_waiting_senders() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let (counter, w) = CountingWaker::new();
    let mut f = pin!(tx.send(2));
    assert!(poll_once(f.as_mut(), &w).is_pending());
    rx.close();
    assert_eq!(counter.count(), 1);
    match poll_once(f.as_mut(), &w) {
        Poll::Ready(Err(e)) => assert_eq!(e.0, 2),
        other => panic!("expected an error, got {:?}", other.map(|r| r.is_ok())),
    }
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn unbounded_close() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    tx.send(1).unwrap();
    rx.close();
    assert_eq!(tx.send(2).unwrap_err().0, 2);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn dropping_receiver_drops_buffered_messages_and_fails_senders() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel(4);
    tx.try_send(DropCounter(drops.clone())).unwrap();
    tx.try_send(DropCounter(drops.clone())).unwrap();
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    assert!(tx.is_closed());
    let e = tx.try_send(DropCounter(drops.clone())).unwrap_err();
    assert!(matches!(e, TrySendError::Closed(_)));
    drop(e);
    assert_eq!(drops.load(Ordering::SeqCst), 3);

    let (utx, urx) = mpsc::unbounded_channel();
    utx.send(DropCounter(drops.clone())).unwrap();
    drop(urx);
    assert_eq!(drops.load(Ordering::SeqCst), 4);
}

#[test]
fn message_holding_a_sender_can_be_dropped_with_the_receiver() {
    struct Msg(#[allow(dead_code)] mpsc::Sender<Msg>);
    let (tx, rx) = mpsc::channel::<Msg>(2);
    tx.try_send(Msg(tx.clone())).unwrap();
    drop(rx);
    assert_eq!(tx.strong_count(), 1);
}

#[test]
fn closed_future() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, rx) = mpsc::channel::<()>(1);
            let (utx, urx) = mpsc::unbounded_channel::<()>();
            let waker = noop();
            {
                let mut f = pin!(tx.closed());
                assert!(poll_once(f.as_mut(), &waker).is_pending());
            }
            let h = kiso::spawn(async move {
                tx.closed().await;
                utx.closed().await;
            });
            kiso::task::yield_now().await;
            drop(rx);
            drop(urx);
            h.await.unwrap();
        })
    });
}

#[test]
fn recv_many() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, mut rx) = mpsc::channel(8);
            let mut buf = vec![100];
            assert_eq!(rx.recv_many(&mut buf, 0).await, 0);
            for i in 0..5 {
                tx.send(i).await.unwrap();
            }
            assert_eq!(rx.recv_many(&mut buf, 3).await, 3);
            assert_eq!(buf, [100, 0, 1, 2]);
            assert_eq!(tx.capacity(), 6);
            assert_eq!(rx.recv_many(&mut buf, 10).await, 2);
            assert_eq!(buf, [100, 0, 1, 2, 3, 4]);
            drop(tx);
            assert_eq!(rx.recv_many(&mut buf, 10).await, 0);

            let (utx, mut urx) = mpsc::unbounded_channel();
            let h = kiso::spawn(async move {
                utx.send(7).unwrap();
            });
            let mut buf = Vec::new();
            assert_eq!(urx.recv_many(&mut buf, 4).await, 1);
            assert_eq!(buf, [7]);
            h.await.unwrap();
            assert_eq!(urx.recv_many(&mut buf, 4).await, 0);
        })
    });
}

#[test]
fn owned_permits() {
    let (tx, mut rx) = mpsc::channel(1);
    let permit = tx.clone().try_reserve_owned().unwrap();
    assert_eq!(tx.strong_count(), 2);
    assert!(permit.same_channel_as_sender(&tx));
    let tx2 = match tx.clone().try_reserve_owned() {
        Err(TrySendError::Full(tx2)) => tx2,
        _ => panic!("expected full"),
    };
    let tx3 = permit.send(1);
    assert_eq!(rx.try_recv(), Ok(1));
    let p = tx3.try_reserve_owned().unwrap();
    let tx3 = p.release();
    assert_eq!(tx3.capacity(), 1);
    let p = tx3.try_reserve_owned().unwrap();
    drop(p);
    assert_eq!(tx.capacity(), 1);
    assert_eq!(tx.strong_count(), 2);
    drop(tx2);
    assert_eq!(tx.strong_count(), 1);
}

#[test]
fn reserve_owned_waits_and_moves_into_task() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            tx.send(0).await.unwrap();
            let tx2 = tx.clone();
            let h = kiso::spawn(async move {
                let permit = tx2.reserve_owned().await.unwrap();
                permit.send(1);
            });
            assert_eq!(rx.recv().await, Some(0));
            assert_eq!(rx.recv().await, Some(1));
            h.await.unwrap();
        })
    });
}

#[test]
fn weak_senders_do_not_keep_the_channel_open() {
    let (tx, mut rx) = mpsc::channel::<i32>(1);
    let weak = tx.downgrade();
    assert_eq!(rx.sender_strong_count(), 1);
    assert_eq!(rx.sender_weak_count(), 1);
    let weak2 = weak.clone();
    assert_eq!(tx.weak_count(), 2);
    drop(weak2);
    assert_eq!(weak.weak_count(), 1);
    let up = weak.upgrade().unwrap();
    assert_eq!(weak.strong_count(), 2);
    drop(up);
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    assert!(weak.upgrade().is_none());
    assert_eq!(weak.strong_count(), 0);

    let (utx, mut urx) = mpsc::unbounded_channel::<i32>();
    let uweak = utx.downgrade();
    assert_eq!(urx.sender_weak_count(), 1);
    uweak.upgrade().unwrap().send(3).unwrap();
    drop(utx);
    assert_eq!(urx.try_recv(), Ok(3));
    assert_eq!(urx.try_recv(), Err(TryRecvError::Disconnected));
    assert!(uweak.upgrade().is_none());
}

#[test]
fn same_channel() {
    let (a, _ra) = mpsc::channel::<()>(1);
    let (b, _rb) = mpsc::channel::<()>(1);
    assert!(a.same_channel(&a.clone()));
    assert!(!a.same_channel(&b));
    let (ua, _ura) = mpsc::unbounded_channel::<()>();
    let (ub, _urb) = mpsc::unbounded_channel::<()>();
    assert!(ua.same_channel(&ua.clone()));
    assert!(!ua.same_channel(&ub));
}

#[test]
#[should_panic(expected = "mpsc bounded channel requires buffer > 0")]
fn zero_capacity_panics() {
    let _ = mpsc::channel::<()>(0);
}

#[test]
fn blocking_send_and_recv() {
    with_timeout(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let (utx, mut urx) = mpsc::unbounded_channel();
        let t = std::thread::spawn(move || {
            for i in 0..100 {
                tx.blocking_send(i).unwrap();
            }
            for i in 0..10 {
                utx.send(i).unwrap();
            }
        });
        for i in 0..100 {
            assert_eq!(rx.blocking_recv(), Some(i));
        }
        assert_eq!(rx.blocking_recv(), None);
        let mut buf = Vec::new();
        while urx.blocking_recv_many(&mut buf, 3) > 0 {}
        assert_eq!(buf, (0..10).collect::<Vec<_>>());
        t.join().unwrap();
        let mut buf = Vec::new();
        assert_eq!(rx.blocking_recv_many(&mut buf, 3), 0);
    });
}

#[test]
fn blocking_recv_panics_inside_runtime() {
    let msg = support::panic_message(|| {
        current_thread().block_on(async {
            let (_tx, mut rx) = mpsc::channel::<()>(1);
            rx.blocking_recv();
        })
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
    let msg = support::panic_message(|| {
        current_thread().block_on(async {
            let (tx, _rx) = mpsc::channel::<()>(1);
            let _ = tx.blocking_send(());
        })
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
}

#[test]
fn blocking_works_in_spawn_blocking() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            let h = kiso::task::spawn_blocking(move || rx.blocking_recv());
            tx.send(4).await.unwrap();
            assert_eq!(h.await.unwrap(), Some(4));
        })
    });
}

#[test]
fn recv_spends_coop_budget() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, mut rx) = mpsc::unbounded_channel();
            for i in 0..1000 {
                tx.send(i).unwrap();
            }
            let ran = Arc::new(AtomicUsize::new(0));
            let ran2 = ran.clone();
            let other = kiso::spawn(async move {
                ran2.store(1, Ordering::SeqCst);
            });
            let consumer = kiso::spawn(async move {
                let mut seen_other_at = None;
                for i in 0..1000 {
                    assert_eq!(rx.recv().await, Some(i));
                    if seen_other_at.is_none() && ran.load(Ordering::SeqCst) == 1 {
                        seen_other_at = Some(i);
                    }
                }
                seen_other_at
            });
            let at = consumer.await.unwrap();
            other.await.unwrap();
            let at = at.expect("recv never yielded to the other task");
            assert!(at < 999, "{at}");
        })
    });
}

#[test]
fn send_timeout() {
    support::paused(|| async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send_timeout(1, support::ms(10)).await.unwrap();
        let e = tx.send_timeout(2, support::ms(10)).await.unwrap_err();
        assert_eq!(e, mpsc::error::SendTimeoutError::Timeout(2));
        assert_eq!(rx.recv().await, Some(1));
        rx.close();
        let e = tx.send_timeout(3, support::ms(10)).await.unwrap_err();
        assert_eq!(e, mpsc::error::SendTimeoutError::Closed(3));
        assert_eq!(e.into_inner(), 3);
    });
}

#[test]
fn works_on_futures_executor() {
    with_timeout(|| {
        let (tx, mut rx) = mpsc::channel(2);
        let (utx, mut urx) = mpsc::unbounded_channel();
        let t = std::thread::spawn(move || {
            futures::executor::block_on(async move {
                for i in 0..500 {
                    tx.send(i).await.unwrap();
                    utx.send(i).unwrap();
                }
            })
        });
        futures::executor::block_on(async {
            for i in 0..500 {
                assert_eq!(rx.recv().await, Some(i));
                assert_eq!(urx.recv().await, Some(i));
            }
            assert_eq!(rx.recv().await, None);
            assert_eq!(urx.recv().await, None);
        });
        t.join().unwrap();
    });
}

fn contention(bounded: bool) {
    const PRODUCERS: usize = 4;
    const EACH: usize = 2000;
    with_timeout(move || {
        multi(2).block_on(async move {
            let mut next = [0usize; PRODUCERS];
            let mut total = 0;
            if bounded {
                let (tx, mut rx) = mpsc::channel(8);
                for p in 0..PRODUCERS {
                    let tx = tx.clone();
                    kiso::spawn(async move {
                        for i in 0..EACH {
                            tx.send((p, i)).await.unwrap();
                        }
                    });
                }
                drop(tx);
                while let Some((p, i)) = rx.recv().await {
                    assert_eq!(next[p], i, "per-producer order");
                    next[p] += 1;
                    total += 1;
                }
            } else {
                let (tx, mut rx) = mpsc::unbounded_channel();
                for p in 0..PRODUCERS {
                    let tx = tx.clone();
                    kiso::spawn(async move {
                        for i in 0..EACH {
                            tx.send((p, i)).unwrap();
                            if i % 64 == 0 {
                                kiso::task::yield_now().await;
                            }
                        }
                    });
                }
                drop(tx);
                while let Some((p, i)) = rx.recv().await {
                    assert_eq!(next[p], i, "per-producer order");
                    next[p] += 1;
                    total += 1;
                }
            }
            assert_eq!(total, PRODUCERS * EACH);
            assert!(next.iter().all(|&n| n == EACH));
        })
    });
}

#[test]
fn contention_bounded_two_workers() {
    contention(true);
}

#[test]
fn contention_unbounded_two_workers() {
    contention(false);
}

#[test]
fn contention_try_reserve_many_exact_capacity() {
    // Four threads grab and release permits; capacity is never exceeded and
    // is whole again at the end.
    with_timeout(|| {
        let (tx, rx) = mpsc::channel::<()>(5);
        let held = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let tx = tx.clone();
                let held = held.clone();
                std::thread::spawn(move || {
                    for n in 0..2000 {
                        let k = n % 3 + 1;
                        if let Ok(p) = tx.try_reserve_many(k) {
                            let now = held.fetch_add(k, Ordering::SeqCst) + k;
                            assert!(now <= 5, "{now} permits held");
                            held.fetch_sub(k, Ordering::SeqCst);
                            drop(p);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(tx.capacity(), 5);
        drop(rx);
    });
}

#[test]
fn auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    fn unpin<T: Unpin>() {}
    fn send<T: Send>(_: &T) {}
    type NotSync = std::cell::Cell<u8>;
    send_sync::<mpsc::Sender<NotSync>>();
    send_sync::<mpsc::Receiver<NotSync>>();
    send_sync::<mpsc::WeakSender<NotSync>>();
    send_sync::<mpsc::UnboundedSender<NotSync>>();
    send_sync::<mpsc::UnboundedReceiver<NotSync>>();
    send_sync::<mpsc::WeakUnboundedSender<NotSync>>();
    send_sync::<mpsc::Permit<'static, NotSync>>();
    send_sync::<mpsc::OwnedPermit<NotSync>>();
    send_sync::<mpsc::PermitIterator<'static, NotSync>>();
    unpin::<mpsc::Sender<std::marker::PhantomPinned>>();
    unpin::<mpsc::Receiver<std::marker::PhantomPinned>>();
    unpin::<mpsc::UnboundedReceiver<std::marker::PhantomPinned>>();
    unpin::<mpsc::OwnedPermit<std::marker::PhantomPinned>>();
    send_sync::<mpsc::error::SendError<u8>>();
    send_sync::<mpsc::error::TryRecvError>();

    let (tx, mut rx) = mpsc::channel::<NotSync>(1);
    let (utx, mut urx) = mpsc::unbounded_channel::<NotSync>();
    send(&rx.recv());
    send(&urx.recv());
    let mut buf = Vec::new();
    send(&rx.recv_many(&mut buf, 1));
    send(&tx.send(NotSync::new(0)));
    send(&tx.reserve());
    send(&tx.reserve_many(1));
    send(&tx.clone().reserve_owned());
    send(&tx.closed());
    send(&utx.closed());
    send(&tx.send_timeout(NotSync::new(0), support::ms(1)));
}

#[test]
fn debug_impls() {
    let (tx, rx) = mpsc::channel::<i32>(1);
    assert!(format!("{tx:?}").starts_with("Sender"));
    assert!(format!("{rx:?}").starts_with("Receiver"));
    assert_eq!(format!("{:?}", tx.downgrade()), "WeakSender");
    let p = tx.try_reserve().unwrap();
    assert!(format!("{p:?}").starts_with("Permit"));
    drop(p);
    let it = tx.try_reserve_many(1).unwrap();
    assert!(format!("{it:?}").starts_with("PermitIterator"));
    drop(it);
    let (utx, urx) = mpsc::unbounded_channel::<i32>();
    assert!(format!("{utx:?}").starts_with("UnboundedSender"));
    assert!(format!("{urx:?}").starts_with("UnboundedReceiver"));
    assert_eq!(format!("{:?}", utx.downgrade()), "WeakUnboundedSender");
}

#[test]
fn recv_in_select_loses_no_message() {
    with_timeout(|| {
        multi(2).block_on(async {
            let (tx, mut rx) = mpsc::channel(4);
            let h = kiso::spawn(async move {
                for i in 0..2000u32 {
                    tx.send(i).await.unwrap();
                }
            });
            let mut next = 0;
            let mut cancelled = 0;
            loop {
                // Poll a fresh receive once and drop it if it is not ready:
                // a cancelled receive must not have taken a message.
                let r = {
                    let mut recv = pin!(rx.recv());
                    std::future::poll_fn(|cx| Poll::Ready(recv.as_mut().poll(cx))).await
                };
                match r {
                    Poll::Ready(Some(v)) => {
                        assert_eq!(v, next);
                        next += 1;
                    }
                    Poll::Ready(None) => break,
                    Poll::Pending => {
                        cancelled += 1;
                        kiso::task::yield_now().await;
                    }
                }
            }
            let _ = cancelled;
            assert_eq!(next, 2000);
            h.await.unwrap();
        })
    });
}

#[test]
fn cancelled_send_drops_its_value() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, _rx) = mpsc::channel(1);
    tx.try_send(DropCounter(drops.clone())).unwrap();
    let waker = noop();
    {
        let mut f = Box::pin(tx.send(DropCounter(drops.clone())));
        assert!(poll_once(f.as_mut(), &waker).is_pending());
        assert_eq!(drops.load(Ordering::SeqCst), 0);
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(tx.capacity(), 0);
}

#[test]
fn multi_thread_waiting_senders_all_complete() {
    // Many tasks wait on a full channel of capacity 1 from two workers; each
    // message arrives exactly once and capacity is whole at the end.
    with_timeout(|| {
        multi(2).block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            let mut hs = Vec::new();
            for t in 0..32u32 {
                let tx = tx.clone();
                hs.push(kiso::spawn(async move {
                    for i in 0..50u32 {
                        let permit = tx.reserve().await.unwrap();
                        permit.send(t * 1000 + i);
                    }
                }));
            }
            let mut seen = std::collections::HashSet::new();
            for _ in 0..32 * 50 {
                assert!(seen.insert(rx.recv().await.unwrap()));
            }
            for h in hs {
                h.await.unwrap();
            }
            assert_eq!(tx.capacity(), 1);
            drop(tx);
            assert_eq!(rx.recv().await, None);
        })
    });
}

/// Producers on OS threads push into an unbounded channel at full speed
/// while the consumer takes with `try_recv` (which may find a slot claimed
/// but not yet written) and `blocking_recv`: every message arrives once, in
/// each producer's order, across many blocks of the queue.
#[test]
fn os_thread_producers_cross_many_blocks() {
    const PRODUCERS: usize = 4;
    const EACH: usize = 20_000;
    with_timeout(|| {
        let (tx, mut rx) = mpsc::unbounded_channel::<(usize, usize)>();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for i in 0..EACH {
                        tx.send((p, i)).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let mut next = [0usize; PRODUCERS];
        let mut total = 0;
        loop {
            let got = match rx.try_recv() {
                Ok(m) => Some(m),
                Err(TryRecvError::Empty) => rx.blocking_recv(),
                Err(TryRecvError::Disconnected) => None,
            };
            let Some((p, i)) = got else { break };
            assert_eq!(next[p], i, "per-producer order");
            next[p] += 1;
            total += 1;
        }
        assert_eq!(total, PRODUCERS * EACH);
        for p in producers {
            p.join().unwrap();
        }
    });
}

/// A bounded channel cycles a million messages through 64 slots of capacity:
/// the queue reuses its blocks (ASan runs of this test would report a leak
/// or a use after free).
#[test]
fn bounded_channel_reuses_blocks_over_many_messages() {
    with_timeout(|| {
        multi(2).block_on(async {
            let (tx, mut rx) = mpsc::channel::<u64>(64);
            let producer = kiso::spawn(async move {
                for i in 0..1_000_000u64 {
                    tx.send(i).await.unwrap();
                }
            });
            let mut expect = 0;
            while let Some(v) = rx.recv().await {
                assert_eq!(v, expect);
                expect += 1;
            }
            assert_eq!(expect, 1_000_000);
            producer.await.unwrap();
        })
    });
}

/// Messages buffered across several blocks are dropped with the receiver,
/// each exactly once; a message sent through a permit reserved before the
/// receiver went is dropped with the channel.
#[test]
fn buffered_messages_across_blocks_are_dropped_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel(200);
    for _ in 0..150 {
        tx.try_send(DropCounter(drops.clone())).unwrap();
    }
    let permit = tx.try_reserve().unwrap();
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 150);
    permit.send(DropCounter(drops.clone()));
    assert!(tx.is_closed());
    drop(tx);
    assert_eq!(drops.load(Ordering::SeqCst), 151);
}

/// `len` and `is_empty` follow sends and receives across block boundaries.
#[test]
fn len_across_blocks() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 0..100 {
        tx.send(i).unwrap();
        assert_eq!(rx.len(), i + 1);
    }
    for i in 0..100 {
        assert!(!rx.is_empty());
        assert_eq!(rx.try_recv(), Ok(i));
        assert_eq!(rx.len(), 99 - i);
    }
    assert!(rx.is_empty());
}

/// Large channels free capacity in batches internally; none of that may be
/// visible: every receive frees one unit of capacity at once, for
/// `capacity()`, for `try_send` and for a `send` from the very task that
/// received (which would wait for ever if a freed permit were held back).
#[test]
fn every_receive_frees_capacity_at_once_in_large_channels() {
    with_timeout(|| {
        current_thread().block_on(async {
            const N: usize = 256;
            let (tx, mut rx) = mpsc::channel(N);
            for i in 0..N {
                tx.try_send(i).unwrap();
            }
            assert_eq!(tx.capacity(), 0);
            assert!(matches!(tx.try_send(N), Err(TrySendError::Full(_))));
            for k in 1..=10 {
                assert_eq!(rx.recv().await, Some(k - 1));
                assert_eq!(tx.capacity(), 1, "after receive {k}");
                assert_eq!(rx.capacity(), 1);
                tx.try_send(N + k).unwrap();
                assert_eq!(tx.capacity(), 0);
            }
            // A waiting send from the receiving task itself.
            for k in 10..20 {
                assert_eq!(rx.recv().await, Some(k));
                tx.send(N + k + 1).await.unwrap();
            }
            // Draining frees everything.
            drop(tx);
            let mut n = 0;
            while rx.recv().await.is_some() {
                n += 1;
            }
            assert_eq!(n, N);
        })
    });
}

/// Senders on two workers that keep a large channel full while the
/// receiver takes one message at a time: every message arrives, and the
/// capacity is whole again at the end (no permit held back or lost).
#[test]
fn large_channel_kept_full_by_two_workers_loses_no_capacity() {
    with_timeout(|| {
        let rt = multi(2);
        rt.block_on(async {
            const N: usize = 128;
            const PER: usize = 20_000;
            let (tx, mut rx) = mpsc::channel::<usize>(N);
            let senders: Vec<_> = (0..4)
                .map(|_| {
                    let tx = tx.clone();
                    kiso::spawn(async move {
                        for i in 0..PER {
                            tx.send(i).await.unwrap();
                        }
                    })
                })
                .collect();
            let mut got = 0;
            while got < 4 * PER {
                rx.recv().await.unwrap();
                got += 1;
            }
            for s in senders {
                s.await.unwrap();
            }
            assert_eq!(tx.capacity(), N);
            assert!(rx.try_recv().is_err());
        })
    });
}
