//! Numbered schema migrations on SQLite's `user_version`: a file at version N gets
//! migrations N+1.. in one transaction, so an update is all or nothing, and a file from
//! a newer app is refused instead of being misread.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// The migrations in order; migration `i` takes the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("schema/001_initial.sql"),
    include_str!("schema/002_reviews.sql"),
    include_str!("schema/003_form_retirement.sql"),
    include_str!("schema/004_form_files.sql"),
    include_str!("schema/005_audit_log.sql"),
    include_str!("schema/006_recordings.sql"),
    include_str!("schema/007_photo_refusals.sql"),
];

/// The schema version this build writes.
#[cfg(test)]
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`].
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    run(conn, MIGRATIONS)
}

/// Applies the `migrations` the file does not have yet, all in one transaction.
fn run(conn: &mut Connection, migrations: &[&str]) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let supported = migrations.len() as i64;
    if found > supported {
        return Err(StoreError::TooNew { found, supported });
    }
    let from = usize::try_from(found).map_err(|_| StoreError::TooNew { found, supported })?;
    if from == migrations.len() {
        return Ok(());
    }
    for sql in &migrations[from..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", supported)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<(String, String, String)> {
        let mut stmt = conn
            .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn migrating_from_every_earlier_version_gives_the_fresh_schema() {
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        let expected = schema(&fresh);
        assert!(
            expected
                .iter()
                .any(|(t, n, _)| t == "table" && n == "submissions")
        );
        assert_eq!(version(&fresh), SCHEMA_VERSION);

        for start in 0..MIGRATIONS.len() {
            let mut old = Connection::open_in_memory().unwrap();
            run(&mut old, &MIGRATIONS[..start]).unwrap();
            assert_eq!(version(&old), start as i64);
            migrate(&mut old).unwrap();
            assert_eq!(schema(&old), expected, "migrating from version {start}");
            assert_eq!(version(&old), SCHEMA_VERSION);
        }
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let before = schema(&conn);
        migrate(&mut conn).unwrap();
        assert_eq!(schema(&conn), before);
    }

    #[test]
    fn a_newer_database_is_refused_and_left_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 3)
            .unwrap();
        match migrate(&mut conn) {
            Err(StoreError::TooNew { found, supported }) => {
                assert_eq!((found, supported), (SCHEMA_VERSION + 3, SCHEMA_VERSION));
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
        assert!(schema(&conn).is_empty());
    }

    #[test]
    fn a_failing_migration_rolls_back_every_step_of_the_run() {
        let mut conn = Connection::open_in_memory().unwrap();
        let broken = ["CREATE TABLE a (x)", "CREATE TABLE b (y); THIS IS NOT SQL"];
        assert!(matches!(
            run(&mut conn, &broken),
            Err(StoreError::Sqlite(_))
        ));
        assert_eq!(version(&conn), 0);
        assert!(
            schema(&conn).is_empty(),
            "the first step must be rolled back too"
        );
    }
}
