#![cfg(feature = "full")]

mod support;

use kiso::sync::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use support::{with_timeout, CountingWaker};

fn poll_once<F: Future + ?Sized>(f: Pin<&mut F>, w: &Waker) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(w))
}

#[test]
fn auto_traits() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    fn unpin<T: Unpin>() {}
    fn send_val<T: Send>(_: &T) {}
    send::<Mutex<u8>>();
    sync::<Mutex<u8>>();
    unpin::<Mutex<u8>>();
    // Send-but-not-Sync data still gives a Sync mutex.
    sync::<Mutex<Cell<u8>>>();
    send::<MutexGuard<'static, u8>>();
    sync::<MutexGuard<'static, u8>>();
    send::<MutexGuard<'static, Cell<u8>>>();
    unpin::<MutexGuard<'static, u8>>();
    send::<OwnedMutexGuard<u8>>();
    sync::<OwnedMutexGuard<u8>>();
    send::<MappedMutexGuard<'static, u8>>();
    sync::<MappedMutexGuard<'static, u8>>();
    send::<MappedMutexGuard<'static, Cell<u8>>>();
    send::<OwnedMappedMutexGuard<u8, u16>>();
    sync::<OwnedMappedMutexGuard<u8, u16>>();
    send::<TryLockError>();
    sync::<TryLockError>();
    let m = Arc::new(Mutex::new(1u8));
    send_val(&m.lock());
    send_val(&m.clone().lock_owned());
}

#[test]
fn lock_and_try_lock() {
    let rt = support::current_thread();
    rt.block_on(async {
        let m = Mutex::new(1);
        {
            let mut g = m.lock().await;
            *g += 1;
            assert!(m.try_lock().is_err());
            let e = m.try_lock().unwrap_err();
            assert_eq!(e.to_string(), "operation would block");
            assert_eq!(format!("{e:?}"), "TryLockError(())");
        }
        assert_eq!(*m.try_lock().unwrap(), 2);
    });
}

#[test]
fn owned_guards() {
    let rt = support::current_thread();
    rt.block_on(async {
        let m = Arc::new(Mutex::new(vec![1]));
        let mut g = m.clone().lock_owned().await;
        assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&g), &m));
        assert!(m.clone().try_lock_owned().is_err());
        kiso::spawn(async move { g.push(2) }).await.unwrap();
        let g = m.clone().try_lock_owned().unwrap();
        assert_eq!(*g, [1, 2]);
    });
}

#[test]
fn get_mut_into_inner_from_default() {
    let mut m = Mutex::new(3);
    *m.get_mut() += 1;
    assert_eq!(m.into_inner(), 4);
    let m: Mutex<Vec<u8>> = Mutex::default();
    assert!(m.try_lock().unwrap().is_empty());
    let m = Mutex::from(String::from("x"));
    assert_eq!(m.into_inner(), "x");
}

#[test]
fn const_new_static() {
    static M: Mutex<u32> = Mutex::const_new(5);
    *M.try_lock().unwrap() += 1;
    assert_eq!(*M.try_lock().unwrap(), 6);
}

#[test]
fn debug_and_display() {
    let m = Mutex::new(7);
    assert_eq!(format!("{m:?}"), "Mutex { data: 7 }");
    let g = m.try_lock().unwrap();
    assert_eq!(format!("{m:?}"), "Mutex { data: <locked> }");
    assert_eq!(format!("{g:?} {g}"), "7 7");
    let mapped = MutexGuard::map(g, |v| v);
    assert_eq!(format!("{mapped:?} {mapped}"), "7 7");
    drop(mapped);
    let m = Arc::new(Mutex::new(8));
    let g = m.clone().try_lock_owned().unwrap();
    assert_eq!(format!("{g:?} {g}"), "8 8");
    let g = OwnedMutexGuard::map(g, |v| v);
    assert_eq!(format!("{g:?} {g}"), "8 8");
}

#[test]
fn map_and_try_map() {
    let m = Mutex::new((1, vec![2, 3]));
    let g = m.try_lock().unwrap();
    assert!(std::ptr::eq(MutexGuard::mutex(&g), &m));
    let g = MutexGuard::try_map(g, |d| d.1.get_mut(9)).unwrap_err();
    assert!(m.try_lock().is_err(), "failed try_map keeps the lock");
    let v = MutexGuard::map(g, |d| &mut d.1);
    let v = MappedMutexGuard::try_map(v, |v| v.get_mut(7)).unwrap_err();
    let mut x = MappedMutexGuard::try_map(v, |v| v.get_mut(1)).unwrap();
    *x = 30;
    let mut x = MappedMutexGuard::map(x, |x| x);
    *x += 1;
    assert!(m.try_lock().is_err(), "mapped guard holds the lock");
    drop(x);
    assert_eq!(*m.try_lock().unwrap(), (1, vec![2, 31]));

    let m = Arc::new(Mutex::new((1, Some(2))));
    let g = m.clone().try_lock_owned().unwrap();
    let g =
        OwnedMutexGuard::try_map(g, |d| if d.0 == 0 { Some(&mut d.0) } else { None }).unwrap_err();
    let g = OwnedMutexGuard::map(g, |d| &mut d.1);
    let g = OwnedMappedMutexGuard::try_map(g, |o| o.as_mut()).unwrap();
    let mut g = OwnedMappedMutexGuard::map(g, |x| x);
    *g = 20;
    let g = OwnedMappedMutexGuard::try_map(g, |_| None::<&mut u8>).unwrap_err();
    assert!(m.try_lock().is_err());
    drop(g);
    assert_eq!(*m.try_lock().unwrap(), (1, Some(20)));
}

