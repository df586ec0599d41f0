//! A TCP echo server: every byte a client sends comes straight back.
//!
//! Run it, then talk to it from another terminal:
//!
//! ```text
//! cargo run --example echo --features full            # listens on 127.0.0.1:8080
//! cargo run --example echo --features full -- 0.0.0.0:7000
//! nc 127.0.0.1 8080                                    # or: cargo run --example echo_client
//! ```

use kiso::io::{AsyncReadExt, AsyncWriteExt};
use kiso::net::TcpListener;

#[kiso::main]
async fn main() -> std::io::Result<()> {
    // The address to listen on: the first argument, or a local default.
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);

    loop {
        // Wait for the next client. A failed accept (say, out of file
        // descriptors) is reported, and the server pauses briefly so that
        // connections can close before it tries again.
        let (mut socket, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                eprintln!("accept failed: {e}");
                kiso::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        println!("{peer} connected");

        // Each client gets its own task, so a slow one never holds up the rest.
        kiso::spawn(async move {
            let mut buf = vec![0u8; 4096];
            loop {
                let n = match socket.read(&mut buf).await {
                    Ok(0) => break, // the client closed the connection
                    Ok(n) => n,
                    Err(e) => {
                        eprintln!("{peer}: read failed: {e}");
                        break;
                    }
                };
                if let Err(e) = socket.write_all(&buf[..n]).await {
                    eprintln!("{peer}: write failed: {e}");
                    break;
                }
            }
            println!("{peer} disconnected");
        });
    }
}
