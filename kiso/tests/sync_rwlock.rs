#![cfg(feature = "full")]

mod support;

use kiso::sync::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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
    send::<RwLock<u8>>();
    sync::<RwLock<u8>>();
    unpin::<RwLock<u8>>();
    send::<RwLock<Cell<u8>>>();
    send::<RwLockReadGuard<'static, u8>>();
    sync::<RwLockReadGuard<'static, u8>>();
    unpin::<RwLockReadGuard<'static, u8>>();
    send::<OwnedRwLockReadGuard<u8, u16>>();
    sync::<OwnedRwLockReadGuard<u8, u16>>();
    send::<RwLockWriteGuard<'static, u8>>();
    sync::<RwLockWriteGuard<'static, u8>>();
    send::<OwnedRwLockWriteGuard<u8>>();
    sync::<OwnedRwLockWriteGuard<u8>>();
    send::<RwLockMappedWriteGuard<'static, u8>>();
    sync::<RwLockMappedWriteGuard<'static, u8>>();
    send::<OwnedRwLockMappedWriteGuard<u8, u16>>();
    sync::<OwnedRwLockMappedWriteGuard<u8, u16>>();
    unpin::<OwnedRwLockMappedWriteGuard<u8, u16>>();
    let l = Arc::new(RwLock::new(1u8));
    send_val(&l.read());
    send_val(&l.write());
    send_val(&l.clone().read_owned());
    send_val(&l.clone().write_owned());
}

#[test]
fn readers_share_writer_excludes() {
    let lock = RwLock::new(1);
    let r1 = lock.try_read().unwrap();
    let r2 = lock.try_read().unwrap();
    assert_eq!(*r1 + *r2, 2);
    let e = lock.try_write().unwrap_err();
    assert_eq!(e.to_string(), "operation would block");
    drop((r1, r2));
    let mut w = lock.try_write().unwrap();
    *w = 5;
    assert!(lock.try_read().is_err());
    assert!(lock.try_write().is_err());
    drop(w);
    assert_eq!(*lock.try_read().unwrap(), 5);
}

#[test]
fn max_readers() {
    let lock = RwLock::with_max_readers((), 2);
    let a = lock.try_read().unwrap();
    let _b = lock.try_read().unwrap();
    assert!(lock.try_read().is_err());
    drop(a);
    assert!(lock.try_read().is_ok());
    let msg = support::panic_message(|| {
        RwLock::with_max_readers((), 0);
    });
    assert!(
        msg.contains("a RwLock may not be created with 0 readers"),
        "{msg}"
    );
    let msg = support::panic_message(|| {
        RwLock::with_max_readers((), u32::MAX);
    });
    assert!(
        msg.contains("a RwLock may not be created with more than"),
        "{msg}"
    );
    static L: RwLock<u8> = RwLock::const_with_max_readers(3, 1);
    let r = L.try_read().unwrap();
    assert!(L.try_read().is_err());
    assert_eq!(*r, 3);
    static L2: RwLock<u8> = RwLock::const_new(4);
    assert_eq!(*L2.try_read().unwrap(), 4);
}

#[test]
fn async_read_write_owned() {
    let rt = support::current_thread();
    rt.block_on(async {
        let lock = Arc::new(RwLock::new(vec![1]));
        {
            let r = lock.clone().read_owned().await;
            assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&r), &lock));
            let r2 = lock.read().await;
            assert_eq!(*r, *r2);
        }
        let mut w = lock.clone().write_owned().await;
        assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&w), &lock));
        kiso::spawn(async move { w.push(2) }).await.unwrap();
        lock.write().await.push(3);
        assert_eq!(*lock.read().await, [1, 2, 3]);
        let r = lock.clone().try_read_owned().unwrap();
        assert!(lock.clone().try_write_owned().is_err());
        drop(r);
        assert!(lock.clone().try_write_owned().is_ok());
    });
}

#[test]
fn get_mut_into_inner_from_default_debug() {
    let mut l = RwLock::new(1);
    *l.get_mut() = 2;
    assert_eq!(format!("{l:?}"), "RwLock { data: 2 }");
    {
        let w = l.try_write().unwrap();
        assert_eq!(format!("{l:?}"), "RwLock { data: <locked> }");
        assert_eq!(format!("{w:?} {w}"), "2 2");
    }
    {
        let r = l.try_read().unwrap();
        assert_eq!(format!("{l:?}"), "RwLock { data: 2 }");
        assert_eq!(format!("{r:?} {r}"), "2 2");
    }
    assert_eq!(l.into_inner(), 2);
    let d: RwLock<String> = RwLock::default();
    assert!(d.try_read().unwrap().is_empty());
    assert_eq!(RwLock::from(3).into_inner(), 3);
}

