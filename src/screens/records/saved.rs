//! Saved views of a list: the list as it is now kept under a name (in the shared state,
//! saved with the app's state in the data folder), opened again, or forgotten.

use crate::app::Services;
use crate::model::{SavedView, keep_view, same_name, view_name_problem};
use crate::screens::shared::UserError;

use super::BrowseQuery;
use super::state::columns_key;
use super::update::List;

impl List {
    /// Keeps the list as it is now as the view `name` (replacing one of the same name).
    pub(super) fn save_view(&mut self, cx: &mut Services, name: &str) {
        if let Some(problem) = view_name_problem(name) {
            cx.shared.error = Some(UserError {
                message: format!("The view could not be saved: {problem}"),
                advice: String::new(),
            });
            return;
        }
        let query = &self.state.query;
        let view = SavedView {
            name: name.trim().to_owned(),
            resource: columns_key(&query.resource),
            columns: query.columns.clone(),
            search: query.search.clone(),
            filter: query.filter.clone(),
            sort: query.sort.clone(),
            group_by: self.state.group_by.clone(),
        };
        cx.shared.notice = Some(format!("Saved the view “{}”", view.name));
        keep_view(&mut cx.shared.views, view);
    }

    /// Shows the saved view `name` of the list's resource: its columns, search, filter and
    /// sort from the first page, and its groups once the page is in.
    pub(super) fn open_view(&mut self, cx: &mut Services, name: &str) {
        let resource = columns_key(&self.state.query.resource);
        let Some(view) = cx
            .shared
            .views
            .iter()
            .find(|v| v.resource == resource && same_name(&v.name, name))
            .cloned()
        else {
            return;
        };
        self.state.group_by = view.group_by;
        let query = BrowseQuery {
            resource: self.state.query.resource.clone(),
            page_size: self.state.query.page_size,
            page: 0,
            search: view.search,
            sort: view.sort,
            filter: view.filter,
            columns: view.columns,
        };
        self.load(cx, query);
    }

    /// Forgets the saved view `name` of the list's resource.
    pub(super) fn delete_view(&mut self, cx: &mut Services, name: &str) {
        let resource = columns_key(&self.state.query.resource);
        let before = cx.shared.views.len();
        cx.shared
            .views
            .retain(|v| !(v.resource == resource && same_name(&v.name, name)));
        if cx.shared.views.len() < before {
            cx.shared.notice = Some(format!("Deleted the view “{}”", name.trim()));
        }
    }
}
