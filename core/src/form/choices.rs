//! The choices sheet: rows grouped into lists by `list_name`, with every other column kept
//! for `choice_filter`.

use std::collections::BTreeMap;

use super::columns::{Column, TextKind};
use super::table::Table;
use super::{Choice, ChoiceList, Problem};

/// Reads the choices table into lists by name. A row without a list name or without a
/// choice name is a problem and is left out; a row with neither (a stray label or note
/// beside the lists) is left out quietly, as pyxform does.
pub(crate) fn read_choices(
    table: &Table<'_>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, ChoiceList> {
    let mut lists: BTreeMap<String, ChoiceList> = BTreeMap::new();
    for row in table.rows() {
        let list = row.get(&Column::ListName);
        let name = row.get(&Column::Name);
        let label = row.texts(TextKind::Label);
        let Some(list) = list else {
            if name.is_some() {
                problems
                    .push(row.problem(&Column::ListName, "this choice has no list_name".into()));
            }
            continue;
        };
        let entry = lists.entry(list.clone()).or_insert_with(|| ChoiceList {
            name: list.clone(),
            choices: Vec::new(),
        });
        let Some(name) = name else {
            problems.push(row.problem(
                &Column::Name,
                format!("this choice of list '{list}' has no name"),
            ));
            continue;
        };
        entry.choices.push(Choice {
            name,
            label,
            extra: row.extras().collect(),
            media: row.media(),
            source: row.source(),
        });
    }
    lists
}
