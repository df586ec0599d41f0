#![cfg(feature = "full")]
//! The futures of the channel methods are `Sync` when the payload is, as
//! Tokio's are (`sync_mpsc.rs` checks `Send`).

use kiso::sync::mpsc;

fn sync<T: Sync>(_: &T) {}

#[test]
fn futures_are_sync_for_sync_payloads() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let (utx, mut urx) = mpsc::unbounded_channel::<u8>();
    sync(&rx.recv());
    sync(&urx.recv());
    let mut buf = Vec::new();
    sync(&rx.recv_many(&mut buf, 1));
    sync(&tx.send(0));
    sync(&tx.reserve());
    sync(&tx.reserve_many(1));
    sync(&tx.clone().reserve_owned());
    sync(&tx.closed());
    sync(&utx.closed());
    sync(&tx.send_timeout(0, std::time::Duration::from_millis(1)));
}
