//! Loom models of `Notify`: a single notification racing with a waiter's
//! poll and drop (never lost, never duplicated), `notify_waiters` racing with
//! waiters created just before it, two single notifications reaching two
//! waiters, and a queued waiter storing its waker (without the mutex) while
//! it is released.

use super::Notify;
use std::sync::Arc;
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

/// `notify_one` from another thread while a waiter polls once and is then
/// dropped: the notification is either consumed by that poll or survives as
/// the stored permit, never both and never neither.
#[test]
fn notify_one_vs_poll_and_drop() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let n2 = notify.clone();
        let th = thread::spawn(move || n2.notify_one());

        let ready = {
            let mut fut = std::pin::pin!(notify.notified());
            let mut cx = Context::from_waker(Waker::noop());
            fut.as_mut().poll(&mut cx).is_ready()
        };
        th.join().unwrap();

        let mut next = std::pin::pin!(notify.notified());
        let permit = next.as_mut().enable();
        assert!(ready != permit, "ready={ready} permit={permit}");
    });
}

/// A waiter that joined the queue and a `notify_one` racing with its
/// cancellation: the notification is passed on to the second waiter.
#[test]
fn notify_one_vs_drop_passes_on() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let mut first = Box::pin(notify.clone().notified_owned());
        assert!(!first.as_mut().enable());
        let n2 = notify.clone();
        let th = thread::spawn(move || n2.notify_one());
        let mut second = Box::pin(notify.clone().notified_owned());
        second.as_mut().enable();
        drop(first);
        th.join().unwrap();
        // Whether the notification reached `first` (and was passed on) or
        // went to the queue directly, `second` must have it.
        block_on(second);
    });
}

/// `notify_waiters` wakes a future created before it even if that future
/// is first polled concurrently with the call.
#[test]
fn notify_waiters_vs_created_before() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let a = notify.clone().notified_owned();
        let b = notify.clone().notified_owned();
        let n2 = notify.clone();
        let th = thread::spawn(move || {
            block_on(b);
        });
        n2.notify_waiters();
        block_on(a);
        th.join().unwrap();
        // No permit was stored.
        let mut c = std::pin::pin!(notify.notified());
        assert!(!c.as_mut().enable());
    });
}

/// Two `notify_one` calls (one per thread) reach two queued waiters that
/// complete on two more threads.
#[test]
fn two_notify_one_two_waiters() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let mut ths = Vec::new();
        for _ in 0..2 {
            let mut fut = Box::pin(notify.clone().notified_owned());
            assert!(!fut.as_mut().enable());
            ths.push(thread::spawn(move || block_on(fut)));
        }
        let n2 = notify.clone();
        ths.push(thread::spawn(move || n2.notify_one()));
        notify.notify_one();
        for th in ths {
            th.join().unwrap();
        }
        // Both notifications were consumed: no permit left.
        let mut c = std::pin::pin!(notify.notified());
        assert!(!c.as_mut().enable());
    });
}

/// `notify_waiters` releases its waiters in batches (one per batch under
/// loom), unlocking in between, while one of them is dropped and another is
/// awaited: the dropped one unlinks itself from the detached list without
/// corrupting it, the other is woken, and nothing is left over as a permit.
#[test]
fn notify_waiters_batches_vs_drop() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let mut a = Box::pin(notify.clone().notified_owned());
        let mut b = Box::pin(notify.clone().notified_owned());
        assert!(!a.as_mut().enable());
        assert!(!b.as_mut().enable());
        let n2 = notify.clone();
        let th = thread::spawn(move || n2.notify_waiters());
        drop(a);
        block_on(b);
        th.join().unwrap();
        let mut c = std::pin::pin!(notify.notified());
        assert!(!c.as_mut().enable());
    });
}

/// A waiter queued while `notify_waiters` is between batches is not woken
/// by it (it was not waiting when the call started), while the waiters that
/// were queued are.
#[test]
fn notify_waiters_skips_later_waiters() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let mut a = Box::pin(notify.clone().notified_owned());
        let mut b = Box::pin(notify.clone().notified_owned());
        assert!(!a.as_mut().enable());
        assert!(!b.as_mut().enable());
        let n2 = notify.clone();
        let th = thread::spawn(move || n2.notify_waiters());
        let mut late = Box::pin(notify.clone().notified_owned());
        let early = late.as_mut().enable();
        th.join().unwrap();
        block_on(a);
        block_on(b);
        // `late` was created either before the call (then the call released
        // it) or after it (then it is still queued, in the `Notify`'s own
        // queue, and the next `notify_one` reaches it).
        let mut cx = Context::from_waker(Waker::noop());
        let ready = late.as_mut().poll(&mut cx).is_ready();
        assert!(ready || !early);
        if !ready {
            notify.notify_one();
            block_on(late);
        }
        // Either way no permit is left over.
        let mut c = std::pin::pin!(notify.notified());
        assert!(!c.as_mut().enable());
    });
}

/// Records whether it was woken.
struct Woken(loom::sync::atomic::AtomicBool);

impl std::task::Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, loom::sync::atomic::Ordering::SeqCst);
    }
}

/// A queued waiter (enabled without a waker) is polled with its first waker,
/// which it stores without the mutex, while another thread releases it: the
/// poll completes, or that waker is woken. Never neither.
fn repoll_vs_release(all: bool) {
    model(move || {
        let notify = Arc::new(Notify::new());
        let mut fut = Box::pin(notify.clone().notified_owned());
        assert!(!fut.as_mut().enable());
        let n2 = notify.clone();
        let th = thread::spawn(move || {
            if all {
                n2.notify_waiters();
            } else {
                n2.notify_one();
            }
        });
        let woken = Arc::new(Woken(loom::sync::atomic::AtomicBool::new(false)));
        let waker = Waker::from(woken.clone());
        let ready = fut.as_mut().poll(&mut Context::from_waker(&waker)).is_ready();
        th.join().unwrap();
        let was_woken = woken.0.load(loom::sync::atomic::Ordering::SeqCst);
        assert!(ready || was_woken, "a release was lost");
        if !ready {
            // Woken: the next poll completes.
            let mut cx = Context::from_waker(Waker::noop());
            assert!(fut.as_mut().poll(&mut cx).is_ready());
        }
    });
}

#[test]
fn repoll_vs_notify_waiters() {
    repoll_vs_release(true);
}

#[test]
fn repoll_vs_notify_one() {
    repoll_vs_release(false);
}
