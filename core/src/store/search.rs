//! Name search over active roster members and households, accent- and case-insensitive:
//! every folded word of a name is indexed (`name_words`, with the owner's folded names
//! beside it), a query's most selective word is found by a prefix range scan on that
//! index alone, and the candidates are checked and ranked against all query words in Rust. "thao thi do", "THAO DO" and "do" all find
//! "Thào Thị Dợ"; "d" finds "Đặng".

use std::collections::HashSet;

use rusqlite::Transaction;
use uuid::Uuid;

use super::columns::Id;
use super::{StoreError, Window};
use crate::text::{fold, folded_words};

/// What a name belongs to; stored in `name_words.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchKind {
    /// A roster member (one name).
    Member = 0,
    /// A household (the head's name, then the members').
    Household = 1,
}

/// Replaces the indexed words of `owner` by the words of `names`.
pub(crate) fn index(
    tx: &Transaction<'_>,
    kind: SearchKind,
    owner: Uuid,
    names: &[&str],
) -> Result<(), StoreError> {
    unindex(tx, kind, owner)?;
    let folded = names.iter().map(|n| fold(n)).collect::<Vec<_>>().join("\n");
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO name_words (word, kind, owner, names) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for word in names.iter().flat_map(|n| folded_words(n)) {
        insert.execute((word, kind as i64, Id(owner), &folded))?;
    }
    Ok(())
}

/// Removes `owner` from the index.
pub(crate) fn unindex(
    tx: &Transaction<'_>,
    kind: SearchKind,
    owner: Uuid,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM name_words WHERE kind = ?1 AND owner = ?2")?
        .execute((kind as i64, Id(owner)))?;
    Ok(())
}

/// The ids matching `query`, best first, for one window. Every query word must be the
/// start of a word of one name.
pub(crate) fn ranked(
    tx: &Transaction<'_>,
    kind: SearchKind,
    query: &str,
    window: Window,
) -> Result<Vec<Uuid>, StoreError> {
    let words = folded_words(query);
    let Some(scan) = most_selective(tx, kind, &words)? else {
        return Ok(vec![]);
    };
    let mut stmt = tx.prepare_cached(
        // `+kind`: scan the word range of the primary key, not every name of a kind.
        "SELECT owner, names FROM name_words WHERE word >= ?1 AND word < ?2 AND +kind = ?3",
    )?;
    let upper = format!("{scan}{}", char::MAX); // just above every word starting with `scan`
    let mut hits: Vec<(u32, String, Uuid)> = vec![];
    let mut seen = HashSet::new();
    let mut rows = stmt.query((scan, &upper, kind as i64))?;
    while let Some(row) = rows.next()? {
        let Id(id) = row.get(0)?;
        // A name with two words starting with the prefix comes twice.
        if !seen.insert(id) {
            continue;
        }
        let names = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        if let Some(score) = score(&words, names) {
            hits.push((score, names.to_owned(), id));
        }
    }
    hits.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    let offset = usize::try_from(window.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(window.sql_limit()).unwrap_or(0);
    Ok(hits
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(_, _, id)| id)
        .collect())
}

/// The query word whose prefix range holds the fewest index entries (counted up to a
/// cap, so a common word like "thi" costs little): the one to scan for.
fn most_selective<'w>(
    tx: &Transaction<'_>,
    kind: SearchKind,
    words: &'w [String],
) -> Result<Option<&'w String>, StoreError> {
    const CAP: i64 = 1024;
    if words.len() < 2 {
        return Ok(words.first());
    }
    let mut count = tx.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM name_words WHERE word >= ?1 AND word < ?2 AND +kind = ?3 LIMIT ?4)",
    )?;
    let mut best: Option<(i64, &String)> = None;
    for w in words {
        let n: i64 = count.query_row((w, format!("{w}{}", char::MAX), kind as i64, CAP), |r| {
            r.get(0)
        })?;
        // Ties go to the longer word.
        if best.is_none_or(|(m, b)| n < m || (n == m && w.len() > b.len())) {
            best = Some((n, w));
        }
    }
    Ok(best.map(|(_, w)| w))
}

/// How well the folded `query` words match the best of the folded `names` (one per
/// line, the main name first); `None` when no single name has every word.
fn score(query: &[String], names: &str) -> Option<u32> {
    names
        .lines()
        .enumerate()
        .filter_map(|(i, name)| {
            let name_words: Vec<&str> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let mut total = 0;
            let mut positions = Vec::with_capacity(query.len());
            for q in query {
                let (pos, points) = name_words
                    .iter()
                    .enumerate()
                    .filter_map(|(p, w)| match () {
                        _ if *w == q => Some((p, 3)),
                        _ if w.starts_with(q.as_str()) => Some((p, 2)),
                        _ => None,
                    })
                    .max_by_key(|&(p, points)| (points, std::cmp::Reverse(p)))?;
                total += points;
                positions.push(pos);
            }
            if positions.windows(2).all(|w| w[0] < w[1]) {
                total += 2; // words in the order of the name
            }
            if name_words.len() == query.len() {
                total += 1; // the whole name, not part of a longer one
            }
            if i == 0 {
                total += 1; // the main name (a household's head)
            }
            Some(total)
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<String> {
        folded_words(s)
    }

    #[test]
    fn every_query_word_must_start_a_word_of_one_name() {
        assert!(score(&q("thao thi do"), "thao thi do").is_some());
        assert!(score(&q("th d"), "thao thi do").is_some());
        assert!(score(&q("do"), "thao thi do").is_some());
        assert!(
            score(&q("hao"), "thao thi do").is_none(),
            "not inside a word"
        );
        assert!(
            score(&q("thao pao"), "thao thi do\ngiang a pao").is_none(),
            "words of two different people"
        );
        assert!(score(&q("pao"), "thao thi do\ngiang a pao").is_some());
    }

    #[test]
    fn exact_ordered_whole_names_rank_first() {
        let exact = score(&q("thi do"), "thao thi do").unwrap();
        let prefix = score(&q("thi do"), "thao thi dong").unwrap();
        let reversed = score(&q("do thi"), "thao thi do").unwrap();
        assert!(exact > prefix && exact > reversed);
        let whole = score(&q("lo thi mai"), "lo thi mai").unwrap();
        let longer = score(&q("lo thi mai"), "lo thi mai anh").unwrap();
        assert!(whole > longer);
        let head = score(&q("mai"), "lo thi mai\nvang a di").unwrap();
        let member = score(&q("mai"), "vang a di\nlo thi mai").unwrap();
        assert!(head > member);
    }
}
