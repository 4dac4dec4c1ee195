// InstanceStore: the registry of Redis instances a project can refer to by id.
#pragma once

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/records.h"

namespace rms::storage {

class InstanceStore {
 public:
  virtual ~InstanceStore() = default;
  // ALREADY_EXISTS on id clash.
  virtual absl::Status CreateInstance(const InstanceRecord& instance) = 0;
  // NOT_FOUND (no DCS payload) when the instance is not in the project.
  virtual absl::StatusOr<InstanceRecord> GetInstance(absl::string_view project_id,
                                                     absl::string_view instance_id) = 0;
  // Oldest first.
  virtual absl::StatusOr<Page<InstanceRecord>> ListInstances(absl::string_view project_id,
                                                             int offset, int limit) = 0;
  // NOT_FOUND when absent.
  virtual absl::Status DeleteInstance(absl::string_view project_id,
                                      absl::string_view instance_id) = 0;
};

}  // namespace rms::storage
