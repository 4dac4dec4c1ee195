// PgWorkerStore and PgTaskNotifier: claims with SKIP LOCKED, leases and checkpoints fenced by epoch.
#include "storage/pg_worker_store.h"

#include <pqxx/notification>
#include <pqxx/result>
#include <pqxx/row>
#include <pqxx/transaction>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"
#include "storage/pg_errors.h"
#include "storage/pg_rows.h"
#include "storage/pg_task_writes.h"
#include "storage/sql_queries.h"

namespace rms::storage {
namespace {

absl::Status LeaseLost(absl::string_view task_id, int64_t epoch) {
  return absl::AbortedError(
      absl::StrCat("lease of task ", task_id, " at epoch ", epoch, " is no longer held"));
}

int64_t Micros(absl::Duration d) { return absl::ToInt64Microseconds(d); }

}  // namespace

absl::StatusOr<std::optional<TaskRecord>> PgWorkerStore::ClaimTask(absl::string_view owner,
                                                                   absl::Duration ttl) {
  return pool_.Run(
      "ClaimTask", [&](pqxx::connection& c) -> absl::StatusOr<std::optional<TaskRecord>> {
        pqxx::work tx(c);
        tx.exec_params(sql::kLockClaims, sql::kClaimLockKey);
        pqxx::result rows = tx.exec_params(sql::kClaimTask, std::string(owner), Micros(ttl),
                                           policy_.max_running_per_project);
        tx.commit();
        if (rows.empty()) return std::nullopt;
        return TaskFromRow(rows[0]);
      });
}

absl::StatusOr<TaskRecord> PgWorkerStore::RenewLease(absl::string_view task_id, int64_t epoch,
                                                     absl::Duration ttl) {
  return lease_pool_.RunIdempotent(
      "RenewLease", [&](pqxx::connection& c) -> absl::StatusOr<TaskRecord> {
        pqxx::work tx(c);
        pqxx::result rows =
            tx.exec_params(sql::kRenewLease, std::string(task_id), epoch, Micros(ttl));
        tx.commit();
        if (rows.empty()) return LeaseLost(task_id, epoch);
        return TaskFromRow(rows[0]);
      });
}

absl::StatusOr<TaskRecord> PgWorkerStore::UpdateLeasedTask(absl::string_view task_id, int64_t epoch,
                                                           const TaskMutation& mutate) {
  const std::string id(task_id);
  return pool_.RunIdempotent(
      "UpdateLeasedTask", [&](pqxx::connection& c) -> absl::StatusOr<TaskRecord> {
        pqxx::work tx(c);
        pqxx::result rows = tx.exec_params(sql::kSelectTaskByIdForUpdate, id);
        if (rows.empty()) return absl::NotFoundError(absl::StrCat("task ", id, " does not exist"));
        ASSIGN_OR_RETURN(TaskRecord task, TaskFromRow(rows[0]));
        if (task.lease_epoch != epoch) return LeaseLost(task_id, epoch);
        TaskEvent event;
        RETURN_IF_ERROR(mutate(task, event));
        task.lease_epoch = epoch;  // the mutation may not move the fence
        ASSIGN_OR_RETURN(auto written_row, WriteTask(tx, task.project_id, id, task));
        auto& [written, claimable] = written_row;
        if (!event.code.empty()) InsertEvent(tx, id, event);
        if (claimable) tx.exec_params(sql::kNotifyTask, "rms_tasks", id);
        tx.commit();
        return written;
      });
}

absl::Status PgWorkerStore::ReleaseLease(absl::string_view task_id, int64_t epoch) {
  return pool_.RunIdempotent("ReleaseLease", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(sql::kReleaseLease, std::string(task_id), epoch);
    tx.commit();
    return r.affected_rows() == 1 ? absl::OkStatus() : LeaseLost(task_id, epoch);
  });
}

absl::Status PgWorkerStore::WriteStats(absl::string_view task_id, int64_t epoch,
                                       absl::string_view stats_json) {
  return pool_.RunIdempotent("WriteStats", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result r =
        tx.exec_params(sql::kWriteStats, std::string(task_id), epoch, std::string(stats_json));
    tx.commit();
    return r.affected_rows() == 1 ? absl::OkStatus() : LeaseLost(task_id, epoch);
  });
}

