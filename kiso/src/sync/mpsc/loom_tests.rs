//! Loom models of the channel: sends racing receives, the block list's
//! boundaries, tail moves and recycling (blocks hold 2 slots under loom), a
//! close racing sends (bounded and unbounded), the last sender's drop racing a receive, the
//! receiver's drop racing a send, and capacity handed from a released
//! permit to a waiting sender (directly, and through the permits the
//! receiver holds back). The receiver's waker cell has its own models
//! in `util::atomic_waker`.

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

/// Two producers race one receiver: every message arrives once, and the
/// stream ends after both are gone (the last sender's close races the
/// other's wake).
#[test]
fn loom_mpsc_send_vs_recv() {
    model(|| {
        let (tx, mut rx) = unbounded_channel();
        let tx2 = tx.clone();
        let a = thread::spawn(move || tx.send(0).unwrap());
        let b = thread::spawn(move || tx2.send(1).unwrap());
        let mut seen = [false; 2];
        block_on(async {
            while let Some(i) = rx.recv().await {
                assert!(!seen[i], "message {i} twice");
                seen[i] = true;
            }
        });
        assert_eq!(seen, [true, true]);
        a.join().unwrap();
        b.join().unwrap();
    });
}

/// One producer sends across several blocks (2 slots each under loom) while
/// the receiver reads: the tail moves on, passed blocks are released and
/// recycled to the end of the list, and every message arrives in order.
#[test]
fn loom_mpsc_block_boundary_and_recycling() {
    model(|| {
        let (tx, mut rx) = unbounded_channel();
        let a = thread::spawn(move || {
            for i in 0..4 {
                tx.send(i).unwrap();
            }
        });
        block_on(async {
            for i in 0..4 {
                assert_eq!(rx.recv().await, Some(i));
            }
            assert_eq!(rx.recv().await, None);
        });
        a.join().unwrap();
    });
}

/// Two senders race for the last slot of a block and the first of the next
/// (so both may try to append the next block, and one may move the tail on
/// while the other still walks the first block): nothing is lost. (The
/// receiver reads afterwards; waking is covered by the other models.)
#[test]
fn loom_mpsc_last_slot_race() {
    model(|| {
        let (tx, mut rx) = unbounded_channel();
        // Fill slot 0 so the senders get slots 1 (end of the first block)
        // and 2 (start of the second).
        tx.send(9).unwrap();
        assert_eq!(rx.try_recv(), Ok(9));
        let tx2 = tx.clone();
        let a = thread::spawn(move || tx.send(0).unwrap());
        let b = thread::spawn(move || tx2.send(1).unwrap());
        a.join().unwrap();
        b.join().unwrap();
        let mut got = [rx.try_recv().unwrap(), rx.try_recv().unwrap()];
        got.sort_unstable();
        assert_eq!(got, [0, 1]);
        assert!(rx.try_recv().is_err());
    });
}

/// Two senders walk through a full block while one of them moves the tail
/// past it and the receiver reads on: the receiver must not recycle the
/// block while the other sender may still be walking it.
#[test]
fn loom_mpsc_recycle_vs_walking_sender() {
    model(|| {
        let (tx, mut rx) = unbounded_channel();
        tx.send(8).unwrap();
        tx.send(9).unwrap();
        assert_eq!(rx.try_recv(), Ok(8));
        assert_eq!(rx.try_recv(), Ok(9));
        // The first block is full and read; both senders start walking at
        // it for slots 2 and 3.
        let tx2 = tx.clone();
        let a = thread::spawn(move || tx.send(0).unwrap());
        let b = thread::spawn(move || tx2.send(1).unwrap());
        let mut got = block_on(async {
            let mut got = Vec::new();
            while let Some(v) = rx.recv().await {
                got.push(v);
            }
            got
        });
        got.sort_unstable();
        assert_eq!(got, [0, 1]);
        a.join().unwrap();
        b.join().unwrap();
    });
}

/// `try_recv` never reports a channel empty and then loses the message, even
/// when it finds a slot claimed but not yet written.
#[test]
fn loom_mpsc_try_recv_vs_send() {
    model(|| {
        let (tx, mut rx) = unbounded_channel();
        let a = thread::spawn(move || tx.send(1).unwrap());
        let first = rx.try_recv();
        a.join().unwrap();
        match first {
            Ok(v) => {
                assert_eq!(v, 1);
                assert_eq!(rx.try_recv(), Err(super::error::TryRecvError::Disconnected));
            }
            Err(super::error::TryRecvError::Empty) => assert_eq!(rx.try_recv(), Ok(1)),
            Err(e) => panic!("unexpected {e:?}"),
        }
    });
}

/// Dropping the receiver while a sender pushes: the message is dropped
/// exactly once, by the receiver's drain or by the channel's destructor.
#[test]
fn loom_mpsc_drop_rx_vs_send() {
    use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use crate::loom::sync::Arc;

    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }

    model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = unbounded_channel();
        let d = drops.clone();
        let a = thread::spawn(move || {
            if let Err(e) = tx.send(Counted(d)) {
                drop(e);
            }
        });
        drop(rx);
        a.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
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

/// A channel large enough that the receiver holds freed permits back
/// (`capacity.rs`; 2 at a time under loom): a sender waiting on the full
/// channel races the receive that frees a permit. The freed permit must
/// reach the sender (it arms, then takes what is held, while the receiver
/// returns permits at once when armed), or the sender would wait for ever.
#[test]
fn loom_mpsc_held_permit_reaches_waiting_sender() {
    model(|| {
        let (tx, mut rx) = channel(8);
        for i in 0..8 {
            tx.try_send(i).unwrap();
        }
        let a = thread::spawn(move || block_on(tx.send(8)).unwrap());
        assert_eq!(block_on(rx.recv()), Some(0));
        a.join().unwrap();
        for i in 1..=8 {
            assert_eq!(block_on(rx.recv()), Some(i));
        }
        assert_eq!(block_on(rx.recv()), None);
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

/// `close` races an unbounded `send` while another sender stays alive, so
/// the receiver can only tell the end from its count of messages taken: a
/// refused send takes its count back and wakes it.
#[test]
fn loom_mpsc_unbounded_close_vs_send() {
    model(|| {
        let (tx, mut rx) = unbounded_channel();
        let keep = tx.clone();
        let a = thread::spawn(move || tx.send(7).is_ok());
        rx.close();
        let got = block_on(rx.recv());
        let sent = a.join().unwrap();
        assert_eq!(got, sent.then_some(7));
        assert_eq!(block_on(rx.recv()), None);
        drop(keep);
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
