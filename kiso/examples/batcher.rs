//! A telemetry batcher: events arrive on a channel and are flushed in
//! batches, whenever `BATCH` have piled up or `EVERY` has passed since the
//! last flush, whichever comes first.
//!
//! ```text
//! cargo run --example batcher --features full
//! ```
//!
//! The batcher `select!`s between the next event and the next tick of an
//! [`interval`](kiso::time::interval): an event adds to the batch (and a
//! full batch is flushed at once), a tick flushes what there is. Once every
//! sender is gone it flushes the rest and stops. `recv` is cancel safe, so
//! losing the race to a tick loses no event.

use kiso::sync::mpsc;
use kiso::time::{self, Duration, MissedTickBehavior};

const BATCH: usize = 8;
const EVERY: Duration = Duration::from_millis(50);

#[kiso::main]
pub async fn main() {
    let (events, mut inbox) = mpsc::channel::<u32>(64);

    let batcher = kiso::spawn(async move {
        let mut batch = Vec::with_capacity(BATCH);
        let mut flushed = Vec::new();
        let mut ticks = time::interval(EVERY);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        // The first tick completes at once.
        ticks.tick().await;
        loop {
            kiso::select! {
                event = inbox.recv() => match event {
                    Some(event) => {
                        batch.push(event);
                        if batch.len() < BATCH {
                            continue;
                        }
                    }
                    // Every sender is gone: flush the rest and stop.
                    None => {
                        if !batch.is_empty() {
                            flushed.push(std::mem::take(&mut batch));
                        }
                        return flushed;
                    }
                },
                // A tick: flush whatever there is.
                _ = ticks.tick() => {}
            }
            if !batch.is_empty() {
                println!("flushing {} events", batch.len());
                flushed.push(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
            // The next time-based flush is a full period after this one.
            ticks.reset();
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
