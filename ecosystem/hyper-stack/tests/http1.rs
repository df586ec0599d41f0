//! HTTP/1.1 with hyper and hyper-util on kiso: hyper's own client connection,
//! hyper-util's legacy `Client`, streamed bodies both ways, and the
//! `TokioTimer` behind a header read timeout.

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
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const LIMIT: Duration = Duration::from_secs(20);

async fn server() -> (SocketAddr, Arc<State>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(State::default());
    spawn_server(listener, state.clone(), Proto::Http1);
    (addr, state)
}

/// One client connection, its driver in a task; returns the request sender.
async fn connect<B>(addr: SocketAddr) -> hyper::client::conn::http1::SendRequest<B>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = TcpStream::connect(addr).await.unwrap();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    sender
}

fn uri(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_and_echo_on_one_connection() {
    tokio::time::timeout(LIMIT, async {
        let (addr, state) = server().await;
        let mut sender = connect::<Full<Bytes>>(addr).await;
        for nth in 1..=4 {
            sender.ready().await.unwrap();
            let req = Request::get(uri(addr, "/hello"))
                .body(Full::default())
                .unwrap();
            let resp = sender.send_request(req).await.unwrap();
            assert_eq!(resp.status(), 200);
            assert_eq!(resp.headers()["x-request-on-conn"], nth.to_string());
            let body = resp.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(body, "hello");
        }
        let payload = Bytes::from(vec![b'k'; 64 * 1024]);
        sender.ready().await.unwrap();
        let req = Request::post(uri(addr, "/echo"))
            .body(Full::new(payload.clone()))
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, payload);
        // Five requests, one connection.
        assert_eq!(state.accepted.load(Ordering::SeqCst), 1);
    })
    .await
    .expect("keep-alive test hung");
}

#[tokio::test]
async fn response_body_streams_chunk_by_chunk() {
    tokio::time::timeout(LIMIT, async {
        let (addr, state) = server().await;
        let (chunks, rx) = mpsc::channel::<Bytes>(1);
        *state.stream_chunks.lock().unwrap() = Some(rx);
        let mut sender = connect::<Full<Bytes>>(addr).await;
        let req = Request::get(uri(addr, "/stream"))
            .body(Full::default())
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        assert_eq!(resp.headers()["transfer-encoding"], "chunked");
        let mut body = resp.into_body();
        // The server has the next chunk only after the client has read the
        // previous one: each must cross the connection on its own.
        for chunk in ["one", "two", "three"] {
            chunks.send(Bytes::from(chunk)).await.unwrap();
            let frame = body.frame().await.unwrap().unwrap();
            assert_eq!(frame.into_data().unwrap(), chunk);
        }
        drop(chunks);
        assert!(
            body.frame().await.is_none(),
            "body must end with the stream"
        );
    })
    .await
    .expect("streaming test hung");
}

#[tokio::test]
async fn chunked_request_body() {
    tokio::time::timeout(LIMIT, async {
        let (addr, _state) = server().await;
        let mut sender = connect::<http_body_util::channel::Channel<Bytes>>(addr).await;
        let (mut tx, body) = http_body_util::channel::Channel::<Bytes>::new(1);
        let producer = tokio::spawn(async move {
            for size in [10usize, 0, 5000, 1] {
                tx.send(Frame::data(Bytes::from(vec![b'x'; size])))
                    .await
                    .unwrap();
            }
        });
        let req = Request::post(uri(addr, "/len")).body(body).unwrap();
        let resp = sender.send_request(req).await.unwrap();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "5011 chunked=true");
        producer.await.unwrap();
    })
    .await
    .expect("chunked request test hung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_client_sequential_and_concurrent() {
    tokio::time::timeout(LIMIT, async {
        let (addr, _state) = server().await;
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .build_http();
        let resp = client
            .get(uri(addr, "/hello").parse().unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.into_body().collect().await.unwrap().to_bytes(),
            "hello"
        );

        let req = Request::post(uri(addr, "/echo"))
            .body(Full::new(Bytes::from_static(b"posted through the pool")))
            .unwrap();
        let resp = client.request(req).await.unwrap();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "posted through the pool");

        let missing = client
            .get(uri(addr, "/nowhere").parse().unwrap())
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);

        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let client = client.clone();
                tokio::spawn(async move {
                    let req = Request::post(uri(addr, "/echo"))
                        .body(Full::new(Bytes::from(format!("request {i}"))))
                        .unwrap();
                    let resp = client.request(req).await.unwrap();
                    resp.into_body().collect().await.unwrap().to_bytes()
                })
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap(), format!("request {i}"));
        }
    })
    .await
    .expect("legacy client test hung");
}

#[tokio::test]
async fn header_read_timeout_with_tokio_timer() {
    tokio::time::timeout(LIMIT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let read_timeout = Duration::from_millis(200);
        let server = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(
                    TokioIo::new(stream),
                    hyper_stack::service(Arc::new(State::default())),
                )
                .await
        });
        let start = Instant::now();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        // A request head that never ends.
        stream
            .write_all(b"GET /hello HTTP/1.1\r\nhost: kiso\r\n")
            .await
            .unwrap();
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).await.unwrap();
        assert!(start.elapsed() >= read_timeout, "closed too early");
        assert!(!rest.starts_with(b"HTTP/1.1 200"));
        let err = server.await.unwrap().expect_err("the connection must fail");
        assert!(err.is_timeout(), "{err:?}");
    })
    .await
    .expect("header read timeout test hung");
}
