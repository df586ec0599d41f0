/// Pins a value on the stack.
///
/// `pin!(x)` moves each named variable into a pinned slot and shadows it with a
/// `Pin<&mut T>` to that slot, so a `!Unpin` future can be polled by reference
/// (for example inside a loop of `select!`) without a heap allocation. A
/// `let`-like form declares new pinned bindings from expressions.
///
/// # Examples
///
/// ```
/// use std::future::Future;
///
/// async fn answer() -> u32 {
///     42
/// }
///
/// # #[cfg(feature = "rt")]
/// # fn main() {
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let fut = answer();
///     kiso::pin!(fut);
///     // `fut` is now a `Pin<&mut impl Future>`: it can be polled by reference.
///     let got = std::future::poll_fn(|cx| fut.as_mut().poll(cx)).await;
///     assert_eq!(got, 42);
///
///     kiso::pin! {
///         let other = answer();
///     }
///     assert_eq!(other.await, 42);
/// });
/// # }
/// # #[cfg(not(feature = "rt"))]
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => { $(
        // Move the value into a new binding so nothing else can reach it
        // unpinned, then shadow that binding with the pinned reference.
        let mut $x = $x;
        #[allow(unused_mut)]
        let mut $x = unsafe {
            // SAFETY: `$x` was moved into this stack slot and is shadowed
            // right here, so it can never be moved again or reached except
            // through the `Pin` we create.
            $crate::macros::support::Pin::new_unchecked(&mut $x)
        };
    )* };
    ($(
            let $x:ident = $init:expr;
    )*) => {
        $(
            let $x = $init;
            $crate::pin!($x);
        )*
    };
}
