//! The `OData` subset Sage 200 understands: `$select`, `$filter`, `$orderby`, `$top`, `$skip`,
//! `$expand` and `$count`, with Sage's rules (no `in`, `$skip` only with `$orderby`,
//! `$top` at most 5000, date-times in UTC with a trailing `Z`). Parse errors name the option
//! and the position so a user can find the mistake.

use std::cmp::Ordering;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::filter::parse_filter;
use super::schema::{Kind, Schema};
use super::store::{Record, value_of};

/// `$top` when the request gives none.
pub const DEFAULT_TOP: usize = 500;
/// The largest `$top` accepted.
pub const MAX_TOP: usize = 5000;

/// A parsed set of query options for one resource.
#[derive(Debug, Default)]
pub struct Query {
    /// Field positions to write; empty means every scalar field.
    pub select: Vec<usize>,
    /// Child and related fields to include.
    pub expand: Vec<usize>,
    /// The filter, if any.
    pub filter: Option<Expr>,
    /// Sort keys: field position and whether descending.
    pub order: Vec<(usize, bool)>,
    /// How many records to return.
    pub top: usize,
    /// How many to skip.
    pub skip: usize,
    /// Whether only the count is wanted.
    pub count: bool,
}

impl Query {
    /// Parses the raw query string of a request against `schema`.
    pub fn parse(raw: &str, schema: &Schema) -> Result<Self, String> {
        let mut query = Self {
            top: DEFAULT_TOP,
            ..Self::default()
        };
        let mut has_skip = false;
        for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            match key.as_ref() {
                "$select" => query.select = parse_select(&value, schema)?,
                "$expand" => query.expand = parse_expand(&value, schema)?,
                "$filter" => query.filter = Some(parse_filter(&value, schema)?),
                "$orderby" => query.order = parse_orderby(&value, schema)?,
                "$top" => {
                    let top = parse_count("$top", &value)?;
                    if top > MAX_TOP {
                        return Err(format!(
                            "The value of $top ({top}) is larger than the maximum of {MAX_TOP}."
                        ));
                    }
                    query.top = top;
                }
                "$skip" => {
                    query.skip = parse_count("$skip", &value)?;
                    has_skip = true;
                }
                "$count" => match value.as_ref() {
                    "true" => query.count = true,
                    "false" => query.count = false,
                    other => return Err(format!("$count must be true or false, not '{other}'.")),
                },
                other if other.starts_with('$') => {
                    return Err(format!("The query option '{other}' is not supported."));
                }
                _ => {}
            }
        }
        if has_skip && query.order.is_empty() {
            return Err(
                "$skip can only be used together with $orderby, so that pages are stable.".into(),
            );
        }
        Ok(query)
    }

    /// The positions of the fields to write for one record.
    pub fn output_fields(&self, schema: &Schema) -> Vec<usize> {
        let scalars: Vec<usize> = if self.select.is_empty() {
            (0..schema.fields.len())
                .filter(|&p| !matches!(schema.fields[p].kind, Kind::Child | Kind::Related { .. }))
                .collect()
        } else {
            self.select.clone()
        };
        let mut fields = scalars;
        for &p in &self.expand {
            if !fields.contains(&p) {
                fields.push(p);
            }
        }
        fields
    }

    /// Applies filter, order, skip and top to `rows`, returning the matching records.
    pub fn apply<'a>(&self, schema: &Schema, rows: &'a [Record]) -> Vec<&'a Record> {
        let mut matched: Vec<&Record> = match &self.filter {
            Some(filter) => rows.iter().filter(|r| filter.matches(schema, r)).collect(),
            None => rows.iter().collect(),
        };
        // Rows are kept in id order, so "id asc" needs no sort.
        let id_ascending = self.order.is_empty() || self.order == [(0, false)];
        if !id_ascending {
            matched.sort_by(|a, b| {
                for &(position, descending) in &self.order {
                    let ordering = compare_values(
                        &value_of(schema, a, position),
                        &value_of(schema, b, position),
                    );
                    if ordering != Ordering::Equal {
                        return if descending {
                            ordering.reverse()
                        } else {
                            ordering
                        };
                    }
                }
                a.id().cmp(&b.id())
            });
        }
        matched.into_iter().skip(self.skip).take(self.top).collect()
    }

    /// Applies filter, order, skip and top to rows built on demand (see [`Rows`]): in row
    /// order only as many rows are built as the page needs; another order sorts the keys of
    /// every match, then builds the page.
    pub fn apply_rows(&self, schema: &Schema, rows: &dyn Rows) -> Vec<Record> {
        let in_row_order = match self.order.as_slice() {
            [] => true,
            [(position, false)] => rows.in_row_order(*position),
            _ => false,
        };
        if in_row_order && self.filter.is_none() {
            // Nothing to test: skipped rows need not be built.
            return rows
                .candidates(None)
                .skip(self.skip)
                .take(self.top)
                .filter_map(|i| rows.build(i))
                .collect();
        }
        let matching = rows
            .candidates(self.filter.as_ref())
            .filter_map(|i| rows.build(i).map(|r| (i, r)))
            .filter(|(_, r)| self.filter.as_ref().is_none_or(|f| f.matches(schema, r)));
        if in_row_order {
            return matching
                .skip(self.skip)
                .take(self.top)
                .map(|(_, r)| r)
                .collect();
        }
        let mut keyed: Vec<(Vec<Value>, usize)> = matching
            .map(|(i, r)| {
                let keys = self
                    .order
                    .iter()
                    .map(|&(p, _)| value_of(schema, &r, p).into_owned())
                    .collect();
                (keys, i)
            })
            .collect();
        keyed.sort_by(|(a, ai), (b, bi)| {
            for (n, &(_, descending)) in self.order.iter().enumerate() {
                let ordering = compare_values(&a[n], &b[n]);
                if ordering != Ordering::Equal {
                    return if descending {
                        ordering.reverse()
                    } else {
                        ordering
                    };
                }
            }
            ai.cmp(bi)
        });
        keyed
            .into_iter()
            .skip(self.skip)
            .take(self.top)
            .filter_map(|(_, i)| rows.build(i))
            .collect()
    }

    /// How many rows built on demand match the filter.
    pub fn count_rows(&self, schema: &Schema, rows: &dyn Rows) -> usize {
        if self.filter.is_none() {
            // Nothing to test: the rows need not be built to be counted.
            return rows.candidates(None).count();
        }
        rows.candidates(self.filter.as_ref())
            .filter_map(|i| rows.build(i))
            .filter(|r| self.filter.as_ref().is_none_or(|f| f.matches(schema, r)))
            .count()
    }

    /// How many records match the filter.
    pub fn count_matching(&self, schema: &Schema, rows: &[Record]) -> usize {
        match &self.filter {
            Some(filter) => rows.iter().filter(|r| filter.matches(schema, r)).count(),
            None => rows.len(),
        }
    }
}

