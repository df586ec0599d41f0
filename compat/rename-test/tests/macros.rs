//! The macros, written against Tokio's API and reached through the renamed
//! dependency: `#[tokio::main]`, `#[tokio::test]` and `tokio::pin!`. The
//! crate's binary (`src/main.rs`, a real `#[tokio::main] fn main`) is run here
//! too.

use std::cell::Cell;
use std::future::Future;
use std::process::Command;
use std::rc::Rc;
use std::task::Poll;

use kiso_compat_rename::{watchdog, Signal};
use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::task;

#[tokio::test]
async fn test_attribute_runs_the_body_on_a_current_thread_runtime() {
    let handle = Handle::current();
    assert_eq!(handle.runtime_flavor(), RuntimeFlavor::CurrentThread);
    assert_eq!(
        task::try_id(),
        None,
        "the test body is the block_on future, not a task"
    );
    assert_eq!(tokio::spawn(async { 2 }).await.unwrap(), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn test_attribute_takes_the_current_thread_flavor_explicitly() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
}

#[tokio::test]
async fn test_body_need_not_be_send() {
    let shared = Rc::new(Cell::new(1));
    let held = shared.clone();
    task::yield_now().await; // an Rc held across an .await
    held.set(2);
    assert_eq!(shared.get(), 2);
}

#[tokio::test]
async fn test_body_may_return_a_result() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = "21".parse()?;
    let doubled = tokio::spawn(async move { n * 2 }).await?; // JoinError converts
    assert_eq!(doubled, 42);
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn double_on_a_runtime_of_its_own(x: u32) -> u32 {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
    tokio::spawn(async move { x * 2 }).await.unwrap()
}

#[tokio::main(flavor = "current_thread", name = "compat-main")]
async fn name_of_the_runtime() -> Option<String> {
    Handle::current().name().map(String::from)
}

#[test]
fn main_attribute_works_on_any_function() {
    assert_eq!(double_on_a_runtime_of_its_own(21), 42);
    assert!(
        Handle::try_current().is_err(),
        "the runtime is gone when the function returns"
    );
    assert_eq!(name_of_the_runtime().as_deref(), Some("compat-main"));
}

#[tokio::test]
async fn pin_macro_pins_futures_on_the_stack() {
    let _watchdog = watchdog("pin_macro_pins_futures_on_the_stack");
    let gate = Signal::new();
    let waiting = gate.clone();
    let fut = async move {
        waiting.wait().await;
        3
    };
    tokio::pin!(fut);

    // Poll it once by hand through the pinned reference: it is pending.
    let first = std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await;
    assert!(first.is_pending());

    gate.set();
    assert_eq!((&mut fut).await, 3, "a pinned reference is itself a future");

    // Several at once, by name...
    let (a, b) = (async { 1 }, async { 2 });
    tokio::pin!(a, b);
    assert_eq!(a.as_mut().await + b.as_mut().await, 3);

    // ...and declared inside the macro.
    tokio::pin! {
        let c = async { 4 };
        let d = task::yield_now();
    }
    d.as_mut().await;
    assert_eq!(c.await, 4);
}

#[test]
fn the_binary_built_with_tokio_main_runs_to_completion() {
    // The binary arms its own watchdog, so this cannot hang.
    let output = Command::new(env!("CARGO_BIN_EXE_kiso-compat-rename"))
        .output()
        .expect("run the kiso-compat-rename binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert_eq!(stdout.trim(), "kiso-compat-rename: ok (sum of squares 285)");
}

/// `select!`, `join!`, `try_join!`, `pin!` and `task_local!` spelled through
/// the renamed crate: their expansions must name the crate the way the user
/// did, not `kiso`.
#[tokio::test]
async fn function_like_macros_through_the_rename() {
    tokio::task_local! {
        static REQUEST: u32;
    }
    let (a, b) = tokio::join!(async { 1 }, async { 2 });
    assert_eq!(a + b, 3);
    let r: Result<(u8, u8), ()> = tokio::try_join!(async { Ok(1) }, async { Ok(2) });
    assert_eq!(r, Ok((1, 2)));
    let fut = async { 5 };
    tokio::pin!(fut);
    let picked = tokio::select! {
        biased;
        v = &mut fut => v,
        _ = tokio::task::yield_now() => 0,
    };
    assert_eq!(picked, 5);
    let seen = REQUEST.scope(7, async { REQUEST.get() }).await;
    assert_eq!(seen, 7);
}
