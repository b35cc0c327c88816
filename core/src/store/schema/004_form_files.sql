-- The files a form version carries (CSV tables, label images), by the name the form
-- uses. Their bytes are kept once per SHA-256, as the chunks they arrived in: a
-- download broken off continues after the last chunk kept, and a file is complete only
-- once all its bytes are here and their hash is its name.
CREATE TABLE form_files (
    sha256   TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE form_file_chunks (
    sha256 TEXT NOT NULL REFERENCES form_files (sha256) ON DELETE CASCADE,
    offset INTEGER NOT NULL,
    bytes  BLOB NOT NULL,
    PRIMARY KEY (sha256, offset)
);
CREATE TABLE form_attachments (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    name    TEXT NOT NULL,
    sha256  TEXT NOT NULL REFERENCES form_files (sha256),
    PRIMARY KEY (form_id, version, name),
    FOREIGN KEY (form_id, version) REFERENCES forms (form_id, version)
);
