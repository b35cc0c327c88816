-- Branchbook local store, schema version 1.
-- Ids are 16-byte UUID blobs, times UTC milliseconds, enums their serde keys.

-- Settings of the device account this file belongs to (the audit actor).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Published form versions, side by side; json is the canonical form JSON.
CREATE TABLE forms (
    form_id  TEXT NOT NULL,
    version  TEXT NOT NULL,
    title    TEXT NOT NULL,
    json     TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    UNIQUE (form_id, version)
);

-- The household registry: one row per household pointing at its newest revision.
CREATE TABLE households (
    uuid         BLOB PRIMARY KEY,
    revision     INTEGER NOT NULL,
    village      TEXT NOT NULL,
    head_name    TEXT NOT NULL,
    archived     INTEGER NOT NULL CHECK (archived IN (0, 1)),
    updated_at   INTEGER NOT NULL
);
CREATE INDEX households_by_village ON households (archived, village, head_name);

-- Every revision of every household, never changed once written (except its state).
CREATE TABLE household_revisions (
    uuid       BLOB NOT NULL REFERENCES households (uuid),
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    created_at INTEGER NOT NULL,
    body       TEXT NOT NULL,     -- protocol::HouseholdBody as JSON
    state      TEXT NOT NULL CHECK (state IN ('finalized', 'sent')),
    PRIMARY KEY (uuid, revision)
);

-- The branch's Women's Union members.
CREATE TABLE roster (
    id          BLOB PRIMARY KEY,
    member_code TEXT,
    full_name   TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    sex         TEXT NOT NULL,
    birth_year  INTEGER,
    ethnicity   TEXT,
    village     TEXT NOT NULL,
    phone       TEXT,
    archived    INTEGER NOT NULL CHECK (archived IN (0, 1)),
    local       INTEGER NOT NULL CHECK (local IN (0, 1)),  -- added on the phone, not from the server
    updated_at  INTEGER NOT NULL
);

-- Name search: every folded word of an active member's or household's names, with
-- all its folded names (one per line, the main one first) to rank without a join.
-- kind 0 = roster member, 1 = household.
CREATE TABLE name_words (
    word  TEXT NOT NULL,
    kind  INTEGER NOT NULL CHECK (kind IN (0, 1)),
    owner BLOB NOT NULL,
    names TEXT NOT NULL,
    PRIMARY KEY (word, kind, owner)
) WITHOUT ROWID;
CREATE INDEX name_words_by_owner ON name_words (kind, owner);

-- Photos stored beside the database, by content.
CREATE TABLE photos (
    sha256     TEXT PRIMARY KEY,
    bytes      INTEGER NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    uploaded   INTEGER NOT NULL DEFAULT 0 CHECK (uploaded IN (0, 1))
) WITHOUT ROWID;

-- Survey submissions: one row per revision.
CREATE TABLE submissions (
    uuid         BLOB NOT NULL,
    revision     INTEGER NOT NULL CHECK (revision >= 1),
    form_id      TEXT NOT NULL,
    form_version TEXT NOT NULL,
    household    BLOB REFERENCES households (uuid),
    state        TEXT NOT NULL CHECK (state IN ('draft', 'finalized', 'sent')),
    current      INTEGER NOT NULL CHECK (current IN (0, 1)),  -- 0 once a newer revision exists
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    started_at   INTEGER NOT NULL,
    finalized_at INTEGER,
    language     TEXT,
    title        TEXT,            -- the form's instance_name for this submission, for lists
    session      TEXT NOT NULL,   -- the form session's state (JSON), restored exactly
    data         TEXT,            -- the finalized answers (JSON)
    PRIMARY KEY (uuid, revision),
    FOREIGN KEY (form_id, form_version) REFERENCES forms (form_id, version)
);
CREATE INDEX submissions_recent ON submissions (updated_at, uuid) WHERE current = 1;
CREATE INDEX submissions_by_state ON submissions (state, updated_at, uuid) WHERE current = 1;
CREATE INDEX submissions_by_form ON submissions (form_id, state, updated_at, uuid) WHERE current = 1;
CREATE INDEX submissions_by_household ON submissions (household, updated_at, uuid) WHERE household IS NOT NULL;

