//! Evaluates a bound expression. Evaluation is total: whatever parsed evaluates to some
//! value (NaN, "", false) without failing, as XPath does.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDateTime, NaiveTime, Utc};

use super::Func;
use super::ast::{BinOp, Expr, Lookup};
use super::value::{Value, compare};
use super::{dates, encode, geo, shuffle};

/// What an expression reads from the outside world: the answers behind its bound
/// references, the current field, repeat positions, choice labels and the clock.
pub trait Env<R> {
    /// The value of a reference: one field's text, or a node-set across repeat instances.
    fn get(&self, r: &R) -> Value<'_>;
    /// The value of the field the expression belongs to (`.`, used by `once()` and the
    /// functions whose argument defaults to it).
    fn current(&self) -> Value<'_>;
    /// `position(..)`: the 1-based number of the innermost (or the named) repeat instance.
    fn position(&self, repeat: Option<&R>) -> f64;
    /// `indexed-repeat(field, repeat, index)`.
    fn indexed(&self, field: &R, repeat: &R, index: f64) -> Value<'_>;
    /// `jr:choice-name(value, field)`: the label of choice `value` of `field`'s list.
    fn choice_label(&self, field: &R, choice: &str) -> Option<String>;
    /// The current instant (`now()`).
    fn now(&self) -> DateTime<Utc>;
    /// The user's time zone, which decides what day `today()` is.
    fn utc_offset(&self) -> FixedOffset;
    /// `instance('list')/root/item[filter]/column`: the values (or names) of the items of
    /// a choice list that pass the filter, evaluated with each item as its context.
    fn lookup(&self, lookup: &Lookup<R>) -> Value<'_>;
    /// `pulldata(table, column, key_column, key)`: `column` of the first row of the form's
    /// attached `table` whose `key_column` is `key`; "" when there is none.
    fn pulldata(&self, table: &str, column: &str, key_column: &str, key: &str) -> String;
    /// `version()`: the version of the form being filled.
    fn form_version(&self) -> &str;
    /// `jr:itext(id)`: the text with that id in the current language; "" for none.
    fn itext(&self, id: &str) -> String;
}

/// Evaluates `expr` against `env`.
pub fn eval<'a, R, E: Env<R>>(expr: &'a Expr<R>, env: &'a E) -> Value<'a> {
    match expr {
        Expr::Number(n) => Value::Number(*n),
        Expr::String(s) => Value::String(Cow::Borrowed(s)),
        Expr::Ref(r) => env.get(r),
        Expr::Neg(e) => Value::Number(-eval(e, env).to_number()),
        Expr::Binary(op, a, b) => binary(*op, a, b, env),
        Expr::Matches(subject, pattern) => {
            Value::Bool(pattern.0.is_match(&eval(subject, env).to_str()))
        }
        Expr::Call(f, args) => call(*f, args, env),
        Expr::Lookup(l) => env.lookup(l),
    }
}

fn binary<'a, R, E: Env<R>>(op: BinOp, a: &'a Expr<R>, b: &'a Expr<R>, env: &'a E) -> Value<'a> {
    let num = |f: fn(f64, f64) -> f64| {
        Value::Number(f(eval(a, env).to_number(), eval(b, env).to_number()))
    };
    match op {
        BinOp::Or => Value::Bool(eval(a, env).to_bool() || eval(b, env).to_bool()),
        BinOp::And => Value::Bool(eval(a, env).to_bool() && eval(b, env).to_bool()),
        BinOp::Compare(c) => Value::Bool(compare(c, &eval(a, env), &eval(b, env))),
        BinOp::Add => num(|x, y| x + y),
        BinOp::Sub => num(|x, y| x - y),
        BinOp::Mul => num(|x, y| x * y),
        BinOp::Div => num(|x, y| x / y),
        BinOp::Mod => num(|x, y| x % y),
    }
}

