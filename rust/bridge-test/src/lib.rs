//! Functions the Python tests call through ctypes (tests/test_rust_bridge.py): each reads
//! hyperparameters the way Rust code called from Python does.
//!
//! A read returns 0 and writes its result, or returns 1 and writes the error's message.
//! Panics never cross into C: they are caught and reported as errors.

use std::ffi::{c_char, c_int, CStr};
use std::panic::{catch_unwind, UnwindSafe};

use hyperparameter::*;

/// Copy `text` into the caller's buffer of `size` bytes, NUL-terminated (cut if needed).
///
/// # Safety
/// `buffer` must point to `size` writable bytes.
unsafe fn write_text(text: &str, buffer: *mut c_char, size: usize) {
    if buffer.is_null() || size == 0 {
        return;
    }
    let length = text.len().min(size - 1);
    std::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), buffer, length);
    *buffer.add(length) = 0;
}

/// Run `read`; 0 with the value written to `out`, or 1 with the error (or panic) in `error`.
///
/// # Safety
/// `out` must be writable, `error` must point to `error_size` writable bytes.
unsafe fn answer<T>(
    read: impl FnOnce() -> Result<T, String> + UnwindSafe,
    out: *mut T,
    error: *mut c_char,
    error_size: usize,
) -> c_int {
    let result = catch_unwind(read).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()));
        Err(message.unwrap_or_else(|| "panic".to_string()))
    });
    match result {
        Ok(value) => {
            *out = value;
            0
        }
        Err(message) => {
            write_text(&message, error, error_size);
            1
        }
    }
}

unsafe fn key<'a>(key: *const c_char) -> &'a str {
    CStr::from_ptr(key).to_str().expect("keys are UTF-8")
}

macro_rules! number_reader {
    ($($name:ident: $type:ident;)*) => {$(
        #[doc = concat!("`try_get_or(key, default)` for an `", stringify!($type), "` default.")]
        ///
        /// # Safety
        /// `name` is a NUL-terminated string; `out` and `error` as for `answer`.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            name: *const c_char,
            default: $type,
            out: *mut $type,
            error: *mut c_char,
            error_size: usize,
        ) -> c_int {
            let name = key(name);
            answer(move || try_get_or(name, default).map_err(|e| e.to_string()), out, error, error_size)
        }
    )*};
}

number_reader! {
    hp_read_i64: i64;
    hp_read_f64: f64;
}

/// `try_get_or(key, default)` for a `bool` default (0 or 1).
///
/// # Safety
/// `name` is a NUL-terminated string; `out` and `error` as for `answer`.
#[no_mangle]
pub unsafe extern "C" fn hp_read_bool(
    name: *const c_char,
    default: c_int,
    out: *mut c_int,
    error: *mut c_char,
    error_size: usize,
) -> c_int {
    let name = key(name);
    let read = move || {
        try_get_or(name, default != 0)
            .map(c_int::from)
            .map_err(|e| e.to_string())
    };
    answer(read, out, error, error_size)
}

/// `try_get_or(key, default)` for a string default; the text goes to `text` (`text_size` bytes).
///
/// # Safety
/// `name` and `default` are NUL-terminated strings; `text` and `error` are writable buffers.
#[no_mangle]
pub unsafe extern "C" fn hp_read_str(
    name: *const c_char,
    default: *const c_char,
    text: *mut c_char,
    text_size: usize,
    error: *mut c_char,
    error_size: usize,
) -> c_int {
    let name = key(name);
    let default = key(default);
    let mut found = String::new();
    let out: *mut String = &mut found;
    let status = answer(
        move || try_get_or(name, default).map_err(|e| e.to_string()),
        out,
        error,
        error_size,
    );
    write_text(&found, text, text_size);
    status
}

/// `with_params! { get lr = bridge.train.lr or 0.001f64; lr }`: the macro path.
#[no_mangle]
pub extern "C" fn hp_macro_lr() -> f64 {
    with_params! {
        get lr = bridge.train.lr or 0.001f64;
        lr
    }
}

/// Set `name` to `rust_value` in a Rust block, then read it as an `i64`: Rust values come first.
///
/// # Safety
/// `name` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn hp_read_i64_set_in_rust(
    name: *const c_char,
    rust_value: i64,
    default: i64,
) -> i64 {
    let name = key(name);
    let scope = ParamScope::enter();
    scope.set(name, rust_value).expect("a valid key");
    get_or(name, default)
}

/// Read `name` as an `i64` on a thread Rust spawns (it holds no GIL, so it must not wait for it).
///
/// # Safety
/// `name` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn hp_read_i64_on_rust_thread(name: *const c_char, default: i64) -> i64 {
    let name = key(name).to_string();
    std::thread::spawn(move || get_or(&name, default))
        .join()
        .expect("the reading thread panicked")
}

/// `python_status()`: 0 connected, 1 not in Python, 2 not connected yet, 3 unavailable
/// (the reason goes to `reason`).
///
/// # Safety
/// `reason` points to `reason_size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn hp_python_status(reason: *mut c_char, reason_size: usize) -> c_int {
    match python_status() {
        PythonStatus::Connected => 0,
        PythonStatus::NotInPython => 1,
        PythonStatus::NotConnectedYet => 2,
        PythonStatus::Unavailable(why) => {
            write_text(&why, reason, reason_size);
            3
        }
    }
}

/// Read `name` as an `f64` `count` times (the benchmark's loop); the sum of the reads.
///
/// # Safety
/// `name` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn hp_bench_read_f64(name: *const c_char, count: u64, default: f64) -> f64 {
    let name = key(name);
    (0..count).map(|_| get_or(name, default)).sum()
}

/// `count` reads of `bench.lr` through `get_param!` (a key built at compile time).
#[no_mangle]
pub extern "C" fn hp_bench_macro_lr(count: u64) -> f64 {
    (0..count).map(|_| get_param!(bench.lr, 0.1f64)).sum()
}
