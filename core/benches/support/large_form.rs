//! A form the size of the largest real surveys: about 600 survey rows (16 sections of
//! 31 questions and calculations cross-referencing each other, labels showing answers),
//! cascading selects (province > district > commune) over 2,220 choices, and 4 repeats
//! (a roster with its own cascading selects, and births, dialogues and loans, two of
//! them counted by an answer). Built in code so the `javarosa` comparison can write it
//! as an XLSForm for ODK's engine and the engine's tests can fill it at random.

use std::collections::BTreeMap;

use branchbook_core::form::{
    Choice, ChoiceList, Field, FieldKind, Form, Group, Node, Repeat, Source, Texts,
};

/// Sections of questions at the top level.
pub const SECTIONS: usize = 16;
/// Questions and calculations per section.
pub const PER_SECTION: usize = 31;
/// Provinces; each has 10 districts, each district 10 communes.
pub const PROVINCES: usize = 20;
/// Roster members a full fill adds.
pub const MEMBERS: usize = 4;
/// Births a full fill counts (`n_births`).
pub const BIRTHS: usize = 3;
/// Dialogues a full fill adds.
pub const DIALOGUES: usize = 2;
/// Loans a full fill counts (`n_loans`).
pub const LOANS: usize = 2;

fn texts(t: &str) -> Texts {
    Texts(BTreeMap::from([(String::new(), t.to_string())]))
}

fn field(name: &str, kind: FieldKind) -> Field {
    Field {
        constraint_message: texts("Không hợp lệ"),
        ..Field::new(
            name,
            kind,
            texts(&format!("Câu hỏi {name}")),
            Source::default(),
        )
    }
}

fn labelled(name: &str, kind: FieldKind, label: &str) -> Field {
    Field {
        label: texts(label),
        ..field(name, kind)
    }
}

fn one(name: &str, list: &str) -> Field {
    field(
        name,
        FieldKind::SelectOne {
            list: list.into(),
            or_other: false,
        },
    )
}

/// A select whose choices are those of `list` whose `column` equals `${parent}`.
fn cascade(name: &str, list: &str, column: &str, parent: &str) -> Field {
    Field {
        choice_filter: Some(format!("{column}=${{{parent}}}")),
        ..one(name, list)
    }
}

fn nodes(fields: Vec<Field>) -> Vec<Node> {
    fields
        .into_iter()
        .map(|f| Node::Field(Box::new(f)))
        .collect()
}

fn group(name: &str, field_list: bool, relevant: Option<String>, children: Vec<Node>) -> Node {
    Node::Group(Group {
        name: name.into(),
        label: texts(&format!("Phần {name}")),
        relevant,
        appearance: field_list.then(|| "field-list".into()),
        children,
        source: Source::default(),
    })
}

fn repeat(name: &str, count: Option<&str>, field_list: bool, children: Vec<Field>) -> Node {
    Node::Repeat(Repeat {
        name: name.into(),
        label: texts(&format!("Danh sách {name}")),
        relevant: None,
        repeat_count: count.map(str::to_owned),
        appearance: field_list.then(|| "field-list".into()),
        children: nodes(children),
        source: Source::default(),
    })
}

/// Where the household lives: three cascading selects on one page.
fn location() -> Node {
    let fields = vec![
        one("province", "province"),
        cascade("district", "district", "province", "province"),
        cascade("commune", "commune", "district", "district"),
        field("village", FieldKind::Text),
        labelled("place", FieldKind::Note, "Địa bàn: ${commune}, ${district}"),
    ];
    group("location", true, None, nodes(fields))
}

