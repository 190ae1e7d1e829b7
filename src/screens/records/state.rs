//! A records list's state: which list, what it asks for, and what came back.

use std::sync::Arc;

use crate::api::Progress;
use crate::document::{Answered, CellRange, ColumnKind, Shown};
use crate::model::{Combine, CompareOp, Condition, FilterGroup, FilterItem, FilterValue};
use crate::screens::shared::{Screen, UserError};

/// Which records list: the Browse screen's or the Customers screen's (each keeps its own
/// query, page and selection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ListView {
    /// The Browse screen: any list resource.
    #[default]
    Browse,
    /// The Customers screen.
    Customers,
}

impl ListView {
    /// The screen the list is shown on.
    #[must_use]
    pub fn screen(self) -> Screen {
        match self {
            Self::Browse => Screen::Browse,
            Self::Customers => Screen::Customers,
        }
    }
}

/// What the Browse screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowseQuery {
    /// The list resource, e.g. `customers`.
    pub resource: String,
    /// Records per page (`$top`).
    pub page_size: u32,
    /// The page, from 0.
    pub page: u32,
    /// Quick search text (name, reference… as the catalogue says).
    pub search: String,
    /// Sort column and whether descending; `id` ascending when none.
    pub sort: Option<(String, bool)>,
    /// Conditions from the filter builder, joined to the quick search with `and`.
    pub filter: FilterGroup,
    /// The columns asked for (`$select`); all of them when empty.
    pub columns: Vec<String>,
}

impl Default for BrowseQuery {
    fn default() -> Self {
        Self {
            resource: "customers".to_owned(),
            page_size: 100,
            page: 0,
            search: String::new(),
            sort: None,
            filter: FilterGroup::default(),
            columns: Vec::new(),
        }
    }
}

impl BrowseQuery {
    /// The `$filter` text: the quick search (any search field contains the text) and the
    /// filter builder's conditions together. `Err` says what is wrong with the conditions.
    pub fn filter_text(&self, search_fields: &[String]) -> Result<Option<String>, String> {
        let mut both = FilterGroup {
            combine: Combine::All,
            items: Vec::new(),
        };
        let search = self.search.trim();
        if !search.is_empty() {
            both.items.push(FilterItem::Group(FilterGroup {
                combine: Combine::Any,
                items: search_fields
                    .iter()
                    .map(|field| {
                        FilterItem::Condition(Condition::new(
                            field,
                            CompareOp::Contains,
                            FilterValue::Text(search.to_owned()),
                        ))
                    })
                    .collect(),
            }));
        }
        if !self.filter.items.is_empty() {
            both.items.push(FilterItem::Group(self.filter.clone()));
        }
        both.to_odata().map_err(|e| e.0)
    }
}

/// The Customers screen's starting query: customers, with their first columns (those
/// Browse shows first too) until the user chooses others.
#[must_use]
pub fn customers_query() -> BrowseQuery {
    BrowseQuery {
        resource: "customers".to_owned(),
        ..BrowseQuery::default()
    }
}