-- How many current submissions each form has in each state (the home screen's
-- counts), kept by triggers in the same transaction as every change.
CREATE TABLE submission_counts (
    form_id TEXT NOT NULL,
    state   TEXT NOT NULL,
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (form_id, state)
) WITHOUT ROWID;
CREATE TRIGGER submission_counts_insert AFTER INSERT ON submissions WHEN new.current = 1
BEGIN
    INSERT INTO submission_counts (form_id, state, n) VALUES (new.form_id, new.state, 1)
    ON CONFLICT (form_id, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER submission_counts_delete AFTER DELETE ON submissions WHEN old.current = 1
BEGIN
    UPDATE submission_counts SET n = n - 1 WHERE form_id = old.form_id AND state = old.state;
END;
CREATE TRIGGER submission_counts_update AFTER UPDATE OF state, current ON submissions
BEGIN
    UPDATE submission_counts SET n = n - 1
    WHERE old.current = 1 AND form_id = old.form_id AND state = old.state;
    INSERT INTO submission_counts (form_id, state, n) SELECT new.form_id, new.state, 1 WHERE new.current = 1
    ON CONFLICT (form_id, state) DO UPDATE SET n = n + 1;
END;

-- Photos a submission revision references.
CREATE TABLE submission_photos (
    uuid     BLOB NOT NULL,
    revision INTEGER NOT NULL,
    sha256   TEXT NOT NULL REFERENCES photos (sha256),
    PRIMARY KEY (uuid, revision, sha256),
    FOREIGN KEY (uuid, revision) REFERENCES submissions (uuid, revision) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX submission_photos_by_photo ON submission_photos (sha256);

-- Gatherings: open (draft) until closed (finalized), then sent.
CREATE TABLE gatherings (
    uuid        BLOB PRIMARY KEY,
    kind        TEXT NOT NULL,
    topic       TEXT NOT NULL,
    village     TEXT NOT NULL,
    starts_at   INTEGER NOT NULL,
    facilitator TEXT NOT NULL,
    notes       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('draft', 'finalized', 'sent')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE INDEX gatherings_by_state ON gatherings (state, starts_at);

-- Who attended: a roster member (member_id) or a walk-in. A member attends once.
CREATE TABLE attendees (
    id            BLOB PRIMARY KEY,
    gathering     BLOB NOT NULL REFERENCES gatherings (uuid) ON DELETE CASCADE,
    member_id     BLOB,
    name          TEXT NOT NULL,
    sex           TEXT NOT NULL,
    birth_year    INTEGER,
    age_group     TEXT,
    ethnicity     TEXT,
    checked_in_at INTEGER NOT NULL,
    UNIQUE (gathering, member_id)
);
CREATE INDEX attendees_by_gathering ON attendees (gathering, checked_in_at);

-- Photos of a gathering.
CREATE TABLE gathering_photos (
    gathering BLOB NOT NULL REFERENCES gatherings (uuid) ON DELETE CASCADE,
    sha256    TEXT NOT NULL REFERENCES photos (sha256),
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (gathering, sha256)
) WITHOUT ROWID;
CREATE INDEX gathering_photos_by_photo ON gathering_photos (sha256);

-- The audit trail: who did what to which record, when.
CREATE TABLE audit (
    uuid            BLOB PRIMARY KEY,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    target_kind     TEXT NOT NULL,
    target_uuid     BLOB NOT NULL,
    target_revision INTEGER NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX audit_by_target ON audit (target_uuid, at);

-- Records ready to send, in the order the server must receive them.
-- A row goes when the server acknowledges the record.
CREATE TABLE outbox (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL CHECK (kind IN ('submission', 'household', 'gathering', 'audit')),
    uuid     BLOB NOT NULL,
    revision INTEGER NOT NULL,
    UNIQUE (uuid, revision)
);

-- Records the server refused (rejected, or another content under the same revision),
-- with its reason: out of the outbox so they do not hold up the rest, kept to show.
CREATE TABLE rejections (
    uuid     BLOB NOT NULL,
    revision INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    reason   TEXT NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (uuid, revision)
);
