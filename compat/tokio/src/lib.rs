//! kiso under Tokio's name.
//!
//! This package is called `tokio` and has Tokio's version and feature names,
//! and its library re-exports [kiso](https://example.invalid/kiso), whose
//! public API is Tokio's. Patching `tokio` to it runs a whole dependency
//! graph (hyper, axum, tonic, reqwest, tokio-util, ...) on kiso:
//!
//! ```toml
//! [patch.crates-io]
//! tokio = { path = "path/to/kiso/compat/tokio" }
//! ```
//!
//! `#[tokio::main]`, `#[tokio::test]`, `select!`, `join!`, `try_join!`,
//! `pin!` and `task_local!` work through it: kiso's macros find the crate
//! under whichever name the calling crate depends on.
//!
//! # Examples
//!
//! ```
//! # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # rt.block_on(async {
//! let (tx, rx) = tokio::sync::oneshot::channel();
//! tokio::spawn(async move { tx.send("from kiso").unwrap() });
//! assert_eq!(rx.await.unwrap(), "from kiso");
//! # });
//! ```

#![no_std]

pub use kiso::*;
