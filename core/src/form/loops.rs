//! `begin loop over <list>`: the questions of the loop asked once per choice of the list,
//! as pyxform writes it: a group named after the loop holding, for each choice (but one
//! named `none`), a group named after the choice and labelled with its label, whose
//! questions have `%(name)s` and `%(label)s` replaced by the choice's name and label.

use super::{ChoiceList, Field, Group, Node, Texts};

/// The loop's body asked once per choice of `list`, as one group per choice.
pub(crate) fn expand(body: &[Node], list: &ChoiceList) -> Vec<Node> {
    list.choices
        .iter()
        .filter(|c| c.name != "none")
        .map(|choice| {
            Node::Group(Group {
                name: choice.name.clone(),
                label: choice.label.clone(),
                relevant: None,
                appearance: None,
                children: body
                    .iter()
                    .map(|node| substitute(node, &choice.name, &choice.label))
                    .collect(),
                source: choice.source.clone(),
            })
        })
        .collect()
}

/// A copy of `node` with the choice put in its own texts (not in those of what it holds,
/// as in pyxform).
fn substitute(node: &Node, name: &str, label: &Texts) -> Node {
    let put = |text: &str, lang: &str| {
        let label = label
            .0
            .get(lang)
            .or_else(|| label.0.get(""))
            .or_else(|| label.0.values().next())
            .map_or(name, String::as_str);
        text.replace("%(name)s", name).replace("%(label)s", label)
    };
    let texts = |t: &Texts| Texts(t.0.iter().map(|(l, v)| (l.clone(), put(v, l))).collect());
    let opt = |o: &Option<String>| o.as_deref().map(|v| put(v, ""));
    match node {
        Node::Field(f) => Node::Field(Box::new(Field {
            name: put(&f.name, ""),
            label: texts(&f.label),
            hint: texts(&f.hint),
            relevant: opt(&f.relevant),
            constraint: opt(&f.constraint),
            constraint_message: texts(&f.constraint_message),
            calculation: opt(&f.calculation),
            trigger: f.trigger.iter().map(|t| put(t, "")).collect(),
            default: opt(&f.default),
            required: opt(&f.required),
            required_message: texts(&f.required_message),
            read_only: opt(&f.read_only),
            choice_filter: opt(&f.choice_filter),
            ..(**f).clone()
        })),
        Node::Group(g) => Node::Group(Group {
            name: put(&g.name, ""),
            label: texts(&g.label),
            relevant: opt(&g.relevant),
            ..g.clone()
        }),
        Node::Repeat(r) => {
            let mut r = r.clone();
            r.name = put(&r.name, "");
            r.label = texts(&r.label);
            r.relevant = opt(&r.relevant);
            Node::Repeat(r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Choice, FieldKind, Source};
    use std::collections::BTreeMap;

    fn texts(pairs: &[(&str, &str)]) -> Texts {
        Texts(
            pairs
                .iter()
                .map(|(l, t)| ((*l).to_owned(), (*t).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn each_choice_gets_a_group_with_its_name_and_label_put_in() {
        let source = Source {
            sheet: "choices".into(),
            row: 2,
        };
        let choice = |name: &str, en: &str, vi: &str| Choice {
            name: name.into(),
            label: texts(&[("English (en)", en), ("Tiếng Việt (vi)", vi)]),
            extra: BTreeMap::new(),
            source: source.clone(),
        };
        let list = ChoiceList {
            name: "toilets".into(),
            choices: vec![
                choice("pit", "Pit latrine", "Hố xí"),
                choice("none", "None", "Không"),
                choice("flush", "Flush", "Tự hoại"),
            ],
        };
        let count = Field {
            name: "%(name)s_count".into(),
            label: texts(&[
                ("English (en)", "How many %(label)s?"),
                ("Tiếng Việt (vi)", "Bao nhiêu %(label)s?"),
            ]),
            relevant: Some("${has_%(name)s} = 'yes'".into()),
            ..Field::new("x", FieldKind::Integer, Texts::default(), source.clone())
        };
        let groups = expand(&[Node::Field(Box::new(count))], &list);
        let names: Vec<&str> = groups.iter().map(Node::name).collect();
        assert_eq!(names, ["pit", "flush"]);
        let Node::Group(flush) = &groups[1] else {
            panic!("a group")
        };
        assert_eq!(flush.label.0["English (en)"], "Flush");
        let Node::Field(q) = &flush.children[0] else {
            panic!("a field")
        };
        assert_eq!(q.name, "flush_count");
        assert_eq!(q.label.0["Tiếng Việt (vi)"], "Bao nhiêu Tự hoại?");
        assert_eq!(q.label.0["English (en)"], "How many Flush?");
        assert_eq!(q.relevant.as_deref(), Some("${has_flush} = 'yes'"));
    }
}
