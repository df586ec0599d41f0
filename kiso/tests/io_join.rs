#![cfg(feature = "full")]
//! `join` and `Join`: reads to the reader, writes to the writer, the
//! accessors and auto traits.

mod support;

use kiso::io::{AsyncBufRead, AsyncRead, AsyncWrite, BufReader, Join, ReadBuf};
use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::pin::Pin;

async fn write_all<W: AsyncWrite + Unpin>(w: &mut W, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await?;
        data = &data[n..];
    }
    Ok(())
}

async fn read_some<R: AsyncRead + Unpin>(r: &mut R, max: usize) -> io::Result<Vec<u8>> {
    let mut storage = vec![0u8; max];
    let mut buf = ReadBuf::new(&mut storage);
    poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().to_vec())
}

#[test]
fn reads_from_the_reader_and_writes_to_the_writer() {
    support::current_thread().block_on(async {
        let (rd_far, rd_near) = kiso::io::duplex(64);
        let (wr_near, mut wr_far) = kiso::io::duplex(64);
        let mut rd_far = rd_far;
        let mut joined = kiso::io::join(rd_near, wr_near);

        write_all(&mut rd_far, b"in").await.unwrap();
        assert_eq!(read_some(&mut joined, 64).await.unwrap(), b"in");

        write_all(&mut joined, b"out").await.unwrap();
        assert_eq!(read_some(&mut wr_far, 64).await.unwrap(), b"out");

        assert_eq!(
            joined.is_write_vectored(),
            joined.writer().is_write_vectored()
        );
        let n = poll_fn(|cx| {
            Pin::new(&mut joined).poll_write_vectored(cx, &[IoSlice::new(b"a"), IoSlice::new(b"b")])
        })
        .await
        .unwrap();
        assert_eq!(read_some(&mut wr_far, 64).await.unwrap(), &b"ab"[..n]);

        poll_fn(|cx| Pin::new(&mut joined).poll_flush(cx))
            .await
            .unwrap();
        // Shutdown goes to the writer: its peer reads end of file...
        poll_fn(|cx| Pin::new(&mut joined).poll_shutdown(cx))
            .await
            .unwrap();
        assert!(read_some(&mut wr_far, 64).await.unwrap().is_empty());
        // ...and the reader is untouched.
        write_all(&mut rd_far, b"still").await.unwrap();
        assert_eq!(read_some(&mut joined, 64).await.unwrap(), b"still");
    });
}

#[test]
fn buffered_reader_stays_buffered() {
    support::current_thread().block_on(async {
        let mut joined = kiso::io::join(
            BufReader::new(&b"line one\nline two\n"[..]),
            Vec::<u8>::new(),
        );
        let chunk = poll_fn(|cx| {
            Pin::new(&mut joined)
                .poll_fill_buf(cx)
                .map_ok(|b| b.to_vec())
        })
        .await
        .unwrap();
        assert_eq!(chunk, b"line one\nline two\n");
        Pin::new(&mut joined).consume(9);
        assert_eq!(read_some(&mut joined, 64).await.unwrap(), b"line two\n");
    });
}

#[test]
fn accessors() {
    let mut joined = kiso::io::join(&b"abc"[..], Vec::<u8>::new());
    assert_eq!(*joined.reader(), b"abc");
    assert!(joined.writer().is_empty());
    *joined.reader_mut() = &b"xyz"[..];
    joined.writer_mut().push(1);
    assert_eq!(*joined.reader(), b"xyz");
    assert_eq!(joined.writer(), &[1]);
    {
        let pinned = Pin::new(&mut joined);
        assert_eq!(pinned.reader_pin_mut().len(), 3);
    }
    Pin::new(&mut joined).writer_pin_mut().push(2);
    assert!(format!("{joined:?}").contains("Join"));
    let (reader, writer) = joined.into_inner();
    assert_eq!(reader, b"xyz");
    assert_eq!(writer, vec![1, 2]);
}

#[test]
fn join_of_split_halves() {
    support::current_thread().block_on(async {
        let (a, mut b) = kiso::io::duplex(64);
        let (rd, wr) = kiso::io::split(a);
        let mut joined = kiso::io::join(rd, wr);
        write_all(&mut joined, b"round").await.unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"round");
        write_all(&mut b, b"trip").await.unwrap();
        assert_eq!(read_some(&mut joined, 64).await.unwrap(), b"trip");
        let (rd, wr) = joined.into_inner();
        let _a = rd.unsplit(wr);
    });
}

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

trait AmbiguousIfSend<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}

trait AmbiguousIfSync<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSync<()> for T {}
impl<T: ?Sized + Sync> AmbiguousIfSync<u8> for T {}

trait AmbiguousIfUnpin<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

#[test]
fn auto_traits() {
    type D = kiso::io::DuplexStream;
    is_send::<Join<D, D>>();
    is_sync::<Join<D, D>>();
    is_unpin::<Join<D, D>>();
    // Each line compiles only if the type does NOT have the trait.
    <Join<D, std::rc::Rc<u8>> as AmbiguousIfSend<_>>::check();
    <Join<std::rc::Rc<u8>, D> as AmbiguousIfSend<_>>::check();
    <Join<D, std::cell::Cell<u8>> as AmbiguousIfSync<_>>::check();
    <Join<std::marker::PhantomPinned, D> as AmbiguousIfUnpin<_>>::check();
    <Join<D, std::marker::PhantomPinned> as AmbiguousIfUnpin<_>>::check();
}
