//! Behaviour of `with_params!`, `get_param!` and `ParamScope`: syntax, rollback, re-entrancy.

use hyperparameter::*;

#[test]
fn get_reads_a_default_when_nothing_is_set() {
    with_params! {
        get lr = syntax.unset.lr or 0.001f64;
        assert_eq!(lr, 0.001);
    }
}

#[test]
fn set_is_visible_to_code_called_inside_and_rolled_back_after() {
    fn read() -> i64 {
        get_param!(syntax.called.value, 1i64)
    }
    let inside = with_params! {
        set syntax.called.value = 2i64;
        read()
    };
    assert_eq!((inside, read()), (2, 1));
}

#[test]
fn at_forms_are_accepted_like_upstream() {
    let value = with_params! {
        @set syntax.at.value = 5i64;
        @get value = syntax.at.value or 0i64;
        value
    };
    assert_eq!(value, 5);
}

#[test]
fn string_keys_name_keys_that_are_not_identifiers() {
    with_params! {
        set "syntax.drop-out" = 0.3f64;
        set r"syntax.raw-key" = 1i64;
        get dropout = "syntax.drop-out" or 0.1f64;
        assert_eq!(dropout, 0.3);
        assert_eq!(get_param!("syntax.raw-key", 0i64), 1);
        assert_eq!(get_or("syntax.drop-out", 0.0f64), 0.3);
    }
}

#[test]
fn keyword_and_numeric_segments_are_part_of_the_key() {
    with_params! {
        set syntax.r#type.layer.0 = "conv";
        get kind = "syntax.type.layer.0" or "none";
        assert_eq!(kind, "conv");
    }
}

#[test]
fn params_applies_key_value_lines_as_strings() {
    let args = vec![
        "syntax.lines.epochs=20".to_string(),
        "syntax.lines.lr = 1e-3".to_string(),
    ];
    with_params! {
        params args;
        params ["syntax.lines.debug=yes"];
        get epochs = syntax.lines.epochs or 10u32;
        assert_eq!(epochs, 20);
        assert_eq!(get_param!(syntax.lines.debug, false), true);
        // The key is trimmed, the value is kept as written: " 1e-3" still reads as a float.
        assert_eq!(get_param!(syntax.lines.lr, 0.1f64), 0.001);
    }
}

#[test]
#[should_panic(expected = "invalid hyperparameter key 'syntax.bad': it has no '='")]
fn params_rejects_a_line_without_equals() {
    with_params! {
        params ["syntax.bad"];
    }
}

#[test]
fn a_bad_line_sets_nothing() {
    let scope = ParamScope::enter();
    let result = scope.apply_lines(["syntax.partial.a=1", "syntax partial=2"]);
    assert!(result
        .unwrap_err()
        .to_string()
        .contains("it contains whitespace"));
    assert_eq!(get_param!(syntax.partial.a, 0i64), 0);
}

#[test]
fn ordinary_statements_and_blocks_mix_with_the_forms() {
    let total = with_params! {
        let mut total = 0;
        for step in 0..3 {
            total += step;
        }
        set syntax.mixed.base = total;
        if total > 1 {
            total += 10;
        }
        get base = syntax.mixed.base or 0i64;
        let get = |x: i64| x * 2; // `get` and `set` stay usable as ordinary names
        let set = get(base);
        total + set
    };
    assert_eq!(total, 13 + 6);
}

#[test]
fn variables_named_params_are_ordinary_statements() {
    with_params! {
        let mut params = vec![1];
        params.push(2);
        params[0] = 5;
        assert_eq!(params, [5, 2]);
    }
}

#[test]
fn get_param_without_default_reads_a_required_value() {
    with_params! {
        set syntax.required = 3u8;
        let value: u8 = get_param!(syntax.required);
        assert_eq!(value, 3);
    }
}

#[test]
#[should_panic(expected = "missing hyperparameter 'syntax.absent'")]
fn get_param_without_default_panics_when_missing() {
    let _: i64 = get_param!(syntax.absent);
}

#[test]
fn nested_blocks_shadow_and_restore() {
    with_params! {
        set nest.value = 1i64;
        with_params! {
            set nest.value = 2i64;
            set nest.other = 3i64;
            assert_eq!(get_param!(nest.value, 0i64), 2);
        };
        assert_eq!(get_param!(nest.value, 0i64), 1);
        assert_eq!(get_param!(nest.other, 0i64), 0);
    }
    assert_eq!(get_param!(nest.value, 0i64), 0);
}