/// Section `g`: integers with constraints, yes/no questions and follow-ups shown by
/// earlier answers, texts whose labels quote them, calculations and notes showing them.
fn section(g: usize) -> Node {
    let fields = (0..PER_SECTION)
        .map(|j| {
            let name = format!("s{g}_{j}");
            let prev = |k: usize| format!("${{s{g}_{}}}", j - k);
            match j % 6 {
                0 => Field {
                    required: Some("true()".into()),
                    constraint: Some(". >= 0 and . <= 100".into()),
                    ..field(&name, FieldKind::Integer)
                },
                1 => Field {
                    relevant: Some(format!("{} < 90", prev(1))),
                    ..one(&name, "yn")
                },
                2 => Field {
                    relevant: Some(format!("{} = 'yes'", prev(1))),
                    constraint: Some(format!(". <= {} + 50", prev(2))),
                    ..field(&name, FieldKind::Integer)
                },
                3 => labelled(
                    &name,
                    FieldKind::Text,
                    &format!("Vì sao {} ({})?", prev(1), prev(3)),
                ),
                4 => Field {
                    calculation: Some(format!("{} + coalesce({}, 0)", prev(4), prev(2))),
                    ..field(&name, FieldKind::Calculate)
                },
                _ => labelled(&name, FieldKind::Note, &format!("Cộng: {}", prev(1))),
            }
        })
        .collect();
    let relevant = (g > 0).then(|| format!("${{s{}_0}} != 99", g - 1));
    group(
        &format!("s{g}"),
        g.is_multiple_of(3),
        relevant,
        nodes(fields),
    )
}

/// The household roster: each member one page, with where she was born as cascading selects.
fn members() -> Node {
    let f = field;
    repeat(
        "members",
        None,
        true,
        vec![
            Field {
                required: Some("true()".into()),
                ..f("m_name", FieldKind::Text)
            },
            one("m_sex", "sex"),
            Field {
                constraint: Some(". >= 0 and . < 120".into()),
                ..f("m_age", FieldKind::Integer)
            },
            one("m_eth", "eth"),
            one("m_prov", "province"),
            cascade("m_dist", "district", "province", "m_prov"),
            cascade("m_comm", "commune", "district", "m_dist"),
            Field {
                relevant: Some("${m_age} < 18".into()),
                ..f("m_school", FieldKind::Text)
            },
            Field {
                relevant: Some("${m_age} >= 15".into()),
                ..f("m_job", FieldKind::Text)
            },
            Field {
                relevant: Some("${m_age} >= 15".into()),
                ..one("m_married", "yn")
            },
            Field {
                relevant: Some("${m_married} = 'yes'".into()),
                constraint: Some(". >= 15".into()),
                ..f("m_spouse_age", FieldKind::Integer)
            },
            Field {
                calculation: Some("position(..)".into()),
                ..f("m_pos", FieldKind::Calculate)
            },
            labelled(
                "m_card",
                FieldKind::Note,
                "Thành viên ${m_pos}: ${m_name}, ${m_age} tuổi",
            ),
            f("m_phone", FieldKind::Text),
            one("m_loan", "yn"),
            Field {
                relevant: Some("${m_loan} = 'yes'".into()),
                constraint: Some(". > 0 and . <= 1000".into()),
                ..f("m_loan_amount", FieldKind::Decimal)
            },
            Field {
                calculation: Some("2026 - ${m_age}".into()),
                ..f("m_birth_year", FieldKind::Calculate)
            },
            Field {
                calculation: Some("if(${m_age} < 18, 1, 0)".into()),
                ..f("m_child", FieldKind::Calculate)
            },
            Field {
                relevant: Some("${m_sex} = 'f' and ${m_age} >= 15".into()),
                ..one("m_pregnant", "yn")
            },
            Field {
                relevant: Some("${m_pregnant} = 'yes'".into()),
                ..one("m_checkup", "yn")
            },
            f("m_notes", FieldKind::Text),
        ],
    )
}

fn births() -> Node {
    repeat(
        "births",
        Some("${n_births}"),
        false,
        vec![
            field("b_name", FieldKind::Text),
            one("b_sex", "sex"),
            Field {
                constraint: Some(". > 0 and . < 10".into()),
                ..field("b_weight", FieldKind::Decimal)
            },
            one("b_prov", "province"),
            cascade("b_dist", "district", "province", "b_prov"),
            one("b_vacc", "yn"),
            Field {
                relevant: Some("${b_vacc} = 'yes'".into()),
                constraint: Some(". >= 0 and . <= 20".into()),
                ..field("b_vacc_count", FieldKind::Integer)
            },
            labelled("b_card", FieldKind::Note, "Con ${b_name}: ${b_weight} kg"),
        ],
    )
}

