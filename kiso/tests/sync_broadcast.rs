#![cfg(feature = "full")]

mod support;

use kiso::sync::broadcast::{self, error::RecvError, error::SendError, error::TryRecvError};
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use support::{with_timeout, CountingWaker};

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

#[test]
fn auto_traits() {
    is_send::<broadcast::Sender<u8>>();
    is_sync::<broadcast::Sender<u8>>();
    is_unpin::<broadcast::Sender<u8>>();
    is_send::<broadcast::WeakSender<u8>>();
    is_sync::<broadcast::WeakSender<u8>>();
    is_send::<broadcast::Receiver<u8>>();
    is_sync::<broadcast::Receiver<u8>>();
    is_unpin::<broadcast::Receiver<u8>>();
    is_sync::<broadcast::Receiver<std::cell::Cell<u8>>>();
    is_send::<SendError<u8>>();
    is_send::<RecvError>();
    is_send::<TryRecvError>();
    fn recv(rx: &mut broadcast::Receiver<u8>) -> impl Future + Send + Sync + '_ {
        rx.recv()
    }
    fn closed(tx: &broadcast::Sender<u8>) -> impl Future + Send + Sync + '_ {
        tx.closed()
    }
    let _ = (recv, closed);
}

#[test]
fn errors_and_debug() {
    assert_eq!(SendError(1).to_string(), "channel closed");
    assert_eq!(format!("{:?}", SendError(1)), "SendError(1)");
    assert_eq!(RecvError::Closed.to_string(), "channel closed");
    assert_eq!(RecvError::Lagged(3).to_string(), "channel lagged by 3");
    assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    assert_eq!(TryRecvError::Closed.to_string(), "channel closed");
    assert_eq!(TryRecvError::Lagged(2).to_string(), "channel lagged by 2");
    let (tx, rx) = broadcast::channel::<u8>(1);
    assert_eq!(format!("{tx:?}"), "broadcast::Sender");
    assert_eq!(format!("{rx:?}"), "broadcast::Receiver");
    assert_eq!(format!("{:?}", tx.downgrade()), "broadcast::WeakSender");
}

#[test]
#[should_panic(expected = "broadcast channel capacity cannot be zero")]
fn zero_capacity_panics() {
    let _ = broadcast::channel::<u8>(0);
}

#[test]
#[should_panic(expected = "broadcast channel capacity exceeded `usize::MAX / 2`")]
fn huge_capacity_panics() {
    let _ = broadcast::Sender::<u8>::new(usize::MAX);
}

#[test]
fn every_receiver_gets_every_value() {
    let (tx, mut rx1) = broadcast::channel(4);
    let mut rx2 = tx.subscribe();
    assert_eq!(tx.send(1).unwrap(), 2);
    assert_eq!(tx.send(2).unwrap(), 2);
    assert_eq!(rx1.try_recv(), Ok(1));
    assert_eq!(rx1.try_recv(), Ok(2));
    assert_eq!(rx1.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(rx2.try_recv(), Ok(1));
    assert_eq!(rx2.try_recv(), Ok(2));
}

#[test]
fn subscribe_sees_only_later_values() {
    let (tx, _rx) = broadcast::channel(4);
    tx.send(1).unwrap();
    let mut rx2 = tx.subscribe();
    assert_eq!(rx2.try_recv(), Err(TryRecvError::Empty));
    tx.send(2).unwrap();
    assert_eq!(rx2.try_recv(), Ok(2));
}

#[test]
fn lagged_exact_counts() {
    // Capacity 3 rounds up to 4.
    let (tx, mut rx) = broadcast::channel(3);
    for i in 0..10 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.len(), 10);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(6)));
    assert_eq!(rx.len(), 4);
    for i in 6..10 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    // Lagging again after partial reads.
    for i in 10..15 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
    assert_eq!(rx.try_recv(), Ok(11));
}

#[test]
fn lagged_recv_async() {
    futures::executor::block_on(async {
        let (tx, mut rx) = broadcast::channel(2);
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.recv().await, Err(RecvError::Lagged(3)));
        assert_eq!(rx.recv().await, Ok(3));
        assert_eq!(rx.recv().await, Ok(4));
    });
}

#[test]
fn close_after_buffered_values() {
    let (tx, mut rx) = broadcast::channel(4);
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert!(!rx.is_closed());
    drop(tx);
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(
        futures::executor::block_on(rx.recv()),
        Err(RecvError::Closed)
    );
}