/// A list whose rows are built when asked for (the ledgers: a million transactions kept as
/// compact postings). Rows are in ascending order of the schema's first field.
pub trait Rows {
    /// Builds row `index`; `None` past the end.
    fn build(&self, index: usize) -> Option<Record>;
    /// Whether ascending order of field `position` is the rows' own order (the first
    /// field's always is), so a page in that order needs no sort.
    fn in_row_order(&self, position: usize) -> bool {
        position == 0
    }
    /// The rows worth building for `filter`, ascending: every row unless the source can
    /// narrow them from its own indexes (an account's transactions, a nominal code's rows).
    fn candidates<'a>(&'a self, filter: Option<&Expr>) -> Box<dyn Iterator<Item = usize> + 'a>;
}

fn parse_count(option: &str, value: &str) -> Result<usize, String> {
    value
        .trim()
        .parse::<usize>()
        .map_err(|_| format!("{option} must be a whole number of zero or more, not '{value}'."))
}

fn scalar_position(schema: &Schema, name: &str, option: &str) -> Result<usize, String> {
    match schema.position(name) {
        Some(p) if schema.is_scalar(name) => Ok(p),
        Some(_) => Err(format!(
            "'{name}' in {option} is a nested object; use $expand for it."
        )),
        None => Err(format!(
            "Could not find a property named '{name}' ({option})."
        )),
    }
}

fn parse_select(value: &str, schema: &Schema) -> Result<Vec<usize>, String> {
    let mut fields = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        // `currency.name` selects inside an expanded object: keep the whole object.
        let head = name.split('.').next().unwrap_or(name);
        let position = if name.contains('.') {
            schema
                .position(head)
                .filter(|_| !schema.is_scalar(head))
                .ok_or_else(|| format!("Could not find a property named '{name}' ($select)."))?
        } else {
            scalar_position(schema, name, "$select")?
        };
        if !fields.contains(&position) {
            fields.push(position);
        }
    }
    Ok(fields)
}

