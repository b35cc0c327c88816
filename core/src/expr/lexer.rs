//! Splits an expression into tokens, each with the character offset where it starts, so
//! that a syntax error can point at the exact place in the author's cell.

use super::ParseError;

/// One token of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A number literal.
    Number(f64),
    /// A quoted string literal, without its quotes.
    Str(String),
    /// `${name}`.
    Field(String),
    /// `${last-saved#name}`: `name`'s value in the last saved record of the form.
    LastSaved(String),
    /// A name: a function name, an operator word (`and`, `div`...) or a path step.
    Name(String),
    /// `.`
    Dot,
    /// `..`
    DotDot,
    /// `/`
    Slash,
    /// `//`
    SlashSlash,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `|`
    Pipe,
    /// `@`
    At,
    /// `::`
    ColonColon,
    /// End of the expression.
    Eof,
}

/// A token and the character offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub offset: usize,
}

/// Most tokens (names, values, operators, brackets) in one expression: far beyond any
/// real form (a sum of 500 fields has 1,000), and a bound on the work and memory any
/// expression can ask for.
pub(crate) const MAX_TOKENS: usize = 4096;

/// Tokenizes a whole expression, refusing one of more than [`MAX_TOKENS`] tokens.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if out.len() >= MAX_TOKENS {
            return Err(ParseError {
                offset: start,
                message: format!(
                    "the expression is too long: more than {MAX_TOKENS} names, values and operators"
                ),
            });
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = match c {
            '(' => one(&mut i, Tok::LParen),
            ')' => one(&mut i, Tok::RParen),
            '[' => one(&mut i, Tok::LBracket),
            ']' => one(&mut i, Tok::RBracket),
            ',' => one(&mut i, Tok::Comma),
            '+' => one(&mut i, Tok::Plus),
            '-' => one(&mut i, Tok::Minus),
            '*' => one(&mut i, Tok::Star),
            '=' => one(&mut i, Tok::Eq),
            '|' => one(&mut i, Tok::Pipe),
            '@' => one(&mut i, Tok::At),
            '!' if chars.get(i + 1) == Some(&'=') => two(&mut i, Tok::Neq),
            '<' if chars.get(i + 1) == Some(&'=') => two(&mut i, Tok::Le),
            '<' => one(&mut i, Tok::Lt),
            '>' if chars.get(i + 1) == Some(&'=') => two(&mut i, Tok::Ge),
            '>' => one(&mut i, Tok::Gt),
            '/' if chars.get(i + 1) == Some(&'/') => two(&mut i, Tok::SlashSlash),
            '/' => one(&mut i, Tok::Slash),
            ':' if chars.get(i + 1) == Some(&':') => two(&mut i, Tok::ColonColon),
            '.' if chars.get(i + 1) == Some(&'.') => two(&mut i, Tok::DotDot),
            '.' if chars.get(i + 1).is_some_and(char::is_ascii_digit) => number(&chars, &mut i),
            '.' => one(&mut i, Tok::Dot),
            '\'' | '"' => {
                let close =
                    chars[i + 1..]
                        .iter()
                        .position(|&q| q == c)
                        .ok_or_else(|| ParseError {
                            offset: start,
                            message: "string literal is not closed".into(),
                        })?;
                let text: String = chars[i + 1..i + 1 + close].iter().collect();
                i += close + 2;
                Tok::Str(text)
            }
            '$' => field(&chars, &mut i)?,
            c if c.is_ascii_digit() => number(&chars, &mut i),
            c if is_name_start(c) => Tok::Name(name(&chars, &mut i)),
            other => {
                return Err(ParseError {
                    offset: start,
                    message: format!("unexpected character '{other}'"),
                });
            }
        };
        out.push(Token { tok, offset: start });
    }
    out.push(Token {
        tok: Tok::Eof,
        offset: chars.len(),
    });
    Ok(out)
}

fn one(i: &mut usize, tok: Tok) -> Tok {
    *i += 1;
    tok
}

fn two(i: &mut usize, tok: Tok) -> Tok {
    *i += 2;
    tok
}

/// `Digits ('.' Digits?)? | '.' Digits`, as XPath 1.0 writes numbers (no sign, no exponent).
fn number(chars: &[char], i: &mut usize) -> Tok {
    let start = *i;
    while *i < chars.len() && chars[*i].is_ascii_digit() {
        *i += 1;
    }
    if *i < chars.len() && chars[*i] == '.' && chars.get(*i + 1) != Some(&'.') {
        *i += 1;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
    }
    let text: String = chars[start..*i].iter().collect();
    // Digits with at most one dot always parse; NaN is unreachable but harmless.
    Tok::Number(text.parse().unwrap_or(f64::NAN))
}

