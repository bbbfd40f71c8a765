//! The `with_params!` and `get_param!` macros of the `hyperparameter` crate.
//!
//! Use them through the `hyperparameter` crate, which re-exports them and documents the
//! syntax. They parse with `proc_macro` alone: this crate has no dependencies.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Open a block of hyperparameter values, undone when the block ends (see the crate docs).
#[proc_macro]
pub fn with_params(input: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let scope = Ident::new("__hp_scope", Span::mixed_site());
    let mut body: Vec<TokenTree> = Vec::new();
    body.extend(parse("let"));
    body.push(TokenTree::Ident(scope.clone()));
    body.extend(parse("= ::hyperparameter::ParamScope::enter();"));
    let mut index = 0;
    while index < tokens.len() {
        let at_start = index == 0 || ends_statement(&tokens[index - 1]);
        let form = if at_start {
            special_form(&tokens[index..])
        } else {
            None
        };
        match form {
            Some(form) => {
                let end = statement_end(&tokens, index);
                match expand(form, &tokens[index..end], &scope) {
                    Ok(expanded) => body.extend(expanded),
                    Err(error) => return error,
                }
                index = (end + 1).min(tokens.len()); // past the ';'
            }
            None => {
                body.push(tokens[index].clone());
                index += 1;
            }
        }
    }
    let block = Group::new(Delimiter::Brace, body.into_iter().collect());
    TokenStream::from(TokenTree::Group(block))
}

/// Read a hyperparameter anywhere: `get_param!(a.b, default)`, or `get_param!(a.b)` for a
/// required value (panics when it is not set).
#[proc_macro]
pub fn get_param(input: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let comma = tokens.iter().position(|t| is_punct(t, ','));
    let key_tokens = &tokens[..comma.unwrap_or(tokens.len())];
    let key = match key_expr(key_tokens, Span::call_site()) {
        Ok(key) => key,
        Err(error) => return error,
    };
    let mut out: Vec<TokenTree> = Vec::new();
    match comma {
        Some(comma) if comma + 1 < tokens.len() => {
            out.extend(parse("::hyperparameter::__private::get_key"));
            let mut args: Vec<TokenTree> = key;
            args.push(TokenTree::Punct(Punct::new(',', Spacing::Alone)));
            args.extend(tokens[comma + 1..].iter().cloned());
            out.push(TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                args.into_iter().collect(),
            )));
        }
        _ => {
            out.extend(parse("::hyperparameter::__private::get_required"));
            out.push(TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                key.into_iter().collect(),
            )));
        }
    }
    out.into_iter().collect()
}

#[derive(Clone, Copy)]
enum Form {
    Get,
    Set,
    Params,
}

fn parse(code: &str) -> TokenStream {
    code.parse().expect("the macro writes valid Rust")
}

fn is_punct(token: &TokenTree, ch: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == ch)
}

fn is_ident(token: Option<&TokenTree>, name: &str) -> bool {
    matches!(token, Some(TokenTree::Ident(i)) if i.to_string() == name)
}

