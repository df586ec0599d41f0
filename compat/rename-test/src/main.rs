//! A small program written against Tokio's API, unchanged, that Cargo builds
//! on kiso because `Cargo.toml` says `tokio = { package = "kiso", ... }`.
//!
//! `tests/macros.rs` runs it and checks its output.

use kiso_compat_rename::watchdog;
use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::task::{self, JoinHandle};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let _watchdog = watchdog("kiso-compat-rename main");

    let handle = Handle::current();
    assert_eq!(handle.runtime_flavor(), RuntimeFlavor::CurrentThread);
    assert!(task::try_id().is_none(), "the body of main is not a task");

    // Ten tasks that each yield once before they answer.
    let squares: Vec<JoinHandle<u64>> = (0..10u64)
        .map(|i| {
            tokio::spawn(async move {
                task::yield_now().await;
                i * i
            })
        })
        .collect();
    let mut sum = 0;
    for square in squares {
        sum += square.await.expect("a squaring task failed");
    }
    assert_eq!(sum, 285);

    // One closure on the blocking pool, which runs on a thread of its own.
    let main_thread = std::thread::current().id();
    let blocking_thread = task::spawn_blocking(|| std::thread::current().id())
        .await
        .expect("the blocking closure failed");
    assert_ne!(blocking_thread, main_thread);

    println!("kiso-compat-rename: ok (sum of squares {sum})");
}
