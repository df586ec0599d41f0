//! tower 0.5 middleware on kiso, around services written here: timeout,
//! concurrency limit, rate limit (on paused time) and buffer.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;
use tower::{service_fn, BoxError, Service, ServiceBuilder, ServiceExt};

const LIMIT: Duration = Duration::from_secs(20);

/// On paused time a timer fires at its deadline, give or take the timer
/// wheel's millisecond.
fn assert_about(elapsed: Duration, expected: Duration) {
    let slack = Duration::from_millis(5);
    assert!(
        elapsed >= expected && elapsed <= expected + slack,
        "{elapsed:?} is not about {expected:?}"
    );
}

/// Sleeps for the number of milliseconds it is asked, then returns it.
async fn nap(ms: u64) -> Result<u64, BoxError> {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(ms)
}

#[tokio::test(start_paused = true)]
async fn timeout_fails_slow_calls_only() {
    let mut svc = ServiceBuilder::new()
        .timeout(Duration::from_secs(1))
        .service(service_fn(nap));
    let start = Instant::now();
    assert_eq!(svc.ready().await.unwrap().call(400).await.unwrap(), 400);
    assert_about(start.elapsed(), Duration::from_millis(400));

    let start = Instant::now();
    let err = svc.ready().await.unwrap().call(5000).await.unwrap_err();
    assert!(err.is::<tower::timeout::error::Elapsed>(), "{err}");
    assert_about(start.elapsed(), Duration::from_secs(1));

    let fast = svc.oneshot(1).await.unwrap();
    assert_eq!(fast, 1);
}

#[tokio::test(start_paused = true)]
async fn concurrency_limit_holds() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_seen = Arc::new(AtomicUsize::new(0));
    let (counter, max) = (in_flight.clone(), max_seen.clone());
    let inner = service_fn(move |i: u32| {
        let (counter, max) = (counter.clone(), max.clone());
        async move {
            let now = counter.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(10)).await;
            counter.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, BoxError>(i * 2)
        }
    });
    let svc = ServiceBuilder::new().concurrency_limit(3).service(inner);
    let start = Instant::now();
    let calls: Vec<_> = (0..12)
        .map(|i| tokio::spawn(svc.clone().oneshot(i)))
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        assert_eq!(call.await.unwrap().unwrap(), i as u32 * 2);
    }
    // Twelve calls, three at a time, ten milliseconds each.
    assert_eq!(max_seen.load(Ordering::SeqCst), 3);
    assert_about(start.elapsed(), Duration::from_millis(40));
    assert_eq!(in_flight.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_spaces_calls_on_paused_time() {
    let mut svc = ServiceBuilder::new()
        .rate_limit(2, Duration::from_secs(1))
        .service(service_fn(|i: u32| async move { Ok::<_, BoxError>(i) }));
    let start = Instant::now();
    let mut seconds = Vec::new();
    for i in 0..7 {
        let got = svc.ready().await.unwrap().call(i).await.unwrap();
        assert_eq!(got, i);
        seconds.push(start.elapsed().as_millis() / 1000);
    }
    // Two calls per one-second window.
    assert_eq!(seconds, [0, 0, 1, 1, 2, 2, 3]);
}

/// A service that is not `Clone` and needs `&mut self`: the number of calls
/// it has seen before this one.
struct Sequencer {
    next: u64,
}

impl Service<&'static str> for Sequencer {
    type Response = (u64, &'static str);
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, who: &'static str) -> Self::Future {
        let n = self.next;
        self.next += 1;
        Box::pin(async move {
            tokio::task::yield_now().await;
            Ok((n, who))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buffer_shares_one_service_between_tasks() {
    tokio::time::timeout(LIMIT, async {
        let (buffer, worker) = tower::buffer::Buffer::pair(Sequencer { next: 0 }, 4);
        let worker = tokio::spawn(worker);
        const TASKS: usize = 6;
        const CALLS: usize = 25;
        let clients: Vec<_> = ["a", "b", "c", "d", "e", "f"]
            .into_iter()
            .map(|who| {
                let mut svc = buffer.clone();
                tokio::spawn(async move {
                    let mut got = Vec::new();
                    for _ in 0..CALLS {
                        let (n, echoed) = svc.ready().await.unwrap().call(who).await.unwrap();
                        assert_eq!(echoed, who);
                        got.push(n);
                    }
                    got
                })
            })
            .collect();
        let mut all = Vec::new();
        for client in clients {
            let got = client.await.unwrap();
            // One task's calls reach the service in the order it made them.
            assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
            all.extend(got);
        }
        // Every call went through the one service, each exactly once.
        all.sort_unstable();
        assert_eq!(all, (0..(TASKS * CALLS) as u64).collect::<Vec<_>>());
        // The worker ends once the last handle is gone.
        drop(buffer);
        worker.await.unwrap();
    })
    .await
    .expect("buffer test hung");
}