fn call<'a, R, E: Env<R>>(f: Func, args: &'a [Expr<R>], env: &'a E) -> Value<'a> {
    let arg = |i: usize| {
        args.get(i)
            .map_or(Value::String(Cow::Borrowed("")), |a| eval(a, env))
    };
    // The argument, or the current field when it is omitted.
    let arg_or_current = |i: usize| args.get(i).map_or_else(|| env.current(), |a| eval(a, env));
    let string = |i: usize| arg(i).into_string();
    let number = |i: usize| arg(i).to_number();
    let text = |s: String| Value::owned_string(s);
    match f {
        Func::If => {
            if arg(0).to_bool() {
                arg(1)
            } else {
                arg(2)
            }
        }
        Func::Selected => {
            let wanted = string(1);
            let wanted = wanted.trim();
            Value::Bool(arg(0).to_str().split_whitespace().any(|c| c == wanted))
        }
        Func::CountSelected => Value::Number(arg(0).to_str().split_whitespace().count() as f64),
        Func::SelectedAt => {
            let list = arg(0);
            let i = number(1);
            let picked = if i >= 0.0 {
                list.to_str()
                    .split_whitespace()
                    .nth(i as usize)
                    .map(str::to_string)
            } else {
                None
            };
            text(picked.unwrap_or_default())
        }
        Func::ChoiceName => match args.get(1) {
            Some(Expr::Ref(field)) => text(
                env.choice_label(field, string(0).trim())
                    .unwrap_or_default(),
            ),
            _ => text(String::new()),
        },
        Func::StringLength => Value::Number(arg_or_current(0).to_str().chars().count() as f64),
        Func::Regex => {
            let matched =
                regex_lite::Regex::new(&string(1)).is_ok_and(|re| re.is_match(&arg(0).to_str()));
            Value::Bool(matched)
        }
        Func::Concat => {
            let mut out = String::new();
            for a in args {
                for item in eval(a, env).items() {
                    out.push_str(&item);
                }
            }
            text(out)
        }
        Func::Join => {
            let sep = string(0);
            let values: Vec<Value<'a>> = args.iter().skip(1).map(|a| eval(a, env)).collect();
            let items: Vec<Cow<'_, str>> = values.iter().flat_map(Value::items).collect();
            text(items.join(&sep))
        }
        Func::Coalesce => {
            let first = arg(0);
            if first.to_str().is_empty() {
                arg(1)
            } else {
                first
            }
        }
        Func::Substr => {
            let s: Vec<char> = arg(0).to_str().chars().collect();
            let len = s.len() as f64;
            let start = clamp_index(number(1), len);
            let end = if args.len() > 2 {
                clamp_index(number(2), len)
            } else {
                s.len()
            };
            text(if start < end {
                s[start..end].iter().collect()
            } else {
                String::new()
            })
        }
        Func::Contains => Value::Bool(string(0).contains(string(1).as_str())),
        Func::StartsWith => Value::Bool(string(0).starts_with(string(1).as_str())),
        Func::EndsWith => Value::Bool(string(0).ends_with(string(1).as_str())),
        Func::NormalizeSpace => text(
            arg_or_current(0)
                .to_str()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Func::Translate => text(translate(&string(0), &string(1), &string(2))),
        Func::String => text(arg_or_current(0).into_string()),
        Func::Boolean => Value::Bool(arg(0).to_bool()),
        Func::BooleanFromString => {
            let s = arg(0);
            Value::Bool(matches!(s.to_str().as_ref(), "true" | "1"))
        }
        Func::Number => Value::Number(arg_or_current(0).to_number()),
        Func::Int => Value::Number(number(0).trunc()),
        Func::Round => Value::Number(round(number(0), args.get(1).map(|_| number(1)))),
        Func::Floor => Value::Number(number(0).floor()),
        Func::Ceiling => Value::Number(number(0).ceil()),
        Func::Abs => Value::Number(number(0).abs()),
        Func::Pow => Value::Number(number(0).powf(number(1))),
        Func::Min => Value::Number(fold_numbers(args, env, f64::min)),
        Func::Max => Value::Number(fold_numbers(args, env, f64::max)),
        Func::Count => Value::Number(match arg(0) {
            Value::Nodes(n) => n.len() as f64,
            _ => 1.0,
        }),
        Func::Sum => {
            let v = arg(0);
            Value::Number(
                v.items()
                    .iter()
                    .map(|s| Value::String(Cow::Borrowed(s.as_ref())).to_number())
                    .sum(),
            )
        }
        Func::Position => match args.first() {
            Some(Expr::Ref(r)) => Value::Number(env.position(Some(r))),
            _ => Value::Number(env.position(None)),
        },
        Func::IndexedRepeat => match (args.first(), args.get(1)) {
            (Some(Expr::Ref(field)), Some(Expr::Ref(repeat))) => {
                env.indexed(field, repeat, number(2))
            }
            _ => text(String::new()),
        },
        Func::Not => Value::Bool(!arg(0).to_bool()),
        Func::True => Value::Bool(true),
        Func::False => Value::Bool(false),
        Func::Today => {
            let local = env.now().with_timezone(&env.utc_offset()).date_naive();
            Value::Date(dates::date_to_days(local))
        }
        Func::Now => Value::DateTime(dates::datetime_to_days(env.now())),
        Func::Date => Value::Date(to_days(&arg(0)).floor()),
        Func::DecimalDateTime => Value::Number(to_days(&arg(0))),
        Func::FormatDate => {
            let when = local_datetime(&arg(0), env.utc_offset());
            text(
                when.map(|t| dates::format_date(t, &string(1)))
                    .unwrap_or_default(),
            )
        }
        Func::Once => {
            let current = env.current();
            if current.to_str().is_empty() {
                arg(0)
            } else {
                current
            }
        }
        Func::Uuid if args.is_empty() => text(uuid::Uuid::new_v4().to_string()),
        Func::Uuid => text(encode::random_text(number(0))),
        Func::Random => Value::Number(random_fraction()),
        Func::FormatDateTime => {
            let when = local_datetime(&arg(0), env.utc_offset());
            text(
                when.map(|t| dates::format_date(t, &string(1)))
                    .unwrap_or_default(),
            )
        }
        Func::DateTime => Value::DateTime(to_days(&arg(0))),
        Func::DecimalTime => {
            Value::Number(dates::time_to_day_fraction(&string(0)).unwrap_or(f64::NAN))
        }
        Func::Substring => {
            let s: Vec<char> = arg(0).to_str().chars().collect();
            // XPath: characters whose 1-based position p has start <= p < start + length,
            // both rounded.
            let start = round(number(1), None);
            let end = if args.len() > 2 {
                start + round(number(2), None)
            } else {
                f64::INFINITY
            };
            text(
                s.iter()
                    .enumerate()
                    .filter(|(i, _)| {
                        let p = (*i + 1) as f64;
                        p >= start && p < end
                    })
                    .map(|(_, c)| c)
                    .collect(),
            )
        }
        Func::SubstringBefore => {
            let (s, t) = (string(0), string(1));
            text(
                s.split_once(t.as_str())
                    .map(|(before, _)| before.to_owned())
                    .unwrap_or_default(),
            )
        }
        Func::SubstringAfter => {
            let (s, t) = (string(0), string(1));
            text(
                s.split_once(t.as_str())
                    .map(|(_, after)| after.to_owned())
                    .unwrap_or_default(),
            )
        }
        Func::Sqrt => Value::Number(number(0).sqrt()),
        Func::Exp => Value::Number(number(0).exp()),
        Func::Exp10 => Value::Number(10f64.powf(number(0))),
        Func::Log => Value::Number(number(0).ln()),
        Func::Log10 => Value::Number(number(0).log10()),
        Func::Sin => Value::Number(number(0).sin()),
        Func::Cos => Value::Number(number(0).cos()),
        Func::Tan => Value::Number(number(0).tan()),
        Func::Asin => Value::Number(number(0).asin()),
        Func::Acos => Value::Number(number(0).acos()),
        Func::Atan => Value::Number(number(0).atan()),
        Func::Atan2 => Value::Number(number(0).atan2(number(1))),
        Func::Pi => Value::Number(std::f64::consts::PI),
        Func::Pulldata => text(env.pulldata(&string(0), &string(1), &string(2), &string(3))),
        Func::Checklist => {
            let (min, max) = (number(0), number(1));
            let yes = args[2..].iter().filter(|a| eval(a, env).to_bool()).count() as f64;
            Value::Bool(within(yes, min, max))
        }
        Func::WeightedChecklist => {
            let (min, max) = (number(0), number(1));
            let pairs = args[2..].chunks(2);
            let odd = args.len() % 2 == 1;
            let total: f64 = pairs
                .filter(|p| p.len() == 2 && eval(&p[0], env).to_bool())
                .map(|p| eval(&p[1], env).to_number())
                .sum();
            Value::Bool(!odd && within(total, min, max))
        }
        Func::Randomize => {
            let nodes = arg(0);
            let items = nodes.items();
            let shuffled = match args.get(1).map(|_| number(1)) {
                Some(s) if s.is_finite() => shuffle::shuffle_seeded(&items, s.trunc() as i64),
                // A seed that is not a number: JavaRosa fails; nothing is offered here.
                Some(_) => Vec::new(),
                None => shuffle::shuffle_unseeded(&items),
            };
            Value::Nodes(
                shuffled
                    .into_iter()
                    .map(|c| Cow::Owned(c.into_owned()))
                    .collect(),
            )
        }
        Func::CountNonEmpty => Value::Number(match arg(0) {
            Value::Nodes(n) => n.iter().filter(|s| !s.is_empty()).count() as f64,
            other => f64::from(u8::from(!other.to_str().is_empty())),
        }),
        Func::Digest => {
            let encoding = if args.len() > 2 {
                string(2)
            } else {
                String::new()
            };
            text(encode::digest(&string(0), &string(1), &encoding).unwrap_or_default())
        }
        Func::Base64Decode => text(encode::base64_decode(&string(0))),
        Func::Area => geo_number(&arg(0), geo::area),
        Func::Distance => geo_number(&arg(0), geo::distance),
        Func::Current => env.current(),
        Func::Version => Value::String(Cow::Borrowed(env.form_version())),
        Func::Itext => text(env.itext(&string(0))),
    }
}

/// A uniformly drawn number in [0, 1) from 53 random bits (of a v4 UUID's random bytes).
pub(crate) fn random_fraction() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() >> 75;
    bits as f64 / (1u64 << 53) as f64
}

