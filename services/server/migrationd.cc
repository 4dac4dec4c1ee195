// The server of migrationd: the API and worker roles, until SIGTERM.
#include "services/server/migrationd.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"
#include "services/api/migration_api.h"
#include "services/auth/authenticator.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/engine/io/memory_budget.h"
#include "services/gateway/api_routes.h"
#include "services/gateway/http_gateway.h"
#include "services/grpc_api/grpc_migration_service.h"
#include "services/grpc_api/server_credentials.h"
#include "services/health/health_monitor.h"
#include "services/health/readiness_probe.h"
#include "services/metrics/api_metrics.h"
#include "services/metrics/process_metrics_collector.h"
#include "services/metrics/task_metrics_collector.h"
#include "services/metrics/verification_metrics.h"
#include "services/server/service_state.h"
#include "services/server/snapshot_threads.h"
#include "services/server/worker_role.h"
#include "services/worker/database_fit_check.h"
#include "services/worker/verification_runner.h"
#include "storage/pg_signature_ledger.h"
#include "storage/pg_verification_store.h"
#include "storage/schema_migrator.h"

namespace rms::server {
namespace {

sigset_t ShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

absl::StatusOr<std::unique_ptr<prometheus::Exposer>> StartMetrics(const std::string& listen,
                                                                  int* port) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
    std::vector<int> ports = exposer->GetListeningPorts();
    *port = ports.empty() ? 0 : ports.front();
    return exposer;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen));
  }
}

absl::Status WriteReadyFile(const std::string& path, const nlohmann::json& ports) {
  if (path.empty()) return absl::OkStatus();
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << ports.dump() << "\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", temp));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

// "<host>:<pid>": lease owners name the process holding a task.
std::string WorkerIdentity() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, ":", getpid());
}

// GET /healthz: the process is alive. GET /readyz: it can serve (503 DCS.5031 with the reason
// otherwise). Neither needs credentials.
void AddHealthRoutes(gateway::Router& router, health::ReadinessProbe& probe) {
  router.Add(
      {"GET", "/healthz", false, [](const gateway::RouteRequest&) -> absl::StatusOr<std::string> {
         return std::string(R"({"status":"ok"})");
       }});
  router.Add({"GET", "/readyz", false,
              [&probe](const gateway::RouteRequest&) -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(probe.Check());
                return std::string(R"({"status":"ready"})");
              }});
}

metrics::FinishedVerification FinishedOf(const worker::VerificationOutcome& outcome) {
  const verify::Report& report = outcome.report;
  return metrics::FinishedVerification{outcome.status,
                                       report.keys_checked,
                                       {{"missing", report.missing},
                                        {"extra", report.extra},
                                        {"value", report.value_mismatch},
                                        {"ttl", report.ttl_mismatch},
                                        {"type", report.type_mismatch}},
                                       outcome.source_commands};
}

// The REST server's connection cap and TLS files (and client CAs) from the command line.
http::ServerOptions HttpOptions(const ServerOptions& options) {
  http::ServerOptions http_options;
  http_options.max_connections = options.http_max_connections;
  http_options.tls_cert_file = options.tls_cert_file;
  http_options.tls_key_file = options.tls_key_file;
  http_options.tls_client_ca_file = options.tls_client_ca_file;
  return http_options;
}

// How the front doors are secured, for the startup log line.
const char* TransportName(const ServerOptions& options) {
  if (options.tls_cert_file.empty()) return " (plaintext)";
  return options.tls_client_ca_file.empty() ? " (TLS)" : " (mutual TLS)";
}

}  // namespace

