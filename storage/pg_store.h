// PgStore: TaskStore, InstanceStore and CredentialStore over PostgreSQL through a PgPool.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/credential_store.h"
#include "storage/instance_store.h"
#include "storage/pg_pool.h"
#include "storage/task_store.h"

namespace rms::storage {

// The channel UpdateTask notifies (payload: the task id) when a task becomes claimable.
inline constexpr char kTaskChannel[] = "rms_tasks";

// All methods may be called from any thread; each runs on its own pooled connection. Besides the
// codes documented by the interfaces, every method may return UNAVAILABLE (DCS.5030) when the
// database is unreachable, ABORTED on a serialization conflict and INTERNAL (no payload) on other
// SQL errors (see pg_errors.h). Creating a record with a default `created_at` (absl::Time{})
// stores the database's now(). Paging: negative offset or limit -> INVALID_ARGUMENT.
class PgStore final : public TaskStore, public InstanceStore, public CredentialStore {
 public:
  // Connects to `url` with up to `pool_size` connections and applies the built-in schema
  // migrations. Errors as PgPool::Create and ApplyMigrations.
  static absl::StatusOr<std::unique_ptr<PgStore>> Open(const std::string& url, int pool_size);

  explicit PgStore(std::unique_ptr<PgPool> pool);

  // The pool, for other PostgreSQL-backed components of storage/ sharing these connections.
  PgPool& pool() { return *pool_; }

  // TaskStore. UpdateTask keeps id, project_id, job_id and created_at; the mutation may change
  // the rest. The event (if its code is set) gets the task id and created_at = now(). ListEvents
  // of an unknown task is an empty page.
  absl::Status CreateTask(const TaskRecord& task, const TaskEvent& event) override;
  absl::StatusOr<TaskRecord> GetTask(absl::string_view project_id,
                                     absl::string_view task_id) override;
  absl::StatusOr<TaskRecord> GetTaskByJob(absl::string_view project_id,
                                          absl::string_view job_id) override;
  absl::StatusOr<Page<TaskRecord>> ListTasks(absl::string_view project_id,
                                             absl::string_view name_filter, int offset,
                                             int limit) override;
  absl::StatusOr<TaskRecord> UpdateTask(absl::string_view project_id, absl::string_view task_id,
                                        const TaskMutation& mutate) override;
  absl::StatusOr<std::vector<TaskRecord>> ListLiveTasks(int limit) override;
  absl::StatusOr<Page<TaskEvent>> ListEvents(absl::string_view task_id, absl::string_view level,
                                             int offset, int limit) override;

  // InstanceStore.
  absl::Status CreateInstance(const InstanceRecord& instance) override;
  absl::StatusOr<InstanceRecord> GetInstance(absl::string_view project_id,
                                             absl::string_view instance_id) override;
  absl::StatusOr<Page<InstanceRecord>> ListInstances(absl::string_view project_id, int offset,
                                                     int limit) override;
  absl::Status DeleteInstance(absl::string_view project_id, absl::string_view instance_id) override;

  // CredentialStore.
  absl::Status CreateCredential(const CredentialRecord& credential) override;
  absl::StatusOr<CredentialRecord> FindByTokenHash(absl::string_view token_sha256) override;
  absl::StatusOr<CredentialRecord> FindByAccessKey(absl::string_view access_key) override;
  absl::StatusOr<std::vector<CredentialRecord>> ListCredentials(
      absl::string_view project_id) override;
  absl::StatusOr<CredentialRecord> RevokeCredential(absl::string_view project_id,
                                                    absl::string_view credential_id,
                                                    absl::Time now) override;

 private:
  std::unique_ptr<PgPool> pool_;
};

}  // namespace rms::storage
