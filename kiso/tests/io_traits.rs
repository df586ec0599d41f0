//! The core I/O traits and `ReadBuf`: Tokio's initialized/filled rules and
//! the implementations for slices, vectors, cursors, boxes, references and
//! pinned pointers.

use kiso::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf, SeekFrom};
use std::io::{Cursor, IoSlice};
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

fn cx() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

fn read_all<R: AsyncRead + Unpin>(mut r: R, chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let mut storage = vec![0u8; chunk];
        let mut buf = ReadBuf::new(&mut storage);
        match Pin::new(&mut r).poll_read(&mut cx(), &mut buf) {
            Poll::Ready(Ok(())) if buf.filled().is_empty() => return out,
            Poll::Ready(Ok(())) => out.extend_from_slice(buf.filled()),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn read_buf_regions() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 8];
    let mut buf = ReadBuf::uninit(&mut storage);
    assert_eq!((buf.capacity(), buf.remaining()), (8, 8));
    assert!(buf.initialized().is_empty());
    buf.put_slice(b"ab");
    assert_eq!(buf.filled(), b"ab");
    assert_eq!(buf.initialized(), b"ab");
    // Zeroes only what was not initialized.
    let u = buf.initialize_unfilled_to(3);
    assert_eq!(u, &[0, 0, 0]);
    u.copy_from_slice(b"cde");
    assert_eq!(buf.initialized().len(), 5);
    buf.advance(3);
    assert_eq!(buf.filled(), b"abcde");
    // Clearing keeps the initialized part.
    buf.clear();
    assert!(buf.filled().is_empty());
    assert_eq!(buf.initialized(), b"abcde");
    buf.set_filled(5);
    assert_eq!(buf.filled(), b"abcde");
    assert_eq!(
        format!("{buf:?}"),
        "ReadBuf { filled: 5, initialized: 5, capacity: 8 }"
    );
}

#[test]
fn read_buf_take_limits_and_shares_initialization() {
    let mut storage = [0u8; 8];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_slice(b"xy");
    let mut sub = buf.take(4);
    assert_eq!(sub.capacity(), 4);
    assert_eq!(
        sub.initialized().len(),
        4,
        "the parent's initialized bytes carry over"
    );
    sub.put_slice(b"1234");
    assert_eq!(sub.remaining(), 0);
    let mut big = buf.take(100);
    assert_eq!(big.capacity(), 6, "capped at what remains");
    big.put_slice(b"");
}

#[test]
fn read_buf_misuse_panics() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    assert!(
        catch_unwind(AssertUnwindSafe(|| buf.set_filled(1))).is_err(),
        "filled beyond initialized"
    );
    assert!(catch_unwind(AssertUnwindSafe(|| buf.advance(1))).is_err());
    assert!(
        catch_unwind(AssertUnwindSafe(|| buf.put_slice(b"12345"))).is_err(),
        "more than remains"
    );
    assert!(catch_unwind(AssertUnwindSafe(|| {
        buf.initialize_unfilled_to(5);
    }))
    .is_err());
    // SAFETY: the byte is written before being declared initialized.
    unsafe {
        buf.unfilled_mut()[0].write(9);
        buf.assume_init(1);
    }
    buf.advance(1);
    assert_eq!(buf.filled(), &[9]);
}

#[test]
fn slices_and_cursors_read() {
    assert_eq!(read_all(&b"hello world"[..], 3), b"hello world");
    assert_eq!(read_all(Cursor::new(b"abcdef".to_vec()), 4), b"abcdef");
    let mut c = Cursor::new(b"abc".to_vec());
    c.set_position(10);
    assert!(read_all(&mut c, 4).is_empty(), "past the end reads nothing");
    // Through boxes, references and pins.
    assert_eq!(read_all(Box::new(&b"box"[..]), 2), b"box");
    assert_eq!(read_all(Box::pin(&b"pin"[..]), 2), b"pin");
}

