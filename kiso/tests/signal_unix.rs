//! `kiso::signal`: listeners, several of them, several runtimes, coalescing,
//! refused signals, `ctrl_c`.
//!
//! Signals and their handlers belong to the whole process, so every test
//! that raises a signal runs again, alone, in a child process of this test
//! binary (`rerun_in_child`): the parent only checks that the child passed.

#![cfg(all(feature = "signal", feature = "rt-multi-thread", feature = "macros"))]

mod support;

use futures::FutureExt;
use kiso::signal::unix::{signal, SignalKind};
use std::os::raw::c_int;
use support::*;

extern "C" {
    fn raise(sig: c_int) -> c_int;
}

/// Sends `kind` to this process (to the calling thread, synchronously: the
/// handler has run when this returns).
fn send(kind: SignalKind) {
    // SAFETY: `raise` has no memory-safety preconditions; every signal the
    // tests raise has a handler installed by a listener made beforehand.
    let rc = unsafe { raise(kind.as_raw_value()) };
    assert_eq!(rc, 0, "raise failed");
}

/// Reruns the calling test in a child unless this is that child.
macro_rules! isolate {
    ($name:literal) => {
        if !in_child($name) {
            rerun_in_child($name, None);
            return;
        }
    };
}

#[test]
fn every_listener_gets_the_signal_current_thread() {
    isolate!("every_listener_gets_the_signal_current_thread");
    with_timeout(|| {
        current_thread().block_on(async {
            let mut a = signal(SignalKind::user_defined1()).unwrap();
            let mut b = signal(SignalKind::user_defined1()).unwrap();
            let mut c = signal(SignalKind::user_defined1()).unwrap();
            let mut other = signal(SignalKind::user_defined2()).unwrap();
            // Two listeners wait in tasks of their own, one here.
            let ta = kiso::spawn(async move { a.recv().await });
            let tb = kiso::spawn(async move { b.recv().await });
            kiso::task::yield_now().await;
            send(SignalKind::user_defined1());
            assert_eq!(c.recv().await, Some(()));
            assert_eq!(ta.await.unwrap(), Some(()));
            assert_eq!(tb.await.unwrap(), Some(()));
            // A different signal saw nothing.
            assert_eq!(other.recv().now_or_never(), None);
        });
    });
}

#[test]
fn every_listener_gets_the_signal_multi_thread() {
    isolate!("every_listener_gets_the_signal_multi_thread");
    with_timeout(|| {
        let rt = multi(2);
        rt.block_on(async {
            let listeners: Vec<_> = (0..8)
                .map(|_| signal(SignalKind::user_defined1()).unwrap())
                .collect();
            let tasks: Vec<_> = listeners
                .into_iter()
                .map(|mut s| kiso::spawn(async move { s.recv().await }))
                .collect();
            send(SignalKind::user_defined1());
            for t in tasks {
                assert_eq!(t.await.unwrap(), Some(()));
            }
        });
    });
}

#[test]
fn listeners_on_two_runtimes_both_get_it() {
    isolate!("listeners_on_two_runtimes_both_get_it");
    with_timeout(|| {
        let rt1 = current_thread();
        let rt2 = multi(2);
        let mut s1 = rt1.block_on(async { signal(SignalKind::user_defined2()).unwrap() });
        let mut s2 = rt2.block_on(async { signal(SignalKind::user_defined2()).unwrap() });
        // Each runtime waits on a thread of its own.
        let (tx1, rx1) = std::sync::mpsc::channel();
        let t1 = std::thread::spawn(move || {
            rt1.block_on(async move {
                let recv = s1.recv();
                tx1.send(()).unwrap();
                recv.await
            })
        });
        let t2 = std::thread::spawn(move || rt2.block_on(async move { s2.recv().await }));
        rx1.recv().unwrap();
        send(SignalKind::user_defined2());
        assert_eq!(t1.join().unwrap(), Some(()));
        assert_eq!(t2.join().unwrap(), Some(()));
    });
}

#[test]
fn a_signal_before_the_first_poll_is_kept_and_repeats_coalesce() {
    isolate!("a_signal_before_the_first_poll_is_kept_and_repeats_coalesce");
    with_timeout(|| {
        current_thread().block_on(async {
            let mut s = signal(SignalKind::user_defined1()).unwrap();
            // Three deliveries before anyone looks: one notification.
            send(SignalKind::user_defined1());
            send(SignalKind::user_defined1());
            send(SignalKind::user_defined1());
            assert_eq!(s.recv().await, Some(()));
            assert_eq!(s.recv().now_or_never(), None);
            // The listener keeps working afterwards.
            send(SignalKind::user_defined1());
            assert_eq!(s.recv().await, Some(()));
            // A listener made after a delivery does not see it.
            let mut late = signal(SignalKind::user_defined1()).unwrap();
            assert_eq!(late.recv().now_or_never(), None);
        });
    });
}

#[test]
fn poll_recv_reports_a_delivery() {
    isolate!("poll_recv_reports_a_delivery");
    with_timeout(|| {
        current_thread().block_on(async {
            let mut s = signal(SignalKind::window_change()).unwrap();
            let pending = std::future::poll_fn(|cx| std::task::Poll::Ready(s.poll_recv(cx))).await;
            assert!(pending.is_pending());
            send(SignalKind::window_change());
            let got = std::future::poll_fn(|cx| s.poll_recv(cx)).await;
            assert_eq!(got, Some(()));
        });
    });
}

#[test]
fn ctrl_c_completes_on_sigint() {
    isolate!("ctrl_c_completes_on_sigint");
    with_timeout(|| {
        current_thread().block_on(async {
            let mut stop = Box::pin(kiso::signal::ctrl_c());
            // The first poll sets the listener up.
            assert!((&mut stop).now_or_never().is_none());
            send(SignalKind::interrupt());
            stop.await.unwrap();
        });
    });
}

#[test]
fn refused_signals_are_errors() {
    with_timeout(|| {
        current_thread().block_on(async {
            // SIGKILL, SIGSTOP, SIGILL, SIGFPE, SIGSEGV, and numbers that are
            // not signals.
            for raw in [9, 19, 4, 8, 11, 0, -1, 1_000_000] {
                let res = signal(SignalKind::from_raw(raw));
                assert!(res.is_err(), "signal {raw} was accepted");
            }
        });
    });
}

#[test]
fn signal_kind_conversions() {
    let kinds = [
        SignalKind::alarm(),
        SignalKind::child(),
        SignalKind::hangup(),
        SignalKind::interrupt(),
        SignalKind::io(),
        SignalKind::pipe(),
        SignalKind::quit(),
        SignalKind::terminate(),
        SignalKind::user_defined1(),
        SignalKind::user_defined2(),
        SignalKind::window_change(),
    ];
    let raws: Vec<c_int> = kinds.iter().map(|k| k.as_raw_value()).collect();
    assert_eq!(raws, [14, 17, 1, 2, 29, 13, 3, 15, 10, 12, 28]);
    for k in kinds {
        let raw: c_int = k.into();
        assert_eq!(SignalKind::from(raw), k);
        assert_eq!(SignalKind::from_raw(raw), k);
    }
}

#[test]
fn signal_outside_a_runtime_panics() {
    let res = std::panic::catch_unwind(|| signal(SignalKind::user_defined1()));
    assert!(res.is_err());
    // A runtime without the I/O driver cannot listen either.
    let rt = kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let res = std::panic::catch_unwind(|| signal(SignalKind::user_defined1()));
    assert!(res.is_err());
}

#[test]
fn signal_is_send_sync_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<kiso::signal::unix::Signal>();
    check::<SignalKind>();
}
