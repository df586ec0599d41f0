//! A hello-world HTTP/1.1 server on hyper 1, the server of kiso-bench's `http/` workloads.
//!
//! It binds `127.0.0.1:0`, prints the address it got on one line of standard output, and
//! answers every request on every connection with `200 OK` and the body `Hello, World!`
//! (hyper adds `content-length` and `date`), keeping connections alive. It exits when its
//! standard input reaches end of file, so it never outlives the harness that started it.
//!
//! The runtime is `#[tokio::main]`'s: a multi-thread runtime with one worker per CPU. Built
//! in this package it is Tokio; built as `ecosystem/hyper-hello` it is kiso, through the
//! `tokio` facade.

use std::convert::Infallible;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(
        b"Hello, World!",
    ))))
}

#[tokio::main]
async fn main() {
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        while !matches!(std::io::stdin().read(&mut sink), Ok(0) | Err(_)) {}
        std::process::exit(0);
    });

    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local_addr");
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{addr}")
        .and_then(|()| stdout.flush())
        .expect("print the address");

    loop {
        // A failed accept loses only that connection, which the load client reports.
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let connection =
                http1::Builder::new().serve_connection(TokioIo::new(stream), service_fn(hello));
            // A peer that resets the connection ends it; nothing to report.
            let _ = connection.await;
        });
    }
}
