-- 0003_checkpoint_skip_offsets: stream commands after the checkpoint that the target already
-- applied (it accepted them after refusing an earlier one); a resume skips them, by the offset
-- right after each, so nothing is applied twice.
ALTER TABLE checkpoints ADD COLUMN skip_offsets bigint[] NOT NULL DEFAULT '{}';
