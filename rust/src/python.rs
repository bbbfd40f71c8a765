//! The `python` feature: reads fall back to the calling thread's Python scope.
//!
//! Inside a Python process, a read on a thread that holds the GIL asks the compiled module
//! of the Python library (`hyperparameter._speedups`) what `hp.scope` holds for the key,
//! through the C interface it exports as the capsule `hyperparameter._speedups._C_API`.
//! Nothing links against libpython: the few C-API functions needed are looked up in the
//! running process with `dlsym`, so outside Python (or on a thread without the GIL) reads
//! never touch Python and never wait for it.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicPtr, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use crate::value::Value;

const MODULE: &CStr = c"hyperparameter._speedups";
const CAPSULE: &CStr = c"hyperparameter._speedups._C_API";
/// The table layout this crate reads; a newer library appends entries and keeps the version.
const TABLE_VERSION: u32 = 1;

const KIND_MISSING: i32 = 0;
const KIND_BOOL: i32 = 1;
const KIND_INT: i32 = 2;
const KIND_FLOAT: i32 = 3;
const KIND_STR: i32 = 4;
const KIND_OBJECT: i32 = 5;
const KIND_ERROR: i32 = 6;

/// `c_api_value` in `_speedups.c`.
#[repr(C)]
struct CValue {
    kind: i32,
    integer: i64,
    number: f64,
    text: *const c_char,
    text_length: isize,
    owner: *mut c_void,
}

/// `c_api_table` in `_speedups.c`.
#[repr(C)]
struct CTable {
    version: u32,
    size: u32,
    lookup: unsafe extern "C" fn(*const c_char, isize, *mut CValue) -> c_int,
    release: unsafe extern "C" fn(*mut CValue),
    ready: unsafe extern "C" fn() -> c_int,
}

/// The C-API functions of the running interpreter, found by name.
struct Symbols {
    /// The thread state attached to this thread (3.12+), or the one holding the GIL (3.9-3.11).
    current_state: unsafe extern "C" fn() -> *mut c_void,
    /// This thread's own state in the main interpreter, if it has one.
    this_thread_state: unsafe extern "C" fn() -> *mut c_void,
    import_module: unsafe extern "C" fn(*const c_char) -> *mut c_void,
    capsule_import: unsafe extern "C" fn(*const c_char, c_int) -> *mut c_void,
    err_fetch: unsafe extern "C" fn(*mut *mut c_void, *mut *mut c_void, *mut *mut c_void),
    object_str: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    unicode_as_utf8: unsafe extern "C" fn(*mut c_void) -> *const c_char,
    dec_ref: unsafe extern "C" fn(*mut c_void),
    err_clear: unsafe extern "C" fn(),
}

extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

#[cfg(target_os = "macos")]
const RTLD_DEFAULT: *mut c_void = -2isize as *mut c_void;
#[cfg(not(target_os = "macos"))]
const RTLD_DEFAULT: *mut c_void = std::ptr::null_mut();

fn symbols() -> Option<&'static Symbols> {
    static SYMBOLS: OnceLock<Option<Symbols>> = OnceLock::new();
    SYMBOLS.get_or_init(find_symbols).as_ref()
}

/// The address of the C function `name`, as the function pointer type `F`.
///
/// # Safety
/// `F` must be the type of that function.
unsafe fn find<F: Copy>(name: &CStr) -> Option<F> {
    assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut c_void>());
    // dlsym with RTLD_DEFAULT only searches the symbols already loaded into the process.
    let address = dlsym(RTLD_DEFAULT, name.as_ptr());
    (!address.is_null()).then(|| std::mem::transmute_copy::<*mut c_void, F>(&address))
}

fn find_symbols() -> Option<Symbols> {
    // SAFETY: each field's type is the signature of the CPython C-API function named.
    unsafe {
        Some(Symbols {
            current_state: find(c"PyThreadState_GetUnchecked")
                .or_else(|| find(c"_PyThreadState_UncheckedGet"))?,
            this_thread_state: find(c"PyGILState_GetThisThreadState")?,
            import_module: find(c"PyImport_ImportModule")?,
            capsule_import: find(c"PyCapsule_Import")?,
            err_fetch: find(c"PyErr_Fetch")?,
            object_str: find(c"PyObject_Str")?,
            unicode_as_utf8: find(c"PyUnicode_AsUTF8")?,
            dec_ref: find(c"Py_DecRef")?,
            err_clear: find(c"PyErr_Clear")?,
        })
    }
}

