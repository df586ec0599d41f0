//! Running child processes without blocking the runtime.
//!
//! [`Command`] is std's `Command` with an asynchronous [`Child`]: waiting
//! for a child's end, and reading and writing its standard streams, are
//! futures. A child is watched by the runtime's reactor (through a pidfd on
//! Linux), so any number of children cost no threads.
//!
//! A [`Child`] dropped before its end was collected does not leave a zombie
//! behind: kiso reaps it later in the background. It is not killed unless
//! [`Command::kill_on_drop`] asked for it.
//!
//! # Examples
//!
//! ```
//! use kiso::process::Command;
//!
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let output = Command::new("echo").arg("hello").output().await?;
//! assert!(output.status.success());
//! assert_eq!(output.stdout, b"hello\n");
//! # Ok(())
//! # }
//! ```

mod reap;
mod stdio;

pub use stdio::{ChildStderr, ChildStdin, ChildStdout};

use crate::io::{AsyncRead, ReadBuf};
use reap::Exit;
use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::pin::Pin;
use std::process::{Command as StdCommand, ExitStatus, Output, Stdio};
use std::task::{Context, Poll};

/// A builder for a child process, like std's `Command` but spawning a
/// [`Child`] whose waits and pipes are asynchronous.
///
/// # Examples
///
/// ```
/// use kiso::process::Command;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let status = Command::new("sh").args(["-c", "exit 3"]).status().await?;
/// assert_eq!(status.code(), Some(3));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Command {
    std: StdCommand,
    kill_on_drop: bool,
}

