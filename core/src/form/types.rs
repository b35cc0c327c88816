//! The survey sheet's `type` column: every spelling pyxform accepts for the types
//! Branchbook supports, and a clear refusal for the XLSForm types it does not.

use std::collections::BTreeMap;

use super::{ChoiceList, FieldKind, MetaKind};

/// What a survey row is, from its `type` cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowType {
    BeginGroup,
    EndGroup,
    BeginRepeat,
    EndRepeat,
    /// `begin loop over list`: opens a block that is refused but still has to be closed.
    /// `begin loop over <list>` (the list, when named).
    BeginLoop(Option<String>),
    EndLoop,
    Field(FieldKind),
    /// `range`: a number from `start` to `end` in steps of `step` (its `parameters`).
    Range,
    /// `phone number`: text holding digits only (pyxform's constraint `regex(., '^\d*$')`).
    PhoneNumber,
    /// `select_one` with no list name after it.
    SelectWithoutList,
    /// Words after the list name that mean nothing (`select_one yes_no maybe`).
    SelectTrailing(String),
    /// An XLSForm type that Branchbook does not support, with the reason.
    Unsupported(String),
    Unknown,
}

/// How a select type is spelt, longest first so that `select one from file` is not read
/// as `select one from` a list called `file`.
const SELECT_ONE: [&[&str]; 6] = [
    &["add", "select", "one", "prompt", "using"],
    &["select", "one", "from"],
    &["select", "one", "using"],
    &["select", "one"],
    &["select_one"],
    &["select1"],
];
const SELECT_MULTIPLE: [&[&str]; 7] = [
    &["add", "select", "multiple", "prompt", "using"],
    &["select", "all", "that", "apply", "from"],
    &["select", "all", "that", "apply"],
    &["select", "multiple", "from"],
    &["select", "multiple", "using"],
    &["select", "multiple"],
    &["select_multiple"],
];
/// Selects whose choices come from a file attached to the form (the list name is the
/// file's name) or from the external_choices sheet; `true` for select_multiple.
const FROM_FILE: [(&[&str], bool); 6] = [
    (&["select", "one", "from", "file"], false),
    (&["select", "multiple", "from", "file"], true),
    (&["select_one_from_file"], false),
    (&["select_multiple_from_file"], true),
    (&["select_one_external"], false),
    (&["select_multiple_external"], true),
];

/// The key an external_choices list is kept under when the choices sheet has a list of
/// the same name (pyxform keeps the two apart: the external one goes to the
/// itemsets.csv that only `select_*_external` rows read). A key with a space: no type
/// cell can name it.
pub(crate) fn external_key(list: &str) -> String {
    format!("{list} (external_choices)")
}

/// `kind` of a row whose type cell is `raw`, reading the external_choices list when the
/// row is a `select_*_external` one and its list name is on both sheets.
pub(crate) fn external_list(
    kind: FieldKind,
    raw: &str,
    lists: &BTreeMap<String, ChoiceList>,
) -> FieldKind {
    let external = raw.split_whitespace().next().is_some_and(|w| {
        w.eq_ignore_ascii_case("select_one_external")
            || w.eq_ignore_ascii_case("select_multiple_external")
    });
    match kind {
        FieldKind::SelectOne { list, or_other }
            if external && lists.contains_key(&external_key(&list)) =>
        {
            FieldKind::SelectOne {
                list: external_key(&list),
                or_other,
            }
        }
        FieldKind::SelectMultiple { list, or_other }
            if external && lists.contains_key(&external_key(&list)) =>
        {
            FieldKind::SelectMultiple {
                list: external_key(&list),
                or_other,
            }
        }
        other => other,
    }
}

