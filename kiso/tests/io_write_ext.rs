#![cfg(feature = "full")]
//! `AsyncWriteExt`: every method, against a scripted writer that can accept
//! a few bytes at a time, return `Pending`, fail, or accept nothing.

mod support;

use support::{poll_once, run};

use bytes::Buf;
use kiso::io::{AsyncWrite, AsyncWriteExt};
use std::collections::VecDeque;
use std::io::{self, ErrorKind, IoSlice};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

/// One scripted answer of [`Sink`] to a write.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Accepts at most this many bytes.
    Take(usize),
    /// Returns `Pending` once (waking the task at once).
    Pending,
    /// Fails once with this kind.
    Fail(ErrorKind),
    /// Accepts nothing: `Ok(0)`.
    Zero,
}

/// A writer that plays a script for its writes (and accepts everything
/// once it runs out), and counts its calls.
#[derive(Debug, Default)]
struct Sink {
    steps: VecDeque<Step>,
    out: Vec<u8>,
    vectored: bool,
    writes: usize,
    vectored_writes: usize,
    /// How many buffers each vectored write was given.
    vectored_lens: Vec<usize>,
    flush_steps: VecDeque<Step>,
    flushes: usize,
    shutdowns: usize,
}

impl Sink {
    fn new(steps: Vec<Step>) -> Sink {
        Sink {
            steps: steps.into(),
            ..Sink::default()
        }
    }

    fn vectored(steps: Vec<Step>) -> Sink {
        Sink {
            vectored: true,
            ..Sink::new(steps)
        }
    }

    /// Takes `data` (already flattened) according to the next step.
    fn accept(&mut self, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        match self.steps.pop_front() {
            None => {
                self.out.extend_from_slice(data);
                Poll::Ready(Ok(data.len()))
            }
            Some(Step::Take(n)) => {
                let n = n.min(data.len());
                self.out.extend_from_slice(&data[..n]);
                Poll::Ready(Ok(n))
            }
            Some(Step::Pending) => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(Step::Fail(kind)) => Poll::Ready(Err(io::Error::new(kind, "scripted"))),
            Some(Step::Zero) => Poll::Ready(Ok(0)),
        }
    }

    fn run_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.flush_steps.pop_front() {
            None | Some(Step::Take(_)) | Some(Step::Zero) => Poll::Ready(Ok(())),
            Some(Step::Pending) => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(Step::Fail(kind)) => Poll::Ready(Err(io::Error::new(kind, "scripted"))),
        }
    }
}

impl AsyncWrite for Sink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes += 1;
        self.accept(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.vectored_writes += 1;
        self.vectored_lens.push(bufs.len());
        let flat: Vec<u8> = if self.vectored {
            bufs.iter().flat_map(|b| b.iter().copied()).collect()
        } else {
            bufs.iter()
                .find(|b| !b.is_empty())
                .map_or(Vec::new(), |b| b.to_vec())
        };
        self.accept(cx, &flat)
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        self.run_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shutdowns += 1;
        self.run_flush(cx)
    }
}

// ===== write =====

#[test]
fn write_is_a_single_write() {
    run(async {
        let mut w = Sink::new(vec![Step::Pending, Step::Take(3)]);
        assert_eq!(w.write(b"hello").await.unwrap(), 3);
        assert_eq!(w.out, b"hel");
        assert_eq!(w.writes, 2);
        assert_eq!(w.write(b"lo").await.unwrap(), 2);
        assert_eq!(w.out, b"hello");
    });
}

