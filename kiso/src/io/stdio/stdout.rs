//! `Stdout`.

use super::Blocking;

use std::io;

/// A handle to the process's standard output; created by [`stdout()`].
///
/// It implements [`AsyncWrite`](crate::io::AsyncWrite). Each write copies the bytes (up to 2 MiB)
/// into the handle's buffer, hands them to a thread of the runtime's
/// blocking pool, which writes them to `std::io::stdout()`, and returns at
/// once; the next write, or a flush, first waits for that one to finish.
/// Await a flush to know the bytes have reached standard output.
///
/// Each single write reaches standard output in one piece, not interleaved
/// with other writers' output. Nothing more is guaranteed: `write_all` may
/// take several writes, so two tasks using `write_all` at the same time can
/// see their output interleaved.
///
/// Writes through one handle happen in order, but each call to [`stdout()`]
/// makes a new, independent handle. Writing through a fresh handle each time
/// (say, one per loop iteration) can reorder output, as the last write of a
/// dropped handle may still be running when the next handle writes: create
/// one handle and reuse it.
///
/// A write that was reported done still reaches standard output if the
/// runtime shuts down before a pool thread got to it.
///
/// # Panics
///
/// Writing or flushing panics outside the context of a runtime, or when kiso
/// is built without the `rt` feature.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut stdout = kiso::io::stdout();
/// // `copy` writes everything, then flushes.
/// kiso::io::copy(&mut &b"Hello world!\n"[..], &mut stdout)
///     .await
///     .unwrap();
/// # });
/// ```
pub struct Stdout {
    std: Blocking<std::io::Stdout>,
}

/// Returns a new handle to the process's standard output.
///
/// Unlike [`std::io::stdout`], every call makes an independent handle with
/// its own buffer and its own write in flight: flushing one handle does not
/// wait for the writes of another, and writes through different handles are
/// not ordered. Keep and reuse one handle.
///
/// Each single write reaches standard output in one piece; a `write_all`
/// may take several writes, so concurrent `write_all`s can interleave.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncWriteExt;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// // One handle for all the writes.
/// let mut out = kiso::io::stdout();
/// for line in ["hello\n", "world\n"] {
///     out.write_all(line.as_bytes()).await.unwrap();
/// }
/// // Wait until both lines were written out.
/// out.flush().await.unwrap();
/// # });
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        std: Blocking::new_mandatory(io::stdout()),
    }
}

super::std_writer_impls!(Stdout, stdout);
