//! A Pratt parser for the XLSForm subset of XPath 1.0. It checks function names and
//! argument counts as it goes, so every syntax problem comes with its position.

use std::sync::Arc;

use super::ast::{BinOp, Cmp, Expr, Lookup, Path, Pattern, Reference, Step, Target};
use super::encode::DIGEST_ALGORITHMS;
use super::lexer::{Tok, Token, tokenize};
use super::{Func, ParseError};

/// How deeply expressions may nest: far beyond any real form, low enough that a
/// pathological input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// The tallest syntax tree an expression may make. A flat chain (`a and b and c...`)
/// parses in a loop but makes a tree as tall as it is long, and evaluating, binding,
/// printing and dropping a tree recurse once per level: this bound keeps all of them
/// within a small thread's stack (a phone's background thread, 256 KiB). A sum of 250
/// fields fits; a longer one can be split into several calculations.
pub const MAX_HEIGHT: usize = 256;

/// Binding power of unary minus: tighter than every binary operator.
const UNARY_BP: u8 = 13;

/// Parses one expression; the first problem found is the error.
pub fn parse(src: &str) -> Result<Expr<Reference>, ParseError> {
    parse_all(src).map_err(|mut errors| errors.swap_remove(0))
}

/// Parses one expression, with every unknown function it calls reported (a cell using
/// `sqrtx`, `cosx` and `atanx` names all three); a syntax error still ends the parse.
/// The error list is never empty.
pub fn parse_all(src: &str) -> Result<Expr<Reference>, Vec<ParseError>> {
    let mut p = Parser {
        tokens: tokenize(src).map_err(|e| vec![e])?,
        pos: 0,
        depth: 0,
        unknown: Vec::new(),
    };
    let parsed = p.whole();
    let mut errors = std::mem::take(&mut p.unknown);
    match parsed {
        Ok(expr) if errors.is_empty() => Ok(expr),
        Ok(_) => Err(errors),
        Err(e) => {
            errors.push(e);
            errors.sort_by_key(|e| e.offset);
            Err(errors)
        }
    }
}

