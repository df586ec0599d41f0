#![cfg(feature = "full")]
//! `kiso::sync::Notify` and its futures: permits, FIFO/LIFO hand-off,
//! `notify_waiters`, hand-on of a notification from a dropped future,
//! `enable`, wake-ups, executors and auto traits.

mod support;

use kiso::sync::futures::{Notified, OwnedNotified};
use kiso::sync::Notify;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use support::{with_timeout, CountingWaker};

fn poll_once<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

fn poll_with<F: Future>(f: Pin<&mut F>, w: &Waker) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(w))
}

/// Whether a concrete type is `Unpin` (inherent methods win over trait
/// methods when their bounds hold).
macro_rules! is_unpin {
    ($t:ty) => {{
        struct Probe<T: ?Sized>(std::marker::PhantomData<T>);
        #[allow(dead_code)]
        trait Fallback {
            fn check(&self) -> bool {
                false
            }
        }
        impl<T: ?Sized> Fallback for Probe<T> {}
        #[allow(dead_code)]
        impl<T: ?Sized + Unpin> Probe<T> {
            fn check(&self) -> bool {
                true
            }
        }
        Probe::<$t>(std::marker::PhantomData).check()
    }};
}

#[test]
fn auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    fn unpin<T: Unpin>() {}
    fn unwind<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    send_sync::<Notify>();
    unpin::<Notify>();
    unwind::<Notify>();
    send_sync::<Notified<'static>>();
    send_sync::<OwnedNotified>();
    assert!(!is_unpin!(Notified<'static>));
    assert!(!is_unpin!(OwnedNotified));
    assert!(is_unpin!(Notify));
}

#[test]
fn permit_is_stored_once() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one();
    let mut a = pin!(notify.notified());
    assert!(poll_once(a.as_mut()).is_ready());
    // Two calls stored a single permit.
    let mut b = pin!(notify.notified());
    assert!(poll_once(b.as_mut()).is_pending());
}

#[test]
fn notify_last_stores_permit_too() {
    let notify = Notify::new();
    notify.notify_last();
    let mut a = pin!(notify.notified());
    assert!(poll_once(a.as_mut()).is_ready());
}

#[test]
fn notify_one_is_fifo_and_notify_last_is_lifo() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    let mut c = pin!(notify.notified());
    let mut d = pin!(notify.notified());
    for f in [a.as_mut(), b.as_mut(), c.as_mut(), d.as_mut()] {
        assert!(poll_once(f).is_pending());
    }
    notify.notify_one();
    assert!(poll_once(a.as_mut()).is_ready());
    assert!(poll_once(b.as_mut()).is_pending());
    notify.notify_last();
    assert!(poll_once(d.as_mut()).is_ready());
    assert!(poll_once(b.as_mut()).is_pending());
    assert!(poll_once(c.as_mut()).is_pending());
    notify.notify_one();
    assert!(poll_once(b.as_mut()).is_ready());
    assert!(poll_once(c.as_mut()).is_pending());
    notify.notify_one();
    assert!(poll_once(c.as_mut()).is_ready());
    // Everybody served, nothing stored.
    let mut e = pin!(notify.notified());
    assert!(poll_once(e.as_mut()).is_pending());
}

#[test]
fn unpolled_future_does_not_get_notify_one() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    // Only `b` is queued; `a` was never polled.
    assert!(poll_once(b.as_mut()).is_pending());
    notify.notify_one();
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(poll_once(b.as_mut()).is_ready());
}

#[test]
fn notify_waiters_wakes_futures_created_before_only() {
    let notify = Notify::new();
    let mut polled = pin!(notify.notified());
    assert!(poll_once(polled.as_mut()).is_pending());
    let mut unpolled = pin!(notify.notified());
    notify.notify_waiters();
    let mut after = pin!(notify.notified());
    assert!(poll_once(polled.as_mut()).is_ready());
    assert!(poll_once(unpolled.as_mut()).is_ready());
    assert!(poll_once(after.as_mut()).is_pending());
}

#[test]
fn notify_waiters_stores_no_permit_and_keeps_one() {
    let notify = Notify::new();
    notify.notify_waiters();
    let mut a = pin!(notify.notified());
    assert!(poll_once(a.as_mut()).is_pending());

    let notify = Notify::new();
    notify.notify_one();
    notify.notify_waiters();
    let mut b = pin!(notify.notified());
    assert!(poll_once(b.as_mut()).is_ready());
}

#[test]
fn notify_waiters_wakes_every_waker_once() {
    let notify = Notify::new();
    let counters: Vec<_> = (0..5).map(|_| CountingWaker::new()).collect();
    let mut futs: Vec<_> = (0..5).map(|_| Box::pin(notify.notified())).collect();
    for (f, (_, w)) in futs.iter_mut().zip(&counters) {
        assert!(poll_with(f.as_mut(), w).is_pending());
    }
    notify.notify_waiters();
    for (f, (c, _)) in futs.iter_mut().zip(&counters) {
        assert_eq!(c.count(), 1);
        assert!(poll_once(f.as_mut()).is_ready());
    }
}