#[test]
fn send_without_receivers_and_resubscribe_reopens() {
    let (tx, rx) = broadcast::channel(2);
    drop(rx);
    assert_eq!(tx.receiver_count(), 0);
    assert_eq!(tx.send(1).unwrap_err().0, 1);
    let mut rx = tx.subscribe();
    assert_eq!(tx.send(2).unwrap(), 1);
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn sender_new() {
    let tx = broadcast::Sender::<u8>::new(2);
    assert_eq!(tx.receiver_count(), 0);
    assert!(tx.send(1).is_err());
    let mut rx = tx.subscribe();
    tx.send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn lens() {
    let (tx, mut rx1) = broadcast::channel(4);
    let mut rx2 = tx.subscribe();
    assert!(tx.is_empty());
    assert_eq!(tx.len(), 0);
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    tx.send(3).unwrap();
    assert_eq!(tx.len(), 3);
    assert!(!tx.is_empty());
    rx1.try_recv().unwrap();
    rx1.try_recv().unwrap();
    assert_eq!(tx.len(), 3);
    rx2.try_recv().unwrap();
    assert_eq!(tx.len(), 2);
    assert_eq!(rx1.len(), 1);
    assert_eq!(rx2.len(), 2);
    assert!(!rx1.is_empty());
    for _ in 0..10 {
        tx.send(0).unwrap();
    }
    assert_eq!(tx.len(), 4);
    assert_eq!(rx1.len(), 11);
    drop(rx2);
    assert_eq!(tx.len(), 4);
    assert_eq!(rx1.try_recv(), Err(TryRecvError::Lagged(7)));
    for _ in 0..4 {
        assert_eq!(rx1.try_recv(), Ok(0));
    }
    assert_eq!(rx1.try_recv(), Err(TryRecvError::Empty));
    assert!(tx.is_empty());
    assert!(rx1.is_empty());
}

#[test]
fn values_released_when_all_read_or_receivers_dropped() {
    #[derive(Clone)]
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx1) = broadcast::channel(4);
    let rx2 = tx.subscribe();
    tx.send(Counted(drops.clone())).ok().unwrap();
    let got = rx1.try_recv().ok().unwrap();
    drop(got);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    // rx2 still holds a share of the buffered value.
    drop(rx2);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    drop(tx);
    drop(rx1);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn counts_and_weak_senders() {
    let (tx, rx) = broadcast::channel::<u8>(1);
    assert_eq!(tx.strong_count(), 1);
    assert_eq!(tx.weak_count(), 0);
    let tx2 = tx.clone();
    let weak = tx.downgrade();
    let weak2 = weak.clone();
    assert_eq!(tx.strong_count(), 2);
    assert_eq!(tx.weak_count(), 2);
    assert_eq!(rx.sender_strong_count(), 2);
    assert_eq!(rx.sender_weak_count(), 2);
    assert_eq!(weak.strong_count(), 2);
    assert_eq!(weak.weak_count(), 2);
    let up = weak.upgrade().unwrap();
    assert!(up.same_channel(&tx));
    assert_eq!(tx.strong_count(), 3);
    drop((tx2, up, weak2));
    assert_eq!(weak.weak_count(), 1);
    drop(tx);
    assert!(weak.upgrade().is_none());
    assert!(rx.is_closed());
    assert_eq!(rx.sender_strong_count(), 0);
}

#[test]
fn weak_sender_does_not_keep_channel_open() {
    let (tx, mut rx) = broadcast::channel::<u8>(1);
    let _weak = tx.downgrade();
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn same_channel_and_resubscribe() {
    let (tx, mut rx) = broadcast::channel(4);
    let (tx_other, rx_other) = broadcast::channel::<i32>(4);
    assert!(!tx.same_channel(&tx_other));
    assert!(!rx.same_channel(&rx_other));
    tx.send(1).unwrap();
    let mut rx2 = rx.resubscribe();
    assert!(rx.same_channel(&rx2));
    assert_eq!(tx.receiver_count(), 2);
    assert_eq!(rx2.try_recv(), Err(TryRecvError::Empty));
    tx.send(2).unwrap();
    assert_eq!(rx2.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn send_wakes_all_waiting_receivers() {
    let (tx, mut rx1) = broadcast::channel(4);
    let mut rx2 = tx.subscribe();
    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    let mut f1 = Box::pin(rx1.recv());
    let mut f2 = Box::pin(rx2.recv());
    assert!(f1.as_mut().poll(&mut Context::from_waker(&w1)).is_pending());
    assert!(f2.as_mut().poll(&mut Context::from_waker(&w2)).is_pending());
    tx.send(5).unwrap();
    assert_eq!(c1.count(), 1);
    assert_eq!(c2.count(), 1);
    assert_eq!(
        f1.as_mut().poll(&mut Context::from_waker(&w1)),
        Poll::Ready(Ok(5))
    );
    assert_eq!(
        f2.as_mut().poll(&mut Context::from_waker(&w2)),
        Poll::Ready(Ok(5))
    );
}

#[test]
fn drop_sender_wakes_receiver() {
    let (tx, mut rx) = broadcast::channel::<u8>(4);
    let (c, w) = CountingWaker::new();
    let mut f = Box::pin(rx.recv());
    assert!(f.as_mut().poll(&mut Context::from_waker(&w)).is_pending());
    drop(tx);
    assert_eq!(c.count(), 1);
    assert_eq!(
        f.as_mut().poll(&mut Context::from_waker(&w)),
        Poll::Ready(Err(RecvError::Closed))
    );
}

#[test]
fn recv_cancel_safe() {
    let (tx, mut rx) = broadcast::channel(4);
    {
        let f = pin!(rx.recv());
        let noop = std::task::Waker::noop();
        assert!(f.poll(&mut Context::from_waker(noop)).is_pending());
    }
    tx.send(1).unwrap();
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn sender_closed_waits_for_all_receivers() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            let (tx, rx) = broadcast::channel::<u8>(1);
            let rx2 = tx.subscribe();
            let h = kiso::spawn(async move {
                drop(rx);
                kiso::task::yield_now().await;
                drop(rx2);
            });
            tx.closed().await;
            assert_eq!(tx.receiver_count(), 0);
            h.await.unwrap();
            tx.closed().await;
        });
    });
}

#[test]
fn blocking_recv_outside_runtime() {
    with_timeout(|| {
        let (tx, mut rx) = broadcast::channel(4);
        let t = std::thread::spawn(move || {
            let a = rx.blocking_recv();
            let b = rx.blocking_recv();
            (a, b)
        });
        tx.send(1).unwrap();
        drop(tx);
        assert_eq!(t.join().unwrap(), (Ok(1), Err(RecvError::Closed)));
    });
}

#[test]
fn blocking_recv_in_runtime_panics() {
    let msg = support::panic_message(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            let (_tx, mut rx) = broadcast::channel::<u8>(1);
            let _ = rx.blocking_recv();
        });
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
}

