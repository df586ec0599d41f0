//! Without the `rt` feature no runtime can exist, yet Tokio's `net` types
//! exist with `net` alone (a library may name them while the application
//! enables `rt`). These stand-ins give them the I/O-driver API they are
//! built on; creating a resource fails the way Tokio's does outside a
//! runtime, and everything else is unreachable by construction (the types
//! hold an uninhabited value).

pub(crate) mod io {
    use crate::io::{Interest, ReadBuf, Ready};
    use mio::event::Source;
    use std::future::Future;
    use std::io;
    use std::marker::PhantomData;
    use std::ops::Deref;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    const NO_RUNTIME: &str =
        "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

    /// No value of this type exists.
    #[derive(Debug)]
    enum Never {}

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Direction {
        Read,
        Write,
    }

    #[derive(Clone, Copy, Debug)]
    pub(crate) struct ReadyEvent {
        pub(crate) tick: u16,
        pub(crate) ready: Ready,
        pub(crate) is_shutdown: bool,
    }

    #[derive(Debug)]
    pub(crate) struct Registration(Never);

    impl Registration {
        #[track_caller]
        pub(crate) fn new(_io: &mut impl Source, _interest: Interest) -> io::Result<Registration> {
            panic!("{NO_RUNTIME}")
        }
        pub(crate) fn deregister(&self, _io: &mut impl Source) -> io::Result<()> {
            match self.0 {}
        }
        pub(crate) fn assume_ready(&self, _ready: Ready) {
            match self.0 {}
        }
        pub(crate) fn clear_readiness(&self, _event: ReadyEvent) {
            match self.0 {}
        }
        pub(crate) fn poll_read_ready(
            &self,
            _cx: &mut Context<'_>,
        ) -> Poll<io::Result<ReadyEvent>> {
            match self.0 {}
        }
        pub(crate) fn poll_write_ready(
            &self,
            _cx: &mut Context<'_>,
        ) -> Poll<io::Result<ReadyEvent>> {
            match self.0 {}
        }
        pub(crate) fn poll_ready(
            &self,
            _cx: &mut Context<'_>,
            _d: Direction,
        ) -> Poll<io::Result<ReadyEvent>> {
            match self.0 {}
        }
        pub(crate) fn poll_io<R>(
            &self,
            _cx: &mut Context<'_>,
            _d: Direction,
            _f: impl FnMut() -> io::Result<R>,
        ) -> Poll<io::Result<R>> {
            match self.0 {}
        }
        pub(crate) fn try_io<R>(
            &self,
            _interest: Interest,
            _f: impl FnOnce() -> io::Result<R>,
        ) -> io::Result<R> {
            match self.0 {}
        }
        pub(crate) fn readiness(&self, _interest: Interest) -> Readiness<'_> {
            match self.0 {}
        }
        pub(crate) async fn async_io<R>(
            &self,
            _interest: Interest,
            _f: impl FnMut() -> io::Result<R>,
        ) -> io::Result<R> {
            match self.0 {}
        }
    }

    pub(crate) struct Readiness<'a>(Never, PhantomData<&'a ()>);

    impl Future for Readiness<'_> {
        type Output = io::Result<ReadyEvent>;
        fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
            match self.0 {}
        }
    }

    pub(crate) struct PollEvented<E: Source> {
        registration: Registration,
        _io: PhantomData<E>,
    }

    impl<E: Source> PollEvented<E> {
        #[track_caller]
        pub(crate) fn new(_io: E) -> io::Result<Self> {
            panic!("{NO_RUNTIME}")
        }
        #[track_caller]
        pub(crate) fn new_with_interest(_io: E, _interest: Interest) -> io::Result<Self> {
            panic!("{NO_RUNTIME}")
        }
        pub(crate) fn registration(&self) -> &Registration {
            &self.registration
        }
        pub(crate) fn into_inner(self) -> io::Result<E> {
            match self.registration.0 {}
        }
        pub(crate) fn poll_read<'a>(
            &'a self,
            _cx: &mut Context<'_>,
            _buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>>
        where
            &'a E: io::Read + 'a,
        {
            match self.registration.0 {}
        }
        pub(crate) fn poll_write<'a>(
            &'a self,
            _cx: &mut Context<'_>,
            _buf: &[u8],
        ) -> Poll<io::Result<usize>>
        where
            &'a E: io::Write + 'a,
        {
            match self.registration.0 {}
        }
        pub(crate) fn poll_write_vectored<'a>(
            &'a self,
            _cx: &mut Context<'_>,
            _bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>>
        where
            &'a E: io::Write + 'a,
        {
            match self.registration.0 {}
        }
    }

    impl<E: Source> Deref for PollEvented<E> {
        type Target = E;
        fn deref(&self) -> &E {
            match self.registration.0 {}
        }
    }

    impl<E: Source> std::panic::UnwindSafe for PollEvented<E> {}
    impl<E: Source> std::panic::RefUnwindSafe for PollEvented<E> {}

    impl<E: Source + std::fmt::Debug> std::fmt::Debug for PollEvented<E> {
        fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self.registration.0 {}
        }
    }
}

/// As `runtime::is_rt_shutdown_err`: never true without a runtime.
pub(crate) fn is_rt_shutdown_err(_err: &std::io::Error) -> bool {
    false
}
