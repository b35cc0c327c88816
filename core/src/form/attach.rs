//! Form attachments: the files a form names beside its spreadsheet (`villages.csv` for
//! `select_one_from_file villages.csv`, `fruits.csv` for `pulldata('fruits', ...)`). They
//! are read once, when the form is loaded, into the form itself: choices from a file
//! become a choice list named after the file, a `pulldata()` table becomes a
//! [`DataTable`]. The form's JSON carries them to the server and the phones, so a phone
//! never opens a file to show a question. Every file and table is bounded.

use std::collections::BTreeMap;

use super::model::DataTable;
use super::{Choice, ChoiceList, Form, Media, Problem, Source, Texts};
use crate::text::nfc;

/// The largest attachment read, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 4 * 1024 * 1024;
/// The most rows (choices, or lines of a pulldata table) an attachment may hold.
pub const MAX_ATTACHMENT_ROWS: usize = 20_000;

/// Files attached to a form, by file name (`villages.csv`).
pub type Attachments = BTreeMap<String, Vec<u8>>;

/// Whether a select's list name is a file (`select_one_from_file villages.csv`).
pub(crate) fn is_file_list(list: &str) -> bool {
    let lower = list.to_lowercase();
    [".csv", ".xml", ".geojson"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The names of the files `form` needs: the lists of its `*_from_file` selects, the
/// `pulldata()` tables of its expressions (`fruits` needs `fruits.csv`), then the media
/// shown with its questions' labels and with its choices (`image` and the other media
/// columns of both sheets: carried by name, shown by the apps, never read into the form).
pub fn needed_files(form: &Form) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let choices = form.choices.values().flat_map(|l| &l.choices);
    let media = form
        .fields()
        .into_iter()
        .flat_map(|f| f.media.files())
        .chain(choices.flat_map(|c| c.media.files()));
    for file in uses(form)
        .into_iter()
        .map(|(_, file, _)| file)
        .chain(media.map(str::to_owned))
    {
        if !out.contains(&file) {
            out.push(file);
        }
    }
    out
}

/// What a file is used for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Choices,
    Pulldata,
}

/// Each use of a file: (where, file name, what for).
fn uses(form: &Form) -> Vec<(Source, String, Use)> {
    let mut out = Vec::new();
    for field in form.fields() {
        if let Some(list) = field.kind.choice_list()
            && is_file_list(list)
        {
            out.push((field.source.clone(), list.to_owned(), Use::Choices));
        }
        let expressions = [
            &field.calculation,
            &field.relevant,
            &field.constraint,
            &field.default,
            &field.required,
            &field.read_only,
            &field.choice_filter,
        ];
        for text in expressions.into_iter().flatten() {
            for table in pulldata_tables(text) {
                out.push((field.source.clone(), format!("{table}.csv"), Use::Pulldata));
            }
        }
    }
    out
}