/// Reads a `type` cell (any case, any spacing).
pub(crate) fn row_type(raw: &str) -> RowType {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match lower.as_slice() {
        [] => return RowType::Unknown,
        ["begin", "group"] | ["begin_group"] | ["begin-group"] => return RowType::BeginGroup,
        ["end", "group"] | ["end_group"] | ["end-group"] => return RowType::EndGroup,
        ["begin", "repeat"]
        | ["begin_repeat"]
        | ["begin-repeat"]
        | ["begin", "lgroup"]
        | ["begin", "looped", "group"] => {
            return RowType::BeginRepeat;
        }
        ["end", "repeat"]
        | ["end_repeat"]
        | ["end-repeat"]
        | ["end", "lgroup"]
        | ["end", "looped", "group"] => {
            return RowType::EndRepeat;
        }
        ["begin", "loop", ..] | ["begin_loop", ..] => {
            let skip = if lower[0] == "begin" { 2 } else { 1 };
            let rest = &words[skip..];
            let list = match rest {
                [over, list] if over.eq_ignore_ascii_case("over") => Some(list),
                [list] => Some(list),
                _ => None,
            };
            return RowType::BeginLoop(list.map(|l| (*l).to_owned()));
        }
        ["end", "loop"] | ["end_loop"] => return RowType::EndLoop,
        ["phone", "number"] => return RowType::PhoneNumber,
        ["range"] => return RowType::Range,
        ["rank"] => return RowType::SelectWithoutList,
        ["rank", _] => {
            return RowType::Field(FieldKind::Rank {
                list: words[1].to_owned(),
            });
        }
        ["rank", ..] => return RowType::SelectTrailing(words[2..].join(" ")),
        _ => {}
    }
    if let Some((p, multiple)) = FROM_FILE.iter().find(|(p, _)| lower.starts_with(p)) {
        return match &words[p.len()..] {
            [] => RowType::SelectWithoutList,
            [list] => select(&[list], &[list], *multiple),
            [_, rest @ ..] => RowType::SelectTrailing(rest.join(" ")),
        };
    }
    for (patterns, multiple) in [(&SELECT_ONE[..], false), (&SELECT_MULTIPLE[..], true)] {
        if let Some(p) = patterns.iter().find(|p| lower.starts_with(p)) {
            return select(&words[p.len()..], &lower[p.len()..], multiple);
        }
    }
    if lower.len() > 1 {
        if let refused @ RowType::Unsupported(_) = unsupported_type(&lower.join(" ")) {
            return refused;
        }
        return match lower[0] {
            "osm" => unsupported_type(lower[0]),
            _ => RowType::Unknown,
        };
    }
    simple(lower[0])
}

fn select(words: &[&str], lower: &[&str], multiple: bool) -> RowType {
    let or_other = match lower.get(1..) {
        None => return RowType::SelectWithoutList,
        Some([]) => false,
        Some(["or_other"]) | Some(["or", "specify", "other"]) => true,
        Some(_) => return RowType::SelectTrailing(words[1..].join(" ")),
    };
    let list = words[0].to_owned();
    RowType::Field(if multiple {
        FieldKind::SelectMultiple { list, or_other }
    } else {
        FieldKind::SelectOne { list, or_other }
    })
}

fn simple(t: &str) -> RowType {
    let kind = match t {
        "text" | "string" => FieldKind::Text,
        "integer" | "int" => FieldKind::Integer,
        "decimal" => FieldKind::Decimal,
        "date" => FieldKind::Date,
        "time" => FieldKind::Time,
        "datetime" => FieldKind::DateTime,
        "geopoint" | "gps" | "location" => FieldKind::Geopoint,
        "geotrace" => FieldKind::Geotrace,
        "geoshape" => FieldKind::Geoshape,
        "image" | "photo" => FieldKind::Image,
        "barcode" => FieldKind::Barcode,
        "audio" => FieldKind::Audio,
        "video" => FieldKind::Video,
        "note" => FieldKind::Note,
        "acknowledge" | "trigger" => FieldKind::Acknowledge,
        "calculate" => FieldKind::Calculate,
        "hidden" => FieldKind::Hidden,
        "start" => FieldKind::Meta(MetaKind::Start),
        "end" => FieldKind::Meta(MetaKind::End),
        "today" => FieldKind::Meta(MetaKind::Today),
        "deviceid" | "imei" | "uri:deviceid" => FieldKind::Meta(MetaKind::DeviceId),
        "username" | "uri:username" => FieldKind::Meta(MetaKind::Username),
        "phonenumber" | "uri:phonenumber" => FieldKind::Meta(MetaKind::PhoneNumber),
        "simserial" | "uri:simserial" => FieldKind::Meta(MetaKind::SimSerial),
        "subscriberid" | "uri:subscriberid" => FieldKind::Meta(MetaKind::SubscriberId),
        "email" | "uri:email" => FieldKind::Meta(MetaKind::Email),
        "audit" => FieldKind::Meta(MetaKind::Audit),
        "start-geopoint" => FieldKind::Meta(MetaKind::StartGeopoint),
        _ => return unsupported_type(t),
    };
    RowType::Field(kind)
}

