//! The fixed load client of the echo workloads (`io/echo_*`, `io/uds_echo*`) and of the
//! HTTP ones (`http/hyper_*`).
//!
//! It is the same code, in the same binary, whichever server it drives: the harness re-runs
//! this executable with the hidden argument [`CLIENT_FLAG`] for every sample, so the client
//! lives in its own process (its CPU time is not the server's, and it never shares a heap or
//! an allocator with the runtime under test).
//!
//! # How it drives the server
//!
//! It opens `conns` connections (TCP with `TCP_NODELAY`, or a Unix stream socket), all
//! non-blocking, and runs a *closed loop* on each: write one message of `msg` bytes, read
//! until the whole echo is back, write the next one. One connection has at most one message
//! in flight.
//!
//! In HTTP mode ([`Protocol::Http`]) the message is a `GET /` request ([`HTTP_REQUEST`], on
//! a kept-alive HTTP/1.1 connection) and the answer is the server's response, whose length
//! the client learns once, from a first request on a connection of its own (see
//! [`probe_http_response`]): a hello-world server answers every request with the same
//! bytes, but for its `date` header, whose format has a fixed width. As `wrk` does, the
//! client does not pipeline: one request in flight per connection.
//!
//! It is written directly on `epoll` (edge-triggered, `libc`), one event loop per client
//! thread, each thread owning a share of the connections (and, when pinned, its own CPU);
//! neither on a runtime nor with a blocking thread per connection:
//!
//! - not on Tokio (or kiso): the client must be the same for both servers and must not
//!   depend on either runtime's performance; a hand-written loop has no scheduler at all;
//! - not with blocking threads: at 250 connections a thread per connection costs a context
//!   switch per message on the client's core. The event loop costs per round trip one
//!   `write`, one `read` and a share of one `epoll_wait`, the least a client can spend on a
//!   socket (the server spends more: an extra `read` that finds nothing, and the task's
//!   wake-up and poll).
//!
//! **It saturates the server only if it has more CPU than the server.** On loopback the
//! kernel does most of the work of a small round trip, and it charges each side about the
//! same (a `write` also runs the receiving side's TCP input): measured here, the client
//! needs 0.9 to 1.05 times the server's CPU per round trip. So with one core each (a
//! 2-CPU machine), the req/s is set by whichever side is slower, and a server that becomes
//! cheaper than the client cannot show it in req/s; its CPU per round trip, which the
//! harness also reports, still shows it. With more CPUs the harness gives the client up to
//! three threads on cores of their own ([`super::echo::MAX_CLIENT_THREADS`]), and then the
//! server is the bottleneck. The report says how much CPU the client used, so a run shows
//! which side was the limit.
//!
//! # Timeline
//!
//! Every thread connects its connections in batches of [`CONNECT_BATCH`], each batch once
//! every connection of the one before has completed a round trip (so the listener's
//! backlog never overflows), and then runs its closed loops. Once all threads are
//! connected, the calling thread sleeps for `warmup`, then marks the start of the window,
//! sleeps for `window`, and marks its end; a mark reads the round trips completed so far
//! (one shared counter, to which each thread adds after every `epoll_wait`), the client
//! process's CPU time and the **server process's CPU time** (from the server's process CPU
//! clock, `clock_getcpuclockid(server_pid)`), so all are read at the same two instants.
//! Then it stops the threads, prints one line ([`Report::to_line`]) and exits; the
//! connections are reset (`SO_LINGER` 0), so no `TIME_WAIT` state piles up over a run.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::affinity;

/// The hidden command-line flag that makes this executable the load client.
pub const CLIENT_FLAG: &str = "--io-client";

/// Without a completed round trip for this long, the client gives up (the server is stuck).
pub const STALL_LIMIT: Duration = Duration::from_secs(10);