#[test]
fn write_returns_errors_and_zero() {
    run(async {
        let mut w = Sink::new(vec![Step::Fail(ErrorKind::BrokenPipe), Step::Zero]);
        assert_eq!(
            w.write(b"a").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
        assert_eq!(w.write(b"a").await.unwrap(), 0);
        // Interrupted is not retried by `write`.
        let mut w = Sink::new(vec![Step::Fail(ErrorKind::Interrupted)]);
        assert_eq!(
            w.write(b"a").await.unwrap_err().kind(),
            ErrorKind::Interrupted
        );
    });
}

#[test]
fn write_is_cancel_safe() {
    let mut w = Sink::new(vec![Step::Pending]);
    {
        let fut = pin!(w.write(b"abc"));
        assert!(poll_once(fut).is_pending());
    }
    assert!(w.out.is_empty());
}

// ===== write_vectored =====

#[test]
fn write_vectored_passes_all_buffers() {
    run(async {
        let mut w = Sink::vectored(vec![Step::Pending]);
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cd")];
        assert_eq!(w.write_vectored(&bufs).await.unwrap(), 4);
        assert_eq!(w.out, b"abcd");
        assert_eq!(w.vectored_writes, 2);
        assert_eq!(w.vectored_lens, [3, 3]);
        assert_eq!(w.writes, 0);
    });
}

#[test]
fn write_vectored_on_a_plain_writer() {
    run(async {
        let mut out: Vec<u8> = Vec::new();
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b"cd")];
        assert_eq!(out.write_vectored(&bufs).await.unwrap(), 4);
        assert_eq!(out, b"abcd");
        let mut w = Sink::new(vec![Step::Fail(ErrorKind::WouldBlock)]);
        let err = w.write_vectored(&bufs).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WouldBlock);
    });
}

// ===== write_buf =====

#[test]
fn write_buf_advances_by_what_was_written() {
    run(async {
        let mut w = Sink::new(vec![Step::Pending, Step::Take(2)]);
        let mut src = io::Cursor::new(b"hello".to_vec());
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 2);
        assert_eq!(src.position(), 2);
        assert_eq!(w.out, b"he");
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 3);
        assert_eq!(src.remaining(), 0);
        assert_eq!(w.out, b"hello");
        // Empty buffer: no write at all.
        let writes = w.writes;
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 0);
        assert_eq!(w.writes, writes);
    });
}

#[test]
fn write_buf_uses_vectored_writes_when_efficient() {
    run(async {
        let mut w = Sink::vectored(vec![]);
        let mut src = (&b"ab"[..]).chain(&b"cd"[..]);
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 4);
        assert_eq!(w.out, b"abcd");
        assert_eq!(w.vectored_writes, 1);
        assert_eq!(w.vectored_lens, [2]);
        assert_eq!(w.writes, 0);

        // Not vectored: one chunk per write.
        let mut w = Sink::new(vec![]);
        let mut src = (&b"ab"[..]).chain(&b"cd"[..]);
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 2);
        assert_eq!(w.vectored_writes, 0);
        assert_eq!(src.remaining(), 2);
    });
}

#[test]
fn write_buf_error_does_not_advance() {
    run(async {
        let mut w = Sink::new(vec![Step::Fail(ErrorKind::Other)]);
        let mut src = &b"abc"[..];
        assert_eq!(
            w.write_buf(&mut src).await.unwrap_err().kind(),
            ErrorKind::Other
        );
        assert_eq!(src, b"abc");
    });
}

// ===== write_all_buf =====

#[test]
fn write_all_buf_writes_everything() {
    run(async {
        let mut w = Sink::new(vec![
            Step::Take(1),
            Step::Pending,
            Step::Fail(ErrorKind::Interrupted),
            Step::Take(2),
            Step::Pending,
        ]);
        let mut src = (&b"hel"[..]).chain(&b"lo world"[..]);
        w.write_all_buf(&mut src).await.unwrap();
        assert!(!src.has_remaining());
        assert_eq!(w.out, b"hello world");
    });
}

#[test]
fn write_all_buf_vectored() {
    run(async {
        let mut w = Sink::vectored(vec![Step::Take(3)]);
        let mut src = (&b"ab"[..]).chain(&b"cd"[..]).chain(&b"ef"[..]);
        w.write_all_buf(&mut src).await.unwrap();
        assert_eq!(w.out, b"abcdef");
        assert_eq!(w.vectored_writes, 2);
        assert_eq!(w.writes, 0);
    });
}

