-- Every administrative action (areas, accounts, phones and enrollment codes, rosters,
-- forms) recorded in the transaction that does it (issue 11): who (no account: the
-- server itself, e.g. the first start or the command line), what, when and on what.
-- Never a password, a code or a token.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id TEXT REFERENCES accounts(id),
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
)