/// Whether this thread holds the GIL, in the main interpreter.
///
/// Not `PyGILState_Check`: up to Python 3.11 it answers 1 on every thread once a
/// subinterpreter was created. A thread holds the GIL when the state holding it (3.9-3.11),
/// or attached to it (3.12+), is its own; a thread of a subinterpreter never asks.
fn holds_gil(symbols: &Symbols) -> bool {
    // SAFETY: both functions may be called on any thread, with or without the GIL.
    unsafe {
        let current = (symbols.current_state)();
        !current.is_null() && current == (symbols.this_thread_state)()
    }
}

const NOT_TRIED: u8 = 0;
const CONNECTED: u8 = 1;
const UNAVAILABLE: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(NOT_TRIED);
static TABLE: AtomicPtr<CTable> = AtomicPtr::new(std::ptr::null_mut());
static REASON: OnceLock<String> = OnceLock::new();

/// Whether reads see the Python scope, and why not when they do not.
///
/// ```
/// // Outside a Python process (as in this doctest), reads see Rust values only.
/// assert_eq!(hyperparameter::python_status(), hyperparameter::PythonStatus::NotInPython);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PythonStatus {
    /// Reads on threads that hold the GIL see the Python scope.
    Connected,
    /// This process runs no Python interpreter: reads see Rust values only.
    NotInPython,
    /// Python runs, but no thread holding the GIL has read yet, so the library was not asked.
    NotConnectedYet,
    /// Python runs but its scope cannot be reached (the reason says why): Rust values only.
    Unavailable(String),
}

/// Whether reads see the Python scope; on a thread holding the GIL it connects first.
///
/// Call it once after start-up (for instance in a PyO3 module's init) to learn, and say,
/// whether the Python library's compiled module was found: without it (no compiler when
/// the library was installed, or `HYPERPARAMETER_PURE_PYTHON=1`) reads see Rust values and
/// defaults only.
pub fn python_status() -> PythonStatus {
    let Some(symbols) = symbols() else {
        return PythonStatus::NotInPython;
    };
    if STATE.load(Ordering::Acquire) == NOT_TRIED && holds_gil(symbols) {
        connect(symbols);
    }
    match STATE.load(Ordering::Acquire) {
        CONNECTED => PythonStatus::Connected,
        UNAVAILABLE => PythonStatus::Unavailable(REASON.get().cloned().unwrap_or_default()),
        _ => PythonStatus::NotConnectedYet,
    }
}

/// The Python scope's value for `key` on this thread: `None` when it has none, or when
/// this thread does not hold the GIL, or Python cannot be reached.
///
/// # Panics
/// When the Python lookup itself raises (a bug, not a missing key).
pub(crate) fn lookup(key: &str) -> Option<Value> {
    let symbols = symbols()?;
    if !holds_gil(symbols) {
        return None; // never wait for the GIL: this thread sees Rust values and defaults
    }
    let table = match STATE.load(Ordering::Acquire) {
        CONNECTED => TABLE.load(Ordering::Acquire),
        UNAVAILABLE => return None,
        _ => connect(symbols)?,
    };
    let mut out = CValue {
        kind: KIND_MISSING,
        integer: 0,
        number: 0.0,
        text: std::ptr::null(),
        text_length: 0,
        owner: std::ptr::null_mut(),
    };
    // SAFETY: the table came from the library's capsule, the GIL is held, and `out` is
    // released before the text it points to is dropped.
    let value = unsafe {
        ((*table).lookup)(key.as_ptr().cast(), key.len() as isize, &mut out);
        let text = || {
            let bytes = std::slice::from_raw_parts(out.text.cast::<u8>(), out.text_length as usize);
            String::from_utf8_lossy(bytes).into_owned()
        };
        let value = match out.kind {
            KIND_BOOL => Ok(Some(Value::Bool(out.integer != 0))),
            KIND_INT if out.text.is_null() => Ok(Some(Value::Int(i128::from(out.integer)))),
            KIND_INT => Ok(Some(big_integer(text()))),
            KIND_FLOAT => Ok(Some(Value::Float(out.number))),
            KIND_STR => Ok(Some(cached_text(
                out.owner as usize,
                out.text.cast(),
                out.text_length as usize,
            ))),
            KIND_OBJECT => Ok(Some(Value::Object(Arc::from(text())))),
            KIND_ERROR => Err(text()),
            _ => Ok(None),
        };
        ((*table).release)(&mut out);
        value
    };
    match value {
        Ok(value) => value,
        Err(message) => {
            panic!("reading hyperparameter '{key}' from the Python scope failed: {message}")
        }
    }
}

