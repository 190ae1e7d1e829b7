//! Changing a collection's tree: items found, renamed, duplicated, removed and moved by
//! their place (the item's index at each level, folder by folder), and the places of other
//! items (the tabs showing them) followed through each change.

use super::collection::{Collection, Folder, Item};

/// A change to a collection's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeChange {
    /// Give the item at this place a new name.
    Rename {
        /// The item.
        at: Vec<usize>,
        /// Its new name.
        name: String,
    },
    /// Put a copy of the item just after it, named "… copy".
    Duplicate(Vec<usize>),
    /// Remove the item (a folder with everything in it).
    Delete(Vec<usize>),
    /// Move the item one place up (`-1`) or down (`1`) in its folder.
    Shift {
        /// The item.
        at: Vec<usize>,
        /// `-1` or `1`.
        by: isize,
    },
    /// Move the item to the end of a folder (`[]`: the top of the collection).
    MoveInto {
        /// The item.
        at: Vec<usize>,
        /// The folder it goes into, by its place.
        folder: Vec<usize>,
    },
    /// Add an empty folder at the end of a folder (`[]`: the top).
    NewFolder {
        /// The folder it goes into.
        folder: Vec<usize>,
        /// Its name.
        name: String,
    },
}

impl Collection {
    /// The item at `at`.
    #[must_use]
    pub fn item_at(&self, at: &[usize]) -> Option<&Item> {
        let (last, folders) = at.split_last()?;
        self.items_in(folders)?.get(*last)
    }

    /// The items of the folder at `folder` (`[]`: the top).
    #[must_use]
    pub fn items_in(&self, folder: &[usize]) -> Option<&Vec<Item>> {
        let mut items = &self.items;
        for &index in folder {
            match items.get(index)? {
                Item::Folder(f) => items = &f.items,
                Item::Request(_) => return None,
            }
        }
        Some(items)
    }

    fn items_in_mut(&mut self, folder: &[usize]) -> Option<&mut Vec<Item>> {
        let mut items = &mut self.items;
        for &index in folder {
            match items.get_mut(index)? {
                Item::Folder(f) => items = &mut f.items,
                Item::Request(_) => return None,
            }
        }
        Some(items)
    }

    /// The names of the folders the item at `at` is in and its own, from the top: what
    /// finds it again after the folder was changed elsewhere.
    #[must_use]
    pub fn names_at(&self, at: &[usize]) -> Option<Vec<String>> {
        let mut names = Vec::with_capacity(at.len());
        let mut items = &self.items;
        for &index in at {
            let item = items.get(index)?;
            names.push(item.name().to_owned());
            if let Item::Folder(folder) = item {
                items = &folder.items;
            }
        }
        Some(names)
    }

    /// The place of the request found by [`Self::names_at`]'s names: at each level the
    /// item of that name at `hint`'s index (where it was), else the only one of that name;
    /// `None` when it is gone or two share the name and neither is where it was.
    #[must_use]
    pub fn find_request(&self, names: &[String], hint: &[usize]) -> Option<Vec<usize>> {
        let mut at = Vec::with_capacity(names.len());
        let mut items = &self.items;
        for (depth, name) in names.iter().enumerate() {
            let last = depth + 1 == names.len();
            let fits = |item: &Item| match item {
                Item::Folder(f) => !last && &f.name == name,
                Item::Request(r) => last && &r.name == name,
            };
            let index = match hint.get(depth) {
                Some(&i) if items.get(i).is_some_and(fits) => i,
                _ => {
                    let mut found = items.iter().enumerate().filter(|(_, i)| fits(i));
                    let (index, _) = found.next()?;
                    if found.next().is_some() {
                        return None; // two of that name, neither where it was
                    }
                    index
                }
            };
            at.push(index);
            if let Item::Folder(folder) = &items[index] {
                items = &folder.items;
            }
        }
        Some(at)
    }

    /// Every folder's place and its names from the top (`["Customers", "Writes"]`), depth
    /// first: where an item can be moved to.
    #[must_use]
    pub fn folders(&self) -> Vec<(Vec<usize>, Vec<String>)> {
        let mut found = Vec::new();
        let mut stack: Vec<(Vec<usize>, Vec<String>, &[Item])> =
            vec![(Vec::new(), Vec::new(), &self.items)];
        while let Some((at, names, items)) = stack.pop() {
            // Pushed in reverse, so folders come out in order.
            for (index, item) in items.iter().enumerate().rev() {
                if let Item::Folder(folder) = item {
                    let mut place = at.clone();
                    place.push(index);
                    let mut path = names.clone();
                    path.push(folder.name.clone());
                    stack.push((place, path, &folder.items));
                }
            }
            if !at.is_empty() {
                found.push((at, names));
            }
        }
        found
    }