#[test]
fn current_thread_ping() {
    with_timeout(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            let (tx, mut rx) = broadcast::channel(1);
            let h = kiso::spawn(async move {
                let mut sum = 0u64;
                while let Ok(v) = rx.recv().await {
                    sum += v;
                }
                sum
            });
            for i in 1..=100u64 {
                tx.send(i).unwrap();
                kiso::task::yield_now().await;
            }
            drop(tx);
            assert_eq!(h.await.unwrap(), 5050);
        });
    });
}

#[test]
fn contention_two_workers_exact_counts() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            const SENDERS: u64 = 4;
            const PER: u64 = 250;
            // Big enough that nobody lags.
            let (tx, _) = broadcast::channel::<u64>((SENDERS * PER) as usize);
            let mut receivers = Vec::new();
            for _ in 0..3 {
                let mut rx = tx.subscribe();
                receivers.push(kiso::spawn(async move {
                    let mut count = 0u64;
                    let mut sum = 0u64;
                    loop {
                        match rx.recv().await {
                            Ok(v) => {
                                count += 1;
                                sum += v;
                            }
                            Err(RecvError::Closed) => return (count, sum),
                            Err(RecvError::Lagged(n)) => panic!("lagged by {n}"),
                        }
                    }
                }));
            }
            let mut senders = Vec::new();
            for s in 0..SENDERS {
                let tx = tx.clone();
                senders.push(kiso::spawn(async move {
                    for i in 0..PER {
                        tx.send(s * PER + i).unwrap();
                        if i % 16 == 0 {
                            kiso::task::yield_now().await;
                        }
                    }
                }));
            }
            drop(tx);
            for s in senders {
                s.await.unwrap();
            }
            let n = SENDERS * PER;
            for r in receivers {
                assert_eq!(r.await.unwrap(), (n, n * (n - 1) / 2));
            }
        });
    });
}

#[test]
fn contention_lagging_receiver_accounts_every_value() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            let (tx, mut rx) = broadcast::channel::<u64>(8);
            let h = kiso::spawn(async move {
                let mut received = 0u64;
                let mut lagged = 0u64;
                let mut last = None;
                loop {
                    match rx.recv().await {
                        Ok(v) => {
                            if let Some(l) = last {
                                assert!(v > l);
                            }
                            last = Some(v);
                            received += 1;
                        }
                        Err(RecvError::Lagged(n)) => lagged += n,
                        Err(RecvError::Closed) => return received + lagged,
                    }
                }
            });
            for i in 0..5000u64 {
                tx.send(i).unwrap();
                if i % 100 == 0 {
                    kiso::task::yield_now().await;
                }
            }
            drop(tx);
            assert_eq!(h.await.unwrap(), 5000);
        });
    });
}

#[test]
fn recv_spends_coop_budget() {
    with_timeout(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            let (tx, mut rx) = broadcast::channel(1024);
            for i in 0..1000 {
                tx.send(i).unwrap();
            }
            let mut pending = false;
            for _ in 0..1000 {
                let mut f = pin!(rx.recv());
                let r = std::future::poll_fn(|cx| Poll::Ready(f.as_mut().poll(cx))).await;
                if r.is_pending() {
                    pending = true;
                    break;
                }
            }
            assert!(pending, "recv never ran out of budget");
        });
    });
}

#[test]
fn futures_executor_cross_thread() {
    with_timeout(|| {
        let (tx, mut rx) = broadcast::channel(256);
        let t = std::thread::spawn(move || {
            for i in 0..100u32 {
                tx.send(i).unwrap();
            }
        });
        let got = futures::executor::block_on(async {
            let mut v = Vec::new();
            while let Ok(x) = rx.recv().await {
                v.push(x);
            }
            v
        });
        t.join().unwrap();
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    });
}

#[allow(dead_code)]
fn pinned<F: Future>(f: Pin<&mut F>) -> Pin<&mut F> {
    f
}
