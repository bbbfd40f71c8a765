//! Errors: a value that does not convert, a missing key, a bad `key=value` line.

use std::error::Error;
use std::fmt;

use crate::value::Value;

/// A stored value cannot be read as the requested type.
///
/// ```
/// use hyperparameter::*;
/// with_params! {
///     set train.epochs = "ten";
///     let error = try_get_or("train.epochs", 10i64).unwrap_err();
///     assert_eq!(error.to_string(), "cannot convert hyperparameter 'train.epochs' = \"ten\" \
///         to i64: expected an integer such as \"42\"");
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ConversionError {
    /// The key read.
    pub key: String,
    /// The stored value.
    pub value: Value,
    /// The Rust type asked for.
    pub target: &'static str,
    /// What would have been accepted.
    pub expected: String,
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot convert hyperparameter '{}' = {} to {}: expected {}",
            self.key, self.value, self.target, self.expected
        )
    }
}

impl Error for ConversionError {}

/// A read without a default failed: the key is not set, or its value does not convert.
///
/// ```
/// use hyperparameter::*;
/// let error = try_get::<i64>("train.missing").unwrap_err();
/// assert!(matches!(error, GetError::Missing(_)));
/// assert_eq!(error.to_string(), "missing hyperparameter 'train.missing'; read it with a \
///     default (get_param!(train.missing, default)) or set it");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum GetError {
    /// No value is set for this key.
    Missing(String),
    /// The value does not convert.
    Conversion(ConversionError),
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GetError::Missing(key) => write!(
                f,
                "missing hyperparameter '{key}'; read it with a default (get_param!({key}, default)) or set it"
            ),
            GetError::Conversion(error) => error.fmt(f),
        }
    }
}

impl Error for GetError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            GetError::Missing(_) => None,
            GetError::Conversion(error) => Some(error),
        }
    }
}

impl From<ConversionError> for GetError {
    fn from(error: ConversionError) -> GetError {
        GetError::Conversion(error)
    }
}

/// A key, or a `key=value` line (the `-D` form), is not valid.
///
/// ```
/// use hyperparameter::*;
/// let error = ParamScope::enter().apply_lines(["train.lr"]).unwrap_err();
/// assert_eq!(error.to_string(), "invalid hyperparameter key 'train.lr': it has no '='; \
///     expected 'key=value' strings such as 'train.lr=0.1'");
/// let error = ParamScope::enter().set("train. lr", 1i64).unwrap_err();
/// assert_eq!(error.to_string(), "invalid hyperparameter key 'train. lr': it contains \
///     whitespace; expected dotted names such as 'train.lr'");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidKeyError {
    /// The key or line as given.
    pub key: String,
    /// What is wrong with it.
    pub problem: String,
    /// What is accepted.
    pub expected: &'static str,
}

impl fmt::Display for InvalidKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid hyperparameter key '{}': {}; expected {}",
            self.key, self.problem, self.expected
        )
    }
}

impl Error for InvalidKeyError {}
