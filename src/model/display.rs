//! How record fields read to people: `credit_limit` as "Credit limit", fields gathered into
//! groups (Account, Contact, Address…), and dates in the user's own order (31/01/2025 in
//! the UK, 01/31/2025 in the US, 31.01.2025 in Germany).

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, Utc};

/// Words written in capitals when a field name is turned into a label.
const ACRONYMS: [&str; 13] = [
    "id", "vat", "duns", "sop", "pop", "url", "iban", "bic", "eori", "gl", "ni", "uk", "urn",
];

/// A field name in words: `credit_limit` → "Credit limit", `country_code_id` →
/// "Country code ID", `date_time_created` → "Created".
#[must_use]
pub fn field_label(name: &str) -> String {
    match name {
        "date_time_created" => return "Created".to_owned(),
        "date_time_updated" => return "Updated".to_owned(),
        _ => {}
    }
    let words: Vec<String> = name
        .split(['_', '.'])
        .filter(|w| !w.is_empty())
        .map(|word| {
            if ACRONYMS.contains(&word.to_ascii_lowercase().as_str()) {
                word.to_ascii_uppercase()
            } else {
                word.to_owned()
            }
        })
        .collect();
    let mut label = words.join(" ");
    if let Some(first) = label.chars().next() {
        let upper: String = first.to_uppercase().collect();
        label.replace_range(..first.len_utf8(), &upper);
    }
    if label.is_empty() {
        name.to_owned()
    } else {
        label
    }
}

/// The groups a record's fields are shown in, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldGroup {
    /// Identity and status: id, reference, name, on hold…
    Account,
    /// Telephone, fax, email, website.
    Contact,
    /// Address lines, city, postcode.
    Address,
    /// Currency, balance, credit, payment terms.
    Trading,
    /// Tax codes, VAT and registration numbers, country.
    Tax,
    /// Analysis codes and spare fields.
    Analysis,
    /// Timestamps.
    Dates,
    /// Anything else.
    Other,
}

impl FieldGroup {
    /// Every group, in display order.
    pub const ALL: [Self; 8] = [
        Self::Account,
        Self::Contact,
        Self::Address,
        Self::Trading,
        Self::Tax,
        Self::Analysis,
        Self::Dates,
        Self::Other,
    ];

    /// The group's title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Account => "Account",
            Self::Contact => "Contact",
            Self::Address => "Address",
            Self::Trading => "Trading",
            Self::Tax => "Tax",
            Self::Analysis => "Analysis",
            Self::Dates => "Dates",
            Self::Other => "Other",
        }
    }

    /// The group a field belongs in, judged from its name.
    #[must_use]
    pub fn of(name: &str) -> Self {
        let has = |parts: &[&str]| parts.iter().any(|p| name.contains(p));
        if matches!(
            name,
            "id" | "reference" | "name" | "short_name" | "on_hold" | "account_is_on_hold"
        ) || has(&["status", "hold"])
        {
            Self::Account
        } else if has(&["date", "_time", "created", "updated"]) {
            Self::Dates
        } else if has(&["telephone", "fax", "email", "website", "contact", "phone"]) {
            Self::Contact
        } else if has(&["address", "city", "county", "postcode", "town"]) {
            Self::Address
        } else if has(&["tax", "vat", "eori", "duns", "country"]) {
            Self::Tax
        } else if has(&[
            "currency",
            "balance",
            "credit",
            "payment",
            "terms",
            "account_type",
            "exchange",
            "settlement",
            "price",
            "discount",
            "limit",
            "amount",
            "value",
            "cost",
        ]) {
            Self::Trading
        } else if has(&["analysis", "spare"]) {
            Self::Analysis
        } else {
            Self::Other
        }
    }
}

/// An enumeration value of Sage's in words, for fields whose name says they hold one
/// (`…_type`, `…_basis`, `…status`): `AccountStatusActive` → "Active",
/// `TradingAccountTypeOpenItem` → "Open item", `ExchangeRateSingle` → "Exchange rate
/// single". `None` for other fields and for values that are not such names.
#[must_use]
pub fn enum_words(field: &str, value: &str) -> Option<String> {
    let is_enum_field =
        field.ends_with("_type") || field.ends_with("_basis") || field.ends_with("status");
    let is_name = value.len() > 3
        && value.chars().all(|c| c.is_ascii_alphanumeric())
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && value.chars().filter(char::is_ascii_uppercase).count() >= 2;
    if !is_enum_field || !is_name {
        return None;
    }
    // What follows the last "Type" or "Status" names the value; the rest is its family.
    let tail = ["Type", "Status"]
        .iter()
        .filter_map(|marker| value.rfind(marker).map(|i| &value[i + marker.len()..]))
        .filter(|rest| !rest.is_empty())
        .min_by_key(|rest| rest.len())
        .unwrap_or(value);
    let mut words = String::with_capacity(tail.len() + 4);
    for (i, c) in tail.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else {
            words.push(c);
        }
    }
    Some(words)
}