impl Command {
    /// Starts a builder for running `program`, with no arguments, the
    /// parent's environment, working directory and standard streams.
    ///
    /// # Examples
    ///
    /// ```
    /// let cmd = kiso::process::Command::new("ls");
    /// assert_eq!(cmd.as_std().get_program(), "ls");
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(StdCommand::new(program))
    }

    /// Borrows the std `Command` inside.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.arg("-l");
    /// assert_eq!(cmd.as_std().get_args().count(), 1);
    /// ```
    pub fn as_std(&self) -> &StdCommand {
        &self.std
    }

    /// Borrows the std `Command` inside mutably, for options this type does
    /// not forward.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.as_std_mut().arg("-a");
    /// assert_eq!(cmd.as_std().get_args().count(), 1);
    /// ```
    pub fn as_std_mut(&mut self) -> &mut StdCommand {
        &mut self.std
    }

    /// Turns it into the std `Command` inside (`kill_on_drop` is lost).
    ///
    /// # Examples
    ///
    /// ```
    /// let std_cmd: std::process::Command = kiso::process::Command::new("ls").into_std();
    /// assert_eq!(std_cmd.get_program(), "ls");
    /// ```
    pub fn into_std(self) -> StdCommand {
        self.std
    }

    /// Adds one argument.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.arg("-l").arg("/");
    /// ```
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds several arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.args(["-l", "/"]);
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.env("LC_ALL", "C");
    /// ```
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.env(key, val);
        self
    }

    /// Sets several environment variables for the child.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("env");
    /// cmd.envs([("A", "1"), ("B", "2")]);
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable from the child's environment.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.env_remove("PATH");
    /// ```
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts the child with an empty environment (plus what `env` adds).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("/usr/bin/env");
    /// cmd.env_clear();
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// Sets the child's working directory.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.current_dir("/");
    /// ```
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// Sets what the child's standard input is (inherited by default for
    /// `spawn` and `status`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::Stdio;
    ///
    /// let mut cmd = kiso::process::Command::new("cat");
    /// cmd.stdin(Stdio::null());
    /// ```
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// Sets what the child's standard output is (inherited by default for
    /// `spawn` and `status`, piped for `output`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::Stdio;
    ///
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.stdout(Stdio::piped());
    /// ```
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// Sets what the child's standard error is (inherited by default for
    /// `spawn` and `status`, piped for `output`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::Stdio;
    ///
    /// let mut cmd = kiso::process::Command::new("ls");
    /// cmd.stderr(Stdio::null());
    /// ```
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether a [`Child`] spawned from here is killed (`SIGKILL`) when it is
    /// dropped before it ended. Off by default: a dropped child runs on and
    /// is reaped in the background.
    ///
    /// The futures of [`status`](Command::status) and
    /// [`output`](Command::output) own their child, so with this set,
    /// dropping them kills it too.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let child = Command::new("sleep").arg("1000").kill_on_drop(true).spawn()?;
    /// drop(child); // `sleep` is killed, then reaped
    /// # Ok(())
    /// # }
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// Returns the current [`kill_on_drop`](Command::kill_on_drop) setting.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("ls");
    /// assert!(!cmd.get_kill_on_drop());
    /// cmd.kill_on_drop(true);
    /// assert!(cmd.get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Runs the child as user `id` (`setuid` before `exec`).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("id");
    /// cmd.uid(1000);
    /// ```
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// Runs the child as group `id` (`setgid` before `exec`).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = kiso::process::Command::new("id");
    /// cmd.gid(1000);
    /// ```
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// Sets the child's `argv[0]` (by default the program as given).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("sh").arg0("renamed").args(["-c", "echo $0"]).output().await?;
    /// assert_eq!(out.stdout, b"renamed\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg0(arg);
        self
    }

    /// Runs `f` in the child between `fork` and `exec`.
    ///
    /// # Safety
    ///
    /// `f` runs in a copy of a (possibly multi-threaded) process that has
    /// only one thread: it must only do async-signal-safe work (no
    /// allocation, no locks another thread may have held). See std's
    /// `CommandExt::pre_exec`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cmd = Command::new("true");
    /// // SAFETY: the closure does nothing.
    /// unsafe { cmd.pre_exec(|| Ok(())) };
    /// assert!(cmd.status().await?.success());
    /// # Ok(())
    /// # }
    /// ```
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `pre_exec`'s contract (see above).
        unsafe { self.std.pre_exec(f) };
        self
    }

    /// Puts the child in process group `pgroup` (0: a new group whose id is
    /// the child's pid).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// assert!(Command::new("true").process_group(0).status().await?.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// Starts the child.
    ///
    /// Its piped standard streams become the asynchronous pipes in
    /// [`Child::stdin`], [`Child::stdout`] and [`Child::stderr`].
    ///
    /// # Errors
    ///
    /// Returns the error of starting the process (for example, the program
    /// was not found), or of setting up its pipes.
    ///
    /// # Panics
    ///
    /// Panics if called outside a kiso runtime with I/O enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("true").spawn()?;
    /// assert!(child.id().is_some());
    /// assert!(child.wait().await?.success());
    /// assert!(Command::new("/no/such/program").spawn().is_err());
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        // Check for a runtime before a process exists to leak.
        let handle = crate::runtime::Handle::current();
        if handle.inner.io().is_none() {
            panic!(
                "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO."
            );
        }
        reap::sweep_orphans();
        let mut std = self.std.spawn()?;
        let exit = Exit::new(&std);
        let stdin = std.stdin.take();
        let stdout = std.stdout.take();
        let stderr = std.stderr.take();
        let mut child = Child {
            state: State::Running(Running {
                std,
                exit,
                kill_on_drop: self.kill_on_drop,
            }),
            stdin: None,
            stdout: None,
            stderr: None,
        };
        child.stdin = stdin.map(ChildStdin::from_std).transpose()?;
        child.stdout = stdout.map(ChildStdout::from_std).transpose()?;
        child.stderr = stderr.map(ChildStderr::from_std).transpose()?;
        Ok(child)
    }

    /// Runs the child to its end and returns its exit status.
    ///
    /// The child is spawned at once; the future waits for it. Its standard
    /// streams are inherited unless set otherwise; piped ones are closed.
    ///
    /// # Errors
    ///
    /// Returns the error of spawning the child or of waiting for it.
    ///
    /// # Panics
    ///
    /// Panics if called outside a kiso runtime with I/O enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// assert!(!Command::new("false").status().await?.success());
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> {
        let child = self.spawn();
        async {
            let mut child = child?;
            drop(child.stdin.take());
            drop(child.stdout.take());
            drop(child.stderr.take());
            child.wait().await
        }
    }

    /// Runs the child to its end, collecting its standard output and error.
    ///
    /// Standard output and error are set to piped (this setting stays on
    /// the `Command`); standard input is inherited unless set otherwise.
    ///
    /// # Errors
    ///
    /// Returns the error of spawning the child, of reading its output or of
    /// waiting for it.
    ///
    /// # Panics
    ///
    /// Panics if called outside a kiso runtime with I/O enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("sh").args(["-c", "echo out; echo err >&2; exit 2"]).output().await?;
    /// assert_eq!(out.status.code(), Some(2));
    /// assert_eq!(out.stdout, b"out\n");
    /// assert_eq!(out.stderr, b"err\n");
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async { child?.wait_with_output().await }
    }
}