    /// Makes `change`. `places` (the tabs' places) follow their items: a place inside a
    /// removed item becomes `None`. Returns the place of the item changed or made (for a
    /// removal, `None`).
    ///
    /// # Errors
    /// Why the change cannot be made, for people: no item there, a name that is empty, a
    /// folder moved into itself.
    pub fn change(
        &mut self,
        change: &TreeChange,
        places: &mut [Option<Vec<usize>>],
    ) -> Result<Option<Vec<usize>>, String> {
        let gone =
            || "That item is no longer in the collection; it was changed meanwhile.".to_owned();
        match change {
            TreeChange::Rename { at, name } => {
                let name = name.trim();
                if name.is_empty() {
                    return Err("A name cannot be empty.".to_owned());
                }
                let (last, folders) = at.split_last().ok_or_else(gone)?;
                match self.items_in_mut(folders).and_then(|i| i.get_mut(*last)) {
                    Some(Item::Folder(f)) => name.clone_into(&mut f.name),
                    Some(Item::Request(r)) => name.clone_into(&mut r.name),
                    None => return Err(gone()),
                }
                Ok(Some(at.clone()))
            }
            TreeChange::Duplicate(at) => {
                let mut copy = self.item_at(at).ok_or_else(gone)?.clone();
                match &mut copy {
                    Item::Folder(f) => f.name.push_str(" copy"),
                    Item::Request(r) => r.name.push_str(" copy"),
                }
                let mut place = at.clone();
                if let Some(last) = place.last_mut() {
                    *last += 1;
                }
                self.insert(&place, copy, places)?;
                Ok(Some(place))
            }
            TreeChange::Delete(at) => {
                self.remove(at, places)?;
                Ok(None)
            }
            TreeChange::Shift { at, by } => {
                let (last, folders) = at.split_last().ok_or_else(gone)?;
                let len = self.items_in(folders).ok_or_else(gone)?.len();
                let to = last.checked_add_signed(*by).filter(|to| *to < len);
                let Some(to) = to else {
                    return Ok(Some(at.clone()));
                };
                let moving = self.remove_following(at, places)?;
                let mut place = folders.to_vec();
                place.push(to);
                self.insert_following(&place, moving, places)?;
                Ok(Some(place))
            }
            TreeChange::MoveInto { at, folder } => {
                if folder.starts_with(at) {
                    return Err("A folder cannot go into itself.".to_owned());
                }
                self.items_in(folder)
                    .ok_or_else(|| "That folder is no longer in the collection.".to_owned())?;
                let moving = self.remove_following(at, places)?;
                // The folder's place after the item left.
                let folder = after_removal(folder, at).ok_or_else(gone)?;
                let mut place = folder.clone();
                place.push(self.items_in(&folder).map_or(0, Vec::len));
                self.insert_following(&place, moving, places)?;
                Ok(Some(place))
            }
            TreeChange::NewFolder { folder, name } => {
                let name = name.trim();
                if name.is_empty() {
                    return Err("A name cannot be empty.".to_owned());
                }
                let items = self
                    .items_in(folder)
                    .ok_or_else(|| "That folder is no longer in the collection.".to_owned())?;
                let mut place = folder.clone();
                place.push(items.len());
                self.insert(
                    &place,
                    Item::Folder(Folder {
                        name: name.to_owned(),
                        ..Folder::default()
                    }),
                    places,
                )?;
                Ok(Some(place))
            }
        }
    }

    /// Puts `item` at the end of the folder at `folder` (`[]`: the top) and returns its
    /// place.
    ///
    /// # Errors
    /// There is no folder at `folder`.
    pub fn add_to(&mut self, folder: &[usize], item: Item) -> Result<Vec<usize>, String> {
        let items = self
            .items_in_mut(folder)
            .ok_or("That folder is no longer in the collection.")?;
        items.push(item);
        let mut at = folder.to_vec();
        at.push(items.len() - 1);
        Ok(at)
    }

