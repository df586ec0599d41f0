/// Waits on several futures at once and runs the code of the first one to
/// complete, dropping the others.
///
/// Each branch has the form
///
/// ```text
/// <pattern> = <future> [, if <condition>] => <handler>,
/// ```
///
/// and an optional last branch `else => <expression>` handles the case where
/// every branch is disabled. The `select!` expression evaluates to the value
/// of the handler that runs, so all handlers (and `else`) have the same type.
///
/// It must be used inside an `async` context. What happens, in order:
///
/// 1. Every `if` condition is evaluated, in order. A branch whose condition
///    is `false` is *disabled*: its future is still created (step 2) but is
///    never polled.
/// 2. Every `<future>` expression is evaluated, in order, and turned into a
///    future with [`IntoFuture`](std::future::IntoFuture).
/// 3. The futures are polled, all on the current task, starting from a
///    randomly chosen branch (or the first one, with `biased;`, see below)
///    and going round once. When one completes, its branch is disabled (it
///    will not be polled again) and its output is matched against the
///    branch's pattern:
///    * if it matches, polling stops, every future of the `select!` is
///      dropped, and the branch's handler runs with the pattern's bindings;
///    * if it does not, the output is dropped and the other branches go on.
/// 4. If every branch is disabled (by its condition, or because it completed
///    with an output its pattern did not match), the `else` expression is
///    evaluated; without an `else` branch, `select!` panics.
///
/// The handler runs outside of the polling, after the futures are dropped,
/// so it may `.await`, `return`, `break`, `continue` or use `?` as the code
/// around `select!` could, and may use anything the futures borrowed.
///
/// Up to 64 branches are supported.
///
/// # Fairness and `biased;`
///
/// By default the first branch polled is drawn from the random number
/// generator of the thread: when several futures are ready at once, each
/// one wins about as often as the others. The generator of a runtime can be
/// seeded with [`Builder::rng_seed`](crate::runtime::Builder::rng_seed) so
/// that a program on a `current_thread` runtime makes the same choices on
/// every run.
///
/// Writing `biased;` before the branches polls them in the order they are
/// written instead. That costs no random draw and gives control over
/// priority, but a branch that is always ready then starves those after it.
///
/// # Cooperative scheduling
///
/// If the task's coop budget is spent (see [`task::coop`](crate::task::coop)),
/// `select!` yields to the scheduler before polling any branch.
///
/// # Panics
///
/// Panics with "all branches are disabled and there is no else branch" when
/// every branch is disabled and there is no `else` branch.
///
/// # Cancel safety
///
/// When a branch wins, the futures of the other branches are dropped. If one
/// of them had done part of its work (read part of a message, say), that
/// work is lost. In a loop, either use futures that are cancel safe (their
/// documentation says so), or create the future once, outside the loop, and
/// select on `&mut fut` so it survives the rounds it does not win.
///
/// # Examples
///
/// The first of two computations to finish:
///
/// ```
/// # #[cfg(feature = "rt")]
/// # fn main() {
/// async fn slow() -> &'static str {
///     kiso::task::yield_now().await;
///     "slow"
/// }
///
/// async fn fast() -> &'static str {
///     "fast"
/// }
///
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let winner = kiso::select! {
///         v = slow() => v,
///         v = fast() => v,
///     };
///     assert_eq!(winner, "fast");
/// });
/// # }
/// # #[cfg(not(feature = "rt"))]
/// # fn main() {}
/// ```
///
/// Receiving from two channels until both are closed: a branch whose
/// `recv()` returns `None` does not match `Some(v)` and is disabled; once both
/// are, `else` ends the loop.
///
/// ```
/// # #[cfg(all(feature = "rt", feature = "sync"))]
/// # fn main() {
/// use kiso::sync::mpsc;
///
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let (tx1, mut rx1) = mpsc::channel(8);
///     let (tx2, mut rx2) = mpsc::channel(8);
///     kiso::spawn(async move {
///         tx1.send(1).await.unwrap();
///         tx2.send(2).await.unwrap();
///     });
///
///     let mut sum = 0;
///     loop {
///         kiso::select! {
///             Some(v) = rx1.recv() => sum += v,
///             Some(v) = rx2.recv() => sum += v,
///             else => break,
///         }
///     }
///     assert_eq!(sum, 3);
/// });
/// # }
/// # #[cfg(not(all(feature = "rt", feature = "sync")))]
/// # fn main() {}
/// ```
///
/// Driving one long operation while handling other events: the operation
/// is pinned once and selected on by reference, and a condition disables
/// its branch once it is done.
///
/// ```
/// # #[cfg(all(feature = "rt", feature = "sync"))]
/// # fn main() {
/// use kiso::sync::mpsc;
///
/// async fn long_operation() -> u32 {
///     for _ in 0..3 {
///         kiso::task::yield_now().await;
///     }
///     7
/// }
///
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let (tx, mut rx) = mpsc::channel::<u32>(8);
///     kiso::spawn(async move {
///         for i in 0..3 {
///             tx.send(i).await.unwrap();
///         }
///     });
///
///     let operation = long_operation();
///     kiso::pin!(operation);
///     let mut result = None;
///     let mut messages = 0;
///     loop {
///         kiso::select! {
///             v = &mut operation, if result.is_none() => result = Some(v),
///             Some(_) = rx.recv() => messages += 1,
///             else => break,
///         }
///     }
///     assert_eq!(result, Some(7));
///     assert_eq!(messages, 3);
/// });
/// # }
/// # #[cfg(not(all(feature = "rt", feature = "sync")))]
/// # fn main() {}
/// ```
///
/// Giving one branch priority with `biased;`:
///
/// ```
/// # #[cfg(feature = "rt")]
/// # fn main() {
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     for _ in 0..10 {
///         let first = kiso::select! {
///             biased;
///             _ = async {} => "first",
///             _ = async {} => "second",
///         };
///         assert_eq!(first, "first");
///     }
/// });
/// # }
/// # #[cfg(not(feature = "rt"))]
/// # fn main() {}
/// ```
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
#[cfg(doc)]
macro_rules! select {
    {
        $(biased;)?
        $($pattern:pat = $future:expr $(, if $condition:expr)? => $handler:expr,)*
        $(else => $else:expr $(,)?)?
    } => {
        unimplemented!()
    };
}

// The real macro: the whole input goes to the procedural macro with
// `$crate`, which names kiso however the calling crate depends on it.
#[macro_export]
#[cfg(not(doc))]
macro_rules! select {
    ($($input:tt)*) => {
        $crate::macros::support::select_internal! { ($crate) $($input)* }
    };
}
