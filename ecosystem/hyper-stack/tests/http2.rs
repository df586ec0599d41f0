//! HTTP/2 with prior knowledge (h2c) with hyper and hyper-util on kiso:
//! streams really multiplexed on one connection, a full-duplex echo, and the
//! legacy `Client` in HTTP/2-only mode.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Frame;
use hyper::Request;
use hyper_stack::{spawn_server, Proto, State};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const LIMIT: Duration = Duration::from_secs(20);

async fn server() -> (SocketAddr, Arc<State>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(State::default());
    spawn_server(listener, state.clone(), Proto::Http2);
    (addr, state)
}

async fn connect<B>(addr: SocketAddr) -> hyper::client::conn::http2::SendRequest<B>
where
    B: hyper::body::Body + Unpin + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = TcpStream::connect(addr).await.unwrap();
    let (sender, conn) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .timer(TokioTimer::new())
        .handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    sender
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_streams_on_one_connection() {
    tokio::time::timeout(LIMIT, async {
        let (addr, state) = server().await;
        let (started_tx, mut started) = mpsc::channel(16);
        *state.slow_started.lock().unwrap() = Some(started_tx);
        let sender = connect::<Full<Bytes>>(addr).await;
        const N: usize = 10;
        let requests: Vec<_> = (0..N)
            .map(|_| {
                let mut sender = sender.clone();
                tokio::spawn(async move {
                    let req = Request::get(format!("http://{addr}/slow"))
                        .body(Full::default())
                        .unwrap();
                    let resp = sender.send_request(req).await.unwrap();
                    assert_eq!(resp.version(), hyper::Version::HTTP_2);
                    resp.into_body().collect().await.unwrap().to_bytes()
                })
            })
            .collect();
        // Every handler must be running at once before any may answer: with
        // requests served one after the other this would never complete.
        let mut releases = Vec::new();
        for _ in 0..N {
            releases.push(started.recv().await.unwrap());
        }
        for release in releases {
            release.send(()).unwrap();
        }
        for request in requests {
            assert_eq!(request.await.unwrap(), "done");
        }
        assert_eq!(state.accepted.load(Ordering::SeqCst), 1);
    })
    .await
    .expect("concurrent h2 test hung");
}

#[tokio::test]
async fn full_duplex_echo() {
    tokio::time::timeout(LIMIT, async {
        let (addr, _state) = server().await;
        let mut sender = connect::<http_body_util::channel::Channel<Bytes>>(addr).await;
        let (mut tx, body) = http_body_util::channel::Channel::<Bytes>::new(1);
        let req = Request::post(format!("http://{addr}/echo"))
            .body(body)
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        let mut echoed = resp.into_body();
        // Each chunk comes back before the next is sent: the request is
        // still open while its response streams.
        for chunk in ["ping", "pong", "kiso"] {
            tx.send(Frame::data(Bytes::from(chunk))).await.unwrap();
            let frame = echoed.frame().await.unwrap().unwrap();
            assert_eq!(frame.into_data().unwrap(), chunk);
        }
        drop(tx);
        // The end of the stream may come as an empty DATA frame.
        let rest = echoed.collect().await.unwrap().to_bytes();
        assert!(rest.is_empty(), "{rest:?}");
    })
    .await
    .expect("duplex echo hung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_client_http2_only() {
    tokio::time::timeout(LIMIT, async {
        let (addr, state) = server().await;
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
            .http2_only(true)
            .timer(TokioTimer::new())
            .build_http();
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let client = client.clone();
                tokio::spawn(async move {
                    let req = Request::post(format!("http://{addr}/echo"))
                        .body(Full::new(Bytes::from(format!("stream {i}"))))
                        .unwrap();
                    let resp = client.request(req).await.unwrap();
                    assert_eq!(resp.version(), hyper::Version::HTTP_2);
                    resp.into_body().collect().await.unwrap().to_bytes()
                })
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap(), format!("stream {i}"));
        }
        // HTTP/2 connections are shared, not pooled one per request.
        assert_eq!(state.accepted.load(Ordering::SeqCst), 1);
    })
    .await
    .expect("legacy h2 client test hung");
}