#[test]
fn notify_one_wakes_latest_waker() {
    let notify = Notify::new();
    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    let mut a = pin!(notify.notified());
    assert!(poll_with(a.as_mut(), &w1).is_pending());
    assert!(poll_with(a.as_mut(), &w2).is_pending());
    notify.notify_one();
    assert_eq!(c1.count(), 0);
    assert_eq!(c2.count(), 1);
    assert!(poll_once(a.as_mut()).is_ready());
}

#[test]
fn completed_future_is_fused() {
    let notify = Notify::new();
    notify.notify_one();
    let mut a = pin!(notify.notified());
    assert!(poll_once(a.as_mut()).is_ready());
    assert!(poll_once(a.as_mut()).is_ready());
    assert!(a.as_mut().enable());
}

#[test]
fn enable_registers_and_reports() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    assert!(!a.as_mut().enable());
    assert!(!a.as_mut().enable());
    notify.notify_one();
    assert!(a.as_mut().enable());
    assert!(poll_once(a.as_mut()).is_ready());

    // A stored permit is consumed by `enable`.
    notify.notify_one();
    let mut b = pin!(notify.notified());
    assert!(b.as_mut().enable());
    let mut c = pin!(notify.notified());
    assert!(!c.as_mut().enable());
}

#[test]
fn owned_enable_and_notify_waiters() {
    let notify = Arc::new(Notify::new());
    let mut a = Box::pin(notify.clone().notified_owned());
    let mut b = Box::pin(notify.clone().notified_owned());
    assert!(!a.as_mut().enable());
    notify.notify_waiters();
    assert!(a.as_mut().enable());
    assert!(poll_once(b.as_mut()).is_ready());
    let mut c = Box::pin(notify.clone().notified_owned());
    assert!(poll_once(c.as_mut()).is_pending());
    notify.notify_one();
    assert!(poll_once(c.as_mut()).is_ready());
}

#[test]
fn dropped_notified_passes_notify_one_on() {
    let notify = Notify::new();
    let mut a = Box::pin(notify.notified());
    let mut b = pin!(notify.notified());
    let (cb, wb) = CountingWaker::new();
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(poll_with(b.as_mut(), &wb).is_pending());
    notify.notify_one(); // goes to `a`
    assert_eq!(cb.count(), 0);
    drop(a); // not consumed: handed to `b`
    assert_eq!(cb.count(), 1);
    assert!(poll_once(b.as_mut()).is_ready());
}

#[test]
fn dropped_notified_passes_notify_last_to_newest() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    let mut c = Box::pin(notify.notified());
    for f in [a.as_mut(), b.as_mut()] {
        assert!(poll_once(f).is_pending());
    }
    assert!(poll_once(c.as_mut()).is_pending());
    notify.notify_last(); // goes to `c`
    drop(c);
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(poll_once(b.as_mut()).is_ready());
}

#[test]
fn dropped_notified_stores_permit_when_alone() {
    let notify = Notify::new();
    let mut a = Box::pin(notify.notified());
    assert!(!a.as_mut().enable());
    notify.notify_one();
    drop(a);
    let mut b = pin!(notify.notified());
    assert!(poll_once(b.as_mut()).is_ready());
}

#[test]
fn dropped_after_notify_waiters_passes_nothing() {
    let notify = Notify::new();
    let mut a = Box::pin(notify.notified());
    assert!(poll_once(a.as_mut()).is_pending());
    notify.notify_waiters();
    drop(a);
    let mut b = pin!(notify.notified());
    assert!(poll_once(b.as_mut()).is_pending());
}

#[test]
fn dropped_waiting_future_leaves_queue() {
    let notify = Notify::new();
    let mut a = Box::pin(notify.notified());
    assert!(poll_once(a.as_mut()).is_pending());
    drop(a);
    // With the queue empty again the notification becomes the permit.
    notify.notify_one();
    let mut b = pin!(notify.notified());
    assert!(poll_once(b.as_mut()).is_ready());
}

#[test]
fn completed_then_dropped_passes_nothing() {
    let notify = Notify::new();
    let mut a = Box::pin(notify.notified());
    assert!(poll_once(a.as_mut()).is_pending());
    notify.notify_one();
    assert!(poll_once(a.as_mut()).is_ready());
    drop(a);
    let mut b = pin!(notify.notified());
    assert!(poll_once(b.as_mut()).is_pending());
}

#[test]
fn const_new_static() {
    static N: Notify = Notify::const_new();
    N.notify_one();
    futures::executor::block_on(N.notified());
}

