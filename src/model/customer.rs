//! The new-customer (and edit-customer) form's draft: its fields, the checks made as the
//! user types, the JSON Sage expects, and the fields a server message names.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// A field of the customer form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CustomerField {
    /// Account reference (unique, 8 characters).
    Reference,
    /// Name.
    Name,
    /// Short name.
    ShortName,
    /// Active or hidden.
    Status,
    /// Contact's first name.
    FirstName,
    /// Contact's last name.
    LastName,
    /// Contact's email address.
    Email,
    /// Telephone: country code.
    PhoneCountry,
    /// Telephone: area code.
    PhoneArea,
    /// Telephone: the number.
    PhoneNumber,
    /// Address line 1.
    Address1,
    /// Address line 2.
    Address2,
    /// City.
    City,
    /// County.
    County,
    /// Postcode.
    Postcode,
    /// Currency.
    Currency,
    /// Credit limit.
    CreditLimit,
    /// Payment terms in days.
    PaymentTermsDays,
    /// Open item or balance forward.
    AccountType,
    /// Country code.
    Country,
    /// Default tax code.
    TaxCode,
    /// VAT registration number.
    VatNumber,
}

impl CustomerField {
    /// Every field, in form order.
    pub const ALL: [Self; 22] = [
        Self::Reference,
        Self::Name,
        Self::ShortName,
        Self::Status,
        Self::FirstName,
        Self::LastName,
        Self::Email,
        Self::PhoneCountry,
        Self::PhoneArea,
        Self::PhoneNumber,
        Self::Address1,
        Self::Address2,
        Self::City,
        Self::County,
        Self::Postcode,
        Self::Currency,
        Self::CreditLimit,
        Self::PaymentTermsDays,
        Self::AccountType,
        Self::Country,
        Self::TaxCode,
        Self::VatNumber,
    ];

    /// Its label on the form.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Reference => "Reference",
            Self::Name => "Name",
            Self::ShortName => "Short name",
            Self::Status => "Status",
            Self::FirstName => "First name",
            Self::LastName => "Last name",
            Self::Email => "Email",
            Self::PhoneCountry => "Dialling code",
            Self::PhoneArea => "Area code",
            Self::PhoneNumber => "Number",
            Self::Address1 => "Address line 1",
            Self::Address2 => "Address line 2",
            Self::City => "City",
            Self::County => "County",
            Self::Postcode => "Postcode",
            Self::Currency => "Currency",
            Self::CreditLimit => "Credit limit",
            Self::PaymentTermsDays => "Payment terms (days)",
            Self::AccountType => "Account type",
            Self::Country => "Country code",
            Self::TaxCode => "Default tax code",
            Self::VatNumber => "VAT number",
        }
    }

    /// Sage's name for it (`main_address.city`, `contacts[0].first_name`…).
    #[must_use]
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::Name => "name",
            Self::ShortName => "short_name",
            Self::Status => "account_status_type",
            Self::FirstName => "contacts[0].first_name",
            Self::LastName => "contacts[0].last_name",
            Self::Email => "contacts[0].emails[0].email",
            Self::PhoneCountry => "telephone_country_code",
            Self::PhoneArea => "telephone_area_code",
            Self::PhoneNumber => "telephone_subscriber_number",
            Self::Address1 => "main_address.address_1",
            Self::Address2 => "main_address.address_2",
            Self::City => "main_address.city",
            Self::County => "main_address.county",
            Self::Postcode => "main_address.postcode",
            Self::Currency => "currency_id",
            Self::CreditLimit => "credit_limit",
            Self::PaymentTermsDays => "payment_terms_days",
            Self::AccountType => "account_type",
            Self::Country => "country_code_id",
            Self::TaxCode => "default_tax_code_id",
            Self::VatNumber => "vat_number",
        }
    }

    /// The longest text Sage accepts (from its published schema).
    #[must_use]
    pub fn max_len(self) -> Option<usize> {
        match self {
            Self::Reference | Self::ShortName => Some(8),
            Self::Name
            | Self::FirstName
            | Self::LastName
            | Self::Address1
            | Self::Address2
            | Self::City
            | Self::County => Some(60),
            Self::Email => Some(227),
            Self::PhoneCountry => Some(5),
            Self::PhoneArea => Some(20),
            Self::PhoneNumber => Some(200),
            Self::Postcode => Some(10),
            Self::VatNumber => Some(30),
            Self::Status
            | Self::AccountType
            | Self::Currency
            | Self::CreditLimit
            | Self::PaymentTermsDays
            | Self::Country
            | Self::TaxCode => None,
        }
    }

    /// The field a server message is about: the first quoted name in it that the form
    /// knows (`The field 'main_address.postcode' must be…` → Postcode).
    #[must_use]
    pub fn named_in(message: &str) -> Option<Self> {
        let mut parts = message.split('\'');
        parts.next();
        let quoted: Vec<&str> = parts.step_by(2).collect();
        let quoted_field = quoted.iter().find_map(|name| {
            let name = without_indexes(name.trim());
            Self::ALL
                .into_iter()
                .find(|f| without_indexes(f.wire_name()) == name)
        });
        // Otherwise a field named in words ("The reference 'X' is already in use…"): the
        // longest wire name found as a whole word wins, so `short_name` beats `name`.
        quoted_field.or_else(|| {
            let words: Vec<String> = message
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map(str::to_lowercase)
                .collect();
            Self::ALL
                .into_iter()
                .filter(|f| !f.wire_name().contains('.'))
                .filter(|f| words.iter().any(|w| w == f.wire_name()))
                .max_by_key(|f| f.wire_name().len())
        })
    }
}

