async fn run() -> u32 {
    kiso::select! {
        v = async { 1u32 } => v
        w = async { 2u32 } => w,
    }
}

fn main() {
    drop(run());
}
