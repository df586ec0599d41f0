//! kiso: an asynchronous runtime for Rust, with Tokio's API.
//!
//! kiso runs asynchronous Rust: it schedules tasks, runs blocking work on a
//! pool of threads, and (as the project grows) drives I/O, timers, channels,
//! sockets, files, processes and signals. Its public API is Tokio 1.54's,
//! item for item, so a program moves over by changing one line of
//! `Cargo.toml`:
//!
//! ```toml
//! [dependencies]
//! tokio = { package = "kiso", version = "0.1", features = ["full"] }
//! ```
//!
//! # Examples
//!
//! ```
//! # #[cfg(all(feature = "macros", feature = "rt"))]
//! #[kiso::main(flavor = "current_thread")]
//! async fn main() {
//!     let handle = kiso::spawn(async { 6 * 7 });
//!     println!("the answer is {}", handle.await.unwrap());
//! }
//! # #[cfg(not(all(feature = "macros", feature = "rt")))]
//! # fn main() {}
//! ```
//!
//! # Feature flags
//!
//! kiso uses Tokio's feature names: `rt`, `rt-multi-thread`, `net`, `time`,
//! `sync`, `io-util`, `io-std`, `fs`, `process`, `signal`, `macros`,
//! `test-util`, `parking_lot` (accepted, no effect), and `full` for all but
//! `test-util`.

#![warn(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    rust_2018_idioms
)]
#![deny(unsafe_op_in_unsafe_fn)]
// With only some features on, parts shared between features go unused;
// the full build is the one held to the unused-code lints.
#![cfg_attr(
    not(feature = "full"),
    allow(dead_code, unused_imports, unused_variables, unreachable_pub)
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings), allow(unused_variables))))]

#[macro_use]
#[doc(hidden)]
pub mod macros;

// Without `rt` most of the facade is unused.
#[allow(unused_imports, dead_code)]
pub(crate) mod loom;

pub mod io;

cfg_net! {
    pub mod net;
}
cfg_sync! {
    pub mod sync;
}

#[cfg(feature = "fs")]
#[cfg_attr(docsrs, doc(cfg(feature = "fs")))]
pub mod fs;

/// Asynchronous streams: kiso, like Tokio, has no stream type of its own.
///
/// The `Stream` trait is not in the standard library yet, so the stream
/// adapters of the runtime's types live in separate crates (`tokio-stream`
/// runs on kiso through the `tokio` facade). Any stream library can wrap a
/// receiver; for example, with `futures`:
///
/// ```
/// use futures::StreamExt;
///
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, rx) = kiso::sync::mpsc::channel::<u32>(4);
/// let stream = futures::stream::unfold(rx, |mut rx| async move {
///     rx.recv().await.map(|v| (v, rx))
/// });
/// tx.send(1).await.unwrap();
/// drop(tx);
/// assert_eq!(stream.collect::<Vec<_>>().await, [1]);
/// # });
/// ```
pub mod stream {}

pub mod task;

pub(crate) mod util;

#[cfg(all(feature = "time", feature = "rt"))]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
pub mod time;

// Without `rt`, the I/O types of `net` still exist (as Tokio's do) on
// stand-ins for the runtime's I/O driver.
#[cfg(all(
    not(feature = "rt"),
    any(feature = "net", feature = "process", feature = "signal")
))]
#[path = "runtime_stub.rs"]
pub(crate) mod runtime;

#[cfg(all(feature = "process", feature = "rt"))]
#[cfg_attr(docsrs, doc(cfg(feature = "process")))]
pub mod process;

#[cfg(all(feature = "signal", feature = "rt"))]
#[cfg_attr(docsrs, doc(cfg(feature = "signal")))]
pub mod signal;

cfg_rt! {
    pub mod runtime;
    pub use task::spawn;
}

// `#[kiso::main]` / `#[kiso::test]`: the full versions with a multi-thread
// runtime available, current-thread-only versions with `rt` alone, and
// versions that explain the missing feature without `rt`.
#[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
#[doc(inline)]
pub use kiso_macros::{main, test};

#[cfg(all(feature = "macros", feature = "rt", not(feature = "rt-multi-thread")))]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
#[doc(inline)]
pub use kiso_macros::{main_rt as main, test_rt as test};

#[cfg(all(feature = "macros", not(feature = "rt")))]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
#[doc(inline)]
pub use kiso_macros::{main_fail as main, test_fail as test};

/// Runs the examples of `#[kiso::main]` and `#[kiso::test]` (documented in
/// the macro crate, which cannot run them itself) as kiso doctests.
#[cfg(all(
    doctest,
    feature = "macros",
    feature = "rt-multi-thread",
    feature = "test-util"
))]
#[doc = include_str!("../../kiso-macros/docs/main.md")]
#[doc = include_str!("../../kiso-macros/docs/test.md")]
struct MacroDocTests;
