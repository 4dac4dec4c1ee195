// VerificationRunner: connects to a task's source and target, runs the Verifier under a lease,
// and stores the outcome.
#include "services/worker/verification_runner.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/redact.h"
#include "services/common/status_macros.h"
#include "services/task_config/task_config.h"
#include "services/verify/verifier.h"
#include "services/worker/catch_up_wait.h"
#include "services/worker/endpoints.h"
#include "services/worker/peer_layout.h"
#include "services/worker/verification_keeper.h"

namespace rms::worker {
namespace {

absl::StatusOr<std::vector<engine::redis::Endpoint>> NodesOf(
    const std::optional<task_config::EndpointConfig>& endpoint, const crypto::SecretBox& secrets,
    absl::string_view role) {
  if (!endpoint) {
    return absl::FailedPreconditionError(absl::StrCat("the task has no ", role, " configured"));
  }
  return ToEngineEndpoints(*endpoint, secrets, role);
}

absl::Status CannotConnect(absl::string_view role, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat("cannot connect to the ", role, ": ", status.message()));
}

verify::VerifierOptions OptionsOf(const storage::VerificationRecord& verification) {
  verify::VerifierOptions options;
  options.sample = verification.mode == "sample";
  options.sample_keys = verification.sample_keys;
  options.ttl_tolerance = absl::Seconds(verification.ttl_tolerance_s);
  options.max_source_ops = verification.max_source_ops_per_s;
  return options;
}

std::string HowItCompared(const verify::Verifier& verifier) {
  std::string text = verifier.digest_mode() == verify::DigestMode::kDebug
                         ? "values compared by DEBUG DIGEST-VALUE"
                         : "values compared by chunked reads (DEBUG refused or versions differ)";
  if (verifier.rechecked() > 0) {
    absl::StrAppend(&text, "; ", verifier.rechecked(),
                    " differences were checked again after the target caught up");
  }
  return text;
}

}  // namespace

VerificationRunner::VerificationRunner(storage::VerificationStore& verifications,
                                       storage::TaskStore& tasks, storage::WorkerStore& workers,
                                       const crypto::SecretBox& secrets,
                                       VerificationRunnerOptions options,
                                       VerificationObserver observer)
    : verifications_(verifications),
      tasks_(tasks),
      workers_(workers),
      secrets_(secrets),
      options_(options),
      observer_(std::move(observer)) {}

absl::StatusOr<VerificationRunner::Session> VerificationRunner::Open(
    const storage::VerificationRecord& verification) {
  Session session;
  ASSIGN_OR_RETURN(session.task, tasks_.GetTask(verification.project_id, verification.task_id));
  ASSIGN_OR_RETURN(task_config::TaskConfig config,
                   task_config::TaskConfigFromJson(session.task.config_json));
  // The source: one node (a standalone server or a one-master cluster). The target: one node or
  // every master of a cluster.
  ASSIGN_OR_RETURN(std::vector<engine::redis::Endpoint> source_nodes,
                   NodesOf(config.source, secrets_, "source"));
  ASSIGN_OR_RETURN(std::vector<engine::redis::Endpoint> target_nodes,
                   NodesOf(config.target, secrets_, "target"));
  // A cluster source with several masters is not verified yet (the migration itself is): every
  // read would have to go to the source master owning its key.
  absl::StatusOr<engine::topology::Topology> source_layout = DiscoverPeer(source_nodes);
  if (source_layout.ok() && source_layout->cluster && source_layout->slots->masters().size() > 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the source is a Redis Cluster with ", source_layout->slots->masters().size(),
        " masters: verifying a task with a cluster source of several masters is not supported "
        "yet (its migration is)"));
  }
  absl::StatusOr<engine::redis::Endpoint> source = ResolveSourceNode(source_nodes);
  if (!source.ok()) return CannotConnect("source", source.status());
  absl::StatusOr<TargetLayout> target = ResolveTarget(target_nodes);
  if (!target.ok()) return CannotConnect("target", target.status());
  auto source_client = engine::redis::RedisClient::Connect(*source);
  if (!source_client.ok()) return CannotConnect("source", source_client.status());
  session.source = *std::move(source_client);
  if (target->cluster) {
    auto cluster = verify::ClusterSide::Connect(target->nodes);
    if (!cluster.ok()) return CannotConnect("target", cluster.status());
    session.target_cluster = *std::move(cluster);
  } else {
    auto target_client = engine::redis::RedisClient::Connect(target->nodes.front());
    if (!target_client.ok()) return CannotConnect("target", target_client.status());
    session.target = *std::move(target_client);
  }
  return session;
}

