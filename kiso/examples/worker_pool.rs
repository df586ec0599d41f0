//! A worker pool fed by a channel: a fixed number of workers take jobs from
//! one queue and send each result back to whoever submitted the job.
//!
//! ```text
//! cargo run --example worker_pool --features full
//! ```
//!
//! Jobs travel over a bounded [`mpsc`] channel (a full queue makes
//! submitters wait: back-pressure). An mpsc channel has one receiver, so the
//! workers share it behind an async [`Mutex`]: whoever holds the lock takes
//! the next job and lets go before working on it. Each job carries a
//! [`oneshot`] sender for its answer.

use kiso::sync::{mpsc, oneshot, Mutex};
use std::sync::Arc;

const WORKERS: usize = 4;

/// A job: a number to square, and where to send the answer.
struct Job {
    n: u64,
    reply: oneshot::Sender<u64>,
}

#[kiso::main]
pub async fn main() {
    let (queue, jobs) = mpsc::channel::<Job>(16);
    let jobs = Arc::new(Mutex::new(jobs));

    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let jobs = jobs.clone();
        workers.push(kiso::spawn(async move {
            let mut done = 0;
            loop {
                // Hold the lock only while taking a job.
                let job = jobs.lock().await.recv().await;
                let Some(Job { n, reply }) = job else {
                    return done; // the queue is closed and empty
                };
                // The submitter may have given up waiting; that is fine.
                let _ = reply.send(n * n);
                done += 1;
            }
        }));
    }

    // Submit 100 jobs and collect the answers.
    let mut answers = Vec::new();
    for n in 0..100 {
        let (reply, answer) = oneshot::channel();
        queue
            .send(Job { n, reply })
            .await
            .expect("the workers are running");
        answers.push(answer);
    }
    // No more jobs: the workers stop once the queue is drained.
    drop(queue);

    let mut sum = 0;
    for answer in answers {
        sum += answer.await.expect("every job is answered");
    }
    let mut per_worker = Vec::new();
    for worker in workers {
        per_worker.push(worker.await.expect("a worker panicked"));
    }
    println!("sum of squares 0..100 = {sum}; jobs per worker: {per_worker:?}");
    assert_eq!(sum, (0..100u64).map(|n| n * n).sum::<u64>());
    assert_eq!(per_worker.iter().sum::<usize>(), 100);
}
