// PgStore's InstanceStore: the registered Redis instances in table `instances`.
#include <pqxx/result>
#include <pqxx/transaction>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "storage/pg_rows.h"
#include "storage/pg_store.h"
#include "storage/sql_queries.h"

namespace rms::storage {
namespace {

absl::Status InstanceNotFound(absl::string_view project_id, absl::string_view instance_id) {
  return absl::NotFoundError(
      absl::StrCat("instance ", instance_id, " does not exist in project ", project_id));
}

}  // namespace

absl::Status PgStore::CreateInstance(const InstanceRecord& instance) {
  return pool_->Run("CreateInstance", [&](pqxx::connection& connection) -> absl::Status {
    pqxx::work tx(connection);
    tx.exec_params(sql::kInsertInstance, instance.id, instance.project_id, instance.name,
                   instance.addrs, instance.encrypted_password, instance.description,
                   MicrosOrNow(instance.created_at));
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<InstanceRecord> PgStore::GetInstance(absl::string_view project_id,
                                                    absl::string_view instance_id) {
  return pool_->Run(
      "GetInstance", [&](pqxx::connection& connection) -> absl::StatusOr<InstanceRecord> {
        pqxx::read_transaction tx(connection);
        pqxx::result rows =
            tx.exec_params(sql::kSelectInstance, std::string(project_id), std::string(instance_id));
        if (rows.empty()) return InstanceNotFound(project_id, instance_id);
        return InstanceFromRow(rows[0]);
      });
}

absl::StatusOr<Page<InstanceRecord>> PgStore::ListInstances(absl::string_view project_id,
                                                            int offset, int limit) {
  RETURN_IF_ERROR(CheckPaging(offset, limit));
  const std::string project(project_id);
  return pool_->Run(
      "ListInstances", [&](pqxx::connection& connection) -> absl::StatusOr<Page<InstanceRecord>> {
        pqxx::read_transaction tx(connection);
        Page<InstanceRecord> page;
        page.total = tx.exec_params1(sql::kCountInstances, project)[0].as<int64_t>();
        for (const pqxx::row& row : tx.exec_params(sql::kListInstances, project, offset, limit)) {
          page.rows.push_back(InstanceFromRow(row));
        }
        return page;
      });
}

absl::Status PgStore::DeleteInstance(absl::string_view project_id, absl::string_view instance_id) {
  return pool_->Run("DeleteInstance", [&](pqxx::connection& connection) -> absl::Status {
    pqxx::work tx(connection);
    pqxx::result result =
        tx.exec_params(sql::kDeleteInstance, std::string(project_id), std::string(instance_id));
    if (result.affected_rows() == 0) return InstanceNotFound(project_id, instance_id);
    tx.commit();
    return absl::OkStatus();
  });
}

}  // namespace rms::storage