thread_local! {
    /// The strings this thread read from Python lately, parsed: a `-D` value read in a loop
    /// is parsed once, not once per read. Keyed by the string object's address, and checked
    /// against its text, since an address is reused once its object is freed.
    static TEXTS: std::cell::RefCell<Vec<(usize, Value)>> = const { std::cell::RefCell::new(Vec::new()) };
}

const CACHED_TEXTS: usize = 64;

/// The value of a Python string, parsed once while it stays among the recent ones.
///
/// # Safety
/// `text` points to `length` bytes of UTF-8.
unsafe fn cached_text(address: usize, text: *const u8, length: usize) -> Value {
    let bytes = std::slice::from_raw_parts(text, length);
    TEXTS.with(|cell| {
        let mut texts = cell.borrow_mut();
        let hit = texts.iter().position(|(cached, value)| {
            *cached == address
                && matches!(value, Value::Str(known) if known.as_str().as_bytes() == bytes)
        });
        if let Some(index) = hit {
            return texts[index].1.clone();
        }
        let value = Value::text(String::from_utf8_lossy(bytes).into_owned());
        if texts.len() == CACHED_TEXTS {
            texts.remove(0);
        }
        texts.push((address, value.clone()));
        value
    })
}

/// A Python integer too big for 64 bits: an `i128` if it fits, else a float (as Python's
/// `float()` of it).
fn big_integer(digits: String) -> Value {
    match digits.parse::<i128>() {
        Ok(number) => Value::Int(number),
        Err(_) => Value::Float(digits.parse().unwrap_or(f64::NAN)),
    }
}

/// Import the capsule (the GIL is held). Threads may race here; each finds the same table.
#[cold]
fn connect(symbols: &Symbols) -> Option<*mut CTable> {
    // SAFETY: the GIL is held; an import error is read and cleared before returning.
    // Importing the module first also imports the package, which configures the module.
    let module = unsafe { (symbols.import_module)(MODULE.as_ptr()) };
    if module.is_null() {
        let error = unsafe { take_error(symbols) };
        return give_up(format!(
            "the Python library's compiled module hyperparameter._speedups cannot be imported \
             ({error}); it is built when the library is installed with a C compiler at hand"
        ));
    }
    // SAFETY: as above; the module stays imported (sys.modules holds it).
    unsafe { (symbols.dec_ref)(module) };
    let table = unsafe { (symbols.capsule_import)(CAPSULE.as_ptr(), 0) }.cast::<CTable>();
    if table.is_null() {
        let error = unsafe { take_error(symbols) };
        return give_up(format!(
            "the Python library's compiled module has no C interface ({error}): upgrade the library"
        ));
    }
    // SAFETY: the capsule holds a table whose first fields are the version and the size.
    let (version, size) = unsafe { ((*table).version, (*table).size as usize) };
    if version != TABLE_VERSION || size < std::mem::size_of::<CTable>() {
        return give_up(format!(
            "the library's C interface is version {version} ({size} bytes); this crate reads \
             version {TABLE_VERSION}: upgrade the crate or the library"
        ));
    }
    // SAFETY: ready() needs the GIL, which is held.
    if unsafe { ((*table).ready)() } == 0 {
        return give_up(
            "the Python library runs without its compiled module (HYPERPARAMETER_PURE_PYTHON=1, \
             or a stale build), so its scope cannot be reached from Rust"
                .to_string(),
        );
    }
    TABLE.store(table, Ordering::Release);
    STATE.store(CONNECTED, Ordering::Release);
    Some(table)
}

fn give_up(reason: String) -> Option<*mut CTable> {
    let _ = REASON.set(reason);
    STATE.store(UNAVAILABLE, Ordering::Release);
    None
}

/// The pending Python exception as text, cleared.
unsafe fn take_error(symbols: &Symbols) -> String {
    let (mut kind, mut error, mut traceback) = (
        std::ptr::null_mut(),
        std::ptr::null_mut(),
        std::ptr::null_mut(),
    );
    (symbols.err_fetch)(&mut kind, &mut error, &mut traceback);
    let mut message = String::from("unknown error");
    if !error.is_null() {
        let text = (symbols.object_str)(error);
        if !text.is_null() {
            let utf8 = (symbols.unicode_as_utf8)(text);
            if !utf8.is_null() {
                message = CStr::from_ptr(utf8).to_string_lossy().into_owned();
            }
            (symbols.dec_ref)(text);
        }
    }
    for object in [kind, error, traceback] {
        if !object.is_null() {
            (symbols.dec_ref)(object);
        }
    }
    (symbols.err_clear)();
    message
}
