-- 0005_credentials_lifecycle: credentials may expire and be revoked; AK/SK signatures already
-- accepted are remembered until their X-Sdk-Date leaves the clock-skew window (replay refusal).
-- Existing credentials stay valid: both new columns are NULL ("never expires", "not revoked").
ALTER TABLE credentials ADD COLUMN expires_at timestamptz;
ALTER TABLE credentials ADD COLUMN revoked_at timestamptz;

-- One row per accepted signature (lower-case hex); rows past forget_after are purged.
CREATE TABLE seen_signatures (
  signature    text PRIMARY KEY,
  forget_after timestamptz NOT NULL
);
CREATE INDEX seen_signatures_forget_idx ON seen_signatures (forget_after);

-- Claims count the live leases per project (fairness and --max-running-per-project).
CREATE INDEX tasks_leased_project_idx ON tasks (project_id) WHERE lease_owner <> '';
