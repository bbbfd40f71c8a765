//! The per-thread store: current values, an undo log per open block, and the frozen baseline.
//!
//! A read is one map lookup: the map always holds the values visible now. Setting a key
//! inside a block records the value it replaced; leaving the block replays those records
//! backwards. No borrow of the store is held while user code runs, so a `set` value or a
//! `get` default may itself read parameters.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::hash::{BuildHasherDefault, Hash};
use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

use crate::error::InvalidKeyError;
use crate::key::{key_problem, Key, KeyMap};
use crate::value::Value;

struct Frame {
    id: u64,
    undo_len: usize,
}

/// A current value and the block that set it (`NO_FRAME` for the thread's baseline).
#[derive(Clone)]
struct Entry {
    value: Value,
    frame: u64,
}

const NO_FRAME: u64 = u64::MAX;

struct Store {
    values: KeyMap<Entry>,
    undo: Vec<(Key, Option<Entry>)>,
    frames: Vec<Frame>,
    next_id: u64,
    started: bool,
}

impl Store {
    const fn new() -> Store {
        Store {
            values: KeyMap::with_hasher(BuildHasherDefault::new()),
            undo: Vec::new(),
            frames: Vec::new(),
            next_id: 0,
            started: false,
        }
    }

    /// A thread's first use: it starts from the frozen baseline.
    fn start(&mut self) {
        self.started = true;
        let baseline = BASELINE
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone();
        if let Some(baseline) = baseline {
            let entries = baseline.iter().map(|(key, value)| {
                let entry = Entry {
                    value: value.clone(),
                    frame: NO_FRAME,
                };
                (key.clone(), entry)
            });
            self.values = entries.collect();
        }
    }

    fn set(&mut self, id: u64, key: Key, value: Value) {
        if self.frames.last().map(|frame| frame.id) != Some(id) {
            panic!(
                "hyperparameter '{key}' was set through a scope that is not the innermost open \
                 one on this thread; set it inside the innermost with_params! block"
            );
        }
        match self.values.get_mut(&key) {
            // Set before in this block: its undo record already holds the value to restore,
            // so a key set in a loop does not grow the log.
            Some(entry) if entry.frame == id => entry.value = value,
            _ => {
                let previous = self.values.insert(key.clone(), Entry { value, frame: id });
                self.undo.push((key, previous));
            }
        }
    }

    fn leave(&mut self, id: u64) {
        // Blocks leave in order; a guard dropped early also closes the blocks inside it.
        let Some(position) = self.frames.iter().rposition(|frame| frame.id == id) else {
            return;
        };
        let undo_len = self.frames[position].undo_len;
        self.frames.truncate(position);
        while self.undo.len() > undo_len {
            let (key, previous) = self.undo.pop().expect("the log is longer than undo_len");
            match previous {
                Some(entry) => self.values.insert(key, entry),
                None => self.values.remove(&key),
            };
        }
    }
}

thread_local! {
    static STORE: RefCell<Store> = const { RefCell::new(Store::new()) };
}

/// The values new threads start from, published by `frozen()`.
static BASELINE: RwLock<Option<Arc<KeyMap<Value>>>> = RwLock::new(None);

#[cold]
#[inline(never)]
fn start_thread(cell: &RefCell<Store>) {
    cell.borrow_mut().start();
}

/// Run `read` on the Rust value set for `key` on this thread, if any.
#[inline(always)]
pub(crate) fn with_value<Q, R>(key: &Q, read: impl FnOnce(Option<&Value>) -> R) -> R
where
    Key: Borrow<Q>,
    Q: Hash + Eq + ?Sized,
{
    STORE.with(
        #[inline(always)]
        |cell| {
            let store = cell.borrow();
            if store.started {
                read(store.values.get(key).map(|entry| &entry.value))
            } else {
                drop(store);
                start_thread(cell);
                read(cell.borrow().values.get(key).map(|entry| &entry.value))
            }
        },
    )
}

