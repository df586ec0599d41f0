//! Loom models of `OnceCell`: concurrent `get_or_init` runs exactly one
//! initializer, and a cancelled initializer lets a waiting caller run its
//! own.

use super::OnceCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use loom::future::block_on;
use loom::thread;
use std::future::Future;

use std::task::{Context, Waker};

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    b.check(f);
}

#[test]
fn concurrent_get_or_init() {
    model(|| {
        let cell = Arc::new(OnceCell::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let (c2, r2) = (cell.clone(), runs.clone());
        let th = thread::spawn(move || {
            *block_on(c2.get_or_init(|| async {
                r2.fetch_add(1, SeqCst);
                1
            }))
        });
        let mine = *block_on(cell.get_or_init(|| async {
            runs.fetch_add(1, SeqCst);
            2
        }));
        let theirs = th.join().unwrap();
        assert_eq!(mine, theirs);
        assert_eq!(runs.load(SeqCst), 1);
        assert_eq!(cell.get(), Some(&mine));
    });
}

#[test]
fn cancelled_initializer_lets_next_run() {
    model(|| {
        let cell = Arc::new(OnceCell::new());
        let c2 = cell.clone();
        let th = thread::spawn(move || *block_on(c2.get_or_init(|| async { 2 })));
        {
            let mut fut = std::pin::pin!(cell.get_or_init(std::future::pending::<i32>));
            let mut cx = Context::from_waker(Waker::noop());
            let _ = fut.as_mut().poll(&mut cx);
        }
        assert_eq!(th.join().unwrap(), 2);
        assert_eq!(cell.get(), Some(&2));
    });
}

