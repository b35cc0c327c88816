//! The generated 1,000-field form of the engine benchmark (20 groups of 20 questions
//! and calculations that cross-reference each other, and a household roster repeat of
//! 30 members x 20 questions). Shared by the `engine` bench and the `javarosa`
//! comparison, which writes it out as an XLSForm for ODK's engine.

use std::collections::BTreeMap;

use branchbook_core::form::{
    Choice, ChoiceList, Field, FieldKind, Form, Group, Node, Repeat, Source, Texts,
};

/// Top-level groups.
pub const GROUPS: usize = 20;
/// Fields per group.
pub const PER_GROUP: usize = 20;
/// Household members a full fill adds to the roster.
pub const MEMBERS: usize = 30;

fn texts(t: &str) -> Texts {
    Texts(BTreeMap::from([(String::new(), t.to_string())]))
}

fn field(name: &str, kind: FieldKind) -> Field {
    let source = Source {
        sheet: "survey".into(),
        row: 0,
    };
    Field {
        constraint_message: texts("Not allowed"),
        ..Field::new(name, kind, texts(&format!("Question {name}")), source)
    }
}

fn node(f: Field) -> Node {
    Node::Field(Box::new(f))
}

fn yes_no() -> FieldKind {
    FieldKind::SelectOne {
        list: "yn".into(),
        or_other: false,
    }
}

/// 20 groups x 20 fields: integers with constraints, selects and texts whose relevance
/// reads earlier answers (in the same and the previous group), and calculations.
fn top_groups() -> Vec<Node> {
    (0..GROUPS)
        .map(|g| {
            let children = (0..PER_GROUP)
                .map(|j| {
                    let name = format!("f{g}_{j}");
                    let prev = |k: usize| format!("${{f{g}_{}}}", j - k);
                    let f = match j % 5 {
                        0 => Field {
                            required: Some("true()".into()),
                            constraint: Some(". >= 0 and . <= 100".into()),
                            ..field(&name, FieldKind::Integer)
                        },
                        1 => Field {
                            relevant: Some(format!("{} < 90", prev(1))),
                            ..field(&name, yes_no())
                        },
                        2 => Field {
                            relevant: Some(format!("{} = 'yes'", prev(1))),
                            constraint: Some(format!(". <= {} + 50", prev(2))),
                            ..field(&name, FieldKind::Integer)
                        },
                        3 if g > 0 => Field {
                            relevant: Some(format!(
                                "${{f{}_0}} != 55 and string-length({}) < 5",
                                g - 1,
                                prev(1)
                            )),
                            ..field(&name, FieldKind::Text)
                        },
                        3 => field(&name, FieldKind::Text),
                        _ => Field {
                            calculation: Some(format!("{} + coalesce({}, 0)", prev(4), prev(2))),
                            ..field(&name, FieldKind::Calculate)
                        },
                    };
                    node(f)
                })
                .collect();
            Node::Group(Group {
                name: format!("g{g}"),
                label: texts(&format!("Section {g}")),
                relevant: if g > 0 {
                    Some(format!("${{f{}_0}} != 99", g - 1))
                } else {
                    None
                },
                appearance: if g % 4 == 0 {
                    Some("field-list".into())
                } else {
                    None
                },
                children,
                source: Source::default(),
            })
        })
        .collect()
}

/// The household roster: 20 questions per member, each member one page.
fn members() -> Node {
    let f = field;
    let one = |name: &str, list: &str| {
        field(
            name,
            FieldKind::SelectOne {
                list: list.into(),
                or_other: false,
            },
        )
    };
    let children = vec![
        Field {
            required: Some("true()".into()),
            ..f("m_name", FieldKind::Text)
        },
        one("m_sex", "sex"),
        Field {
            constraint: Some(". >= 0 and . < 120".into()),
            ..f("m_age", FieldKind::Integer)
        },
        one("m_rel", "rel"),
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
            constraint: Some(". >= 15 and . <= ${f0_0} + 100".into()),
            ..f("m_spouse_age", FieldKind::Integer)
        },
        one("m_eth", "eth"),
        Field {
            calculation: Some("position(..)".into()),
            ..f("m_pos", FieldKind::Calculate)
        },
        Field {
            calculation: Some("if(${m_pos} = 1, 'yes', 'no')".into()),
            ..f("m_is_head", FieldKind::Calculate)
        },
        Field {
            calculation: Some("2026 - ${m_age}".into()),
            ..f("m_birth_year", FieldKind::Calculate)
        },
        one("m_loan", "yn"),
        Field {
            relevant: Some("${m_loan} = 'yes'".into()),
            constraint: Some(". > 0 and . <= 1000".into()),
            ..f("m_loan_amount", FieldKind::Decimal)
        },
        Field {
            relevant: Some("${m_sex} = 'f' and ${m_age} >= 15".into()),
            ..one("m_pregnant", "yn")
        },
        Field {
            relevant: Some("${m_pregnant} = 'yes'".into()),
            ..one("m_checkup", "yn")
        },
        Field {
            calculation: Some("if(${m_age} < 18, 1, 0)".into()),
            ..f("m_child", FieldKind::Calculate)
        },
        Field {
            relevant: Some("${m_child} = 1 and ${m_married} = 'yes'".into()),
            ..f("m_child_marriage", FieldKind::Note)
        },
        f("m_phone", FieldKind::Text),
        Field {
            relevant: Some("${hh_head_name} != ''".into()),
            ..f("m_notes", FieldKind::Text)
        },
    ];
    Node::Repeat(Repeat {
        name: "members".into(),
        label: texts("Thành viên"),
        relevant: None,
        repeat_count: None,
        appearance: Some("field-list".into()),
        children: children.into_iter().map(node).collect(),
        source: Source::default(),
    })
}

fn list(name: &str, names: &[String]) -> (String, ChoiceList) {
    let choices = names
        .iter()
        .map(|n| Choice {
            name: n.clone(),
            label: texts(n),
            extra: BTreeMap::new(),
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

/// The whole form: a household head, the 20 groups, the roster and four totals.
pub fn generated_form() -> Form {
    let mut body = vec![node(field("hh_head_name", FieldKind::Text))];
    body.extend(top_groups());
    body.push(members());
    body.push(node(Field {
        calculation: Some("count(${members})".into()),
        ..field("hh_size", FieldKind::Calculate)
    }));
    body.push(node(Field {
        calculation: Some("sum(${m_age})".into()),
        ..field("total_age", FieldKind::Calculate)
    }));
    body.push(node(Field {
        calculation: Some("sum(${m_child})".into()),
        ..field("children", FieldKind::Calculate)
    }));
    body.push(node(Field {
        constraint: Some(". = ${hh_size}".into()),
        ..field("hh_check", FieldKind::Integer)
    }));
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let eth: Vec<String> = branchbook_core::domain::ETHNICITIES
        .iter()
        .map(|e| e.key.to_string())
        .collect();
    Form {
        id: "bench".into(),
        version: "1".into(),
        title: "Generated 1,000-field form".into(),
        default_language: None,
        languages: Vec::new(),
        instance_name: Some("concat('HH ', ${hh_head_name})".into()),
        body,
        choices: [
            list("yn", &s(&["yes", "no"])),
            list("sex", &s(&["f", "m"])),
            list("rel", &s(&["head", "spouse", "child", "parent", "other"])),
            list("eth", &eth),
        ]
        .into_iter()
        .collect(),
        allow_choice_duplicates: false,
        data: Default::default(),
    }
}
