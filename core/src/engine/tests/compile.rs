//! Compiling: every problem reported at once, located, and nothing compiled that would
//! fail at run time.

use proptest::prelude::*;

use super::*;
use crate::engine::SessionError;
use crate::form::Problem;

fn problems(f: Form) -> Vec<Problem> {
    CompiledForm::compile(f).expect_err("the form should be refused")
}

#[test]
fn syntax_errors_carry_sheet_row_column_and_offset() {
    let p = problems(form(vec![
        int("age").row(2).n(),
        text("x").relevant("${age} > > 3").row(3).n(),
    ]));
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].sheet.as_str(), p[0].row, p[0].column.as_str()),
        ("survey", 3, "relevant")
    );
    assert!(p[0].message.contains("at character 9"), "{}", p[0].message);
    assert!(p[0].message.contains("${age} > > 3"), "{}", p[0].message);
}

#[test]
fn every_problem_is_reported_at_once() {
    let f = form(vec![
        int("age").row(2).n(),
        text("a").relevant("${agee} > 1").row(3).n(),
        text("b").constraint("lookup('x', 'y')", "").row(4).n(),
        text("c").calculation("if(1, 2)").row(5).n(),
        text("d").required_if("age > 3").row(6).n(),
        text("e").label("", "Hello ${nobody}").row(7).n(),
        text("f").read_only("${age} +").row(8).n(),
    ]);
    let p = problems(f);
    let found: Vec<(u32, &str)> = p.iter().map(|p| (p.row, p.column.as_str())).collect();
    assert_eq!(
        found,
        vec![
            (3, "relevant"),
            (4, "constraint"),
            (5, "calculation"),
            (6, "required"),
            (7, "label"),
            (8, "read_only")
        ]
    );
    assert!(
        p[0].message.contains("unknown question ${agee}"),
        "{}",
        p[0].message
    );
    assert!(
        p[1].message.contains("unknown function lookup()"),
        "{}",
        p[1].message
    );
    assert!(p[2].message.contains("if() takes 3"), "{}", p[2].message);
    assert!(
        p[3].message.contains("neither yes nor no"),
        "{}",
        p[3].message
    );
    assert!(p[4].message.contains("${nobody}"), "{}", p[4].message);
}

#[test]
fn cycles_are_reported_with_their_members() {
    let f = form(vec![
        calc("a", "${c} + 1").row(2).n(),
        calc("b", "${a} * 2").row(3).n(),
        calc("c", "${b} - 1").row(4).n(),
        text("q").relevant("${q2} = 'x'").row(5).n(),
        text("q2").relevant("${q} = 'y'").row(6).n(),
        calc("ok", "${a}").row(7).n(),
    ]);
    let p = problems(f);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(
        p[0].message
            .contains("${a} (calculation), ${b} (calculation), ${c} (calculation)"),
        "{}",
        p[0].message
    );
    assert_eq!((p[0].row, p[0].column.as_str()), (2, "calculation"));
    assert!(
        p[1].message.contains("${q} (relevant), ${q2} (relevant)"),
        "{}",
        p[1].message
    );
}

#[test]
fn a_calculation_reading_itself_is_a_cycle_but_dot_is_not() {
    let p = problems(form(vec![calc("a", "${a} + 1").n()]));
    assert!(
        p[0].message.contains("cycle: ${a} (calculation)"),
        "{}",
        p[0].message
    );
    // `.` in a calculation reads the field's own current value (as once() does): allowed.
    compile(form(vec![calc("b", "once(concat('x', .))").n()]));
}

#[test]
fn repeat_count_from_inside_its_repeat_is_a_cycle() {
    let mut r = repeat("r", vec![int("n").n()]);
    r.repeat_count = Some("${n}".into());
    let p = problems(form(vec![Node::Repeat(r)]));
    assert!(
        p[0].message.contains("${r} (repeat_count)"),
        "{}",
        p[0].message
    );
}