/// The order of day, month and year in the user's locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    /// 31/01/2025 (the UK and most of the world).
    #[default]
    DayMonthYear,
    /// 31.01.2025 (Germany, much of central and eastern Europe).
    DayMonthYearDots,
    /// 01/31/2025 (the US).
    MonthDayYear,
    /// 2025-01-31 (ISO 8601, Sweden, China, Japan…).
    YearMonthDay,
}

impl DateStyle {
    /// The style of a BCP 47 or POSIX locale name (`en-GB`, `en_US.UTF-8`, `de-DE`).
    #[must_use]
    pub fn from_locale(locale: &str) -> Self {
        let tag = locale
            .split(['.', '@'])
            .next()
            .unwrap_or_default()
            .replace('_', "-");
        let mut parts = tag.split('-');
        let language = parts.next().unwrap_or_default().to_ascii_lowercase();
        let region = parts
            .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase)
            .unwrap_or_default();
        match (language.as_str(), region.as_str()) {
            (_, "US" | "PH" | "BZ" | "FM" | "MH" | "PW") => Self::MonthDayYear,
            ("sv" | "lt" | "hu" | "zh" | "ja" | "ko" | "mn", _) | (_, "CA" | "ZA") => {
                Self::YearMonthDay
            }
            (
                "de" | "cs" | "sk" | "pl" | "ru" | "uk" | "fi" | "nb" | "no" | "nn" | "da" | "tr"
                | "ro" | "hr" | "sl" | "sr" | "bg" | "et" | "lv" | "is",
                _,
            ) => Self::DayMonthYearDots,
            ("c" | "posix" | "", _) => Self::YearMonthDay,
            _ => Self::DayMonthYear,
        }
    }

    fn date(self, date: NaiveDate) -> String {
        let pattern = match self {
            Self::DayMonthYear => "%d/%m/%Y",
            Self::DayMonthYearDots => "%d.%m.%Y",
            Self::MonthDayYear => "%m/%d/%Y",
            Self::YearMonthDay => "%Y-%m-%d",
        };
        date.format(pattern).to_string()
    }
}

/// A date or date-time from the API in the user's style: `None` when `text` is neither.
/// Dates (and date-times at midnight, Sage's form for document dates) show the date only;
/// other UTC times are shown in local time; times without a zone are shown as given.
#[must_use]
pub fn format_date(text: &str, style: DateStyle) -> Option<String> {
    let text = text.trim();
    // Cheap rejection first: every date starts with four digits and a dash.
    let bytes = text.as_bytes();
    if bytes.len() < 10 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return None;
    }
    if bytes.len() == 10 {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(|d| style.date(d));
    }
    if let Ok(zoned) = DateTime::parse_from_rfc3339(text) {
        let utc = zoned.with_timezone(&Utc);
        if utc.time() == chrono::NaiveTime::MIN {
            return Some(style.date(utc.date_naive()));
        }
        let local = utc.with_timezone(&Local).naive_local();
        return Some(format!(
            "{} {}",
            style.date(local.date()),
            local.format("%H:%M")
        ));
    }
    for pattern in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, pattern) {
            if naive.time() == chrono::NaiveTime::MIN {
                return Some(style.date(naive.date()));
            }
            return Some(format!(
                "{} {}",
                style.date(naive.date()),
                naive.format("%H:%M")
            ));
        }
    }
    None
}

