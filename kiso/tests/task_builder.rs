//! `task::Builder`: spawning named tasks, and the spawn metadata (name,
//! location) every task keeps.
//!
//! The tests above the `kiso extensions` line were written first against
//! Tokio 1.54.1 (where the builder needs `--cfg tokio_unstable` and the
//! `tracing` feature); the ones below test what only kiso offers.

#![cfg(feature = "full")]

use kiso::runtime::{Builder as RtBuilder, Runtime};
use kiso::task::{Builder, JoinSet};

fn current() -> Runtime {
    RtBuilder::new_current_thread().build().unwrap()
}

fn multi() -> Runtime {
    RtBuilder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

#[test]
fn builder_spawn_variants() {
    for rt in [current(), multi()] {
        let out = rt.block_on(async {
            let a = Builder::new().name("a").spawn(async { 1 }).unwrap();
            let b = Builder::new().spawn(async { 2 }).unwrap();
            let c = Builder::new().name("c").spawn_blocking(|| 3).unwrap();
            a.await.unwrap() + b.await.unwrap() + c.await.unwrap()
        });
        assert_eq!(out, 6);
        let d = Builder::new()
            .name("d")
            .spawn_on(async { 4 }, rt.handle())
            .unwrap();
        let e = Builder::new()
            .name("e")
            .spawn_blocking_on(|| 5, rt.handle())
            .unwrap();
        assert_eq!(
            rt.block_on(async { d.await.unwrap() + e.await.unwrap() }),
            9
        );
    }
}

#[test]
fn builder_tasks_are_ordinary_tasks() {
    current().block_on(async {
        let handle = Builder::new()
            .name("pending")
            .spawn(std::future::pending::<()>())
            .unwrap();
        handle.abort();
        assert!(handle.await.unwrap_err().is_cancelled());
        let handle = Builder::new()
            .name("panics")
            .spawn(async { panic!("named panic") })
            .unwrap();
        assert!(handle.await.unwrap_err().is_panic());
        let handle = Builder::new()
            .name("id")
            .spawn(async { kiso::task::id() })
            .unwrap();
        let id = handle.id();
        assert_eq!(handle.await.unwrap(), id);
    });
}

#[test]
fn builder_is_default_and_debug() {
    let b: Builder<'_> = Default::default();
    let _ = format!("{b:?}");
    let named = Builder::new().name("x");
    assert!(format!("{named:?}").contains("\"x\""));
}

// ---- kiso extensions -------------------------------------------------

#[test]
fn names_are_readable_from_handles() {
    for rt in [current(), multi()] {
        rt.block_on(async {
            let name = String::from("short-lived name");
            let handle = Builder::new().name(&name).spawn(async { 1 }).unwrap();
            drop(name); // the task keeps its own copy
            assert_eq!(handle.name(), Some("short-lived name"));
            assert_eq!(handle.abort_handle().name(), Some("short-lived name"));
            assert_eq!(handle.await.unwrap(), 1);

            let unnamed = kiso::spawn(async {});
            assert_eq!(unnamed.name(), None);
            let blocking = Builder::new()
                .name("blocker")
                .spawn_blocking(|| ())
                .unwrap();
            assert_eq!(blocking.name(), Some("blocker"));
            unnamed.await.unwrap();
            blocking.await.unwrap();
        });
    }
}

#[test]
fn spawn_locations_point_at_the_caller() {
    let rt = current();
    let line = line!() + 1;
    let h = rt.spawn(async {});
    let loc = h.spawn_location().unwrap();
    assert_eq!((loc.file(), loc.line()), (file!(), line));

    rt.block_on(async {
        let line = line!() + 1;
        let h = kiso::spawn(async {});
        assert_eq!(h.spawn_location().unwrap().line(), line);
        assert_eq!(h.spawn_location().unwrap().file(), file!());

        let line = line!() + 1;
        let h = kiso::task::spawn_blocking(|| ());
        assert_eq!(h.spawn_location().unwrap().line(), line);

        let line = line!() + 1;
        let h = kiso::runtime::Handle::current().spawn(async {});
        assert_eq!(h.spawn_location().unwrap().line(), line);

        let line = line!() + 1;
        let h = Builder::new().name("n").spawn(async {}).unwrap();
        assert_eq!(h.spawn_location().unwrap().line(), line);
        assert_eq!(h.abort_handle().spawn_location().unwrap().line(), line);

        let mut set = JoinSet::new();
        let line = line!() + 1;
        let abort = set.spawn(async {});
        assert_eq!(abort.spawn_location().unwrap().line(), line);
        let line = line!() + 1;
        let abort = set.build_task().name("in set").spawn(async {}).unwrap();
        assert_eq!(abort.spawn_location().unwrap().line(), line);
        assert_eq!(abort.name(), Some("in set"));
        set.join_all().await;
    });
    rt.block_on(h).unwrap();
}

#[test]
fn join_set_builder_variants() {
    let rt = multi();
    let mut set = JoinSet::new();
    set.build_task()
        .name("a")
        .spawn_on(async { 1 }, rt.handle())
        .unwrap();
    set.build_task()
        .name("b")
        .spawn_blocking_on(|| 2, rt.handle())
        .unwrap();
    rt.block_on(async {
        set.build_task().spawn(async { 3 }).unwrap();
        set.build_task().name("d").spawn_blocking(|| 4).unwrap();
    });
    let mut out = rt.block_on(set.join_all());
    out.sort();
    assert_eq!(out, [1, 2, 3, 4]);
}
