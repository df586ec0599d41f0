//! The futures of `AsyncReadExt::read_u8` ... `read_f64_le`.
//!
//! Each one owns a small array for the integer's bytes and a count of how
//! many it has, so bytes read before a `Pending` are kept for the next
//! poll. Dropping the future loses them (the methods are not cancel safe,
//! except the one-byte ones, which never hold a partial value).

use crate::io::{AsyncRead, ReadBuf};
use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

macro_rules! int_reader {
    ($($name:ident => $ty:ty, $from:ident;)*) => {$(
        #[doc = concat!(
            "A future that reads a `", stringify!($ty), "` for ",
            "[`AsyncReadExt`](crate::io::AsyncReadExt)."
        )]
        #[doc(hidden)]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $name<R> {
            src: R,
            bytes: [u8; std::mem::size_of::<$ty>()],
            have: u8,
            _pin: PhantomPinned,
        }

        impl<R> $name<R> {
            pub(super) fn new(src: R) -> Self {
                $name {
                    src,
                    bytes: [0; std::mem::size_of::<$ty>()],
                    have: 0,
                    _pin: PhantomPinned,
                }
            }
        }

        impl<R: AsyncRead> Future for $name<R> {
            type Output = io::Result<$ty>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                const LEN: usize = std::mem::size_of::<$ty>();
                // SAFETY: only `src` is structurally pinned, and it is
                // re-pinned just below; nothing is moved out of `self`.
                let me = unsafe { self.get_unchecked_mut() };
                // SAFETY: `src` is structurally pinned: it is never moved
                // while the future is pinned (there is no `Drop` impl and
                // no method hands it out by value), and the future is
                // `!Unpin`.
                let mut src = unsafe { Pin::new_unchecked(&mut me.src) };
                while usize::from(me.have) < LEN {
                    let mut buf = ReadBuf::new(&mut me.bytes[usize::from(me.have)..]);
                    match src.as_mut().poll_read(cx, &mut buf) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Ready(Ok(())) => {
                            let n = buf.filled().len();
                            if n == 0 {
                                return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
                            }
                            // `n` fits: it is at most `LEN - have <= 16`.
                            me.have += n as u8;
                        }
                    }
                }
                Poll::Ready(Ok(<$ty>::$from(me.bytes)))
            }
        }
    )*};
}

int_reader! {
    ReadU8 => u8, from_be_bytes;
    ReadI8 => i8, from_be_bytes;
    ReadU16 => u16, from_be_bytes;
    ReadI16 => i16, from_be_bytes;
    ReadU32 => u32, from_be_bytes;
    ReadI32 => i32, from_be_bytes;
    ReadU64 => u64, from_be_bytes;
    ReadI64 => i64, from_be_bytes;
    ReadU128 => u128, from_be_bytes;
    ReadI128 => i128, from_be_bytes;
    ReadF32 => f32, from_be_bytes;
    ReadF64 => f64, from_be_bytes;
    ReadU16Le => u16, from_le_bytes;
    ReadI16Le => i16, from_le_bytes;
    ReadU32Le => u32, from_le_bytes;
    ReadI32Le => i32, from_le_bytes;
    ReadU64Le => u64, from_le_bytes;
    ReadI64Le => i64, from_le_bytes;
    ReadU128Le => u128, from_le_bytes;
    ReadI128Le => i128, from_le_bytes;
    ReadF32Le => f32, from_le_bytes;
    ReadF64Le => f64, from_le_bytes;
}
