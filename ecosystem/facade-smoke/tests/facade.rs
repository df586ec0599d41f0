//! Tokio's macros and a real ecosystem crate (tokio-stream), through the
//! facade: this file is plain Tokio code.

use std::time::Duration;
use tokio_stream::wrappers::{IntervalStream, ReceiverStream};
use tokio_stream::StreamExt;

tokio::task_local! {
    static NAME: &'static str;
}

#[tokio::test]
async fn current_thread_test_macro_and_task_local() {
    let got = NAME.scope("kiso", async { NAME.get() }).await;
    assert_eq!(got, "kiso");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_select_join_try_join_pin() {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
    let sleep = tokio::time::sleep(Duration::from_secs(60));
    tokio::pin!(sleep);
    tokio::spawn(async move { tx.send(7).await.unwrap() });
    let got = tokio::select! {
        v = rx.recv() => v,
        _ = &mut sleep => None,
    };
    assert_eq!(got, Some(7));
    let (a, b) = tokio::join!(async { 1 }, async { 2 });
    assert_eq!(a + b, 3);
    let r: Result<(u8, u8), &str> = tokio::try_join!(async { Ok(1) }, async { Err("no") });
    assert_eq!(r, Err("no"));
}

#[tokio::test]
async fn tokio_stream_receiver_stream() {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        for i in 0..10u32 {
            tx.send(i).await.unwrap();
        }
    });
    let sum: u32 = ReceiverStream::new(rx).fold(0, |acc, v| acc + v).await;
    assert_eq!(sum, 45);
}

#[tokio::test(start_paused = true)]
async fn tokio_stream_interval_stream_on_paused_time() {
    let start = tokio::time::Instant::now();
    let ticks: Vec<_> = IntervalStream::new(tokio::time::interval(Duration::from_secs(1)))
        .take(3)
        .collect()
        .await;
    assert_eq!(ticks.len(), 3);
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}

#[test]
fn the_runtime_is_kiso() {
    // kiso's task builder names are stable; Tokio's are behind tokio_unstable.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let name = rt.block_on(async {
        let h = tokio::task::Builder::new()
            .name("named")
            .spawn(async {})
            .unwrap();
        let name = h.name().map(str::to_owned);
        h.await.unwrap();
        name
    });
    assert_eq!(name.as_deref(), Some("named"));
}