#[test]
fn write_all_buf_errors_leave_the_rest_in_the_buffer() {
    run(async {
        let mut w = Sink::new(vec![Step::Take(2), Step::Fail(ErrorKind::ConnectionReset)]);
        let mut src = &b"abcdef"[..];
        let err = w.write_all_buf(&mut src).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
        assert_eq!(src.chunk(), b"cdef");

        let mut w = Sink::new(vec![Step::Take(1), Step::Zero]);
        let mut src = &b"abc"[..];
        let err = w.write_all_buf(&mut src).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(src, b"bc");
    });
}

#[test]
fn write_all_buf_cancelled_keeps_progress_in_the_buffer() {
    let mut w = Sink::new(vec![Step::Take(2), Step::Pending]);
    let mut src = &b"abcdef"[..];
    {
        let fut = pin!(w.write_all_buf(&mut src));
        assert!(poll_once(fut).is_pending());
    }
    assert_eq!(src, b"cdef");
    assert_eq!(w.out, b"ab");
}

// ===== write_all =====

#[test]
fn write_all_writes_everything() {
    run(async {
        let mut w = Sink::new(vec![
            Step::Take(1),
            Step::Pending,
            Step::Fail(ErrorKind::Interrupted),
            Step::Take(3),
        ]);
        w.write_all(b"hello world").await.unwrap();
        assert_eq!(w.out, b"hello world");
        assert_eq!(w.writes, 5);
    });
}

#[test]
fn write_all_errors() {
    run(async {
        let mut w = Sink::new(vec![Step::Take(1), Step::Zero]);
        let err = w.write_all(b"abc").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(w.out, b"a");
        let mut w = Sink::new(vec![Step::Fail(ErrorKind::PermissionDenied)]);
        let err = w.write_all(b"abc").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    });
}

#[test]
fn write_all_empty_does_not_write() {
    run(async {
        let mut w = Sink::new(vec![Step::Fail(ErrorKind::Other)]);
        w.write_all(b"").await.unwrap();
        assert_eq!(w.writes, 0);
    });
}

#[test]
fn write_all_into_a_vec_and_a_full_slice() {
    run(async {
        let mut v = Vec::new();
        v.write_all(b"xyz").await.unwrap();
        assert_eq!(v, b"xyz");
        let mut storage = [0u8; 2];
        let mut c = io::Cursor::new(&mut storage[..]);
        let err = c.write_all(b"xyz").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(storage, *b"xy");
    });
}

#[test]
fn write_all_is_not_cancel_safe() {
    let mut w = Sink::new(vec![Step::Take(2), Step::Pending]);
    {
        let fut = pin!(w.write_all(b"abcd"));
        assert!(poll_once(fut).is_pending());
    }
    // Part of the buffer was written; a new call starts over.
    assert_eq!(w.out, b"ab");
    let fut = pin!(w.write_all(b"abcd"));
    assert!(matches!(poll_once(fut), Poll::Ready(Ok(()))));
    assert_eq!(w.out, b"ababcd");
}

// ===== integers =====

macro_rules! int_writes {
    ($($method:ident: $ty:ty = $val:expr, $to:ident;)*) => {$(
        {
            let v: $ty = $val;
            let expected = v.$to();
            // Whole.
            let mut w = Sink::new(vec![]);
            w.$method(v).await.unwrap();
            assert_eq!(w.out, expected, stringify!($method));
            // One byte per write, with Pending and Interrupted in between.
            let mut steps = Vec::new();
            for _ in 0..expected.len() {
                steps.push(Step::Pending);
                steps.push(Step::Fail(ErrorKind::Interrupted));
                steps.push(Step::Take(1));
            }
            let mut w = Sink::new(steps);
            w.$method(v).await.unwrap();
            assert_eq!(w.out, expected, stringify!($method));
            assert_eq!(w.writes, 3 * expected.len());
            // Zero-length write: WriteZero.
            let mut w = Sink::new(vec![Step::Zero]);
            assert_eq!(w.$method(v).await.unwrap_err().kind(), ErrorKind::WriteZero);
            // Errors are returned.
            let mut w = Sink::new(vec![Step::Fail(ErrorKind::Other)]);
            assert_eq!(w.$method(v).await.unwrap_err().kind(), ErrorKind::Other);
        }
    )*};
}

