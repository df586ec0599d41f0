async fn run() {
    let _ = kiso::try_join!(async { 1 }, async { Ok::<_, ()>(2) });
}

fn main() {
    drop(run());
}
