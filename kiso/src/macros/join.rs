/// Waits for several futures to complete, running them concurrently on the
/// current task, and returns all their outputs as a tuple.
///
/// `join!(a, b, c)` evaluates the expressions in order, turns each into a
/// future with [`IntoFuture`](std::future::IntoFuture), then polls them all
/// until every one is done, and evaluates to `(a_output, b_output,
/// c_output)`. It must be used inside an `async` context. A future is dropped
/// as soon as it completes; its output waits in its place.
///
/// The futures run concurrently, not in parallel: they share the task that
/// awaits the `join!`, so a future that blocks the thread blocks them all.
/// Spawn tasks (and join their handles) to run in parallel.
///
/// Each time the join is polled it starts with the next future in turn, so
/// a future that uses up the task's coop budget every time cannot starve the
/// ones after it. Write `biased;` first to always poll them in the order
/// they are written instead.
///
/// `join!()` with no future evaluates to `()`.
///
/// To stop at the first error among futures that return `Result`, use
/// [`try_join!`](crate::try_join).
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "rt")]
/// # fn main() {
/// async fn double(x: u32) -> u32 {
///     kiso::task::yield_now().await;
///     x * 2
/// }
///
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let (a, b, c) = kiso::join!(double(1), double(2), async { "three" });
///     assert_eq!((a, b, c), (2, 4, "three"));
///
///     // Polled in the written order on each round.
///     let (x, y) = kiso::join!(biased; double(5), double(6));
///     assert_eq!((x, y), (10, 12));
/// });
/// # }
/// # #[cfg(not(feature = "rt"))]
/// # fn main() {}
/// ```
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
#[cfg(doc)]
macro_rules! join {
    ($(biased;)? $($future:expr),*) => {
        unimplemented!()
    };
}

// The real macro: the input goes to the procedural macro with `$crate`.
#[macro_export]
#[cfg(not(doc))]
macro_rules! join {
    ($($input:tt)*) => {
        $crate::macros::support::join_internal! { ($crate) $($input)* }
    };
}
