//! Loom models of the batch semaphore: acquires racing releases, cancelled
//! (dropped) acquires and `close`. Each checks that no permit is lost or
//! duplicated and that no waiter misses its wake-up (a lost wake-up makes
//! `block_on` deadlock, which loom reports).

use super::batch_semaphore::Semaphore;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use loom::future::block_on;
use loom::thread;
use std::future::Future;
use std::task::{Context, Wake, Waker};

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    b.check(f);
}

struct Count(Arc<AtomicUsize>);

impl Wake for Count {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// One waiter, one release from another thread: the waiter gets it.
#[test]
fn loom_acquire_vs_release() {
    model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let s2 = sem.clone();
        let t = thread::spawn(move || s2.release(1));
        block_on(sem.acquire(1)).unwrap();
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 0);
        sem.release(1);
        assert_eq!(sem.available_permits(), 1);
    });
}

/// A batch acquire filled by two separate releases.
#[test]
fn loom_batch_acquire_two_releases() {
    model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let ts: Vec<_> = (0..2)
            .map(|_| {
                let s = sem.clone();
                thread::spawn(move || s.release(1))
            })
            .collect();
        block_on(sem.acquire(2)).unwrap();
        for t in ts {
            t.join().unwrap();
        }
        assert_eq!(sem.available_permits(), 0);
    });
}

/// Two threads compete for one permit, each giving it back.
#[test]
fn loom_two_acquirers_one_permit() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let s2 = sem.clone();
        let t = thread::spawn(move || {
            block_on(s2.acquire(1)).unwrap();
            s2.release(1);
        });
        block_on(sem.acquire(1)).unwrap();
        sem.release(1);
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

/// A queued acquire is dropped while another thread releases: the permits
/// end up available whether or not they had been handed to the waiter.
#[test]
fn loom_cancel_vs_release() {
    model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let wakes = Arc::new(AtomicUsize::new(0));
        let waker = Waker::from(std::sync::Arc::new(Count(wakes.clone())));
        let mut cx = Context::from_waker(&waker);
        {
            let mut acq = std::pin::pin!(sem.acquire(2));
            assert!(acq.as_mut().poll(&mut cx).is_pending());
            let s2 = sem.clone();
            let t = thread::spawn(move || s2.release(2));
            t.join().unwrap();
            // Dropped here, possibly after being handed both permits.
        }
        assert_eq!(sem.available_permits(), 2);
        assert_eq!(wakes.load(SeqCst), 1);
    });
}

/// Cancel racing a release on another thread (not joined before the drop).
#[test]
fn loom_cancel_concurrent_with_release() {
    model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let waker = Waker::from(std::sync::Arc::new(Count(Arc::new(AtomicUsize::new(0)))));
        let mut cx = Context::from_waker(&waker);
        let s2 = sem.clone();
        let t;
        {
            let mut acq = std::pin::pin!(sem.acquire(2));
            assert!(acq.as_mut().poll(&mut cx).is_pending());
            t = thread::spawn(move || s2.release(1));
        }
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

/// `close` races a waiting acquire and a release: the acquire ends (either
/// way), and every permit is accounted for.
#[test]
fn loom_close_vs_acquire_and_release() {
    model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let s_close = sem.clone();
        let s_rel = sem.clone();
        let closer = thread::spawn(move || s_close.close());
        let releaser = thread::spawn(move || s_rel.release(1));
        let res = block_on(sem.acquire(1));
        closer.join().unwrap();
        releaser.join().unwrap();
        assert!(sem.is_closed());
        match res {
            Ok(()) => assert_eq!(sem.available_permits(), 0),
            Err(_) => assert_eq!(sem.available_permits(), 1),
        }
    });
}

/// A partially served batch acquire fails on close and gives back what it
/// was handed.
#[test]
fn loom_close_returns_partial_permits() {
    model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let s_close = sem.clone();
        let s_rel = sem.clone();
        let releaser = thread::spawn(move || s_rel.release(1));
        let closer = thread::spawn(move || s_close.close());
        let res = block_on(sem.acquire(2)).is_ok();
        releaser.join().unwrap();
        closer.join().unwrap();
        assert!(!res, "two permits never arrive");
        assert_eq!(sem.available_permits(), 1);
    });
}

/// Two threads take turns on a `Mutex`: both increments land and no
/// hand-over wake-up is lost.
#[test]
fn loom_mutex_two_lockers() {
    model(|| {
        let m = Arc::new(crate::sync::Mutex::new(0));
        let m2 = m.clone();
        let t = thread::spawn(move || *block_on(m2.lock()) += 1);
        *block_on(m.lock()) += 1;
        t.join().unwrap();
        assert_eq!(*m.try_lock().unwrap(), 2);
    });
}

/// A writer and a reader on an `RwLock`: the reader sees the value before
/// or after the write, never a lost wake-up; afterwards the lock is free.
#[test]
fn loom_rwlock_writer_vs_reader() {
    model(|| {
        let l = Arc::new(crate::sync::RwLock::new(0));
        let l2 = l.clone();
        let t = thread::spawn(move || *block_on(l2.write()) = 1);
        let seen = *block_on(l.read());
        assert!(seen == 0 || seen == 1);
        t.join().unwrap();
        assert_eq!(*l.try_write().unwrap(), 1);
    });
}

/// Lock-free releases (no `WAITERS` bit) racing with an acquirer that is
/// about to queue: the acquirer either sees the permit or is queued before
/// the release, which then hands it over; at the end the bit is clear, so
/// the permit is back in the word.
#[test]
fn loom_fast_release_vs_queueing_acquire() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let s2 = sem.clone();
        let t = thread::spawn(move || {
            block_on(s2.acquire(1)).unwrap();
            s2.release(1);
        });
        block_on(sem.acquire(1)).unwrap();
        sem.release(1);
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
        // Nobody waits, so a try_acquire must see the permit.
        assert!(sem.try_acquire(1).is_ok());
    });
}
