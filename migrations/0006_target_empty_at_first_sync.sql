-- 0006_target_empty_at_first_sync: whether the target held no keys when the task's first sync
-- began (NULL: not measured since the task was last configured). The default full_resync_policy
-- lets a full resync flush the target only when it is true; a worker that resumes the task reads
-- it here instead of having seen the first sync itself.
ALTER TABLE tasks ADD COLUMN target_empty_at_first_sync boolean;