#[test]
fn default_and_debug() {
    let notify = Notify::default();
    assert!(format!("{notify:?}").contains("Notify"));
    let n = notify.notified();
    assert!(format!("{n:?}").contains("Notified"));
    let owned = Arc::new(Notify::new()).notified_owned();
    assert!(format!("{owned:?}").contains("OwnedNotified"));
}

#[test]
fn works_on_futures_executor() {
    // Ping-pong between two plain threads, each on `futures::executor`.
    with_timeout(|| {
        let ping = Arc::new(Notify::new());
        let pong = Arc::new(Notify::new());
        let count = Arc::new(AtomicUsize::new(0));
        let (ping2, pong2, count2) = (ping.clone(), pong.clone(), count.clone());
        let th = std::thread::spawn(move || {
            futures::executor::block_on(async {
                for _ in 0..500 {
                    ping2.notified().await;
                    count2.fetch_add(1, Ordering::SeqCst);
                    pong2.notify_one();
                }
            })
        });
        futures::executor::block_on(async {
            for i in 0..500 {
                ping.notify_one();
                pong.notified().await;
                assert_eq!(count.load(Ordering::SeqCst), i + 1);
            }
        });
        th.join().unwrap();
    });
}

#[test]
fn ping_pong_current_thread() {
    with_timeout(|| {
        support::current_thread().block_on(ping_pong(1000));
    });
}

#[test]
fn ping_pong_multi_thread() {
    with_timeout(|| {
        support::multi(2).block_on(ping_pong(1000));
    });
}

async fn ping_pong(rounds: usize) {
    let ping = Arc::new(Notify::new());
    let pong = Arc::new(Notify::new());
    let count = Arc::new(AtomicUsize::new(0));
    let (ping2, pong2, count2) = (ping.clone(), pong.clone(), count.clone());
    let task = kiso::spawn(async move {
        for _ in 0..rounds {
            ping2.notified().await;
            count2.fetch_add(1, Ordering::SeqCst);
            pong2.notify_one();
        }
    });
    for i in 0..rounds {
        ping.notify_one();
        pong.notified().await;
        assert_eq!(count.load(Ordering::SeqCst), i + 1);
    }
    task.await.unwrap();
}

#[test]
fn notify_waiters_reaches_all_tasks_multi_thread() {
    with_timeout(|| {
        support::multi(2).block_on(async {
            let notify = Arc::new(Notify::new());
            let woken = Arc::new(AtomicUsize::new(0));
            let mut tasks = Vec::new();
            for _ in 0..64 {
                // Created before `notify_waiters`, polled later on a worker.
                let fut = notify.clone().notified_owned();
                let woken = woken.clone();
                tasks.push(kiso::spawn(async move {
                    fut.await;
                    woken.fetch_add(1, Ordering::SeqCst);
                }));
            }
            notify.notify_waiters();
            for t in tasks {
                t.await.unwrap();
            }
            assert_eq!(woken.load(Ordering::SeqCst), 64);
        });
    });
}

#[test]
fn notify_one_contention_exact_count() {
    // Producers hand out exactly N notifications to N queued consumers on
    // two workers; each consumer completes exactly once.
    with_timeout(|| {
        support::multi(2).block_on(async {
            const N: usize = 200;
            let notify = Arc::new(Notify::new());
            let done = Arc::new(AtomicUsize::new(0));
            let mut tasks = Vec::new();
            for _ in 0..N {
                let mut fut = Box::pin(notify.clone().notified_owned());
                assert!(!fut.as_mut().enable());
                let done = done.clone();
                tasks.push(kiso::spawn(async move {
                    fut.await;
                    done.fetch_add(1, Ordering::SeqCst);
                }));
            }
            let mut producers = Vec::new();
            for _ in 0..2 {
                let notify = notify.clone();
                producers.push(kiso::spawn(async move {
                    for _ in 0..N / 2 {
                        notify.notify_one();
                        kiso::task::yield_now().await;
                    }
                }));
            }
            for p in producers {
                p.await.unwrap();
            }
            for t in tasks {
                t.await.unwrap();
            }
            assert_eq!(done.load(Ordering::SeqCst), N);
            // All notifications went to waiters: none is stored.
            let mut f = pin!(notify.notified());
            assert!(!f.as_mut().enable());
        });
    });
}

#[test]
fn select_cancelled_waiter_keeps_notification() {
    with_timeout(|| {
        support::current_thread().block_on(async {
            let notify = Arc::new(Notify::new());
            // Queue a waiter, deliver to it, then cancel it: the permit
            // survives for the next `notified()`.
            {
                let mut a = pin!(notify.notified());
                assert!(!a.as_mut().enable());
                notify.notify_one();
            }
            notify.notified().await;
        });
    });
}