fn parse_expand(value: &str, schema: &Schema) -> Result<Vec<usize>, String> {
    let mut fields = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match schema.position(name) {
            Some(p) if !schema.is_scalar(name) => fields.push(p),
            _ => return Err(format!("'{name}' cannot be expanded ($expand).")),
        }
    }
    Ok(fields)
}

fn parse_orderby(value: &str, schema: &Schema) -> Result<Vec<(usize, bool)>, String> {
    let mut order = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let name = words.next().unwrap_or_default();
        let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(format!(
                    "$orderby: expected 'asc' or 'desc' after '{name}', found '{other}'."
                ));
            }
        };
        if let Some(extra) = words.next() {
            return Err(format!("$orderby: unexpected '{extra}' after '{part}'."));
        }
        order.push((scalar_position(schema, name, "$orderby")?, descending));
    }
    Ok(order)
}

/// A typed value during filter evaluation.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Num(f64),
    Text(String),
    Time(NaiveDateTime),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

/// A text function of the filter language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `contains(field, 'x')`
    Contains,
    /// `startswith(field, 'x')`
    StartsWith,
    /// `endswith(field, 'x')`
    EndsWith,
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A field of the record (position, kind).
    Field(usize, Kind),
    /// A literal.
    Literal(Literal),
    /// A text function applied to a field.
    Call(Func, usize, String),
}

/// A literal in a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number as written.
    Number(f64, bool),
    /// A quoted string.
    Text(String),
    /// A date or UTC date-time.
    Time(NaiveDateTime),
}

/// A parsed `$filter`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Both hold.
    And(Box<Expr>, Box<Expr>),
    /// Either holds.
    Or(Box<Expr>, Box<Expr>),
    /// A comparison.
    Compare(Term, Op, Term),
    /// A term that is itself true or false (a function call or a boolean field).
    Truth(Term),
}

impl Expr {
    /// The whole number field `position` must equal for the filter to hold (`customer_id eq
    /// 5`, alone or in an `and`), so a source can look only there.
    pub fn required_int(&self, position: usize) -> Option<i64> {
        match self {
            Self::And(a, b) => a
                .required_int(position)
                .or_else(|| b.required_int(position)),
            Self::Compare(Term::Field(p, _), Op::Eq, Term::Literal(Literal::Number(n, true)))
            | Self::Compare(Term::Literal(Literal::Number(n, true)), Op::Eq, Term::Field(p, _))
                if *p == position =>
            {
                #[allow(clippy::cast_possible_truncation)] // an integral literal
                Some(*n as i64)
            }
            _ => None,
        }
    }

