//! The `$filter` parser of the demo server: a tokenizer and a recursive-descent parser over
//!   or  := and ("or" and)*      and := unary ("and" unary)*
//!   unary := "(" or ")" | term [op term]
//! with Sage's rules (no `in`, date-times in UTC with a trailing `Z`); errors name the
//! position so a user can find the mistake.

use chrono::{NaiveDate, NaiveDateTime};

use super::odata::{Expr, Func, Literal, Op, Term};
use super::schema::{Kind, Schema};

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Number(f64, bool),
    Time(NaiveDateTime),
    Open,
    Close,
    Comma,
}

/// Limits nesting so a hostile filter cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

fn tokenize(input: &str) -> Result<Vec<(usize, Token)>, String> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            tokens.push((start, Token::Open));
            i += 1;
        } else if c == ')' {
            tokens.push((start, Token::Close));
            i += 1;
        } else if c == ',' {
            tokens.push((start, Token::Comma));
            i += 1;
        } else if c == '\'' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        return Err(format!(
                            "Syntax error in $filter at position {}: the text starting there has no closing quote.",
                            start + 1
                        ));
                    }
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        text.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&other) => {
                        text.push(other);
                        i += 1;
                    }
                }
            }
            tokens.push((start, Token::Text(text)));
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | ':' | '-' | '+'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            tokens.push((start, number_or_time(&word, start)?));
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.' | '/'))
            {
                i += 1;
            }
            tokens.push((start, Token::Word(chars[start..i].iter().collect())));
        } else {
            return Err(format!(
                "Syntax error in $filter at position {}: unexpected character '{c}'.",
                start + 1
            ));
        }
    }
    Ok(tokens)
}

fn number_or_time(word: &str, at: usize) -> Result<Token, String> {
    let looks_like_date = word.len() >= 10 && word.as_bytes().get(4) == Some(&b'-');
    if looks_like_date {
        if word.len() == 10 {
            return NaiveDate::parse_from_str(word, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(Token::Time)
                .ok_or_else(|| {
                    format!("Invalid date '{word}' in $filter at position {}.", at + 1)
                });
        }
        if !word.ends_with('Z') {
            return Err(format!(
                "The date-time '{word}' in $filter at position {} must be in UTC with a trailing 'Z'.",
                at + 1
            ));
        }
        return chrono::DateTime::parse_from_rfc3339(word)
            .map(|t| Token::Time(t.naive_utc()))
            .map_err(|_| {
                format!(
                    "Invalid date-time '{word}' in $filter at position {}.",
                    at + 1
                )
            });
    }
    let whole = !word.contains('.') && !word.contains('e') && !word.contains('E');
    word.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(|n| Token::Number(n, whole))
        .ok_or_else(|| format!("Invalid number '{word}' in $filter at position {}.", at + 1))
}

struct Parser<'a> {
    tokens: Vec<(usize, Token)>,
    next: usize,
    schema: &'a Schema,
    depth: usize,
    input_len: usize,
}

/// Parses a `$filter` value against `schema`.
pub fn parse_filter(input: &str, schema: &Schema) -> Result<Expr, String> {
    if input.trim().is_empty() {
        return Err("$filter is empty.".into());
    }
    let mut parser = Parser {
        tokens: tokenize(input)?,
        next: 0,
        schema,
        depth: 0,
        input_len: input.chars().count(),
    };
    let expr = parser.or()?;
    if let Some((at, token)) = parser.tokens.get(parser.next) {
        return Err(format!(
            "Syntax error in $filter at position {}: unexpected {}.",
            at + 1,
            describe(token)
        ));
    }
    Ok(expr)
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => format!("'{w}'"),
        Token::Text(t) => format!("text '{t}'"),
        Token::Number(n, _) => format!("number {n}"),
        Token::Time(t) => format!("date {t}"),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::Comma => "','".into(),
    }
}