/// How a record reads when another record refers to it: its code and its name, `£ — Pound
/// Sterling`, `ACME01 — Acme Ltd`; the code alone, or the name alone, when it has only one.
/// The code is the first of `reference`, `code`, `symbol`, `document_no` with a value; the
/// name the first of `name`, `description`. `None` when it has neither (then the id is all
/// there is to show).
#[must_use]
pub fn record_label(record: &serde_json::Value) -> Option<String> {
    let text = |names: &[&str]| {
        names.iter().find_map(|name| match record.get(*name)? {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let code = text(&["reference", "code", "symbol", "document_no"]);
    let name = text(&["name", "description"]);
    match (code, name) {
        (Some(code), Some(name)) if code != name => Some(format!("{code} — {name}")),
        (Some(one), _) | (None, Some(one)) => Some(one),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_as_code_and_name() {
        use serde_json::json;
        assert_eq!(
            record_label(&json!({"id": 1, "symbol": "£", "name": "Pound Sterling"})).as_deref(),
            Some("£ — Pound Sterling")
        );
        assert_eq!(
            record_label(&json!({"reference": "ACME01", "name": "  "})).as_deref(),
            Some("ACME01")
        );
        assert_eq!(
            record_label(&json!({"code": 1, "name": "Standard rate"})).as_deref(),
            Some("1 — Standard rate")
        );
        assert_eq!(
            record_label(&json!({"description": "Envelopes"})).as_deref(),
            Some("Envelopes")
        );
        assert_eq!(record_label(&json!({"id": 4})), None);
    }

    #[test]
    fn field_names_read_as_words() {
        assert_eq!(field_label("credit_limit"), "Credit limit");
        assert_eq!(field_label("country_code_id"), "Country code ID");
        assert_eq!(field_label("vat_number"), "VAT number");
        assert_eq!(field_label("address_1"), "Address 1");
        assert_eq!(field_label("date_time_created"), "Created");
        assert_eq!(field_label("id"), "ID");
        assert_eq!(field_label("customer.name"), "Customer name");
        assert_eq!(field_label("_"), "_");
    }

    #[test]
    fn fields_fall_into_groups() {
        assert_eq!(FieldGroup::of("reference"), FieldGroup::Account);
        assert_eq!(FieldGroup::of("account_status_type"), FieldGroup::Account);
        assert_eq!(FieldGroup::of("telephone_area_code"), FieldGroup::Contact);
        assert_eq!(FieldGroup::of("postcode"), FieldGroup::Address);
        assert_eq!(FieldGroup::of("credit_limit"), FieldGroup::Trading);
        assert_eq!(FieldGroup::of("currency_id"), FieldGroup::Trading);
        assert_eq!(FieldGroup::of("default_tax_code_id"), FieldGroup::Tax);
        assert_eq!(FieldGroup::of("country_code_id"), FieldGroup::Tax);
        assert_eq!(
            FieldGroup::of("telephone_country_code"),
            FieldGroup::Contact
        );
        assert_eq!(
            FieldGroup::of("address_country_code_id"),
            FieldGroup::Address
        );
        assert_eq!(FieldGroup::of("date_time_updated"), FieldGroup::Dates);
        assert_eq!(FieldGroup::of("analysis_code_3"), FieldGroup::Analysis);
        assert_eq!(FieldGroup::of("something"), FieldGroup::Other);
    }

    #[test]
    fn enumeration_values_read_as_words() {
        assert_eq!(
            enum_words("account_status_type", "AccountStatusActive").unwrap(),
            "Active"
        );
        assert_eq!(
            enum_words("account_type", "TradingAccountTypeOpenItem").unwrap(),
            "Open item"
        );
        assert_eq!(
            enum_words("exchange_rate_type", "ExchangeRateSingle").unwrap(),
            "Exchange rate single"
        );
        assert_eq!(
            enum_words("name", "McDonaldBrothers"),
            None,
            "not an enum field"
        );
        assert_eq!(enum_words("account_type", "open item"), None);
        assert_eq!(enum_words("account_type", "ABC"), None);
    }

    #[test]
    fn locales_choose_the_order_of_dates() {
        assert_eq!(
            DateStyle::from_locale("en_GB.UTF-8"),
            DateStyle::DayMonthYear
        );
        assert_eq!(DateStyle::from_locale("en-US"), DateStyle::MonthDayYear);
        assert_eq!(
            DateStyle::from_locale("de_DE.UTF-8"),
            DateStyle::DayMonthYearDots
        );
        assert_eq!(DateStyle::from_locale("sv-SE"), DateStyle::YearMonthDay);
        assert_eq!(DateStyle::from_locale("C"), DateStyle::YearMonthDay);
        assert_eq!(DateStyle::from_locale("fr-FR"), DateStyle::DayMonthYear);
    }

    #[test]
    fn dates_show_in_the_users_order() {
        let uk = DateStyle::DayMonthYear;
        assert_eq!(format_date("2025-01-31", uk).unwrap(), "31/01/2025");
        assert_eq!(
            format_date("2025-01-31T00:00:00Z", DateStyle::MonthDayYear).unwrap(),
            "01/31/2025",
            "document dates are dates"
        );
        assert_eq!(
            format_date("2025-01-31T14:05:09.123", DateStyle::DayMonthYearDots).unwrap(),
            "31.01.2025 14:05",
            "no zone: as given"
        );
        let zoned = format_date("2025-01-31T14:05:09Z", DateStyle::YearMonthDay).unwrap();
        assert!(
            zoned.starts_with("2025-01-") && zoned.len() == 16,
            "{zoned}"
        );
        for not_a_date in [
            "",
            "12345",
            "2025-13-45",
            "ACME01",
            "1234-ab",
            "2025-01-31 junk",
        ] {
            assert_eq!(format_date(not_a_date, uk), None, "{not_a_date}");
        }
    }
}