#[test]
fn every_integer_writer() {
    run(async {
        int_writes! {
            write_u8: u8 = 0xfe, to_be_bytes;
            write_i8: i8 = -5, to_be_bytes;
            write_u16: u16 = 0x0102, to_be_bytes;
            write_i16: i16 = -0x0102, to_be_bytes;
            write_u32: u32 = 0x0102_0304, to_be_bytes;
            write_i32: i32 = -0x0102_0304, to_be_bytes;
            write_u64: u64 = 0x0102_0304_0506_0708, to_be_bytes;
            write_i64: i64 = -0x0102_0304_0506_0708, to_be_bytes;
            write_u128: u128 = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10, to_be_bytes;
            write_i128: i128 = -0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10, to_be_bytes;
            write_f32: f32 = -1.5e10, to_be_bytes;
            write_f64: f64 = 3.25e-100, to_be_bytes;
            write_u16_le: u16 = 0x0102, to_le_bytes;
            write_i16_le: i16 = -0x0102, to_le_bytes;
            write_u32_le: u32 = 0x0102_0304, to_le_bytes;
            write_i32_le: i32 = -0x0102_0304, to_le_bytes;
            write_u64_le: u64 = 0x0102_0304_0506_0708, to_le_bytes;
            write_i64_le: i64 = -0x0102_0304_0506_0708, to_le_bytes;
            write_u128_le: u128 = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10, to_le_bytes;
            write_i128_le: i128 = -0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10, to_le_bytes;
            write_f32_le: f32 = -1.5e10, to_le_bytes;
            write_f64_le: f64 = 3.25e-100, to_le_bytes;
        }
    });
}

#[test]
fn integer_byte_order_is_explicit() {
    run(async {
        let mut w = Vec::new();
        w.write_u16(0x0102).await.unwrap();
        w.write_u16_le(0x0102).await.unwrap();
        w.write_i32(-2).await.unwrap();
        w.write_u32_le(0x0a0b_0c0d).await.unwrap();
        w.write_u8(7).await.unwrap();
        w.write_i8(-1).await.unwrap();
        w.write_f32(1.0).await.unwrap();
        w.write_f64_le(2.0).await.unwrap();
        w.write_u64(1).await.unwrap();
        w.write_i128_le(-2).await.unwrap();
        let mut expected = vec![
            1, 2, 2, 1, 0xff, 0xff, 0xff, 0xfe, 0x0d, 0x0c, 0x0b, 0x0a, 7, 0xff,
        ];
        expected.extend_from_slice(&[0x3f, 0x80, 0, 0]);
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0x40]);
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
        expected.push(0xfe);
        expected.extend_from_slice(&[0xff; 15]);
        assert_eq!(w, expected);
    });
}

#[test]
fn integer_writes_keep_progress_across_pending() {
    let mut w = Sink::new(vec![
        Step::Take(1),
        Step::Pending,
        Step::Take(2),
        Step::Pending,
    ]);
    let mut fut = pin!(w.write_u32(0x0102_0304));
    assert!(poll_once(fut.as_mut()).is_pending());
    assert!(poll_once(fut.as_mut()).is_pending());
    assert!(matches!(poll_once(fut.as_mut()), Poll::Ready(Ok(()))));
    assert_eq!(w.out, [1, 2, 3, 4]);
    assert_eq!(w.writes, 5);
}

// ===== flush / shutdown =====

#[test]
fn flush_and_shutdown_call_through() {
    run(async {
        let mut w = Sink::new(vec![]);
        w.flush_steps = vec![Step::Pending, Step::Pending].into();
        w.flush().await.unwrap();
        assert_eq!(w.flushes, 3);
        assert_eq!(w.shutdowns, 0);
        w.flush_steps = vec![Step::Pending].into();
        w.shutdown().await.unwrap();
        assert_eq!(w.shutdowns, 2);
        assert_eq!(w.flushes, 3);
    });
}

