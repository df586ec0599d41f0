//! tokio-util on kiso (through the `tokio` facade): this file is plain Tokio
//! code.

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::{Framed, LengthDelimitedCodec, LinesCodec};
use tokio_util::sync::{CancellationToken, PollSender, ReusableBoxFuture};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framed_lines_over_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut lines = Framed::new(socket, LinesCodec::new());
        while let Some(line) = lines.next().await {
            let line = line.unwrap();
            lines.send(line.to_uppercase()).await.unwrap();
        }
    });
    let mut client = Framed::new(TcpStream::connect(addr).await.unwrap(), LinesCodec::new());
    for word in ["kiso", "runs", "tokio-util"] {
        client.send(word).await.unwrap();
        assert_eq!(client.next().await.unwrap().unwrap(), word.to_uppercase());
    }
    drop(client);
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn framed_length_delimited_over_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut frames = Framed::new(socket, LengthDelimitedCodec::new());
        let mut total = 0;
        while let Some(frame) = frames.next().await {
            total += frame.unwrap().len();
        }
        total
    });
    let mut client = Framed::new(
        TcpStream::connect(addr).await.unwrap(),
        LengthDelimitedCodec::new(),
    );
    for size in [0usize, 1, 1000, 100_000] {
        client.send(Bytes::from(vec![7u8; size])).await.unwrap();
    }
    drop(client);
    let total = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(total, 101_001);
}

#[tokio::test(start_paused = true)]
async fn cancellation_token_stops_a_task() {
    let token = CancellationToken::new();
    let child = token.child_token();
    let task = tokio::spawn(async move {
        tokio::select! {
            _ = child.cancelled() => "cancelled",
            _ = tokio::time::sleep(Duration::from_secs(3600)) => "slept",
        }
    });
    tokio::task::yield_now().await;
    token.cancel();
    assert_eq!(task.await.unwrap(), "cancelled");
}

#[tokio::test]
async fn poll_sender_as_a_sink() {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(2);
    let mut sink = PollSender::new(tx);
    let producer = tokio::spawn(async move {
        for i in 0..10 {
            sink.send(i).await.unwrap();
        }
    });
    let mut got = Vec::new();
    while let Some(v) = rx.recv().await {
        got.push(v);
    }
    producer.await.unwrap();
    assert_eq!(got, (0..10).collect::<Vec<_>>());
}

#[tokio::test]
async fn reusable_box_future() {
    let mut fut = ReusableBoxFuture::new(async { 1 });
    assert_eq!((&mut fut).await, 1);
    fut.set(async { 2 });
    assert_eq!(fut.get_pin().await, 2);
}