#[test]
fn a_key_set_twice_in_one_block_rolls_back_to_the_outer_value() {
    with_params! {
        set twice.value = 1i64;
        with_params! {
            set twice.value = 2i64;
            set twice.value = 3i64;
            assert_eq!(get_param!(twice.value, 0i64), 3);
        };
        assert_eq!(get_param!(twice.value, 0i64), 1);
    }
}

#[test]
fn a_panic_inside_a_block_rolls_it_back() {
    let result = std::panic::catch_unwind(|| {
        with_params! {
            set rollback.panic = 1i64;
            panic!("boom");
        }
    });
    assert!(result.is_err());
    assert_eq!(get_param!(rollback.panic, 0i64), 0);
}

#[test]
fn an_early_return_rolls_the_block_back() {
    fn early() -> i64 {
        with_params! {
            set rollback.early = 1i64;
            if get_param!(rollback.early, 0i64) == 1 {
                return 7;
            }
            0
        }
    }
    assert_eq!(early(), 7);
    assert_eq!(get_param!(rollback.early, 0i64), 0);
}

#[test]
fn the_question_mark_operator_rolls_the_block_back() {
    fn fails() -> Result<i64, std::num::ParseIntError> {
        with_params! {
            set rollback.question = 1i64;
            let parsed: i64 = "x".parse()?;
            Ok(parsed)
        }
    }
    assert!(fails().is_err());
    assert_eq!(get_param!(rollback.question, 0i64), 0);
}

#[test]
fn set_values_and_defaults_may_read_parameters() {
    with_params! {
        set reentrant.base = 10i64;
        set reentrant.derived = get_param!(reentrant.base, 0i64) * 2;
        get derived = reentrant.derived or get_param!(reentrant.base, 0i64);
        get fallback = reentrant.missing or get_param!(reentrant.base, 0i64) + 1;
        assert_eq!((derived, fallback), (20, 11));
    }
}

#[test]
fn the_blocks_value_is_its_last_expression() {
    let pair = with_params! {
        set last.value = "x";
        (get_param!(last.value, ""), 2)
    };
    assert_eq!(pair, ("x".to_string(), 2));
}

#[test]
#[should_panic(
    expected = "cannot convert hyperparameter 'bad.epochs' = \"ten\" to i64: expected an integer"
)]
fn get_panics_naming_key_value_and_type() {
    with_params! {
        set bad.epochs = "ten";
        get epochs = bad.epochs or 10i64;
        let _ = epochs;
    }
}

#[test]
fn try_get_or_returns_the_conversion_error() {
    with_params! {
        set bad.flag = 2i64;
        let error = try_get_or("bad.flag", false).unwrap_err();
        assert_eq!(error.key, "bad.flag");
        assert_eq!(error.value, Value::Int(2));
        assert_eq!(error.target, "bool");
        assert_eq!(error.expected, "a bool, or the number 0 or 1");
    }
}

#[test]
fn integers_out_of_the_target_range_are_errors() {
    with_params! {
        set range.value = 300i64;
        let error = try_get_or("range.value", 0u8).unwrap_err();
        assert_eq!(error.expected, "an integer from 0 to 255");
        assert_eq!(get_param!(range.value, 0u16), 300);
    }
}

#[test]
fn strings_read_as_a_path() {
    with_params! {
        set path.data = "/data/mnist";
        assert_eq!(get_param!(path.data, std::path::PathBuf::new()), std::path::Path::new("/data/mnist"));
    }
}

#[test]
fn a_scope_dropped_early_also_closes_the_blocks_inside_it() {
    let outer = ParamScope::enter();
    outer.set("order.outer", 1i64).unwrap();
    let inner = ParamScope::enter();
    inner.set("order.inner", 2i64).unwrap();
    drop(outer);
    assert_eq!(
        (get_or("order.outer", 0i64), get_or("order.inner", 0i64)),
        (0, 0)
    );
    drop(inner); // already closed: nothing left to undo
    assert_eq!(get_or("order.inner", 0i64), 0);
}

#[test]
#[should_panic(expected = "not the innermost open one")]
fn setting_through_an_outer_scope_while_an_inner_one_is_open_panics() {
    let outer = ParamScope::enter();
    let _inner = ParamScope::enter();
    outer.set("order.misuse", 1i64).unwrap();
}

#[test]
fn invalid_runtime_keys_are_rejected() {
    let scope = ParamScope::enter();
    let error = scope.set("a..b", 1i64).unwrap_err();
    assert_eq!(error.problem, "it has an empty segment");
    let error = scope.apply_lines(["dims[1]=3"]).unwrap_err();
    assert_eq!(error.problem, "it contains '[', ']'");
}
