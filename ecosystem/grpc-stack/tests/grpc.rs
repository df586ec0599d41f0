//! tonic on kiso: `transport::Server` on a `TcpListenerStream`, a
//! `transport::Channel` to it, and the four kinds of gRPC call.

use futures::StreamExt;
use grpc_stack::{DemoClient, DemoServer, Greeting, Number, Reply};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tonic::transport::{Channel, Server};
use tonic::{Code, Request};

const LIMIT: Duration = Duration::from_secs(20);

struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<Result<(), tonic::transport::Error>>,
}

async fn start() -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(
        Server::builder()
            .add_service(DemoServer)
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async {
                let _ = stopped.await;
            }),
    );
    Running { addr, stop, server }
}

async fn channel(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unary_calls_metadata_and_errors() {
    tokio::time::timeout(LIMIT, async {
        let running = start().await;
        let mut client = DemoClient::new(channel(running.addr).await);

        let mut request = Request::new(Greeting {
            name: "kiso".into(),
        });
        request
            .metadata_mut()
            .insert("x-caller", "grpc-stack".parse().unwrap());
        let response = client.greet(request).await.unwrap();
        assert_eq!(
            response.metadata().get("x-served-for").unwrap(),
            "grpc-stack"
        );
        assert_eq!(response.into_inner().text, "hello, kiso");

        let err = client
            .greet(Request::new(Greeting::default()))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(err.message(), "name is empty");

        let err = client.missing().await.unwrap_err();
        assert_eq!(err.code(), Code::Unimplemented);

        // Concurrent calls from several tasks share the channel.
        let calls: Vec<_> = (0..8)
            .map(|i| {
                let mut client = client.clone();
                tokio::spawn(async move {
                    let name = format!("task {i}");
                    let request = Request::new(Greeting { name });
                    client.greet(request).await.unwrap().into_inner().text
                })
            })
            .collect();
        for (i, call) in calls.into_iter().enumerate() {
            assert_eq!(call.await.unwrap(), format!("hello, task {i}"));
        }
    })
    .await
    .expect("unary test hung");
}

#[tokio::test]
async fn server_streaming() {
    tokio::time::timeout(LIMIT, async {
        let running = start().await;
        let mut client = DemoClient::new(channel(running.addr).await);
        let mut numbers = client.count(5).await.unwrap();
        let mut got = Vec::new();
        while let Some(n) = numbers.message().await.unwrap() {
            got.push(n.value);
        }
        assert_eq!(got, [1, 2, 3, 4, 5]);

        let many = client.count(2000).await.unwrap();
        let total: u64 = many
            .map(|n| n.unwrap().value)
            .fold(0, |a, b| async move { a + b })
            .await;
        assert_eq!(total, 2000 * 2001 / 2);
    })
    .await
    .expect("server streaming test hung");
}

#[tokio::test]
async fn client_streaming() {
    tokio::time::timeout(LIMIT, async {
        let running = start().await;
        let mut client = DemoClient::new(channel(running.addr).await);
        let numbers = futures::stream::iter((1..=100).map(|value| Number { value }));
        assert_eq!(client.sum(numbers).await.unwrap(), 5050);
        assert_eq!(client.sum(futures::stream::empty()).await.unwrap(), 0);
    })
    .await
    .expect("client streaming test hung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidirectional_streaming_interleaves() {
    tokio::time::timeout(LIMIT, async {
        let running = start().await;
        let mut client = DemoClient::new(channel(running.addr).await);
        let (tx, rx) = mpsc::channel(1);
        let mut replies = client.shout(ReceiverStream::new(rx)).await.unwrap();
        // Each reply arrives before the next text is sent.
        for text in ["one", "two", "kiso"] {
            tx.send(Reply { text: text.into() }).await.unwrap();
            let reply = replies.message().await.unwrap().unwrap();
            assert_eq!(reply.text, text.to_uppercase());
        }
        drop(tx);
        assert!(replies.message().await.unwrap().is_none());
    })
    .await
    .expect("bidirectional test hung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_signal_stops_the_server() {
    tokio::time::timeout(LIMIT, async {
        let running = start().await;
        let channel = channel(running.addr).await;
        let mut client = DemoClient::new(channel.clone());
        let request = Request::new(Greeting { name: "a".into() });
        assert_eq!(
            client.greet(request).await.unwrap().into_inner().text,
            "hello, a"
        );

        running.stop.send(()).unwrap();
        running.server.await.unwrap().expect("serve returns Ok");
        assert!(
            tokio::net::TcpStream::connect(running.addr).await.is_err(),
            "the listener is closed"
        );
        // A call racing the client's view of the closed connection may be
        // cancelled on it; once the channel knows, calls are unavailable.
        let request = Request::new(Greeting { name: "b".into() });
        let err = client.greet(request).await.unwrap_err();
        assert!(
            matches!(err.code(), Code::Unavailable | Code::Cancelled),
            "{err:?}"
        );
        let request = Request::new(Greeting { name: "c".into() });
        let err = client.greet(request).await.unwrap_err();
        assert_eq!(err.code(), Code::Unavailable, "{err:?}");
    })
    .await
    .expect("shutdown test hung");
}
