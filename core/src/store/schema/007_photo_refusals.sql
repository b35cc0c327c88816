-- A photo or recording the server refused for what it is (not a kind it takes, larger
-- than it takes) is not sent again while the server's limits stay those it was refused
-- under, for a week: on 3G each try costs her a whole chunk of data. NULL: not refused.
ALTER TABLE photos ADD COLUMN refused_under TEXT;
ALTER TABLE photos ADD COLUMN refused_at INTEGER;
