//! Speed of reads against a `HashMap<String, i64>` lookup, measured in alternating rounds.
//!
//! Run with `cargo run --release --example speed`. Each line prints the cost of one
//! operation as a ratio to the baseline measured in the same rounds, and the limit.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use hyperparameter::*;

const OPS: u32 = 200_000;
const ROUNDS: usize = 31;

/// Nanoseconds per operation of `body`, which runs `OPS` operations.
fn time(body: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    body();
    start.elapsed().as_nanos() as f64 / f64::from(OPS)
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Median ratio of `subject` to `baseline` over alternating rounds, and the baseline's ns/op.
fn ratio(baseline: &mut dyn FnMut(), subject: &mut dyn FnMut()) -> (f64, f64) {
    let (mut ratios, mut base) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let b = time(baseline);
        let s = time(subject);
        ratios.push(s / b);
        base.push(b);
    }
    (median(ratios), median(base))
}

fn report(name: &str, (ratio, base_ns): (f64, f64), limit: Option<f64>) {
    let verdict = match limit {
        Some(limit) if ratio <= limit => format!("<= {limit} ok"),
        Some(limit) => format!("> {limit} OVER"),
        None => String::new(),
    };
    println!("{name:<58} {ratio:>5.2}x  (baseline {base_ns:.1} ns) {verdict}");
}

fn main() {
    let mut map: HashMap<String, i64> = HashMap::new();
    for (index, key) in [
        "train.lr",
        "train.batch_size",
        "train.epochs",
        "model.dropout",
    ]
    .iter()
    .enumerate()
    {
        map.insert(key.to_string(), index as i64);
    }
    let mut lookup = || {
        for _ in 0..OPS {
            black_box(map.get(black_box("train.batch_size")));
        }
    };
    println!(
        "hyperparameter crate: cost per operation as a ratio to a HashMap<String, i64> lookup"
    );

    with_params! {
        set train.batch_size = 64i64;
        set train.lr = 0.001f64;
        let mut get = || {
            for _ in 0..OPS {
                black_box(get_param!(train.batch_size, 0i64));
            }
        };
        report("get of a set key inside with_params!", ratio(&mut lookup, &mut get), Some(0.7));

        let mut block = || {
            for _ in 0..OPS {
                with_params! {
                    get size = train.batch_size or 0i64;
                    black_box(size);
                }
            }
        };
        report("enter a block, get, leave", ratio(&mut lookup, &mut block), Some(3.0));

        let mut block_with_set = || {
            for index in 0..OPS {
                with_params! {
                    set train.step = i64::from(index);
                    get size = train.batch_size or 0i64;
                    black_box(size);
                }
            }
        };
        report("enter a block, set, get, leave (for reference)", ratio(&mut lookup, &mut block_with_set), None);
    }

    // A `-D` string read as a number costs what a number costs: it is parsed once, when set.
    let mut typed = || {
        with_params! {
            set train.epochs = 20i64;
            for _ in 0..OPS {
                black_box(get_param!(train.epochs, 0i64));
            }
        }
    };
    let mut text = || {
        with_params! {
            params ["train.epochs=20"];
            for _ in 0..OPS {
                black_box(get_param!(train.epochs, 0i64));
            }
        }
    };
    report(
        "get of a -D string as i64, against get of an i64",
        ratio(&mut typed, &mut text),
        Some(1.5),
    );
    let mut parse = || {
        for _ in 0..OPS {
            black_box(Text::new(black_box("20").to_string()));
        }
    };
    report(
        "(parsing the string on every read would add, against get of an i64)",
        ratio(&mut typed, &mut parse),
        None,
    );
}