absl::Status RunServer(const ServerOptions& options) {
  const sigset_t signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // threads created below inherit the mask
  ASSIGN_OR_RETURN(std::unique_ptr<ServiceState> state,
                   ServiceState::Open(options.database, /*attach_if_running=*/false));
  storage::PgVerificationStore verification_store(state->store().pool());
  auto registry = std::make_shared<prometheus::Registry>();
  metrics::ApiMetrics api_metrics(*registry);
  nlohmann::json ready = nlohmann::json::object();
  int metrics_port = 0;
  ASSIGN_OR_RETURN(auto exposer, StartMetrics(options.metrics_listen, &metrics_port));
  exposer->RegisterCollectable(registry);
  auto task_metrics = std::make_shared<metrics::TaskMetricsCollector>(
      [&store = state->store()] { return store.ListLiveTasks(10000); });
  auto verification_metrics = std::make_shared<metrics::VerificationStatusCollector>(
      [&verification_store] { return verification_store.CountVerificationsByStatus(); });
  if (options.api_role) {
    exposer->RegisterCollectable(task_metrics);
    exposer->RegisterCollectable(verification_metrics);
  }
  metrics::VerificationCounters verification_counters(*registry);
  ready["metrics_port"] = metrics_port;
  storage::PgPool& pool = state->store().pool();
  health::ReadinessProbe probe([&pool] { return storage::AppliedSchemaVersion(pool); },
                               storage::BuiltinSchemaVersion());
  const int worker_slots = options.worker_role ? options.workers : 0;
  auto process_metrics = std::make_shared<metrics::ProcessMetricsCollector>([&, worker_slots] {
    return metrics::ProcessHealth{probe.last_ready(), pool.ErrorCount(), worker_slots};
  });
  exposer->RegisterCollectable(process_metrics);

  api::MigrationApiOptions api_options;
  api_options.check_peers = [&secrets = state->secrets()](const task_config::TaskConfig& config) {
    return worker::CheckDatabasesFitTarget(config, secrets);
  };
  api::MigrationApi api(state->store(), state->store(), verification_store, state->secrets(),
                        api_options);
  storage::PgSignatureLedger signature_ledger(state->store().pool());
  auth::ReplayGuard replay_guard(&signature_ledger);
  auth::Authenticator authenticator(
      state->store(), state->secrets(), [] { return absl::Now(); }, &replay_guard);
  gateway::Router router;
  AddHealthRoutes(router, probe);
  gateway::AddApiRoutes(router, api);
  gateway::HttpGateway http(router, authenticator, api_metrics, HttpOptions(options));
  grpc_api::GrpcMigrationService grpc_service(api, authenticator, api_metrics);
  std::unique_ptr<grpc::Server> grpc_server;
  if (options.api_role) {
    std::string host;
    int port = 0;
    RETURN_IF_ERROR(SplitHostPort("--http-listen", options.http_listen, &host, &port));
    RETURN_IF_ERROR(http.Start(host, port));
    ready["http_port"] = http.port();
    RETURN_IF_ERROR(SplitHostPort("--grpc-listen", options.grpc_listen, &host, &port));
    int grpc_port = 0;
    std::shared_ptr<grpc::ServerCredentials> grpc_credentials;
    if (!options.tls_cert_file.empty()) {
      ASSIGN_OR_RETURN(grpc_credentials,
                       grpc_api::TlsServerCredentials(options.tls_cert_file, options.tls_key_file,
                                                      options.tls_client_ca_file));
    }
    ASSIGN_OR_RETURN(grpc_server, grpc_api::StartGrpcServer(grpc_service, host, port, &grpc_port,
                                                            grpc_credentials));
    ready["grpc_port"] = grpc_port;
    LogInfo(absl::StrCat("api role: REST on port ", http.port(), ", gRPC on port ", grpc_port,
                         TransportName(options), ", metrics on port ", metrics_port));
  }
  engine::io::MemoryBudget memory_budget(size_t(options.worker_memory_mb) << 20);
  std::unique_ptr<WorkerRole> workers;
  if (options.worker_role && options.workers > 0) {
    const std::string import_dir =
        options.import_dir.empty() ? options.database.data_dir + "/import" : options.import_dir;
    worker::EngineLimits limits;
    limits.max_command_bytes = size_t(options.max_command_mb) << 20;
    limits.max_transaction_bytes = size_t(options.max_transaction_mb) << 20;
    limits.budget = &memory_budget;
    limits.snapshot_writer_thread = SnapshotThreads(options.snapshot_threads) == 2;
    LogInfo(absl::StrCat(
        "worker role: a snapshot is copied on ",
        limits.snapshot_writer_thread ? "two threads (parse, write)" : "one thread",
        " (--snapshot-threads ",
        options.snapshot_threads == 0 ? "auto" : absl::StrCat(options.snapshot_threads), ", ",
        CpusAvailable(), " CPUs available)"));
    const worker::VerificationRunnerOptions verify_options;
    auto verification_work = [&](storage::WorkerStore& worker_store) {
      auto runner = std::make_shared<worker::VerificationRunner>(
          verification_store, state->store(), worker_store, state->secrets(), verify_options,
          [&verification_counters](const worker::VerificationOutcome& outcome) {
            verification_counters.Observe(FinishedOf(outcome));
          });
      return worker::MakeVerificationWork(verification_store, runner, verify_options.lease_ttl);
    };
    ASSIGN_OR_RETURN(
        workers, WorkerRole::Start(state->store().pool().url(), options.workers, state->secrets(),
                                   import_dir, limits, WorkerIdentity(),
                                   storage::ClaimPolicy{options.max_running_per_project},
                                   verification_work));
  }
  health::HealthMonitor monitor(
      probe,
      [&grpc_server](bool ready) {
        if (grpc_server) grpc_api::SetServing(*grpc_server, ready);
      },
      absl::Seconds(1));
  monitor.Start();
  RETURN_IF_ERROR(WriteReadyFile(options.ready_file, ready));
  int signal = 0;
  sigwait(&signals, &signal);
  LogInfo(absl::StrCat("signal ", signal, " received; shutting down"));
  monitor.Stop();
  if (workers) workers->Stop();  // running tasks keep their status and release their leases
  http.Stop();
  if (grpc_server)
    grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return absl::OkStatus();
}

}  // namespace rms::server
