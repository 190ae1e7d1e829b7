//! `OData` query options as Sage 200 understands them, built from plain values: `$select`,
//! a `$filter` built from conditions (values quoted and escaped, dates in UTC with `Z`,
//! `in` written as chained `or`, negation as `ne true`) or typed by hand and checked
//! before sending, `$orderby`, `$top` (at most 5000), `$skip` (only with an order),
//! `$expand` and `$count`.

use serde::{Deserialize, Serialize};

use super::filter_dates::{date_problem, looks_like_date_time};

/// The largest `$top` Sage accepts.
pub const MAX_TOP: u32 = 5000;

/// How a condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CompareOp {
    /// `eq`
    Equals,
    /// `ne`
    NotEquals,
    /// `gt`
    Greater,
    /// `ge`
    GreaterOrEqual,
    /// `lt`
    Less,
    /// `le`
    LessOrEqual,
    /// `contains(field, 'x')`
    Contains,
    /// `startswith(field, 'x')`
    StartsWith,
    /// `startswith(field, 'x') ne true`
    NotStartsWith,
    /// `endswith(field, 'x')`
    EndsWith,
    /// One of several values, written as `(f eq a or f eq b)`.
    OneOf,
}

impl CompareOp {
    /// Every operator, in the order a picker offers them.
    pub const ALL: [Self; 11] = [
        Self::Equals,
        Self::NotEquals,
        Self::Greater,
        Self::GreaterOrEqual,
        Self::Less,
        Self::LessOrEqual,
        Self::Contains,
        Self::StartsWith,
        Self::NotStartsWith,
        Self::EndsWith,
        Self::OneOf,
    ];

    /// Words for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Equals => "equals",
            Self::NotEquals => "does not equal",
            Self::Greater => "greater than",
            Self::GreaterOrEqual => "at least",
            Self::Less => "less than",
            Self::LessOrEqual => "at most",
            Self::Contains => "contains",
            Self::StartsWith => "starts with",
            Self::NotStartsWith => "does not start with",
            Self::EndsWith => "ends with",
            Self::OneOf => "is one of",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::Equals | Self::OneOf => "eq",
            Self::NotEquals => "ne",
            Self::Greater => "gt",
            Self::GreaterOrEqual => "ge",
            Self::Less => "lt",
            Self::LessOrEqual => "le",
            Self::Contains => "contains",
            Self::StartsWith | Self::NotStartsWith => "startswith",
            Self::EndsWith => "endswith",
        }
    }
}

/// A value to compare with, as the user typed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FilterValue {
    /// Text: quoted, with quotes doubled.
    Text(String),
    /// A number, kept as typed (no rounding).
    Number(String),
    /// `true` / `false`.
    Bool(bool),
    /// A date (`2024-02-23`) or date-time (`2024-02-23T10:00:00`, sent in UTC with `Z`).
    Date(String),
    /// `null`.
    Null,
}

/// Why a filter or query cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

fn error(message: impl Into<String>) -> QueryError {
    QueryError(message.into())
}

/// Whether `name` can be a field name (letters, digits, `_`, and `.` for expanded fields).
fn check_field(name: &str) -> Result<(), QueryError> {
    let valid = !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if valid {
        Ok(())
    } else {
        Err(error(format!("'{name}' is not a field name.")))
    }
}

fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && fraction.is_empty())
}

fn two_digits(text: &str, low: u32, high: u32) -> bool {
    text.len() == 2 && text.parse::<u32>().is_ok_and(|n| (low..=high).contains(&n))
}

/// Checks `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())
        && two_digits(m, 1, 12) && two_digits(d, 1, 31))
        // A day that exists: not 2023-02-30.
        && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// A date stays a date; a date-time is read in the user's own time zone (unless it ends in
/// `Z` or gives an offset) and written in UTC with a trailing `Z`, as Sage wants.
fn odata_date(text: &str) -> Result<String, QueryError> {
    let text = text.trim();
    if is_date(text) {
        return Ok(text.to_owned());
    }
    super::filter_dates::date_time_to_utc(text, &chrono::Local)
        .map(|at| at.utc)
        .map_err(error)
}