/// The prefix of `${last-saved#name}` (ODK's reference to the last saved record).
pub(crate) const LAST_SAVED_PREFIX: &str = "last-saved#";

/// `${name}` or `${last-saved#name}`.
fn field(chars: &[char], i: &mut usize) -> Result<Tok, ParseError> {
    let start = *i;
    if chars.get(start + 1) != Some(&'{') {
        return Err(ParseError {
            offset: start,
            message: "'$' must start a reference like ${name}".into(),
        });
    }
    let close = chars[start + 2..]
        .iter()
        .position(|&c| c == '}')
        .ok_or_else(|| ParseError {
            offset: start,
            message: "reference is not closed: expected '}'".into(),
        })?;
    let name: String = chars[start + 2..start + 2 + close].iter().collect();
    let (last_saved, trimmed) = match name.trim().strip_prefix(LAST_SAVED_PREFIX) {
        Some(rest) => (true, rest.trim()),
        None => (false, name.trim()),
    };
    let valid =
        trimmed.chars().next().is_some_and(is_name_start) && trimmed.chars().all(is_name_char);
    if !valid {
        return Err(ParseError {
            offset: start,
            message: format!("'${{{name}}}' is not a valid field name"),
        });
    }
    *i = start + 3 + close;
    Ok(if last_saved {
        Tok::LastSaved(trimmed.to_string())
    } else {
        Tok::Field(trimmed.to_string())
    })
}

/// An XML name, with an optional `prefix:` (as in `jr:choice-name`).
fn name(chars: &[char], i: &mut usize) -> String {
    let start = *i;
    while *i < chars.len() && is_name_char(chars[*i]) {
        *i += 1;
    }
    let prefixed =
        chars.get(*i) == Some(&':') && chars.get(*i + 1).is_some_and(|&c| is_name_start(c));
    if prefixed {
        *i += 1;
        while *i < chars.len() && is_name_char(chars[*i]) {
            *i += 1;
        }
    }
    chars[start..*i].iter().collect()
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c == '-' || c == '.' || c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn tokens_and_offsets() {
        let t = tokenize("${age} >= 18").unwrap();
        assert_eq!(
            t[0],
            Token {
                tok: Tok::Field("age".into()),
                offset: 0
            }
        );
        assert_eq!(
            t[1],
            Token {
                tok: Tok::Ge,
                offset: 7
            }
        );
        assert_eq!(
            t[2],
            Token {
                tok: Tok::Number(18.0),
                offset: 10
            }
        );
        assert_eq!(t[3].tok, Tok::Eof);
    }

    #[test]
    fn names_numbers_and_paths() {
        assert_eq!(
            toks("jr:choice-name(.5, ..)"),
            vec![
                Tok::Name("jr:choice-name".into()),
                Tok::LParen,
                Tok::Number(0.5),
                Tok::Comma,
                Tok::DotDot,
                Tok::RParen,
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("3.25 div 2"),
            vec![
                Tok::Number(3.25),
                Tok::Name("div".into()),
                Tok::Number(2.0),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("'a \"b\"' != \"c\""),
            vec![
                Tok::Str("a \"b\"".into()),
                Tok::Neq,
                Tok::Str("c".into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("/data/x"),
            vec![
                Tok::Slash,
                Tok::Name("data".into()),
                Tok::Slash,
                Tok::Name("x".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let t = tokenize("'Thào' = ${tên}").unwrap();
        assert_eq!(
            t[1],
            Token {
                tok: Tok::Eq,
                offset: 7
            }
        );
        assert_eq!(
            t[2],
            Token {
                tok: Tok::Field("tên".into()),
                offset: 9
            }
        );
    }

    #[test]
    fn errors_point_at_the_offending_character() {
        assert_eq!(tokenize("1 + 'abc").unwrap_err().offset, 4);
        assert_eq!(tokenize("${age").unwrap_err().offset, 0);
        assert_eq!(tokenize("${a b}").unwrap_err().offset, 0);
        assert_eq!(tokenize("1 # 2").unwrap_err().offset, 2);
        assert_eq!(tokenize("$x").unwrap_err().offset, 0);
    }
}
