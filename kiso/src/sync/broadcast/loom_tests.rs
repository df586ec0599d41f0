use super::channel;
use super::error::{RecvError, TryRecvError};
use loom::future::block_on;
use loom::thread;

#[test]
fn loom_broadcast_send_vs_recv() {
    loom::model(|| {
        let (tx, mut rx) = channel::<usize>(2);
        let th = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap();
        });
        block_on(async {
            assert_eq!(rx.recv().await, Ok(1));
            assert_eq!(rx.recv().await, Ok(2));
            assert_eq!(rx.recv().await, Err(RecvError::Closed));
        });
        th.join().unwrap();
    });
}

#[test]
fn loom_broadcast_lag_accounting() {
    loom::model(|| {
        // Capacity 1: the receiver may lag; every value is either received
        // or counted as missed, in order.
        let (tx, mut rx) = channel::<usize>(1);
        let th = thread::spawn(move || {
            for i in 0..3 {
                tx.send(i).unwrap();
            }
        });
        let mut accounted = 0;
        let mut last = None;
        block_on(async {
            loop {
                match rx.recv().await {
                    Ok(v) => {
                        assert!(last.is_none_or(|l| v > l));
                        last = Some(v);
                        accounted += 1;
                    }
                    Err(RecvError::Lagged(n)) => accounted += n,
                    Err(RecvError::Closed) => break,
                }
            }
        });
        assert_eq!(accounted, 3);
        assert_eq!(last, Some(2));
        th.join().unwrap();
    });
}

#[test]
fn loom_broadcast_drop_rx_releases_value() {
    loom::model(|| {
        let (tx, mut rx1) = channel::<usize>(2);
        let rx2 = tx.subscribe();
        let th = thread::spawn(move || drop(rx2));
        tx.send(7).unwrap_or(0);
        assert_eq!(rx1.try_recv(), Ok(7));
        th.join().unwrap();
        assert!(tx.is_empty());
        assert_eq!(rx1.try_recv(), Err(TryRecvError::Empty));
    });
}

#[test]
fn loom_broadcast_closed_vs_drop() {
    loom::model(|| {
        let (tx, rx) = channel::<usize>(1);
        let th = thread::spawn(move || drop(rx));
        block_on(tx.closed());
        assert_eq!(tx.receiver_count(), 0);
        th.join().unwrap();
    });
}
