-- The files a form version carries (CSV tables, label images), by the name the form
-- uses; their bytes are kept once per SHA-256 in the data folder's form-files/.
CREATE TABLE form_attachments (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (form_id, version, name),
    FOREIGN KEY (form_id, version) REFERENCES forms (form_id, version)
);
CREATE INDEX form_attachments_sha256 ON form_attachments (sha256);