    /// Puts `item` at `at`, moving the places after it down.
    fn insert(
        &mut self,
        at: &[usize],
        item: Item,
        places: &mut [Option<Vec<usize>>],
    ) -> Result<(), String> {
        let (last, folders) = at.split_last().ok_or("No place given.")?;
        let items = self.items_in_mut(folders).ok_or("That folder is gone.")?;
        items.insert((*last).min(items.len()), item);
        for place in places.iter_mut().flatten() {
            *place = after_insertion(place, at);
        }
        Ok(())
    }

    /// Takes out the item at `at`; places inside it become `None`.
    fn remove(&mut self, at: &[usize], places: &mut [Option<Vec<usize>>]) -> Result<Item, String> {
        let (last, folders) = at.split_last().ok_or("No place given.")?;
        let items = self
            .items_in_mut(folders)
            .filter(|items| *last < items.len())
            .ok_or("That item is no longer in the collection.")?;
        let item = items.remove(*last);
        for place in places.iter_mut() {
            *place = place.as_deref().and_then(|p| after_removal(p, at));
        }
        Ok(item)
    }

    /// Takes out the item at `at` for moving: the places inside it are kept as offsets
    /// from it (and given back by [`Self::insert_following`]).
    fn remove_following(
        &mut self,
        at: &[usize],
        places: &mut [Option<Vec<usize>>],
    ) -> Result<Moving, String> {
        let inside: Vec<(usize, Vec<usize>)> = places
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.as_ref()
                    .filter(|p| p.starts_with(at))
                    .map(|p| (i, p[at.len()..].to_vec()))
            })
            .collect();
        let item = self.remove(at, places)?;
        Ok(Moving { item, inside })
    }

    fn insert_following(
        &mut self,
        at: &[usize],
        moving: Moving,
        places: &mut [Option<Vec<usize>>],
    ) -> Result<(), String> {
        self.insert(at, moving.item, places)?;
        for (i, rest) in moving.inside {
            if let Some(place) = places.get_mut(i) {
                let mut new = at.to_vec();
                new.extend(rest);
                *place = Some(new);
            }
        }
        Ok(())
    }
}

/// An item taken out to be put elsewhere, with the places inside it.
struct Moving {
    item: Item,
    inside: Vec<(usize, Vec<usize>)>,
}

/// Where `place` is once the item at `removed` is gone: `None` when it was inside it.
fn after_removal(place: &[usize], removed: &[usize]) -> Option<Vec<usize>> {
    if place.starts_with(removed) {
        return None;
    }
    let level = removed.len() - 1;
    let mut place = place.to_vec();
    if place.len() > level && place[..level] == removed[..level] && place[level] > removed[level] {
        place[level] -= 1;
    }
    Some(place)
}

