async fn run() -> u32 {
    kiso::select! {
        v => async { 1u32 },
    }
}

fn main() {
    drop(run());
}
