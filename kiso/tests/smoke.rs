use kiso::runtime::Builder;

#[test]
fn spawn_and_join() {
    let rt = Builder::new_current_thread().build().unwrap();
    let out = rt.block_on(async {
        let mut hs = Vec::new();
        for i in 0..1000u64 {
            hs.push(kiso::spawn(async move { i }));
        }
        let mut s = 0;
        for h in hs {
            s += h.await.unwrap();
        }
        s
    });
    assert_eq!(out, 499500);
}
