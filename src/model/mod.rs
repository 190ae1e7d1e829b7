//! Plain domain types shared by every layer: sites and companies, request and response
//! descriptions, secrets, how records read to people. Only `std`, `serde`, `serde_json`
//! and `chrono` (for dates) are used here: no I/O, no egui, no networking, and nothing from the crate's
//! other modules.

mod codegen;
mod collection;
mod collection_tree;

mod curl;
mod customer;
mod display;
mod filter_dates;
mod format;
mod history;
mod json_text;
mod odata;
mod postman;
mod profile;
mod request;
mod response;
mod saved_view;
mod secret;
mod site;
mod user;
mod variables;

pub use codegen::{CodeLanguage, to_code};
pub use collection::{
    Body, Collection, Environment, Folder, FormPart, Item, SavedRequest, Variable,
};
pub use collection_tree::TreeChange;
pub use curl::{
    CurlRequest, Imported, ReadFile, Shell, TOKEN_PLACEHOLDER, from_curl, from_curl_reading,
    option_table as curl_option_table, quote_bash, quote_cmd, quote_powershell, to_curl,
};
pub use customer::{ACCOUNT_STATUSES, ACCOUNT_TYPES, CustomerDraft, CustomerField};
pub use display::{DateStyle, FieldGroup, enum_words, field_label, format_date, record_label};
pub use filter_dates::{UtcDateTime, date_time_to_utc};
pub use format::{ExportFormat, suggested_file_name};
pub use history::{HISTORY_LIMIT, HistoryEntry, remember};
pub use json_text::mend_lone_surrogates;
pub use odata::{
    Combine, CompareOp, Condition, FilterGroup, FilterItem, FilterValue, MAX_TOP, ODataQuery,
    QueryError, check_filter,
};
pub use postman::{
    ImportNote, ImportSummary, PostmanImport, SCHEMA_V2_1, from_postman, holds_credential,
    is_credential_name, is_written_out, to_postman,
};
pub use profile::{
    DEFAULT_SCOPES, DEMO_CLIENT_ID, Edition, Profile, ProfileField, RedirectHost, RedirectSettings,
    is_loopback_http, parse_port,
};
pub use request::{Capture, HttpMethod, KeyValue, RequestDraft, encode_query, header_problem};
pub use response::{ResponseMeta, format_money, format_size};
pub use saved_view::{SavedView, VIEW_NAME_LIMIT, keep_view, same_name, view_name_problem};
pub use secret::Secret;
pub use site::{Company, Site, SiteCompany, group_sites};
pub use user::CurrentUser;
pub use variables::{BUILTIN_NAMES, VariableScope, references, with_placeholders};
