/// Waits for several fallible futures to complete, or for the first of them
/// to fail, running them concurrently on the current task.
///
/// Every future must return a `Result` with the same error type.
/// `try_join!(a, b)` evaluates the expressions in order, turns each into a
/// future with [`IntoFuture`](std::future::IntoFuture) and polls them all:
///
/// * as soon as one of them completes with `Err(e)`, the `try_join!`
///   completes with `Err(e)`, and the futures that had not finished are
///   dropped (with the `try_join!` itself);
/// * if all complete with `Ok`, it evaluates to `Ok((a_value, b_value))`.
///
/// It must be used inside an `async` context. As with [`join!`](crate::join),
/// the futures run concurrently on one task, not in parallel; each poll
/// starts with the next future in turn unless `biased;` is written first.
/// `try_join!()` with no future evaluates to `Ok(())`.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "rt")]
/// # fn main() {
/// async fn parse(s: &str) -> Result<u32, String> {
///     s.parse().map_err(|_| format!("not a number: {s}"))
/// }
///
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let ok = kiso::try_join!(parse("1"), parse("2"));
///     assert_eq!(ok, Ok((1, 2)));
///
///     let err = kiso::try_join!(parse("1"), parse("two"));
///     assert_eq!(err, Err("not a number: two".to_string()));
/// });
/// # }
/// # #[cfg(not(feature = "rt"))]
/// # fn main() {}
/// ```
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
#[cfg(doc)]
macro_rules! try_join {
    ($(biased;)? $($future:expr),*) => {
        unimplemented!()
    };
}

// The real macro: the input goes to the procedural macro with `$crate`.
#[macro_export]
#[cfg(not(doc))]
macro_rules! try_join {
    ($($input:tt)*) => {
        $crate::macros::support::try_join_internal! { ($crate) $($input)* }
    };
}
