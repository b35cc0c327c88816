CREATE TABLE areas (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES areas(id),
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX areas_parent ON areas(parent_id);
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    area_id TEXT REFERENCES areas(id),
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE enrollments (
    code_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    branch_id TEXT NOT NULL REFERENCES areas(id),
    created_by TEXT NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    branch_id TEXT NOT NULL REFERENCES areas(id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE forms (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    json TEXT NOT NULL,
    published BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    published_at TEXT,
    PRIMARY KEY (form_id, version)
);
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('changes', 0);
CREATE TABLE members (
    id TEXT PRIMARY KEY,
    branch_id TEXT NOT NULL REFERENCES areas(id),
    body TEXT NOT NULL,
    change_seq BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX members_changes ON members(branch_id, change_seq);
CREATE TABLE records (
    seq BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL,
    revision BIGINT NOT NULL,
    kind TEXT NOT NULL,
    branch_id TEXT NOT NULL REFERENCES areas(id),
    area_path TEXT NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(id),
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    form_id TEXT,
    form_version TEXT,
    household TEXT,
    gathering_kind TEXT,
    event_at TEXT NOT NULL,
    latest BIGINT NOT NULL,
    complete BIGINT NOT NULL,
    review_state TEXT NOT NULL,
    change_seq BIGINT,
    UNIQUE (uuid, revision)
);
CREATE INDEX records_list ON records(kind, latest, event_at);
CREATE INDEX records_form ON records(form_id, latest, seq);
CREATE INDEX records_household ON records(household);
CREATE INDEX records_changes ON records(branch_id, change_seq) WHERE change_seq IS NOT NULL;
CREATE TABLE record_photos (
    record_seq BIGINT NOT NULL REFERENCES records(seq),
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (record_seq, sha256)
);
CREATE INDEX record_photos_sha ON record_photos(sha256);
CREATE TABLE attendees (
    record_seq BIGINT NOT NULL REFERENCES records(seq),
    position BIGINT NOT NULL,
    sex TEXT NOT NULL,
    ethnicity TEXT,
    age_group TEXT,
    PRIMARY KEY (record_seq, position)
);
CREATE TABLE photos (
    sha256 TEXT PRIMARY KEY,
    bytes BIGINT NOT NULL,
    completed_at TEXT NOT NULL
);
CREATE TABLE photo_uploads (
    sha256 TEXT NOT NULL,
    branch_id TEXT NOT NULL REFERENCES areas(id),
    total BIGINT NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (sha256, branch_id)
);
CREATE TABLE reviews (
    id BIGSERIAL PRIMARY KEY,
    record_uuid TEXT NOT NULL,
    state TEXT NOT NULL,
    comment TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    at TEXT NOT NULL
);
CREATE INDEX reviews_record ON reviews(record_uuid)
