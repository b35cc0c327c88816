-- The phone list shows the app build each phone runs (its package's version and build
-- number, in devices.app_version since this migration's change to the phones) and, beside
-- it, the version of the core library inside that build.
ALTER TABLE devices ADD COLUMN core_version TEXT;