/// `contacts[0].emails[1].email` → `contacts.emails.email`.
fn without_indexes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The form's content. Text stays as typed; numbers are checked, not parsed, until sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
#[serde(default)]
pub struct CustomerDraft {
    /// The customer being edited; `None` for a new one.
    pub id: Option<i64>,
    /// Account reference.
    pub reference: String,
    /// Name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// `AccountStatusActive` or `AccountStatusHidden`.
    pub account_status_type: String,
    /// On hold.
    pub on_hold: bool,
    /// Contact's first name.
    pub first_name: String,
    /// Contact's last name.
    pub last_name: String,
    /// Contact's email.
    pub email: String,
    /// Telephone country code (`44`).
    pub telephone_country_code: String,
    /// Telephone area code (`0161`).
    pub telephone_area_code: String,
    /// Telephone number.
    pub telephone_subscriber_number: String,
    /// Address line 1.
    pub address_1: String,
    /// Address line 2.
    pub address_2: String,
    /// City.
    pub city: String,
    /// County.
    pub county: String,
    /// Postcode.
    pub postcode: String,
    /// Currency id (from `currencies`).
    pub currency_id: Option<i64>,
    /// Credit limit, as typed.
    pub credit_limit: String,
    /// Payment terms in days, as typed.
    pub payment_terms_days: String,
    /// `TradingAccountTypeOpenItem` or `TradingAccountTypeBalanceForward`.
    pub account_type: String,
    /// Country code id (from `country_codes`).
    pub country_code_id: Option<i64>,
    /// Default tax code id (from `tax_codes`).
    pub default_tax_code_id: Option<i64>,
    /// VAT number.
    pub vat_number: String,
}

/// Account status choices: Sage's value and what people call it.
pub const ACCOUNT_STATUSES: [(&str, &str); 2] = [
    ("AccountStatusActive", "Active"),
    ("AccountStatusHidden", "Hidden"),
];

/// Account type choices: Sage's value and what people call it.
pub const ACCOUNT_TYPES: [(&str, &str); 2] = [
    ("TradingAccountTypeOpenItem", "Open item"),
    ("TradingAccountTypeBalanceForward", "Balance forward"),
];

fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl CustomerDraft {
    /// The text of a text field (`None` for dropdowns).
    #[must_use]
    pub fn text(&self, field: CustomerField) -> Option<&str> {
        Some(match field {
            CustomerField::Reference => &self.reference,
            CustomerField::Name => &self.name,
            CustomerField::ShortName => &self.short_name,
            CustomerField::FirstName => &self.first_name,
            CustomerField::LastName => &self.last_name,
            CustomerField::Email => &self.email,
            CustomerField::PhoneCountry => &self.telephone_country_code,
            CustomerField::PhoneArea => &self.telephone_area_code,
            CustomerField::PhoneNumber => &self.telephone_subscriber_number,
            CustomerField::Address1 => &self.address_1,
            CustomerField::Address2 => &self.address_2,
            CustomerField::City => &self.city,
            CustomerField::County => &self.county,
            CustomerField::Postcode => &self.postcode,
            CustomerField::CreditLimit => &self.credit_limit,
            CustomerField::PaymentTermsDays => &self.payment_terms_days,
            CustomerField::VatNumber => &self.vat_number,
            CustomerField::Status
            | CustomerField::AccountType
            | CustomerField::Currency
            | CustomerField::Country
            | CustomerField::TaxCode => return None,
        })
    }

    /// What is wrong with one field, as the user types.
    #[must_use]
    pub fn problem(&self, field: CustomerField) -> Option<String> {
        let text = self.text(field).map(str::trim).unwrap_or_default();
        let required = matches!(field, CustomerField::Reference | CustomerField::Name);
        if required && text.is_empty() {
            return Some(format!("{} is required.", field.label()));
        }
        if let (Some(max), Some(raw)) = (field.max_len(), self.text(field)) {
            let length = raw.chars().count();
            if length > max {
                return Some(format!("At most {max} characters ({length} typed)."));
            }
        }
        match field {
            CustomerField::Email if !text.is_empty() && !looks_like_email(text) => {
                Some("Not an email address (name@example.com).".to_owned())
            }
            CustomerField::CreditLimit if !text.is_empty() && !is_amount(text) => {
                Some("A number with at most two decimals, e.g. 5000 or 2500.50.".to_owned())
            }
            CustomerField::PaymentTermsDays if !text.is_empty() && text.parse::<u16>().is_err() => {
                Some("Whole days, e.g. 30.".to_owned())
            }
            CustomerField::PhoneCountry | CustomerField::PhoneArea
                if !text.chars().all(|c| c.is_ascii_digit() || c == '+') =>
            {
                Some("Digits only.".to_owned())
            }
            _ => None,
        }
    }

    /// Every field's problem.
    #[must_use]
    pub fn problems(&self) -> Vec<(CustomerField, String)> {
        CustomerField::ALL
            .into_iter()
            .filter_map(|f| self.problem(f).map(|p| (f, p)))
            .collect()
    }

    /// Fills a draft from a record (`customers_new` defaults, or a customer to edit).
    #[must_use]
    pub fn from_record(record: &Value) -> Self {
        let get = |name: &str| text_of(record.get(name));
        let id_of = |name: &str| {
            record
                .get(name)
                .and_then(Value::as_i64)
                .filter(|id| *id > 0)
        };
        let address = record.get("main_address");
        let address_text = |name: &str| text_of(address.and_then(|a| a.get(name)));
        let contact = record
            .get("contacts")
            .and_then(Value::as_array)
            .and_then(|c| c.first());
        let contact_text = |name: &str| text_of(contact.and_then(|c| c.get(name)));
        let email = contact
            .and_then(|c| c.get("emails"))
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .map(|e| text_of(e.get("email")))
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| contact_text("default_email"));
        Self {
            id: None,
            reference: get("reference"),
            name: get("name"),
            short_name: get("short_name"),
            account_status_type: get("account_status_type"),
            on_hold: record
                .get("on_hold")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            first_name: contact_text("first_name"),
            last_name: contact_text("last_name"),
            email,
            telephone_country_code: get("telephone_country_code"),
            telephone_area_code: get("telephone_area_code"),
            telephone_subscriber_number: get("telephone_subscriber_number"),
            address_1: address_text("address_1"),
            address_2: address_text("address_2"),
            city: address_text("city"),
            county: address_text("county"),
            postcode: address_text("postcode"),
            currency_id: id_of("currency_id"),
            credit_limit: get("credit_limit"),
            payment_terms_days: get("payment_terms_days"),
            account_type: get("account_type"),
            country_code_id: id_of("country_code_id"),
            default_tax_code_id: id_of("default_tax_code_id"),
            vat_number: get("vat_number"),
        }
    }

    /// The JSON body for a create: every field that has a value.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        let mut text = |name: &str, value: &str| {
            if !value.trim().is_empty() {
                body.insert(name.to_owned(), Value::from(value.trim()));
            }
        };
        text("reference", &self.reference);
        text("name", &self.name);
        text("short_name", &self.short_name);
        text("account_status_type", &self.account_status_type);
        text("telephone_country_code", &self.telephone_country_code);
        text("telephone_area_code", &self.telephone_area_code);
        text(
            "telephone_subscriber_number",
            &self.telephone_subscriber_number,
        );
        text("account_type", &self.account_type);
        text("vat_number", &self.vat_number);
        body.insert("on_hold".to_owned(), Value::from(self.on_hold));
        if let Some(limit) = number(&self.credit_limit) {
            body.insert("credit_limit".to_owned(), limit);
        }
        if let Ok(days) = self.payment_terms_days.trim().parse::<u16>() {
            body.insert("payment_terms_days".to_owned(), Value::from(days));
        }
        for (name, id) in [
            ("currency_id", self.currency_id),
            ("country_code_id", self.country_code_id),
            ("default_tax_code_id", self.default_tax_code_id),
        ] {
            if let Some(id) = id {
                body.insert(name.to_owned(), Value::from(id));
            }
        }
        let mut address = Map::new();
        for (name, value) in [
            ("address_1", &self.address_1),
            ("address_2", &self.address_2),
            ("city", &self.city),
            ("county", &self.county),
            ("postcode", &self.postcode),
        ] {
            if !value.trim().is_empty() {
                address.insert(name.to_owned(), Value::from(value.trim()));
            }
        }
        if !address.is_empty() {
            body.insert("main_address".to_owned(), Value::Object(address));
        }
        let mut contact = Map::new();
        for (name, value) in [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
        ] {
            if !value.trim().is_empty() {
                contact.insert(name.to_owned(), Value::from(value.trim()));
            }
        }
        if !self.email.trim().is_empty() {
            contact.insert(
                "emails".to_owned(),
                json!([{ "email": self.email.trim(), "is_default": true }]),
            );
        }
        if !contact.is_empty() {
            body.insert("contacts".to_owned(), json!([Value::Object(contact)]));
        }
        Value::Object(body)
    }

    /// The JSON body for an update: only what differs from `original` (Sage merges it).
    /// A changed contact or address is sent whole (with the contact's id when known).
    #[must_use]
    pub fn changes_from(&self, original: &Self, original_contact_id: Option<i64>) -> Value {
        let new = self.to_json();
        let old = original.to_json();
        let mut changes = Map::new();
        for (key, value) in new.as_object().into_iter().flatten() {
            if old.get(key) != Some(value) {
                changes.insert(key.clone(), value.clone());
            }
        }
        // Cleared text fields are sent empty, so the server clears them too.
        for (key, value) in old.as_object().into_iter().flatten() {
            if new.get(key).is_none() && value.is_string() {
                changes.insert(key.clone(), Value::from(""));
            }
        }
        if let (Some(id), Some(Value::Array(contacts))) =
            (original_contact_id, changes.get_mut("contacts"))
            && let Some(Value::Object(first)) = contacts.first_mut()
        {
            first.insert("id".to_owned(), Value::from(id));
        }
        Value::Object(changes)
    }
}

