//! A client for the `echo` example: sends each line typed on stdin and
//! prints what comes back.
//!
//! ```text
//! cargo run --example echo_client --features full            # connects to 127.0.0.1:8080
//! cargo run --example echo_client --features full -- host:port
//! ```

use kiso::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use kiso::net::TcpStream;

#[kiso::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let mut stream = TcpStream::connect(&addr).await?;
    println!("connected to {}", stream.peer_addr()?);

    let mut lines = BufReader::new(kiso::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        // Send the line, then read back exactly as many bytes.
        let msg = format!("{line}\n");
        stream.write_all(msg.as_bytes()).await?;
        let mut echoed = vec![0u8; msg.len()];
        stream.read_exact(&mut echoed).await?;
        print!("{}", String::from_utf8_lossy(&echoed));
    }

    // End of input: tell the server we are done.
    stream.shutdown().await?;
    Ok(())
}
