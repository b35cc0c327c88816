//! The two engines' migrations make the same schema: the same tables, columns (name,
//! type, NOT NULL, primary key) and indexes (columns, uniqueness, partial), read back
//! from each engine's catalogue after migrating a fresh database.

use std::collections::BTreeSet;

use super::ServerStore;
use crate::db::{Conn, DbError};

/// One line per table, column and index, in a form both engines can be brought to.
type Schema = BTreeSet<String>;

fn rows(conn: &mut dyn Conn, sql: &str, params: &[crate::db::Value]) -> Vec<Vec<String>> {
    conn.query(sql, params)
        .unwrap()
        .iter()
        .map(|row| {
            (0..)
                .map_while(|i| match row.opt_text(i) {
                    Ok(text) => Some(text.unwrap_or_default()),
                    Err(DbError::Decode { .. }) => row.int(i).ok().map(|n| n.to_string()),
                    Err(e) => panic!("{e}"),
                })
                .collect()
        })
        .collect()
}

/// The engines' names for the two column types the store uses.
fn column_type(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer",
        "text" => "text",
        other => panic!("a column type the store does not use: {other}"),
    }
}

fn sqlite_schema(conn: &mut dyn Conn) -> Schema {
    let mut schema = Schema::new();
    let tables = rows(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        &[],
    );
    for table in tables.iter().map(|t| t[0].clone()) {
        schema.insert(format!("table {table}"));
        let columns = rows(
            conn,
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)",
            &[table.as_str().into()],
        );
        for c in columns {
            let primary = c[3] != "0";
            let not_null = c[2] == "1" || primary;
            schema.insert(format!(
                "column {table}.{} {} not_null={not_null} primary={primary}",
                c[0],
                column_type(&c[1])
            ));
        }
        let indexes = rows(
            conn,
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)",
            &[table.as_str().into()],
        );
        for index in indexes.into_iter().filter(|i| i[2] != "pk") {
            let columns = rows(
                conn,
                "SELECT name FROM pragma_index_info($1) ORDER BY seqno",
                &[index[0].as_str().into()],
            );
            let columns: Vec<_> = columns.into_iter().map(|c| c[0].clone()).collect();
            // A UNIQUE constraint's index is named by each engine its own way.
            let name = if index[2] == "c" { &index[0] } else { "-" };
            schema.insert(format!(
                "index {table}({}) unique={} partial={} {name}",
                columns.join(","),
                index[1] == "1",
                index[3] == "1"
            ));
        }
    }
    schema
}

fn postgres_schema(conn: &mut dyn Conn) -> Schema {
    let mut schema = Schema::new();
    for t in rows(
        conn,
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
        &[],
    ) {
        schema.insert(format!("table {}", t[0]));
    }
    let primary: BTreeSet<(String, String)> = rows(
        conn,
        "SELECT tc.table_name::text, kcu.column_name::text
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu
           ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
         WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()",
        &[],
    )
    .into_iter()
    .map(|r| (r[0].clone(), r[1].clone()))
    .collect();
    for c in rows(
        conn,
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns WHERE table_schema = current_schema()",
        &[],
    ) {
        let is_primary = primary.contains(&(c[0].clone(), c[1].clone()));
        schema.insert(format!(
            "column {}.{} {} not_null={} primary={is_primary}",
            c[0],
            c[1],
            column_type(&c[2]),
            c[3] == "NO"
        ));
    }
    for i in rows(
        conn,
        "SELECT t.relname::text, i.relname::text, ix.indisunique::text, (ix.indpred IS NOT NULL)::text,
                EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)::text,
                array_to_string(ARRAY(
                    SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                    ORDER BY k.n), ',')
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = current_schema() AND NOT ix.indisprimary",
        &[],
    ) {
        let name = if i[4] == "true" { "-" } else { &i[1] };
        schema.insert(format!(
            "index {}({}) unique={} partial={} {name}",
            i[0], i[5], i[2], i[3]
        ));
    }
    schema
}

#[test]
fn both_engines_migrate_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = ServerStore::open_sqlite(dir.path()).unwrap();
    let sqlite = sqlite
        .db
        .read(|c| Ok::<_, DbError>(sqlite_schema(c)))
        .unwrap();
    assert!(sqlite.contains("table records"), "{sqlite:#?}");
    assert!(
        sqlite.contains(
            "index records(branch_id,change_seq) unique=false partial=true records_changes"
        ),
        "{sqlite:#?}"
    );
    let Some(config) = crate::db::tests::fresh_postgres() else {
        return;
    };
    let postgres = ServerStore::open_postgres(config, 1).unwrap();
    let postgres = postgres
        .db
        .read(|c| Ok::<_, DbError>(postgres_schema(c)))
        .unwrap();
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas differ\nonly on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: {only_postgres:#?}"
    );
}