/// A plain decimal with at most two places, kept exact as JSON number text.
fn number(text: &str) -> Option<Value> {
    let text = text.trim();
    if !is_amount(text) {
        return None;
    }
    serde_json::from_str(text).ok()
}

fn is_amount(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() <= 2
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && fraction.is_empty())
}

/// The shape of an address: something@something.tld, no spaces.
fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !text.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain
            .split_once('.')
            .is_some_and(|(name, tld)| !name.is_empty() && !tld.is_empty() && !tld.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> CustomerDraft {
        CustomerDraft {
            reference: "ACME01".into(),
            name: "Acme Ltd".into(),
            email: "ann@acme.example".into(),
            credit_limit: "2500.50".into(),
            ..CustomerDraft::default()
        }
    }

    #[test]
    fn fields_are_checked_as_typed() {
        assert!(filled().problems().is_empty(), "{:?}", filled().problems());
        let mut draft = filled();
        draft.reference = "TOOLONGREF".into();
        draft.name = "  ".into();
        draft.email = "ann at acme".into();
        draft.credit_limit = "12.345".into();
        draft.payment_terms_days = "thirty".into();
        draft.telephone_area_code = "01a".into();
        let problems: Vec<CustomerField> = draft.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            problems,
            [
                CustomerField::Reference,
                CustomerField::Name,
                CustomerField::Email,
                CustomerField::PhoneArea,
                CustomerField::CreditLimit,
                CustomerField::PaymentTermsDays
            ]
        );
        assert_eq!(
            draft.problem(CustomerField::Reference).unwrap(),
            "At most 8 characters (10 typed)."
        );
        assert_eq!(
            draft.problem(CustomerField::Name).unwrap(),
            "Name is required."
        );
        for bad in ["a@b", "@b.com", "a@@b.com", "a b@c.com", "a@b."] {
            assert!(!looks_like_email(bad), "{bad}");
        }
        assert!(looks_like_email("o'brien+x@sub.example.co.uk"));
    }

    #[test]
    fn the_body_carries_what_was_filled() {
        let mut draft = filled();
        draft.city = "Leeds".into();
        draft.currency_id = Some(3);
        let body = draft.to_json();
        assert_eq!(body["reference"], "ACME01");
        assert_eq!(body["credit_limit"].to_string(), "2500.5");
        assert_eq!(body["main_address"], json!({"city": "Leeds"}));
        assert_eq!(
            body["contacts"],
            json!([{"emails": [{"email": "ann@acme.example", "is_default": true}]}])
        );
        assert_eq!(body["currency_id"], 3);
        assert!(
            body.get("vat_number").is_none(),
            "empty fields are left out"
        );
    }

    #[test]
    fn updates_send_only_changes() {
        let original = filled();
        let mut edited = original.clone();
        edited.name = "Acme Holdings".into();
        edited.email = "bob@acme.example".into();
        let changes = edited.changes_from(&original, Some(77));
        assert_eq!(changes["name"], "Acme Holdings");
        assert_eq!(changes["contacts"][0]["id"], 77);
        assert!(changes.get("reference").is_none());
        assert_eq!(changes.as_object().unwrap().len(), 2);
    }

    #[test]
    fn records_fill_the_form() {
        let record = json!({
            "id": 5, "reference": "ABC", "name": "Abc", "credit_limit": 100.0, "on_hold": true,
            "currency_id": 2, "main_address": {"postcode": "LS1 1AA"},
            "contacts": [{"id": 9, "first_name": "Ann", "emails": [{"email": "a@b.co"}]}]
        });
        let draft = CustomerDraft::from_record(&record);
        assert_eq!(draft.reference, "ABC");
        assert!(draft.on_hold);
        assert_eq!(draft.currency_id, Some(2));
        assert_eq!(draft.postcode, "LS1 1AA");
        assert_eq!(
            (draft.first_name.as_str(), draft.email.as_str()),
            ("Ann", "a@b.co")
        );
        assert_eq!(draft.credit_limit, "100.0");
    }

    #[test]
    fn server_messages_name_their_field() {
        let named = |m: &str| CustomerField::named_in(m);
        assert_eq!(
            named("The field 'reference' must be 8 characters or fewer."),
            Some(CustomerField::Reference)
        );
        assert_eq!(
            named("The field 'main_address.postcode' must be 10 characters or fewer."),
            Some(CustomerField::Postcode)
        );
        assert_eq!(
            named("The field 'contacts[0].first_name' must be 60 characters or fewer."),
            Some(CustomerField::FirstName)
        );
        assert_eq!(
            named("The value 'XYZ' for 'currency_id' does not exist."),
            Some(CustomerField::Currency)
        );
        assert_eq!(
            named("The reference 'ACME01' is already in use by another customer."),
            Some(CustomerField::Reference)
        );
        assert_eq!(named("Something went wrong."), None);
    }
}
