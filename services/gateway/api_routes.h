// The DCS REST routes of docs/api.md, each a thin adapter over MigrationApi.
#pragma once

#include "services/api/migration_api.h"
#include "services/gateway/router.h"

namespace rms::gateway {

// Adds every task, job and instance route under /v2/{project_id}. `api` must outlive `router`.
void AddApiRoutes(Router& router, api::MigrationApi& api);

}  // namespace rms::gateway
