//! A roster file an officer prepared (CSV, or the first sheet of an .xlsx) and the
//! member form of the officers' console: the one home of the rules that turn a row of
//! text into a [`RosterMember`] (columns found by their English or Vietnamese header,
//! sex, birth year, ethnic group, id) and of the identity that keeps a person imported
//! twice from being added twice. The phone's CSV import and the server's console both
//! read files through here; each then stores the members its own way.

use std::collections::HashMap;

use uuid::Uuid;

use crate::domain::Sex;
use crate::protocol::RosterMember;
use crate::store::input;
use crate::text::fold;

/// Most member rows a roster file may hold (a branch has tens to hundreds of members).
pub const MAX_ROSTER_ROWS: usize = 5_000;

/// The columns a roster file may have, with the header names accepted for each
/// (compared folded, spaces as `_`: "Họ tên" is `ho_ten`).
const COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["id", "uuid"]),
    ("member_code", &["member_code", "code", "ma_hoi_vien", "ma"]),
    ("full_name", &["full_name", "name", "ho_ten", "ho_va_ten"]),
    ("sex", &["sex", "gioi_tinh"]),
    ("birth_year", &["birth_year", "nam_sinh"]),
    ("ethnicity", &["ethnicity", "dan_toc"]),
    ("village", &["village", "thon", "ban", "thon_ban"]),
    ("phone", &["phone", "dien_thoai", "so_dien_thoai"]),
];

/// A roster file that cannot be read at all (nothing of it is applied).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RosterFileError {
    /// The file's structure is unreadable (its header line, or not a workbook).
    #[error("the file is unreadable: {reason}")]
    Unreadable {
        /// What the reader said.
        reason: String,
    },
    /// No column holds the members' names.
    #[error("no name column (full_name or ho_ten)")]
    NoNameColumn,
    /// More member rows than [`MAX_ROSTER_ROWS`].
    #[error("more than {max} members in one file")]
    TooManyRows {
        /// The limit.
        max: usize,
    },
}

/// Why one row of a roster file (or the member form) is not a member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// The name is empty.
    #[error("the name is empty")]
    NameMissing,
    /// The sex is none of female/male/unknown (in English or Vietnamese).
    #[error("unknown sex {0:?}")]
    UnknownSex(String),
    /// The birth year is not a whole number.
    #[error("birth year {0:?} is not a number")]
    BirthYearNotNumber(String),
    /// The birth year is before 1900 or after this year.
    #[error("{0} is not a plausible birth year")]
    BirthYearImplausible(i32),
    /// The ethnic group is none of the 54 (key, GSO code or Vietnamese name).
    #[error("unknown ethnic group {0:?}")]
    UnknownEthnicity(String),
    /// The id column holds something that is not a UUID.
    #[error("id {0:?} is not a UUID")]
    BadId(String),
    /// The same member is on an earlier line of the file.
    #[error("the same member as line {0}")]
    ListedTwice(u64),
    /// The row itself could not be read (not UTF-8, broken quoting).
    #[error("unreadable row: {0}")]
    Unreadable(String),
}

/// A member as typed: every field as text, the way a file's row or the console's form
/// gives it (empty text for a missing value).
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberFields<'a> {
    /// The member's id (empty: find or make one).
    pub id: &'a str,
    /// The Union's membership number.
    pub member_code: &'a str,
    /// Full name.
    pub full_name: &'a str,
    /// Sex: `nữ`/`nam`/`female`/`male`/`f`/`m`, empty for unknown.
    pub sex: &'a str,
    /// Birth year.
    pub birth_year: &'a str,
    /// Ethnic group: key, GSO code or Vietnamese name.
    pub ethnicity: &'a str,
    /// Village.
    pub village: &'a str,
    /// Phone number.
    pub phone: &'a str,
}

fn parse_sex(s: &str) -> Option<Sex> {
    match fold(s).as_str() {
        "f" | "female" | "nu" | "woman" => Some(Sex::Female),
        "m" | "male" | "nam" | "man" => Some(Sex::Male),
        "" | "unknown" | "khong ro" => Some(Sex::Unknown),
        _ => None,
    }
}