/// A records list as the view draws it: the query and the page it brought.
#[allow(clippy::struct_excessive_bools)] // independent facts the view shows side by side
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListState {
    /// What is shown.
    pub query: BrowseQuery,
    /// Whether a page is loading.
    pub loading: bool,
    /// The page of records.
    pub page: Option<Arc<Answered>>,
    /// Why the page could not be loaded.
    pub problem: Option<UserError>,
    /// The company generation the page belongs to (reload when it changes).
    pub generation: Option<u64>,
    /// How each column of the page is shown.
    pub kinds: Vec<ColumnKind>,
    /// How many records match, when the server could say.
    pub count: Option<u64>,
    /// The resource and filter the count is for.
    pub counted: Option<String>,
    /// The row open in the detail pane.
    pub selected: Option<usize>,
    /// The selected record in full, once fetched.
    pub record: Option<Arc<serde_json::Value>>,
    /// Whether the selected record is being fetched.
    pub record_loading: bool,
    /// Progress of "Fetch all" (or of an export fetching every record), while it runs.
    pub fetching: Option<Progress>,
    /// Whether the table holds every matching record rather than one page.
    pub everything: bool,
    /// Whether an export is being written.
    pub exporting: bool,
    /// Which list this is (its widgets' ids are salted with it).
    pub which: ListView,
    /// The columns last chosen for each resource (`$select`; empty: all), kept across
    /// restarts: a resource opened again shows them.
    pub remembered_columns: ColumnChoices,
    /// Where drill-down has been: Back, Forward and the breadcrumb move through it.
    pub trail: Trail,
    /// Open the first record once the page arrives (a link to one record was followed).
    pub open_first: bool,
    /// Totals of the money columns over the rows in the table, once added up.
    pub totals: Option<Totals>,
    /// The cells selected in the table (rows as shown), if any.
    pub cells: Option<CellRange>,
    /// The column the rows are grouped by, with subtotals.
    pub group_by: Option<String>,
    /// The rows in the order shown, with group headers, when they differ from the table's
    /// own: grouped, or sorted here after Fetch all (the server sorts pages).
    pub shown: Option<Arc<Shown>>,
    /// Whether the rows are being sorted or grouped.
    pub arranging: bool,
}

impl ListState {
    /// How many rows the table shows (records and group headers).
    #[must_use]
    pub fn shown_len(&self) -> usize {
        match (
            &self.shown,
            self.page.as_ref().and_then(|p| p.table.as_ref()),
        ) {
            (Some(shown), _) => shown.rows.len(),
            (None, Some(table)) => table.len(),
            (None, None) => 0,
        }
    }

    /// The table's row shown at `index` (`None` for a group header).
    #[must_use]
    pub fn record_at(&self, index: usize) -> Option<usize> {
        match &self.shown {
            Some(shown) => shown.record(index),
            None => (index < self.shown_len()).then_some(index),
        }
    }

    /// Whether the table is sorted here rather than by the server: every record is in
    /// it, so a new order need not fetch them again.
    #[must_use]
    pub fn sorts_locally(&self) -> bool {
        self.everything
    }
}

/// Totals of a table's money columns, and what they were added over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// How many rows were added up.
    pub rows: usize,
    /// Whether those are every matching record (after Fetch all), not one page.
    pub everything: bool,
    /// Each money column's exact total.
    pub columns: Vec<crate::document::ColumnTotal>,
}

/// One place of the drill-down trail: a list (perhaps narrowed to one record) and how the
/// breadcrumb names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The list asked for.
    pub query: BrowseQuery,
    /// The breadcrumb's words: "Customers", "DAL00616 — Dale IT Services Ltd".
    pub title: String,
    /// Whether it shows one record (opened in the detail pane on arrival).
    pub record: bool,
}

/// The places visited by following links, oldest first, and the one shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trail {
    /// The places, oldest first (empty until a link is followed).
    pub places: Vec<Place>,
    /// The index of the place shown.
    pub at: usize,
}

impl Trail {
    /// Whether Back leads somewhere.
    #[must_use]
    pub fn can_go_back(&self) -> bool {
        self.at > 0 && !self.places.is_empty()
    }

    /// Whether Forward leads somewhere.
    #[must_use]
    pub fn can_go_forward(&self) -> bool {
        self.at + 1 < self.places.len()
    }

    /// Goes to a new place: the places ahead of the current one are dropped, as a
    /// browser's history does. `here` (the place shown now) becomes the first place when
    /// this is the first link followed; otherwise it is already in the trail.
    pub fn visit(&mut self, here: Place, next: Place) {
        if self.places.is_empty() {
            self.places.push(here);
            self.at = 0;
        } else {
            self.places.truncate(self.at + 1);
        }
        // A trail is for finding the way back, not a log: it keeps the latest 50 places.
        if self.places.len() >= 50 {
            self.places.remove(0);
        }
        self.places.push(next);
        self.at = self.places.len() - 1;
    }

    /// Moves to place `index`, returning it (`None` when there is none).
    pub fn go(&mut self, index: usize) -> Option<&Place> {
        (index < self.places.len()).then(|| {
            self.at = index;
            &self.places[index]
        })
    }