impl From<StdCommand> for Command {
    /// Wraps a std `Command` (with `kill_on_drop` off).
    fn from(std: StdCommand) -> Command {
        Command {
            std,
            kill_on_drop: false,
        }
    }
}

/// A child process spawned by [`Command::spawn`].
///
/// Its end is collected by [`wait`](Child::wait) or
/// [`try_wait`](Child::try_wait). Dropping it before that neither waits nor
/// (unless [`Command::kill_on_drop`] was set) kills it: the child runs on,
/// and kiso reaps it in the background once it ends.
///
/// # Examples
///
/// ```
/// use kiso::process::Command;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("sleep").arg("1000").spawn()?;
/// child.kill().await?;
/// assert!(child.id().is_none());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Child {
    state: State,
    /// The parent's end of the child's standard input, if it was piped.
    pub stdin: Option<ChildStdin>,
    /// The parent's end of the child's standard output, if it was piped.
    pub stdout: Option<ChildStdout>,
    /// The parent's end of the child's standard error, if it was piped.
    pub stderr: Option<ChildStderr>,
}

#[derive(Debug)]
enum State {
    Running(Running),
    Done(ExitStatus),
    /// Only while being dropped.
    Gone,
}

#[derive(Debug)]
struct Running {
    std: std::process::Child,
    exit: Exit,
    kill_on_drop: bool,
}