impl FilterValue {
    /// The value written as an `OData` literal.
    pub fn to_odata(&self) -> Result<String, QueryError> {
        match self {
            Self::Text(text) => Ok(format!("'{}'", text.replace('\'', "''"))),
            Self::Number(number) => {
                let number = number.trim();
                if is_number(number) {
                    Ok(number.to_owned())
                } else {
                    Err(error(format!(
                        "'{number}' is not a number (digits, one '.', optional '-')."
                    )))
                }
            }
            Self::Bool(value) => Ok(value.to_string()),
            Self::Date(text) => odata_date(text),
            Self::Null => Ok("null".to_owned()),
        }
    }
}

/// One comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Condition {
    /// The field.
    pub field: String,
    /// How to compare.
    pub op: CompareOp,
    /// The values: one, or several for [`CompareOp::OneOf`].
    pub values: Vec<FilterValue>,
}

impl Condition {
    /// A condition with one value.
    #[must_use]
    pub fn new(field: &str, op: CompareOp, value: FilterValue) -> Self {
        Self {
            field: field.to_owned(),
            op,
            values: vec![value],
        }
    }

    /// The condition written in `OData`.
    pub fn to_odata(&self) -> Result<String, QueryError> {
        check_field(&self.field)?;
        let field = &self.field;
        let first = self
            .values
            .first()
            .ok_or_else(|| error(format!("Give a value to compare '{field}' with.")))?;
        match self.op {
            CompareOp::Contains
            | CompareOp::StartsWith
            | CompareOp::EndsWith
            | CompareOp::NotStartsWith => {
                let FilterValue::Text(_) = first else {
                    return Err(error(format!(
                        "'{}' compares text; give a text value.",
                        self.op.label()
                    )));
                };
                let call = format!("{}({field},{})", self.op.symbol(), first.to_odata()?);
                Ok(if self.op == CompareOp::NotStartsWith {
                    format!("{call} ne true")
                } else {
                    call
                })
            }
            CompareOp::OneOf => {
                let parts = self
                    .values
                    .iter()
                    .map(|v| Ok(format!("{field} eq {}", v.to_odata()?)))
                    .collect::<Result<Vec<_>, QueryError>>()?;
                Ok(if parts.len() == 1 {
                    parts.concat()
                } else {
                    format!("({})", parts.join(" or "))
                })
            }
            op => Ok(format!("{field} {} {}", op.symbol(), first.to_odata()?)),
        }
    }
}

/// How the items of a group combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Combine {
    /// Every item holds.
    #[default]
    All,
    /// At least one holds.
    Any,
}

/// A condition or a nested group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FilterItem {
    /// A comparison.
    Condition(Condition),
    /// A bracketed group.
    Group(FilterGroup),
}

/// Conditions joined by `and` or `or`, possibly nested.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct FilterGroup {
    /// `and` or `or`.
    pub combine: Combine,
    /// The items.
    pub items: Vec<FilterItem>,
}

impl FilterGroup {
    /// The filter written in `OData`; `None` when the group is empty.
    pub fn to_odata(&self) -> Result<Option<String>, QueryError> {
        let joiner = match self.combine {
            Combine::All => " and ",
            Combine::Any => " or ",
        };
        let mut parts = Vec::new();
        for item in &self.items {
            match item {
                FilterItem::Condition(condition) => parts.push(condition.to_odata()?),
                FilterItem::Group(group) => {
                    if let Some(inner) = group.to_odata()? {
                        parts.push(if group.items.len() > 1 {
                            format!("({inner})")
                        } else {
                            inner
                        });
                    }
                }
            }
        }
        Ok((!parts.is_empty()).then(|| parts.join(joiner)))
    }
}

