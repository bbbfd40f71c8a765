//! The conversion vectors shared with the Python library (tests/data/conversion_vectors.json).

mod common;

use common::Json;
use hyperparameter::*;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/data/conversion_vectors.json"
));

fn decode(item: &Json) -> Json {
    match item.get("float") {
        Some(Json::Str(text)) => Json::Float(text.parse().unwrap()),
        _ => item.clone(),
    }
}

fn stored(value: &Json) -> Value {
    match decode(value) {
        Json::Bool(flag) => flag.into_value(),
        Json::Int(number) => number.into_value(),
        Json::Float(number) => number.into_value(),
        Json::Str(text) => text.into_value(),
        other => panic!("no stored value for {other:?}"),
    }
}

/// Read `value` with `default` (the vector's JSON) and give the result back as JSON.
fn read(set: impl FnOnce(&ParamScope), default: &Json) -> Result<Json, ConversionError> {
    let scope = ParamScope::enter();
    set(&scope);
    match decode(default) {
        Json::Bool(flag) => try_get_or("vector.value", flag).map(Json::Bool),
        Json::Int(number) => try_get_or("vector.value", number as i64).map(|n| Json::Int(n.into())),
        Json::Float(number) => try_get_or("vector.value", number).map(Json::Float),
        Json::Str(text) => try_get_or("vector.value", text).map(Json::Str),
        other => panic!("no default for {other:?}"),
    }
}

fn same(got: &Json, expect: &Json) -> bool {
    match (got, expect) {
        (Json::Float(a), Json::Float(b)) => {
            a.is_nan() && b.is_nan() || a == b && a.is_sign_negative() == b.is_sign_negative()
        }
        _ => got == expect,
    }
}

fn vectors() -> Vec<Json> {
    match common::parse(VECTORS).get("vectors") {
        Some(Json::Array(items)) => items.clone(),
        _ => panic!("the vectors file has no vector list"),
    }
}

fn check(vector: &Json, set: impl FnOnce(&ParamScope)) -> Result<(), String> {
    let expect = decode(vector.get("rust").or(vector.get("expect")).unwrap());
    let got = read(set, vector.get("default").unwrap());
    match (&got, expect.get("error")) {
        (Err(_), Some(_)) => Ok(()),
        (Ok(got), None) if same(got, &expect) => Ok(()),
        _ => Err(format!("{vector:?}: got {got:?}")),
    }
}

#[test]
fn every_vector_holds_for_values_set_in_rust() {
    let failures: Vec<String> = vectors()
        .iter()
        .filter_map(|vector| {
            let value = stored(vector.get("value").unwrap());
            check(vector, |scope| scope.set("vector.value", value).unwrap()).err()
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} vectors fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_string_vector_holds_for_key_value_lines() {
    let mut checked = 0;
    for vector in vectors() {
        let Some(Json::Str(text)) = vector.get("value") else {
            continue;
        };
        let line = format!("vector.value={text}");
        check(&vector, |scope| scope.apply_lines([line]).unwrap()).unwrap();
        checked += 1;
    }
    assert!(checked > 40, "only {checked} string vectors");
}

#[test]
fn overrides_say_why() {
    for vector in vectors() {
        assert_eq!(
            vector.get("rust").is_some(),
            vector.get("why").is_some(),
            "{vector:?}"
        );
    }
}
