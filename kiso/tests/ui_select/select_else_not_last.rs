async fn run() -> u32 {
    kiso::select! {
        else => 0,
        v = async { 1u32 } => v,
    }
}

fn main() {
    drop(run());
}
