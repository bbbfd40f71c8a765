//! Behaviour across threads: isolation, and `frozen()` as the baseline of new threads.

use std::sync::{Arc, Barrier};
use std::thread;

use hyperparameter::*;

// One test per file touches the process-wide baseline, so tests cannot race on it.
#[test]
fn threads_are_isolated_and_start_from_the_frozen_baseline() {
    with_params! {
        set thread.before = 1i64;
        // Without frozen(), a new thread does not see this thread's values.
        let seen = thread::spawn(|| get_param!(thread.before, 0i64)).join().unwrap();
        assert_eq!(seen, 0);
        set thread.seed = 42i64;
        frozen();
    };
    assert_eq!(
        get_param!(thread.seed, 0i64),
        0,
        "frozen() leaves the block's rollback alone"
    );

    let barrier = Arc::new(Barrier::new(4));
    let handles: Vec<_> = (0..4i64)
        .map(|id| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let seed = get_param!(thread.seed, 0i64);
                with_params! {
                    set thread.id = id;
                    barrier.wait(); // every thread has set its own id before any reads it
                    get seen = thread.id or -1i64;
                    (seed, seen)
                }
            })
        })
        .collect();
    let results: Vec<(i64, i64)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results, vec![(42, 0), (42, 1), (42, 2), (42, 3)]);

    // Values a thread sets outside any block stay on that thread.
    thread::spawn(|| {
        let scope = ParamScope::enter();
        scope.set("thread.seed", 7i64).unwrap();
        std::mem::forget(scope);
        assert_eq!(get_param!(thread.seed, 0i64), 7);
    })
    .join()
    .unwrap();
    let later = thread::spawn(|| get_param!(thread.seed, 0i64))
        .join()
        .unwrap();
    assert_eq!(later, 42);
}