/// Where the server listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl Endpoint {
    /// `tcp:<addr>` or `unix:<path>`.
    pub fn to_arg(&self) -> String {
        match self {
            Endpoint::Tcp(addr) => format!("tcp:{addr}"),
            Endpoint::Unix(path) => format!("unix:{}", path.display()),
        }
    }

    pub fn parse(arg: &str) -> Result<Self, String> {
        if let Some(addr) = arg.strip_prefix("tcp:") {
            addr.parse()
                .map(Endpoint::Tcp)
                .map_err(|e| format!("bad address {addr}: {e}"))
        } else if let Some(path) = arg.strip_prefix("unix:") {
            Ok(Endpoint::Unix(path.into()))
        } else {
            Err(format!(
                "endpoint {arg:?} is neither tcp:<addr> nor unix:<path>"
            ))
        }
    }
}

/// What the client sends, and what it expects back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `msg` bytes, echoed back.
    Echo,
    /// [`HTTP_REQUEST`], answered with a response of a fixed length (`msg` is unused).
    Http,
}

/// The request of [`Protocol::Http`].
pub const HTTP_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// What one run of the client does.
#[derive(Clone, Debug)]
pub struct ClientArgs {
    pub endpoint: Endpoint,
    pub protocol: Protocol,
    pub conns: usize,
    pub msg: usize,
    pub warmup: Duration,
    pub window: Duration,
    /// Client threads (each with its own share of the connections and its own event loop).
    pub threads: usize,
    /// Thread `i` is pinned to `cpus[i]`, if there is one.
    pub cpus: Vec<usize>,
    /// The process whose CPU time is reported as the server's.
    pub server_pid: Option<u32>,
}

impl ClientArgs {
    /// The command-line arguments after [`CLIENT_FLAG`]: `<echo|http> <endpoint> <conns>
    /// <msg bytes> <warm-up ms> <window ms> <threads> <cpu,cpu,...|-> <server pid|->`.
    pub fn to_args(&self) -> Vec<String> {
        let opt = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
        vec![
            match self.protocol {
                Protocol::Echo => "echo".to_string(),
                Protocol::Http => "http".to_string(),
            },
            self.endpoint.to_arg(),
            self.conns.to_string(),
            self.msg.to_string(),
            self.warmup.as_millis().to_string(),
            self.window.as_millis().to_string(),
            self.threads.to_string(),
            if self.cpus.is_empty() {
                "-".to_string()
            } else {
                let cpus: Vec<String> = self.cpus.iter().map(|c| c.to_string()).collect();
                cpus.join(",")
            },
            opt(self.server_pid.map(|p| p.to_string())),
        ]
    }

    pub fn parse(args: &[String]) -> Result<Self, String> {
        let [protocol, endpoint, conns, msg, warmup, window, threads, cpus, pid] = args else {
            return Err(format!(
                "usage: kiso-bench {CLIENT_FLAG} <echo|http> <tcp:ADDR|unix:PATH> <conns> \
                 <msg bytes> <warm-up ms> <window ms> <threads> <cpu,cpu,...|-> <server pid|->"
            ));
        };
        fn num<T: std::str::FromStr>(what: &str, v: &str) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{CLIENT_FLAG}: bad {what}: {v}"))
        }
        fn opt<T: std::str::FromStr>(what: &str, v: &str) -> Result<Option<T>, String> {
            if v == "-" {
                Ok(None)
            } else {
                num(what, v).map(Some)
            }
        }
        let parsed = ClientArgs {
            protocol: match protocol.as_str() {
                "echo" => Protocol::Echo,
                "http" => Protocol::Http,
                other => return Err(format!("{CLIENT_FLAG}: bad protocol: {other}")),
            },
            endpoint: Endpoint::parse(endpoint)?,
            conns: num("connection count", conns)?,
            msg: num("message size", msg)?,
            warmup: Duration::from_millis(num("warm-up", warmup)?),
            window: Duration::from_millis(num("window", window)?),
            threads: num("thread count", threads)?,
            cpus: if cpus == "-" {
                Vec::new()
            } else {
                cpus.split(',')
                    .map(|c| num("cpu", c))
                    .collect::<Result<_, _>>()?
            },
            server_pid: opt("server pid", pid)?,
        };
        if parsed.conns == 0 || parsed.msg == 0 || parsed.threads == 0 || parsed.window.is_zero() {
            return Err(format!(
                "{CLIENT_FLAG}: connections, message size, threads and window must be positive"
            ));
        }
        Ok(parsed)
    }
}