    /// Names the place shown by `record`, when the place is one record (the breadcrumb
    /// reads "ACME01 — Acme Ltd" rather than "Customer 5").
    pub fn name_record_place(&mut self, record: &serde_json::Value) {
        if let (Some(place), Some(label)) = (
            self.places.get_mut(self.at),
            crate::model::record_label(record),
        ) && place.record
        {
            place.title = label;
        }
    }

    /// The place shown, for keeping its query up to date as the user sorts and searches.
    pub fn current_mut(&mut self) -> Option<&mut Place> {
        self.places.get_mut(self.at)
    }
}

/// Columns chosen per list resource: resource name → column names (empty: all columns).
pub type ColumnChoices = std::collections::BTreeMap<String, Vec<String>>;

impl ListState {
    /// An empty list showing `query`, with the columns remembered for its resource.
    #[must_use]
    pub fn new(which: ListView, mut query: BrowseQuery, remembered: ColumnChoices) -> Self {
        if let Some(columns) = remembered.get(&columns_key(&query.resource)) {
            query.columns.clone_from(columns);
        }
        Self {
            query,
            which,
            remembered_columns: remembered,
            ..Self::default()
        }
    }
}

/// Where a list's chosen columns are remembered: its path with record ids as `{id}`, so
/// every customer's transactions share one choice (and the saved state does not grow with
/// each customer drilled into).
#[must_use]
pub fn columns_key(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(title: &str) -> Place {
        Place {
            query: BrowseQuery::default(),
            title: title.to_owned(),
            record: false,
        }
    }

    #[test]
    fn nested_lists_share_one_column_choice() {
        assert_eq!(
            columns_key("customers/12/sales_posted_transactions"),
            "customers/{id}/sales_posted_transactions"
        );
        assert_eq!(columns_key("customers"), "customers");
    }

    #[test]
    fn the_trail_goes_back_and_forward_like_a_browser() {
        let mut trail = Trail::default();
        assert!(!trail.can_go_back() && !trail.can_go_forward());
        trail.visit(place("Customers"), place("ACME01"));
        trail.visit(place("unused"), place("Transactions"));
        assert_eq!(trail.places.len(), 3);
        assert!(trail.can_go_back() && !trail.can_go_forward());
        assert_eq!(trail.go(1).unwrap().title, "ACME01");
        assert!(trail.can_go_forward());
        // A new link from the middle drops what was ahead.
        trail.visit(place("unused"), place("Orders"));
        let titles: Vec<&str> = trail.places.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["Customers", "ACME01", "Orders"]);
        assert!(trail.go(7).is_none());
        for n in 0..60 {
            trail.visit(place("unused"), place(&n.to_string()));
        }
        assert_eq!(trail.places.len(), 50);
        assert_eq!(trail.places[trail.at].title, "59");
    }

    #[test]
    fn quick_search_and_filter_combine() {
        let mut query = BrowseQuery {
            search: "O'Brien".to_owned(),
            ..BrowseQuery::default()
        };
        let fields = ["name".to_owned(), "reference".to_owned()];
        assert_eq!(
            query.filter_text(&fields).unwrap().unwrap(),
            "(contains(name,'O''Brien') or contains(reference,'O''Brien'))"
        );
        query
            .filter
            .items
            .push(FilterItem::Condition(Condition::new(
                "balance",
                CompareOp::Greater,
                FilterValue::Number("100".to_owned()),
            )));
        assert_eq!(
            query.filter_text(&fields).unwrap().unwrap(),
            "(contains(name,'O''Brien') or contains(reference,'O''Brien')) and balance gt 100"
        );
        query.search.clear();
        query
            .filter
            .items
            .push(FilterItem::Condition(Condition::new(
                "credit_limit",
                CompareOp::Greater,
                FilterValue::Number("lots".to_owned()),
            )));
        assert!(
            query.filter_text(&fields).is_err(),
            "a bad number is refused"
        );
        assert_eq!(BrowseQuery::default().filter_text(&fields), Ok(None));
    }
}