/// The member a row of text describes, cleaned (trimmed NFC, ethnicity as its key). Her
/// id is the row's, or [`Uuid::nil`] when the row gives none ([`assign_ids`] fills it).
pub fn member_from_fields(f: &MemberFields<'_>) -> Result<RosterMember, RowProblem> {
    let full_name = input::text(f.full_name);
    if full_name.is_empty() {
        return Err(RowProblem::NameMissing);
    }
    let sex = parse_sex(f.sex).ok_or_else(|| RowProblem::UnknownSex(f.sex.trim().to_owned()))?;
    let birth_year = match f.birth_year.trim() {
        "" => None,
        y => {
            let year: i32 = y
                .parse()
                .map_err(|_| RowProblem::BirthYearNotNumber(y.to_owned()))?;
            input::birth_year(Some(year)).map_err(|_| RowProblem::BirthYearImplausible(year))?
        }
    };
    let ethnicity = input::ethnicity(Some(f.ethnicity))
        .map_err(|_| RowProblem::UnknownEthnicity(f.ethnicity.trim().to_owned()))?;
    let id = match f.id.trim() {
        "" => Uuid::nil(),
        s => Uuid::parse_str(s).map_err(|_| RowProblem::BadId(s.to_owned()))?,
    };
    Ok(RosterMember {
        id,
        member_code: input::optional(Some(f.member_code)),
        full_name,
        sex,
        birth_year,
        ethnicity,
        village: input::text(f.village),
        phone: input::optional(Some(f.phone)),
        archived: false,
    })
}

/// A member sent whole (the JSON API's roster entry) checked and cleaned by the same
/// rules as a file's row: a name, a plausible birth year, one of the 54 ethnic groups
/// (stored as its key), trimmed NFC text. Her id, sex and archived flag are kept.
pub fn clean_member(m: &RosterMember) -> Result<RosterMember, RowProblem> {
    let birth_year = m.birth_year.map(|y| y.to_string()).unwrap_or_default();
    let fields = MemberFields {
        id: "",
        member_code: m.member_code.as_deref().unwrap_or_default(),
        full_name: &m.full_name,
        sex: "",
        birth_year: &birth_year,
        ethnicity: m.ethnicity.as_deref().unwrap_or_default(),
        village: &m.village,
        phone: m.phone.as_deref().unwrap_or_default(),
    };
    Ok(RosterMember {
        id: m.id,
        sex: m.sex,
        archived: m.archived,
        ..member_from_fields(&fields)?
    })
}

/// One member row of a file: its line (the header is line 1) and the member it holds,
/// or why it holds none.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    /// 1-based line (CSV) or row (spreadsheet) number.
    pub line: u64,
    /// The member, or the row's problem.
    pub member: Result<RosterMember, RowProblem>,
}

/// Reads a roster CSV (UTF-8, optional BOM, header row; blank rows skipped). Every row is
/// read, so all the file's problems can be shown at once.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<RosterRow>, RosterFileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| RosterFileError::Unreadable {
            reason: e.to_string(),
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().enumerate().map(|(i, record)| {
        let cells = record
            .map(|r| r.iter().map(str::to_owned).collect())
            .map_err(|e| e.to_string());
        (i as u64 + 2, cells)
    });
    read_table(&header, rows)
}

/// Reads a roster from the first sheet of an .xlsx workbook (its first row the header),
/// by the same rules as [`read_csv`].
#[cfg(feature = "xlsx")]
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<RosterRow>, RosterFileError> {
    let rows = crate::form::first_sheet_rows(bytes).map_err(|e| RosterFileError::Unreadable {
        reason: e.to_string(),
    })?;
    let mut rows = rows.into_iter();
    let header = rows.next().unwrap_or_default();
    read_table(
        &header,
        rows.enumerate().map(|(i, cells)| (i as u64 + 2, Ok(cells))),
    )
}

