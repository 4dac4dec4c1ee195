-- 0001_init: the initial schema: tasks, their log and checkpoints, instances, credentials.
-- Forward-only: never edit a released file, add 0002_*.sql instead.

CREATE TABLE tasks (
  id               text PRIMARY KEY,
  project_id       text NOT NULL,
  name             text NOT NULL DEFAULT '',
  description      text NOT NULL DEFAULT '',
  kind             text NOT NULL,
  job_id           text UNIQUE,  -- NULL when the task has no creation job
  config           jsonb NOT NULL DEFAULT '{}',
  status           text NOT NULL,
  error            text NOT NULL DEFAULT '',
  desired_state    text NOT NULL DEFAULT 'idle',
  stats            jsonb NOT NULL DEFAULT '{}',
  lease_owner      text NOT NULL DEFAULT '',  -- '' when no worker holds the task
  lease_epoch      bigint NOT NULL DEFAULT 0,
  lease_expires_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  released_at      timestamptz
);
CREATE INDEX tasks_project_created_idx ON tasks (project_id, created_at DESC, id DESC);
CREATE INDEX tasks_status_idx ON tasks (status);
CREATE INDEX tasks_runnable_idx ON tasks (lease_expires_at) WHERE desired_state = 'running';

CREATE TABLE task_events (
  id          bigserial PRIMARY KEY,
  task_id     text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  level       text NOT NULL DEFAULT 'info',
  code        text NOT NULL,
  message     text NOT NULL DEFAULT '',
  keywords    text[] NOT NULL DEFAULT '{}',
  from_status text NOT NULL DEFAULT '',  -- '' when the entry is not a transition
  to_status   text NOT NULL DEFAULT ''
);
CREATE INDEX task_events_task_idx ON task_events (task_id, id);

-- Replication position per source shard; written only by the lease holder of `epoch`.
CREATE TABLE checkpoints (
  task_id     text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  shard       text NOT NULL,
  replid      text NOT NULL,
  repl_offset bigint NOT NULL,  -- "offset" is an SQL keyword
  epoch       bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, shard)
);

CREATE TABLE instances (
  id                 text PRIMARY KEY,
  project_id         text NOT NULL,
  name               text NOT NULL DEFAULT '',
  addrs              text NOT NULL,
  encrypted_password text NOT NULL DEFAULT '',
  description        text NOT NULL DEFAULT '',
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instances_project_idx ON instances (project_id, created_at, id);

CREATE TABLE credentials (
  id                   text PRIMARY KEY,
  project_id           text NOT NULL,
  kind                 text NOT NULL CHECK (kind IN ('token', 'aksk')),
  token_sha256         text UNIQUE,  -- NULL for access keys
  access_key           text UNIQUE,  -- NULL for tokens
  encrypted_secret_key text NOT NULL DEFAULT '',
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credentials_project_idx ON credentials (project_id);
