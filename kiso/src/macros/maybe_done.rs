//! `MaybeDone`: a future and, once it completes, its output in the same
//! slot. `join!` and `try_join!` keep each of their futures in one.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that runs until it is done, then holds its output until it is
/// taken. Not a public API: only the expansions of `join!` and `try_join!`
/// use it.
#[doc(hidden)]
#[allow(missing_debug_implementations)]
pub enum MaybeDone<F: Future> {
    /// Still running.
    Future(F),
    /// Completed; the future has been dropped.
    Done(F::Output),
    /// The output has been taken.
    Gone,
}

impl<F: Future> MaybeDone<F> {
    /// Wraps a future that has not run yet.
    #[inline]
    pub fn new(future: F) -> MaybeDone<F> {
        MaybeDone::Future(future)
    }

    /// Polls the future if it still runs; true once it is done.
    ///
    /// # Panics
    ///
    /// Panics if the output has already been taken.
    #[inline(always)]
    pub fn poll_done(self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        // SAFETY: the future inside is never moved: it is polled in place
        // and dropped in place by `set` (which drops the old value where it
        // is before writing the new one). The output is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Future(f) => {
                // SAFETY: `f` lives in `this`, which is pinned (see above).
                match unsafe { Pin::new_unchecked(f) }.poll(cx) {
                    Poll::Ready(out) => {
                        // Drop the finished future in place, keep its output.
                        *this = MaybeDone::Done(out);
                        true
                    }
                    Poll::Pending => false,
                }
            }
            MaybeDone::Done(_) => true,
            MaybeDone::Gone => panic!("join!: a future's output was taken before the join finished"),
        }
    }

    /// Takes the output out.
    ///
    /// # Panics
    ///
    /// Panics if the future is not done or the output was taken already.
    #[inline(always)]
    pub fn take_output(self: Pin<&mut Self>) -> F::Output {
        // SAFETY: only a `Done` value (which holds no future) is moved out;
        // a running future is left where it is.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Done(_) => match std::mem::replace(this, MaybeDone::Gone) {
                MaybeDone::Done(out) => out,
                _ => unreachable!(),
            },
            _ => panic!("join!: the output of a future that is not done was taken"),
        }
    }
}

impl<F, T, E> MaybeDone<F>
where
    F: Future<Output = Result<T, E>>,
{
    /// True if the future is done with an `Err`.
    #[inline]
    pub fn is_err(self: Pin<&mut Self>) -> bool {
        matches!(&*self, MaybeDone::Done(Err(_)))
    }

    /// Takes the error out of a future done with an `Err`, as an `Err` of
    /// any success type (the join's).
    #[inline]
    pub fn take_err<U>(self: Pin<&mut Self>) -> Result<U, E> {
        match self.take_output() {
            Err(e) => Err(e),
            Ok(_) => panic!("try_join!: took the error of a future that succeeded"),
        }
    }

    /// Takes the value out of a future done with an `Ok`.
    #[inline]
    pub fn take_ok(self: Pin<&mut Self>) -> T {
        match self.take_output() {
            Ok(v) => v,
            Err(_) => panic!("try_join!: took the value of a future that failed"),
        }
    }
}
