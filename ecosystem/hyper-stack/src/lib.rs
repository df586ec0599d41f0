//! One hyper service shared by the tests in `tests/`, which run hyper and
//! hyper-util on kiso through the `tokio` facade.

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type Body = BoxBody<Bytes, BoxError>;

/// What the handler shares with a test.
#[derive(Default)]
pub struct State {
    /// Connections the server accepted.
    pub accepted: AtomicUsize,
    /// Chunks `GET /stream` sends, one frame each, until the sender is dropped.
    pub stream_chunks: Mutex<Option<mpsc::Receiver<Bytes>>>,
    /// `GET /slow` reports here that it started, then waits to be released.
    pub slow_started: Mutex<Option<mpsc::Sender<oneshot::Sender<()>>>>,
}

pub fn full(data: impl Into<Bytes>) -> Body {
    Full::new(data.into()).map_err(|e| match e {}).boxed()
}

/// The routes:
/// - `GET /hello`: `hello`, with `x-request-on-conn` the number of this
///   request on its connection (1, 2, ...);
/// - `POST /echo`: the request body, streamed back frame by frame;
/// - `POST /len`: the request body's length and whether it came chunked;
/// - `GET /stream`: the chunks of `State::stream_chunks`, as they come;
/// - `GET /slow`: `done` once the test releases it.
pub async fn handle(
    state: Arc<State>,
    on_conn: Arc<AtomicUsize>,
    req: Request<Incoming>,
) -> Result<Response<Body>, BoxError> {
    let nth = on_conn.fetch_add(1, Ordering::SeqCst) + 1;
    let response = match (req.method(), req.uri().path()) {
        (&Method::GET, "/hello") => Response::builder()
            .header("x-request-on-conn", nth.to_string())
            .body(full("hello"))?,
        (&Method::POST, "/echo") => Response::new(req.into_body().map_err(BoxError::from).boxed()),
        (&Method::POST, "/len") => {
            let chunked = req
                .headers()
                .get("transfer-encoding")
                .is_some_and(|v| v == "chunked");
            let len = req.into_body().collect().await?.to_bytes().len();
            Response::new(full(format!("{len} chunked={chunked}")))
        }
        (&Method::GET, "/stream") => {
            let rx = state
                .stream_chunks
                .lock()
                .unwrap()
                .take()
                .ok_or("no chunks")?;
            let frames = futures::stream::unfold(rx, |mut rx| async move {
                let chunk = rx.recv().await?;
                Some((Ok::<_, BoxError>(Frame::data(chunk)), rx))
            });
            Response::new(BodyExt::boxed(StreamBody::new(frames)))
        }
        (&Method::GET, "/slow") => {
            let started = state.slow_started.lock().unwrap().clone();
            let (release_tx, release_rx) = oneshot::channel();
            started.ok_or("no slow channel")?.send(release_tx).await?;
            release_rx.await?;
            Response::new(full("done"))
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(full(""))?,
    };
    Ok(response)
}

/// Which protocol `spawn_server` speaks on every connection it accepts.
#[derive(Clone, Copy)]
pub enum Proto {
    Http1,
    /// HTTP/2 with prior knowledge (h2c): no TLS, no upgrade.
    Http2,
}

/// Accepts connections on `listener` forever, each served by `handle` in a
/// task of its own, with hyper's connection builders used directly.
pub fn spawn_server(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    proto: Proto,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.expect("accept");
            state.accepted.fetch_add(1, Ordering::SeqCst);
            let io = hyper_util::rt::TokioIo::new(stream);
            let svc = service(state.clone());
            tokio::spawn(async move {
                match proto {
                    Proto::Http1 => {
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(io, svc)
                            .await;
                    }
                    Proto::Http2 => {
                        let exec = hyper_util::rt::TokioExecutor::new();
                        let _ = hyper::server::conn::http2::Builder::new(exec)
                            .serve_connection(io, svc)
                            .await;
                    }
                }
            });
        }
    })
}

/// `handle` as a hyper service for one connection.
pub fn service(
    state: Arc<State>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<Body>,
    Error = BoxError,
    Future = impl Future<Output = Result<Response<Body>, BoxError>> + Send,
> + Clone
       + Send
       + 'static {
    let on_conn = Arc::new(AtomicUsize::new(0));
    hyper::service::service_fn(move |req| handle(state.clone(), on_conn.clone(), req))
}
