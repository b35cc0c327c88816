-- Who sent each record, and what the server corrected in it (issue 13): the account of
-- the sending phone is kept with the record (earlier records take their phone's
-- account), and the values the server computed itself that differed from the phone's
-- (a submission's calculations and metadata, an audit entry's actor) are kept as JSON
-- for the officers who review it (NULL: none differed).
ALTER TABLE records ADD COLUMN account_id TEXT REFERENCES accounts(id);
UPDATE records SET account_id = (SELECT d.account_id FROM devices d WHERE d.id = records.device_id);
ALTER TABLE records ADD COLUMN corrections TEXT