#[test]
fn channel_pattern_loses_no_wakeup_multi_thread() {
    // Notify used as the wake-up of a queue (the pattern from the docs):
    // 2 producers push items and call `notify_one`, 2 consumers register with
    // `enable`, check the queue, then wait. Every item must be consumed.
    with_timeout(|| {
        support::multi(2).block_on(async {
            const ITEMS: usize = 2000;
            let queue = Arc::new(std::sync::Mutex::new(Vec::<usize>::new()));
            let notify = Arc::new(Notify::new());
            let taken = Arc::new(AtomicUsize::new(0));
            let mut consumers = Vec::new();
            for _ in 0..2 {
                let (queue, notify, taken) = (queue.clone(), notify.clone(), taken.clone());
                consumers.push(kiso::spawn(async move {
                    let mut mine = 0;
                    loop {
                        let mut fut = pin!(notify.notified());
                        loop {
                            fut.as_mut().enable();
                            let item = queue.lock().unwrap().pop();
                            match item {
                                Some(usize::MAX) => return mine,
                                Some(_) => {
                                    mine += 1;
                                    taken.fetch_add(1, Ordering::SeqCst);
                                }
                                None => {
                                    fut.as_mut().await;
                                    break;
                                }
                            }
                        }
                    }
                }));
            }
            let mut producers = Vec::new();
            for p in 0..2 {
                let (queue, notify) = (queue.clone(), notify.clone());
                producers.push(kiso::spawn(async move {
                    for i in 0..ITEMS / 2 {
                        queue.lock().unwrap().insert(0, p * ITEMS + i);
                        notify.notify_one();
                        if i % 16 == 0 {
                            kiso::task::yield_now().await;
                        }
                    }
                }));
            }
            for p in producers {
                p.await.unwrap();
            }
            // Two stop markers at the back of the queue (popped last).
            for _ in 0..2 {
                queue.lock().unwrap().insert(0, usize::MAX);
                notify.notify_one();
            }
            let mut total = 0;
            for c in consumers {
                total += c.await.unwrap();
            }
            assert_eq!(total, ITEMS);
            assert_eq!(taken.load(Ordering::SeqCst), ITEMS);
        });
    });
}

/// `notify_waiters` with more waiters than one wake-up batch, one of whose
/// wake-ups queues a new waiter while the call is still running.
mod many_waiters {
    use kiso::sync::futures::OwnedNotified;
    use kiso::sync::Notify;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Wake, Waker};

    /// Counts its wake-ups; the first one also queues a new waiter on the
    /// `Notify` (while `notify_waiters` is still running).
    struct Recorder {
        notify: Arc<Notify>,
        wakes: AtomicUsize,
        late: Mutex<Option<Pin<Box<OwnedNotified>>>>,
        queue_late: bool,
    }

    impl Wake for Recorder {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            if self.wakes.fetch_add(1, Ordering::SeqCst) == 0 && self.queue_late {
                let mut late = Box::pin(self.notify.clone().notified_owned());
                assert!(!late.as_mut().enable());
                *self.late.lock().unwrap() = Some(late);
            }
        }
    }

    #[test]
    fn notify_waiters_wakes_many_once_and_not_later_waiters() {
        const N: usize = 100;
        let notify = Arc::new(Notify::new());
        let recorders: Vec<_> = (0..N)
            .map(|i| {
                Arc::new(Recorder {
                    notify: notify.clone(),
                    wakes: AtomicUsize::new(0),
                    late: Mutex::new(None),
                    queue_late: i == 0,
                })
            })
            .collect();
        let mut futs: Vec<_> = (0..N)
            .map(|_| Box::pin(notify.clone().notified_owned()))
            .collect();
        for (f, r) in futs.iter_mut().zip(&recorders) {
            let waker = Waker::from(r.clone());
            assert!(f
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending());
        }
        // Drop a few queued waiters before the call: they must not be woken.
        let dropped: Vec<_> = futs.drain(90..).collect();
        drop(dropped);
        notify.notify_waiters();
        for (f, r) in futs.iter_mut().zip(&recorders) {
            assert_eq!(r.wakes.load(Ordering::SeqCst), 1);
            assert!(f
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
                .is_ready());
        }
        for r in &recorders[90..] {
            assert_eq!(r.wakes.load(Ordering::SeqCst), 0);
        }
        // The waiter queued from inside a wake-up came after the call: still
        // pending, and the next `notify_one` goes to it (no permit stored).
        let mut late = recorders[0]
            .late
            .lock()
            .unwrap()
            .take()
            .expect("late waiter");
        assert!(late
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending());
        notify.notify_one();
        assert!(late
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_ready());
        let mut next = Box::pin(notify.clone().notified_owned());
        assert!(!next.as_mut().enable());
    }
}