#[test]
fn fifo_order() {
    let m = Mutex::new(Vec::new());
    let g = m.try_lock().unwrap();
    let w = futures::task::noop_waker();
    let mut futs: Vec<_> = (0..4)
        .map(|i| {
            let m = &m;
            Box::pin(futures::FutureExt::fuse(async move {
                m.lock().await.push(i);
            }))
        })
        .collect();
    for f in futs.iter_mut() {
        assert!(poll_once(f.as_mut(), &w).is_pending());
    }
    drop(g);
    // Poll in reverse: only the head of the queue may make progress.
    for _ in 0..4 {
        for f in futs.iter_mut().rev() {
            let _ = poll_once(f.as_mut(), &w);
        }
    }
    assert_eq!(*m.try_lock().unwrap(), [0, 1, 2, 3]);
}

#[test]
fn try_lock_does_not_jump_queue() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let (c, w) = CountingWaker::new();
    let mut waiter = Box::pin(m.lock());
    assert!(poll_once(waiter.as_mut(), &w).is_pending());
    drop(g);
    assert_eq!(c.count(), 1);
    assert!(m.try_lock().is_err(), "the lock went to the waiter");
    assert!(poll_once(waiter.as_mut(), &w).is_ready());
}

#[test]
fn cancelled_lock_passes_it_on() {
    let m = Mutex::new(0);
    let g = m.try_lock().unwrap();
    let (_ca, wa) = CountingWaker::new();
    let (cb, wb) = CountingWaker::new();
    let mut a = Box::pin(m.lock());
    let mut b = Box::pin(m.lock());
    assert!(poll_once(a.as_mut(), &wa).is_pending());
    assert!(poll_once(b.as_mut(), &wb).is_pending());
    drop(g);
    assert_eq!(cb.count(), 0);
    drop(a); // had been handed the lock, never saw it
    assert_eq!(cb.count(), 1);
    assert!(poll_once(b.as_mut(), &wb).is_ready());
}

#[test]
fn blocking_lock_outside_runtime() {
    with_timeout(|| {
        let m = Arc::new(Mutex::new(0));
        let g = m.try_lock().unwrap();
        let m2 = m.clone();
        let t = std::thread::spawn(move || {
            *m2.blocking_lock() += 1;
            let mut g = m2.blocking_lock_owned();
            *g += 1;
        });
        drop(g);
        t.join().unwrap();
        assert_eq!(*m.blocking_lock(), 2);
    });
}

#[test]
fn blocking_lock_in_spawn_blocking() {
    let rt = support::multi(2);
    with_timeout(move || {
        rt.block_on(async {
            let m = Arc::new(Mutex::new(1));
            let m2 = m.clone();
            kiso::task::spawn_blocking(move || *m2.blocking_lock() += 1)
                .await
                .unwrap();
            assert_eq!(*m.lock().await, 2);
        })
    });
}

#[test]
fn blocking_lock_in_runtime_panics() {
    let rt = support::current_thread();
    let m = Arc::new(Mutex::new(()));
    let msg = support::panic_message(|| {
        rt.block_on(async {
            let _g = m.blocking_lock();
        })
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
    let msg = support::panic_message(|| {
        rt.block_on(async {
            let _g = m.clone().blocking_lock_owned();
        })
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
}

#[test]
fn lock_spends_coop_budget() {
    let rt = support::current_thread();
    rt.block_on(async {
        let m = Mutex::new(0u32);
        let ran = Arc::new(AtomicBool::new(false));
        let ran2 = ran.clone();
        kiso::spawn(async move { ran2.store(true, Ordering::SeqCst) });
        let mut saw_other = false;
        for _ in 0..1000 {
            *m.lock().await += 1;
            if ran.load(Ordering::SeqCst) {
                saw_other = true;
                break;
            }
        }
        assert!(
            saw_other,
            "lock().await must yield once the budget runs out"
        );
    });
}

#[test]
fn not_send_data_works_locally() {
    // Mutex<Rc<_>> works within one task.
    let rt = support::current_thread();
    rt.block_on(async {
        let m = Mutex::new(Rc::new(1));
        let g = m.lock().await;
        assert_eq!(**g, 1);
    });
}

fn contention(rt: kiso::runtime::Runtime) {
    const TASKS: usize = 20;
    const ROUNDS: usize = 200;
    let total = with_timeout(move || {
        rt.block_on(async {
            let m = Arc::new(Mutex::new(0usize));
            let hs: Vec<_> = (0..TASKS)
                .map(|i| {
                    let m = m.clone();
                    kiso::spawn(async move {
                        for r in 0..ROUNDS {
                            if (i + r) % 2 == 0 {
                                let mut g = m.lock().await;
                                let v = *g;
                                kiso::task::yield_now().await;
                                *g = v + 1;
                            } else {
                                let mut g = m.clone().lock_owned().await;
                                *g += 1;
                            }
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await.unwrap();
            }
            let v = *m.lock().await;
            v
        })
    });
    assert_eq!(total, TASKS * ROUNDS);
}

#[test]
fn contention_current_thread() {
    contention(support::current_thread());
}

#[test]
fn contention_two_workers() {
    contention(support::multi(2));
}

#[test]
fn contention_on_futures_executor_threads() {
    let total = with_timeout(|| {
        let m = Arc::new(Mutex::new(0usize));
        let ts: Vec<_> = (0..4)
            .map(|_| {
                let m = m.clone();
                std::thread::spawn(move || {
                    futures::executor::block_on(async {
                        for _ in 0..500 {
                            let mut g = m.lock().await;
                            *g += 1;
                        }
                    })
                })
            })
            .collect();
        for t in ts {
            t.join().unwrap();
        }
        let v = *m.try_lock().unwrap();
        v
    });
    assert_eq!(total, 2000);
}