fn dialogues() -> Node {
    repeat(
        "dialogues",
        None,
        false,
        vec![
            field("d_title", FieldKind::Text),
            field("d_men", FieldKind::Integer),
            field("d_women", FieldKind::Integer),
            Field {
                calculation: Some("${d_men} + ${d_women}".into()),
                ..field("d_total", FieldKind::Calculate)
            },
            Field {
                constraint: Some(". = ${d_total}".into()),
                ..labelled("d_check", FieldKind::Integer, "Tổng số (${d_total})?")
            },
            one("d_ok", "yn"),
            Field {
                relevant: Some("${d_ok} = 'no'".into()),
                ..field("d_follow", FieldKind::Text)
            },
            labelled(
                "d_card",
                FieldKind::Note,
                "Buổi ${d_title}: ${d_total} người",
            ),
        ],
    )
}

fn loans() -> Node {
    repeat(
        "loans",
        Some("${n_loans}"),
        false,
        vec![
            field("l_source", FieldKind::Text),
            field("l_amount", FieldKind::Decimal),
            field("l_rate", FieldKind::Decimal),
            Field {
                calculation: Some("${l_amount} * ${l_rate} div 100".into()),
                ..field("l_interest", FieldKind::Calculate)
            },
            one("l_paid", "yn"),
            Field {
                relevant: Some("${l_paid} = 'no'".into()),
                ..field("l_note", FieldKind::Text)
            },
        ],
    )
}

fn list(name: &str, choices: Vec<(String, Option<(&str, String)>)>) -> (String, ChoiceList) {
    let choices = choices
        .into_iter()
        .map(|(n, extra)| Choice {
            label: texts(&format!("Tên {n}")),
            name: n,
            extra: extra
                .map(|(k, v)| BTreeMap::from([(k.to_owned(), v)]))
                .unwrap_or_default(),
            media: Default::default(),
            source: Source::default(),
        })
        .collect();
    (
        name.into(),
        ChoiceList {
            name: name.into(),
            choices,
        },
    )
}

/// The province, district and commune lists: 20 + 200 + 2,000 choices.
fn places() -> Vec<(String, ChoiceList)> {
    let provinces = (1..=PROVINCES).map(|p| (format!("p{p}"), None)).collect();
    let districts = (1..=PROVINCES * 10)
        .map(|d| {
            (
                format!("d{d}"),
                Some(("province", format!("p{}", (d - 1) / 10 + 1))),
            )
        })
        .collect();
    let communes = (1..=PROVINCES * 100)
        .map(|c| {
            (
                format!("c{c}"),
                Some(("district", format!("d{}", (c - 1) / 10 + 1))),
            )
        })
        .collect();
    vec![
        list("province", provinces),
        list("district", districts),
        list("commune", communes),
    ]
}