/// Where `place` is once an item is put at `inserted`.
fn after_insertion(place: &[usize], inserted: &[usize]) -> Vec<usize> {
    let level = inserted.len() - 1;
    let mut place = place.to_vec();
    if place.len() > level && place[..level] == inserted[..level] && place[level] >= inserted[level]
    {
        place[level] += 1;
    }
    place
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SavedRequest;

    fn request(name: &str) -> Item {
        Item::Request(SavedRequest {
            name: name.into(),
            url: name.to_lowercase(),
            ..SavedRequest::default()
        })
    }

    fn folder(name: &str, items: Vec<Item>) -> Item {
        Item::Folder(Folder {
            name: name.into(),
            items,
            ..Folder::default()
        })
    }

    /// The tree as names, folders in brackets.
    fn names(items: &[Item]) -> String {
        items
            .iter()
            .map(|item| match item {
                Item::Request(r) => r.name.clone(),
                Item::Folder(f) => format!("{}[{}]", f.name, names(&f.items)),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn sample() -> Collection {
        Collection {
            items: vec![
                request("A"),
                folder("F", vec![request("B"), folder("G", vec![request("C")])]),
                request("D"),
            ],
            ..Collection::default()
        }
    }

    fn name_at(c: &Collection, at: Option<&Vec<usize>>) -> String {
        at.and_then(|at| c.item_at(at))
            .map_or_else(|| "-".into(), |i| i.name().to_owned())
    }

    #[test]
    #[allow(clippy::too_many_lines)]
    fn changes_keep_every_tab_on_its_item() {
        let cases: Vec<(TreeChange, &str)> = vec![
            (
                TreeChange::Rename {
                    at: vec![1, 0],
                    name: " B2 ".into(),
                },
                "A F[B2 G[C]] D",
            ),
            (TreeChange::Duplicate(vec![0]), "A A copy F[B G[C]] D"),
            (
                TreeChange::Duplicate(vec![1]),
                "A F[B G[C]] F copy[B G[C]] D",
            ),
            (TreeChange::Delete(vec![1, 1]), "A F[B] D"),
            (TreeChange::Delete(vec![0]), "F[B G[C]] D"),
            (
                TreeChange::Shift {
                    at: vec![2],
                    by: -1,
                },
                "A D F[B G[C]]",
            ),
            (
                TreeChange::Shift {
                    at: vec![0],
                    by: -1,
                },
                "A F[B G[C]] D",
            ),
            (
                TreeChange::Shift {
                    at: vec![1, 0],
                    by: 1,
                },
                "A F[G[C] B] D",
            ),
            (
                TreeChange::MoveInto {
                    at: vec![0],
                    folder: vec![1, 1],
                },
                "F[B G[C A]] D",
            ),
            (
                TreeChange::MoveInto {
                    at: vec![1, 1],
                    folder: vec![],
                },
                "A F[B] D G[C]",
            ),
            (
                TreeChange::MoveInto {
                    at: vec![2],
                    folder: vec![1],
                },
                "A F[B G[C] D]",
            ),
            (
                TreeChange::NewFolder {
                    folder: vec![1],
                    name: "New".into(),
                },
                "A F[B G[C] New[]] D",
            ),
        ];
        for (change, expected) in cases {
            let mut c = sample();
            let before = sample();
            let tabs = [vec![0], vec![1, 0], vec![1, 1, 0], vec![2], vec![1, 1]];
            let mut places: Vec<Option<Vec<usize>>> = tabs.iter().cloned().map(Some).collect();
            c.change(&change, &mut places).unwrap();
            assert_eq!(names(&c.items), expected, "{change:?}");
            for (tab, place) in tabs.iter().zip(&places) {
                let was = name_at(&before, Some(tab));
                let now = name_at(&c, place.as_ref());
                match &change {
                    TreeChange::Delete(at) if tab.starts_with(at) => assert_eq!(place, &None),
                    TreeChange::Rename { at, .. } if at == tab => assert_eq!(now, "B2"),
                    _ => assert_eq!(
                        now, was,
                        "{change:?}: the tab on {was} at {tab:?} is now at {place:?}"
                    ),
                }
            }
        }
        let mut c = sample();
        let mut places = Vec::new();
        assert!(
            c.change(
                &TreeChange::MoveInto {
                    at: vec![1],
                    folder: vec![1, 1]
                },
                &mut places
            )
            .unwrap_err()
            .contains("itself")
        );
        assert!(c.change(&TreeChange::Delete(vec![9]), &mut places).is_err());
        assert!(
            c.change(
                &TreeChange::Rename {
                    at: vec![0],
                    name: "  ".into()
                },
                &mut places
            )
            .is_err()
        );
        assert_eq!(
            names(&c.items),
            names(&sample().items),
            "refused changes change nothing"
        );
        // Found again by name: where it was, else the only one of that name.
        let names = c.names_at(&[1, 1, 0]).unwrap();
        assert_eq!(c.find_request(&names, &[1, 1, 0]), Some(vec![1, 1, 0]));
        assert_eq!(c.find_request(&names, &[0, 0, 0]), Some(vec![1, 1, 0]));
        let mut twice = c.clone();
        twice
            .change(&TreeChange::Duplicate(vec![0]), &mut places)
            .unwrap();
        twice
            .change(
                &TreeChange::Rename {
                    at: vec![1],
                    name: "A".into(),
                },
                &mut places,
            )
            .unwrap();
        let a = vec!["A".to_owned()];
        assert_eq!(
            twice.find_request(&a, &[1]),
            Some(vec![1]),
            "the one where it was"
        );
        assert_eq!(
            twice.find_request(&a, &[3]),
            None,
            "two of that name: no guess"
        );
        let folders: Vec<Vec<String>> = c.folders().into_iter().map(|(_, n)| n).collect();
        assert_eq!(
            folders,
            [vec!["F".to_owned()], vec!["F".to_owned(), "G".to_owned()]]
        );
    }
}
