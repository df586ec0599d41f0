//! Loom models of the task state machine.
//!
//! Each model races two or three of: a poll by the scheduler, a wake from
//! another thread, completion, a `JoinHandle` poll or drop, an abort, and
//! runtime shutdown. At the end of every execution the model checks that the
//! future and the output were each dropped exactly once and (through loom's
//! leak check of the scheduler `Arc` every task holds) that the cell was
//! freed.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p kiso --lib --release --features full -- loom`.

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::runtime::task::{self, Header, Id, JoinHandle, Notified, RawTask, Schedule};
use loom::thread;
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::ptr::NonNull;
use std::task::{Poll, Waker};

/// A minimal scheduler: a locked queue and a one-slot owner list.
#[derive(Default)]
struct Sched {
    queue: Mutex<VecDeque<Notified>>,
    owned: Mutex<Vec<RawTask>>,
}

impl Schedule for Arc<Sched> {
    fn schedule(&self, task: Notified) {
        self.queue.lock().unwrap().push_back(task);
    }

    fn release(&self, task: &Header) -> bool {
        let mut owned = self.owned.lock().unwrap();
        let ptr = NonNull::from(task);
        match owned.iter().position(|t| t.header_ptr() == ptr) {
            Some(i) => {
                owned.swap_remove(i);
                true
            }
            None => false,
        }
    }
}

impl Sched {
    /// Runs queued tasks until the queue is empty.
    fn tick(&self) {
        loop {
            let next = self.queue.lock().unwrap().pop_front();
            match next {
                Some(t) => t.run(),
                None => return,
            }
        }
    }

    /// Cancels every owned task, then drops queued notifications.
    fn shutdown(&self) {
        loop {
            let next = self.owned.lock().unwrap().pop();
            match next {
                // SAFETY: we took over the list's reference.
                Some(t) => unsafe { t.shutdown() },
                None => break,
            }
        }
        let queued: Vec<_> = self.queue.lock().unwrap().drain(..).collect();
        drop(queued);
    }
}

fn spawn<F>(sched: &Arc<Sched>, fut: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (raw, join) = task::new_task(fut, sched.clone(), Id::next());
    sched.owned.lock().unwrap().push(raw);
    // SAFETY: the second reference of a new task is its `Notified`.
    sched.schedule(unsafe { Notified::from_raw(raw.header_ptr()) });
    join
}

/// Counts drops of whatever holds it.
#[derive(Debug)]
struct Track(Arc<AtomicUsize>);

impl Drop for Track {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// A future that parks once, handing its waker out, and completes when
/// `ready` is set; it carries a drop tracker and returns another.
fn gated(
    ready: Arc<AtomicBool>,
    waker_slot: Arc<Mutex<Option<Waker>>>,
    fut_drops: Arc<AtomicUsize>,
    out_drops: Arc<AtomicUsize>,
) -> impl Future<Output = Track> + Send + 'static {
    let track = Track(fut_drops);
    poll_fn(move |cx| {
        let _keep = &track;
        if ready.load(SeqCst) {
            return Poll::Ready(Track(out_drops.clone()));
        }
        *waker_slot.lock().unwrap() = Some(cx.waker().clone());
        // Re-check after publishing the waker so a concurrent set is not
        // missed.
        if ready.load(SeqCst) {
            return Poll::Ready(Track(out_drops.clone()));
        }
        Poll::Pending
    })
}

/// The condition the gated future waits for, and the waker it left.
#[derive(Clone)]
struct Gate {
    ready: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl Gate {
    /// Opens the gate and wakes the task, from any thread.
    fn release(&self) {
        self.ready.store(true, SeqCst);
        let w = self.waker.lock().unwrap().take();
        if let Some(w) = w {
            w.wake();
        }
    }
}

struct Fixture {
    sched: Arc<Sched>,
    ready: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
    fut_drops: Arc<AtomicUsize>,
    out_drops: Arc<AtomicUsize>,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            sched: Arc::new(Sched::default()),
            ready: Arc::new(AtomicBool::new(false)),
            waker: Arc::new(Mutex::new(None)),
            fut_drops: Arc::new(AtomicUsize::new(0)),
            out_drops: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn spawn(&self) -> JoinHandle<Track> {
        spawn(
            &self.sched,
            gated(self.ready.clone(), self.waker.clone(), self.fut_drops.clone(), self.out_drops.clone()),
        )
    }

    fn gate(&self) -> Gate {
        Gate { ready: self.ready.clone(), waker: self.waker.clone() }
    }

    fn release(&self) {
        self.gate().release();
    }

