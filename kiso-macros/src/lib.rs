//! Procedural macros for [kiso]: the `#[kiso::main]` and `#[kiso::test]`
//! attributes.
//!
//! Do not depend on this crate directly. Enable kiso's `macros` feature and
//! use the attributes through kiso, as `#[kiso::main]` and `#[kiso::test]`
//! (or under whatever name your `Cargo.toml` gives the kiso dependency, e.g.
//! `#[tokio::main]` with `tokio = { package = "kiso", ... }`).
//!
//! # What the attributes generate
//!
//! Both attributes turn an `async fn` into an ordinary function with the same
//! name, visibility, parameters, return type and attributes. The new function
//! builds a runtime, runs the original body on it to completion and returns
//! the body's value. In outline,
//!
//! ```text
//! #[kiso::main]
//! async fn main() -> Result<(), Error> {
//!     do_work().await?;
//!     Ok(())
//! }
//! ```
//!
//! becomes
//!
//! ```text
//! fn main() -> Result<(), Error> {
//!     let body = async move {
//!         do_work().await?;
//!         Ok(())
//!     };
//!     let rt = ::kiso::runtime::Builder::new_multi_thread()
//!         .enable_all()
//!         .build()
//!         .expect("Failed building the Runtime");
//!     rt.block_on(body)
//! }
//! ```
//!
//! In more detail:
//!
//! * The runtime comes from `Builder::new_multi_thread()` or
//!   `Builder::new_current_thread()` depending on the `flavor` option, followed
//!   by `.worker_threads(n)`, `.start_paused(b)`, `.name(s)` and
//!   `.unhandled_panic(..)` for each option that is given, then by
//!   `.enable_all()` (I/O and time drivers) and `.build()`. With
//!   `flavor = "local"` the runtime is made with
//!   `.build_local(LocalOptions::default())` instead. If building the runtime
//!   fails, the function panics with the message `Failed building the Runtime`.
//! * `#[kiso::main]` defaults to the multi-threaded runtime, `#[kiso::test]` to
//!   the current-thread runtime. A fresh runtime is built every time the
//!   function is called and shut down before it returns.
//! * `#[kiso::test]` additionally marks the function with the built-in
//!   `#[test]` attribute, so `#[should_panic]`, `#[ignore]` and the like work as
//!   they do on synchronous tests.
//! * The body runs inside an `async move` block whose output type is fixed to
//!   the declared return type before the body is type-checked. `?` and
//!   `return` inside the body therefore behave as in the original `async fn`,
//!   and type errors are reported at the offending expression in the body.
//! * Inner attributes of the body (`#![allow(..)]`) are moved onto the
//!   generated function, where they have the same effect.
//! * For tests, the future is pinned on the stack and driven as a
//!   `Pin<&mut dyn Future<Output = _>>`, which keeps the amount of code
//!   generated per test small.
//! * The paths in the generated code start with the name under which the
//!   crate being compiled depends on kiso, found by reading its `Cargo.toml`:
//!   a dependency on the package `kiso` (renamed or not) is used first, then a
//!   dependency on a package named `tokio` (for a facade crate re-exporting
//!   kiso), and `kiso` otherwise. The `crate = "path"` option overrides this.
//!
//! Mistakes in the options (an unknown option, a duplicate, a value of the
//! wrong kind, an option that does not fit the chosen flavor) and in the
//! function (no `async`, a `main` with parameters, a test with parameters or
//! with a second `#[test]`) are reported as compile errors pointing at the
//! offending tokens.
//!
//! # Which macro kiso exports
//!
//! This crate exports three versions of each attribute; kiso re-exports one
//! of them as `main` and `test` depending on its enabled features:
//!
//! | kiso features       | `kiso::main` | `kiso::test` |
//! |---------------------|--------------|--------------|
//! | `rt-multi-thread`   | [`main`]     | [`test`]     |
//! | `rt` only           | [`main_rt`]  | [`test_rt`]  |
//! | neither             | [`main_fail`]| [`test_fail`]|
//!
//! [kiso]: https://docs.rs/kiso

#![warn(missing_docs)]

mod args;
mod crate_path;
mod expand;
mod item;
mod join;
mod select;

use proc_macro::TokenStream;

/// Which attribute is being expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Main,
    Test,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Main => "main",
            Kind::Test => "test",
        }
    }
}

/// Which runtimes kiso was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Support {
    /// `rt-multi-thread` is enabled: every flavor is available.
    MultiThread,
    /// Only `rt` is enabled: the multi-threaded runtime is missing.
    CurrentThread,
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/main.md"))]
// The examples show the `fn main` the attribute expands to.
#[allow(clippy::needless_doctest_main)]
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::entry(Kind::Main, Support::MultiThread, args.into(), item.into()).into()
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/test.md"))]
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::entry(Kind::Test, Support::MultiThread, args.into(), item.into()).into()
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/main.md"))]
#[cfg_attr(not(doctest), doc = include_str!("../docs/rt_only.md"))]
#[allow(clippy::needless_doctest_main)]
#[proc_macro_attribute]
pub fn main_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::entry(Kind::Main, Support::CurrentThread, args.into(), item.into()).into()
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/test.md"))]
#[cfg_attr(not(doctest), doc = include_str!("../docs/rt_only.md"))]
#[proc_macro_attribute]
pub fn test_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::entry(Kind::Test, Support::CurrentThread, args.into(), item.into()).into()
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/main_fail.md"))]
#[proc_macro_attribute]
pub fn main_fail(_args: TokenStream, item: TokenStream) -> TokenStream {
    expand::fail(Kind::Main, item.into()).into()
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/test_fail.md"))]
#[proc_macro_attribute]
pub fn test_fail(_args: TokenStream, item: TokenStream) -> TokenStream {
    expand::fail(Kind::Test, item.into()).into()
}

/// The expansion of kiso's `select!`; not a public API.
///
/// kiso's `select!` macro calls it as `select_internal!(($crate) input)`.
#[doc(hidden)]
#[proc_macro]
pub fn select_internal(input: TokenStream) -> TokenStream {
    select::expand(input.into()).into()
}

/// The expansion of kiso's `join!`; not a public API.
#[doc(hidden)]
#[proc_macro]
pub fn join_internal(input: TokenStream) -> TokenStream {
    join::expand(join::Kind::Join, input.into()).into()
}

/// The expansion of kiso's `try_join!`; not a public API.
#[doc(hidden)]
#[proc_macro]
pub fn try_join_internal(input: TokenStream) -> TokenStream {
    join::expand(join::Kind::TryJoin, input.into()).into()
}