/// The rows of a table whose first row (`header`) names the columns.
fn read_table(
    header: &[String],
    rows: impl Iterator<Item = (u64, Result<Vec<String>, String>)>,
) -> Result<Vec<RosterRow>, RosterFileError> {
    let column = |name: &str| {
        let aliases = COLUMNS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
            .unwrap_or(&[]);
        header
            .iter()
            .position(|h| aliases.contains(&fold(h).replace(' ', "_").as_str()))
    };
    let [id, code, name, sex, year, ethnicity, village, phone] = [
        "id",
        "member_code",
        "full_name",
        "sex",
        "birth_year",
        "ethnicity",
        "village",
        "phone",
    ]
    .map(column);
    if name.is_none() {
        return Err(RosterFileError::NoNameColumn);
    }
    let mut out = Vec::new();
    for (line, cells) in rows {
        let cells = match cells {
            Ok(cells) if cells.iter().all(|c| c.trim().is_empty()) => continue,
            Ok(cells) => cells,
            Err(reason) => {
                out.push(RosterRow {
                    line,
                    member: Err(RowProblem::Unreadable(reason)),
                });
                continue;
            }
        };
        if out.len() == MAX_ROSTER_ROWS {
            return Err(RosterFileError::TooManyRows {
                max: MAX_ROSTER_ROWS,
            });
        }
        let field = |c: Option<usize>| c.and_then(|c| cells.get(c)).map_or("", String::as_str);
        let fields = MemberFields {
            id: field(id),
            member_code: field(code),
            full_name: field(name),
            sex: field(sex),
            birth_year: field(year),
            ethnicity: field(ethnicity),
            village: field(village),
            phone: field(phone),
        };
        out.push(RosterRow {
            line,
            member: member_from_fields(&fields),
        });
    }
    Ok(out)
}

/// Who a member is when a file gives no id: her membership number when she has one,
/// else her name (any accents), birth year and village.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MemberKey {
    /// By membership number.
    Code(String),
    /// By name (folded), birth year and village.
    Person {
        /// The folded name ([`fold`]).
        name: String,
        /// The birth year.
        birth_year: Option<i32>,
        /// The village.
        village: String,
    },
}

impl MemberKey {
    /// The key a member is looked up by.
    pub fn of(m: &RosterMember) -> MemberKey {
        match &m.member_code {
            Some(code) => MemberKey::Code(code.clone()),
            None => MemberKey::person(m),
        }
    }

    /// The key by name, birth year and village (a stored member is found by it too when
    /// she has a code and the file gives none).
    pub fn person(m: &RosterMember) -> MemberKey {
        MemberKey::Person {
            name: fold(&m.full_name),
            birth_year: m.birth_year,
            village: m.village.clone(),
        }
    }
}