impl Parser<'_> {
    fn peek_word(&self) -> Option<String> {
        match self.tokens.get(self.next) {
            Some((_, Token::Word(w))) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn position(&self) -> usize {
        self.tokens
            .get(self.next)
            .map_or(self.input_len, |(at, _)| *at)
            + 1
    }

    fn error(&self, expected: &str) -> String {
        match self.tokens.get(self.next) {
            Some((at, token)) => format!(
                "Syntax error in $filter at position {}: expected {expected}, found {}.",
                at + 1,
                describe(token)
            ),
            None => format!(
                "Syntax error in $filter at position {}: expected {expected}, found the end.",
                self.position()
            ),
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek_word().as_deref() == Some("or") {
            self.next += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.peek_word().as_deref() == Some("and") {
            self.next += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if matches!(self.tokens.get(self.next), Some((_, Token::Open))) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err("$filter is nested too deeply.".into());
            }
            self.next += 1;
            let inner = self.or()?;
            if !matches!(self.tokens.get(self.next), Some((_, Token::Close))) {
                return Err(self.error("')'"));
            }
            self.next += 1;
            self.depth -= 1;
            return Ok(inner);
        }
        if self.peek_word().as_deref() == Some("not") {
            return Err(format!(
                "The operator 'not' at position {} is not supported; compare with 'ne true' instead.",
                self.position()
            ));
        }
        let left = self.term()?;
        let op = match self.peek_word().as_deref() {
            Some("eq") => Some(Op::Eq),
            Some("ne") => Some(Op::Ne),
            Some("gt") => Some(Op::Gt),
            Some("ge") => Some(Op::Ge),
            Some("lt") => Some(Op::Lt),
            Some("le") => Some(Op::Le),
            Some("in") => {
                return Err(format!(
                    "The operator 'in' at position {} is not supported; chain comparisons with 'or'.",
                    self.position()
                ));
            }
            _ => None,
        };
        let Some(op) = op else {
            return match &left {
                Term::Call(..) | Term::Field(_, Kind::Bool) => Ok(Expr::Truth(left)),
                _ => Err(self.error("a comparison operator (eq, ne, gt, ge, lt, le)")),
            };
        };
        self.next += 1;
        let right = self.term()?;
        check_types(&left, &right)?;
        Ok(Expr::Compare(left, op, right))
    }

    fn term(&mut self) -> Result<Term, String> {
        let Some((at, token)) = self.tokens.get(self.next).cloned() else {
            return Err(self.error("a field or a value"));
        };
        self.next += 1;
        match token {
            Token::Text(t) => Ok(Term::Literal(Literal::Text(t))),
            Token::Number(n, whole) => Ok(Term::Literal(Literal::Number(n, whole))),
            Token::Time(t) => Ok(Term::Literal(Literal::Time(t))),
            Token::Word(word) => match word.to_ascii_lowercase().as_str() {
                "true" => Ok(Term::Literal(Literal::Bool(true))),
                "false" => Ok(Term::Literal(Literal::Bool(false))),
                "null" => Ok(Term::Literal(Literal::Null)),
                "contains" | "startswith" | "endswith" | "substringof" | "tolower" | "toupper"
                | "length" | "indexof" | "year" | "month" | "day"
                    if matches!(self.tokens.get(self.next), Some((_, Token::Open))) =>
                {
                    self.call(&word.to_ascii_lowercase(), at)
                }
                _ => {
                    let position = self.schema.position(&word).ok_or_else(|| {
                        format!(
                            "Could not find a property named '{word}' ($filter, position {}).",
                            at + 1
                        )
                    })?;
                    let kind = self.schema.fields[position].kind;
                    if matches!(kind, Kind::Child | Kind::Related { .. }) {
                        return Err(format!(
                            "'{word}' is a nested object and cannot be compared ($filter, position {}).",
                            at + 1
                        ));
                    }
                    Ok(Term::Field(position, kind))
                }
            },
            other => {
                self.next -= 1;
                Err(format!(
                    "Syntax error in $filter at position {}: expected a field or a value, found {}.",
                    at + 1,
                    describe(&other)
                ))
            }
        }
    }

    fn call(&mut self, name: &str, at: usize) -> Result<Term, String> {
        let func = match name {
            "contains" => Func::Contains,
            "startswith" => Func::StartsWith,
            "endswith" => Func::EndsWith,
            other => {
                return Err(format!(
                    "The function '{other}' at position {} is not supported.",
                    at + 1
                ));
            }
        };
        self.next += 1; // the "("
        let field = match self.tokens.get(self.next).cloned() {
            Some((_, Token::Word(w))) => {
                let position = self
                    .schema
                    .position(&w)
                    .filter(|_| self.schema.is_scalar(&w))
                    .ok_or_else(|| {
                        format!(
                            "Could not find a property named '{w}' ($filter, position {}).",
                            self.position()
                        )
                    })?;
                if self.schema.fields[position].kind != Kind::Text {
                    return Err(format!(
                        "'{name}' needs a text field; '{w}' is not text ($filter)."
                    ));
                }
                position
            }
            _ => return Err(self.error("a field name")),
        };
        self.next += 1;
        if !matches!(self.tokens.get(self.next), Some((_, Token::Comma))) {
            return Err(self.error("','"));
        }
        self.next += 1;
        let Some((_, Token::Text(needle))) = self.tokens.get(self.next).cloned() else {
            return Err(self.error("a quoted text value"));
        };
        self.next += 1;
        if !matches!(self.tokens.get(self.next), Some((_, Token::Close))) {
            return Err(self.error("')'"));
        }
        self.next += 1;
        Ok(Term::Call(func, field, needle.to_lowercase()))
    }
}

/// Rejects comparisons whose sides can never be alike (a text field against a number, …).
fn check_types(left: &Term, right: &Term) -> Result<(), String> {
    let (kind, literal) = match (left, right) {
        (Term::Field(_, kind), Term::Literal(l)) | (Term::Literal(l), Term::Field(_, kind)) => {
            (*kind, l)
        }
        _ => return Ok(()),
    };
    let fits = match (kind, literal) {
        (_, Literal::Null)
        | (Kind::Text, Literal::Text(_))
        | (Kind::Int | Kind::Decimal, Literal::Number(..))
        | (Kind::Bool, Literal::Bool(_))
        | (Kind::DateTime, Literal::Time(_)) => true,
        // Enumerations are compared as quoted numbers on Sage (`document_status eq '2'`).
        (Kind::Int, Literal::Text(t)) => t.parse::<i64>().is_ok(),
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "A {} field cannot be compared with {literal:?} ($filter).",
            kind_name(kind)
        ))
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "whole-number",
        Kind::Decimal => "decimal",
        Kind::Bool => "true/false",
        Kind::Text => "text",
        Kind::DateTime => "date-time",
        Kind::Child | Kind::Related { .. } => "nested",
    }
}
