//! The futures of `AsyncWriteExt::write_u8` ... `write_f64_le`.
//!
//! Each one encodes its integer when it is created and then writes the
//! bytes, keeping count of how many went out so that a `Pending` (or an
//! `Interrupted` error) in the middle loses nothing.

use crate::io::AsyncWrite;
use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

macro_rules! int_writer {
    ($($name:ident => $ty:ty, $to:ident;)*) => {$(
        #[doc = concat!(
            "A future that writes a `", stringify!($ty), "` for ",
            "[`AsyncWriteExt`](crate::io::AsyncWriteExt)."
        )]
        #[doc(hidden)]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $name<W> {
            dst: W,
            bytes: [u8; std::mem::size_of::<$ty>()],
            written: u8,
            _pin: PhantomPinned,
        }

        impl<W> $name<W> {
            pub(super) fn new(dst: W, value: $ty) -> Self {
                $name {
                    dst,
                    bytes: value.$to(),
                    written: 0,
                    _pin: PhantomPinned,
                }
            }
        }

        impl<W: AsyncWrite> Future for $name<W> {
            type Output = io::Result<()>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                const LEN: usize = std::mem::size_of::<$ty>();
                // SAFETY: only `dst` is structurally pinned, and it is
                // re-pinned just below; nothing is moved out of `self`.
                let me = unsafe { self.get_unchecked_mut() };
                // SAFETY: `dst` is structurally pinned: it is never moved
                // while the future is pinned (there is no `Drop` impl and
                // no method hands it out by value), and the future is
                // `!Unpin`.
                let mut dst = unsafe { Pin::new_unchecked(&mut me.dst) };
                while usize::from(me.written) < LEN {
                    let rest = &me.bytes[usize::from(me.written)..];
                    match dst.as_mut().poll_write(cx, rest) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Ready(Ok(0)) => {
                            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                        }
                        Poll::Ready(Ok(n)) => {
                            // At most `LEN <= 16`, so it fits in a `u8`.
                            let done = (usize::from(me.written) + n).min(LEN);
                            me.written = done as u8;
                        }
                    }
                }
                Poll::Ready(Ok(()))
            }
        }
    )*};
}

int_writer! {
    WriteU8 => u8, to_be_bytes;
    WriteI8 => i8, to_be_bytes;
    WriteU16 => u16, to_be_bytes;
    WriteI16 => i16, to_be_bytes;
    WriteU32 => u32, to_be_bytes;
    WriteI32 => i32, to_be_bytes;
    WriteU64 => u64, to_be_bytes;
    WriteI64 => i64, to_be_bytes;
    WriteU128 => u128, to_be_bytes;
    WriteI128 => i128, to_be_bytes;
    WriteF32 => f32, to_be_bytes;
    WriteF64 => f64, to_be_bytes;
    WriteU16Le => u16, to_le_bytes;
    WriteI16Le => i16, to_le_bytes;
    WriteU32Le => u32, to_le_bytes;
    WriteI32Le => i32, to_le_bytes;
    WriteU64Le => u64, to_le_bytes;
    WriteI64Le => i64, to_le_bytes;
    WriteU128Le => u128, to_le_bytes;
    WriteI128Le => i128, to_le_bytes;
    WriteF32Le => f32, to_le_bytes;
    WriteF64Le => f64, to_le_bytes;
}
