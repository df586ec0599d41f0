//! A concurrency limiter: run many jobs, but never more than a few at once.
//!
//! ```text
//! cargo run --example limiter --features full
//! ```
//!
//! A [`Semaphore`] holds one permit per slot. Each job takes a permit before
//! it starts and gives it back when it ends (the permit is dropped), so at
//! most `LIMIT` jobs run at any moment; the rest wait their turn, first come
//! first served.

use kiso::sync::Semaphore;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const JOBS: usize = 20;
const LIMIT: usize = 3;

#[kiso::main]
pub async fn main() {
    let slots = Arc::new(Semaphore::new(LIMIT));
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));

    let mut jobs = Vec::new();
    for id in 0..JOBS {
        let (slots, running, most) = (slots.clone(), running.clone(), most.clone());
        jobs.push(kiso::spawn(async move {
            // Wait for a free slot; the permit frees it when dropped.
            let _permit = slots
                .acquire()
                .await
                .expect("the semaphore is never closed");
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);

            // The job itself: here, some simulated work.
            kiso::time::sleep(Duration::from_millis(10)).await;

            running.fetch_sub(1, Ordering::SeqCst);
            id
        }));
    }
    for job in jobs {
        job.await.expect("a job panicked");
    }
    let most = most.load(Ordering::SeqCst);
    println!("{JOBS} jobs done, at most {most} at a time (limit {LIMIT})");
    assert!(most <= LIMIT);
}