#[test]
fn vec_and_cursor_write() {
    let mut v = Vec::new();
    assert!(matches!(
        Pin::new(&mut v).poll_write(&mut cx(), b"ab"),
        Poll::Ready(Ok(2))
    ));
    let bufs = [IoSlice::new(b"c"), IoSlice::new(b"de")];
    assert!(v.is_write_vectored());
    assert!(matches!(
        Pin::new(&mut v).poll_write_vectored(&mut cx(), &bufs),
        Poll::Ready(Ok(3))
    ));
    assert!(Pin::new(&mut v).poll_flush(&mut cx()).is_ready());
    assert!(Pin::new(&mut v).poll_shutdown(&mut cx()).is_ready());
    assert_eq!(v, b"abcde");

    let mut fixed = [0u8; 3];
    let mut c = Cursor::new(&mut fixed[..]);
    assert!(matches!(
        Pin::new(&mut c).poll_write(&mut cx(), b"wxyz"),
        Poll::Ready(Ok(3))
    ));
    assert!(
        matches!(
            Pin::new(&mut c).poll_write(&mut cx(), b"z"),
            Poll::Ready(Ok(0))
        ),
        "full"
    );
    assert_eq!(&fixed, b"wxy");
}

/// A writer that only has `poll_write`: the vectored default writes the
/// first non-empty buffer.
struct Plain(Vec<u8>);

impl AsyncWrite for Plain {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.0.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn vectored_write_default() {
    let mut w = Plain(Vec::new());
    assert!(!w.is_write_vectored());
    let bufs = [
        IoSlice::new(b""),
        IoSlice::new(b"first"),
        IoSlice::new(b"second"),
    ];
    assert!(matches!(
        Pin::new(&mut w).poll_write_vectored(&mut cx(), &bufs),
        Poll::Ready(Ok(5))
    ));
    assert_eq!(w.0, b"first");
    // Forwarded through a box.
    let mut boxed: Box<Plain> = Box::new(Plain(Vec::new()));
    assert!(!boxed.is_write_vectored());
    assert!(matches!(
        Pin::new(&mut boxed).poll_write_vectored(&mut cx(), &bufs),
        Poll::Ready(Ok(5))
    ));
}

#[test]
fn buffered_read_and_seek() {
    let mut src: &[u8] = b"one\ntwo";
    let Poll::Ready(Ok(b)) = Pin::new(&mut src).poll_fill_buf(&mut cx()) else {
        panic!()
    };
    assert_eq!(b, b"one\ntwo");
    Pin::new(&mut src).consume(4);
    assert_eq!(src, b"two");

    let mut c = Cursor::new(b"0123456789".to_vec());
    Pin::new(&mut c).start_seek(SeekFrom::Start(3)).unwrap();
    assert!(matches!(
        Pin::new(&mut c).poll_complete(&mut cx()),
        Poll::Ready(Ok(3))
    ));
    let Poll::Ready(Ok(b)) = Pin::new(&mut c).poll_fill_buf(&mut cx()) else {
        panic!()
    };
    assert_eq!(b, b"3456789");
    Pin::new(&mut c).consume(2);
    Pin::new(&mut c).start_seek(SeekFrom::Current(-1)).unwrap();
    assert!(matches!(
        Pin::new(&mut c).poll_complete(&mut cx()),
        Poll::Ready(Ok(4))
    ));
    assert!(
        Pin::new(&mut c)
            .start_seek(SeekFrom::Current(-100))
            .is_err(),
        "before the start"
    );
}

#[test]
fn auto_traits() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<ReadBuf<'static>>();
}

#[cfg(feature = "net")]
#[test]
fn interest_and_ready() {
    use kiso::io::{Interest, Ready};

    let mut i = Interest::READABLE;
    i |= Interest::PRIORITY;
    assert!(i.is_readable() && i.is_priority() && !i.is_writable() && !i.is_error());
    assert_eq!(
        format!("{:?}", Interest::READABLE | Interest::WRITABLE),
        "READABLE | WRITABLE"
    );
    assert_eq!(i.remove(Interest::READABLE), Some(Interest::PRIORITY));
    assert_eq!(Interest::ERROR.remove(Interest::ERROR), None);
    assert_eq!(
        Interest::READABLE.add(Interest::READABLE),
        Interest::READABLE
    );

    let r = Ready::READABLE | Ready::WRITE_CLOSED;
    assert!(r.is_readable() && r.is_writable() && r.is_write_closed());
    assert!(!r.is_read_closed() && !r.is_error() && !r.is_priority() && !r.is_empty());
    assert_eq!(r & Ready::READABLE, Ready::READABLE);
    assert_eq!(r - Ready::READABLE, Ready::WRITE_CLOSED);
    assert!(Ready::ALL.is_error() && Ready::ALL.is_priority());
    assert!((Ready::ALL - Ready::ALL).is_empty());
    let mut e = Ready::EMPTY;
    e |= Ready::ERROR;
    assert!(e.is_error());
}
