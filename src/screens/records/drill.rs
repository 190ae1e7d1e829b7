//! Drill-down: following a link to a record or a related list, Back and Forward through the
//! trail, and looking up how linked records read (their code and name), in batches.

use crate::app::Services;
use crate::screens::calls;

use super::state::columns_key;
use super::update::{List, ListTasks, key_of, resource_of};
use super::{BrowseQuery, Command, ListView, Place};

impl List {
    /// The list shown now as the trail's first place (a trail that exists already keeps
    /// its own).
    fn here(&self) -> Place {
        Place {
            title: place_title(&self.state.query.resource),
            query: self.state.query.clone(),
            record: false,
        }
    }

    /// Goes to a place of the drill-down: on the Customers screen, the Browse screen does it,
    /// with a trail that starts from the record (or list) shown here.
    pub(super) fn visit(&mut self, cx: &mut Services, next: Place) {
        if self.state.which != ListView::Browse {
            cx.shared.screen = crate::screens::shared::Screen::Browse;
            let from = self.shown_place(cx);
            cx.send(crate::screens::browse::Command::from(Command::Visit(
                Box::new(from),
                Box::new(next),
            )));
            return;
        }
        let here = self.here();
        self.state.trail.visit(here, next.clone());
        self.go_to_place(cx, next);
    }

    /// Starts a new trail at `from` and goes on to `next` (a link followed on another
    /// screen).
    pub(super) fn visit_from(&mut self, cx: &mut Services, from: Place, next: Place) {
        self.state.trail = super::Trail::default();
        self.state.trail.visit(from, next.clone());
        self.go_to_place(cx, next);
    }

    fn go_to_place(&mut self, cx: &mut Services, place: Place) {
        self.state.counted = None;
        self.load(cx, place.query);
        self.state.open_first = place.record;
    }

    /// The record open in the detail pane as a place (its list narrowed to it), or the
    /// list itself when none is open.
    fn shown_place(&self, cx: &Services) -> Place {
        let resource = self.state.query.resource.clone();
        let key = key_of(cx, &resource);
        let from_page = self
            .state
            .selected
            .zip(self.state.page.as_ref())
            .and_then(|(row, page)| page.record(row));
        let record = self.state.record.as_deref().cloned().or(from_page);
        match record
            .as_ref()
            .and_then(|r| Some((r, r.get(&key)?.as_i64()?)))
        {
            Some((record, id)) => Place {
                query: narrowed(&resource, &key, id),
                title: crate::model::record_label(record)
                    .unwrap_or_else(|| format!("{} {id}", singular_words(&resource))),
                record: true,
            },
            None => Place {
                query: self.state.query.clone(),
                title: place_title(&resource),
                record: false,
            },
        }
    }

    /// Opens record `id` of the list `resource` (a link was followed).
    pub(super) fn open_record(&mut self, cx: &mut Services, resource: &str, id: i64) {
        let key = key_of(cx, resource);
        let mut query = narrowed(resource, &key, id);
        query.columns = self
            .state
            .remembered_columns
            .get(&columns_key(resource))
            .cloned()
            .unwrap_or_default();
        let title = cx.shared.links.label(resource, id).map_or_else(
            || format!("{} {id}", singular_words(resource)),
            str::to_owned,
        );
        self.visit(
            cx,
            Place {
                query,
                title,
                record: true,
            },
        );
    }

    /// Shows a list related to the record shown (its transactions, its postings).
    pub(super) fn drill(
        &mut self,
        cx: &mut Services,
        path: &str,
        filter: Option<(String, i64)>,
        title: String,
    ) {
        let mut query = match filter {
            Some((field, id)) => narrowed(path, &field, id),
            None => BrowseQuery {
                resource: path.to_owned(),
                ..BrowseQuery::default()
            },
        };
        query.columns = self
            .state
            .remembered_columns
            .get(&columns_key(path))
            .cloned()
            .unwrap_or_default();
        self.visit(
            cx,
            Place {
                query,
                title,
                record: false,
            },
        );
    }

