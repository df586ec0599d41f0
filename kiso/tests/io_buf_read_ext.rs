#![cfg(feature = "full")]
//! `AsyncBufReadExt`: `read_until`, `read_line`, `fill_buf`, `consume`,
//! `split` and `lines`, against a scripted buffered reader.

mod support;

use support::script::{data, Script, Step};
use support::{poll_once, run};

use kiso::io::AsyncBufReadExt;
use std::io::{self, ErrorKind};
use std::pin::pin;
use std::task::Poll;

// ===== read_until =====

#[test]
fn read_until_includes_the_delimiter() {
    run(async {
        let mut r: &[u8] = b"one-two--three";
        let mut buf = Vec::new();
        assert_eq!(r.read_until(b'-', &mut buf).await.unwrap(), 4);
        assert_eq!(buf, b"one-");
        buf.clear();
        assert_eq!(r.read_until(b'-', &mut buf).await.unwrap(), 4);
        assert_eq!(buf, b"two-");
        buf.clear();
        assert_eq!(r.read_until(b'-', &mut buf).await.unwrap(), 1);
        assert_eq!(buf, b"-");
        buf.clear();
        // No delimiter before EOF: the rest.
        assert_eq!(r.read_until(b'-', &mut buf).await.unwrap(), 5);
        assert_eq!(buf, b"three");
        buf.clear();
        assert_eq!(r.read_until(b'-', &mut buf).await.unwrap(), 0);
        assert!(buf.is_empty());
    });
}

#[test]
fn read_until_spans_chunks_pending_and_interrupts() {
    run(async {
        let mut r = Script::new(vec![
            data(b"ab"),
            Step::Pending,
            data(b"c"),
            Step::Fail(ErrorKind::Interrupted),
            data(b"d;ef"),
        ]);
        let mut buf = b"x".to_vec();
        assert_eq!(r.read_until(b';', &mut buf).await.unwrap(), 5);
        assert_eq!(buf, b"xabcd;");
        // The rest stayed in the reader.
        let mut rest = Vec::new();
        assert_eq!(r.read_until(b';', &mut rest).await.unwrap(), 2);
        assert_eq!(rest, b"ef");
    });
}

