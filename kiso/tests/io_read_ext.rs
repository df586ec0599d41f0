#![cfg(feature = "full")]
//! `AsyncReadExt`: every method, against a scripted reader that can return
//! small chunks, `Pending`, errors and early end of file.

mod support;

use support::script::{data, Script, Step};
use support::{poll_once, run};

use kiso::io::{AsyncRead, AsyncReadExt, ReadBuf};
use std::io::{self, ErrorKind};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

// ===== read =====

#[test]
fn read_returns_what_one_poll_gives() {
    run(async {
        let mut r = Script::new(vec![data(b"hello"), data(b" world")]);
        let mut buf = [0u8; 16];
        let n = r.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"hello");
        assert_eq!(r.polls, 1);
        let n = r.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b" world");
        // End of file.
        assert_eq!(r.read(&mut buf).await.unwrap(), 0);
    });
}

#[test]
fn read_is_limited_by_the_buffer() {
    run(async {
        let mut r = Script::new(vec![data(b"abcdef")]);
        let mut buf = [0u8; 4];
        assert_eq!(r.read(&mut buf).await.unwrap(), 4);
        assert_eq!(&buf, b"abcd");
        assert_eq!(r.read(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf[..2], b"ef");
    });
}

#[test]
fn read_waits_through_pending_and_propagates_errors() {
    run(async {
        let mut r = Script::new(vec![
            Step::Pending,
            Step::Pending,
            data(b"x"),
            Step::Fail(ErrorKind::ConnectionReset),
        ]);
        let mut buf = [0u8; 4];
        assert_eq!(r.read(&mut buf).await.unwrap(), 1);
        assert_eq!(r.polls, 3);
        let err = r.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
    });
}

#[test]
fn read_with_an_empty_buffer_returns_zero() {
    run(async {
        let mut r: &[u8] = b"abc";
        assert_eq!(r.read(&mut []).await.unwrap(), 0);
        assert_eq!(r, b"abc");
    });
}

#[test]
fn read_is_cancel_safe() {
    let mut r = Script::new(vec![Step::Pending, data(b"ab")]);
    let mut buf = [0u8; 4];
    {
        let fut = pin!(r.read(&mut buf));
        assert!(poll_once(fut).is_pending());
    }
    // Nothing was consumed by the dropped future.
    let mut fut = pin!(r.read(&mut buf));
    match poll_once(fut.as_mut()) {
        Poll::Ready(Ok(2)) => {}
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(&buf[..2], b"ab");
}

// ===== read_buf =====

#[test]
fn read_buf_advances_a_bytes_mut() {
    run(async {
        let mut r = Script::new(vec![data(b"hello"), data(b" world")]);
        let mut buf = bytes::BytesMut::with_capacity(64);
        assert_eq!(r.read_buf(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf[..], b"hello");
        assert_eq!(r.read_buf(&mut buf).await.unwrap(), 6);
        assert_eq!(&buf[..], b"hello world");
        assert_eq!(r.read_buf(&mut buf).await.unwrap(), 0);
        assert_eq!(r.polls, 3);
    });
}

#[test]
fn read_buf_into_a_vec_appends() {
    run(async {
        let mut r: &[u8] = b"xyz";
        let mut v = b"ab".to_vec();
        let n = r.read_buf(&mut v).await.unwrap();
        assert_eq!(n, 3);
        assert_eq!(v, b"abxyz");
    });
}

#[test]
fn read_buf_on_a_full_buffer_does_not_read() {
    run(async {
        let mut r = Script::new(vec![data(b"abc")]);
        let mut storage = [0u8; 0];
        let mut dst: &mut [u8] = &mut storage;
        assert_eq!(r.read_buf(&mut dst).await.unwrap(), 0);
        assert_eq!(r.polls, 0);
    });
}

#[test]
fn read_buf_into_a_slice_and_a_dyn_buf_mut() {
    run(async {
        let mut r = Script::new(vec![data(b"abcdef")]);
        let mut storage = [0u8; 4];
        {
            let mut dst: &mut [u8] = &mut storage;
            assert_eq!(r.read_buf(&mut dst).await.unwrap(), 4);
            assert_eq!(dst.len(), 0);
        }
        assert_eq!(&storage, b"abcd");
        // `B: ?Sized`: a trait object works.
        let mut v: Vec<u8> = Vec::with_capacity(8);
        let dynbuf: &mut (dyn bytes::BufMut + Send) = &mut v;
        assert_eq!(r.read_buf(dynbuf).await.unwrap(), 2);
        assert_eq!(v, b"ef");
    });
}

#[test]
fn read_buf_errors_and_pending() {
    run(async {
        let mut r = Script::new(vec![
            Step::Pending,
            Step::Fail(ErrorKind::BrokenPipe),
            data(b"ok"),
        ]);
        let mut buf = bytes::BytesMut::with_capacity(8);
        let err = r.read_buf(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert!(buf.is_empty());
        assert_eq!(r.read_buf(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf[..], b"ok");
    });
}

#[test]
fn read_buf_panics_if_the_reader_swaps_the_buffer() {
    let res = std::panic::catch_unwind(|| {
        let mut r = support::Swapper;
        let mut v: Vec<u8> = Vec::with_capacity(16);
        let mut fut = pin!(r.read_buf(&mut v));
        let _ = poll_once(fut.as_mut());
    });
    assert!(res.is_err());
    support::Swapper::free_swapped_in();
}

// ===== read_exact =====

#[test]
fn read_exact_collects_partial_reads_across_pending() {
    run(async {
        let mut r = Script::new(vec![
            data(b"he"),
            Step::Pending,
            data(b"l"),
            Step::Fail(ErrorKind::Interrupted),
            Step::Pending,
            data(b"lo world"),
        ]);
        let mut buf = [0u8; 5];
        let n = r.read_exact(&mut buf).await.unwrap();
        assert_eq!(n, 5);
        assert_eq!(&buf, b"hello");
        // It read no more than needed.
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b" world");
    });
}

#[test]
fn read_exact_early_eof() {
    run(async {
        let mut r = Script::new(vec![data(b"abc")]);
        let mut buf = [0u8; 5];
        let err = r.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    });
}

#[test]
fn read_exact_propagates_errors() {
    run(async {
        let mut r = Script::new(vec![
            data(b"ab"),
            Step::Fail(ErrorKind::TimedOut),
            data(b"cd"),
        ]);
        let mut buf = [0u8; 4];
        let err = r.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimedOut);
    });
}

#[test]
fn read_exact_empty_buffer() {
    run(async {
        let mut r = Script::new(vec![data(b"abc")]);
        assert_eq!(r.read_exact(&mut []).await.unwrap(), 0);
        assert_eq!(r.polls, 0);
    });
}

#[test]
fn read_exact_is_not_cancel_safe() {
    let mut r = Script::new(vec![data(b"ab"), Step::Pending, data(b"cdef")]);
    let mut buf = [0u8; 4];
    {
        let fut = pin!(r.read_exact(&mut buf));
        assert!(poll_once(fut).is_pending());
    }
    // The two bytes read by the dropped future are in `buf`, and gone from
    // the reader.
    assert_eq!(&buf[..2], b"ab");
    let mut buf2 = [0u8; 4];
    let fut = pin!(r.read_exact(&mut buf2));
    assert!(matches!(poll_once(fut), Poll::Ready(Ok(4))));
    assert_eq!(&buf2, b"cdef");
}

// ===== integers =====

macro_rules! int_roundtrip {
    ($($method:ident: $ty:ty = $val:expr, $to:ident;)*) => {$(
        {
            let v: $ty = $val;
            let mut bytes = v.$to().to_vec();
            bytes.push(0xAA);
            // One byte at a time, with `Pending` in between: nothing read
            // before a `Pending` is lost.
            let mut r = Script::trickle(&bytes);
            let got = r.$method().await.unwrap();
            assert_eq!(got.to_ne_bytes(), v.to_ne_bytes(), stringify!($method));
            // It read exactly the integer's bytes.
            assert_eq!(r.read_u8().await.unwrap(), 0xAA, stringify!($method));
            // All at once.
            let mut whole: &[u8] = &bytes;
            assert_eq!(whole.$method().await.unwrap().to_ne_bytes(), v.to_ne_bytes());
            assert_eq!(whole, &[0xAA]);
            // Truncated: UnexpectedEof.
            if bytes.len() > 2 {
                let mut short: &[u8] = &bytes[..bytes.len() - 2];
                let err = short.$method().await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::UnexpectedEof, stringify!($method));
            }
            let mut empty: &[u8] = &[];
            assert_eq!(empty.$method().await.unwrap_err().kind(), ErrorKind::UnexpectedEof);
            // Interrupted is retried, other errors are returned.
            let mut r = Script::new(vec![Step::Fail(ErrorKind::Interrupted), Step::Data(bytes.clone())]);
            assert_eq!(r.$method().await.unwrap().to_ne_bytes(), v.to_ne_bytes());
            let mut r = Script::new(vec![Step::Fail(ErrorKind::Other), Step::Data(bytes.clone())]);
            assert_eq!(r.$method().await.unwrap_err().kind(), ErrorKind::Other);
        }
    )*};
}

#[test]
fn every_integer_reader_round_trips() {
    run(async {
        int_roundtrip! {
            read_u8: u8 = 0xfe, to_be_bytes;
            read_i8: i8 = -5, to_be_bytes;
            read_u16: u16 = 0x0102, to_be_bytes;
            read_i16: i16 = -0x0102, to_be_bytes;
            read_u32: u32 = 0x0102_0304, to_be_bytes;
            read_i32: i32 = -0x0102_0304, to_be_bytes;
            read_u64: u64 = 0x0102_0304_0506_0708, to_be_bytes;
            read_i64: i64 = -0x0102_0304_0506_0708, to_be_bytes;
            read_u128: u128 = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10, to_be_bytes;
            read_i128: i128 = -0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10, to_be_bytes;
            read_f32: f32 = -1.5e10, to_be_bytes;
            read_f64: f64 = 3.25e-100, to_be_bytes;
            read_u16_le: u16 = 0x0102, to_le_bytes;
            read_i16_le: i16 = -0x0102, to_le_bytes;
            read_u32_le: u32 = 0x0102_0304, to_le_bytes;
            read_i32_le: i32 = -0x0102_0304, to_le_bytes;
            read_u64_le: u64 = 0x0102_0304_0506_0708, to_le_bytes;
            read_i64_le: i64 = -0x0102_0304_0506_0708, to_le_bytes;
            read_u128_le: u128 = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10, to_le_bytes;
            read_i128_le: i128 = -0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10, to_le_bytes;
            read_f32_le: f32 = -1.5e10, to_le_bytes;
            read_f64_le: f64 = 3.25e-100, to_le_bytes;
        }
    });
}

#[test]
fn integer_byte_order_is_explicit() {
    run(async {
        let bytes: Vec<u8> = (1..=16).collect();
        let mut r: &[u8] = &bytes;
        assert_eq!(r.read_u16().await.unwrap(), 0x0102);
        assert_eq!(r.read_u16_le().await.unwrap(), 0x0403);
        assert_eq!(r.read_i32().await.unwrap(), 0x0506_0708);
        assert_eq!(r.read_i32_le().await.unwrap(), 0x0c0b_0a09);
        assert_eq!(r.read_u8().await.unwrap(), 13);
        assert_eq!(r.read_i8().await.unwrap(), 14);
        let mut r: &[u8] = &bytes;
        assert_eq!(r.read_u64().await.unwrap(), 0x0102_0304_0506_0708);
        assert_eq!(r.read_u64_le().await.unwrap(), 0x100f_0e0d_0c0b_0a09);
        let mut r: &[u8] = &bytes;
        assert_eq!(
            r.read_u128().await.unwrap(),
            0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10
        );
        let mut r: &[u8] = &bytes;
        assert_eq!(
            r.read_u128_le().await.unwrap(),
            0x100f_0e0d_0c0b_0a09_0807_0605_0403_0201
        );
        let mut r: &[u8] = &[0x3f, 0x80, 0, 0, 0, 0, 0x80, 0x3f];
        assert_eq!(r.read_f32().await.unwrap(), 1.0);
        assert_eq!(r.read_f32_le().await.unwrap(), 1.0);
        let mut r: &[u8] = &[0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40];
        assert_eq!(r.read_f64().await.unwrap(), 2.0);
        assert_eq!(r.read_f64_le().await.unwrap(), 2.0);
        let mut r: &[u8] = &[0xff, 0xff];
        assert_eq!(r.read_i16().await.unwrap(), -1);
    });
}

#[test]
fn integer_reads_keep_progress_across_pending() {
    // Poll by hand: the future keeps what it read before `Pending`.
    let mut r = Script::new(vec![
        data(&[0x01]),
        Step::Pending,
        data(&[0x02, 0x03]),
        Step::Pending,
        data(&[0x04]),
    ]);
    let mut fut = pin!(r.read_u32());
    assert!(poll_once(fut.as_mut()).is_pending());
    assert!(poll_once(fut.as_mut()).is_pending());
    match poll_once(fut.as_mut()) {
        Poll::Ready(Ok(v)) => assert_eq!(v, 0x0102_0304),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn multi_byte_integer_reads_are_not_cancel_safe() {
    let mut r = Script::new(vec![
        data(&[0x01, 0x02]),
        Step::Pending,
        data(&[0x03, 0x04, 0x05]),
    ]);
    {
        let fut = pin!(r.read_u32());
        assert!(poll_once(fut).is_pending());
    }
    // The two bytes the dropped future read are lost.
    let fut = pin!(r.read_u8());
    assert!(matches!(poll_once(fut), Poll::Ready(Ok(0x03))));
}

#[test]
fn read_u8_is_cancel_safe() {
    let mut r = Script::new(vec![Step::Pending, data(&[9])]);
    {
        let fut = pin!(r.read_u8());
        assert!(poll_once(fut).is_pending());
    }
    let fut = pin!(r.read_u8());
    assert!(matches!(poll_once(fut), Poll::Ready(Ok(9))));
}

// ===== read_to_end =====

#[test]
fn read_to_end_appends_and_counts_new_bytes() {
    run(async {
        let mut r = Script::new(vec![
            data(b"hello"),
            Step::Pending,
            Step::Fail(ErrorKind::Interrupted),
            data(b", "),
            Step::Pending,
            data(b"world"),
        ]);
        let mut v = b">> ".to_vec();
        let n = r.read_to_end(&mut v).await.unwrap();
        assert_eq!(n, 12);
        assert_eq!(v, b">> hello, world");
    });
}

#[test]
fn read_to_end_keeps_bytes_read_before_an_error() {
    run(async {
        let mut r = Script::new(vec![
            data(b"abc"),
            Step::Fail(ErrorKind::ConnectionAborted),
            data(b"def"),
        ]);
        let mut v = b"0".to_vec();
        let err = r.read_to_end(&mut v).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionAborted);
        assert_eq!(v, b"0abc");
        // The reader can be read on.
        assert_eq!(r.read_to_end(&mut v).await.unwrap(), 3);
        assert_eq!(v, b"0abcdef");
    });
}

#[test]
fn read_to_end_of_an_empty_source() {
    run(async {
        let mut r: &[u8] = b"";
        let mut v = Vec::new();
        assert_eq!(r.read_to_end(&mut v).await.unwrap(), 0);
        assert!(v.is_empty());
    });
}

#[test]
fn read_to_end_reads_a_large_source() {
    run(async {
        let src: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        // Small, odd chunks.
        let steps = src.chunks(4093).map(data).collect();
        let mut r = Script::new(steps);
        let mut v = Vec::new();
        assert_eq!(r.read_to_end(&mut v).await.unwrap(), src.len());
        assert_eq!(v, src);
    });
}

#[test]
fn read_to_end_does_not_grow_a_vec_with_enough_capacity() {
    run(async {
        for len in [32usize, 33, 100, 1000] {
            let src: Vec<u8> = (0..len).map(|i| i as u8).collect();
            for cap in [len, len + 1, 2 * len] {
                let mut r: &[u8] = &src;
                let mut v = Vec::with_capacity(cap);
                let cap_before = v.capacity();
                r.read_to_end(&mut v).await.unwrap();
                assert_eq!(v, src);
                assert_eq!(v.capacity(), cap_before, "len {len} cap {cap}");
            }
        }
    });
}

#[test]
fn read_to_end_with_any_starting_capacity_and_split() {
    run(async {
        let src: Vec<u8> = (0..70u8).collect();
        for cap in [0usize, 1, 5, 31, 32, 33, 40, 69, 70, 71, 100] {
            for split in [1usize, 30, 32, 35, 69] {
                let mut r = Script::new(vec![
                    data(&src[..split]),
                    Step::Pending,
                    data(&src[split..]),
                ]);
                let mut v = Vec::with_capacity(cap);
                v.push(0xEE);
                let n = r.read_to_end(&mut v).await.unwrap();
                assert_eq!(n, src.len(), "cap {cap} split {split}");
                assert_eq!(v[0], 0xEE);
                assert_eq!(&v[1..], &src[..], "cap {cap} split {split}");
            }
        }
    });
}

/// A reader that initializes the whole unfilled part of the buffer before
/// writing into it, and counts how many bytes it had to initialize.
struct Zeroing {
    left: usize,
    zeroed: usize,
}

impl AsyncRead for Zeroing {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let already = buf.initialized().len() - buf.filled().len();
        self.zeroed += buf.remaining() - already;
        let n = self.left.min(buf.remaining()).min(100);
        let dst = buf.initialize_unfilled();
        dst[..n].fill(0x5a);
        buf.advance(n);
        self.left -= n;
        Poll::Ready(Ok(()))
    }
}

#[test]
fn read_to_end_does_not_reinitialize_the_spare_capacity() {
    run(async {
        let mut r = Zeroing {
            left: 100_000,
            zeroed: 0,
        };
        let mut v = Vec::new();
        assert_eq!(r.read_to_end(&mut v).await.unwrap(), 100_000);
        assert_eq!(v.len(), 100_000);
        assert!(v.iter().all(|&b| b == 0x5a));
        // Memory initialized once is remembered: the reader initialized
        // about as much as was allocated, not once per read.
        assert!(
            r.zeroed <= 2 * v.capacity(),
            "zeroed {} for a capacity of {}",
            r.zeroed,
            v.capacity()
        );
    });
}

// ===== read_to_string =====

#[test]
fn read_to_string_appends() {
    run(async {
        let mut r = Script::new(vec![data(b"h\xc3"), Step::Pending, data(b"\xa9llo")]);
        let mut s = String::from("> ");
        let n = r.read_to_string(&mut s).await.unwrap();
        assert_eq!(n, 6);
        assert_eq!(s, "> héllo");
    });
}

#[test]
fn read_to_string_invalid_utf8_leaves_the_string_unchanged() {
    run(async {
        let mut r: &[u8] = b"ok\xff\xfe";
        let mut s = String::from("before");
        let err = r.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        let inner = err.into_inner().unwrap();
        let utf8 = inner.downcast::<std::str::Utf8Error>().unwrap();
        // The position counts the original contents too.
        assert_eq!(utf8.valid_up_to(), 8);
        assert_eq!(s, "before");
        // The source was read to the end anyway.
        assert!(r.is_empty());
    });
}

#[test]
fn read_to_string_truncated_char_at_eof_is_invalid() {
    run(async {
        let mut r: &[u8] = b"ab\xc3";
        let mut s = String::new();
        let err = r.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(s, "");
    });
}

#[test]
fn read_to_string_io_error_leaves_the_string_unchanged() {
    run(async {
        let mut r = Script::new(vec![data(b"def"), Step::Fail(ErrorKind::Other)]);
        let mut s = String::from("abc");
        let err = r.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        assert_eq!(s, "abc");
        // Invalid bytes, then an I/O error: the I/O error wins.
        let mut r = Script::new(vec![data(b"\xff"), Step::Fail(ErrorKind::BrokenPipe)]);
        let err = r.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert_eq!(s, "abc");
    });
}

#[test]
fn read_to_string_retries_interrupted() {
    run(async {
        let mut r = Script::new(vec![
            data(b"a"),
            Step::Fail(ErrorKind::Interrupted),
            data(b"b"),
        ]);
        let mut s = String::new();
        assert_eq!(r.read_to_string(&mut s).await.unwrap(), 2);
        assert_eq!(s, "ab");
    });
}

#[test]
fn read_to_string_takes_the_string_until_done() {
    // The future holds the string's contents while it runs: dropped before
    // it finishes, it leaves the string empty.
    let mut r = Script::new(vec![data(b"xy"), Step::Pending, data(b"z")]);
    let mut s = String::from("abc");
    {
        let fut = pin!(r.read_to_string(&mut s));
        assert!(poll_once(fut).is_pending());
    }
    assert_eq!(s, "");
}

// ===== auto traits =====

/// Tells whether `T` is `Unpin` by method resolution: the inherent method
/// (only there when `T: Unpin`) wins over the trait's.
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
    let mut r: &[u8] = b"";
    let mut buf = [0u8; 4];
    let mut v = Vec::new();
    let mut s = String::new();
    let mut bm = bytes::BytesMut::new();

    macro_rules! check {
        ($($e:expr),* $(,)?) => {$({
            let f = $e;
            send_sync(&f);
            assert!(!probe(&f).is_unpin(), stringify!($e));
        })*};
    }
    check!(
        r.read(&mut buf),
        r.read_buf(&mut bm),
        r.read_exact(&mut buf),
        r.read_to_end(&mut v),
        r.read_to_string(&mut s),
        r.read_u8(),
        r.read_i8(),
        r.read_u16(),
        r.read_i16(),
        r.read_u32(),
        r.read_i32(),
        r.read_u64(),
        r.read_i64(),
        r.read_u128(),
        r.read_i128(),
        r.read_f32(),
        r.read_f64(),
        r.read_u16_le(),
        r.read_i16_le(),
        r.read_u32_le(),
        r.read_i32_le(),
        r.read_u64_le(),
        r.read_i64_le(),
        r.read_u128_le(),
        r.read_i128_le(),
        r.read_f32_le(),
        r.read_f64_le(),
    );
}

/// A reader that is neither `Send` nor `Sync`.
struct LocalReader(std::marker::PhantomData<std::rc::Rc<()>>);

impl AsyncRead for LocalReader {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The same trick for `Send`.
struct SendProbe<T>(std::marker::PhantomData<T>);

trait NotSend {
    fn is_send(&self) -> bool {
        false
    }
}

impl<T> NotSend for SendProbe<T> {}

impl<T: Send> SendProbe<T> {
    fn is_send(&self) -> bool {
        true
    }
}

fn send_probe<T>(_: &T) -> SendProbe<T> {
    SendProbe(std::marker::PhantomData)
}

#[test]
fn futures_follow_the_reader_for_send() {
    let mut r = LocalReader(std::marker::PhantomData);
    let mut buf = [0u8; 4];
    assert!(!send_probe(&r.read(&mut buf)).is_send());
    assert!(!send_probe(&r.read_u32()).is_send());
    let mut r: &[u8] = b"";
    assert!(send_probe(&r.read(&mut buf)).is_send());
}

#[test]
fn futures_are_must_use_and_debug() {
    let mut r: &[u8] = b"abc";
    let mut buf = [0u8; 4];
    let mut v = Vec::new();
    let mut s = String::new();
    let mut bm = bytes::BytesMut::new();
    assert!(format!("{:?}", r.read(&mut buf)).starts_with("Read"));
    assert!(format!("{:?}", r.read_buf(&mut bm)).starts_with("ReadBuf"));
    assert!(format!("{:?}", r.read_exact(&mut buf)).starts_with("ReadExact"));
    assert!(format!("{:?}", r.read_to_end(&mut v)).starts_with("ReadToEnd"));
    assert!(format!("{:?}", r.read_to_string(&mut s)).starts_with("ReadToString"));
}
