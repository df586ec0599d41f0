//! Loom models of `SetOnce`: a `set` racing with `wait` on another thread
//! (the waiter always sees the value) and two racing `set`s (exactly one
//! wins).

use super::SetOnce;
use loom::future::block_on;
use loom::thread;
use std::sync::Arc;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    b.check(f);
}

#[test]
fn set_vs_wait() {
    model(|| {
        let once = Arc::new(SetOnce::new());
        let o2 = once.clone();
        let th = thread::spawn(move || *block_on(o2.wait()));
        once.set(7).unwrap();
        assert_eq!(th.join().unwrap(), 7);
    });
}

#[test]
fn racing_sets() {
    model(|| {
        let once = Arc::new(SetOnce::new());
        let o2 = once.clone();
        let th = thread::spawn(move || o2.set(1).is_ok());
        let mine = once.set(2).is_ok();
        let theirs = th.join().unwrap();
        assert!(mine != theirs);
        let expected = if mine { 2 } else { 1 };
        assert_eq!(once.get(), Some(&expected));
    });
}
