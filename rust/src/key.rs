//! Keys: a dotted name and its hash, computed once (at compile time for keys written in code).

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A hyperparameter key: a dotted name such as `"train.lr"` and its precomputed hash.
///
/// Keys written in `with_params!` or `get_param!` are built at compile time, so a read
/// never hashes the name again. Two keys are equal only when their names are equal:
/// a hash collision can never make two keys share a value.
///
/// ```
/// use hyperparameter::Key;
/// const LR: Key = Key::new("train.lr");
/// assert_eq!(LR.name(), "train.lr");
/// ```
#[derive(Clone)]
pub struct Key {
    hash: u64,
    name: Cow<'static, str>,
}

impl Key {
    /// A key for a name known at compile time (usable in `const` items).
    ///
    /// # Panics
    /// When the name is not a valid key (see [`key_problem`]); in a `const` item, and so in
    /// the macros, that is a compile-time error.
    pub const fn new(name: &'static str) -> Key {
        if let Some(problem) = rule_broken(name.as_bytes()) {
            panic!("{}", problem);
        }
        Key {
            hash: hash_name(name.as_bytes()),
            name: Cow::Borrowed(name),
        }
    }

    /// A key for a name built at run time (already checked).
    pub(crate) fn from_string(name: String) -> Key {
        Key {
            hash: hash_name(name.as_bytes()),
            name: Cow::Owned(name),
        }
    }

    /// The dotted name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl PartialEq for Key {
    #[inline]
    fn eq(&self, other: &Key) -> bool {
        // The hash only short-cuts the comparison; the names decide.
        self.hash == other.hash
            && (std::ptr::eq(self.name.as_ptr(), other.name.as_ptr())
                && self.name.len() == other.name.len()
                || self.name == other.name)
    }
}

impl Eq for Key {}

impl Hash for Key {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Must agree with `str`'s Hash under `KeyHasher`, so maps can be searched by `&str`.
        state.write_u64(self.hash);
    }
}

impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.name
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.name, f)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// FNV-1a over the name's bytes, then a murmur3 finaliser to spread the bits the map uses.
pub(crate) const fn hash_name(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut index = 0;
    while index < bytes.len() {
        hash ^= bytes[index] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        index += 1;
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The hasher of the value maps: a `Key` hands over its precomputed hash, a `str` is hashed
/// with the same function, so both find the same entry.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_name(bytes);
    }

    fn write_u8(&mut self, _terminator: u8) {
        // `str` hashes its bytes and then a 0xff terminator; the terminator adds nothing here.
    }

    #[inline]
    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }
}

pub(crate) type KeyMap<V> = std::collections::HashMap<Key, V, BuildHasherDefault<KeyHasher>>;

/// Why a key is not a valid dotted name, or `None` when it is (the Python library's rules).
///
/// A key is one or more segments joined by dots; a segment is never empty and holds no
/// whitespace and none of `= [ ] ,`.
///
/// ```
/// assert_eq!(hyperparameter::key_problem("train.lr"), None);
/// assert_eq!(hyperparameter::key_problem("a..b").as_deref(), Some("it has an empty segment"));
/// ```
pub fn key_problem(key: &str) -> Option<String> {
    let problem = rule_broken(key.as_bytes())?;
    if problem != FORBIDDEN_CHARACTER {
        return Some(problem.to_string());
    }
    let mut bad: Vec<char> = key.chars().filter(|c| FORBIDDEN.contains(*c)).collect();
    bad.sort_unstable();
    bad.dedup();
    let listed: Vec<String> = bad.iter().map(|c| format!("'{c}'")).collect();
    Some(format!("it contains {}", listed.join(", ")))
}

const FORBIDDEN: &str = "=[],";
const FORBIDDEN_CHARACTER: &str = "it contains one of '=', '[', ']', ','";

/// The key rules, checkable at compile time: the first one `name` breaks.
const fn rule_broken(name: &[u8]) -> Option<&'static str> {
    if name.is_empty() {
        return Some("it is empty");
    }
    let mut whitespace = false;
    let mut forbidden = false;
    let mut empty_segment = name[0] == b'.' || name[name.len() - 1] == b'.';
    let mut index = 0;
    while index < name.len() {
        let byte = name[index];
        if byte == b'.' && index + 1 < name.len() && name[index + 1] == b'.' {
            empty_segment = true;
        }
        if matches!(byte, b'=' | b'[' | b']' | b',') {
            forbidden = true;
        }
        let (ch, width) = decode_utf8(name, index);
        if is_python_space(ch) {
            whitespace = true;
        }
        index += width;
    }
    if empty_segment {
        Some("it has an empty segment")
    } else if whitespace {
        Some("it contains whitespace")
    } else if forbidden {
        Some(FORBIDDEN_CHARACTER)
    } else {
        None
    }
}

/// The code point at `index` of valid UTF-8, and its width in bytes.
const fn decode_utf8(bytes: &[u8], index: usize) -> (u32, usize) {
    let first = bytes[index] as u32;
    let (width, mut code) = match first {
        0x00..=0x7f => return (first, 1),
        0xc0..=0xdf => (2, first & 0x1f),
        0xe0..=0xef => (3, first & 0x0f),
        _ => (4, first & 0x07),
    };
    let mut offset = 1;
    while offset < width {
        code = (code << 6) | (bytes[index + offset] as u32 & 0x3f);
        offset += 1;
    }
    (code, width)
}

/// Python's `str.isspace()`.
pub(crate) const fn is_python_space(ch: u32) -> bool {
    matches!(
        ch,
        0x09..=0x0d | 0x1c..=0x20 | 0x85 | 0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn key_and_str_hash_alike() {
        let build = BuildHasherDefault::<KeyHasher>::default();
        let key = Key::new("train.lr");
        assert_eq!(build.hash_one(&key), build.hash_one("train.lr"));
    }

    #[test]
    fn equal_hashes_with_different_names_are_different_keys() {
        let forged = Key {
            hash: Key::new("a").hash,
            name: Cow::Borrowed("b"),
        };
        assert_ne!(forged, Key::new("a"));
    }

    #[test]
    fn colliding_keys_keep_separate_values_in_a_map() {
        let forged = Key {
            hash: Key::new("a").hash,
            name: Cow::Borrowed("b"),
        };
        let mut map: KeyMap<i64> = KeyMap::default();
        map.insert(Key::new("a"), 1);
        map.insert(forged.clone(), 2);
        assert_eq!(
            (map.get(&Key::new("a")), map.get(&forged), map.get("b")),
            (Some(&1), Some(&2), None)
        );
    }

    #[test]
    fn key_rules_follow_the_python_library() {
        assert_eq!(key_problem("train.lr"), None);
        assert_eq!(key_problem("model.drop-out"), None);
        assert_eq!(key_problem("").as_deref(), Some("it is empty"));
        assert_eq!(
            key_problem("a..b").as_deref(),
            Some("it has an empty segment")
        );
        assert_eq!(
            key_problem("a. b").as_deref(),
            Some("it contains whitespace")
        );
        assert_eq!(key_problem("a[0]").as_deref(), Some("it contains '[', ']'"));
    }
}
