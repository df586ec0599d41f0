async fn run() -> u32 {
    kiso::select! {
        v = async { 1u32 } v,
    }
}

fn main() {
    drop(run());
}