/// Publish the values visible on this thread as the baseline of threads that start later.
///
/// A thread starts from the baseline when it first uses a parameter; values set afterwards
/// stay on the thread that set them.
///
/// ```
/// use hyperparameter::*;
/// with_params! {
///     set global.seed = 42i64;
///     frozen();
/// }
/// assert_eq!(get_param!(global.seed, 0i64), 0); // rolled back on this thread
/// let seen = std::thread::spawn(|| get_param!(global.seed, 0i64)).join().unwrap();
/// assert_eq!(seen, 42); // a new thread starts from the frozen baseline
/// ```
pub fn frozen() {
    let snapshot = STORE.with(|cell| {
        let mut store = cell.borrow_mut();
        if !store.started {
            store.start();
        }
        let values = store
            .values
            .iter()
            .map(|(key, entry)| (key.clone(), entry.value.clone()));
        Arc::new(values.collect())
    });
    *BASELINE
        .write()
        .unwrap_or_else(|poison| poison.into_inner()) = Some(snapshot);
}

/// An open block of hyperparameter values: what it sets is undone when it is dropped.
///
/// `with_params!` creates one per block; use it directly when a macro does not fit. A
/// scope belongs to the thread that entered it (it is neither `Send` nor `Sync`).
///
/// ```
/// use hyperparameter::*;
/// {
///     let scope = ParamScope::enter();
///     scope.set("train.lr", 0.01f64).unwrap();
///     scope.apply_lines(["train.epochs=20"]).unwrap();
///     assert_eq!(get_or("train.lr", 0.1f64), 0.01);
///     assert_eq!(get_or("train.epochs", 10i64), 20);
/// }
/// assert_eq!(get_or("train.lr", 0.1f64), 0.1);
/// ```
pub struct ParamScope {
    id: u64,
    _thread_bound: PhantomData<*const ()>,
}

impl ParamScope {
    /// Open a block on this thread.
    #[inline]
    pub fn enter() -> ParamScope {
        let id = STORE.with(|cell| {
            let mut store = cell.borrow_mut();
            if !store.started {
                store.start();
            }
            let id = store.next_id;
            store.next_id += 1;
            let undo_len = store.undo.len();
            store.frames.push(Frame { id, undo_len });
            id
        });
        ParamScope {
            id,
            _thread_bound: PhantomData,
        }
    }

    /// Set a key given as a string until this block ends; the key is checked first.
    pub fn set(&self, key: &str, value: impl crate::IntoValue) -> Result<(), InvalidKeyError> {
        let key = checked_key(key)?;
        self.set_key(key, value.into_value());
        Ok(())
    }

    /// Apply `key=value` lines (the `-D` form); the values are strings, converted when read.
    ///
    /// Every line is checked before any is applied, so a bad line sets nothing.
    pub fn apply_lines<I>(&self, lines: I) -> Result<(), InvalidKeyError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut parsed = Vec::new();
        for line in lines {
            let line = line.as_ref();
            let Some((key, value)) = line.split_once('=') else {
                return Err(InvalidKeyError {
                    key: line.to_string(),
                    problem: "it has no '='".to_string(),
                    expected: LINES_EXPECTED,
                });
            };
            let key = checked_key(key.trim())?;
            parsed.push((key, Value::text(value)));
        }
        for (key, value) in parsed {
            self.set_key(key, value);
        }
        Ok(())
    }

    /// Set a key known to be valid (the macros' path).
    #[doc(hidden)]
    #[inline]
    pub fn set_key(&self, key: Key, value: Value) {
        STORE.with(|cell| cell.borrow_mut().set(self.id, key, value));
    }
}

impl Drop for ParamScope {
    #[inline]
    fn drop(&mut self) {
        // During thread teardown the store may already be gone; then there is nothing to undo.
        let _ = STORE.try_with(|cell| {
            if let Ok(mut store) = cell.try_borrow_mut() {
                store.leave(self.id);
            }
        });
    }
}

const LINES_EXPECTED: &str = "'key=value' strings such as 'train.lr=0.1'";

fn checked_key(key: &str) -> Result<Key, InvalidKeyError> {
    match key_problem(key) {
        None => Ok(Key::from_string(key.to_string())),
        Some(problem) => Err(InvalidKeyError {
            key: key.to_string(),
            problem,
            expected: "dotted names such as 'train.lr'",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_set_again_in_the_same_block_keeps_one_undo_record() {
        let scope = ParamScope::enter();
        for step in 0..1000i64 {
            scope.set("store.step", step).unwrap();
        }
        assert_eq!(STORE.with(|cell| cell.borrow().undo.len()), 1);
        assert_eq!(crate::get_or("store.step", -1i64), 999);
        drop(scope);
        assert_eq!(crate::get_or("store.step", -1i64), -1);
    }
}