/// The first arguments of the `pulldata('table', ...)` calls of an expression.
pub(crate) fn pulldata_tables(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("pulldata") {
        rest = &rest[at + "pulldata".len()..];
        let args = rest.trim_start();
        let Some(args) = args.strip_prefix('(') else {
            continue;
        };
        let args = args.trim_start();
        let Some(quote) = args.chars().next().filter(|c| *c == '\'' || *c == '"') else {
            continue;
        };
        if let Some(end) = args[1..].find(quote) {
            let name = args[1..=end].trim().to_owned();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// The `pulldata()` tables `form` uses that it does not hold (a form from JSON carries
/// its tables; one without them was not loaded with its attachments).
pub(crate) fn missing_tables(form: &Form) -> Vec<Problem> {
    uses(form)
        .into_iter()
        .filter(|(_, file, usage)| {
            *usage == Use::Pulldata && !form.data.contains_key(file.trim_end_matches(".csv"))
        })
        .map(|(source, file, _)| Problem {
            sheet: source.sheet,
            row: source.row,
            column: "calculation".into(),
            message: format!(
                "pulldata() reads '{}', which this form does not carry: load the form with its attachment '{file}'",
                file.trim_end_matches(".csv")
            ),
        })
        .collect()
}

/// Reads the files `form` needs from `files` into it: a choice list per `*_from_file`
/// list, a [`DataTable`] per `pulldata()` table. Returns a problem, at the row that needs
/// it, for each file missing, too large or unreadable.
pub(crate) fn attach(form: &mut Form, files: &Attachments) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut done: Vec<String> = Vec::new();
    for (source, file, usage) in uses(form) {
        if done.contains(&file) {
            continue;
        }
        done.push(file.clone());
        let at = |message: String| Problem {
            sheet: source.sheet.clone(),
            row: source.row,
            column: match usage {
                Use::Choices => "type".into(),
                Use::Pulldata => "calculation".into(),
            },
            message,
        };
        let Some(bytes) = files.get(&file) else {
            let what = match usage {
                Use::Choices => "its choices",
                Use::Pulldata => "the table pulldata() reads",
            };
            problems.push(at(format!(
                "the form needs the file '{file}' ({what}): attach it with the form"
            )));
            continue;
        };
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            problems.push(at(format!(
                "the file '{file}' has {} bytes; attachments may have at most {MAX_ATTACHMENT_BYTES}",
                bytes.len()
            )));
            continue;
        }
        let result = match usage {
            Use::Choices => choices_from_file(&file, bytes).map(|choices| {
                form.choices.insert(
                    file.clone(),
                    ChoiceList {
                        name: file.clone(),
                        choices,
                    },
                );
            }),
            Use::Pulldata => read_csv(bytes).map(|table| {
                let name = file.trim_end_matches(".csv").to_owned();
                form.data.insert(name, table);
            }),
        };
        if let Err(why) = result {
            problems.push(at(format!("the file '{file}' could not be read: {why}")));
        }
    }
    problems
}

/// A CSV file as a table: its header row and the rows below it, bounded.
fn read_csv(bytes: &[u8]) -> Result<DataTable, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| nfc(h.trim()))
        .collect();
    if columns.iter().all(String::is_empty) {
        return Err("it has no header row".into());
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        if rows.len() == MAX_ATTACHMENT_ROWS {
            return Err(format!("it has more than {MAX_ATTACHMENT_ROWS} rows"));
        }
        rows.push(record.iter().map(|c| nfc(c.trim())).collect());
    }
    Ok(DataTable { columns, rows })
}

/// The choices of a `*_from_file` list: from a CSV with `name` and `label` columns
/// (`label::Language` too; other columns are kept for choice filters) or from GeoJSON
/// features (`id` and `title` properties, as ODK Collect reads them).
fn choices_from_file(file: &str, bytes: &[u8]) -> Result<Vec<Choice>, String> {
    let lower = file.to_lowercase();
    if lower.ends_with(".csv") {
        choices_from_csv(file, &read_csv(bytes)?)
    } else if lower.ends_with(".geojson") {
        choices_from_geojson(file, bytes)
    } else {
        Err("choices from XML files are not read: give them as a CSV file with name and label columns".into())
    }
}

fn choices_from_csv(file: &str, table: &DataTable) -> Result<Vec<Choice>, String> {
    let name_col = table
        .columns
        .iter()
        .position(|c| c == "name")
        .ok_or("it has no 'name' column")?;
    let mut out = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let cell = |c: usize| row.get(c).cloned().unwrap_or_default();
        let name = cell(name_col);
        if name.is_empty() {
            continue;
        }
        let mut label = Texts::default();
        let mut extra = BTreeMap::new();
        for (c, column) in table.columns.iter().enumerate() {
            if c == name_col || column.is_empty() {
                continue;
            }
            match column.split_once("::") {
                Some((head, lang)) if head.eq_ignore_ascii_case("label") => {
                    label.0.insert(lang.trim().to_owned(), cell(c));
                }
                None if column.eq_ignore_ascii_case("label") => {
                    label.0.insert(String::new(), cell(c));
                }
                _ => {
                    extra.insert(column.clone(), cell(c));
                }
            }
        }
        out.push(Choice {
            name,
            label,
            extra,
            media: Media::default(),
            source: Source {
                sheet: file.to_owned(),
                row: i as u32 + 2,
            },
        });
    }
    Ok(out)
}

fn choices_from_geojson(file: &str, bytes: &[u8]) -> Result<Vec<Choice>, String> {
    let json: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("it is not JSON: {e}"))?;
    let features = json
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or("it is not a GeoJSON FeatureCollection")?;
    if features.len() > MAX_ATTACHMENT_ROWS {
        return Err(format!("it has more than {MAX_ATTACHMENT_ROWS} features"));
    }
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(nfc(s)),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut out = Vec::new();
    for (i, feature) in features.iter().enumerate() {
        let props = feature.get("properties");
        let prop = |k: &str| props.and_then(|p| p.get(k)).and_then(text);
        let Some(name) = prop("id").or_else(|| feature.get("id").and_then(text)) else {
            return Err(format!("feature {} has no id", i + 1));
        };
        let mut label = Texts::default();
        if let Some(title) = prop("title") {
            label.0.insert(String::new(), title);
        }
        let mut extra = BTreeMap::new();
        if let Some(p) = props.and_then(|p| p.as_object()) {
            // `id` and `title` too: `instance('wells')/root/item[id = ${w}]/title` reads them.
            for (k, v) in p {
                if let Some(v) = text(v) {
                    extra.insert(k.clone(), v);
                }
            }
        }
        extra.entry("id".into()).or_insert_with(|| name.clone());
        if let Some(geometry) = feature.get("geometry") {
            extra.insert("geometry".into(), odk_geometry(geometry));
        }
        out.push(Choice {
            name,
            label,
            extra,
            media: Media::default(),
            source: Source {
                sheet: file.to_owned(),
                row: i as u32 + 1,
            },
        });
    }
    Ok(out)
}