absl::Status PgWorkerStore::WriteCheckpoint(absl::string_view task_id, int64_t epoch,
                                            const Checkpoint& checkpoint) {
  return pool_.RunIdempotent("WriteCheckpoint", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(sql::kWriteCheckpoint, std::string(task_id), epoch,
                                    checkpoint.shard, checkpoint.replid, checkpoint.offset,
                                    checkpoint.db, absl::StrJoin(checkpoint.skip_offsets, ","));
    tx.commit();
    return r.affected_rows() == 1 ? absl::OkStatus() : LeaseLost(task_id, epoch);
  });
}

absl::StatusOr<std::vector<Checkpoint>> PgWorkerStore::ReadCheckpoints(absl::string_view task_id) {
  return pool_.RunIdempotent(
      "ReadCheckpoints", [&](pqxx::connection& c) -> absl::StatusOr<std::vector<Checkpoint>> {
        pqxx::read_transaction tx(c);
        std::vector<Checkpoint> out;
        for (const pqxx::row& row : tx.exec_params(sql::kReadCheckpoints, std::string(task_id))) {
          Checkpoint checkpoint{row[0].as<std::string>(), row[1].as<std::string>(),
                                row[2].as<int64_t>(), row[3].as<int64_t>(), row[4].as<int>()};
          for (absl::string_view part :
               absl::StrSplit(row[5].as<std::string>(), ',', absl::SkipEmpty())) {
            int64_t offset = 0;
            if (!absl::SimpleAtoi(part, &offset)) {
              return absl::InternalError("checkpoints.skip_offsets holds a non-number");
            }
            checkpoint.skip_offsets.push_back(offset);
          }
          out.push_back(std::move(checkpoint));
        }
        return out;
      });
}

absl::Status PgWorkerStore::ClearCheckpoints(absl::string_view task_id, int64_t epoch) {
  return pool_.RunIdempotent("ClearCheckpoints", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    if (tx.exec_params(sql::kCheckEpoch, std::string(task_id), epoch).empty()) {
      return LeaseLost(task_id, epoch);
    }
    tx.exec_params(sql::kClearCheckpoints, std::string(task_id), epoch);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgWorkerStore::AddEvent(absl::string_view task_id, int64_t epoch,
                                     const TaskEvent& event) {
  return pool_.Run("AddEvent", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    if (tx.exec_params(sql::kCheckEpoch, std::string(task_id), epoch).empty()) {
      return LeaseLost(task_id, epoch);
    }
    InsertEvent(tx, std::string(task_id), event);
    tx.commit();
    return absl::OkStatus();
  });
}

class PgTaskNotifier::Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection& c, const std::string& channel)
      : pqxx::notification_receiver(c, channel) {}
  void operator()(const std::string&, int) override { notified_ = true; }
  bool TakeNotified() { return std::exchange(notified_, false); }

 private:
  bool notified_ = false;
};

absl::StatusOr<std::unique_ptr<PgTaskNotifier>> PgTaskNotifier::Open(
    const std::string& url, const std::vector<std::string>& channels) {
  std::unique_ptr<PgTaskNotifier> notifier(new PgTaskNotifier());
  try {
    notifier->connection_ = std::make_unique<pqxx::connection>(url);
    for (const std::string& channel : channels) {
      notifier->receivers_.push_back(std::make_unique<Receiver>(*notifier->connection_, channel));
    }
  } catch (...) {
    return StatusFromCurrentException("LISTEN " + absl::StrJoin(channels, ", "));
  }
  return notifier;
}

PgTaskNotifier::~PgTaskNotifier() {
  receivers_.clear();
  connection_.reset();
}

absl::StatusOr<bool> PgTaskNotifier::Wait(absl::Duration timeout) {
  try {
    int64_t micros = std::max<int64_t>(0, absl::ToInt64Microseconds(timeout));
    connection_->await_notification(micros / 1000000, micros % 1000000);
    connection_->get_notifs();
    bool notified = false;
    for (const auto& receiver : receivers_) notified = receiver->TakeNotified() || notified;
    return notified;
  } catch (...) {
    return StatusFromCurrentException("waiting for task notifications");
  }
}

}  // namespace rms::storage