#[test]
fn ambiguous_and_bare_names() {
    let p = problems(form(vec![
        int("x").n(),
        int("x").n(),
        text("y").relevant("${x} = 1").n(),
    ]));
    assert!(p[0].message.contains("ambiguous"), "{}", p[0].message);
    let p = problems(form(vec![text("y").relevant("position(..) = 1").n()]));
    assert!(
        p[0].message.contains("outside any repeat"),
        "{}",
        p[0].message
    );
}

/// `yes` is a flag only where a flag is expected. A select's `calculation` of `yes`
/// (HOT's wastedisposal form) is a path to no question, which ODK computes as empty: it
/// is refused with the hint to quote it, not read as `true()` (which no choice matches).
#[test]
fn yes_is_a_flag_only_in_required_and_read_only() {
    let yes_no = || vec![list("yn", &[("yes", "Yes", &[]), ("no", "No", &[])])];
    compile(with_lists(
        form(vec![
            one("q", "yn").required_if("yes").n(),
            text("t").read_only("no").n(),
        ]),
        yes_no(),
    ));
    // Elsewhere a bare word is a path, as in ODK: to nothing, so empty, with a warning.
    let bare = compile(with_lists(
        form(vec![one("fee", "yn").calculation("yes").n()]),
        yes_no(),
    ));
    let w = bare.warnings();
    assert_eq!(w[0].column, "calculation");
    assert!(
        w[0].message.contains("or 'yes' in quotes for the text"),
        "{}",
        w[0].message
    );
    let w = compile(form(vec![text("x").relevant("no").n()]))
        .warnings()
        .to_vec();
    assert_eq!(w[0].column, "relevant");
    let s = session(with_lists(
        form(vec![one("fee", "yn").calculation("'yes'").n()]),
        yes_no(),
    ));
    assert_eq!(
        s.state().answers.values.get("fee").map(String::as_str),
        Some("yes")
    );
}

#[test]
fn choice_filters_name_columns_of_their_list() {
    let lists = vec![list("places", &[("a", "A", &[("district", "d1")])])];
    compile(with_lists(
        form(vec![
            text("d").n(),
            one("p", "places").choice_filter("district = ${d}").n(),
        ]),
        lists,
    ));
    // A column the list does not have is, as in ODK, empty: the filter holds for no
    // choice, and the form loads with a warning at the cell.
    let missing = || {
        with_lists(
            form(vec![field_list(
                "page",
                vec![
                    text("d").n(),
                    one("p", "places").choice_filter("province = ${d}").n(),
                ],
            )]),
            vec![list("places", &[("a", "A", &[("district", "d1")])])],
        )
    };
    let w = compile(missing()).warnings().to_vec();
    assert_eq!(w[0].column, "choice_filter");
    assert!(
        w[0].message.contains("no column 'province'") && w[0].message.contains("read as empty"),
        "{}",
        w[0].message
    );
    let mut s = session(missing());
    set_text(&mut s, "d", "d1");
    let screen = s.screen();
    let p = screen.questions.iter().find(|q| q.path == "p").unwrap();
    assert!(p.choices.is_empty(), "{:?}", p.choices);
}

#[test]
fn paths_are_bound_by_their_last_step() {
    let mut s = session(form(vec![int("a").n(), calc("b", "/data/a + ../a").n()]));
    set_int(&mut s, "a", 2);
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.data["b"], "4");
}

#[test]
fn instance_name_is_compiled_and_evaluated() {
    let mut f = form(vec![text("head").n()]);
    f.instance_name = Some("concat('HH ', ${head})".into());
    let mut s = session(f);
    set_text(&mut s, "head", "Thào");
    assert_eq!(s.instance_name().as_deref(), Some("HH Thào"));
    let mut bad = form(vec![text("head").n()]);
    bad.instance_name = Some("concat(${heda})".into());
    let p = problems(bad);
    assert_eq!(
        (p[0].sheet.as_str(), p[0].column.as_str()),
        ("settings", "instance_name")
    );
}