    /// The smallest value field `position` may have for the filter to hold (`id gt 500`
    /// gives 501), for keyset paging over rows built on demand.
    pub fn lower_bound(&self, position: usize) -> Option<i64> {
        match self {
            Self::And(a, b) => match (a.lower_bound(position), b.lower_bound(position)) {
                (Some(x), Some(y)) => Some(x.max(y)),
                (x, y) => x.or(y),
            },
            Self::Compare(Term::Field(p, _), op, Term::Literal(Literal::Number(n, true)))
                if *p == position =>
            {
                #[allow(clippy::cast_possible_truncation)] // an integral literal
                let n = *n as i64;
                match op {
                    Op::Gt => Some(n.saturating_add(1)),
                    Op::Ge | Op::Eq => Some(n),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The range of times field `position` must lie in for the filter to hold, from its
    /// `and`-ed comparisons with date literals (`start_date ge 2026-04-01`): (earliest,
    /// latest), each `None` when unbounded. A source can skip rows outside it unbuilt.
    pub fn time_bounds(&self, position: usize) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
        match self {
            Self::And(a, b) => {
                let (a_low, a_high) = a.time_bounds(position);
                let (b_low, b_high) = b.time_bounds(position);
                let later = |x: Option<NaiveDateTime>, y: Option<NaiveDateTime>| x.max(y);
                let earlier = |x: Option<NaiveDateTime>, y: Option<NaiveDateTime>| match (x, y) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                };
                (later(a_low, b_low), earlier(a_high, b_high))
            }
            Self::Compare(Term::Field(p, _), op, Term::Literal(Literal::Time(t)))
                if *p == position =>
            {
                let tick = chrono::Duration::seconds(1);
                match op {
                    Op::Eq => (Some(*t), Some(*t)),
                    Op::Ge => (Some(*t), None),
                    Op::Gt => (Some(*t + tick), None),
                    Op::Le => (None, Some(*t)),
                    Op::Lt => (None, Some(*t - tick)),
                    Op::Ne => (None, None),
                }
            }
            _ => (None, None),
        }
    }

    /// Whether the filter holds only where field `position` is not zero (`field ne 0`, alone
    /// or in an `and`).
    pub fn excludes_zero(&self, position: usize) -> bool {
        match self {
            Self::And(a, b) => a.excludes_zero(position) || b.excludes_zero(position),
            Self::Compare(Term::Field(p, _), Op::Ne, Term::Literal(Literal::Number(n, _)))
            | Self::Compare(Term::Literal(Literal::Number(n, _)), Op::Ne, Term::Field(p, _)) => {
                *p == position && *n == 0.0
            }
            _ => false,
        }
    }

    /// The text field `position` must equal for the filter to hold (`reference eq 'X'`,
    /// alone or in an `and`).
    pub fn required_text(&self, position: usize) -> Option<&str> {
        match self {
            Self::And(a, b) => a
                .required_text(position)
                .or_else(|| b.required_text(position)),
            Self::Compare(Term::Field(p, _), Op::Eq, Term::Literal(Literal::Text(t)))
            | Self::Compare(Term::Literal(Literal::Text(t)), Op::Eq, Term::Field(p, _))
                if *p == position =>
            {
                Some(t)
            }
            _ => None,
        }
    }

    /// Whether `record` satisfies the filter.
    pub fn matches(&self, schema: &Schema, record: &Record) -> bool {
        match self {
            Self::And(a, b) => a.matches(schema, record) && b.matches(schema, record),
            Self::Or(a, b) => a.matches(schema, record) || b.matches(schema, record),
            Self::Truth(term) => evaluate(term, schema, record) == Val::Bool(true),
            Self::Compare(left, op, right) => {
                let l = evaluate(left, schema, record);
                let r = evaluate(right, schema, record);
                compare_op(&l, *op, &r)
            }
        }
    }
}

fn evaluate(term: &Term, schema: &Schema, record: &Record) -> Val {
    match term {
        Term::Literal(literal) => match literal {
            Literal::Null => Val::Null,
            Literal::Bool(b) => Val::Bool(*b),
            Literal::Number(n, true) => {
                #[allow(clippy::cast_possible_truncation)] // integral literal within i64 range
                let whole = *n as i64;
                Val::Int(whole)
            }
            Literal::Number(n, false) => Val::Num(*n),
            Literal::Text(t) => Val::Text(t.to_lowercase()),
            Literal::Time(t) => Val::Time(*t),
        },
        Term::Field(position, kind) => field_val(&value_of(schema, record, *position), *kind),
        Term::Call(func, position, needle) => {
            let Val::Text(hay) = field_val(&value_of(schema, record, *position), Kind::Text) else {
                return Val::Bool(false);
            };
            Val::Bool(match func {
                Func::Contains => hay.contains(needle.as_str()),
                Func::StartsWith => hay.starts_with(needle.as_str()),
                Func::EndsWith => hay.ends_with(needle.as_str()),
            })
        }
    }
}

fn field_val(value: &Value, kind: Kind) -> Val {
    match (kind, value) {
        (Kind::Bool, Value::Bool(b)) => Val::Bool(*b),
        (Kind::Int, Value::Number(n)) => n.as_i64().map_or(Val::Null, Val::Int),
        (Kind::Decimal, Value::Number(n)) => n.as_f64().map_or(Val::Null, Val::Num),
        (Kind::DateTime, Value::String(s)) => parse_time(s).map_or(Val::Null, Val::Time),
        // Sage's SQL Server collation compares text without regard to case.
        (_, Value::String(s)) => Val::Text(s.to_lowercase()),
        _ => Val::Null, // null, or a stored value of another shape
    }
}

fn compare_op(left: &Val, op: Op, right: &Val) -> bool {
    let ordering = match (left, right) {
        (Val::Null, Val::Null) => Some(Ordering::Equal),
        (Val::Int(a), Val::Int(b)) => Some(a.cmp(b)),
        #[allow(clippy::cast_precision_loss)] // money and counts stay far below 2^53
        (Val::Int(a), Val::Num(b)) => (*a as f64).partial_cmp(b),
        #[allow(clippy::cast_precision_loss)]
        (Val::Num(a), Val::Int(b)) => a.partial_cmp(&(*b as f64)),
        (Val::Num(a), Val::Num(b)) => a.partial_cmp(b),
        (Val::Text(a), Val::Text(b)) => Some(a.cmp(b)),
        (Val::Bool(a), Val::Bool(b)) => Some(a.cmp(b)),
        (Val::Time(a), Val::Time(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match (op, ordering) {
        (Op::Eq, Some(o)) => o == Ordering::Equal,
        (Op::Ne, Some(o)) => o != Ordering::Equal,
        (Op::Ne, None) => true,
        (Op::Gt, Some(o)) => o == Ordering::Greater,
        (Op::Ge, Some(o)) => o != Ordering::Less,
        (Op::Lt, Some(o)) => o == Ordering::Less,
        (Op::Le, Some(o)) => o != Ordering::Greater,
        (_, None) => false,
    }
}

/// Orders two stored values of the same field (text without regard to case).
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x
            .to_lowercase()
            .cmp(&y.to_lowercase())
            .then_with(|| x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// Reads a stored date-time (with or without a zone) as UTC.
fn parse_time(text: &str) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_server::schema;
    use serde_json::json;

    fn customer(schema: &Schema, name: &str, balance: f64, on_hold: bool) -> Record {
        let mut r = Record::default();
        r.set(schema.position("name").unwrap(), json!(name));
        r.set(schema.position("balance").unwrap(), json!(balance));
        r.set(schema.position("on_hold").unwrap(), json!(on_hold));
        r.set(
            schema.position("date_time_created").unwrap(),
            json!("2024-02-23T10:00:00Z"),
        );
        r
    }

    #[test]
    fn filters_follow_sage_rules() {
        let s = schema::customers();
        let obrien = customer(&s, "O'Brien & Sons", 120.5, false);
        let acme = customer(&s, "Acme Ltd", -3.0, true);
        let check = |f: &str, r: &Record| parse_filter(f, &s).unwrap().matches(&s, r);
        assert!(check("name eq 'O''Brien & Sons'", &obrien));
        assert!(
            check("name eq 'o''brien & sons'", &obrien),
            "case-insensitive like SQL Server"
        );
        assert!(check("contains(name,'brien') and balance gt 100", &obrien));
        assert!(!check("contains(name,'brien') and balance gt 200", &obrien));
        assert!(check("startswith(name,'A') ne true", &obrien));
        assert!(check(
            "(on_hold eq true or balance lt 0) and endswith(name, 'ltd')",
            &acme
        ));
        assert!(check("date_time_created ge 2024-02-23T00:00:00Z", &obrien));
        assert!(check("date_time_created lt 2024-02-24", &obrien));
        assert!(check("on_hold", &acme));
    }

    #[test]
    fn bad_filters_say_what_and_where() {
        let s = schema::customers();
        let err = |f: &str| parse_filter(f, &s).unwrap_err();
        assert!(err("reference in ('A','B')").contains("'in'"));
        assert!(err("name eq 'open").contains("position 9"));
        assert!(err("nope eq 1").contains("'nope'"));
        assert!(err("name eq 5").contains("text field"));
        assert!(err("date_time_created gt 2024-01-01T00:00:00").contains("trailing 'Z'"));
        assert!(err("name eq").contains("found the end"));
        assert!(err("not on_hold").contains("'not'"));
        assert!(err(&"(".repeat(500)).contains("nested too deeply"));
    }

    #[test]
    fn query_options_follow_sage_limits() {
        let s = schema::customers();
        assert_eq!(Query::parse("", &s).unwrap().top, DEFAULT_TOP);
        assert!(Query::parse("$top=5001", &s).unwrap_err().contains("5000"));
        assert!(
            Query::parse("$skip=10", &s)
                .unwrap_err()
                .contains("$orderby")
        );
        assert!(Query::parse("$skip=10&$orderby=id", &s).is_ok());
        assert!(
            Query::parse("$select=id,nope", &s)
                .unwrap_err()
                .contains("'nope'")
        );
        assert!(Query::parse("$expand=contacts,main_address", &s).is_ok());
        assert!(Query::parse("$expand=name", &s).is_err());
        assert!(Query::parse("$orderby=name sideways", &s).is_err());
        assert!(Query::parse("$format=json", &s).is_err());
    }
}
