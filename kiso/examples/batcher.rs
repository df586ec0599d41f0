//! A telemetry batcher: events arrive on a channel and are flushed in
//! batches, whenever `BATCH` have piled up or `EVERY` has passed since the
//! last flush, whichever comes first.
//!
//! ```text
//! cargo run --example batcher --features full
//! ```
//!
//! The batcher waits for the next event with a deadline
//! ([`timeout_at`](kiso::time::timeout_at)): an event adds to the batch, the
//! deadline flushes what there is. Once every sender is gone it flushes the
//! rest and stops.

use kiso::sync::mpsc;
use kiso::time::{self, Duration, Instant};

const BATCH: usize = 8;
const EVERY: Duration = Duration::from_millis(50);

#[kiso::main]
pub async fn main() {
    let (events, mut inbox) = mpsc::channel::<u32>(64);

    let batcher = kiso::spawn(async move {
        let mut batch = Vec::with_capacity(BATCH);
        let mut flushed = Vec::new();
        let mut deadline = Instant::now() + EVERY;
        loop {
            match time::timeout_at(deadline, inbox.recv()).await {
                Ok(Some(event)) => {
                    batch.push(event);
                    if batch.len() < BATCH {
                        continue;
                    }
                }
                // Every sender is gone: flush the rest and stop.
                Ok(None) => {
                    if !batch.is_empty() {
                        flushed.push(std::mem::take(&mut batch));
                    }
                    return flushed;
                }
                // The deadline passed: flush whatever there is.
                Err(_elapsed) => {}
            }
            if !batch.is_empty() {
                println!("flushing {} events", batch.len());
                flushed.push(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
            deadline = Instant::now() + EVERY;
        }
    });

    // A burst (flushed by size), a pause (flushed by time), then a trickle.
    for i in 0..20 {
        events.send(i).await.unwrap();
    }
    time::sleep(EVERY * 2).await;
    for i in 20..23 {
        events.send(i).await.unwrap();
    }
    drop(events);

    let flushed = batcher.await.unwrap();
    let all: Vec<u32> = flushed.iter().flatten().copied().collect();
    println!(
        "{} batches: {:?}",
        flushed.len(),
        flushed.iter().map(Vec::len).collect::<Vec<_>>()
    );
    assert_eq!(
        all,
        (0..23).collect::<Vec<_>>(),
        "every event, once, in order"
    );
    assert!(flushed.iter().all(|b| !b.is_empty() && b.len() <= BATCH));
}
