//! tokio-stream on kiso: `TcpListenerStream` and `StreamExt` combinators,
//! the timed ones on paused time.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::{sleep, Instant};
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tokio_stream::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_listener_stream_accepts_several_connections() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut incoming = TcpListenerStream::new(listener);
        let clients: Vec<_> = (0..5u8)
            .map(|id| {
                tokio::spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    stream.write_all(&[id]).await.unwrap();
                    let mut answer = [0u8; 1];
                    stream.read_exact(&mut answer).await.unwrap();
                    answer[0]
                })
            })
            .collect();
        let mut served = 0;
        while served < clients.len() {
            let mut stream = incoming.next().await.unwrap().unwrap();
            tokio::spawn(async move {
                let mut id = [0u8; 1];
                stream.read_exact(&mut id).await.unwrap();
                stream.write_all(&[id[0] + 100]).await.unwrap();
            });
            served += 1;
        }
        for (id, client) in clients.into_iter().enumerate() {
            assert_eq!(client.await.unwrap(), id as u8 + 100);
        }
        // The listener is still there underneath.
        assert_eq!(incoming.into_inner().local_addr().unwrap(), addr);
    })
    .await
    .expect("accepting through the stream hung");
}

#[tokio::test]
async fn map_filter_take() {
    let got: Vec<u32> = tokio_stream::iter(1..=20)
        .map(|x| x * x)
        .filter(|x| x % 2 == 0)
        .take(3)
        .collect()
        .await;
    assert_eq!(got, [4, 16, 36]);
}

#[tokio::test(start_paused = true)]
async fn timeout_yields_one_error_per_silence() {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        tx.send(1).await.unwrap();
        sleep(Duration::from_millis(500)).await;
        tx.send(2).await.unwrap();
        sleep(Duration::from_millis(1500)).await;
        tx.send(3).await.unwrap();
    });
    let start = Instant::now();
    let stream = ReceiverStream::new(rx).timeout(Duration::from_secs(1));
    tokio::pin!(stream);
    let mut got = Vec::new();
    while let Some(item) = stream.next().await {
        got.push((item.ok(), start.elapsed().as_millis()));
    }
    // Silent for 1.5 s after 2: one `Elapsed` at 1 s past it, then 3.
    assert_eq!(
        got,
        [(Some(1), 0), (Some(2), 500), (None, 1500), (Some(3), 2000)]
    );
}

#[tokio::test]
async fn merge_yields_everything_and_ends_with_both() {
    let (tx, rx) = mpsc::channel(8);
    let evens = ReceiverStream::new(rx);
    let odds = tokio_stream::iter([1, 3, 5, 7]);
    let producer = tokio::spawn(async move {
        for n in [0, 2, 4, 6, 8] {
            tx.send(n).await.unwrap();
        }
    });
    let mut got: Vec<i32> = odds.merge(evens).collect().await;
    producer.await.unwrap();
    got.sort_unstable();
    assert_eq!(got, (0..=8).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn chunks_timeout_by_size_and_by_time() {
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(async move {
        for n in [1, 2, 3] {
            tx.send(n).await.unwrap();
        }
        sleep(Duration::from_secs(5)).await;
        for n in [4, 5, 6] {
            tx.send(n).await.unwrap();
        }
    });
    let start = Instant::now();
    let chunks = ReceiverStream::new(rx).chunks_timeout(2, Duration::from_secs(1));
    tokio::pin!(chunks);
    let mut got = Vec::new();
    while let Some(chunk) = chunks.next().await {
        got.push((chunk, start.elapsed().as_secs()));
    }
    // Full chunks go at once, a lone 3 after its second, the rest at the end.
    assert_eq!(
        got,
        [(vec![1, 2], 0), (vec![3], 1), (vec![4, 5], 5), (vec![6], 5)]
    );
}
