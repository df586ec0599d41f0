//! Scheduler workloads that are the same on every runtime flavor: written
//! once here and expanded inside each flavor's module (`rt_current`,
//! `rt_multi`), where `runtime()`, `rt`, `ROUND_TRIPS` and `YIELDS_PER_TASK`
//! resolve to that flavor's.

/// Expands to `spawn_join`, `yield_many`, `ping_pong` and `chained_spawn`
/// (and their helpers) in the invoking module.
macro_rules! scheduler_workloads {
    () => {
        /// Panics unless called on a worker thread: the workloads that claim to spawn
        /// from a worker check it once, outside their loops.
        fn assert_on_worker(what: &str) {
            assert!(
                rt::runtime::worker_index().is_some(),
                "{what}: not running on a worker thread"
            );
        }

        pub fn spawn_join(size: Size) -> Sample {
            let runtime = runtime();
            let Size { n, reps } = size;
            measure((n * reps) as u64, || {
                let driver = runtime.spawn(async move {
                    assert_on_worker("spawn_join driver");
                    let mut handles = Vec::with_capacity(n);
                    for _ in 0..reps {
                        handles.extend((0..n).map(|i| rt::spawn(async move { black_box(i) })));
                        for handle in handles.drain(..) {
                            black_box(handle.await.expect("trivial task"));
                        }
                    }
                });
                runtime.block_on(driver).expect("spawn_join driver");
            })
        }

        pub fn yield_many(size: Size) -> Sample {
            let runtime = runtime();
            let Size { n, reps } = size;
            measure((n * YIELDS_PER_TASK * reps) as u64, || {
                let driver = runtime.spawn(async move {
                    assert_on_worker("yield_many driver");
                    let mut handles = Vec::with_capacity(n);
                    for _ in 0..reps {
                        handles.extend((0..n).map(|_| {
                            rt::spawn(async {
                                for _ in 0..YIELDS_PER_TASK {
                                    rt::task::yield_now().await;
                                }
                            })
                        }));
                        for handle in handles.drain(..) {
                            handle.await.expect("yielding task");
                        }
                    }
                });
                runtime.block_on(driver).expect("yield_many driver");
            })
        }

        pub fn ping_pong(size: Size) -> Sample {
            let runtime = runtime();
            let Size { n, reps } = size;
            measure((n * ROUND_TRIPS * 2 * reps) as u64, || {
                let driver = runtime.spawn(async move {
                    assert_on_worker("ping_pong driver");
                    let mut handles = Vec::with_capacity(2 * n);
                    for _ in 0..reps {
                        for _ in 0..n {
                            // [0]: ping -> pong, [1]: pong -> ping.
                            let ping = Arc::new([Baton::new(), Baton::new()]);
                            let pong = ping.clone();
                            handles.push(rt::spawn(async move {
                                for _ in 0..ROUND_TRIPS {
                                    ping[0].pass();
                                    ping[1].take().await;
                                }
                            }));
                            handles.push(rt::spawn(async move {
                                for _ in 0..ROUND_TRIPS {
                                    pong[0].take().await;
                                    pong[1].pass();
                                }
                            }));
                        }
                        for handle in handles.drain(..) {
                            handle.await.expect("ping-pong task");
                        }
                    }
                });
                runtime.block_on(driver).expect("ping_pong driver");
            })
        }

        /// Spawns the next link of the chain: `remaining` more links after this one.
        fn link(remaining: usize, done: Arc<Latch>) {
            drop(rt::spawn(async move {
                if remaining == 0 {
                    done.count_down();
                } else {
                    link(remaining - 1, done);
                }
            }));
        }

        pub fn chained_spawn(size: Size) -> Sample {
            let runtime = runtime();
            let Size { n, reps } = size;
            measure((n * reps) as u64, || {
                let driver = runtime.spawn(async move {
                    assert_on_worker("chained_spawn driver");
                    for _ in 0..reps {
                        let done = Arc::new(Latch::new(1));
                        link(n - 1, done.clone());
                        done.wait().await;
                    }
                });
                runtime.block_on(driver).expect("chained_spawn driver");
            })
        }
    };
}
