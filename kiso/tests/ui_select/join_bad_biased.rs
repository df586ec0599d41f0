async fn run() {
    let _ = kiso::join!(biassed; async { 1 }, async { 2 });
}

fn main() {
    drop(run());
}