#[test]
fn fifo_writer_blocks_later_readers() {
    let lock = RwLock::new(0);
    let r = lock.try_read().unwrap();
    let (cw, ww) = CountingWaker::new();
    let (cr, wr) = CountingWaker::new();
    let mut writer = Box::pin(lock.write());
    assert!(poll_once(writer.as_mut(), &ww).is_pending());
    // A writer is waiting: new readers queue behind it.
    assert!(lock.try_read().is_err());
    let mut reader = Box::pin(lock.read());
    assert!(poll_once(reader.as_mut(), &wr).is_pending());
    drop(r);
    assert_eq!(cw.count(), 1);
    assert_eq!(cr.count(), 0);
    let mut w = match poll_once(writer.as_mut(), &ww) {
        Poll::Ready(w) => w,
        Poll::Pending => panic!("writer should have the lock"),
    };
    *w = 1;
    assert!(poll_once(reader.as_mut(), &wr).is_pending());
    drop(w);
    assert_eq!(cr.count(), 1);
    match poll_once(reader.as_mut(), &wr) {
        Poll::Ready(r) => assert_eq!(*r, 1),
        Poll::Pending => panic!("reader should get in after the writer"),
    };
}

#[test]
fn downgrade_lets_readers_in_not_writers() {
    let lock = RwLock::new(1);
    let mut w = lock.try_write().unwrap();
    *w = 2;
    let w = RwLockWriteGuard::into_mapped(w);
    drop(w);
    let w = lock.try_write().unwrap();
    let (cr, wr) = CountingWaker::new();
    let mut reader = Box::pin(lock.read());
    assert!(poll_once(reader.as_mut(), &wr).is_pending());
    let r = w.downgrade();
    assert_eq!(cr.count(), 1, "downgrade wakes waiting readers");
    assert!(poll_once(reader.as_mut(), &wr).is_ready());
    assert!(lock.try_write().is_err());
    assert_eq!(*r, 2);
    drop(r);
    assert!(lock.try_write().is_ok());

    let lock = Arc::new(RwLock::new(3));
    let r = lock.clone().try_write_owned().unwrap().downgrade();
    assert!(lock.try_read().is_ok());
    assert!(lock.try_write().is_err());
    drop(r);
    assert!(lock.try_write().is_ok());
}

#[test]
fn map_variants() {
    let lock = RwLock::new((1, vec![2, 3], Some(4)));
    {
        let r = RwLockReadGuard::map(lock.try_read().unwrap(), |d| &d.1);
        let r = RwLockReadGuard::try_map(r, |v| v.get(5)).unwrap_err();
        let r = RwLockReadGuard::try_map(r, |v| v.get(1)).unwrap();
        assert_eq!(*r, 3);
        assert!(lock.try_write().is_err());
    }
    {
        let w = lock.try_write().unwrap();
        let w = RwLockWriteGuard::try_map(w, |d| d.1.get_mut(9)).unwrap_err();
        let w = RwLockWriteGuard::map(w, |d| &mut d.1);
        let w = RwLockMappedWriteGuard::try_map(w, |v| v.get_mut(9)).unwrap_err();
        let mut w = RwLockMappedWriteGuard::map(w, |v| &mut v[0]);
        *w = 20;
        assert!(lock.try_read().is_err());
    }
    {
        let w = lock.try_write().unwrap();
        let w =
            RwLockWriteGuard::try_downgrade_map(w, |d| d.2.as_ref().filter(|_| false)).unwrap_err();
        let r = RwLockWriteGuard::try_downgrade_map(w, |d| d.2.as_ref()).unwrap();
        assert_eq!(*r, 4);
        assert!(lock.try_read().is_ok());
        assert!(lock.try_write().is_err());
    }
    {
        let r = RwLockWriteGuard::downgrade_map(lock.try_write().unwrap(), |d| &d.0);
        assert_eq!(*r, 1);
        assert!(lock.try_read().is_ok());
    }
    assert_eq!(lock.try_read().unwrap().1, [20, 3]);

    let lock = Arc::new(RwLock::new((1, Some(2))));
    {
        let r = OwnedRwLockReadGuard::map(lock.clone().try_read_owned().unwrap(), |d| &d.1);
        let r = OwnedRwLockReadGuard::try_map(r, |o| o.as_ref()).unwrap();
        let r = OwnedRwLockReadGuard::try_map(r, |_| None::<&u8>).unwrap_err();
        assert_eq!(*r, 2);
        assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&r), &lock));
    }
    {
        let w = lock.clone().try_write_owned().unwrap();
        let w = OwnedRwLockWriteGuard::try_map(w, |_| None::<&mut u8>).unwrap_err();
        let w = OwnedRwLockWriteGuard::map(w, |d| &mut d.1);
        assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&w), &lock));
        let w = OwnedRwLockMappedWriteGuard::try_map(w, |o| o.as_mut()).unwrap();
        let mut w = OwnedRwLockMappedWriteGuard::map(w, |x| x);
        *w = 5;
        let w = OwnedRwLockMappedWriteGuard::try_map(w, |_| None::<&mut u8>).unwrap_err();
        assert!(lock.try_read().is_err());
        drop(w);
    }
    {
        let w = lock.clone().try_write_owned().unwrap();
        let w = OwnedRwLockWriteGuard::try_downgrade_map(w, |_| None::<&u8>).unwrap_err();
        let r = OwnedRwLockWriteGuard::try_downgrade_map(w, |d| d.1.as_ref()).unwrap();
        assert_eq!(*r, 5);
        assert!(lock.try_read().is_ok());
        drop(r);
        let r =
            OwnedRwLockWriteGuard::downgrade_map(lock.clone().try_write_owned().unwrap(), |d| &d.0);
        assert_eq!(*r, 1);
        assert!(lock.try_write().is_err());
        drop(r);
        let mut m = OwnedRwLockWriteGuard::into_mapped(lock.clone().try_write_owned().unwrap());
        m.0 = 9;
    }
    assert_eq!(*lock.try_read().unwrap(), (9, Some(5)));
}

