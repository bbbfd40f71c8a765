//! Scoped hyperparameters for Rust, with the semantics of the Python library `hyperparameter`.
//!
//! A `with_params!` block sets values that everything called inside it sees, and undoes
//! them when it ends, also by a panic, an early `return` or `?`. Each thread is isolated;
//! a new thread starts from the baseline published by [`frozen`]. Values read with a
//! default take the default's type, with the Python library's conversions, so `-D`
//! strings such as `"train.epochs=20"` read as numbers.
//!
//! ```
//! use hyperparameter::*;
//!
//! fn train() -> (f64, i64) {
//!     with_params! {
//!         get lr = train.lr or 0.001f64;
//!         get batch_size = train.batch_size or 32i64;
//!         (lr, batch_size)
//!     }
//! }
//!
//! assert_eq!(train(), (0.001, 32));
//! let inside = with_params! {
//!     set train.lr = 0.0005f64;
//!     params ["train.batch_size=64"];
//!     train()
//! };
//! assert_eq!(inside, (0.0005, 64));
//! assert_eq!(train(), (0.001, 32)); // rolled back
//! ```
//!
//! # The `with_params!` syntax
//!
//! Between ordinary statements, a block accepts:
//!
//! - `get NAME = a.b.c or DEFAULT;` reads `a.b.c` as the type of `DEFAULT` into `NAME`
//!   (`@get` is accepted as well);
//! - `set a.b.c = VALUE;` sets `a.b.c` until the block ends (`@set` is accepted as well);
//! - `"a-b.c"` in place of a dotted path, for keys that are not identifiers;
//! - `params LINES;` applies `key=value` strings (anything iterable over `AsRef<str>`);
//! - `frozen();` publishes the visible values as the baseline of new threads.
//!
//! The block's value is its last expression. `get_param!(a.b, DEFAULT)` reads anywhere;
//! `get_param!(a.b)` reads a required value (it panics when the key is not set).
//!
//! Keys follow the Python library's rules (dotted names; no whitespace, `=`, `[`, `]` or
//! `,`). A key written in code is checked when the program compiles:
//!
//! ```compile_fail
//! use hyperparameter::*;
//! with_params! {
//!     set "train. lr" = 0.1f64; // error: it contains whitespace
//! }
//! ```
//!
//! # Conversions
//!
//! | Read as | A string set as | Other values |
//! | --- | --- | --- |
//! | `bool` | `true t yes y on 1` / `false f no n off 0`, any case | `0` / `1` |
//! | integers | an integer such as `42` or `-1_000` (in the type's range) | integers; `true`/`false` as 1/0 |
//! | `f64`, `f32` | anything Python's `float()` reads (`1e-3`, `inf`) | integers; `true`/`false` as 1.0/0.0 |
//! | `String`, `&str` | the text | as Python's `str()` writes it (`True`, `1e-05`) |
//! | `PathBuf` | the text | an error |
//!
//! A value that does not convert is never hidden behind the default: `get` panics with a
//! message naming the key, the value and the type, and [`try_get_or`] returns the error.
//!
//! # The `python` feature
//!
//! Rust code called from Python also sees the caller's `hp.scope` values: a read answers
//! with a value set in Rust on this thread, else the calling thread's Python scope (only on
//! a thread holding the GIL; other threads never wait for Python), else the default. The
//! feature finds the Python library's compiled module at run time (no libpython link);
//! `python_status()` says whether it did and why not. See `docs/rust.md` in the repository.

extern crate self as hyperparameter;

mod convert;
mod error;
mod key;
#[cfg(feature = "python")]
mod python;
mod read;
mod store;
mod value;

pub use convert::{IntoValue, Param};
pub use error::{ConversionError, GetError, InvalidKeyError};
pub use hyperparameter_macros::{get_param, with_params};
pub use key::{key_problem, Key};
#[cfg(feature = "python")]
pub use python::{python_status, PythonStatus};
pub use read::{get_or, try_get, try_get_or};
pub use store::{frozen, ParamScope};
pub use value::{parse_bool, Text, Value};

#[doc(hidden)]
pub mod __private {
    pub use crate::read::{get_key, get_required};
}