/// Gives each member row without an id the id of the stored member with the same
/// [`MemberKey`] (`existing` looks it up), or a new one; a member met twice in the file
/// (same id, or same key) makes the later row a [`RowProblem::ListedTwice`].
pub fn assign_ids<E>(
    rows: &mut [RosterRow],
    mut existing: impl FnMut(&MemberKey) -> Result<Option<Uuid>, E>,
) -> Result<(), E> {
    let mut by_key: HashMap<MemberKey, Uuid> = HashMap::new();
    let mut lines: HashMap<Uuid, u64> = HashMap::new();
    for row in rows {
        let Ok(member) = &mut row.member else {
            continue;
        };
        if member.id.is_nil() {
            let key = MemberKey::of(member);
            member.id = match by_key.get(&key) {
                Some(id) => *id,
                None => existing(&key)?.unwrap_or_else(Uuid::now_v7),
            };
            by_key.insert(key, member.id);
        }
        if let Some(first) = lines.get(&member.id) {
            row.member = Err(RowProblem::ListedTwice(*first));
        } else {
            lines.insert(member.id, row.line);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(rows: &[RosterRow]) -> Vec<&RosterMember> {
        rows.iter().filter_map(|r| r.member.as_ref().ok()).collect()
    }

    #[test]
    fn a_whole_member_is_cleaned_by_the_file_rules() {
        let sent = RosterMember {
            id: Uuid::from_u128(7),
            member_code: Some("  ".into()),
            full_name: "  Tha\u{300}o Thị Dợ ".into(),
            sex: Sex::Female,
            birth_year: Some(1990),
            ethnicity: Some("Mông".into()),
            village: " Bản Dền".into(),
            phone: None,
            archived: true,
        };
        let clean = clean_member(&sent).unwrap();
        assert_eq!(clean.id, sent.id);
        assert_eq!(clean.full_name, "Thào Thị Dợ");
        assert_eq!(clean.ethnicity.as_deref(), Some("hmong"));
        assert_eq!(clean.member_code, None);
        assert_eq!(clean.village, "Bản Dền");
        assert!(clean.archived && clean.sex == Sex::Female);
        for (bad, problem) in [
            (
                RosterMember {
                    full_name: " ".into(),
                    ..sent.clone()
                },
                RowProblem::NameMissing,
            ),
            (
                RosterMember {
                    birth_year: Some(1850),
                    ..sent.clone()
                },
                RowProblem::BirthYearImplausible(1850),
            ),
            (
                RosterMember {
                    ethnicity: Some("martian".into()),
                    ..sent.clone()
                },
                RowProblem::UnknownEthnicity("martian".into()),
            ),
        ] {
            assert_eq!(clean_member(&bad), Err(problem));
        }
    }

    #[test]
    fn every_bad_row_is_named_and_good_rows_are_read() {
        let rows = read_csv(
            "Họ tên,Giới tính,Năm sinh,Dân tộc\n\
             Thào Thị Dợ,Nữ,1990,Mông\n\
             Lò Thị Mai,nữ,mười chín,Thái\n\
             ,,,\n\
             ,nữ,1990,\n\
             Vàng Thị Sua,alien,,\n\
             Giàng Thị Mỷ,nữ,1850,\n\
             Sùng Thị Pà,nữ,,martian\n"
                .as_bytes(),
        )
        .unwrap();
        let problems: Vec<_> = rows
            .iter()
            .filter_map(|r| r.member.as_ref().err().map(|p| (r.line, p.clone())))
            .collect();
        assert_eq!(
            problems,
            vec![
                (3, RowProblem::BirthYearNotNumber("mười chín".into())),
                (5, RowProblem::NameMissing),
                (6, RowProblem::UnknownSex("alien".into())),
                (7, RowProblem::BirthYearImplausible(1850)),
                (8, RowProblem::UnknownEthnicity("martian".into())),
            ]
        );
        let good = members(&rows);
        assert_eq!(good.len(), 1);
        assert_eq!(
            (good[0].sex, good[0].ethnicity.as_deref()),
            (Sex::Female, Some("hmong"))
        );
    }

    #[test]
    fn a_file_without_a_name_column_is_refused_whole() {
        assert_eq!(
            read_csv(b"phone\n0912\n"),
            Err(RosterFileError::NoNameColumn)
        );
    }

    #[test]
    fn ids_come_from_the_file_the_store_or_are_new_and_a_person_twice_is_refused() {
        let known = Uuid::now_v7();
        let mut rows = read_csv(
            "id,full_name,member_code,birth_year,village\n\
             ,Thào Thị Dợ,HV-1,,\n\
             ,Lò Thị Mai,,1990,Bản Phùng\n\
             ,Lo Thi Mai,,1990,Bản Phùng\n\
             not-a-uuid,Vàng Thị Sua,,,\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows[3].member, Err(RowProblem::BadId("not-a-uuid".into())));
        assign_ids(&mut rows, |key| {
            Ok::<_, ()>((*key == MemberKey::Code("HV-1".into())).then_some(known))
        })
        .unwrap();
        assert_eq!(rows[0].member.as_ref().unwrap().id, known);
        let new = rows[1].member.as_ref().unwrap().id;
        assert!(!new.is_nil() && new != known);
        assert_eq!(rows[2].member, Err(RowProblem::ListedTwice(3)));
    }

    #[cfg(feature = "xlsx")]
    #[test]
    fn an_xlsx_roster_is_read_by_the_same_rules() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (col, head) in ["Họ và tên", "Giới tính", "Năm sinh", "Thôn"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, col as u16, *head).unwrap();
        }
        sheet.write_string(1, 0, "Thào Thị Dợ").unwrap();
        sheet.write_string(1, 1, "Nữ").unwrap();
        sheet.write_number(1, 2, 1990.0).unwrap();
        sheet.write_string(1, 3, "Bản Phùng").unwrap();
        sheet.write_string(2, 0, "Lò Văn Tâm").unwrap();
        sheet.write_string(2, 1, "x").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = read_xlsx(&bytes).unwrap();
        assert_eq!(rows.len(), 2);
        let dợ = rows[0].member.as_ref().unwrap();
        assert_eq!(
            (dợ.birth_year, dợ.village.as_str()),
            (Some(1990), "Bản Phùng")
        );
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].member, Err(RowProblem::UnknownSex("x".into())));
        assert!(matches!(
            read_xlsx(b"not a workbook"),
            Err(RosterFileError::Unreadable { .. })
        ));
    }
}