#[test]
fn read_until_error_keeps_what_was_read() {
    run(async {
        let mut r = Script::new(vec![
            data(b"abc"),
            Step::Fail(ErrorKind::BrokenPipe),
            data(b"d\n"),
        ]);
        let mut buf = Vec::new();
        let err = r.read_until(b'\n', &mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert_eq!(buf, b"abc");
        assert_eq!(r.read_until(b'\n', &mut buf).await.unwrap(), 2);
        assert_eq!(buf, b"abcd\n");
    });
}

#[test]
fn read_until_cancelled_keeps_partial_bytes_and_resets_count() {
    let mut r = Script::new(vec![data(b"abc"), Step::Pending, data(b"de\nz")]);
    let mut buf = Vec::new();
    {
        let fut = pin!(r.read_until(b'\n', &mut buf));
        assert!(poll_once(fut).is_pending());
    }
    assert_eq!(buf, b"abc");
    let fut = pin!(r.read_until(b'\n', &mut buf));
    // The count only covers this call.
    assert!(matches!(poll_once(fut), Poll::Ready(Ok(3))));
    assert_eq!(buf, b"abcde\n");
}

// ===== read_line =====

#[test]
fn read_line_reads_lines() {
    run(async {
        let mut r: &[u8] = b"first\r\nsecond\n\nlast";
        let mut s = String::new();
        assert_eq!(r.read_line(&mut s).await.unwrap(), 7);
        assert_eq!(s, "first\r\n");
        // Appends.
        assert_eq!(r.read_line(&mut s).await.unwrap(), 7);
        assert_eq!(s, "first\r\nsecond\n");
        s.clear();
        assert_eq!(r.read_line(&mut s).await.unwrap(), 1);
        assert_eq!(s, "\n");
        s.clear();
        assert_eq!(r.read_line(&mut s).await.unwrap(), 4);
        assert_eq!(s, "last");
        assert_eq!(r.read_line(&mut s).await.unwrap(), 0);
        assert_eq!(s, "last");
    });
}

#[test]
fn read_line_multibyte_char_across_chunks() {
    run(async {
        let mut r = Script::new(vec![data(b"caf\xc3"), Step::Pending, data(b"\xa9\nnext")]);
        let mut s = String::from("> ");
        assert_eq!(r.read_line(&mut s).await.unwrap(), 6);
        assert_eq!(s, "> café\n");
    });
}

#[test]
fn read_line_invalid_utf8_leaves_the_string_unchanged() {
    run(async {
        let mut r: &[u8] = b"ab\xffcd\nnext\n";
        let mut s = String::from("keep");
        let err = r.read_line(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        let utf8 = err
            .into_inner()
            .unwrap()
            .downcast::<std::str::Utf8Error>()
            .unwrap();
        assert_eq!(utf8.valid_up_to(), 6);
        assert_eq!(s, "keep");
        // The bad line was consumed.
        assert_eq!(r, b"next\n");
        assert_eq!(r.read_line(&mut s).await.unwrap(), 5);
        assert_eq!(s, "keepnext\n");
    });
}

#[test]
fn read_line_io_error_keeps_valid_bytes() {
    run(async {
        let mut r = Script::new(vec![data(b"abc"), Step::Fail(ErrorKind::ConnectionReset)]);
        let mut s = String::from(">");
        let err = r.read_line(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
        assert_eq!(s, ">abc");
    });
}

#[test]
fn read_line_io_error_after_invalid_bytes_restores_the_string() {
    run(async {
        let mut r = Script::new(vec![
            data(b"ab\xc3"),
            Step::Fail(ErrorKind::ConnectionReset),
        ]);
        let mut s = String::from(">");
        let err = r.read_line(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
        assert_eq!(s, ">");
    });
}

#[test]
fn read_line_cancelled_empties_the_string() {
    let mut r = Script::new(vec![data(b"abc"), Step::Pending, data(b"\n")]);
    let mut s = String::from("old");
    {
        let fut = pin!(r.read_line(&mut s));
        assert!(poll_once(fut).is_pending());
    }
    assert_eq!(s, "");
    // The partial line is lost.
    let fut = pin!(r.read_line(&mut s));
    assert!(matches!(poll_once(fut), Poll::Ready(Ok(1))));
    assert_eq!(s, "\n");
}

// ===== fill_buf / consume =====

#[test]
fn fill_buf_and_consume() {
    run(async {
        let mut r = Script::new(vec![Step::Pending, data(b"hello"), data(b"world")]);
        assert_eq!(r.fill_buf().await.unwrap(), b"hello");
        // Without consume, the same bytes again.
        assert_eq!(r.fill_buf().await.unwrap(), b"hello");
        r.consume(2);
        assert_eq!(r.fill_buf().await.unwrap(), b"llo");
        r.consume(3);
        assert_eq!(r.fill_buf().await.unwrap(), b"world");
        r.consume(5);
        assert_eq!(r.fill_buf().await.unwrap(), b"");
    });
}

#[test]
fn fill_buf_errors() {
    run(async {
        let mut r = Script::new(vec![Step::Fail(ErrorKind::UnexpectedEof), data(b"x")]);
        assert_eq!(
            r.fill_buf().await.unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
        assert_eq!(r.fill_buf().await.unwrap(), b"x");
    });
}

#[test]
fn fill_buf_result_outlives_the_future() {
    run(async {
        let mut r: &[u8] = b"abc";
        let got: &[u8] = {
            let fut = r.fill_buf();
            fut.await.unwrap()
        };
        assert_eq!(got, b"abc");
    });
}

#[test]
fn fill_buf_is_cancel_safe() {
    let mut r = Script::new(vec![Step::Pending, data(b"abc")]);
    {
        let fut = pin!(r.fill_buf());
        assert!(poll_once(fut).is_pending());
    }
    let fut = pin!(r.fill_buf());
    assert!(matches!(poll_once(fut), Poll::Ready(Ok(b"abc"))));
}

#[test]
fn fill_buf_panics_when_polled_after_completion() {
    let mut r: &[u8] = b"abc";
    let mut fut = pin!(r.fill_buf());
    assert!(poll_once(fut.as_mut()).is_ready());
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = poll_once(fut.as_mut());
    }));
    assert!(res.is_err());
}

#[test]
fn consume_on_a_cursor() {
    run(async {
        let mut c = io::Cursor::new(b"abcdef".to_vec());
        c.consume(4);
        assert_eq!(c.position(), 4);
        assert_eq!(c.fill_buf().await.unwrap(), b"ef");
    });
}

// ===== split / lines (constructors; the adapters have their own file) =====

#[test]
fn split_and_lines_constructors() {
    run(async {
        let mut segs = AsyncBufReadExt::split(&b"a,b"[..], b',');
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"a".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), Some(b"b".to_vec()));
        assert_eq!(segs.next_segment().await.unwrap(), None);
        let mut lines = (&b"x\ny"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("x"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("y"));
        assert_eq!(lines.next_line().await.unwrap(), None);
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
    assert!(probe(&0u8).is_unpin());
    let mut r: &[u8] = b"";
    let mut v = Vec::new();
    let mut s = String::new();
    {
        let f = r.read_until(b'\n', &mut v);
        send_sync(&f);
        assert!(!probe(&f).is_unpin());
        assert!(format!("{f:?}").starts_with("ReadUntil"));
    }
    {
        let f = r.read_line(&mut s);
        send_sync(&f);
        assert!(!probe(&f).is_unpin());
        assert!(format!("{f:?}").starts_with("ReadLine"));
    }
    let f = r.fill_buf();
    send_sync(&f);
    assert!(!probe(&f).is_unpin());
    assert!(format!("{f:?}").starts_with("FillBuf"));
}
