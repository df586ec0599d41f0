#[kiso::test]
async fn takes_an_argument(input: u32) {
    assert_eq!(input, 1);
}

fn main() {}
