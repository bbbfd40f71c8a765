//! Stored values, and the text forms the Python library reads and writes.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::key::is_python_space;

/// A stored hyperparameter value.
///
/// ```
/// use hyperparameter::Value;
/// assert_eq!(Value::Float(1e-5).to_python_str(), "1e-05");
/// assert_eq!(Value::text("ten").to_string(), "\"ten\"");
/// ```
///
/// Integers of every width are kept as `i128` (wide enough for `u64` and `i64`), and a
/// string keeps what its text reads as, parsed once when it is set, so reading a `-D`
/// string as a number in a hot loop never parses it again.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A `bool`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A float.
    Float(f64),
    /// A string, with the readings of its text.
    Str(Arc<Text>),
    /// Another Python object, by its `str()` (only the `python` feature finds these).
    Object(Arc<str>),
}

/// A string value and what its text reads as under the Python library's rules.
#[derive(Debug, PartialEq)]
pub struct Text {
    raw: String,
    pub(crate) as_bool: Option<bool>,
    pub(crate) as_int: IntText,
    pub(crate) as_float: Option<f64>,
}

/// What a text reads as when an integer is expected.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum IntText {
    /// An integer that fits in `i128`.
    Int(i128),
    /// Integer digits too many for `i128`.
    TooBig,
    /// Not an integer, but a float (Python reads it as one).
    Float,
    /// Neither.
    Neither,
}

impl Text {
    /// Parse `raw` once into every reading a typed read may ask for.
    pub fn new(raw: String) -> Text {
        let as_int = parse_int(&raw);
        let as_float = parse_float(&raw);
        Text {
            as_bool: parse_bool(&raw),
            as_int: match as_int {
                IntText::Neither if as_float.is_some() => IntText::Float,
                other => other,
            },
            as_float,
            raw,
        }
    }

    /// The text as it was set.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl Value {
    /// A string value (its readings are parsed now).
    pub fn text(raw: impl Into<String>) -> Value {
        Value::Str(Arc::new(Text::new(raw.into())))
    }

    /// The value as Python's `str()` writes it: `True`, `42`, `0.001`, `1e-05`, or the text.
    pub fn to_python_str(&self) -> String {
        match self {
            Value::Bool(true) => "True".to_string(),
            Value::Bool(false) => "False".to_string(),
            Value::Int(number) => number.to_string(),
            Value::Float(number) => python_float_repr(*number),
            Value::Str(text) => text.raw.clone(),
            Value::Object(text) => text.to_string(),
        }
    }
}

impl fmt::Display for Value {
    /// The value as it appears in error messages: strings quoted, others as Python writes them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(text) => write!(f, "{:?}", text.raw),
            other => f.write_str(&other.to_python_str()),
        }
    }
}

/// The truth value a word names, as the Python library reads it; `None` for any other text.
///
/// ```
/// assert_eq!(hyperparameter::parse_bool(" Yes "), Some(true));
/// assert_eq!(hyperparameter::parse_bool("off"), Some(false));
/// assert_eq!(hyperparameter::parse_bool("maybe"), None);
/// ```
pub fn parse_bool(text: &str) -> Option<bool> {
    const TRUE: [&str; 6] = ["true", "t", "yes", "y", "1", "on"];
    const FALSE: [&str; 6] = ["false", "f", "no", "n", "0", "off"];
    // Python's str.strip(): also the separators U+001C-U+001F, which Rust's trim keeps.
    let word = text.trim_matches(|c: char| is_python_space(c as u32));
    let named = |words: [&str; 6]| words.iter().any(|w| w.eq_ignore_ascii_case(word));
    if named(TRUE) {
        Some(true)
    } else if named(FALSE) {
        Some(false)
    } else {
        None
    }
}

/// Drop the underscores Python allows between digits; `None` if one stands anywhere else.
fn without_underscores(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('_') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut kept = String::with_capacity(text.len());
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == b'_' {
            let before = index > 0 && bytes[index - 1].is_ascii_digit();
            let after = bytes.get(index + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            kept.push(byte as char);
        }
    }
    Some(Cow::Owned(kept))
}

/// Python's `int(text)` for base 10.
fn parse_int(text: &str) -> IntText {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if !digits.starts_with(|c: char| c.is_ascii_digit())
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return IntText::Neither;
    }
    match without_underscores(trimmed) {
        None => IntText::Neither,
        Some(clean) => match clean.parse::<i128>() {
            Ok(number) => IntText::Int(number),
            Err(_) => IntText::TooBig,
        },
    }
}

/// Python's `float(text)`.
fn parse_float(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let body = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if ["inf", "infinity", "nan"]
        .iter()
        .any(|word| word.eq_ignore_ascii_case(body))
    {
        return trimmed.parse().ok();
    }
    // Rust also reads "infinity"-like words and nothing else that Python refuses, apart from
    // underscores, which Python allows between digits only.
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    without_underscores(trimmed)?.parse().ok()
}

/// A float as Python's `repr()` writes it: the shortest text that reads back the same.
pub(crate) fn python_float_repr(number: f64) -> String {
    if number.is_nan() {
        return "nan".to_string();
    }
    if number.is_infinite() {
        return if number > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let scientific = format!("{number:e}");
    let (mantissa, exponent) = scientific.split_once('e').expect("{:e} writes an exponent");
    let exponent: i32 = exponent.parse().expect("{:e} writes an integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exponent) {
        let point = exponent + 1; // digits before the decimal point
        if point <= 0 {
            let zeros = "0".repeat((-point) as usize);
            format!("{sign}0.{zeros}{digits}")
        } else if point as usize >= digits.len() {
            let zeros = "0".repeat(point as usize - digits.len());
            format!("{sign}{digits}{zeros}.0")
        } else {
            let (whole, fraction) = digits.split_at(point as usize);
            format!("{sign}{whole}.{fraction}")
        }
    } else {
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exponent_sign}{:02}", exponent.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_written_as_python_writes_them() {
        let cases = [
            (0.001, "0.001"),
            (1e-5, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (123.0, "123.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1.25e16, "1.25e+16"),
            (1e15, "1000000000000000.0"),
            (-0.0, "-0.0"),
            (-2.5, "-2.5"),
            (0.0001, "0.0001"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ];
        for (number, text) in cases {
            assert_eq!(python_float_repr(number), text, "{number:e}");
        }
    }

    #[test]
    fn integers_follow_python_int() {
        assert_eq!(parse_int(" -1_000 "), IntText::Int(-1000));
        assert_eq!(parse_int("0042"), IntText::Int(42));
        assert_eq!(parse_int("1__0"), IntText::Neither);
        assert_eq!(parse_int("_1"), IntText::Neither);
        assert_eq!(parse_int("1e3"), IntText::Neither);
        assert_eq!(parse_int(&"9".repeat(50)), IntText::TooBig);
        assert_eq!(Text::new("1e3".into()).as_int, IntText::Float);
    }

    #[test]
    fn floats_follow_python_float() {
        assert_eq!(parse_float(" 1_000.5 "), Some(1000.5));
        assert_eq!(parse_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("1_.5"), None);
        assert_eq!(parse_float("0x10"), None);
        assert_eq!(parse_float(""), None);
    }
}
