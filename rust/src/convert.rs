//! Conversions: the Python library's table, for the Rust types a value can be read as.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::ConversionError;
use crate::value::{IntText, Text, Value};

const BOOL_EXPECTED: &str = "one of true/false, t/f, yes/no, y/n, on/off, 1/0 (any case)";
const FLOAT_EXPECTED: &str = "a float such as \"0.001\" or \"1e-3\"";
const INT_EXPECTED: &str = "an integer such as \"42\"";
const FLOAT_FOR_INT: &str = "an integer (the value is a float: read it with an f64 default)";

/// A type a hyperparameter can be read as: the type of a `get` default.
///
/// `Output` is what the read returns: the type itself, except `&str`, read as `String`.
///
/// ```
/// use hyperparameter::*;
/// with_params! {
///     params ["train.epochs=20", "train.debug=yes"];
///     assert_eq!(get_param!(train.epochs, 10i64), 20);
///     assert_eq!(get_param!(train.epochs, 0.5f64), 20.0);
///     assert!(get_param!(train.debug, false));
///     assert_eq!(get_param!(train.epochs, "none"), "20");
/// }
/// ```
pub trait Param: Sized {
    /// What a read with a default of this type returns.
    type Output;
    /// The type's name in error messages.
    const NAME: &'static str;
    /// The default itself, as the result of a read that found nothing.
    fn into_output(self) -> Self::Output;
    /// Convert a stored value; `None` when it does not convert.
    fn read(value: &Value) -> Option<Self::Output>;
    /// What would have been accepted, for the error about a `value` that did not convert.
    fn expected(value: &Value) -> String;
}

/// A type a hyperparameter can be set to (`set a.b = value;`).
pub trait IntoValue {
    /// The stored form.
    fn into_value(self) -> Value;
}

impl Param for bool {
    type Output = bool;
    const NAME: &'static str = "bool";
    #[inline]
    fn into_output(self) -> bool {
        self
    }
    #[inline]
    fn read(value: &Value) -> Option<bool> {
        match value {
            Value::Bool(flag) => Some(*flag),
            Value::Int(0) => Some(false),
            Value::Int(1) => Some(true),
            Value::Float(number) if *number == 0.0 => Some(false),
            Value::Float(number) if *number == 1.0 => Some(true),
            Value::Str(text) => text.as_bool,
            _ => None,
        }
    }
    fn expected(value: &Value) -> String {
        match value {
            Value::Str(_) => BOOL_EXPECTED,
            _ => "a bool, or the number 0 or 1",
        }
        .to_string()
    }
}

impl IntoValue for bool {
    #[inline]
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}

/// A stored value as an integer, if it reads as one (the range is checked by the caller).
#[inline]
fn integer_in(value: &Value) -> Option<i128> {
    match value {
        Value::Int(number) => Some(*number),
        Value::Bool(flag) => Some(i128::from(*flag)),
        Value::Float(_) | Value::Object(_) => None,
        Value::Str(text) => match text.as_int {
            IntText::Int(number) => Some(number),
            _ => None,
        },
    }
}

fn integer_expected(value: &Value, min: i128, max: u128) -> String {
    match value {
        Value::Float(_) => FLOAT_FOR_INT.to_string(),
        Value::Str(text) if text.as_int == IntText::Float => FLOAT_FOR_INT.to_string(),
        Value::Str(text) if text.as_int == IntText::Neither => INT_EXPECTED.to_string(),
        Value::Object(_) => "an integer".to_string(),
        _ => format!("an integer from {min} to {max}"),
    }
}

/// A stored value as a float, if it reads as one.
#[inline]
fn float_in(value: &Value) -> Option<f64> {
    match value {
        Value::Float(number) => Some(*number),
        Value::Int(number) => Some(*number as f64),
        Value::Bool(flag) => Some(f64::from(u8::from(*flag))),
        Value::Str(text) => text.as_float,
        Value::Object(_) => None,
    }
}

fn float_expected(value: &Value) -> String {
    match value {
        Value::Object(_) => "a number".to_string(),
        _ => FLOAT_EXPECTED.to_string(),
    }
}

macro_rules! number_params {
    ($kind:ident: $($type:ident)*) => {$(
        impl Param for $type {
            type Output = $type;
            const NAME: &'static str = stringify!($type);
            #[inline]
            fn into_output(self) -> $type {
                self
            }
            #[inline]
            fn read(value: &Value) -> Option<$type> {
                number_params!(@read $kind $type value)
            }
            fn expected(value: &Value) -> String {
                number_params!(@expected $kind $type value)
            }
        }

        impl IntoValue for $type {
            #[inline]
            fn into_value(self) -> Value {
                number_params!(@store $kind self)
            }
        }
    )*};
    (@read integer $type:ident $value:ident) => { integer_in($value).and_then(|n| $type::try_from(n).ok()) };
    (@read float $type:ident $value:ident) => { float_in($value).map(|n| n as $type) };
    (@expected integer $type:ident $value:ident) => { integer_expected($value, $type::MIN as i128, $type::MAX as u128) };
    (@expected float $type:ident $value:ident) => { float_expected($value) };
    (@store integer $number:tt) => { Value::Int($number as i128) };
    (@store float $number:tt) => { Value::Float(f64::from($number)) };
}

number_params!(integer: i8 i16 i32 i64 i128 isize u8 u16 u32 u64 usize);
number_params!(float: f32 f64);

impl Param for String {
    type Output = String;
    const NAME: &'static str = "String";
    fn into_output(self) -> String {
        self
    }
    fn read(value: &Value) -> Option<String> {
        Some(value.to_python_str())
    }
    fn expected(_value: &Value) -> String {
        "any value".to_string()
    }
}

impl Param for &str {
    type Output = String;
    const NAME: &'static str = "String";
    fn into_output(self) -> String {
        self.to_string()
    }
    fn read(value: &Value) -> Option<String> {
        String::read(value)
    }
    fn expected(value: &Value) -> String {
        String::expected(value)
    }
}

impl Param for PathBuf {
    type Output = PathBuf;
    const NAME: &'static str = "PathBuf";
    fn into_output(self) -> PathBuf {
        self
    }
    fn read(value: &Value) -> Option<PathBuf> {
        match value {
            Value::Str(text) => Some(PathBuf::from(text.as_str())),
            _ => None,
        }
    }
    fn expected(_value: &Value) -> String {
        "a string".to_string()
    }
}

/// The error for a value `P::read` refused.
#[cold]
#[inline(never)]
pub(crate) fn mismatch<P: Param>(key: &str, value: &Value) -> Box<ConversionError> {
    Box::new(ConversionError {
        key: key.to_string(),
        value: value.clone(),
        target: P::NAME,
        expected: P::expected(value),
    })
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::Str(Arc::new(Text::new(self)))
    }
}

impl IntoValue for &str {
    fn into_value(self) -> Value {
        Value::text(self)
    }
}

impl IntoValue for &String {
    fn into_value(self) -> Value {
        Value::text(self.as_str())
    }
}

impl IntoValue for PathBuf {
    fn into_value(self) -> Value {
        Value::text(self.to_string_lossy().into_owned())
    }
}

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}
