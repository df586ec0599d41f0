//! hyper-util's `GracefulShutdown` around connections of the `auto` builder
//! (HTTP/1.1 or h2c, detected per connection), on kiso: a request in flight
//! when shutdown starts is answered, then the connection closes and the
//! shutdown completes.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_stack::{service, State};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

#[derive(Clone, Copy, Debug)]
enum Client {
    Http1,
    Http2,
}

async fn in_flight_request_survives_shutdown(client: Client) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(State::default());
    let (started_tx, mut started) = mpsc::channel(1);
    *state.slow_started.lock().unwrap() = Some(started_tx);
    let (stop_tx, mut stop) = oneshot::channel::<()>();
    let (begun_tx, begun) = oneshot::channel::<()>();

    let server_state = state.clone();
    let server = tokio::spawn(async move {
        let graceful = GracefulShutdown::new();
        let builder = auto::Builder::new(TokioExecutor::new());
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let (stream, _) = accepted.unwrap();
                    let conn = builder
                        .serve_connection(TokioIo::new(stream), service(server_state.clone()))
                        .into_owned();
                    tokio::spawn(graceful.watch(conn));
                }
                _ = &mut stop => break,
            }
        }
        drop(listener);
        assert_eq!(graceful.count(), 1);
        let shutdown = graceful.shutdown();
        tokio::pin!(shutdown);
        // The first poll signals the connections; the one with a request in
        // flight keeps the shutdown pending.
        assert!(futures::poll!(&mut shutdown).is_pending());
        begun_tx.send(()).unwrap();
        shutdown.await;
    });

    let stream = TcpStream::connect(addr).await.unwrap();
    let io = TokioIo::new(stream);
    let req = Request::get(format!("http://{addr}/slow"))
        .body(Full::<Bytes>::default())
        .unwrap();
    let (response, conn) = match client {
        Client::Http1 => {
            let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
            let conn = tokio::spawn(conn);
            (tokio::spawn(sender.send_request(req)), conn)
        }
        Client::Http2 => {
            let (mut sender, conn) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
                    .await
                    .unwrap();
            let conn = tokio::spawn(conn);
            (tokio::spawn(sender.send_request(req)), conn)
        }
    };

    let release = started.recv().await.unwrap();
    stop_tx.send(()).unwrap();
    begun
        .await
        .expect("server task failed before shutdown began");
    release.send(()).unwrap();

    let resp = response
        .await
        .unwrap()
        .expect("in-flight request must finish");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.into_body().collect().await.unwrap().to_bytes(), "done");
    server.await.expect("shutdown must complete");
    conn.await
        .unwrap()
        .expect("the server closes the connection cleanly");
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "listener is closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_http1() {
    tokio::time::timeout(
        Duration::from_secs(20),
        in_flight_request_survives_shutdown(Client::Http1),
    )
    .await
    .expect("graceful shutdown (HTTP/1.1) hung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_http2() {
    tokio::time::timeout(
        Duration::from_secs(20),
        in_flight_request_survives_shutdown(Client::Http2),
    )
    .await
    .expect("graceful shutdown (h2c) hung");
}
