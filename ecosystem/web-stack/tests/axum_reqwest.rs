//! An axum 0.8 app on kiso, called by a reqwest 0.12 client (plain http):
//! extractors, JSON both ways, shared state, a tower-http timeout, and
//! `axum::serve` with graceful shutdown.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tower_http::timeout::TimeoutLayer;

const LIMIT: Duration = Duration::from_secs(20);
const HANDLER_TIMEOUT: Duration = Duration::from_millis(150);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Item {
    id: u32,
    name: String,
    qty: u32,
}

#[derive(Deserialize, Serialize)]
struct NewItem {
    name: String,
    qty: u32,
}

#[derive(Deserialize)]
struct Filter {
    min_qty: Option<u32>,
}

#[derive(Clone, Default)]
struct AppState {
    items: Arc<Mutex<BTreeMap<u32, Item>>>,
    /// `/slow` reports here that it started, then waits to be released.
    slow: Option<mpsc::Sender<oneshot::Sender<()>>>,
    /// What happened, in order, for the graceful shutdown test.
    log: Arc<Mutex<Vec<&'static str>>>,
}

async fn create(
    State(state): State<AppState>,
    Json(new): Json<NewItem>,
) -> (StatusCode, Json<Item>) {
    let mut items = state.items.lock().unwrap();
    let id = items.keys().next_back().map_or(1, |last| last + 1);
    let item = Item {
        id,
        name: new.name,
        qty: new.qty,
    };
    items.insert(id, item.clone());
    (StatusCode::CREATED, Json(item))
}

async fn fetch(
    State(state): State<AppState>,
    Path(id): Path<u32>,
) -> Result<Json<Item>, StatusCode> {
    let items = state.items.lock().unwrap();
    items
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

async fn list(State(state): State<AppState>, Query(filter): Query<Filter>) -> Json<Vec<Item>> {
    let min = filter.min_qty.unwrap_or(0);
    let items = state.items.lock().unwrap();
    Json(items.values().filter(|i| i.qty >= min).cloned().collect())
}

async fn hang() -> &'static str {
    std::future::pending::<()>().await;
    "unreachable"
}

async fn slow(State(state): State<AppState>) -> &'static str {
    let (release_tx, release_rx) = oneshot::channel();
    state.slow.unwrap().send(release_tx).await.unwrap();
    release_rx.await.unwrap();
    state.log.lock().unwrap().push("handler finished");
    "finished"
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/items", get(list).post(create))
        .route("/items/{id}", get(fetch))
        .route("/hang", get(hang))
        .route("/slow", get(slow))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            HANDLER_TIMEOUT,
        ))
        .with_state(state)
}

async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_extractors_json_and_state() {
    tokio::time::timeout(LIMIT, async {
        let (listener, addr) = bind().await;
        tokio::spawn(async move { axum::serve(listener, app(AppState::default())).await });
        let http = client();
        let base = format!("http://{addr}");

        for (name, qty) in [("bolt", 40), ("nut", 3), ("gear", 12)] {
            let resp = http
                .post(format!("{base}/items"))
                .json(&NewItem {
                    name: name.into(),
                    qty,
                })
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::CREATED);
            let item: Item = resp.json().await.unwrap();
            assert_eq!((item.name.as_str(), item.qty), (name, qty));
        }

        let gear: Item = http
            .get(format!("{base}/items/3"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            gear,
            Item {
                id: 3,
                name: "gear".into(),
                qty: 12
            }
        );

        let many: Vec<Item> = http
            .get(format!("{base}/items"))
            .query(&[("min_qty", "10")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let names: Vec<_> = many.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["bolt", "gear"]);

        let status = |path: &'static str| {
            let req = http.get(format!("{base}{path}"));
            async move { req.send().await.unwrap().status() }
        };
        assert_eq!(status("/items/99").await, StatusCode::NOT_FOUND);
        assert_eq!(status("/items/not-a-number").await, StatusCode::BAD_REQUEST);
        assert_eq!(status("/items?min_qty=-1").await, StatusCode::BAD_REQUEST);
        assert_eq!(status("/nowhere").await, StatusCode::NOT_FOUND);

        let wrong_shape = http
            .post(format!("{base}/items"))
            .json(&serde_json_like_wrong_shape())
            .send()
            .await
            .unwrap();
        assert_eq!(wrong_shape.status(), StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await
    .expect("routes test hung");
}

/// A JSON object with `qty` a string: valid JSON, not a `NewItem`.
fn serde_json_like_wrong_shape() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([("name", "washer"), ("qty", "many")])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_layer_answers_for_a_stuck_handler() {
    tokio::time::timeout(LIMIT, async {
        let (listener, addr) = bind().await;
        tokio::spawn(async move { axum::serve(listener, app(AppState::default())).await });
        let http = client();
        let start = Instant::now();
        let resp = http
            .get(format!("http://{addr}/hang"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
        assert!(start.elapsed() >= HANDLER_TIMEOUT);
        // The same layer lets a quick handler through.
        let resp = http
            .get(format!("http://{addr}/items"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    })
    .await
    .expect("timeout layer test hung");
}

// One thread, so that when the test sees the listener closed, the serve
// future has already run as far as it will before it waits for connections.
#[tokio::test]
async fn graceful_shutdown_waits_for_the_request_in_flight() {
    tokio::time::timeout(LIMIT, async {
        let (listener, addr) = bind().await;
        let (started_tx, mut started) = mpsc::channel(1);
        let state = AppState {
            slow: Some(started_tx),
            ..AppState::default()
        };
        let log = state.log.clone();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let server_log = log.clone();
        let server = tokio::spawn(async move {
            axum::serve(listener, app(state))
                .with_graceful_shutdown(async move {
                    stop_rx.await.unwrap();
                })
                .await
                .unwrap();
            server_log.lock().unwrap().push("serve returned");
        });

        let http = client();
        let request = tokio::spawn(http.get(format!("http://{addr}/slow")).send());
        let release = started.recv().await.unwrap();
        stop_tx.send(()).unwrap();
        // Shutdown has begun once the listener is gone.
        while let Ok(probe) = TcpStream::connect(addr).await {
            drop(probe);
            tokio::task::yield_now().await;
        }
        assert!(log.lock().unwrap().is_empty(), "serve returned too early");
        assert!(!server.is_finished());

        release.send(()).unwrap();
        let resp = request
            .await
            .unwrap()
            .expect("in-flight request must finish");
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.text().await.unwrap(), "finished");
        server.await.unwrap();
        assert_eq!(*log.lock().unwrap(), ["handler finished", "serve returned"]);
    })
    .await
    .expect("graceful shutdown test hung");
}
