//! `branchbook`: the form author's command-line tool. `form check` reads and compiles an
//! XLSForm (or its JSON) exactly as the phones and the server will, and prints every
//! problem with its sheet, row and column, or a summary of the form; `form convert` prints the canonical
//! JSON that is published.

use std::path::Path;
use std::process::ExitCode;

use branchbook_core::engine::CompiledForm;
use branchbook_core::form::{
    Attachments, FieldKind, Form, FormError, MAX_ATTACHMENT_BYTES, Node, Problem, load_json,
    load_xlsx_with, needed_files, read_xlsx_named,
};

const USAGE: &str = "usage:
  branchbook form check FILE.xlsx|FILE.json   print the form's problems, or a summary when it has none
                                              (files the form names, e.g. villages.csv, are read
                                              from the folder FILE.xlsx is in)
  branchbook form convert FILE.xlsx            print the form's canonical JSON";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["form", "check", file] => run(Path::new(file), Output::Summary),
        ["form", "convert", file] => run(Path::new(file), Output::Json),
        ["help" | "--help" | "-h"] | ["form", "help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// What to print for a sound form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    /// `check`: a summary; problems go to standard output (they are the result).
    Summary,
    /// `convert`: the canonical JSON; problems go to standard error (the output is data).
    Json,
}

/// Reads the form at `path` and prints it as asked. Exit codes: 0 sound, 1 the form has
/// problems (or is not a form), 2 the file could not be read.
fn run(path: &Path, output: Output) -> ExitCode {
    let (form, read_warnings) = match read(path) {
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
        Ok(form) => form,
    };
    let say = |line: String| {
        if output == Output::Summary {
            println!("{line}")
        } else {
            eprintln!("{line}")
        }
    };
    // A loaded form has every warning (the reader's and the engine's); a refused one
    // the reader's.
    let warnings = match &form {
        Ok(compiled) => compiled.warnings(),
        Err(_) => read_warnings.as_slice(),
    };
    for warning in warnings {
        say(format!("warning: {warning}"));
    }
    match form {
        Ok(compiled) => {
            let form = compiled.form();
            match output {
                Output::Summary => print!("{}", summary(form)),
                Output::Json => println!("{}", form.to_json()),
            }
            ExitCode::SUCCESS
        }
        Err(FormError::Invalid { problems }) => {
            say(format!("{}: {} problem(s)", path.display(), problems.len()));
            for p in &problems {
                say(format!("  {p}"));
            }
            ExitCode::from(1)
        }
        Err(e) => {
            say(format!("{}: {e}", path.display()));
            ExitCode::from(1)
        }
    }
}

/// What reading a form file gave: the form or its problems, and the reader's warnings.
type Read = (Result<CompiledForm, FormError>, Vec<Problem>);

/// Loads (reads and compiles) a form file, by its extension: `.json` is canonical JSON,
/// anything else XLSForm. The outer error is a file that cannot be read at all.
fn read(path: &Path) -> Result<Read, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{} is not UTF-8 text", path.display()))?;
        return Ok((load_json(&text), Vec::new()));
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let (files, warnings) = match read_xlsx_named(&bytes, stem.as_deref()) {
        Ok(read) => (
            attachments_beside(path, &needed_files(&read.form)),
            read.warnings,
        ),
        Err(e) => return Ok((Err(e), Vec::new())),
    };
    Ok((load_xlsx_with(&bytes, stem.as_deref(), &files), warnings))
}

/// The files a form needs, read from the folder the form is in (as pyxform and ODK
/// Central expect them: beside the form, by name). A name with a path in it is not
/// looked for; a file is read no further than one byte past the limit (the loader then
/// says it is too large); a file that is not there is left for the loader to name.
fn attachments_beside(form: &Path, names: &[String]) -> Attachments {
    use std::io::Read;
    let dir = form.parent().unwrap_or(Path::new("."));
    let mut files = Attachments::new();
    for name in names {
        if name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        let Ok(file) = std::fs::File::open(dir.join(name)) else {
            continue;
        };
        let mut bytes = Vec::new();
        if file
            .take(MAX_ATTACHMENT_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .is_ok()
        {
            files.insert(name.clone(), bytes);
        }
    }
    files
}

/// Counts of what a form holds, for the summary.
#[derive(Default)]
struct Counts {
    questions: usize,
    computed: usize,
    groups: usize,
    repeats: usize,
}

fn count(nodes: &[Node], counts: &mut Counts) {
    for node in nodes {
        match node {
            Node::Field(f) => match f.kind {
                FieldKind::Calculate | FieldKind::Hidden | FieldKind::Meta(_) => {
                    counts.computed += 1
                }
                _ => counts.questions += 1,
            },
            Node::Group(g) => {
                counts.groups += 1;
                count(&g.children, counts);
            }
            Node::Repeat(r) => {
                counts.repeats += 1;
                count(&r.children, counts);
            }
        }
    }
}

fn summary(form: &Form) -> String {
    let mut counts = Counts::default();
    count(&form.body, &mut counts);
    let languages: Vec<String> = form
        .languages
        .iter()
        .map(|l| {
            let default = form.default_language.as_deref() == Some(l.name.as_str());
            format!("{}{}", l.name, if default { " [default]" } else { "" })
        })
        .collect();
    let or_none = |s: &str| {
        if s.is_empty() {
            "(none)".to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "form ok\n  id: {}\n  version: {}\n  title: {}\n  languages: {}\n  questions: {}\n  calculated/metadata fields: {}\n  groups: {}\n  repeats: {}\n  choice lists: {}\n  sha256: {}\n",
        form.id,
        or_none(&form.version),
        form.title,
        if languages.is_empty() {
            "(none)".to_owned()
        } else {
            languages.join(", ")
        },
        counts.questions,
        counts.computed,
        counts.groups,
        counts.repeats,
        form.choices.len(),
        form.fingerprint(),
    )
}
