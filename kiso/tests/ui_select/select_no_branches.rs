async fn run() {
    kiso::select! {}
}

fn main() {
    drop(run());
}
