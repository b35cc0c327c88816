//! Random use of a session: whatever a UI does, nothing panics, a saved draft restores
//! exactly at every step, and whatever the phone finalizes the server accepts.

use proptest::prelude::*;

use super::*;

fn household() -> Form {
    let mut kids = repeat(
        "kids",
        vec![
            text("kid").required().n(),
            int("kid_age").constraint(". < ${age}", "").n(),
        ],
    );
    kids.relevant = Some("${age} >= 15".into());
    let members = repeat(
        "members",
        vec![
            text("name").required().n(),
            int("age").constraint(". >= 0 and . < 120", "").n(),
            one("sex", "sex").relevant("${age} != ''").n(),
            text("school").relevant("${age} < 18").n(),
            Node::Repeat(kids),
            calc("n_kids", "count(${kids})").n(),
            calc("pos", "position(..)").n(),
        ],
    );
    let mut counted = repeat(
        "plots",
        vec![
            q("size", FieldKind::Decimal)
                .required_if("${n_plots} > 1")
                .n(),
        ],
    );
    counted.repeat_count = Some("${n_plots}".into());
    let f = form(vec![
        text("head").n(),
        Node::Repeat(members),
        int("n_plots").constraint(". <= 4", "").n(),
        Node::Repeat(counted),
        calc("total", "sum(${age})").n(),
        int("check")
            .relevant("${total} > 50")
            .constraint(". = ${total}", "")
            .n(),
    ]);
    with_lists(f, vec![list("sex", &[("f", "F", &[]), ("m", "M", &[])])])
}

#[derive(Debug, Clone)]
enum Op {
    Int(u8, i64),
    Text(u8, bool),
    Choose(u8, bool),
    Clear(u8),
    Next,
    Back,
    Add(u8),
    Remove(u8),
    Jump(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<u8>(), -5i64..130).prop_map(|(i, v)| Op::Int(i, v)),
        (any::<u8>(), any::<bool>()).prop_map(|(i, e)| Op::Text(i, e)),
        (any::<u8>(), any::<bool>()).prop_map(|(i, f)| Op::Choose(i, f)),
        any::<u8>().prop_map(Op::Clear),
        Just(Op::Next),
        Just(Op::Back),
        any::<u8>().prop_map(Op::Add),
        any::<u8>().prop_map(Op::Remove),
        any::<u8>().prop_map(Op::Jump),
    ]
}

/// Paths that exist now: every shown question, every repeat and repeat instance.
fn paths(s: &FormSession) -> Vec<String> {
    let mut out: Vec<String> = s.jump_targets().into_iter().map(|t| t.path).collect();
    out.extend(["members".to_string(), "plots".to_string()]);
    let state = s.state();
    if let Some(members) = state.answers.repeats.get("members") {
        for (i, m) in members.iter().enumerate() {
            out.push(format!("members[{}]", i + 1));
            out.push(format!("members[{}]/kids", i + 1));
            for k in 0..m.repeats.get("kids").map_or(0, Vec::len) {
                out.push(format!("members[{}]/kids[{}]", i + 1, k + 1));
            }
        }
    }
    out
}

fn pick(paths: &[String], i: u8) -> &str {
    &paths[i as usize % paths.len()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn random_use_restores_exactly_and_the_server_agrees(ops in proptest::collection::vec(op(), 1..60)) {
        let mut s = session(household());
        for op in ops {
            let p = paths(&s);
            // Errors are expected (wrong type, hidden, read-only...): only panics fail.
            let _ = match op {
                Op::Int(i, v) => s.set_answer(pick(&p, i), Answer::Integer { value: v }).map(drop),
                Op::Text(i, empty) => {
                    let value = if empty { String::new() } else { "x".into() };
                    s.set_answer(pick(&p, i), Answer::Text { value }).map(drop)
                }
                Op::Choose(i, f) => s.set_answer(pick(&p, i), Answer::Choice { name: if f { "f" } else { "m" }.into() }).map(drop),
                Op::Clear(i) => s.clear_answer(pick(&p, i)).map(drop),
                Op::Next => s.next(),
                Op::Back => s.back(),
                Op::Add(i) => s.add_repeat(pick(&p, i)),
                Op::Remove(i) => s.remove_repeat(pick(&p, i)),
                Op::Jump(i) => s.jump(pick(&p, i)),
            };
            let back = FormSession::restore_at(s.form().clone(), s.state(), now()).unwrap();
            prop_assert_eq!(back.state(), s.state());
            prop_assert_eq!(back.screen(), s.screen());
        }
        if let Ok(sub) = s.finalize(now()) {
            prop_assert_eq!(s.form().validate_data(&sub.data), Ok(()));
            let facts = crate::engine::ServerFacts {
                device_id: String::new(),
                username: String::new(),
                started_at: sub.started_at,
                finalized_at: sub.finalized_at,
                received_at: sub.finalized_at,
            };
            let server = s.form().recompute_data(&sub.data, &facts).map_err(|p| format!("{p:?}"));
            prop_assert_eq!(server.map(|r| (r.data, r.mismatches)), Ok((sub.data.clone(), vec![])));
        }
    }
}
