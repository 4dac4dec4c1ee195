-- 0002_checkpoint_db: the database the replication stream had selected at the checkpoint, so a
-- partial resync (which Redis does not precede with SELECT) resumes writing in the right db.
ALTER TABLE checkpoints ADD COLUMN db integer NOT NULL DEFAULT 0;
