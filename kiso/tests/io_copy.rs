#![cfg(feature = "full")]
//! `copy` and `copy_buf`: counts, flushing while the reader waits, errors
//! and the cooperative budget.

mod support;

use support::poll_once;

use kiso::io::{AsyncBufRead, AsyncRead, AsyncWrite, BufReader, BufWriter, ReadBuf};
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

async fn read_exact<R: AsyncRead + Unpin>(r: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut storage = vec![0u8; n];
    let mut buf = ReadBuf::new(&mut storage);
    while buf.remaining() > 0 {
        let before = buf.filled().len();
        poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)).await?;
        if buf.filled().len() == before {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
    Ok(storage)
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    support::current_thread().block_on(f)
}

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

/// A reader fed from outside: returns `Pending` while its queue is empty
/// and not closed.
#[derive(Clone, Default)]
struct Feed(Arc<Mutex<FeedState>>);

#[derive(Default)]
struct FeedState {
    chunks: VecDeque<Result<Vec<u8>, io::ErrorKind>>,
    closed: bool,
    waker: Option<Waker>,
}

impl Feed {
    fn push(&self, chunk: &[u8]) {
        let mut s = self.0.lock().unwrap();
        s.chunks.push_back(Ok(chunk.to_vec()));
        if let Some(w) = s.waker.take() {
            w.wake();
        }
    }

    fn push_err(&self, kind: io::ErrorKind) {
        let mut s = self.0.lock().unwrap();
        s.chunks.push_back(Err(kind));
        if let Some(w) = s.waker.take() {
            w.wake();
        }
    }

    fn close(&self) {
        let mut s = self.0.lock().unwrap();
        s.closed = true;
        if let Some(w) = s.waker.take() {
            w.wake();
        }
    }
}

