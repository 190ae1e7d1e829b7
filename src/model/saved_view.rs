//! Saved views of a list: a name for the columns, quick search, filter, sort and grouping
//! of one list resource, kept between runs (in the data folder's UI state) and opened again
//! from a list.

use serde::{Deserialize, Serialize};

use super::FilterGroup;

/// One saved view of a list resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedView {
    /// What the user called it ("Over credit limit").
    pub name: String,
    /// The list it is a view of: its path with record ids as `{id}`
    /// (`customers/{id}/sales_posted_transactions`), so one view serves every customer.
    pub resource: String,
    /// The columns (`$select`; empty: every column).
    pub columns: Vec<String>,
    /// The quick search text.
    pub search: String,
    /// The filter builder's conditions.
    pub filter: FilterGroup,
    /// The sort column and whether descending.
    pub sort: Option<(String, bool)>,
    /// The column the rows are grouped by.
    pub group_by: Option<String>,
}

/// The longest name a view may have, in characters (a menu entry, not a document).
pub const VIEW_NAME_LIMIT: usize = 80;

/// Why a view's name cannot be used.
#[must_use]
pub fn view_name_problem(name: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() {
        Some("Give the view a name.")
    } else if name.chars().count() > VIEW_NAME_LIMIT {
        Some("Keep the name to 80 characters.")
    } else if name.chars().any(char::is_control) {
        Some("A name cannot hold tabs or line breaks.")
    } else {
        None
    }
}

/// Adds `view` to `views`, replacing the view of the same resource with the same name
/// (ignoring case and surrounding spaces), and keeps them sorted by resource, then name.
pub fn keep_view(views: &mut Vec<SavedView>, mut view: SavedView) {
    view.name = view.name.trim().to_string();
    views.retain(|v| !(v.resource == view.resource && same_name(&v.name, &view.name)));
    views.push(view);
    views.sort_by(|a, b| {
        (a.resource.as_str(), a.name.to_lowercase())
            .cmp(&(b.resource.as_str(), b.name.to_lowercase()))
    });
}

/// Whether two view names are the same to a person: case and surrounding spaces aside.
#[must_use]
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(resource: &str, name: &str, search: &str) -> SavedView {
        SavedView {
            name: name.to_owned(),
            resource: resource.to_owned(),
            search: search.to_owned(),
            ..SavedView::default()
        }
    }

    #[test]
    fn a_view_of_the_same_name_is_replaced_and_the_list_stays_in_order() {
        let mut views = Vec::new();
        keep_view(&mut views, view("customers", "On hold", "a"));
        keep_view(&mut views, view("customers", "big", "b"));
        keep_view(&mut views, view("suppliers", "On hold", "c"));
        keep_view(&mut views, view("customers", "  on HOLD ", "d"));
        let seen: Vec<(&str, &str, &str)> = views
            .iter()
            .map(|v| (v.resource.as_str(), v.name.as_str(), v.search.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("customers", "big", "b"),
                ("customers", "on HOLD", "d"),
                ("suppliers", "On hold", "c")
            ]
        );
    }

    #[test]
    fn names_are_checked() {
        assert!(view_name_problem("  ").is_some());
        assert!(view_name_problem(&"x".repeat(81)).is_some());
        assert!(view_name_problem("a\tb").is_some());
        assert_eq!(view_name_problem("Over credit limit"), None);
    }
}
