// The alert rules and the dashboard in deploy/ refer only to metrics that a running migrationd
// (API and worker roles, one task streaming) really exports.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/e2e/engine/engine_env.h"

namespace rms::e2e {
namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(RMS_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Metric names of a Prometheus text exposition: sample names and the names of `# TYPE` lines
// (so a histogram counts under its own name as well as its _bucket/_sum/_count series).
std::set<std::string> ExportedNames(const std::string& exposition) {
  std::set<std::string> names;
  std::istringstream lines(exposition);
  std::string line;
  const std::regex type_line(R"(^# TYPE (\S+) )");
  const std::regex sample_line(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ])");
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, match, type_line) || std::regex_search(line, match, sample_line)) {
      names.insert(match[1].str());
    }
  }
  return names;
}

std::set<std::string> ReferencedNames(const std::string& text) {
  std::set<std::string> names;
  const std::regex metric(R"(\brms_[a-z0-9_]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), metric);
       it != std::sregex_iterator(); ++it) {
    names.insert(it->str());
  }
  return names;
}

class DeployMetricsTest : public EngineE2eTest {};

TEST_F(DeployMetricsTest, AlertRulesAndDashboardUseOnlyExportedMetrics) {
  auto source = test_support::RedisServer::Start({});
  auto target = test_support::RedisServer::Start({});
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_TRUE((*source)->Cli({"SET", "k", "v"}).ok());
  const std::string id = CreateAndConfigure("incremental_migration", "auto", **source, **target);
  ASSERT_EQ(WaitForStatus(id, {"INCRMIGEATING"}, absl::Seconds(60))["status"], "INCRMIGEATING");

  const std::string exposition =
      test_support::RestClient(server_->metrics_port(), "").Send("GET", "/metrics").body;
  const std::set<std::string> exported = ExportedNames(exposition);
  ASSERT_TRUE(exported.count("rms_task_lag_seconds")) << exposition;
  for (const std::string file :
       {"deploy/prometheus/alerts.yml", "deploy/grafana/migration-dashboard.json"}) {
    const std::set<std::string> referenced = ReferencedNames(ReadSourceFile(file));
    EXPECT_FALSE(referenced.empty()) << file;
    for (const std::string& name : referenced) {
      EXPECT_TRUE(exported.count(name)) << file << " refers to " << name
                                        << ", which migrationd does not export";
    }
  }
}

}  // namespace
}  // namespace rms::e2e
