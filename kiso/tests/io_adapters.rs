#![cfg(feature = "full")]
//! The adapters the extension traits return: `Lines`, `Split`, `Take` and
//! `Chain`.

mod support;

use support::script::{data, Script, Step};
use support::{poll_once, run};

use kiso::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, Chain, Lines, ReadBuf, Split, Take,
};
use std::future::poll_fn;
use std::io::{self, ErrorKind};
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

// ===== Lines =====

#[test]
fn lines_strip_lf_and_crlf() {
    run(async {
        let mut lines = (&b"one\ntwo\r\n\nthree\r\r\nfour\r"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap(), some("one"));
        assert_eq!(lines.next_line().await.unwrap(), some("two"));
        assert_eq!(lines.next_line().await.unwrap(), some(""));
        // Only one `\r` before the `\n` goes.
        assert_eq!(lines.next_line().await.unwrap(), some("three\r"));
        // A `\r` without `\n` stays.
        assert_eq!(lines.next_line().await.unwrap(), some("four\r"));
        assert_eq!(lines.next_line().await.unwrap(), None);
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn lines_no_empty_line_after_a_final_newline() {
    run(async {
        let mut lines = (&b"a\n\n"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap(), some("a"));
        assert_eq!(lines.next_line().await.unwrap(), some(""));
        assert_eq!(lines.next_line().await.unwrap(), None);
        let mut lines = (&b""[..]).lines();
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn lines_across_chunks_and_pending() {
    run(async {
        let r = Script::new(vec![
            data(b"he"),
            Step::Pending,
            data(b"llo\r"),
            Step::Pending,
            data(b"\nw\xc3"),
            data(b"\xb6rld"),
        ]);
        let mut lines = r.lines();
        assert_eq!(lines.next_line().await.unwrap(), some("hello"));
        assert_eq!(lines.next_line().await.unwrap(), some("wörld"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn lines_invalid_utf8_errors_once_then_goes_on() {
    run(async {
        let mut lines = (&b"ok\n\xff\xfe\r\nnext\n\xc3"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap(), some("ok"));
        let err = lines.next_line().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        let inner = err.into_inner().unwrap();
        let utf8 = inner.downcast::<std::string::FromUtf8Error>().unwrap();
        assert_eq!(utf8.into_bytes(), b"\xff\xfe");
        assert_eq!(lines.next_line().await.unwrap(), some("next"));
        // Invalid at EOF: one error, then the end.
        assert_eq!(
            lines.next_line().await.unwrap_err().kind(),
            ErrorKind::InvalidData
        );
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn lines_keep_a_partial_line_after_an_io_error() {
    run(async {
        let r = Script::new(vec![
            data(b"ab\xc3"),
            Step::Fail(ErrorKind::ConnectionReset),
            data(b"\xa9cd\nnext\n"),
        ]);
        let mut lines = r.lines();
        assert_eq!(
            lines.next_line().await.unwrap_err().kind(),
            ErrorKind::ConnectionReset
        );
        assert_eq!(lines.next_line().await.unwrap(), some("abécd"));
        assert_eq!(lines.next_line().await.unwrap(), some("next"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn next_line_is_cancel_safe() {
    let r = Script::new(vec![data(b"hel"), Step::Pending, data(b"lo\nworld\n")]);
    let mut lines = r.lines();
    {
        let fut = pin!(lines.next_line());
        assert!(poll_once(fut).is_pending());
    }
    let mut fut = pin!(lines.next_line());
    match poll_once(fut.as_mut()) {
        Poll::Ready(Ok(line)) => assert_eq!(line, some("hello")),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn poll_next_line_by_hand() {
    let r = Script::new(vec![Step::Pending, data(b"x\n")]);
    let mut lines = r.lines();
    let mut cx = Context::from_waker(Waker::noop());
    assert!(Pin::new(&mut lines).poll_next_line(&mut cx).is_pending());
    match Pin::new(&mut lines).poll_next_line(&mut cx) {
        Poll::Ready(Ok(line)) => assert_eq!(line, some("x")),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        Pin::new(&mut lines).poll_next_line(&mut cx),
        Poll::Ready(Ok(None))
    ));
}

#[test]
fn lines_accessors_and_debug() {
    run(async {
        let mut lines: Lines<&[u8]> = (&b"ab\ncd\n"[..]).lines();
        assert_eq!(
            format!("{lines:?}"),
            "Lines { reader: [97, 98, 10, 99, 100, 10], buf: [] }"
        );
        assert_eq!(lines.next_line().await.unwrap(), some("ab"));
        assert_eq!(*lines.get_ref(), b"cd\n");
        *lines.get_mut() = &b"zz\n"[..];
        assert_eq!(lines.next_line().await.unwrap(), some("zz"));
        let inner: &[u8] = lines.into_inner();
        assert!(inner.is_empty());
    });
}

#[test]
fn lines_of_a_pinned_reader() {
    run(async {
        // `poll_next_line` works for readers that are not `Unpin`.
        let r = Script::new(vec![data(b"a\nb")]);
        let lines = pin!(NotUnpin::new(r).lines());
        let mut lines = lines;
        let got = poll_fn(|cx| lines.as_mut().poll_next_line(cx))
            .await
            .unwrap();
        assert_eq!(got, some("a"));
        let got = poll_fn(|cx| lines.as_mut().poll_next_line(cx))
            .await
            .unwrap();
        assert_eq!(got, some("b"));
    });
}

// ===== Split =====

#[test]
fn split_segments() {
    run(async {
        let mut segs = AsyncBufReadExt::split(&b"a,,bc,d,"[..], b',');
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"a".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"bc".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"d".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), None);
        assert_eq!(segs.next_segment().await.unwrap(), None);

        let mut segs = AsyncBufReadExt::split(&b"x\0yz"[..], 0);
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"x".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"yz".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), None);
    });
}

#[test]
fn split_across_chunks_pending_and_errors() {
    run(async {
        let r = Script::new(vec![
            data(b"ab"),
            Step::Pending,
            data(b"c|d"),
            Step::Fail(ErrorKind::Interrupted),
            data(b"e"),
            Step::Fail(ErrorKind::BrokenPipe),
            data(b"f|"),
        ]);
        let mut segs = AsyncBufReadExt::split(r, b'|');
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"abc".to_vec()));
        // The error comes out; the partial segment is kept.
        assert_eq!(
            segs.next_segment().await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"def".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), None);
    });
}

#[test]
fn poll_next_segment_by_hand_and_debug() {
    let r: &[u8] = b"ab;c";
    let mut segs: Split<&[u8]> = AsyncBufReadExt::split(r, b';');
    assert_eq!(
        format!("{segs:?}"),
        "Split { reader: [97, 98, 59, 99], buf: [], delim: 59, read: 0 }"
    );
    let mut cx = Context::from_waker(Waker::noop());
    match Pin::new(&mut segs).poll_next_segment(&mut cx) {
        Poll::Ready(Ok(Some(seg))) => assert_eq!(seg, b"ab"),
        other => panic!("unexpected {other:?}"),
    }
    let segs = pin!(segs);
    let mut segs = segs;
    match segs.as_mut().poll_next_segment(&mut cx) {
        Poll::Ready(Ok(Some(seg))) => assert_eq!(seg, b"c"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        segs.as_mut().poll_next_segment(&mut cx),
        Poll::Ready(Ok(None))
    ));
}

// ===== Take =====

#[test]
fn take_stops_at_the_limit() {
    run(async {
        let r: &[u8] = b"hello world";
        let mut t = r.take(5);
        assert_eq!(t.limit(), 5);
        let mut out = Vec::new();
        assert_eq!(t.read_to_end(&mut out).await.unwrap(), 5);
        assert_eq!(out, b"hello");
        assert_eq!(t.limit(), 0);
        // At the limit: EOF, whatever the inner reader has.
        let mut buf = [0u8; 4];
        assert_eq!(t.read(&mut buf).await.unwrap(), 0);
        assert_eq!(*t.get_ref(), b" world");
        t.set_limit(3);
        assert_eq!(t.limit(), 3);
        let mut out = String::new();
        t.read_to_string(&mut out).await.unwrap();
        assert_eq!(out, " wo");
        assert_eq!(t.into_inner(), b"rld");
    });
}

#[test]
fn take_with_limit_zero_does_not_poll() {
    run(async {
        let mut t = Script::new(vec![data(b"abc")]).take(0);
        let mut buf = [0u8; 4];
        assert_eq!(t.read(&mut buf).await.unwrap(), 0);
        assert_eq!(t.get_ref().polls, 0);
        assert_eq!(t.fill_buf().await.unwrap(), b"");
        assert_eq!(t.get_ref().polls, 0);
    });
}

#[test]
fn take_into_a_partly_filled_buffer() {
    run(async {
        let r: &[u8] = b"hello world";
        let mut t = pin!(r.take(4));
        let mut storage = [0u8; 8];
        let mut buf = ReadBuf::new(&mut storage);
        buf.put_slice(b"AB");
        poll_fn(|cx| t.as_mut().poll_read(cx, &mut buf))
            .await
            .unwrap();
        assert_eq!(buf.filled(), b"ABhell");
        assert_eq!(&storage, b"ABhell\0\0");
    });
}

#[test]
fn take_errors_do_not_count() {
    run(async {
        let r = Script::new(vec![
            Step::Fail(ErrorKind::TimedOut),
            Step::Pending,
            data(b"abcdef"),
        ]);
        let mut t = r.take(4);
        let mut buf = [0u8; 8];
        assert_eq!(
            t.read(&mut buf).await.unwrap_err().kind(),
            ErrorKind::TimedOut
        );
        assert_eq!(t.limit(), 4);
        assert_eq!(t.read(&mut buf).await.unwrap(), 4);
        assert_eq!(&buf[..4], b"abcd");
        assert_eq!(t.limit(), 0);
    });
}

#[test]
fn take_as_a_buffered_reader() {
    run(async {
        let r = Script::new(vec![data(b"line one\nline two\n")]);
        let mut t = r.take(12);
        assert_eq!(t.fill_buf().await.unwrap(), b"line one\nlin");
        t.consume(5);
        assert_eq!(t.limit(), 7);
        let mut s = String::new();
        assert_eq!(t.read_line(&mut s).await.unwrap(), 4);
        assert_eq!(s, "one\n");
        s.clear();
        assert_eq!(t.read_line(&mut s).await.unwrap(), 3);
        assert_eq!(s, "lin");
        assert_eq!(t.fill_buf().await.unwrap(), b"");
        // Consuming more than the limit only takes the limit.
        t.set_limit(2);
        t.consume(10);
        assert_eq!(t.limit(), 0);
        t.set_limit(100);
        assert_eq!(t.fill_buf().await.unwrap(), b"two\n");
    });
}

#[test]
fn take_accessors_and_debug() {
    let r: &[u8] = b"ab";
    let mut t: Take<&[u8]> = r.take(1);
    assert_eq!(format!("{t:?}"), "Take { inner: [97, 98], limit_: 1 }");
    *t.get_mut() = &b"xyz"[..];
    assert_eq!(*t.get_ref(), b"xyz");
    let mut t = pin!(t);
    let inner: Pin<&mut &[u8]> = t.as_mut().get_pin_mut();
    assert_eq!(*inner, b"xyz");
}

#[test]
fn take_panics_if_the_inner_reader_swaps_the_buffer() {
    let res = std::panic::catch_unwind(|| {
        let mut t = support::Swapper.take(10);
        let mut storage = [0u8; 10];
        let mut buf = ReadBuf::new(&mut storage);
        let mut cx = Context::from_waker(Waker::noop());
        let _ = Pin::new(&mut t).poll_read(&mut cx, &mut buf);
    });
    assert!(res.is_err());
    support::Swapper::free_swapped_in();
}

// ===== Chain =====

#[test]
fn chain_reads_the_first_then_the_second() {
    run(async {
        let a = Script::new(vec![data(b"ab"), Step::Pending, data(b"c")]);
        let b = Script::new(vec![Step::Pending, data(b"de")]);
        let mut c = a.chain(b);
        let mut out = Vec::new();
        assert_eq!(c.read_to_end(&mut out).await.unwrap(), 5);
        assert_eq!(out, b"abcde");
        let (a, b) = c.get_ref();
        // The first reader was not polled again after its EOF.
        let a_polls = a.polls;
        let b_polls = b.polls;
        let mut buf = [0u8; 2];
        assert_eq!(c.read(&mut buf).await.unwrap(), 0);
        assert_eq!(c.get_ref().0.polls, a_polls);
        assert_eq!(c.get_ref().1.polls, b_polls + 1);
    });
}

#[test]
fn chain_first_eof_is_final() {
    run(async {
        // The first reader reports EOF once, then would have more.
        let a = Script::new(vec![data(b"a"), data(b""), data(b"late")]);
        let b = Script::new(vec![data(b"b")]);
        let mut c = a.chain(b);
        let mut out = Vec::new();
        c.read_to_end(&mut out).await.unwrap();
        assert_eq!(out, b"ab");
        let (a, _b) = c.into_inner();
        assert_eq!(a.steps.len(), 1);
    });
}

#[test]
fn chain_empty_buffer_does_not_skip_the_first() {
    run(async {
        let a: &[u8] = b"first";
        let b: &[u8] = b"second";
        let mut c = pin!(a.chain(b));
        let mut empty = ReadBuf::new(&mut []);
        poll_fn(|cx| c.as_mut().poll_read(cx, &mut empty))
            .await
            .unwrap();
        let mut out = String::new();
        c.read_to_string(&mut out).await.unwrap();
        assert_eq!(out, "firstsecond");
    });
}

#[test]
fn chain_errors_from_the_first_do_not_switch() {
    run(async {
        let a = Script::new(vec![Step::Fail(ErrorKind::Other), data(b"a")]);
        let b: &[u8] = b"b";
        let mut c = a.chain(b);
        let mut buf = [0u8; 4];
        assert_eq!(c.read(&mut buf).await.unwrap_err().kind(), ErrorKind::Other);
        assert_eq!(c.read(&mut buf).await.unwrap(), 1);
        assert_eq!(buf[0], b'a');
        assert_eq!(c.read(&mut buf).await.unwrap(), 1);
        assert_eq!(buf[0], b'b');
    });
}

#[test]
fn chain_as_a_buffered_reader() {
    run(async {
        let a = Script::new(vec![data(b"one\ntw"), Step::Pending]);
        let b = Script::new(vec![data(b"o\nthree")]);
        let mut c = a.chain(b);
        assert_eq!(c.fill_buf().await.unwrap(), b"one\ntw");
        c.consume(4);
        let mut s = String::new();
        assert_eq!(c.read_line(&mut s).await.unwrap(), 4);
        assert_eq!(s, "two\n");
        let mut lines = c.lines();
        assert_eq!(lines.next_line().await.unwrap(), some("three"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn chain_accessors_and_debug() {
    let a: &[u8] = b"a";
    let b: &[u8] = b"b";
    let mut c: Chain<&[u8], &[u8]> = a.chain(b);
    assert_eq!(format!("{c:?}"), "Chain { t: [97], u: [98] }");
    {
        let (x, y) = c.get_mut();
        *x = &b"x"[..];
        *y = &b"y"[..];
    }
    assert_eq!(c.get_ref(), (&&b"x"[..], &&b"y"[..]));
    let mut c = pin!(c);
    let (x, y) = c.as_mut().get_pin_mut();
    assert_eq!((*x, *y), (&b"x"[..], &b"y"[..]));
}

// ===== auto traits =====

/// A wrapper that makes any reader `!Unpin`.
struct NotUnpin<R> {
    inner: R,
    _pin: std::marker::PhantomPinned,
}

impl<R> NotUnpin<R> {
    fn new(inner: R) -> Self {
        NotUnpin {
            inner,
            _pin: std::marker::PhantomPinned,
        }
    }

    fn inner(self: Pin<&mut Self>) -> Pin<&mut R> {
        // SAFETY: `inner` is never moved out of a pinned `NotUnpin`.
        unsafe { self.map_unchecked_mut(|s| &mut s.inner) }
    }
}

impl<R: AsyncRead> AsyncRead for NotUnpin<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner().poll_read(cx, buf)
    }
}

impl<R: AsyncBufRead> AsyncBufRead for NotUnpin<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.inner().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.inner().consume(amt)
    }
}

struct Probe<T>(std::marker::PhantomData<T>);

fn probe<T>(_: &T) -> Probe<T> {
    Probe(std::marker::PhantomData)
}

trait NotUnpinProbe {
    fn is_unpin(&self) -> bool {
        false
    }
}

impl<T> NotUnpinProbe for Probe<T> {}

impl<T: Unpin> Probe<T> {
    fn is_unpin(&self) -> bool {
        true
    }
}

fn send_sync_unpin<T: Send + Sync + Unpin>(_: &T) {}

#[test]
fn adapters_auto_traits() {
    let r: &[u8] = b"";
    let t = r.take(1);
    send_sync_unpin(&t);
    let c = r.chain(r);
    send_sync_unpin(&c);
    let l = r.lines();
    send_sync_unpin(&l);
    let s = AsyncBufReadExt::split(r, b'x');
    send_sync_unpin(&s);

    // They are `Unpin` exactly when the readers are.
    let p = || NotUnpin::new(r);
    assert!(!probe(&p().take(1)).is_unpin());
    assert!(!probe(&p().chain(r)).is_unpin());
    assert!(!probe(&r.chain(p())).is_unpin());
    assert!(!probe(&p().lines()).is_unpin());
    assert!(probe(&r.lines()).is_unpin());
}