/// Known XLSForm types that Branchbook refuses, each with why.
fn unsupported_type(t: &str) -> RowType {
    let reason = match t {
        "file" | "background-audio" => {
            "Branchbook records photos, sound and video, not other files or sound in the background"
        }
        "background-geopoint" => {
            "Branchbook records locations she takes on the question, not in the background"
        }
        "osm" => "Branchbook has no OpenStreetMap widget",
        "include" => "Branchbook does not include other forms; copy the rows into this form",
        "xml-external" | "csv-external" | "entity" => {
            "Branchbook does not read external data files"
        }
        _ => return RowType::Unknown,
    };
    unsupported(&format!("type '{t}' is not supported: {reason}"))
}

fn unsupported(message: &str) -> RowType {
    RowType::Unsupported(message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(t: &str) -> FieldKind {
        match row_type(t) {
            RowType::Field(kind) => kind,
            other => panic!("{t}: {other:?}"),
        }
    }

    fn one(list: &str, or_other: bool) -> FieldKind {
        FieldKind::SelectOne {
            list: list.into(),
            or_other,
        }
    }

    fn many(list: &str, or_other: bool) -> FieldKind {
        FieldKind::SelectMultiple {
            list: list.into(),
            or_other,
        }
    }

    #[test]
    fn every_spelling_of_the_simple_types() {
        let cases: &[(&str, FieldKind)] = &[
            ("text", FieldKind::Text),
            ("string", FieldKind::Text),
            ("Text", FieldKind::Text),
            ("integer", FieldKind::Integer),
            ("int", FieldKind::Integer),
            ("decimal", FieldKind::Decimal),
            ("date", FieldKind::Date),
            ("time", FieldKind::Time),
            ("dateTime", FieldKind::DateTime),
            ("datetime", FieldKind::DateTime),
            ("geopoint", FieldKind::Geopoint),
            ("gps", FieldKind::Geopoint),
            ("geotrace", FieldKind::Geotrace),
            ("geoshape", FieldKind::Geoshape),
            ("image", FieldKind::Image),
            ("photo", FieldKind::Image),
            ("barcode", FieldKind::Barcode),
            ("audio", FieldKind::Audio),
            ("video", FieldKind::Video),
            ("note", FieldKind::Note),
            ("acknowledge", FieldKind::Acknowledge),
            ("trigger", FieldKind::Acknowledge),
            ("calculate", FieldKind::Calculate),
            ("hidden", FieldKind::Hidden),
            ("start", FieldKind::Meta(MetaKind::Start)),
            ("end", FieldKind::Meta(MetaKind::End)),
            ("today", FieldKind::Meta(MetaKind::Today)),
            ("deviceid", FieldKind::Meta(MetaKind::DeviceId)),
            ("imei", FieldKind::Meta(MetaKind::DeviceId)),
            ("uri:deviceid", FieldKind::Meta(MetaKind::DeviceId)),
            ("username", FieldKind::Meta(MetaKind::Username)),
            ("phonenumber", FieldKind::Meta(MetaKind::PhoneNumber)),
            ("simserial", FieldKind::Meta(MetaKind::SimSerial)),
            ("subscriberid", FieldKind::Meta(MetaKind::SubscriberId)),
            ("email", FieldKind::Meta(MetaKind::Email)),
            ("audit", FieldKind::Meta(MetaKind::Audit)),
            ("start-geopoint", FieldKind::Meta(MetaKind::StartGeopoint)),
        ];
        assert_eq!(row_type("phone number"), RowType::PhoneNumber);
        assert_eq!(row_type("Range"), RowType::Range);
        for (t, kind) in cases {
            assert_eq!(&field(t), kind, "{t}");
        }
    }

    #[test]
    fn every_spelling_of_selects() {
        assert_eq!(field("select_one yes_no"), one("yes_no", false));
        assert_eq!(field("select one yes_no"), one("yes_no", false));
        assert_eq!(field("select_one  Yes_No "), one("Yes_No", false));
        assert_eq!(field("select1 l"), one("l", false));
        assert_eq!(field("select one from yes_or_no"), one("yes_or_no", false));
        assert_eq!(field("select_one colors or_other"), one("colors", true));
        assert_eq!(
            field("select one from sexes or specify other"),
            one("sexes", true)
        );
        assert_eq!(field("select_multiple toilets"), many("toilets", false));
        assert_eq!(
            field("select multiple toilets or_other"),
            many("toilets", true)
        );
        assert_eq!(
            field("select all that apply from toilet_type or specify other"),
            many("toilet_type", true)
        );
        assert_eq!(
            field("select all that apply toilet_type"),
            many("toilet_type", false)
        );
        assert_eq!(
            field("select_one_from_file villages.csv"),
            one("villages.csv", false)
        );
        assert_eq!(
            field("select one from file villages.csv"),
            one("villages.csv", false)
        );
        assert_eq!(field("select_one_external c1"), one("c1", false));
        assert_eq!(
            field("select_multiple_from_file wells.geojson"),
            many("wells.geojson", false)
        );
    }

    #[test]
    fn rank_names_its_list() {
        assert_eq!(
            field("rank Priorities"),
            FieldKind::Rank {
                list: "Priorities".into()
            }
        );
        assert_eq!(row_type("rank"), RowType::SelectWithoutList);
        assert_eq!(
            row_type("rank needs first"),
            RowType::SelectTrailing("first".into())
        );
    }

    #[test]
    fn malformed_selects() {
        assert_eq!(row_type("select_one"), RowType::SelectWithoutList);
        assert_eq!(row_type("select one from"), RowType::SelectWithoutList);
        assert_eq!(row_type("select_multiple"), RowType::SelectWithoutList);
        assert_eq!(
            row_type("select_one yes_no maybe"),
            RowType::SelectTrailing("maybe".into())
        );
    }

    #[test]
    fn groups_repeats_and_loops() {
        for t in ["begin group", "begin_group", "Begin Group", "begin  group"] {
            assert_eq!(row_type(t), RowType::BeginGroup, "{t}");
        }
        for t in ["end group", "end_group", "END GROUP"] {
            assert_eq!(row_type(t), RowType::EndGroup, "{t}");
        }
        for t in ["begin repeat", "begin_repeat", "begin looped group"] {
            assert_eq!(row_type(t), RowType::BeginRepeat, "{t}");
        }
        for t in ["end repeat", "end_repeat"] {
            assert_eq!(row_type(t), RowType::EndRepeat, "{t}");
        }
        assert_eq!(
            row_type("begin loop over toilet_type"),
            RowType::BeginLoop(Some("toilet_type".into()))
        );
        assert_eq!(
            row_type("begin_loop toilet_type"),
            RowType::BeginLoop(Some("toilet_type".into()))
        );
        assert_eq!(row_type("begin loop"), RowType::BeginLoop(None));
        assert_eq!(row_type("end loop"), RowType::EndLoop);
    }

    #[test]
    fn unsupported_types_say_why() {
        for t in [
            "file",
            "background-audio",
            "background-geopoint",
            "osm c1",
            "include",
        ] {
            match row_type(t) {
                RowType::Unsupported(why) => assert!(why.contains("not supported"), "{t}: {why}"),
                other => panic!("{t}: {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_types() {
        for t in [
            "",
            "txt",
            "phone numbers",
            "select",
            "integer please",
            "begin",
        ] {
            assert_eq!(row_type(t), RowType::Unknown, "{t}");
        }
    }
}