/// Checks a hand-typed `$filter` before it is sent: quotes and brackets closed, a value on
/// both sides of each comparison, only the operators and functions Sage supports (`in` and
/// `not` are refused, with what to write instead). The message names the position.
pub fn check_filter(text: &str) -> Result<(), QueryError> {
    let mut checker = FilterChecker::new(text);
    checker.expression(0)?;
    match checker.token() {
        None => Ok(()),
        Some((at, token)) => Err(FilterChecker::unexpected(at, &token)),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Literal,
    Open,
    Close,
    Comma,
}

struct FilterChecker {
    tokens: Vec<(usize, Token)>,
    position: usize,
    scan_error: Option<QueryError>,
}

impl FilterChecker {
    fn new(text: &str) -> Self {
        let mut tokens = Vec::new();
        let mut scan_error = None;
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() && scan_error.is_none() {
            let c = chars[i];
            let start = i;
            i += 1;
            match c {
                c if c.is_whitespace() => {}
                '(' => tokens.push((start, Token::Open)),
                ')' => tokens.push((start, Token::Close)),
                ',' => tokens.push((start, Token::Comma)),
                '\'' => {
                    loop {
                        match chars.get(i) {
                            None => {
                                scan_error = Some(error(format!(
                                    "The text starting at position {} has no closing quote (write a quote inside text as '').",
                                    start + 1
                                )));
                                break;
                            }
                            Some('\'') if chars.get(i + 1) == Some(&'\'') => i += 2,
                            Some('\'') => {
                                i += 1;
                                break;
                            }
                            Some(_) => i += 1,
                        }
                    }
                    let inner: String = chars[start + 1..i.saturating_sub(1).max(start + 1)]
                        .iter()
                        .collect();
                    if scan_error.is_none() && looks_like_date_time(&inner) {
                        scan_error = Some(error(format!(
                            "'{inner}' at position {} is a date-time in quotes, which Sage compares as text; write it without quotes: {inner}.",
                            start + 1
                        )));
                    }
                    tokens.push((start, Token::Literal));
                }
                c if c.is_ascii_digit() || c == '-' => {
                    while i < chars.len()
                        && (chars[i].is_ascii_alphanumeric()
                            || matches!(chars[i], '.' | ':' | '-' | '+'))
                    {
                        i += 1;
                    }
                    let literal: String = chars[start..i].iter().collect();
                    if let Some(problem) = date_problem(&literal) {
                        scan_error = Some(error(format!(
                            "'{literal}' at position {}: {problem}",
                            start + 1
                        )));
                    }
                    tokens.push((start, Token::Literal));
                }
                c if c.is_alphabetic() || c == '_' => {
                    while i < chars.len()
                        && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.'))
                    {
                        i += 1;
                    }
                    tokens.push((start, Token::Name(chars[start..i].iter().collect())));
                }
                other => {
                    scan_error = Some(error(format!(
                        "Unexpected '{other}' at position {}.",
                        start + 1
                    )));
                }
            }
        }
        Self {
            tokens,
            position: 0,
            scan_error,
        }
    }

    fn token(&self) -> Option<(usize, Token)> {
        self.tokens.get(self.position).cloned()
    }

    fn unexpected(at: usize, token: &Token) -> QueryError {
        let what = match token {
            Token::Name(name) => format!("'{name}'"),
            Token::Literal => "a value".to_owned(),
            Token::Open => "'('".to_owned(),
            Token::Close => "')'".to_owned(),
            Token::Comma => "','".to_owned(),
        };
        error(format!("Unexpected {what} at position {}.", at + 1))
    }

    fn expect(&mut self, wanted: &Token, description: &str) -> Result<(), QueryError> {
        match self.token() {
            Some((_, token)) if &token == wanted => {
                self.position += 1;
                Ok(())
            }
            Some((at, _)) => Err(error(format!(
                "Expected {description} at position {}.",
                at + 1
            ))),
            None => Err(error(format!("Expected {description} at the end."))),
        }
    }

    fn keyword(&self) -> Option<String> {
        match self.token() {
            Some((_, Token::Name(name))) => Some(name.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn expression(&mut self, depth: usize) -> Result<(), QueryError> {
        if let Some(problem) = self.scan_error.clone() {
            return Err(problem);
        }
        if depth > 50 {
            return Err(error("The filter is nested too deeply."));
        }
        loop {
            self.comparison(depth)?;
            match self.keyword().as_deref() {
                Some("and" | "or") => self.position += 1,
                _ => return Ok(()),
            }
        }
    }

    fn comparison(&mut self, depth: usize) -> Result<(), QueryError> {
        if matches!(self.token(), Some((_, Token::Open))) {
            self.position += 1;
            self.expression(depth + 1)?;
            return self.expect(&Token::Close, "')'");
        }
        if self.keyword().as_deref() == Some("not") {
            let at = self.token().map_or(0, |(at, _)| at);
            return Err(error(format!(
                "'not' (position {}) is not supported by Sage; compare with 'ne true' instead, e.g. startswith(name,'A') ne true.",
                at + 1
            )));
        }
        let bare_name = matches!(self.token(), Some((_, Token::Name(_))));
        let is_call = self.operand()?;
        // A boolean field or `true`/`false` is a condition on its own (`on_hold and …`).
        let ends_here = match self.token() {
            None | Some((_, Token::Close)) => true,
            Some(_) => matches!(self.keyword().as_deref(), Some("and" | "or")),
        };
        match self.keyword().as_deref() {
            Some("eq" | "ne" | "gt" | "ge" | "lt" | "le") => {
                self.position += 1;
                self.operand().map(|_| ())
            }
            Some("in") => {
                let at = self.token().map_or(0, |(at, _)| at);
                Err(error(format!(
                    "'in' (position {}) is not supported by Sage; chain comparisons with 'or', e.g. (code eq 'A' or code eq 'B').",
                    at + 1
                )))
            }
            _ if is_call || (bare_name && ends_here) => Ok(()),
            _ => match self.token() {
                Some((at, _)) => Err(error(format!(
                    "Expected a comparison (eq, ne, gt, ge, lt, le) at position {}.",
                    at + 1
                ))),
                None => Err(error(
                    "Expected a comparison (eq, ne, gt, ge, lt, le) at the end.",
                )),
            },
        }
    }

    /// A field, a value, or a function call; returns whether it was a call.
    fn operand(&mut self) -> Result<bool, QueryError> {
        match self.token() {
            Some((_, Token::Literal)) => {
                self.position += 1;
                Ok(false)
            }
            Some((at, Token::Name(name))) => {
                self.position += 1;
                let lower = name.to_ascii_lowercase();
                if matches!(self.token(), Some((_, Token::Open))) {
                    if !matches!(lower.as_str(), "contains" | "startswith" | "endswith") {
                        return Err(error(format!(
                            "'{name}' (position {}) is not a function Sage supports; use contains, startswith or endswith.",
                            at + 1
                        )));
                    }
                    self.position += 1;
                    self.operand()?;
                    self.expect(&Token::Comma, "','")?;
                    self.operand()?;
                    self.expect(&Token::Close, "')'")?;
                    return Ok(true);
                }
                Ok(false)
            }
            Some((at, token)) => Err(Self::unexpected(at, &token)),
            None => Err(error(
                "The filter ends where a field or value was expected.",
            )),
        }
    }
}

/// Every query option of a request, as the user set them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(default)]
pub struct ODataQuery {
    /// `$select`.
    pub select: Vec<String>,
    /// `$filter`, already written (built or typed).
    pub filter: String,
    /// `$orderby`: field and whether descending.
    pub order_by: Vec<(String, bool)>,
    /// `$top`.
    pub top: Option<u32>,
    /// `$skip`.
    pub skip: Option<u32>,
    /// `$expand`.
    pub expand: Vec<String>,
    /// `$count=true`.
    pub count: bool,
}

impl ODataQuery {
    /// The options as query parameters, checked against Sage's rules.
    pub fn to_params(&self) -> Result<Vec<(String, String)>, QueryError> {
        let mut params = Vec::new();
        let list = |names: &[String], option: &str| -> Result<Option<String>, QueryError> {
            let names: Vec<&str> = names
                .iter()
                .map(|n| n.trim())
                .filter(|n| !n.is_empty())
                .collect();
            for name in &names {
                check_field(name).map_err(|e| error(format!("{option}: {e}")))?;
            }
            Ok((!names.is_empty()).then(|| names.join(",")))
        };
        if let Some(select) = list(&self.select, "$select")? {
            params.push(("$select".to_owned(), select));
        }
        let filter = self.filter.trim();
        if !filter.is_empty() {
            check_filter(filter)?;
            params.push(("$filter".to_owned(), filter.to_owned()));
        }
        if !self.order_by.is_empty() {
            let mut order = String::new();
            for (index, (field, descending)) in self.order_by.iter().enumerate() {
                check_field(field).map_err(|e| error(format!("$orderby: {e}")))?;
                if index > 0 {
                    order.push(',');
                }
                // Ascending is OData's default: the field alone, as people write it.
                order.push_str(field);
                if *descending {
                    order.push_str(" desc");
                }
            }
            params.push(("$orderby".to_owned(), order));
        }
        if let Some(top) = self.top {
            if top > MAX_TOP {
                return Err(error(format!(
                    "$top can be at most {MAX_TOP}; use Fetch all for more."
                )));
            }
            params.push(("$top".to_owned(), top.to_string()));
        }
        if let Some(skip) = self.skip {
            if self.order_by.is_empty() {
                return Err(error(
                    "$skip needs an order ($orderby), or pages would overlap.",
                ));
            }
            params.push(("$skip".to_owned(), skip.to_string()));
        }
        if let Some(expand) = list(&self.expand, "$expand")? {
            params.push(("$expand".to_owned(), expand));
        }
        if self.count {
            params.push(("$count".to_owned(), "true".to_owned()));
        }
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> FilterValue {
        FilterValue::Text(s.to_owned())
    }

    #[test]
    fn values_are_quoted_escaped_and_checked() {
        let c = Condition::new("name", CompareOp::Equals, text("O'Brien & Sons"));
        assert_eq!(c.to_odata().unwrap(), "name eq 'O''Brien & Sons'");
        let c = Condition::new(
            "balance",
            CompareOp::Greater,
            FilterValue::Number("12345678901234567890.12".into()),
        );
        assert_eq!(
            c.to_odata().unwrap(),
            "balance gt 12345678901234567890.12",
            "no rounding"
        );
        assert!(
            Condition::new(
                "balance",
                CompareOp::Less,
                FilterValue::Number("1e5".into())
            )
            .to_odata()
            .is_err()
        );
        let c = Condition::new(
            "date_time_updated",
            CompareOp::GreaterOrEqual,
            FilterValue::Date("2024-02-23T10:30:00Z".into()),
        );
        assert_eq!(
            c.to_odata().unwrap(),
            "date_time_updated ge 2024-02-23T10:30:00Z"
        );
        let c = Condition::new(
            "document_date",
            CompareOp::Less,
            FilterValue::Date("2024-02-23".into()),
        );
        assert_eq!(c.to_odata().unwrap(), "document_date lt 2024-02-23");
        // An offset written after the time is honoured: converted to UTC.
        assert_eq!(
            FilterValue::Date("2024-06-23T10:30:00+01:00".into())
                .to_odata()
                .unwrap(),
            "2024-06-23T09:30:00Z"
        );
        assert!(FilterValue::Date("23/02/2024".into()).to_odata().is_err());
        assert!(
            FilterValue::Date("2023-02-30".into()).to_odata().is_err(),
            "a day that does not exist"
        );
        assert!(
            Condition::new("bad name", CompareOp::Equals, text("x"))
                .to_odata()
                .is_err()
        );
    }

    #[test]
    fn functions_negation_and_one_of_follow_sage() {
        assert_eq!(
            Condition::new("name", CompareOp::Contains, text("ltd"))
                .to_odata()
                .unwrap(),
            "contains(name,'ltd')"
        );
        assert_eq!(
            Condition::new("name", CompareOp::NotStartsWith, text("A"))
                .to_odata()
                .unwrap(),
            "startswith(name,'A') ne true"
        );
        let one_of = Condition {
            field: "reference".into(),
            op: CompareOp::OneOf,
            values: vec![text("A1"), text("B'2")],
        };
        assert_eq!(
            one_of.to_odata().unwrap(),
            "(reference eq 'A1' or reference eq 'B''2')"
        );
        assert!(
            Condition::new("on_hold", CompareOp::Contains, FilterValue::Bool(true))
                .to_odata()
                .is_err()
        );
    }

    #[test]
    fn groups_nest_with_brackets() {
        let group = FilterGroup {
            combine: Combine::All,
            items: vec![
                FilterItem::Condition(Condition::new(
                    "on_hold",
                    CompareOp::Equals,
                    FilterValue::Bool(false),
                )),
                FilterItem::Group(FilterGroup {
                    combine: Combine::Any,
                    items: vec![
                        FilterItem::Condition(Condition::new(
                            "balance",
                            CompareOp::Greater,
                            FilterValue::Number("100".into()),
                        )),
                        FilterItem::Condition(Condition::new(
                            "name",
                            CompareOp::StartsWith,
                            text("Z"),
                        )),
                    ],
                }),
            ],
        };
        let written = group.to_odata().unwrap().unwrap();
        assert_eq!(
            written,
            "on_hold eq false and (balance gt 100 or startswith(name,'Z'))"
        );
        assert!(check_filter(&written).is_ok());
        assert_eq!(FilterGroup::default().to_odata().unwrap(), None);
    }

    #[test]
    fn typed_filters_are_checked_before_sending() {
        for good in [
            "name eq 'O''Brien'",
            "contains(name,'x') and (balance gt 10 or on_hold eq true)",
            "startswith(name,'A') ne true",
            "date_time_updated ge 2024-02-23T00:00:00Z",
            "balance lt -5.5",
            "on_hold",
            "on_hold and balance gt 0",
            "balance gt 0 and (on_hold)",
            "true",
            "(false)",
        ] {
            assert!(check_filter(good).is_ok(), "{good}");
        }
        let problem = |f: &str| check_filter(f).unwrap_err().0;
        assert!(problem("name eq 'open").contains("position 9"));
        assert!(problem("reference in ('A','B')").contains("'in'"));
        assert!(problem("not on_hold").contains("'ne true'"));
        assert!(problem("(name eq 'a'").contains("')'"));
        assert!(problem("name eq").contains("ends where"));
        // A field alone is a boolean condition (Sage checks its type); a value alone is not.
        assert!(problem("5").contains("comparison"));
        assert!(problem("'text' and on_hold").contains("comparison"));
        assert!(problem("tolower(name) eq 'a'").contains("not a function"));
        assert!(problem("name eq 'a' #").contains("'#'"));
        assert!(problem(&"(".repeat(100)).contains("nested too deeply"));
        // Dates: said before sending, not found out from the server.
        assert!(problem("date eq 2023-02-30").contains("does not exist"));
        assert!(problem("date eq 2024-2-3").contains("2024-02-03"));
        assert!(problem("date ge '2025-06-02T09:00:00Z'").contains("without quotes"));
        assert!(problem("date ge 2025-06-02T09:00:00").contains("ends with Z"));
        assert!(check_filter("date ge 2024-02-29 and date lt 2025-06-02T09:00:00.5Z").is_ok());
        assert!(check_filter("balance gt -12.5 and reference eq '2024-1'").is_ok());
    }

    #[test]
    fn query_options_follow_sage_rules() {
        let mut query = ODataQuery {
            select: vec!["id".into(), " reference ".into(), String::new()],
            filter: "name eq 'x'".into(),
            order_by: vec![("name".into(), false), ("id".into(), true)],
            top: Some(50),
            skip: Some(100),
            expand: vec!["contacts".into()],
            count: false,
        };
        let params = query.to_params().unwrap();
        assert_eq!(
            params,
            [
                ("$select".to_owned(), "id,reference".to_owned()),
                ("$filter".to_owned(), "name eq 'x'".to_owned()),
                ("$orderby".to_owned(), "name,id desc".to_owned()),
                ("$top".to_owned(), "50".to_owned()),
                ("$skip".to_owned(), "100".to_owned()),
                ("$expand".to_owned(), "contacts".to_owned()),
            ]
        );
        query.top = Some(5001);
        assert!(query.to_params().unwrap_err().0.contains("5000"));
        query.top = None;
        query.order_by.clear();
        assert!(
            query
                .to_params()
                .unwrap_err()
                .0
                .contains("$skip needs an order")
        );
    }
}