/// What the client measured over its window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Report {
    /// Round trips completed inside the window (over all connections).
    pub requests: u64,
    /// Wall time of the window.
    pub elapsed: Duration,
    /// CPU time (user + system, all threads) of the server process over the window.
    pub server_cpu: Option<Duration>,
    /// CPU time of the client process over the window (of the whole process it runs in,
    /// when it runs as threads of another one, in tests).
    pub client_cpu: Duration,
}

impl Report {
    /// `<requests> <elapsed ns> <server cpu ns|-> <client cpu ns>`.
    pub fn to_line(self) -> String {
        format!(
            "{} {} {} {}",
            self.requests,
            self.elapsed.as_nanos(),
            self.server_cpu
                .map_or_else(|| "-".to_string(), |c| c.as_nanos().to_string()),
            self.client_cpu.as_nanos()
        )
    }

    pub fn parse(line: &str) -> Result<Self, String> {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [requests, elapsed, server, client] = fields.as_slice() else {
            return Err(format!("load client printed {line:?}"));
        };
        let ns = |v: &str| -> Result<Duration, String> {
            v.parse::<u64>()
                .map(Duration::from_nanos)
                .map_err(|_| format!("load client printed {line:?}"))
        };
        Ok(Report {
            requests: requests
                .parse()
                .map_err(|_| format!("load client printed {line:?}"))?,
            elapsed: ns(elapsed)?,
            server_cpu: if *server == "-" {
                None
            } else {
                Some(ns(server)?)
            },
            client_cpu: ns(client)?,
        })
    }

    /// Round trips per second.
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs in the child process: `args` follow [`CLIENT_FLAG`]. Returns the line to print.
pub fn child_main(args: &[String]) -> Result<String, String> {
    let args = ClientArgs::parse(args)?;
    run(&args)
        .map(|report| report.to_line())
        .map_err(|e| format!("{CLIENT_FLAG}: {e}"))
}

/// One connection of the client.
enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    fn connect(endpoint: &Endpoint) -> io::Result<Self> {
        let stream = match endpoint {
            Endpoint::Tcp(addr) => {
                let s = TcpStream::connect(addr)?;
                s.set_nodelay(true)?;
                s.set_nonblocking(true)?;
                Stream::Tcp(s)
            }
            Endpoint::Unix(path) => {
                let s = UnixStream::connect(path)?;
                s.set_nonblocking(true)?;
                Stream::Unix(s)
            }
        };
        set_linger_zero(stream.fd())?;
        Ok(stream)
    }

    fn fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }
}

