//! A chat server: every line a client sends goes to all the other clients.
//!
//! ```text
//! cargo run --example chat --features full            # listens on 127.0.0.1:6142
//! nc 127.0.0.1 6142                                    # in two or more terminals
//! ```
//!
//! Each client is handled by one task that reads its lines, plus one task
//! that writes to it whatever the others say. The two are joined by a
//! channel; the map of channels is the chat room. The room's lock is never
//! held across an `.await`, so a plain `std::sync::Mutex` does.

use kiso::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use kiso::net::{TcpListener, TcpStream};
use kiso::sync::mpsc::{unbounded_channel, UnboundedSender};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// Who is connected, and how to reach each of them.
type Room = Arc<Mutex<HashMap<SocketAddr, UnboundedSender<String>>>>;

#[kiso::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:6142".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("chat server on {}", listener.local_addr()?);

    let room = Room::default();
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                eprintln!("accept failed: {e}");
                kiso::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let room = room.clone();
        kiso::spawn(async move {
            if let Err(e) = client(socket, peer, &room).await {
                eprintln!("{peer}: {e}");
            }
            // Whatever happened, the client leaves the room.
            room.lock().unwrap().remove(&peer);
            say(&room, peer, format!("* {peer} left"));
        });
    }
}

/// Serves one client until it disconnects.
async fn client(socket: TcpStream, peer: SocketAddr, room: &Room) -> std::io::Result<()> {
    let (reader, mut writer) = socket.into_split();
    let mut lines = BufReader::new(reader).lines();

    writer.write_all(b"your name? ").await?;
    let Some(name) = lines.next_line().await? else {
        return Ok(());
    };
    let name = name.trim().to_string();

    // Join the room: from now on the others' lines come through `inbox`,
    // and a task of our own writes them out.
    let (outbox, mut inbox) = unbounded_channel::<String>();
    room.lock().unwrap().insert(peer, outbox);
    say(room, peer, format!("* {name} joined"));
    let writing = kiso::spawn(async move {
        while let Some(line) = inbox.recv().await {
            if writer.write_all(line.as_bytes()).await.is_err() {
                break;
            }
        }
    });

    while let Some(line) = lines.next_line().await? {
        say(room, peer, format!("{name}: {line}"));
    }
    // Leaving the room drops our sender, which ends the writing task.
    room.lock().unwrap().remove(&peer);
    let _ = writing.await;
    Ok(())
}

/// Sends `line` to everyone in the room but `from`.
fn say(room: &Room, from: SocketAddr, line: String) {
    let line = line + "\n";
    for (addr, outbox) in room.lock().unwrap().iter() {
        if *addr != from {
            // A send fails only if that client is leaving; skip it.
            let _ = outbox.send(line.clone());
        }
    }
}
