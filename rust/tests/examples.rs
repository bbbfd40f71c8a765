//! The seed's two programs (examples/) print what seed 002 §6 says.

use std::path::PathBuf;
use std::process::Command;

fn run_example(name: &str) -> String {
    // `cargo test` builds the examples next to this test's directory: target/<profile>/examples.
    let mut path: PathBuf = std::env::current_exe().unwrap();
    path.pop();
    path.pop();
    path.push("examples");
    path.push(name);
    let output = Command::new(&path)
        .output()
        .unwrap_or_else(|e| panic!("running {path:?}: {e}"));
    assert!(
        output.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn basic_usage_prints_defaults_overrides_then_defaults_again() {
    assert_eq!(
        run_example("basic_usage"),
        "lr=0.001, batch_size=32\nlr=0.0005, batch_size=64\nlr=0.001, batch_size=32\n"
    );
}

#[test]
fn thread_isolation_prints_each_workers_own_id_and_iterations() {
    let output = run_example("thread_isolation");
    let mut lines: Vec<&str> = output.lines().collect();
    lines.sort_unstable();
    let expected: Vec<String> = (0..4)
        .flat_map(|worker| (0..5).map(move |iter| format!("Worker {worker} iter {iter}")))
        .collect();
    assert_eq!(lines, expected);
}