    /// Moves to place `index` of the trail (Back, Forward, a breadcrumb).
    pub(super) fn go(&mut self, cx: &mut Services, index: Option<usize>) {
        let Some(place) = index.and_then(|i| self.state.trail.go(i)).cloned() else {
            return;
        };
        self.go_to_place(cx, place);
    }

    /// Asks the server how the records in `wanted` read, batched per list.
    pub(super) fn name_links(&mut self, cx: &mut Services, wanted: Vec<(String, i64)>) {
        let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) else {
            return;
        };
        cx.shared.links.for_generation(cx.shared.company_generation);
        let mut by_list: std::collections::BTreeMap<String, Vec<i64>> =
            std::collections::BTreeMap::new();
        for (path, id) in wanted {
            if id > 0 && !cx.shared.links.is_known_or_asked(&path, id) {
                cx.shared.links.pending.insert((path.clone(), id));
                by_list.entry(path).or_default().push(id);
            }
        }
        let generation = cx.shared.links.generation;
        for (path, ids) in by_list {
            let key = key_of(cx, &path);
            let (client, company) = (client.clone(), company.clone());
            let task = cx.spawn(async move {
                let answer =
                    calls::link_names(client, Some(company), path.clone(), key, ids.clone()).await;
                (generation, path, ids, answer)
            });
            self.tasks.next_link += 1;
            self.tasks.links.insert(self.tasks.next_link, task);
        }
    }

    /// Keeps the names that finished look-ups found (ids without one stay numbers and are
    /// not asked for again for this company).
    pub(super) fn take_link_names(tasks: &mut ListTasks, cx: &mut Services) {
        for (_, (generation, path, asked, result)) in crate::app::finished_by_key(&mut tasks.links)
        {
            let links = &mut cx.shared.links;
            if generation != links.generation {
                // Asked for another company: its names must not label this one's ids.
                continue;
            }
            for id in &asked {
                links.pending.remove(&(path.clone(), *id));
            }
            match result {
                Ok(found) => {
                    for (id, label) in found {
                        links.insert(&path, id, label);
                    }
                }
                // Unnamed ids stay numbers; they are not asked for again this company.
                Err(_) => {
                    for id in asked {
                        links.insert(&path, id, None);
                    }
                }
            }
        }
    }
}

/// The list `path` narrowed to the records whose `field` is `id`.
fn narrowed(path: &str, field: &str, id: i64) -> BrowseQuery {
    let mut query = BrowseQuery {
        resource: path.to_owned(),
        ..BrowseQuery::default()
    };
    query.filter.items.push(crate::model::FilterItem::Condition(
        crate::model::Condition::new(
            field,
            crate::model::CompareOp::Equals,
            crate::model::FilterValue::Number(id.to_string()),
        ),
    ));
    query
}

/// A list path as the breadcrumb names it: `customers/5/sop_orders` → "Sop orders".
#[must_use]
pub fn place_title(path: &str) -> String {
    crate::model::field_label(resource_of(path))
}

/// One record of a list in words: `currencies` → "Currency", `tax_codes` → "Tax code".
fn singular_words(path: &str) -> String {
    crate::model::field_label(&crate::api::singular(resource_of(path)))
}

/// The rows of a page whose names are looked up when it arrives (later rows are looked up
/// as they are scrolled into sight).
pub(super) const NAMED_ROWS: usize = 500;

/// The (list path, id) pairs the page's reference columns hold, in its first rows.
pub(super) fn links_in(
    catalogue: &crate::api::Catalogue,
    table: &crate::document::TableModel,
) -> Vec<(String, i64)> {
    let mut wanted = Vec::new();
    for (column, name) in table.columns.iter().enumerate() {
        let Some(target) = (name != "id")
            .then(|| catalogue.link_target(name))
            .flatten()
        else {
            continue;
        };
        for row in 0..table.len().min(NAMED_ROWS) {
            if let Ok(id) = table.cell(row, column).parse::<i64>()
                && id > 0
            {
                wanted.push((target.path.clone(), id));
            }
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}