impl Parser {
    fn whole(&mut self) -> Result<Expr<Reference>, ParseError> {
        let expr = self.expr(0)?.expr;
        let t = self.peek();
        if t.tok != Tok::Eof {
            return Err(self.error_at(
                t.offset,
                format!(
                    "unexpected {} after the end of the expression",
                    describe(&t.tok)
                ),
            ));
        }
        Ok(expr)
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Unknown functions met so far: reported together, the parse goes on past them.
    unknown: Vec<ParseError>,
}

/// An expression being built, with the height of its tree (a leaf is 1).
struct Node {
    expr: Expr<Reference>,
    height: usize,
}

impl Node {
    fn leaf(expr: Expr<Reference>) -> Node {
        Node { expr, height: 1 }
    }
}

impl Parser {
    fn peek(&self) -> Token {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Token {
        let last = self.tokens.len().saturating_sub(1);
        self.tokens
            .get(self.pos + ahead)
            .or(self.tokens.get(last))
            .cloned()
            .unwrap_or(Token {
                tok: Tok::Eof,
                offset: 0,
            })
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn error_at(&self, offset: usize, message: String) -> ParseError {
        ParseError { offset, message }
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Token, ParseError> {
        let t = self.peek();
        if t.tok == want {
            Ok(self.bump())
        } else {
            Err(self.error_at(
                t.offset,
                format!("expected {what}, found {}", describe(&t.tok)),
            ))
        }
    }

    /// An expression whose binary operators bind at least as tightly as `min_bp`.
    fn expr(&mut self, min_bp: u8) -> Result<Node, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.peek().offset;
            return Err(self.error_at(at, "expression is nested too deeply".into()));
        }
        let mut lhs = self.prefix()?;
        loop {
            let t = self.peek();
            let Some(op) = infix(&t.tok) else {
                if t.tok == Tok::Pipe {
                    return Err(
                        self.error_at(t.offset, "the union operator '|' is not supported".into())
                    );
                }
                break;
            };
            let (lbp, rbp) = binding_power(op);
            if lbp < min_bp {
                break;
            }
            self.bump();
            let rhs = self.expr(rbp)?;
            let height = 1 + lhs.height.max(rhs.height);
            self.check_height(height, t.offset)?;
            lhs = Node {
                expr: Expr::Binary(op, Box::new(lhs.expr), Box::new(rhs.expr)),
                height,
            };
        }
        self.depth -= 1;
        Ok(lhs)
    }

    /// Refuses a tree taller than [`MAX_HEIGHT`], pointing at the operator that made it so.
    fn check_height(&self, height: usize, offset: usize) -> Result<(), ParseError> {
        if height > MAX_HEIGHT {
            return Err(self.error_at(
                offset,
                format!(
                    "the expression is too long: more than {MAX_HEIGHT} operations in a chain; split it into several calculations"
                ),
            ));
        }
        Ok(())
    }

    fn prefix(&mut self) -> Result<Node, ParseError> {
        let t = self.peek();
        match t.tok {
            Tok::Number(n) => {
                self.bump();
                Ok(Node::leaf(Expr::Number(n)))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Node::leaf(Expr::String(s)))
            }
            Tok::Field(name) => self.field_ref(Target::Field(name), t.offset),
            Tok::LastSaved(name) => self.field_ref(Target::LastSaved(name), t.offset),
            Tok::Minus => {
                self.bump();
                let e = self.expr(UNARY_BP)?;
                let height = e.height + 1;
                self.check_height(height, t.offset)?;
                Ok(Node {
                    expr: Expr::Neg(Box::new(e.expr)),
                    height,
                })
            }
            Tok::LParen => {
                self.bump();
                let e = self.expr(0)?;
                self.expect(Tok::RParen, "')'")?;
                Ok(e)
            }
            Tok::Name(ref name) if name == "instance" && self.peek_at(1).tok == Tok::LParen => {
                self.lookup(t.offset)
            }
            Tok::Name(ref name) if name == "current" && self.peek_at(1).tok == Tok::LParen => {
                let call = self.call("current", t.offset)?;
                if self.peek().tok == Tok::Slash {
                    self.current_path(t.offset)
                } else {
                    Ok(call)
                }
            }
            Tok::Name(ref name) if self.peek_at(1).tok == Tok::LParen => {
                let name = name.clone();
                self.call(&name, t.offset)
            }
            Tok::Dot | Tok::DotDot | Tok::Slash | Tok::Name(_) => self.path(),
            Tok::SlashSlash | Tok::At | Tok::Star => Err(self.error_at(
                t.offset,
                format!("{} paths are not supported", describe(&t.tok)),
            )),
            other => Err(self.error_at(
                t.offset,
                format!("expected a value, found {}", describe(&other)),
            )),
        }
    }

    /// `name(args...)`, the name already peeked.
    /// `${name}` or `${last-saved#name}`, just read: a reference, which no path step or
    /// predicate may follow.
    fn field_ref(&mut self, target: Target, offset: usize) -> Result<Node, ParseError> {
        self.bump();
        let next = self.peek();
        if matches!(next.tok, Tok::Slash | Tok::SlashSlash | Tok::LBracket) {
            return Err(self.error_at(
                next.offset,
                "a path or predicate after ${…} is not supported".into(),
            ));
        }
        Ok(Node::leaf(Expr::Ref(Reference { target, offset })))
    }