impl AsyncRead for Feed {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut s = self.0.lock().unwrap();
        match s.chunks.pop_front() {
            Some(Ok(mut chunk)) => {
                let n = chunk.len().min(buf.remaining());
                buf.put_slice(&chunk[..n]);
                if n < chunk.len() {
                    chunk.drain(..n);
                    s.chunks.push_front(Ok(chunk));
                }
                Poll::Ready(Ok(()))
            }
            Some(Err(kind)) => Poll::Ready(Err(io::Error::new(kind, "feed error"))),
            None if s.closed => Poll::Ready(Ok(())),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// A writer that accepts at most `max` bytes per write and counts flushes.
#[derive(Default)]
struct Slow {
    out: Vec<u8>,
    max: usize,
    flushes: usize,
    interrupt_next: bool,
}

impl AsyncWrite for Slow {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.interrupt_next {
            self.interrupt_next = false;
            return Poll::Ready(Err(io::ErrorKind::Interrupted.into()));
        }
        let n = buf.len().min(self.max);
        self.out.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn copies_everything_and_counts() {
    block_on(async {
        let src = data(100_000);
        let mut reader: &[u8] = &src;
        let mut out = Vec::new();
        let n = kiso::io::copy(&mut reader, &mut out).await.unwrap();
        assert_eq!(n, 100_000);
        assert_eq!(out, src);

        let mut empty: &[u8] = b"";
        assert_eq!(kiso::io::copy(&mut empty, &mut out).await.unwrap(), 0);
    });
}

#[test]
fn partial_writes_and_interrupts() {
    block_on(async {
        let src = data(20_000);
        let mut reader: &[u8] = &src;
        let mut w = Slow {
            max: 333,
            interrupt_next: true,
            ..Default::default()
        };
        let n = kiso::io::copy(&mut reader, &mut w).await.unwrap();
        assert_eq!(n, 20_000);
        assert_eq!(w.out, src);
        // Flushed once, at end of file.
        assert_eq!(w.flushes, 1);
    });
}

#[test]
fn flushes_when_the_reader_has_to_wait() {
    support::with_timeout(|| {
        block_on(async {
            let feed = Feed::default();
            let (a, mut b) = kiso::io::duplex(1024);
            let mut reader = feed.clone();
            // A big write buffer: without a flush "ping" would sit in it.
            let copier = kiso::spawn(async move {
                let mut writer = BufWriter::with_capacity(4096, a);
                kiso::io::copy(&mut reader, &mut writer).await
            });
            feed.push(b"ping");
            // Arrives although the copy is still running (the reader is
            // pending, not at end of file).
            assert_eq!(read_exact(&mut b, 4).await.unwrap(), b"ping");
            feed.push(b"pong");
            assert_eq!(read_exact(&mut b, 4).await.unwrap(), b"pong");
            assert!(!copier.is_finished());
            feed.close();
            assert_eq!(copier.await.unwrap().unwrap(), 8);
        })
    });
}

#[test]
fn errors_end_the_copy() {
    block_on(async {
        // A read error.
        let feed = Feed::default();
        feed.push(b"abc");
        feed.push_err(io::ErrorKind::ConnectionReset);
        let mut reader = feed.clone();
        let mut out = Vec::new();
        let err = kiso::io::copy(&mut reader, &mut out).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);

        // Interrupted reads are retried.
        let feed = Feed::default();
        feed.push(b"abc");
        feed.push_err(io::ErrorKind::Interrupted);
        feed.push(b"def");
        feed.close();
        let mut reader = feed.clone();
        let mut out = Vec::new();
        assert_eq!(kiso::io::copy(&mut reader, &mut out).await.unwrap(), 6);
        assert_eq!(out, b"abcdef");

        // A writer that takes nothing.
        let mut reader: &[u8] = b"abc";
        let mut w = Slow::default();
        let err = kiso::io::copy(&mut reader, &mut w).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    });
}

#[test]
fn copy_waits_for_budget() {
    block_on(async {
        kiso::spawn(async {
            // Spend the whole budget of this poll.
            while kiso::task::coop::has_budget_remaining() {
                kiso::task::coop::consume_budget().await;
            }
            let mut reader: &[u8] = b"abc";
            let mut out = Vec::new();
            {
                let mut fut = std::pin::pin!(kiso::io::copy(&mut reader, &mut out));
                // Out of budget: no progress until the task yielded.
                assert!(poll_once(fut.as_mut()).is_pending());
                assert_eq!(fut.await.unwrap(), 3);
            }
            assert_eq!(out, b"abc");
        })
        .await
        .unwrap();
    });
}

#[test]
fn copy_into_sink_lets_other_tasks_run() {
    support::with_timeout(|| {
        block_on(async {
            // An endless, always-ready source: only the budget spent by
            // the sink makes the copying task yield.
            let copier = kiso::spawn(async {
                let mut zeros = kiso::io::repeat(0);
                kiso::io::copy(&mut zeros, &mut kiso::io::sink()).await
            });
            let other = kiso::spawn(async { 7 });
            assert_eq!(other.await.unwrap(), 7);
            copier.abort();
            assert!(copier.await.unwrap_err().is_cancelled());
        })
    });
}

#[test]
fn copy_buf_copies_from_the_readers_buffer() {
    block_on(async {
        let src = data(50_000);
        let mut reader = BufReader::with_capacity(1000, &src[..]);
        let mut w = Slow {
            max: 300,
            interrupt_next: true,
            ..Default::default()
        };
        let n = kiso::io::copy_buf(&mut reader, &mut w).await.unwrap();
        assert_eq!(n, 50_000);
        assert_eq!(w.out, src);
        assert_eq!(w.flushes, 1);
    });
}

#[test]
fn copy_buf_consumes_only_what_was_written() {
    block_on(async {
        let mut reader = BufReader::with_capacity(16, &b"0123456789"[..]);
        let mut w = Slow {
            max: 3,
            ..Default::default()
        };
        let mut fut = std::pin::pin!(kiso::io::copy_buf(&mut reader, &mut w));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(matches!(fut.as_mut().poll(&mut cx), Poll::Ready(Ok(10))));

        // Interrupted by a pending writer: nothing lost.
        let (a, mut b) = kiso::io::duplex(4);
        let mut reader = BufReader::with_capacity(16, &b"0123456789"[..]);
        let mut writer = a;
        {
            let mut fut = std::pin::pin!(kiso::io::copy_buf(&mut reader, &mut writer));
            assert!(fut.as_mut().poll(&mut cx).is_pending());
        }
        // Four bytes went into the pipe, the rest is still buffered.
        assert_eq!(reader.buffer(), b"456789");
        assert_eq!(read_exact(&mut b, 4).await.unwrap(), b"0123");
    });
}

#[test]
fn copy_buf_flushes_when_the_reader_has_to_wait() {
    support::with_timeout(|| {
        block_on(async {
            let feed = Feed::default();
            let (a, mut b) = kiso::io::duplex(1024);
            let reader = feed.clone();
            let copier = kiso::spawn(async move {
                let mut reader = BufReader::new(reader);
                let mut writer = BufWriter::with_capacity(4096, a);
                kiso::io::copy_buf(&mut reader, &mut writer).await
            });
            feed.push(b"ping");
            assert_eq!(read_exact(&mut b, 4).await.unwrap(), b"ping");
            feed.push_err(io::ErrorKind::Interrupted);
            feed.push(b"!");
            feed.close();
            assert_eq!(copier.await.unwrap().unwrap(), 5);
            assert_eq!(read_exact(&mut b, 1).await.unwrap(), b"!");
        })
    });
}

#[test]
fn copy_buf_errors() {
    block_on(async {
        let feed = Feed::default();
        feed.push_err(io::ErrorKind::BrokenPipe);
        let mut reader = BufReader::new(feed.clone());
        let err = kiso::io::copy_buf(&mut reader, &mut Vec::new())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);

        let mut reader = BufReader::new(&b"abc"[..]);
        let err = kiso::io::copy_buf(&mut reader, &mut Slow::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    });
}

#[test]
fn copy_buf_waits_for_budget() {
    block_on(async {
        kiso::spawn(async {
            while kiso::task::coop::has_budget_remaining() {
                kiso::task::coop::consume_budget().await;
            }
            let mut reader = BufReader::new(&b"abc"[..]);
            let mut out = Vec::new();
            let mut fut = std::pin::pin!(kiso::io::copy_buf(&mut reader, &mut out));
            assert!(poll_once(fut.as_mut()).is_pending());
            assert_eq!(fut.await.unwrap(), 3);
        })
        .await
        .unwrap();
    });
}

#[test]
fn works_with_unsized_and_boxed_streams() {
    block_on(async {
        let mut reader: Box<dyn AsyncRead + Unpin + Send> = Box::new(&b"dyn"[..]);
        let mut writer: Box<dyn AsyncWrite + Unpin + Send> = Box::new(Vec::<u8>::new());
        assert_eq!(kiso::io::copy(&mut *reader, &mut *writer).await.unwrap(), 3);
        let mut reader: Box<dyn AsyncBufRead + Unpin + Send> = Box::new(&b"dyn"[..]);
        assert_eq!(
            kiso::io::copy_buf(&mut *reader, &mut *writer)
                .await
                .unwrap(),
            3
        );
    });
}

fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}

trait AmbiguousIfUnpin<A> {
    fn check(&self) {}
}
impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

#[test]
fn future_auto_traits() {
    let (mut a, mut b) = kiso::io::duplex(8);
    {
        let fut = kiso::io::copy(&mut a, &mut b);
        is_send(&fut);
        is_sync(&fut);
        // Compiles only if the future is NOT `Unpin`.
        AmbiguousIfUnpin::check(&fut);
    }
    let mut r = BufReader::new(a);
    let fut = kiso::io::copy_buf(&mut r, &mut b);
    is_send(&fut);
    is_sync(&fut);
    AmbiguousIfUnpin::check(&fut);
}
