#![cfg(feature = "full")]

//! Misuse panics carry the caller's location. One test per binary, since it
//! installs a process-wide panic hook.

use std::panic;
use std::sync::{Arc, Mutex};

fn caught_location(f: impl FnOnce() + panic::UnwindSafe) -> (String, String) {
    let seen: Arc<Mutex<Option<(String, String)>>> = Arc::default();
    let s = seen.clone();
    panic::set_hook(Box::new(move |info| {
        let loc = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        *s.lock().unwrap() = Some((loc, msg));
    }));
    assert!(panic::catch_unwind(f).is_err());
    let _ = panic::take_hook();
    let out = seen.lock().unwrap().take().expect("panic hook ran");
    out
}

/// The panic points into this file (the caller), not into kiso's sources.
fn assert_caller(loc: &str) {
    assert!(
        loc.starts_with(&format!("{}:", file!())),
        "panic located at {loc}, not at the caller"
    );
}

#[test]
fn misuse_panics_name_the_callers_location() {
    // Handle::current() outside a runtime.
    let (loc, msg) = caught_location(|| drop(kiso::runtime::Handle::current()));
    assert_caller(&loc);
    assert!(msg.contains("no reactor running"), "{msg}");

    // spawn outside a runtime.
    let (loc, msg) = caught_location(|| drop(kiso::spawn(async {})));
    assert_caller(&loc);
    assert!(msg.contains("outside of a runtime"), "{msg}");

    // block_on inside a runtime.
    let rt = kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let rt2 = kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (loc, msg) = caught_location(panic::AssertUnwindSafe(|| {
        rt.block_on(async { rt2.block_on(async {}) })
    }));
    assert_caller(&loc);
    assert!(
        msg.contains("cannot start a runtime from within a runtime"),
        "{msg}"
    );

    // Handle::block_on inside a task.
    let h = rt2.handle().clone();
    let (loc, _) = caught_location(panic::AssertUnwindSafe(|| {
        rt.block_on(async { h.block_on(async {}) })
    }));
    assert_caller(&loc);

    // The runtimes are still usable afterwards.
    assert_eq!(
        rt.block_on(async { kiso::spawn(async { 1 }).await.unwrap() }),
        1
    );
}
