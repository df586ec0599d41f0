#![cfg(all(feature = "full", feature = "test-util"))]

//! The timer wheel through the public API: timers fire in deadline order on
//! paused time, and real-time sleeps on both schedulers fire on time.

use kiso::time::{sleep, Duration, Instant};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

#[test]
fn real_time_sleep_ct() {
    let rt = kiso::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let t = std::time::Instant::now();
        sleep(Duration::from_millis(30)).await;
        let e = t.elapsed();
        assert!(
            e >= Duration::from_millis(30) && e < Duration::from_millis(300),
            "{e:?}"
        );
    });
}

#[test]
fn real_time_sleep_mt() {
    let rt = kiso::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let n = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let t = std::time::Instant::now();
        let hs: Vec<_> = (0..100)
            .map(|i| {
                let n = n.clone();
                kiso::spawn(async move {
                    sleep(Duration::from_millis(10 + i % 20)).await;
                    n.fetch_add(1, SeqCst);
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
        sleep(Duration::from_millis(20)).await;
        let e = t.elapsed();
        assert!(
            e >= Duration::from_millis(29) && e < Duration::from_millis(500),
            "{e:?}"
        );
    });
    assert_eq!(n.load(SeqCst), 100);
}

#[test]
fn paused_many() {
    let rt = kiso::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let start = Instant::now();
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut hs = Vec::new();
        let mut x: u64 = 12345;
        for i in 0..10_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let ms = (x >> 33) % 100_000;
            let order = order.clone();
            hs.push(kiso::spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                order.lock().unwrap().push((ms, i));
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        let o = order.lock().unwrap();
        assert_eq!(o.len(), 10_000);
        for w in o.windows(2) {
            assert!(w[0].0 <= w[1].0, "{:?}", w);
        }
        assert!(start.elapsed() >= Duration::from_millis(o.last().unwrap().0));
    });
}