proptest! {
    /// Whatever an author writes in any expression column, compiling never panics, and a
    /// form that compiles can be filled and finalized without panicking.
    #[test]
    fn arbitrary_expressions_never_panic(
        relevant in "[ -~]{0,30}",
        constraint in prop_oneof![Just(". > 3".to_string()), "[ -~]{0,30}"],
        calculation in prop_oneof![Just("${a} * 2".to_string()), "[$a{}().+*'<>= 0-9]{0,30}"],
    ) {
        let f = form(vec![
            int("a").n(),
            text("b").relevant(&relevant).constraint(&constraint, "").n(),
            calc("c", &calculation).n(),
        ]);
        if let Ok(c) = CompiledForm::compile(f) {
            let mut s = FormSession::new(Arc::new(c), None, now());
            let _ = s.set_answer("a", Answer::Integer { value: 5 });
            let _ = s.set_answer("b", Answer::Text { value: "x".into() });
            let _ = s.screen();
            let _ = s.next();
            let _ = s.finalize(now());
        }
    }
}

#[test]
fn jr_choice_name_needs_a_select() {
    let p = problems(form(vec![
        text("t").n(),
        calc("c", "jr:choice-name(${t}, '${t}')").n(),
    ]));
    assert!(
        p[0].message.contains("${t} is not a select question"),
        "{}",
        p[0].message
    );
}

/// CHT's forms: an `inputs` group relevant when its own `source` field says so.
fn inputs_form(source: &str) -> Form {
    let mut inputs = group(
        "inputs",
        vec![
            q("source", FieldKind::Hidden).default(source).n(),
            text("name").n(),
            calc("tag", "concat('t-', ${source})").n(),
        ],
    );
    inputs.relevant = Some("${source} = 'user'".into());
    form(vec![
        Node::Group(inputs),
        text("outside").n(),
        calc("greeting", "concat('Hello ', ${name})").n(),
    ])
}

#[test]
fn a_group_relevant_by_a_question_inside_it_reads_that_question_as_it_is() {
    // Not a cycle: the group's relevance reads `source` as it is (as JavaRosa does).
    let mut s = FormSession::new(compile(inputs_form("user")), None, now());
    assert_eq!(shown(&s), ["name"]);
    set_text(&mut s, "name", "Mai");
    s.next().unwrap();
    assert_eq!(shown(&s), ["outside"]);
    set_text(&mut s, "outside", "x");
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.data["inputs"]["tag"], "t-user");
    assert_eq!(sub.data["greeting"], "Hello Mai");
    // Another source: the group does not apply, its questions are not asked or sent,
    // and what reads them sees nothing.
    let mut s = FormSession::new(compile(inputs_form("task")), None, now());
    assert_eq!(shown(&s), ["outside"]);
    set_text(&mut s, "outside", "x");
    let sub = s.finalize(now()).unwrap();
    assert!(sub.data.get("inputs").is_none(), "{}", sub.data);
    assert_eq!(sub.data["greeting"], "Hello ");
}

#[test]
fn a_group_relevant_by_a_calculation_inside_it_follows_the_calculation() {
    // The calculation inside reads a question outside; while the group does not apply,
    // a change of the calculation still reaches the group's relevance.
    let mut g = group(
        "details",
        vec![calc("wanted", "${age} >= 18").n(), text("job").n()],
    );
    g.relevant = Some("${wanted} = 'true'".into());
    let mut s = session(form(vec![int("age").n(), Node::Group(g)]));
    set_int(&mut s, "age", 9);
    s.next().unwrap();
    assert_eq!(s.screen().page, crate::engine::Page::End);
    s.back().unwrap();
    set_int(&mut s, "age", 30);
    s.next().unwrap();
    assert_eq!(shown(&s), ["job"]);
}

