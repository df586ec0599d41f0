fn main() {
    let v = kiso::select! {
        v = async { 1u32 } => v,
    };
    drop(v);
}
