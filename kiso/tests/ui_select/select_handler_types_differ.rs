async fn run() {
    let _ = kiso::select! {
        v = async { 1u32 } => v,
        s = async { "two" } => s,
    };
}

fn main() {
    drop(run());
}
