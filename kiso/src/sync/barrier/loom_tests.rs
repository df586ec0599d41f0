//! Loom model of `Barrier`: two threads meet over two generations; exactly
//! one leader per generation and nobody is left waiting.

use super::Barrier;
use loom::future::block_on;
use loom::thread;
use std::sync::Arc;

#[test]
fn two_threads_two_generations() {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    b.check(|| {
        let barrier = Arc::new(Barrier::new(2));
        let b2 = barrier.clone();
        let th = thread::spawn(move || {
            (0..2)
                .map(|_| block_on(b2.wait()).is_leader() as usize)
                .sum::<usize>()
        });
        let mine: usize = (0..2)
            .map(|_| block_on(barrier.wait()).is_leader() as usize)
            .sum();
        assert_eq!(mine + th.join().unwrap(), 2);
    });
}
