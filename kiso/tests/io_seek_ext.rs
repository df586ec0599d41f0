#![cfg(feature = "full")]
//! `AsyncSeekExt`: `seek`, `rewind` and `stream_position`, on
//! `std::io::Cursor` and on a seeker that takes its time.

mod support;

use support::{poll_once, run};

use kiso::io::{AsyncReadExt, AsyncSeek, AsyncSeekExt};
use std::io::{self, Cursor, ErrorKind, SeekFrom};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

#[test]
fn seek_on_a_cursor() {
    run(async {
        let mut c = Cursor::new(b"0123456789".to_vec());
        assert_eq!(c.seek(SeekFrom::Start(3)).await.unwrap(), 3);
        assert_eq!(c.read_u8().await.unwrap(), b'3');
        assert_eq!(c.seek(SeekFrom::Current(2)).await.unwrap(), 6);
        assert_eq!(c.seek(SeekFrom::Current(-1)).await.unwrap(), 5);
        assert_eq!(c.seek(SeekFrom::End(-2)).await.unwrap(), 8);
        assert_eq!(c.read_u8().await.unwrap(), b'8');
        // Past the end is allowed; reads then see EOF.
        assert_eq!(c.seek(SeekFrom::End(5)).await.unwrap(), 15);
        let mut rest = Vec::new();
        assert_eq!(c.read_to_end(&mut rest).await.unwrap(), 0);
        assert_eq!(c.seek(SeekFrom::Start(100)).await.unwrap(), 100);
    });
}

#[test]
fn seek_before_the_start_is_an_error() {
    run(async {
        let mut c = Cursor::new(b"0123".to_vec());
        c.seek(SeekFrom::Start(2)).await.unwrap();
        let err = c.seek(SeekFrom::Current(-3)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = c.seek(SeekFrom::End(-5)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        // The position did not move.
        assert_eq!(c.stream_position().await.unwrap(), 2);
    });
}

#[test]
fn rewind_and_stream_position() {
    run(async {
        let mut c = Cursor::new(b"abcdef".to_vec());
        assert_eq!(c.stream_position().await.unwrap(), 0);
        let mut buf = [0u8; 4];
        c.read_exact(&mut buf).await.unwrap();
        assert_eq!(c.stream_position().await.unwrap(), 4);
        assert_eq!(c.stream_position().await.unwrap(), 4);
        assert_eq!(c.rewind().await.unwrap(), 0);
        assert_eq!(c.position(), 0);
        assert_eq!(c.read_u8().await.unwrap(), b'a');
    });
}

/// A seeker whose seeks complete after a number of `Pending`s, and which
/// records the calls it gets.
#[derive(Default)]
struct Slow {
    pos: u64,
    target: Option<u64>,
    delay: usize,
    left: usize,
    log: Vec<String>,
    fail_start: bool,
}

impl AsyncSeek for Slow {
    fn start_seek(mut self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.log.push(format!("start {position:?}"));
        if self.fail_start {
            return Err(io::Error::new(ErrorKind::Unsupported, "no"));
        }
        if self.target.is_some() {
            return Err(io::Error::other("seek in progress"));
        }
        let target = match position {
            SeekFrom::Start(n) => n,
            SeekFrom::Current(d) => (self.pos as i64 + d) as u64,
            SeekFrom::End(d) => (100 + d) as u64,
        };
        self.target = Some(target);
        self.left = self.delay;
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.log.push("complete".to_string());
        if self.target.is_some() && self.left > 0 {
            self.left -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        if let Some(t) = self.target.take() {
            self.pos = t;
        }
        Poll::Ready(Ok(self.pos))
    }
}

#[test]
fn seek_waits_for_a_seek_in_flight_first() {
    run(async {
        let mut s = Slow {
            delay: 2,
            ..Slow::default()
        };
        // A seek started by hand and never completed.
        Pin::new(&mut s).start_seek(SeekFrom::Start(10)).unwrap();
        s.log.clear();
        assert_eq!(s.seek(SeekFrom::Current(5)).await.unwrap(), 15);
        assert_eq!(
            s.log,
            [
                "complete",
                "complete",
                "complete",
                "start Current(5)",
                "complete",
                "complete",
                "complete"
            ]
        );
        assert_eq!(s.rewind().await.unwrap(), 0);
        assert_eq!(s.seek(SeekFrom::End(-1)).await.unwrap(), 99);
        s.delay = 0;
        assert_eq!(s.stream_position().await.unwrap(), 99);
    });
}

#[test]
fn seek_start_error_is_returned() {
    run(async {
        let mut s = Slow {
            fail_start: true,
            ..Slow::default()
        };
        let err = s.seek(SeekFrom::Start(1)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
        assert_eq!(s.log, ["complete", "start Start(1)"]);
    });
}

#[test]
fn seek_does_not_restart_after_pending() {
    let mut s = Slow {
        delay: 1,
        ..Slow::default()
    };
    {
        let mut fut = pin!(s.seek(SeekFrom::Start(7)));
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(matches!(poll_once(fut.as_mut()), Poll::Ready(Ok(7))));
    }
    assert_eq!(
        s.log,
        ["complete", "start Start(7)", "complete", "complete"]
    );
}

#[test]
fn seek_works_through_references_and_boxes() {
    run(async {
        let mut c = Cursor::new(vec![0u8; 8]);
        {
            let mut r = &mut c;
            assert_eq!(
                AsyncSeekExt::seek(&mut r, SeekFrom::End(0)).await.unwrap(),
                8
            );
            let mut b: Box<dyn AsyncSeek + Unpin + Send> = Box::new(r);
            assert_eq!(b.seek(SeekFrom::Start(1)).await.unwrap(), 1);
        }
        assert_eq!(c.position(), 1);
    });
}

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
fn seek_future_auto_traits() {
    assert!(probe(&0u8).is_unpin());
    let mut c = Cursor::new(vec![0u8; 8]);
    {
        let f = c.seek(SeekFrom::Start(0));
        send_sync(&f);
        assert!(!probe(&f).is_unpin());
        assert!(format!("{f:?}").starts_with("Seek"));
    }
    {
        let f = c.rewind();
        send_sync(&f);
        assert!(!probe(&f).is_unpin());
    }
    let f = c.stream_position();
    send_sync(&f);
    assert!(!probe(&f).is_unpin());
}