    fn finish(self) {
        // Whatever happened, the scheduler is torn down at the end.
        self.sched.shutdown();
        self.waker.lock().unwrap().take();
        assert_eq!(self.fut_drops.load(SeqCst), 1, "future dropped exactly once");
        assert!(self.out_drops.load(SeqCst) <= 1, "output dropped at most once");
    }
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    b.check(f);
}

/// A wake from another thread races with the poll that registers the waker.
#[test]
fn loom_wake_vs_poll() {
    model(|| {
        let fx = Fixture::new();
        let join = fx.spawn();
        let sched = fx.sched.clone();
        let t = thread::spawn(move || {
            sched.tick();
            sched.tick();
        });
        fx.release();
        t.join().unwrap();
        fx.sched.tick();
        // The wake was not lost: the task completed.
        assert!(join.is_finished());
        let out = loom::future::block_on(join).unwrap();
        drop(out);
        assert_eq!(fx.out_drops.load(SeqCst), 1);
        fx.finish();
    });
}

/// The join handle is dropped while the task completes on another thread.
#[test]
fn loom_join_drop_vs_complete() {
    model(|| {
        let fx = Fixture::new();
        fx.ready.store(true, SeqCst);
        let join = fx.spawn();
        let sched = fx.sched.clone();
        let t = thread::spawn(move || sched.tick());
        drop(join);
        t.join().unwrap();
        assert_eq!(fx.out_drops.load(SeqCst), 1, "output dropped exactly once");
        fx.finish();
    });
}

/// The join handle waits (registering its waker) while the task completes.
#[test]
fn loom_join_wait_vs_complete() {
    model(|| {
        let fx = Fixture::new();
        let join = fx.spawn();
        fx.sched.tick();
        let sched = fx.sched.clone();
        let gate = fx.gate();
        let t = thread::spawn(move || {
            gate.release();
            sched.tick();
        });
        let out = loom::future::block_on(join).unwrap();
        drop(out);
        t.join().unwrap();
        assert_eq!(fx.out_drops.load(SeqCst), 1);
        fx.finish();
    });
}

/// An abort from another thread races with the task being polled and woken.
#[test]
fn loom_abort_vs_poll() {
    model(|| {
        let fx = Fixture::new();
        let join = fx.spawn();
        let abort = join.abort_handle();
        let sched = fx.sched.clone();
        let t = thread::spawn(move || {
            sched.tick();
            sched.tick();
        });
        abort.abort();
        fx.release();
        t.join().unwrap();
        fx.sched.tick();
        assert!(join.is_finished());
        match loom::future::block_on(join) {
            Ok(out) => drop(out),
            Err(e) => assert!(e.is_cancelled()),
        }
        drop(abort);
        fx.finish();
    });
}

/// Runtime shutdown races with a wake from another thread and with the join
/// handle being dropped.
#[test]
fn loom_shutdown_vs_wake_vs_join_drop() {
    model(|| {
        let fx = Fixture::new();
        let join = fx.spawn();
        fx.sched.tick();
        let gate = fx.gate();
        let t = thread::spawn(move || gate.release());
        let t2 = thread::spawn(move || drop(join));
        fx.sched.shutdown();
        t.join().unwrap();
        t2.join().unwrap();
        // The future was cancelled by shutdown, never completed.
        assert_eq!(fx.out_drops.load(SeqCst), 0);
        fx.finish();
    });
}

/// Shutdown on one thread while another polls the task (multi-thread
/// schedulers do this): exactly one of them drops the future.
#[test]
fn loom_shutdown_vs_poll() {
    model(|| {
        let fx = Fixture::new();
        let join = fx.spawn();
        let sched = fx.sched.clone();
        let t = thread::spawn(move || sched.tick());
        fx.sched.shutdown();
        t.join().unwrap();
        fx.sched.tick();
        let res = loom::future::block_on(join);
        assert!(res.unwrap_err().is_cancelled());
        fx.finish();
    });
}

/// Two wakers race (by value and by reference) while the task runs: the
/// task is queued at most once and runs to completion.
#[test]
fn loom_concurrent_wakes() {
    model(|| {
        let fx = Fixture::new();
        let join = fx.spawn();
        fx.sched.tick();
        let w1 = fx.waker.lock().unwrap().take().unwrap();
        let w2 = w1.clone();
        fx.ready.store(true, SeqCst);
        let t = thread::spawn(move || w1.wake());
        w2.wake_by_ref();
        drop(w2);
        t.join().unwrap();
        assert!(fx.sched.queue.lock().unwrap().len() <= 1, "queued at most once");
        fx.sched.tick();
        assert!(join.is_finished());
        drop(loom::future::block_on(join).unwrap());
        fx.finish();
    });
}
