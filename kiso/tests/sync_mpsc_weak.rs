#![cfg(feature = "full")]

mod support;

use kiso::sync::mpsc;
use support::{current_thread, multi, with_timeout};

#[test]
fn pending_recv_ends_when_only_weak_senders_remain() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, mut rx) = mpsc::channel::<i32>(1);
            let weak = tx.downgrade();
            let h = kiso::spawn(async move { rx.recv().await });
            kiso::task::yield_now().await;
            drop(tx);
            assert_eq!(h.await.unwrap(), None);
            assert!(weak.upgrade().is_none());

            let (utx, mut urx) = mpsc::unbounded_channel::<i32>();
            let uweak = utx.downgrade();
            let h = kiso::spawn(async move { urx.recv().await });
            kiso::task::yield_now().await;
            drop(utx);
            assert_eq!(h.await.unwrap(), None);
            assert!(uweak.upgrade().is_none());
        })
    });
}

#[test]
fn upgraded_sender_keeps_channel_open() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (tx, mut rx) = mpsc::channel(4);
            let weak = tx.downgrade();
            let strong = weak.upgrade().unwrap();
            drop(tx);
            assert!(!rx.is_closed());
            strong.send(1).await.unwrap();
            drop(strong);
            assert_eq!(rx.recv().await, Some(1));
            assert_eq!(rx.recv().await, None);
        })
    });
}

#[test]
fn weak_counts_follow_clones_and_drops() {
    let (tx, rx) = mpsc::unbounded_channel::<()>();
    let w1 = tx.downgrade();
    let w2 = w1.clone();
    assert_eq!(rx.sender_weak_count(), 2);
    assert_eq!(tx.weak_count(), 2);
    assert_eq!(w1.strong_count(), 1);
    drop(w2);
    assert_eq!(w1.weak_count(), 1);
    let s = w1.upgrade().unwrap();
    assert_eq!(rx.sender_strong_count(), 2);
    drop((s, tx));
    assert_eq!(rx.sender_strong_count(), 0);
    assert_eq!(rx.sender_weak_count(), 1);
    drop(w1);
    assert_eq!(rx.sender_weak_count(), 0);
}

#[test]
fn weak_sender_does_not_block_drop_of_messages() {
    // A message holding a weak sender of its own channel is dropped with the
    // receiver; the channel itself does not keep anything alive.
    struct Msg(#[allow(dead_code)] mpsc::WeakSender<Msg>);
    let (tx, mut rx) = mpsc::channel::<Msg>(2);
    tx.try_send(Msg(tx.downgrade())).unwrap();
    assert_eq!(rx.sender_weak_count(), 1);
    let m = rx.try_recv().unwrap();
    drop(m);
    assert_eq!(rx.sender_weak_count(), 0);
}

#[test]
fn upgrade_races_last_drop() {
    // Upgrades from other threads race the drop of the last strong sender:
    // every upgrade that succeeds can send, and the receiver sees exactly
    // those messages, then the end.
    with_timeout(|| {
        multi(2).block_on(async {
            for _ in 0..50 {
                let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
                let weak = tx.downgrade();
                let mut handles = Vec::new();
                for _ in 0..4 {
                    let weak = weak.clone();
                    handles.push(kiso::spawn(async move {
                        match weak.upgrade() {
                            Some(s) => {
                                s.send(1).unwrap();
                                1
                            }
                            None => 0,
                        }
                    }));
                }
                drop(tx);
                let mut sent = 0;
                for h in handles {
                    sent += h.await.unwrap();
                }
                let mut got = 0;
                while let Some(v) = rx.recv().await {
                    got += v;
                }
                assert_eq!(got, sent);
                assert!(weak.upgrade().is_none());
            }
        })
    });
}