#[test]
fn cancelled_write_lets_readers_in() {
    let lock = RwLock::new(());
    let r = lock.try_read().unwrap();
    let (_cw, ww) = CountingWaker::new();
    let (cr, wr) = CountingWaker::new();
    let mut writer = Box::pin(lock.write());
    assert!(poll_once(writer.as_mut(), &ww).is_pending());
    let mut reader = Box::pin(lock.read());
    assert!(poll_once(reader.as_mut(), &wr).is_pending());
    drop(writer); // it held every permit but one; giving them back wakes the reader
    assert_eq!(cr.count(), 1);
    assert!(poll_once(reader.as_mut(), &wr).is_ready());
    drop(r);
}

#[test]
fn blocking_read_write() {
    with_timeout(|| {
        let lock = Arc::new(RwLock::new(0));
        let w = lock.blocking_write();
        let l2 = lock.clone();
        let t = std::thread::spawn(move || *l2.blocking_read());
        drop(w);
        assert_eq!(t.join().unwrap(), 0);
        *lock.blocking_write() = 1;
        assert_eq!(*lock.blocking_read(), 1);
    });
    let rt = support::current_thread();
    let lock = RwLock::new(());
    let msg = support::panic_message(|| {
        rt.block_on(async {
            let _g = lock.blocking_read();
        })
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
    let msg = support::panic_message(|| {
        rt.block_on(async {
            let _g = lock.blocking_write();
        })
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
}

#[test]
fn read_spends_coop_budget() {
    let rt = support::current_thread();
    rt.block_on(async {
        let lock = RwLock::new(0u32);
        let ran = Arc::new(AtomicBool::new(false));
        let ran2 = ran.clone();
        kiso::spawn(async move { ran2.store(true, Ordering::SeqCst) });
        let mut saw_other = false;
        for _ in 0..1000 {
            let _ = *lock.read().await;
            if ran.load(Ordering::SeqCst) {
                saw_other = true;
                break;
            }
        }
        assert!(saw_other);
    });
}

fn contention(rt: kiso::runtime::Runtime) {
    const TASKS: usize = 16;
    const ROUNDS: usize = 100;
    let (sum, writes) = with_timeout(move || {
        rt.block_on(async {
            let lock = Arc::new(RwLock::with_max_readers((0usize, 0usize), 4));
            let readers_inside = Arc::new(AtomicUsize::new(0));
            let hs: Vec<_> = (0..TASKS)
                .map(|i| {
                    let lock = lock.clone();
                    let inside = readers_inside.clone();
                    kiso::spawn(async move {
                        for _ in 0..ROUNDS {
                            if i % 2 == 0 {
                                let mut w = lock.write().await;
                                assert_eq!(inside.load(Ordering::SeqCst), 0);
                                w.0 += 1;
                                kiso::task::yield_now().await;
                                w.1 = w.0;
                            } else {
                                let r = lock.read().await;
                                let n = inside.fetch_add(1, Ordering::SeqCst);
                                assert!(n < 4);
                                assert_eq!(r.0, r.1, "a reader never sees a half write");
                                kiso::task::yield_now().await;
                                inside.fetch_sub(1, Ordering::SeqCst);
                            }
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await.unwrap();
            }
            let g = lock.read().await;
            (g.0, g.1)
        })
    });
    assert_eq!(sum, TASKS / 2 * ROUNDS);
    assert_eq!(writes, sum);
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
fn futures_executor_threads() {
    let total = with_timeout(|| {
        let lock = Arc::new(RwLock::new(0usize));
        let ts: Vec<_> = (0..4)
            .map(|i| {
                let lock = lock.clone();
                std::thread::spawn(move || {
                    futures::executor::block_on(async {
                        for _ in 0..300 {
                            if i % 2 == 0 {
                                *lock.write().await += 1;
                            } else {
                                let _ = *lock.read().await;
                            }
                        }
                    })
                })
            })
            .collect();
        for t in ts {
            t.join().unwrap();
        }
        let v = *lock.try_read().unwrap();
        v
    });
    assert_eq!(total, 600);
}