    fn call(&mut self, name: &str, offset: usize) -> Result<Node, ParseError> {
        let func = Func::from_name(name);
        if func.is_none() {
            let unknown = self.error_at(offset, format!("unknown function {name}()"));
            self.unknown.push(unknown);
        }
        self.bump();
        self.bump();
        let mut args = Vec::new();
        let mut height = 1;
        if self.peek().tok != Tok::RParen {
            loop {
                let arg = self.expr(0)?;
                height = height.max(arg.height + 1);
                self.check_height(height, offset)?;
                args.push(arg.expr);
                if self.peek().tok == Tok::Comma {
                    self.bump();
                } else {
                    break;
                }
            }
        }
        self.expect(Tok::RParen, "',' or ')'")?;
        let Some(func) = func else {
            // Already reported; an empty string stands in so the parse can go on.
            return Ok(Node {
                expr: Expr::String(String::new()),
                height,
            });
        };
        let (min, max) = func.arity();
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            let wanted = match max {
                Some(m) if m == min => format!("{min}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            return Err(self.error_at(
                offset,
                format!("{name}() takes {wanted} argument(s), given {}", args.len()),
            ));
        }
        let needs_ref = match func {
            Func::IndexedRepeat => args.iter().take(2).any(|a| !matches!(a, Expr::Ref(_))),
            Func::Position => args.first().is_some_and(|a| !matches!(a, Expr::Ref(_))),
            _ => false,
        };
        if func == Func::WeightedChecklist && args.len() % 2 == 1 {
            return Err(self.error_at(
                offset,
                format!(
                    "{name}() takes min, max and then pairs of a condition and its weight, given {} argument(s)",
                    args.len()
                ),
            ));
        }
        if let (Func::Digest, Some(Expr::String(algorithm))) = (func, args.get(1))
            && !DIGEST_ALGORITHMS.contains(&algorithm.as_str())
        {
            return Err(self.error_at(
                offset,
                format!(
                    "digest() does not know the algorithm '{algorithm}': use one of {}",
                    DIGEST_ALGORITHMS.join(", ")
                ),
            ));
        }
        if needs_ref {
            return Err(self.error_at(
                offset,
                format!("{name}() needs references (like ${{name}} or ..) where it names fields"),
            ));
        }
        let expr = match func {
            Func::Regex => regex_call(args, offset)?,
            Func::ChoiceName => choice_name_call(args, offset)?,
            _ => Expr::Call(func, args),
        };
        Ok(Node { expr, height })
    }

    /// `instance('list')/root/item`, then an optional predicate and an optional column:
    /// the only shape of secondary-instance path XLSForms use.
    fn lookup(&mut self, offset: usize) -> Result<Node, ParseError> {
        self.bump();
        self.bump();
        let id = match self.bump().tok {
            Tok::Str(id) => id,
            _ => {
                return Err(self.error_at(
                    offset,
                    "instance() takes the name of a choice list in quotes".into(),
                ));
            }
        };
        self.expect(Tok::RParen, "')'")?;
        let shape = |p: &Self| {
            p.error_at(
                offset,
                format!("only instance('{id}')/root/item[...]/column is supported"),
            )
        };
        for step in ["root", "item"] {
            if self.bump().tok != Tok::Slash || self.bump().tok != Tok::Name(step.into()) {
                return Err(shape(self));
            }
        }
        let mut height = 1;
        let filter = if self.peek().tok == Tok::LBracket {
            self.bump();
            let e = self.expr(0)?;
            height = e.height + 1;
            self.check_height(height, offset)?;
            self.expect(Tok::RBracket, "']'")?;
            Some(e.expr)
        } else {
            None
        };
        let column = if self.peek().tok == Tok::Slash {
            self.bump();
            match self.bump().tok {
                Tok::Name(c) => Some(c),
                _ => return Err(shape(self)),
            }
        } else {
            None
        };
        if matches!(
            self.peek().tok,
            Tok::Slash | Tok::SlashSlash | Tok::LBracket
        ) {
            return Err(shape(self));
        }
        Ok(Node {
            expr: Expr::Lookup(Box::new(Lookup {
                instance: id,
                list: None,
                filter,
                column,
            })),
            height,
        })
    }

    /// `current()/../name`: a path from the field the expression belongs to (used inside
    /// `instance()` predicates), the `current()` already read.
    fn current_path(&mut self, offset: usize) -> Result<Node, ParseError> {
        let mut steps = vec![Step::Current];
        while self.peek().tok == Tok::Slash {
            self.bump();
            let t = self.bump();
            steps.push(match t.tok {
                Tok::Dot => Step::Current,
                Tok::DotDot => Step::Parent,
                Tok::Name(n) => Step::Name(n),
                other => {
                    return Err(self.error_at(
                        t.offset,
                        format!("expected a path step, found {}", describe(&other)),
                    ));
                }
            });
        }
        Ok(Node::leaf(Expr::Ref(Reference {
            target: Target::Path(Path {
                absolute: false,
                steps,
            }),
            offset,
        })))
    }