/// A GeoJSON geometry as ODK writes places (`lat lon altitude accuracy`, points of a
/// line or shape joined by `;`), as JavaRosa reads a GeoJSON feature's `geometry`: what a
/// geopoint calculation of `instance('wells')/root/item[...]/geometry` expects. Other
/// geometries are kept as their JSON.
fn odk_geometry(geometry: &serde_json::Value) -> String {
    let point = |p: &serde_json::Value| -> Option<String> {
        let c = p.as_array()?;
        let (lon, lat) = (c.first()?.as_f64()?, c.get(1)?.as_f64()?);
        let alt = c.get(2).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
        Some(format!("{lat} {lon} {alt} 0"))
    };
    let points = |ps: &serde_json::Value| -> Option<String> {
        let all: Option<Vec<String>> = ps.as_array()?.iter().map(point).collect();
        Some(all?.join("; "))
    };
    let coordinates = geometry.get("coordinates");
    let odk = match geometry.get("type").and_then(serde_json::Value::as_str) {
        Some("Point") => coordinates.and_then(point),
        Some("LineString") => coordinates.and_then(points),
        Some("Polygon") => coordinates
            .and_then(|rings| rings.as_array()?.first())
            .and_then(points),
        _ => None,
    };
    odk.unwrap_or_else(|| geometry.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulldata_tables_are_found_in_any_quoting() {
        assert_eq!(
            pulldata_tables(
                "pulldata('fruits', 'name', 'key', ${f}) + pulldata( \"hh\" ,'a','b','c')"
            ),
            ["fruits", "hh"]
        );
        assert_eq!(pulldata_tables("${pulldata_x} + 1"), Vec::<String>::new());
    }

    #[test]
    fn csv_is_bounded_and_needs_a_header() {
        let mut big = String::from("name,label\n");
        for i in 0..=MAX_ATTACHMENT_ROWS {
            big.push_str(&format!("c{i},C{i}\n"));
        }
        assert!(read_csv(big.as_bytes()).is_err());
        assert!(read_csv(b"").is_err());
        assert!(read_csv(&[0xff, 0xfe]).is_err());
        let table = read_csv("\u{feff}name,label\na,A\n".as_bytes()).unwrap();
        assert_eq!(table.columns, ["name", "label"]);
        assert_eq!(table.rows, [["a", "A"]]);
    }

    #[test]
    fn choices_from_csv_and_geojson() {
        let csv = "name,label::English (en),label::Tiếng Việt (vi),district\nv1,Village 1,Bản 1,d1\n,skipped,,\n";
        let choices = choices_from_file("v.csv", csv.as_bytes()).unwrap();
        assert_eq!(choices.len(), 1);
        assert_eq!(choices[0].name, "v1");
        assert_eq!(choices[0].label.0["Tiếng Việt (vi)"], "Bản 1");
        assert_eq!(choices[0].extra["district"], "d1");
        let geo = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[103.6,22.6]},
             "properties":{"id":"w1","title":"Well 1","depth":12}}]}"#;
        let choices = choices_from_file("wells.geojson", geo.as_bytes()).unwrap();
        assert_eq!(choices[0].name, "w1");
        assert_eq!(choices[0].label.0[""], "Well 1");
        assert_eq!(choices[0].extra["depth"], "12");
        // What instance('wells')/root/item[id = ...]/id, /title and /geometry read.
        assert_eq!(choices[0].extra["id"], "w1");
        assert_eq!(choices[0].extra["title"], "Well 1");
        assert_eq!(choices[0].extra["geometry"], "22.6 103.6 0 0");
        assert!(choices_from_file("x.xml", b"<root/>").is_err());
        assert!(choices_from_file("v.csv", b"label\nA\n").is_err());
    }
}
