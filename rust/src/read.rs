//! Reads: a key's value as the type of a default, or as a named type.

use std::borrow::Borrow;
use std::hash::Hash;

use crate::convert::{mismatch, Param};
use crate::error::{ConversionError, GetError};
use crate::key::Key;
use crate::store::with_value;

/// What a lookup found: nothing, a converted value, or a value that did not convert.
type Found<T> = Option<Result<T, Box<ConversionError>>>;

/// Read `key` as the type of `default`; `Ok(default)` when it is not set.
///
/// ```
/// use hyperparameter::*;
/// with_params! {
///     set train.lr = "0.01";
///     assert_eq!(try_get_or("train.lr", 0.1f64), Ok(0.01));
///     assert!(try_get_or("train.lr", 1i64).is_err()); // "0.01" is not an integer
/// }
/// assert_eq!(try_get_or("train.lr", 0.1f64), Ok(0.1));
/// ```
pub fn try_get_or<D: Param>(key: &str, default: D) -> Result<D::Output, ConversionError> {
    match find::<str, D>(key, key) {
        None => Ok(default.into_output()),
        Some(result) => result.map_err(|error| *error),
    }
}

/// Read `key` as the type of `default`, which is returned when the key is not set.
///
/// # Panics
/// When the value does not convert; the message names the key, the value and the type.
///
/// ```
/// use hyperparameter::*;
/// assert_eq!(get_or("train.batch_size", 32i64), 32);
/// ```
#[track_caller]
pub fn get_or<D: Param>(key: &str, default: D) -> D::Output {
    match find::<str, D>(key, key) {
        None => default.into_output(),
        Some(Ok(value)) => value,
        Some(Err(error)) => fail(&error),
    }
}

/// Read `key` as `T`; an error when it is not set or does not convert.
///
/// ```
/// use hyperparameter::*;
/// with_params! {
///     params ["train.epochs=20"];
///     assert_eq!(try_get::<u32>("train.epochs"), Ok(20));
/// }
/// assert!(matches!(try_get::<u32>("train.epochs"), Err(GetError::Missing(_))));
/// ```
pub fn try_get<T: Param<Output = T>>(key: &str) -> Result<T, GetError> {
    match find::<str, T>(key, key) {
        None => Err(GetError::Missing(key.to_string())),
        Some(result) => result.map_err(|error| GetError::Conversion(*error)),
    }
}

/// The macros' read: a key built at compile time.
#[doc(hidden)]
#[track_caller]
#[inline]
pub fn get_key<D: Param>(key: &Key, default: D) -> D::Output {
    match find::<Key, D>(key, key.name()) {
        None => default.into_output(),
        Some(Ok(value)) => value,
        Some(Err(error)) => fail(&error),
    }
}

/// The macros' read without a default: the value is required.
#[doc(hidden)]
#[track_caller]
pub fn get_required<T: Param<Output = T>>(key: &Key) -> T {
    match find::<Key, T>(key, key.name()) {
        None => fail(&GetError::Missing(key.name().to_string())),
        Some(Ok(value)) => value,
        Some(Err(error)) => fail(&error),
    }
}

#[cold]
#[track_caller]
fn fail(error: &dyn std::fmt::Display) -> ! {
    panic!("{error}")
}

/// Look `key` up and convert it: a value set in Rust on this thread, then (with the
/// `python` feature, on a thread holding the GIL) the calling thread's Python scope.
#[inline(always)]
fn find<Q, D>(key: &Q, name: &str) -> Found<D::Output>
where
    Key: Borrow<Q>,
    Q: Hash + Eq + ?Sized,
    D: Param,
{
    let convert = |value: &crate::Value| D::read(value).ok_or_else(|| mismatch::<D>(name, value));
    let found = with_value(key, |value| value.map(convert));
    #[cfg(feature = "python")]
    if found.is_none() {
        return crate::python::lookup(name).map(|value| convert(&value));
    }
    found
}