impl Child {
    /// Returns the child's process id, or `None` once its end was collected
    /// (the id may then belong to another process).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("true").spawn()?;
    /// assert!(child.id().is_some());
    /// child.wait().await?;
    /// assert_eq!(child.id(), None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn id(&self) -> Option<u32> {
        match &self.state {
            State::Running(r) => Some(r.std.id()),
            _ => None,
        }
    }

    /// Sends `SIGKILL` to the child without waiting for it to end.
    ///
    /// Does nothing if the child's end was already collected.
    ///
    /// # Errors
    ///
    /// Returns the error of `kill(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sleep").arg("1000").spawn()?;
    /// child.start_kill()?;
    /// assert_eq!(child.wait().await?.signal(), Some(9));
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.state {
            State::Running(r) => {
                r.std.kill()?;
                r.kill_on_drop = false;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Kills the child (`SIGKILL`) and waits for it to end.
    ///
    /// # Errors
    ///
    /// Returns the error of killing or of waiting.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe in the sense that nothing is lost: the signal is sent at
    /// the first poll, and a later `wait` collects the end.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sleep").arg("1000").spawn()?;
    /// child.kill().await?;
    /// assert!(!child.wait().await?.success());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await?;
        Ok(())
    }

    /// Waits for the child to end and returns its exit status.
    ///
    /// Closes the child's standard input first (if piped and still here),
    /// so a child reading it is not left waiting for more. Once collected,
    /// the status is kept: later calls return it at once.
    ///
    /// # Errors
    ///
    /// Returns an error if waiting fails (for example, the runtime shut
    /// down).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: dropping the future loses nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sh").args(["-c", "exit 7"]).spawn()?;
    /// assert_eq!(child.wait().await?.code(), Some(7));
    /// assert_eq!(child.wait().await?.code(), Some(7));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        std::future::poll_fn(|cx| self.poll_wait(cx)).await
    }

    fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        match &mut self.state {
            State::Running(r) => {
                let status = std::task::ready!(r.exit.poll_wait(&mut r.std, cx))?;
                self.state = State::Done(status);
                Poll::Ready(Ok(status))
            }
            State::Done(status) => Poll::Ready(Ok(*status)),
            State::Gone => unreachable!("a child is gone only while dropped"),
        }
    }

    /// Returns the child's exit status if it has ended, without waiting.
    ///
    /// # Errors
    ///
    /// Returns the error of `waitpid(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sleep").arg("1000").spawn()?;
    /// assert!(child.try_wait()?.is_none());
    /// child.kill().await?;
    /// assert!(child.try_wait()?.is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match &mut self.state {
            State::Running(r) => {
                let status = r.std.try_wait()?;
                if let Some(status) = status {
                    self.state = State::Done(status);
                }
                Ok(status)
            }
            State::Done(status) => Ok(Some(*status)),
            State::Gone => unreachable!("a child is gone only while dropped"),
        }
    }

    /// Waits for the child to end while reading all of its standard output
    /// and error (those that are piped; the others come back empty).
    ///
    /// # Errors
    ///
    /// Returns the first error of reading or waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    /// use std::process::Stdio;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let child = Command::new("echo").arg("done").stdout(Stdio::piped()).spawn()?;
    /// let out = child.wait_with_output().await?;
    /// assert!(out.status.success());
    /// assert_eq!(out.stdout, b"done\n");
    /// assert!(out.stderr.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let mut stdout = self.stdout.take();
        let mut stderr = self.stderr.take();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut status = None;
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for polled in [
                poll_pipe(&mut stdout, &mut out, cx),
                poll_pipe(&mut stderr, &mut err, cx),
            ] {
                match polled {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => pending = true,
                }
            }
            if status.is_none() {
                match self.poll_wait(cx) {
                    Poll::Ready(Ok(s)) => status = Some(s),
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => pending = true,
                }
            }
            if pending {
                Poll::Pending
            } else {
                Poll::Ready(Ok(()))
            }
        })
        .await?;
        Ok(Output {
            status: status.expect("waited above"),
            stdout: out,
            stderr: err,
        })
    }
}

/// Reads `pipe` (if still there) to its end into `buf`, then drops it.
fn poll_pipe<R: AsyncRead + Unpin>(
    pipe: &mut Option<R>,
    buf: &mut Vec<u8>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    if let Some(p) = pipe.as_mut() {
        std::task::ready!(poll_read_to_end(p, buf, cx))?;
        *pipe = None;
    }
    Poll::Ready(Ok(()))
}

/// Reads `pipe` into `buf` until the end of the stream.
fn poll_read_to_end<R: AsyncRead + Unpin>(
    pipe: &mut R,
    buf: &mut Vec<u8>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    let mut chunk = [0u8; 4096];
    loop {
        let mut rb = ReadBuf::new(&mut chunk);
        std::task::ready!(Pin::new(&mut *pipe).poll_read(cx, &mut rb))?;
        if rb.filled().is_empty() {
            return Poll::Ready(Ok(()));
        }
        buf.extend_from_slice(rb.filled());
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if let State::Running(mut r) = std::mem::replace(&mut self.state, State::Gone) {
            if r.kill_on_drop {
                let _ = r.std.kill();
            }
            reap::orphan(r.std, r.exit);
        }
    }
}
