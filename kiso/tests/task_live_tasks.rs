//! `RuntimeMetrics::live_tasks`: a snapshot of the runtime's tasks with
//! their ids, names and spawn locations (a kiso extension).

#![cfg(feature = "full")]

use kiso::runtime::Builder;
use kiso::task::Builder as TaskBuilder;

#[test]
fn snapshot_on_both_runtimes() {
    for rt in [
        Builder::new_current_thread().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    ] {
        let line = line!() + 1;
        let a = rt.spawn(std::future::pending::<()>());
        let b = {
            let _guard = rt.enter();
            TaskBuilder::new()
                .name("named")
                .spawn(std::future::pending::<()>())
                .unwrap()
        };
        // A current-thread runtime takes remote spawns in when driven.
        rt.block_on(kiso::task::yield_now());
        // From the thread that drives it, and from outside.
        let inside = rt
            .block_on(async { kiso::runtime::Handle::current().metrics().live_tasks() })
            .unwrap();
        let outside = rt.metrics().live_tasks().unwrap();
        for tasks in [inside, outside] {
            assert_eq!(tasks.len(), 2);
            let ta = tasks.iter().find(|t| t.id() == a.id()).unwrap();
            assert_eq!(ta.name(), None);
            assert_eq!(ta.spawn_location().unwrap().line(), line);
            let tb = tasks.iter().find(|t| t.id() == b.id()).unwrap();
            assert_eq!(tb.name(), Some("named"));
        }
        a.abort();
        b.abort();
        rt.block_on(async {
            assert!(a.await.unwrap_err().is_cancelled());
            assert!(b.await.unwrap_err().is_cancelled());
        });
        assert_eq!(rt.metrics().live_tasks().unwrap().len(), 0);
    }
}
