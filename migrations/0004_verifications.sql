-- 0004_verifications: comparisons of a task's source and target (our extension of the API),
-- claimed by workers with a lease like tasks; counters and examples are written as they run.
CREATE TABLE verifications (
  id                   text PRIMARY KEY,
  task_id              text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  project_id           text NOT NULL,
  mode                 text NOT NULL CHECK (mode IN ('full', 'sample')),
  sample_keys          bigint NOT NULL DEFAULT 0,
  ttl_tolerance_s      integer NOT NULL DEFAULT 1,
  max_source_ops_per_s integer NOT NULL,
  status               text NOT NULL DEFAULT 'RUNNING'
                       CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
  keys_checked         bigint NOT NULL DEFAULT 0,
  missing              bigint NOT NULL DEFAULT 0,
  extra                bigint NOT NULL DEFAULT 0,
  value_mismatch       bigint NOT NULL DEFAULT 0,
  ttl_mismatch         bigint NOT NULL DEFAULT 0,
  type_mismatch        bigint NOT NULL DEFAULT 0,
  examples             jsonb NOT NULL DEFAULT '[]',  -- [{"db":0,"key":"k","problem":"missing"}]
  error                text NOT NULL DEFAULT '',
  lease_owner          text NOT NULL DEFAULT '',  -- '' when no worker runs it
  lease_epoch          bigint NOT NULL DEFAULT 0,
  lease_expires_at     timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  finished_at          timestamptz
);
CREATE INDEX verifications_task_idx ON verifications (task_id, created_at);
CREATE INDEX verifications_running_idx ON verifications (created_at) WHERE status = 'RUNNING';