#[test]
fn flush_and_shutdown_errors() {
    run(async {
        let mut w = Sink::new(vec![]);
        w.flush_steps = vec![
            Step::Fail(ErrorKind::BrokenPipe),
            Step::Fail(ErrorKind::NotConnected),
        ]
        .into();
        assert_eq!(w.flush().await.unwrap_err().kind(), ErrorKind::BrokenPipe);
        assert_eq!(
            w.shutdown().await.unwrap_err().kind(),
            ErrorKind::NotConnected
        );
    });
}

#[test]
fn works_through_references_and_boxes() {
    run(async {
        let mut inner = Vec::new();
        {
            let mut r = &mut inner;
            AsyncWriteExt::write_all(&mut r, b"a").await.unwrap();
            let mut b: Box<dyn AsyncWrite + Unpin + Send> = Box::new(&mut r);
            b.write_all(b"b").await.unwrap();
            b.flush().await.unwrap();
        }
        assert_eq!(inner, b"ab");
    });
}

// ===== auto traits =====

struct Probe<T>(std::marker::PhantomData<T>);

fn probe<T>(_: &T) -> Probe<T> {
    Probe(std::marker::PhantomData)
}

trait NotUnpin {
    fn is_unpin(&self) -> bool {
        false
    }
}

impl<T> NotUnpin for Probe<T> {}

impl<T: Unpin> Probe<T> {
    fn is_unpin(&self) -> bool {
        true
    }
}

fn send_sync<T: Send + Sync>(_: &T) {}

#[test]
fn returned_futures_are_send_sync_and_not_unpin() {
    // The probe itself tells an `Unpin` type apart.
    assert!(probe(&0u8).is_unpin());
    let mut w: Vec<u8> = Vec::new();
    let bufs = [IoSlice::new(b"a")];
    let mut src = &b"abc"[..];
    macro_rules! check {
        ($($e:expr),* $(,)?) => {$({
            let f = $e;
            send_sync(&f);
            assert!(!probe(&f).is_unpin(), stringify!($e));
        })*};
    }
    check!(
        w.write(b"a"),
        w.write_vectored(&bufs),
        w.write_buf(&mut src),
        w.write_all_buf(&mut src),
        w.write_all(b"a"),
        w.flush(),
        w.shutdown(),
        w.write_u8(1),
        w.write_i8(1),
        w.write_u16(1),
        w.write_i16(1),
        w.write_u32(1),
        w.write_i32(1),
        w.write_u64(1),
        w.write_i64(1),
        w.write_u128(1),
        w.write_i128(1),
        w.write_f32(1.0),
        w.write_f64(1.0),
        w.write_u16_le(1),
        w.write_i16_le(1),
        w.write_u32_le(1),
        w.write_i32_le(1),
        w.write_u64_le(1),
        w.write_i64_le(1),
        w.write_u128_le(1),
        w.write_i128_le(1),
        w.write_f32_le(1.0),
        w.write_f64_le(1.0),
    );
}

#[test]
fn futures_are_debug() {
    let mut w: Vec<u8> = Vec::new();
    let bufs = [IoSlice::new(b"a")];
    let mut src = &b"abc"[..];
    assert!(format!("{:?}", w.write(b"a")).starts_with("Write"));
    assert!(format!("{:?}", w.write_vectored(&bufs)).starts_with("WriteVectored"));
    assert!(format!("{:?}", w.write_buf(&mut src)).starts_with("WriteBuf"));
    assert!(format!("{:?}", w.write_all_buf(&mut src)).starts_with("WriteAllBuf"));
    assert!(format!("{:?}", w.write_all(b"a")).starts_with("WriteAll"));
    assert!(format!("{:?}", w.flush()).starts_with("Flush"));
    assert!(format!("{:?}", w.shutdown()).starts_with("Shutdown"));
}
