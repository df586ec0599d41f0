//! Loom models of the channel: sends racing receives, a close racing sends,
//! the last sender's drop racing a receive, and capacity handed from a
//! released permit to a waiting sender.

use super::error::TrySendError;
use super::{channel, unbounded_channel};
use loom::future::block_on;
use loom::thread;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    b.check(f);
}

/// Two producers race one receiver: every message arrives once, in each
/// producer's order, and the stream ends after both are gone.
#[test]
fn loom_mpsc_send_vs_recv() {
    model(|| {
        let (tx, mut rx) = unbounded_channel();
        let tx2 = tx.clone();
        let a = thread::spawn(move || {
            tx.send((0, 0)).unwrap();
            tx.send((0, 1)).unwrap();
        });
        let b = thread::spawn(move || {
            tx2.send((1, 0)).unwrap();
        });
        let mut next = [0, 0];
        block_on(async {
            while let Some((p, i)) = rx.recv().await {
                assert_eq!(next[p], i);
                next[p] += 1;
            }
        });
        assert_eq!(next, [2, 1]);
        a.join().unwrap();
        b.join().unwrap();
    });
}

/// A bounded sender waits for room while the receiver takes messages.
#[test]
fn loom_mpsc_bounded_send_waits_for_recv() {
    model(|| {
        let (tx, mut rx) = channel(1);
        let a = thread::spawn(move || {
            block_on(async {
                tx.send(1).await.unwrap();
                tx.send(2).await.unwrap();
            })
        });
        block_on(async {
            assert_eq!(rx.recv().await, Some(1));
            assert_eq!(rx.recv().await, Some(2));
            assert_eq!(rx.recv().await, None);
        });
        a.join().unwrap();
    });
}

/// `close` races `try_send`: a message is either refused or received.
#[test]
fn loom_mpsc_close_vs_send() {
    model(|| {
        let (tx, mut rx) = channel(2);
        let a = thread::spawn(move || match tx.try_send(7) {
            Ok(()) => true,
            Err(TrySendError::Closed(7)) => false,
            Err(e) => panic!("unexpected {e:?}"),
        });
        rx.close();
        let sent = a.join().unwrap();
        let got = block_on(rx.recv());
        assert_eq!(got.is_some(), sent);
        assert_eq!(block_on(rx.recv()), None);
    });
}

/// The last sender sends and drops while the receiver waits: it gets the
/// message, then the end of the stream (no lost wake-up).
#[test]
fn loom_mpsc_drop_last_sender_vs_recv() {
    model(|| {
        let (tx, mut rx) = channel(1);
        let a = thread::spawn(move || {
            tx.try_send(1).unwrap();
            drop(tx);
        });
        block_on(async {
            assert_eq!(rx.recv().await, Some(1));
            assert_eq!(rx.recv().await, None);
        });
        a.join().unwrap();
    });
}

/// A permit is released while another sender waits for the capacity: the
/// waiter gets it and its message arrives.
#[test]
fn loom_mpsc_release_vs_waiting_sender() {
    model(|| {
        let (tx, mut rx) = channel::<i32>(1);
        let tx2 = tx.clone();
        let permit = tx.try_reserve_owned().unwrap();
        let a = thread::spawn(move || {
            block_on(async {
                tx2.send(2).await.unwrap();
            })
        });
        let b = thread::spawn(move || {
            drop(permit.release());
        });
        assert_eq!(block_on(rx.recv()), Some(2));
        a.join().unwrap();
        b.join().unwrap();
        assert_eq!(block_on(rx.recv()), None);
    });
}