    /// A location path: `.`, `..`, `../x`, `/data/x`, `name`.
    fn path(&mut self) -> Result<Node, ParseError> {
        let offset = self.peek().offset;
        let mut path = Path {
            absolute: false,
            steps: Vec::new(),
        };
        if self.peek().tok == Tok::Slash {
            self.bump();
            path.absolute = true;
        }
        loop {
            let t = self.peek();
            let step = match t.tok {
                Tok::Dot => Step::Current,
                Tok::DotDot => Step::Parent,
                Tok::Name(ref n) => Step::Name(n.clone()),
                _ if path.absolute && path.steps.is_empty() => {
                    return Err(
                        self.error_at(t.offset, "the root path '/' alone is not supported".into())
                    );
                }
                _ => {
                    return Err(self.error_at(
                        t.offset,
                        format!("expected a path step, found {}", describe(&t.tok)),
                    ));
                }
            };
            self.bump();
            path.steps.push(step);
            let next = self.peek();
            match next.tok {
                Tok::Slash => {
                    self.bump();
                }
                Tok::LBracket | Tok::SlashSlash | Tok::ColonColon => {
                    return Err(self.error_at(
                        next.offset,
                        "predicates and axes in paths are not supported".into(),
                    ));
                }
                _ => break,
            }
        }
        Ok(Node::leaf(Expr::Ref(Reference {
            target: Target::Path(path),
            offset,
        })))
    }
}

/// `regex(s, 'literal')` compiles its pattern now; a computed pattern is compiled when used.
fn regex_call(
    mut args: Vec<Expr<Reference>>,
    offset: usize,
) -> Result<Expr<Reference>, ParseError> {
    if let (Some(Expr::String(pattern)), 2) = (args.get(1), args.len()) {
        let re = regex_lite::Regex::new(pattern).map_err(|e| ParseError {
            offset,
            message: format!("invalid regular expression '{pattern}': {e}"),
        })?;
        args.truncate(1);
        if let Some(subject) = args.pop() {
            return Ok(Expr::Matches(Box::new(subject), Pattern(Arc::new(re))));
        }
    }
    Ok(Expr::Call(Func::Regex, args))
}

/// `jr:choice-name(value, '${field}')`: the quoted reference names the field whose choice
/// list holds the labels (pyxform writes it as a string, so it is parsed here).
fn choice_name_call(
    mut args: Vec<Expr<Reference>>,
    offset: usize,
) -> Result<Expr<Reference>, ParseError> {
    let target = match args.get(1) {
        Some(Expr::String(s)) => match tokenize(s).ok().as_deref() {
            Some(
                [
                    Token {
                        tok: Tok::Field(name),
                        ..
                    },
                    Token { tok: Tok::Eof, .. },
                ],
            ) => Some(name.clone()),
            _ => None,
        },
        Some(Expr::Ref(Reference {
            target: Target::Field(name),
            ..
        })) => Some(name.clone()),
        _ => None,
    };
    let Some(name) = target else {
        return Err(ParseError {
            offset,
            message:
                "jr:choice-name() needs the question as its second argument, like '${question}'"
                    .into(),
        });
    };
    args[1] = Expr::Ref(Reference {
        target: Target::Field(name),
        offset,
    });
    Ok(Expr::Call(Func::ChoiceName, args))
}

fn infix(tok: &Tok) -> Option<BinOp> {
    Some(match tok {
        Tok::Name(n) => match n.as_str() {
            "or" => BinOp::Or,
            "and" => BinOp::And,
            "div" => BinOp::Div,
            "mod" => BinOp::Mod,
            _ => return None,
        },
        Tok::Eq => BinOp::Compare(Cmp::Eq),
        Tok::Neq => BinOp::Compare(Cmp::Neq),
        Tok::Lt => BinOp::Compare(Cmp::Lt),
        Tok::Le => BinOp::Compare(Cmp::Le),
        Tok::Gt => BinOp::Compare(Cmp::Gt),
        Tok::Ge => BinOp::Compare(Cmp::Ge),
        Tok::Plus => BinOp::Add,
        Tok::Minus => BinOp::Sub,
        Tok::Star => BinOp::Mul,
        _ => return None,
    })
}