/// Makes closing `fd` reset the connection instead of a graceful close, so no connection of
/// the client lingers in `TIME_WAIT` after its process exits.
pub fn set_linger_zero(fd: RawFd) -> io::Result<()> {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: `fd` is an open socket owned by the caller; `setsockopt` reads exactly
    // `size_of::<linger>()` bytes from the pointer, which points at a live `linger`.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The closed-loop state of one connection.
struct Conn {
    stream: Stream,
    /// Bytes of the current message written so far.
    written: usize,
    /// Bytes of its echo read so far.
    received: usize,
    /// Round trips completed on this connection.
    completed: u64,
    /// Edge-triggered readiness as last reported and not yet used up.
    readable: bool,
    writable: bool,
}

impl Conn {
    /// Moves the closed loop on as far as the socket allows without blocking; returns the
    /// number of round trips completed.
    fn progress(&mut self, exchange: &Exchange, buf: &mut [u8]) -> io::Result<u64> {
        let size = exchange.request.len();
        let mut completed = 0;
        loop {
            // How far the answer may have come: an echo as far as the message was
            // written, a response only once the whole request was.
            let answerable = match exchange.protocol {
                Protocol::Echo => self.written,
                Protocol::Http if self.written == size => exchange.response_len,
                Protocol::Http => 0,
            };
            if self.written < size && self.writable {
                match self.stream.write(&exchange.request[self.written..]) {
                    Ok(n) => {
                        // A short write means the send buffer is full: wait for EPOLLOUT.
                        if n < size - self.written {
                            self.writable = false;
                        }
                        self.written += n;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.writable = false,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            } else if self.received < answerable && self.readable {
                // Never more than the server can have sent (the echo of what was written,
                // or the rest of the response), so a short read means the receive buffer
                // is empty.
                let want = answerable - self.received;
                match self.stream.read(&mut buf[..want]) {
                    Ok(0) => {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the server closed a connection",
                        ))
                    }
                    Ok(n) => {
                        if n < want {
                            self.readable = false;
                        }
                        self.received += n;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.readable = false,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            } else {
                return Ok(completed);
            }
            if self.received == exchange.response_len {
                completed += 1;
                self.completed += 1;
                self.written = 0;
                self.received = 0;
                // The whole answer has been read, and nothing else is ever sent back.
                self.readable = false;
            }
        }
    }
}

/// Reads a CPU-time clock.
fn clock(id: libc::clockid_t) -> io::Result<Duration> {
    // SAFETY: `clock_gettime` writes one `timespec` into the zeroed struct we pass.
    let ts = unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(id, &mut ts) != 0 {
            return Err(io::Error::last_os_error());
        }
        ts
    };
    Ok(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// The CPU-time clock of process `pid` (all its threads).
fn process_clock(pid: u32) -> io::Result<libc::clockid_t> {
    let mut id: libc::clockid_t = 0;
    // SAFETY: `clock_getcpuclockid` writes one `clockid_t` through the pointer, which
    // points at a live local.
    let rc = unsafe { libc::clock_getcpuclockid(pid as libc::pid_t, &mut id) };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    Ok(id)
}

/// An `epoll` instance.
struct Epoll(OwnedFd);

impl Epoll {
    fn new() -> io::Result<Self> {
        // SAFETY: plain system call; a non-negative return is a new descriptor we own.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by `epoll_create1` and nothing else owns it.
        Ok(Epoll(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Registers `fd` edge-triggered for reading and writing, tagged with `token`.
    fn add(&self, fd: RawFd, token: u64) -> io::Result<()> {
        let mut event = libc::epoll_event {
            events: (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET) as u32,
            u64: token,
        };
        // SAFETY: both descriptors are open; `epoll_ctl` reads the event we pass.
        let rc =
            unsafe { libc::epoll_ctl(self.0.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Waits up to `timeout` for events; returns how many of `events` were filled.
    fn wait(&self, events: &mut [libc::epoll_event], timeout: Duration) -> io::Result<usize> {
        let ms = timeout.as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: `events` is a live, writable buffer of `events.len()` entries, and
        // `epoll_wait` writes at most that many.
        let n = unsafe {
            libc::epoll_wait(
                self.0.as_raw_fd(),
                events.as_mut_ptr(),
                events.len().min(i32::MAX as usize) as i32,
                ms,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted {
                Ok(0)
            } else {
                Err(e)
            };
        }
        Ok(n as usize)
    }
}

/// What a connection sends and expects back, once per round trip.
struct Exchange {
    protocol: Protocol,
    request: Vec<u8>,
    /// Bytes of the answer: the request's length for an echo.
    response_len: usize,
}

/// The event loop of one client thread, over its share of the connections.
struct Client {
    epoll: Epoll,
    conns: Vec<Conn>,
    exchange: Exchange,
    buf: Vec<u8>,
    events: Vec<libc::epoll_event>,
    /// Round trips completed by this thread and not yet added to the shared count.
    unreported: u64,
    /// When this thread last completed a round trip.
    last_progress: Instant,
}

impl Client {
    fn new(conns: usize, exchange: Exchange) -> io::Result<Self> {
        Ok(Client {
            epoll: Epoll::new()?,
            conns: Vec::with_capacity(conns),
            buf: vec![0u8; exchange.response_len],
            exchange,
            events: vec![libc::epoll_event { events: 0, u64: 0 }; conns.clamp(1, 1024)],
            unreported: 0,
            last_progress: Instant::now(),
        })
    }

    /// Adds a connection and writes its first message.
    fn add(&mut self, stream: Stream) -> io::Result<()> {
        self.epoll.add(stream.fd(), self.conns.len() as u64)?;
        let mut conn = Conn {
            stream,
            written: 0,
            received: 0,
            completed: 0,
            readable: false,
            writable: true,
        };
        self.unreported += conn.progress(&self.exchange, &mut self.buf)?;
        self.conns.push(conn);
        Ok(())
    }

    /// One `epoll_wait` and the progress it allows; fails after [`STALL_LIMIT`] without a
    /// completed round trip.
    fn turn(&mut self) -> io::Result<()> {
        let n = self
            .epoll
            .wait(&mut self.events, Duration::from_millis(100))?;
        let mut completed = 0;
        for event in &self.events[..n] {
            let flags = event.events as i32;
            let conn = &mut self.conns[event.u64 as usize];
            if flags & (libc::EPOLLIN | libc::EPOLLRDHUP | libc::EPOLLHUP | libc::EPOLLERR) != 0 {
                conn.readable = true;
            }
            if flags & (libc::EPOLLOUT | libc::EPOLLHUP | libc::EPOLLERR) != 0 {
                conn.writable = true;
            }
            completed += conn.progress(&self.exchange, &mut self.buf)?;
        }
        if completed > 0 {
            self.unreported += completed;
            self.last_progress = Instant::now();
        } else if self.last_progress.elapsed() > STALL_LIMIT {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "no round trip completed in {STALL_LIMIT:?} on {} connections",
                    self.conns.len()
                ),
            ));
        }
        Ok(())
    }

    /// Opens `conns` connections in batches of [`CONNECT_BATCH`], each batch once every
    /// connection of the one before has completed a round trip.
    fn connect(&mut self, endpoint: &Endpoint, conns: usize) -> io::Result<()> {
        while self.conns.len() < conns {
            let first = self.conns.len();
            for _ in 0..CONNECT_BATCH.min(conns - first) {
                self.add(Stream::connect(endpoint)?)?;
            }
            while self.conns[first..].iter().any(|c| c.completed == 0) {
                self.turn()?;
            }
        }
        Ok(())
    }
}

/// Sends [`HTTP_REQUEST`] on a blocking connection of its own and returns the length of the
/// whole response (head and body); fails unless it is a `200` with a `content-length`.
pub fn probe_http_response(endpoint: &Endpoint) -> io::Result<usize> {
    let Endpoint::Tcp(addr) = endpoint else {
        return Err(io::Error::other("HTTP is measured over TCP only"));
    };
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(STALL_LIMIT))?;
    stream.write_all(HTTP_REQUEST)?;
    let mut response = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection before its first response was complete",
            ));
        }
        response.extend_from_slice(&chunk[..n]);
        let Some(head) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head_text = String::from_utf8_lossy(&response[..head]).to_ascii_lowercase();
        if !head_text.starts_with("http/1.1 200 ") {
            return Err(io::Error::other(format!(
                "the server answered: {}",
                head_text.lines().next().unwrap_or("")
            )));
        }
        let length = head_text
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .ok_or_else(|| io::Error::other("the response has no content-length"))?;
        let total = head + 4 + length;
        if response.len() >= total {
            return Ok(total);
        }
    }
}

/// Connections opened before the client waits for each of them to have completed a round
/// trip (so they have been accepted): fewer than the listener's backlog (128 for Tokio's
/// `TcpListener::bind`), which would otherwise overflow while the server's accept loop
/// catches up, and make the kernel drop handshakes that are retried only a second later.
pub const CONNECT_BATCH: usize = 64;

/// One end of the measured window.
struct Mark {
    at: Instant,
    requests: u64,
    server_cpu: Option<Duration>,
    client_cpu: Duration,
}

/// Runs the client as described in the module documentation: `args.threads` event-loop
/// threads, while the calling thread waits, marks the two ends of the window and stops
/// them.
pub fn run(args: &ClientArgs) -> io::Result<Report> {
    let server_clock = args.server_pid.map(process_clock).transpose()?;
    let response_len = match args.protocol {
        Protocol::Echo => args.msg,
        Protocol::Http => probe_http_response(&args.endpoint)?,
    };
    let threads = args.threads.clamp(1, args.conns);
    let requests = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let (connected_tx, connected) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let loops: Vec<_> = (0..threads)
            .map(|i| {
                // Connections are dealt out as evenly as possible.
                let conns = args.conns / threads + usize::from(i < args.conns % threads);
                let (cpu, connected_tx) = (args.cpus.get(i).copied(), connected_tx.clone());
                let (requests, stop) = (&requests, &stop);
                scope.spawn(move || -> io::Result<()> {
                    let run = || -> io::Result<()> {
                        if let Some(cpu) = cpu {
                            affinity::pin_current_thread(cpu)?;
                        }
                        let exchange = match args.protocol {
                            Protocol::Echo => Exchange {
                                protocol: Protocol::Echo,
                                request: (0..args.msg).map(|i| i as u8).collect(),
                                response_len,
                            },
                            Protocol::Http => Exchange {
                                protocol: Protocol::Http,
                                request: HTTP_REQUEST.to_vec(),
                                response_len,
                            },
                        };
                        let mut client = Client::new(conns, exchange)?;
                        client.connect(&args.endpoint, conns)?;
                        // Round trips while connecting are not counted.
                        client.unreported = 0;
                        let _ = connected_tx.send(());
                        while !stop.load(Ordering::Relaxed) {
                            client.turn()?;
                            if client.unreported > 0 {
                                requests.fetch_add(client.unreported, Ordering::Relaxed);
                                client.unreported = 0;
                            }
                        }
                        Ok(())
                    };
                    let result = run();
                    // On an error, the coordinator must not wait for this thread.
                    stop.store(true, Ordering::Relaxed);
                    drop(connected_tx);
                    result
                })
            })
            .collect();
        drop(connected_tx);

        let measured = (|| -> io::Result<Report> {
            for _ in 0..threads {
                if connected.recv().is_err() || stop.load(Ordering::Relaxed) {
                    return Err(io::Error::other("a client thread failed"));
                }
            }
            let mark = || -> io::Result<Mark> {
                Ok(Mark {
                    at: Instant::now(),
                    requests: requests.load(Ordering::Relaxed),
                    server_cpu: server_clock.map(clock).transpose()?,
                    client_cpu: clock(libc::CLOCK_PROCESS_CPUTIME_ID)?,
                })
            };
            std::thread::sleep(args.warmup);
            let start = mark()?;
            std::thread::sleep(args.window);
            let end = mark()?;
            let server_cpu = match (start.server_cpu, end.server_cpu) {
                (Some(a), Some(b)) => Some(b.saturating_sub(a)),
                _ => None,
            };
            Ok(Report {
                requests: end.requests - start.requests,
                elapsed: end.at - start.at,
                server_cpu,
                client_cpu: end.client_cpu.saturating_sub(start.client_cpu),
            })
        })();
        stop.store(true, Ordering::Relaxed);
        // A thread's own error explains a failure best.
        for handle in loops {
            handle
                .join()
                .map_err(|_| io::Error::other("a client thread panicked"))??;
        }
        measured
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn args_and_report_round_trip_through_text() {
        let args = ClientArgs {
            endpoint: Endpoint::Tcp("127.0.0.1:4000".parse().unwrap()),
            protocol: Protocol::Http,
            conns: 50,
            msg: 64,
            warmup: Duration::from_millis(20),
            window: Duration::from_millis(100),
            threads: 2,
            cpus: vec![1, 3],
            server_pid: None,
        };
        let parsed = ClientArgs::parse(&args.to_args()).unwrap();
        assert_eq!(parsed.endpoint, args.endpoint);
        assert_eq!(parsed.protocol, Protocol::Http);
        assert_eq!(
            (parsed.conns, parsed.msg, parsed.threads, parsed.server_pid),
            (50, 64, 2, None)
        );
        assert_eq!(parsed.cpus, vec![1, 3]);
        assert_eq!(
            ClientArgs::parse(
                &ClientArgs {
                    cpus: vec![],
                    ..args
                }
                .to_args()
            )
            .unwrap()
            .cpus,
            Vec::<usize>::new()
        );
        assert_eq!(parsed.window, args.window);
        assert_eq!(
            Endpoint::parse("unix:/tmp/x.sock").unwrap(),
            Endpoint::Unix("/tmp/x.sock".into())
        );
        assert!(ClientArgs::parse(&["tcp:1.2.3.4:5".to_string()]).is_err());

        let report = Report {
            requests: 1234,
            elapsed: Duration::from_millis(100),
            server_cpu: Some(Duration::from_nanos(98_765_432)),
            client_cpu: Duration::from_nanos(5),
        };
        assert_eq!(Report::parse(&report.to_line()).unwrap(), report);
        assert!((report.rate() - 12340.0).abs() < 1e-6);
    }

    /// Against a blocking std echo server (a thread per connection), the client completes
    /// round trips, reads back exactly what it wrote (the server checks the pattern) and
    /// reports the server process's CPU time (this very process).
    #[test]
    fn drives_a_blocking_echo_server() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let conns = 3;
        let msg = 5000; // more than one read of a small socket buffer may return
        let server = std::thread::spawn(move || {
            let mut handlers = Vec::new();
            for _ in 0..conns {
                let (mut s, _) = listener.accept().unwrap();
                handlers.push(std::thread::spawn(move || {
                    let mut buf = vec![0u8; 1024];
                    let mut offset = 0usize;
                    loop {
                        let n = match s.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        for (i, b) in buf[..n].iter().enumerate() {
                            assert_eq!(*b, ((offset + i) % msg) as u8);
                        }
                        offset += n;
                        if s.write_all(&buf[..n]).is_err() {
                            return;
                        }
                    }
                }));
            }
            for h in handlers {
                h.join().unwrap();
            }
        });
        let report = run(&ClientArgs {
            endpoint: Endpoint::Tcp(addr),
            protocol: Protocol::Echo,
            conns,
            msg,
            warmup: Duration::from_millis(10),
            window: Duration::from_millis(50),
            threads: 2,
            cpus: vec![],
            server_pid: Some(std::process::id()),
        })
        .unwrap();
        assert!(report.requests > 0, "{report:?}");
        assert!(report.elapsed >= Duration::from_millis(50), "{report:?}");
        assert!(report.server_cpu.is_some_and(|c| c > Duration::ZERO));
        server.join().unwrap();
    }

    /// Against a blocking std HTTP server that answers every `GET` with a fixed response,
    /// the client learns the response's length, completes round trips on kept-alive
    /// connections, and never pipelines (the server checks that each read holds exactly
    /// one whole request).
    #[test]
    fn drives_a_blocking_http_server() {
        const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\nHello, World!";
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let conns = 3;
        let server = std::thread::spawn(move || {
            let mut handlers = Vec::new();
            // The probe's connection, then the client's.
            for _ in 0..=conns {
                let (mut s, _) = listener.accept().unwrap();
                handlers.push(std::thread::spawn(move || {
                    let mut buf = vec![0u8; 1024];
                    let mut pending = Vec::new();
                    loop {
                        let n = match s.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        pending.extend_from_slice(&buf[..n]);
                        if pending.len() < HTTP_REQUEST.len() {
                            continue;
                        }
                        assert_eq!(pending, HTTP_REQUEST, "one whole request at a time");
                        pending.clear();
                        if s.write_all(RESPONSE).is_err() {
                            return;
                        }
                    }
                }));
            }
            for h in handlers {
                h.join().unwrap();
            }
        });
        let endpoint = Endpoint::Tcp(addr);
        let report = run(&ClientArgs {
            endpoint: endpoint.clone(),
            protocol: Protocol::Http,
            conns,
            msg: 1,
            warmup: Duration::from_millis(10),
            window: Duration::from_millis(50),
            threads: 1,
            cpus: vec![],
            server_pid: None,
        })
        .unwrap();
        assert!(report.requests > 0, "{report:?}");
        server.join().unwrap();

        // A response that is not a 200 with a length is refused.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).unwrap();
            s.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                .unwrap();
        });
        let err = probe_http_response(&Endpoint::Tcp(addr)).unwrap_err();
        assert!(err.to_string().contains("404"), "{err}");
        server.join().unwrap();
    }
}
