// The JobFactory of migrationd: an online migration or a backup import, from the task's config.
#pragma once

#include <string>

#include "services/crypto/secret_box.h"
#include "services/worker/engine_limits.h"
#include "services/worker/task_runner.h"
#include "storage/worker_store.h"

namespace rms::worker {

// INVALID_ARGUMENT when the stored config is unusable (the task then fails with that message).
// Import tasks read their files from <import_dir>/<project_id>/ only.
// Online migrations run under `limits` (its budget must outlive the factory's jobs).
JobFactory MakeJobFactory(storage::WorkerStore& store, const crypto::SecretBox& secrets,
                          std::string import_dir, EngineLimits limits = {});

}  // namespace rms::worker