/// `min <= n <= max`, a bound of -1 (any negative) meaning none (`checklist()`).
fn within(n: f64, min: f64, max: f64) -> bool {
    (min < 0.0 || n >= min) && (max < 0.0 || n <= max)
}

/// `area()`/`distance()` of a geoshape, a geotrace or geopoints; NaN when any point is
/// not a latitude and longitude.
fn geo_number(v: &Value<'_>, measure: fn(&[(f64, f64)]) -> f64) -> Value<'static> {
    let items = v.items();
    Value::Number(geo::points(items.iter().map(AsRef::as_ref)).map_or(f64::NAN, |p| measure(&p)))
}

/// A day number from a date, a date-time, a number or text holding either.
fn to_days(v: &Value<'_>) -> f64 {
    match v {
        Value::Date(d) | Value::DateTime(d) => *d,
        other => other.to_number(),
    }
}

/// The wall-clock date and time a value stands for in the user's zone: a date is its
/// midnight, an instant is shifted into the zone.
fn local_datetime(v: &Value<'_>, offset: FixedOffset) -> Option<NaiveDateTime> {
    let date_only = match v {
        Value::Date(_) => true,
        Value::String(s) => dates::parse_date(s.trim()).is_some(),
        _ => false,
    };
    let days = to_days(v);
    if date_only {
        return dates::days_to_date(days).map(|d| d.and_time(NaiveTime::MIN));
    }
    dates::days_to_datetime(days).map(|t| t.with_timezone(&offset).naive_local())
}

/// A character index from a number, clamped to `0..=len` (NaN counts as 0).
fn clamp_index(n: f64, len: f64) -> usize {
    if n.is_nan() {
        0
    } else {
        n.clamp(0.0, len) as usize
    }
}

/// `round(x)` rounds halves up (XPath); `round(x, digits)` rounds halves away from zero
/// (JavaRosa).
fn round(x: f64, digits: Option<f64>) -> f64 {
    match digits {
        None => {
            if x.is_finite() {
                (x + 0.5).floor()
            } else {
                x
            }
        }
        Some(d) if d.is_nan() => f64::NAN,
        Some(d) => {
            // Scale by an exact power of ten (10^-2 is not exact, 10^2 is).
            let scale = 10f64.powi(d.abs().min(308.0) as i32);
            let scaled = if d >= 0.0 { x * scale } else { x / scale };
            match (scaled.is_finite(), d >= 0.0) {
                (false, _) => x,
                (true, true) => scaled.round() / scale,
                (true, false) => scaled.round() * scale,
            }
        }
    }
}

/// `min`/`max` over every number of every argument (node-sets contribute each node);
/// NaN when there is none or any is not a number.
fn fold_numbers<R, E: Env<R>>(args: &[Expr<R>], env: &E, pick: fn(f64, f64) -> f64) -> f64 {
    let mut acc: Option<f64> = None;
    for a in args {
        for item in eval(a, env).items() {
            let n = Value::String(Cow::Borrowed(item.as_ref())).to_number();
            if n.is_nan() {
                return f64::NAN;
            }
            acc = Some(acc.map_or(n, |m| pick(m, n)));
        }
    }
    acc.unwrap_or(f64::NAN)
}

/// XPath `translate()`: each character of `from` becomes the character at the same place
/// in `to`, or is removed when `to` is shorter.
fn translate(s: &str, from: &str, to: &str) -> String {
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    s.chars()
        .filter_map(|c| match from.iter().position(|&f| f == c) {
            Some(i) => to.get(i).copied(),
            None => Some(c),
        })
        .collect()
}