/// Whether a statement may start after this token: after `;` or a `{ ... }` block.
fn ends_statement(token: &TokenTree) -> bool {
    is_punct(token, ';')
        || matches!(token, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
}

/// A lone `=` (not part of `==`, `<=`, `=>` ...).
fn is_assign(tokens: &[TokenTree], index: usize) -> bool {
    let TokenTree::Punct(p) = &tokens[index] else {
        return false;
    };
    if p.as_char() != '=' || p.spacing() == Spacing::Joint {
        return false;
    }
    !matches!(index.checked_sub(1).map(|i| &tokens[i]), Some(TokenTree::Punct(prev)) if prev.spacing() == Spacing::Joint)
}

fn special_form(tokens: &[TokenTree]) -> Option<Form> {
    let (word, rest) = match tokens {
        [TokenTree::Punct(at), word, rest @ ..] if at.as_char() == '@' => (word, rest),
        [word, rest @ ..] => (word, rest),
        [] => return None,
    };
    let TokenTree::Ident(word) = word else {
        return None;
    };
    let next = rest.first();
    match word.to_string().as_str() {
        "get" => {
            let starts_pattern = matches!(next, Some(TokenTree::Ident(_)));
            let assigns = (0..rest.len().min(3)).any(|i| is_assign(rest, i));
            (starts_pattern && assigns).then_some(Form::Get)
        }
        "set" => {
            matches!(next, Some(TokenTree::Ident(_) | TokenTree::Literal(_))).then_some(Form::Set)
        }
        "params" => {
            let end = rest
                .iter()
                .position(|t| is_punct(t, ';'))
                .unwrap_or(rest.len());
            let plain = match next {
                None => false,
                Some(TokenTree::Punct(p)) => !matches!(p.as_char(), '.' | '=' | ';' | '?' | '!'),
                Some(TokenTree::Group(g)) => g.delimiter() != Delimiter::Parenthesis,
                Some(_) => true,
            };
            let assigns = (0..end).any(|i| is_assign(rest, i));
            (plain && !assigns).then_some(Form::Params)
        }
        _ => None,
    }
}

/// The index of the `;` ending the statement that starts at `start` (or the end).
fn statement_end(tokens: &[TokenTree], start: usize) -> usize {
    (start..tokens.len())
        .find(|&i| is_punct(&tokens[i], ';'))
        .unwrap_or(tokens.len())
}

fn error(span: Span, message: &str) -> TokenStream {
    let mut out: Vec<TokenTree> = parse("::core::compile_error!").into_iter().collect();
    let mut literal = Literal::string(message);
    literal.set_span(span);
    out.push(TokenTree::Group(Group::new(
        Delimiter::Parenthesis,
        TokenTree::Literal(literal).into(),
    )));
    out.push(TokenTree::Punct(Punct::new(';', Spacing::Alone)));
    for token in &mut out {
        token.set_span(span);
    }
    out.into_iter().collect()
}

fn expand(
    form: Form,
    statement: &[TokenTree],
    scope: &Ident,
) -> Result<Vec<TokenTree>, TokenStream> {
    let skip = if is_punct(&statement[0], '@') { 2 } else { 1 };
    let span = statement[skip - 1].span();
    let rest = &statement[skip..];
    let mut out: Vec<TokenTree> = Vec::new();
    match form {
        Form::Get => {
            let eq = (0..rest.len())
                .find(|&i| is_assign(rest, i))
                .expect("special_form saw '='");
            let after = &rest[eq + 1..];
            let Some(or) = after.iter().position(|t| is_ident(Some(t), "or")) else {
                return Err(error(span, "expected `get NAME = a.b.c or DEFAULT;`"));
            };
            if or + 1 == after.len() {
                return Err(error(span, "expected a default after `or`"));
            }
            out.extend(parse("let"));
            out.extend(rest[..eq].iter().cloned());
            out.push(TokenTree::Punct(Punct::new('=', Spacing::Alone)));
            out.extend(parse("::hyperparameter::__private::get_key"));
            let mut args = key_expr(&after[..or], span)?;
            args.push(TokenTree::Punct(Punct::new(',', Spacing::Alone)));
            args.extend(after[or + 1..].iter().cloned());
            out.push(TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                args.into_iter().collect(),
            )));
        }
        Form::Set => {
            let Some(eq) = (0..rest.len()).find(|&i| is_assign(rest, i)) else {
                return Err(error(span, "expected `set a.b.c = VALUE;`"));
            };
            if eq + 1 == rest.len() {
                return Err(error(span, "expected a value after `=`"));
            }
            let mut key = key_expr(&rest[..eq], span)?;
            key.extend(parse(".clone()"));
            let mut value: Vec<TokenTree> = parse("::hyperparameter::IntoValue::into_value")
                .into_iter()
                .collect();
            value.push(TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                rest[eq + 1..].iter().cloned().collect(),
            )));
            out.push(TokenTree::Ident(scope.clone()));
            out.extend(parse(".set_key"));
            key.push(TokenTree::Punct(Punct::new(',', Spacing::Alone)));
            key.extend(value);
            out.push(TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                key.into_iter().collect(),
            )));
        }
        Form::Params => {
            out.extend(parse("if let ::core::result::Result::Err(__hp_error) ="));
            out.push(TokenTree::Ident(scope.clone()));
            out.extend(parse(".apply_lines"));
            out.push(TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                rest.iter().cloned().collect(),
            )));
            out.extend(parse("{ ::core::panic!(\"{}\", __hp_error) }"));
        }
    }
    out.push(TokenTree::Punct(Punct::new(';', Spacing::Alone)));
    Ok(out)
}

/// `&KEY`, a key built at compile time, for a dotted path or a string literal.
fn key_expr(tokens: &[TokenTree], span: Span) -> Result<Vec<TokenTree>, TokenStream> {
    let name = key_name(tokens).ok_or_else(|| {
        let span = tokens.first().map_or(span, TokenTree::span);
        error(span, "expected a key: a dotted path such as `train.lr` or a string such as \"model.drop-out\"")
    })?;
    let code = format!(
        "{{ const KEY: ::hyperparameter::Key = ::hyperparameter::Key::new({}); &KEY }}",
        Literal::string(&name)
    );
    Ok(parse(&code).into_iter().collect())
}

fn key_name(tokens: &[TokenTree]) -> Option<String> {
    if let [TokenTree::Literal(literal)] = tokens {
        return string_literal(&literal.to_string());
    }
    let mut name = String::new();
    let mut want_segment = true;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) if want_segment => {
                let text = ident.to_string();
                name.push_str(text.strip_prefix("r#").unwrap_or(&text));
            }
            TokenTree::Literal(literal) if want_segment => {
                let text = literal.to_string();
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    return None;
                }
                name.push_str(&text);
            }
            TokenTree::Punct(p) if p.as_char() == '.' && !want_segment => name.push('.'),
            _ => return None,
        }
        want_segment = !want_segment;
    }
    (!want_segment).then_some(name)
}

/// The value of a string literal's source text (`"..."` with escapes, or a raw string).
fn string_literal(text: &str) -> Option<String> {
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return inner
            .strip_prefix('"')?
            .strip_suffix('"')
            .map(str::to_string);
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            _ => return None, // \x, \u and line continuations make no sense in a key
        }
    }
    Some(out)
}
