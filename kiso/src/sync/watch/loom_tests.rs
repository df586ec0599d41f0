use super::channel;
use loom::future::block_on;
use loom::thread;

#[test]
fn loom_watch_send_vs_changed() {
    loom::model(|| {
        let (tx, mut rx) = channel(0usize);
        let th = thread::spawn(move || {
            tx.send(1).unwrap();
        });
        // Either the change is seen, or the close after it is: in both
        // cases the value must be the sent one.
        block_on(async {
            let _ = rx.changed().await;
        });
        assert_eq!(*rx.borrow(), 1);
        th.join().unwrap();
    });
}

#[test]
fn loom_watch_two_sends_vs_wait_for() {
    loom::model(|| {
        let (tx, mut rx) = channel(0usize);
        let th = thread::spawn(move || {
            tx.send_modify(|v| *v += 1);
            tx.send_modify(|v| *v += 1);
        });
        block_on(async {
            let v = rx.wait_for(|v| *v == 2).await.unwrap();
            assert_eq!(*v, 2);
        });
        th.join().unwrap();
    });
}

#[test]
fn loom_watch_closed_vs_drop_rx() {
    loom::model(|| {
        let (tx, rx) = channel(0usize);
        let rx2 = rx.clone();
        let th = thread::spawn(move || drop(rx));
        let th2 = thread::spawn(move || drop(rx2));
        block_on(tx.closed());
        assert!(tx.is_closed());
        th.join().unwrap();
        th2.join().unwrap();
    });
}