#[test]
fn a_bare_word_naming_no_question_is_empty_with_a_warning_as_in_odk() {
    // `fee = yes` where 'yes' was meant, `required = basic`: ODK reads a path below the
    // field, where nothing is.
    let f = form(vec![field_list(
        "page",
        vec![
            text("name").row(2).n(),
            calc("fee", "yes").row(3).n(),
            calc("seen", "concat('[', yes, ']')").row(4).n(),
            text("tap").required_if("basic").row(5).n(),
            text("shown").relevant("not(basic)").row(6).n(),
        ],
    )]);
    let compiled = CompiledForm::compile(f.clone()).expect("loads");
    let found: Vec<(u32, &str)> = compiled
        .warnings()
        .iter()
        .map(|w| (w.row, w.column.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (3, "calculation"),
            (4, "calculation"),
            (5, "required"),
            (6, "relevant")
        ]
    );
    let w = &compiled.warnings()[0].message;
    assert!(
        w.starts_with(
            "'yes' is not a reference: write ${yes} for the question, or 'yes' in quotes"
        ) && w.ends_with("read as a path to nothing (empty)"),
        "{w}"
    );
    assert!(
        compiled.warnings()[2]
            .message
            .starts_with("'basic' is neither yes nor no"),
        "{}",
        compiled.warnings()[2].message
    );
    let mut s = session(f);
    let values = &s.state().answers.values;
    assert_eq!(values.get("fee").map(String::as_str).unwrap_or(""), "");
    assert_eq!(values["seen"], "[]");
    // Not required (an empty node-set is false), and `not(basic)` is true: shown.
    assert!(
        shown(&s).iter().any(|p| p.ends_with("shown")),
        "{:?}",
        shown(&s)
    );
    s.next().expect("tap is not required");
}

#[test]
fn a_bare_word_naming_a_question_is_still_refused() {
    let p = problems(form(vec![
        int("age").row(2).n(),
        text("a").relevant("age > 3").row(3).n(),
    ]));
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].message
            .contains("'age' is not a reference: write ${age}"),
        "{}",
        p[0].message
    );
}

#[test]
fn a_literal_default_its_own_constraint_refuses_warns_at_the_cell() {
    let defaults_warned = |nodes: Vec<Node>| -> Vec<(u32, String)> {
        compile(form(nodes))
            .warnings()
            .iter()
            .filter(|w| w.column == "default")
            .map(|w| (w.row, w.message.clone()))
            .collect()
    };
    let found = defaults_warned(vec![
        int("age")
            .default("200")
            .constraint(". <= 120", "")
            .row(2)
            .n(),
        int("ok")
            .default("30")
            .constraint(". <= 120", "")
            .row(3)
            .n(),
        // Inside repeats, nested too: judged in an instance of each.
        Node::Repeat(repeat(
            "member",
            vec![
                text("code")
                    .default("AB")
                    .constraint("string-length(.) = 3", "")
                    .row(5)
                    .n(),
                Node::Repeat(repeat(
                    "child",
                    vec![
                        int("months")
                            .default("-1")
                            .constraint(". >= 0", "")
                            .row(7)
                            .n(),
                    ],
                )),
            ],
        )),
    ]);
    assert_eq!(
        found.iter().map(|(row, _)| *row).collect::<Vec<_>>(),
        [2, 5, 7]
    );
    assert!(
        found[0]
            .1
            .starts_with("the default '200' fails the question's own constraint"),
        "{}",
        found[0].1
    );
    // Not judged: what another answer, the clock or a calculation decides.
    let unjudged = defaults_warned(vec![
        int("most").n(),
        int("n").default("200").constraint(". <= ${most}", "").n(),
        text("d")
            .default("2020-01-01")
            .constraint(". > today()", "")
            .n(),
        int("c")
            .default("200")
            .calculation("5")
            .constraint(". <= 120", "")
            .n(),
    ]);
    assert_eq!(unjudged, []);
    // The form still fills: the question starts with the default, refused as before.
    let mut s = session(form(vec![
        int("age").default("200").constraint(". <= 120", "").n(),
        text("after").n(),
    ]));
    assert_eq!(
        s.state().answers.values.get("age").map(String::as_str),
        Some("200")
    );
    assert!(
        matches!(s.next(), Err(SessionError::PageIncomplete { count: 1 })),
        "the refused default stops her on the page"
    );
}
