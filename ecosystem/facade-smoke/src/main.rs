//! Counts words from a channel through `tokio-stream`, on kiso.

use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

#[tokio::main]
async fn main() {
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    tokio::spawn(async move {
        for word in ["kiso", "runs", "tokio", "code"] {
            tx.send(word).await.unwrap();
        }
    });
    let words: Vec<_> = ReceiverStream::new(rx).collect().await;
    println!("{}", words.join(" "));
}