/// The whole form.
pub fn large_form() -> Form {
    let mut body = vec![Node::Field(Box::new(field("hh_head", FieldKind::Text)))];
    body.push(location());
    body.extend((0..SECTIONS).map(section));
    body.push(members());
    body.extend(nodes(vec![Field {
        constraint: Some(". >= 0 and . <= 10".into()),
        ..field("n_births", FieldKind::Integer)
    }]));
    body.push(births());
    body.push(dialogues());
    body.extend(nodes(vec![Field {
        constraint: Some(". >= 0 and . <= 10".into()),
        ..field("n_loans", FieldKind::Integer)
    }]));
    body.push(loans());
    body.extend(nodes(vec![
        Field {
            calculation: Some("count(${members})".into()),
            ..field("hh_size", FieldKind::Calculate)
        },
        Field {
            calculation: Some("sum(${m_age})".into()),
            ..field("total_age", FieldKind::Calculate)
        },
        Field {
            calculation: Some("sum(${d_total})".into()),
            ..field("people_reached", FieldKind::Calculate)
        },
        Field {
            calculation: Some("sum(${l_amount})".into()),
            ..field("debt", FieldKind::Calculate)
        },
        Field {
            constraint: Some(". = ${hh_size}".into()),
            ..labelled("hh_check", FieldKind::Integer, "Hộ có ${hh_size} người?")
        },
        labelled(
            "summary",
            FieldKind::Note,
            "${hh_head}: ${hh_size} người, ${people_reached} người dự đối thoại, nợ ${debt}",
        ),
    ]));
    let simple = |name: &str, names: &[&str]| {
        list(name, names.iter().map(|n| (n.to_string(), None)).collect())
    };
    let eth: Vec<&str> = branchbook_core::domain::ETHNICITIES
        .iter()
        .map(|e| e.key)
        .collect();
    let mut choices: BTreeMap<String, ChoiceList> = places().into_iter().collect();
    choices.extend([
        simple("yn", &["yes", "no"]),
        simple("sex", &["f", "m"]),
        simple("eth", &eth),
    ]);
    Form {
        id: "large".into(),
        version: "1".into(),
        title: "Large survey (600 rows)".into(),
        default_language: None,
        languages: Vec::new(),
        instance_name: Some("concat('HH ', ${hh_head})".into()),
        body,
        choices,
        allow_choice_duplicates: false,
        data: Default::default(),
    }
}

/// A full fill's answers by question path: every question of the form (those a fill
/// does not show are never asked), for [`MEMBERS`] members, [`BIRTHS`] births,
/// [`DIALOGUES`] dialogues and [`LOANS`] loans, cascades consistent.
pub fn large_answers(form: &Form) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let instances = |name: &str| match name {
        "members" => MEMBERS,
        "births" => BIRTHS,
        "dialogues" => DIALOGUES,
        _ => LOANS,
    };
    for node in &form.body {
        match node {
            Node::Repeat(r) => {
                for i in 1..=instances(&r.name) {
                    answer_all(&r.children, i, &format!("{}[{i}]/", r.name), &mut out);
                }
            }
            other => answer_all(std::slice::from_ref(other), 0, "", &mut out),
        }
    }
    out
}

fn answer_all(nodes: &[Node], i: usize, prefix: &str, out: &mut Vec<(String, String)>) {
    for node in nodes {
        let f = match node {
            Node::Field(f) => f,
            Node::Group(g) => {
                answer_all(&g.children, i, prefix, out);
                continue;
            }
            Node::Repeat(_) => continue,
        };
        // Instance `i` lives in province i, its first district and that district's first commune.
        let province = i.max(3);
        let district = (province - 1) * 10 + 1;
        let value = match (&f.kind, f.name.as_str()) {
            (FieldKind::Note | FieldKind::Calculate, _) => continue,
            (_, "n_births") => BIRTHS.to_string(),
            (_, "n_loans") => LOANS.to_string(),
            (_, "hh_check") => MEMBERS.to_string(),
            (_, "m_age") => (10 + 25 * (i - 1)).to_string(),
            (_, "m_spouse_age") => "30".into(),
            (_, "d_men") => "5".into(),
            (_, "d_women") => "6".into(),
            (_, "d_check") => "11".into(),
            (_, "b_weight") => "3.2".into(),
            (FieldKind::Integer, _) => "10".into(),
            (FieldKind::Decimal, _) => "50".into(),
            (FieldKind::Text, _) => format!("answer {i}"),
            (FieldKind::SelectOne { list, .. }, _) => match list.as_str() {
                "province" => format!("p{province}"),
                "district" => format!("d{district}"),
                "commune" => format!("c{}", (district - 1) * 10 + 1),
                "yn" => "yes".into(),
                "sex" => "f".into(),
                _ => branchbook_core::domain::ETHNICITIES[0].key.to_string(),
            },
            (other, _) => panic!("the large form has no {other:?} questions"),
        };
        out.push((format!("{prefix}{}", f.name), value));
    }
}