verify::VerifierHooks VerificationRunner::HooksFor(const storage::TaskRecord& task,
                                                   TaskContext& context) {
  verify::VerifierHooks hooks;
  hooks.sleep = [&context](absl::Duration d) { return context.SleepUnlessCancelled(d); };
  if (task.status ==
      task_model::TaskStatus::kIncrMigrating) {  // streaming: differences may be replication lag
    hooks.wait_for_catch_up = [this, &task, &context](engine::redis::RedisClient& source) {
      return WaitForCatchUp(source, tasks_, workers_, task, context, options_.catch_up_deadline);
    };
  }
  return hooks;
}

void VerificationRunner::Run(const storage::VerificationRecord& verification,
                             TaskContext& shutdown) {
  LogInfo(absl::StrCat("verification ", verification.id, " of task ", verification.task_id,
                       ": claimed (", verification.mode, ", epoch ", verification.lease_epoch,
                       ")"));
  const absl::Time started = absl::Now();
  absl::StatusOr<Session> session = Open(verification);
  if (!session.ok()) return Finish(verification, session.status(), {}, 0, started);
  TaskContext context;
  const int link = shutdown.OnCancel([&] { context.Cancel(shutdown.reason()); });
  const int wake = context.OnCancel([&] {
    session->source->Cancel();
    if (session->target) session->target->Cancel();
    if (session->target_cluster) session->target_cluster->Cancel();
  });
  verify::Verifier verifier =
      session->target_cluster
          ? verify::Verifier(*session->source, *session->target_cluster, OptionsOf(verification),
                             HooksFor(session->task, context))
          : verify::Verifier(*session->source, *session->target, OptionsOf(verification),
                             HooksFor(session->task, context));
  VerificationKeeper keeper(verifications_, verification, options_.lease_ttl,
                            options_.progress_interval, context,
                            [&] { return verifier.Progress(); });
  keeper.Start();
  absl::Status outcome = verifier.Run();
  keeper.Stop();
  LogInfo(absl::StrCat("verification ", verification.id, ": ", HowItCompared(verifier)));
  context.Unregister(wake);
  shutdown.Unregister(link);
  if (keeper.lease_lost()) {
    LogWarning(absl::StrCat("verification ", verification.id, ": ", context.reason().message()));
  } else if (shutdown.cancelled()) {
    (void)verifications_.ReleaseVerification(verification.id, verification.lease_epoch);
    LogInfo(absl::StrCat("verification ", verification.id, ": released (the worker stops)"));
  } else {
    Finish(verification, outcome, verifier.Progress(), verifier.source_commands(), started);
  }
}

void VerificationRunner::Finish(const storage::VerificationRecord& verification,
                                const absl::Status& outcome, const verify::Report& report,
                                uint64_t source_commands, absl::Time started) {
  const std::string status = outcome.ok() ? "DONE" : "FAILED";
  const std::string error = outcome.ok() ? "" : RedactUrl(outcome.message());
  absl::Status written =
      verifications_.FinishVerification(verification.id, verification.lease_epoch, status,
                                        CountsOf(report), ExamplesOf(report), error);
  const absl::Duration elapsed = absl::Now() - started;
  LogInfo(absl::StrCat("verification ", verification.id, ": ", status, " after ",
                       absl::FormatDuration(elapsed), ", ", report.keys_checked, " keys checked, ",
                       report.differences(), " differences, ", source_commands, " source commands",
                       error.empty() ? "" : ": ", error));
  if (!written.ok()) {
    LogWarning(absl::StrCat("verification ", verification.id,
                            ": outcome not stored: ", written.message()));
    return;
  }
  if (observer_) observer_(VerificationOutcome{status, report, source_commands, elapsed});
}

VerificationWork MakeVerificationWork(storage::VerificationStore& verifications,
                                      std::shared_ptr<VerificationRunner> runner,
                                      absl::Duration lease_ttl) {
  return [&verifications, runner, lease_ttl](const std::string& owner, TaskContext& shutdown) {
    auto claimed = verifications.ClaimVerification(owner, lease_ttl);
    if (!claimed.ok()) {
      LogWarning(absl::StrCat("worker ", owner,
                              ": cannot claim verifications: ", claimed.status().message()));
      return false;
    }
    if (!claimed->has_value()) return false;
    runner->Run(**claimed, shutdown);
    return true;
  };
}

}  // namespace rms::worker