/// Left and right binding powers; all binary operators are left-associative.
fn binding_power(op: BinOp) -> (u8, u8) {
    let level = match op {
        BinOp::Or => 1,
        BinOp::And => 3,
        BinOp::Compare(Cmp::Eq | Cmp::Neq) => 5,
        BinOp::Compare(Cmp::Lt | Cmp::Le | Cmp::Gt | Cmp::Ge) => 7,
        BinOp::Add | BinOp::Sub => 9,
        BinOp::Mul | BinOp::Div | BinOp::Mod => 11,
    };
    (level, level + 1)
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Number(n) => format!("number {n}"),
        Tok::Str(s) => format!("string '{s}'"),
        Tok::Field(n) => format!("${{{n}}}"),
        Tok::LastSaved(n) => format!("${{last-saved#{n}}}"),
        Tok::Name(n) => format!("'{n}'"),
        Tok::Dot => "'.'".into(),
        Tok::DotDot => "'..'".into(),
        Tok::Slash => "'/'".into(),
        Tok::SlashSlash => "'//'".into(),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::LBracket => "'['".into(),
        Tok::RBracket => "']'".into(),
        Tok::Comma => "','".into(),
        Tok::Plus => "'+'".into(),
        Tok::Minus => "'-'".into(),
        Tok::Star => "'*'".into(),
        Tok::Eq => "'='".into(),
        Tok::Neq => "'!='".into(),
        Tok::Lt => "'<'".into(),
        Tok::Le => "'<='".into(),
        Tok::Gt => "'>'".into(),
        Tok::Ge => "'>='".into(),
        Tok::Pipe => "'|'".into(),
        Tok::At => "'@'".into(),
        Tok::ColonColon => "'::'".into(),
        Tok::Eof => "the end of the expression".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse(s).unwrap().to_string()
    }

    fn err(s: &str) -> ParseError {
        parse(s).unwrap_err()
    }

    #[test]
    fn precedence_follows_xpath() {
        assert_eq!(p("1 + 2 * 3"), "(1 + (2 * 3))");
        assert_eq!(p("1 - 2 - 3"), "((1 - 2) - 3)");
        assert_eq!(
            p("${a} > 1 and ${b} or ${c} = 'x'"),
            "(((${a} > 1) and ${b}) or (${c} = 'x'))"
        );
        assert_eq!(p("1 < 2 = 3 <= 4"), "((1 < 2) = (3 <= 4))");
        assert_eq!(p("-2 * 3"), "(-(2) * 3)");
        assert_eq!(p("- - 1"), "-(-(1))");
        assert_eq!(p("7 mod 3 div 2"), "((7 mod 3) div 2)");
        assert_eq!(p("(1 + 2) * 3"), "((1 + 2) * 3)");
    }

    #[test]
    fn operator_words_are_names_in_operand_position() {
        // `div` as a path step, then `div` as an operator: XPath's disambiguation rule.
        assert_eq!(p("div div div"), "(div div div)");
        assert_eq!(p("and and or"), "(and and or)");
    }

    #[test]
    fn paths_and_references() {
        assert_eq!(p(". >= 0"), "(. >= 0)");
        assert_eq!(p("position(..)"), "position(..)");
        assert_eq!(p("/data/hh/age + ../x"), "(/data/hh/age + ../x)");
        assert_eq!(p("district = ${district}"), "(district = ${district})");
        let e = parse("  ${age}").unwrap();
        assert_eq!(
            e,
            Expr::Ref(Reference {
                target: Target::Field("age".into()),
                offset: 2
            })
        );
    }

    #[test]
    fn last_saved_references_name_a_field_of_the_last_saved_record() {
        assert_eq!(
            p("if(${last-saved#n} = '', 1, ${last-saved#n} + 1)"),
            "if((${last-saved#n} = ''), 1, (${last-saved#n} + 1))"
        );
        assert_eq!(
            parse("${ last-saved#street }").unwrap(),
            Expr::Ref(Reference {
                target: Target::LastSaved("street".into()),
                offset: 0
            })
        );
        // Still one name after the prefix.
        assert_eq!(err("${last-saved#}").offset, 0);
        assert_eq!(err("${last-saved#a b}").offset, 0);
        assert_eq!(
            err("${last-saved#hh}/age").message,
            "a path or predicate after ${…} is not supported"
        );
    }

    #[test]
    fn functions_are_checked_while_parsing() {
        assert_eq!(
            p("if(selected(${x}, 'a'), 1, 0)"),
            "if(selected(${x}, 'a'), 1, 0)"
        );
        assert_eq!(p("concat()"), "concat()");
        let e = err("1 + lookup('a', 'b')");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (4, "unknown function lookup()")
        );
        let e = err("if(1, 2)");
        assert_eq!(e.offset, 0);
        assert!(
            e.message.contains("if() takes 3 argument(s), given 2"),
            "{}",
            e.message
        );
        assert!(err("round()").message.contains("1 to 2"));
        assert!(err("max()").message.contains("at least 1"));
        assert!(
            err("indexed-repeat(${a}, 'r', 1)")
                .message
                .contains("needs references")
        );
        assert!(err("position(1)").message.contains("needs references"));
        // Every unknown function of an expression is reported, in order, with a syntax
        // error after them.
        let all = parse_all("sqrtx(${a}) + cosx(atanx(1)) + 1").unwrap_err();
        let found: Vec<(usize, &str)> =
            all.iter().map(|e| (e.offset, e.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (0, "unknown function sqrtx()"),
                (14, "unknown function cosx()"),
                (19, "unknown function atanx()")
            ]
        );
        let all = parse_all("nope(1) + (").unwrap_err();
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all[0].message.contains("nope()"));
        assert_eq!(
            p("indexed-repeat(${a}, ${r}, 1 + 1)"),
            "indexed-repeat(${a}, ${r}, (1 + 1))"
        );
    }

    #[test]
    fn regex_literals_are_compiled_once() {
        let e = parse("regex(., '^[0-9]{9}$')").unwrap();
        assert!(matches!(e, Expr::Matches(_, ref pat) if pat.0.as_str() == "^[0-9]{9}$"));
        assert_eq!(e.to_string(), "regex(., '^[0-9]{9}$')");
        // A computed pattern stays a call.
        assert!(matches!(
            parse("regex(., ${pat})").unwrap(),
            Expr::Call(Func::Regex, _)
        ));
        let e = err("${a} and regex(., '[a-')");
        assert_eq!(e.offset, 9);
        assert!(e.message.contains("invalid regular expression"));
        // Unicode property classes are not supported (ASCII \d \w \s, as JavaRosa and
        // Enketo): the form is refused when it loads, never at an answer.
        let e = err("regex(., '^\\p{L}+$')");
        assert!(
            e.message.contains("invalid regular expression"),
            "{}",
            e.message
        );
    }

    #[test]
    fn choice_name_takes_a_quoted_reference() {
        let e = parse("jr:choice-name(${x}, '${x}')").unwrap();
        let Expr::Call(Func::ChoiceName, args) = &e else {
            panic!("{e:?}")
        };
        assert!(
            matches!(&args[1], Expr::Ref(Reference { target: Target::Field(n), .. }) if n == "x")
        );
        assert_eq!(e.to_string(), "jr:choice-name(${x}, '${x}')");
        assert!(
            err("jr:choice-name(${x}, 'x')")
                .message
                .contains("'${question}'")
        );
    }

    #[test]
    fn errors_carry_positions() {
        let cases = [
            ("", 0, "expected a value"),
            ("1 +", 3, "expected a value"),
            ("(1 + 2", 6, "expected ')'"),
            ("1 2", 2, "unexpected number 2"),
            ("${a} | ${b}", 5, "'|' is not supported"),
            ("${a}/b", 4, "not supported"),
            ("x[1]", 1, "predicates"),
            ("//x", 0, "not supported"),
            ("f(1,)", 0, "unknown function f()"),
            ("concat(1,)", 9, "expected a value"),
            ("/", 1, "root path"),
            ("child::x", 5, "axes"),
        ];
        for (src, offset, msg) in cases {
            let e = err(src);
            assert_eq!(e.offset, offset, "{src}: {e:?}");
            assert!(e.message.contains(msg), "{src}: {e:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{}1{}", "(".repeat(1_000), ")".repeat(1_000));
        assert!(err(&deep).message.contains("nested too deeply"));
        let minus = "-".repeat(1_000) + "1";
        assert!(err(&minus).message.contains("nested too deeply"));
        let ok = format!("{}1{}", "(".repeat(30), ")".repeat(30));
        assert_eq!(p(&ok), "1");
    }
}
