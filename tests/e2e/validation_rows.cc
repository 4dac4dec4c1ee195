// The table of malformed requests of validation_e2e_test.cc, one row per rejected input.
#include "tests/e2e/validation_rows.h"

#include <nlohmann/json.hpp>

#include "tests/e2e/parity_fixture.h"

namespace rms::e2e {
namespace {

constexpr char kConfigure[] = "/migration/{task}/task";
constexpr char kUnknownId[] = "ffffffffffffffffffffffffffffffff";

// The seed example with the value at JSON pointer `pointer` replaced (or removed when absent).
std::string Seed(const std::string& pointer = "", const Json& value = Json::value_t::discarded) {
  Json body = SeedConfigure(123);
  if (pointer.empty()) return body.dump();
  const Json::json_pointer at(pointer);
  if (value.is_discarded()) {
    body[at.parent_pointer()].erase(at.back());
  } else {
    body[at] = value;
  }
  return body.dump();
}

std::string Addrs(const std::string& source, const std::string& target) {
  Json body = SeedConfigure(123);
  body["source_instance"]["addrs"] = source;
  body["target_instance"]["addrs"] = target;
  return body.dump();
}

// {"<field>": ["id0", "id1", ...]} with `count` ids.
std::string BatchOf(const std::string& field, int count) {
  Json ids = Json::array();
  for (int i = 0; i < count; ++i) ids.push_back("id" + std::to_string(i));
  return Json{{field, ids}}.dump();
}

BadRequest Configure(std::string name, std::string body, int status, std::string code,
                     std::string mentions = "") {
  return {std::move(name), "POST",          kConfigure,         std::move(body),
          status,          std::move(code), std::move(mentions)};
}

std::vector<BadRequest> ConfigureFieldRows() {
  return {
      Configure("MissingMigrationMethod", Seed("/migration_method"), 400, "DCS.4001",
                "migration_method"),
      Configure("NullMigrationMethod", Seed("/migration_method", nullptr), 400, "DCS.4001"),
      Configure("MissingResumeMode", Seed("/resume_mode"), 400, "DCS.4001", "resume_mode"),
      Configure("MissingSourceInstance", Seed("/source_instance"), 400, "DCS.4001",
                "source_instance"),
      Configure("MissingTargetInstance", Seed("/target_instance"), 400, "DCS.4001",
                "target_instance"),
      Configure("BadMigrationMethod", Seed("/migration_method", "fast"), 400, "DCS.4002",
                "migration_method"),
      Configure("BadResumeMode", Seed("/resume_mode", "sometimes"), 400, "DCS.4002", "resume_mode"),
      Configure("BandwidthZero", Seed("/bandwidth_limit_mb", 0), 400, "DCS.4004"),
      Configure("Bandwidth10241", Seed("/bandwidth_limit_mb", 10241), 400, "DCS.4004"),
      Configure("BandwidthMinusOne", Seed("/bandwidth_limit_mb", -1), 400, "DCS.4004"),
      Configure("BandwidthHugeString", Seed("/bandwidth_limit_mb", "99999999999999999999"), 400,
                "DCS.4004"),
      Configure("BandwidthAbc", Seed("/bandwidth_limit_mb", "abc"), 400, "DCS.4002",
                "bandwidth_limit_mb"),
      Configure("BandwidthFraction", Seed("/bandwidth_limit_mb", 1.5), 400, "DCS.4002",
                "bandwidth_limit_mb"),
      Configure("BandwidthBoolean", Seed("/bandwidth_limit_mb", true), 400, "DCS.4002",
                "bandwidth_limit_mb"),
      Configure("DbMappingTargetOutOfRange", Seed("/db_mapping", {{"2", 70000}}), 400, "DCS.4002",
                "db_mapping"),
      Configure("DbMappingNegativeSource", Seed("/db_mapping", {{"-1", 0}}), 400, "DCS.4002",
                "db_mapping"),
      Configure("DbMappingNotANumber", Seed("/db_mapping", {{"two", 0}}), 400, "DCS.4002"),
      Configure("PasswordTooLong", Seed("/source_instance/password", std::string(513, 'p')), 400,
                "DCS.4002", "source_instance.password"),
      Configure("SourceWithoutIdOrAddrs", Seed("/source_instance", {{"password", "x"}}), 400,
                "DCS.4005", "source_instance"),
      Configure("TargetEmptyObject", Seed("/target_instance", Json::object()), 400, "DCS.4005",
                "target_instance"),
      Configure("AddrsWithoutPort", Addrs("127.0.0.1", "127.0.0.1:6380"), 400, "DCS.4005"),
      Configure("AddrsPortZero", Addrs("host:0", "127.0.0.1:6380"), 400, "DCS.4005"),
      Configure("AddrsPortTooBig", Addrs("host:99999", "127.0.0.1:6380"), 400, "DCS.4005"),
      Configure("AddrsEmptyEntry", Addrs("a:1,,b:2", "127.0.0.1:6380"), 400, "DCS.4005"),
      Configure("AddrsEmptyHost", Addrs(":6379", "127.0.0.1:6380"), 400, "DCS.4005"),
      Configure("TargetAddrsTrailingComma", Addrs("127.0.0.1:6379", "b:2,"), 400, "DCS.4005"),
      Configure("SameSourceAndTarget", Addrs("127.0.0.1:6379", "127.0.0.1:6379"), 400, "DCS.4006"),
      Configure("SameSetOtherOrder",
                Addrs("10.0.0.1:7000,10.0.0.2:7001", "10.0.0.2:7001,10.0.0.1:7000"), 400,
                "DCS.4006"),
      Configure("SameHostOtherCase", Addrs("LocalHost:6379", "localhost:6379"), 400, "DCS.4006"),
      // Compared after name resolution (localhost is in /etc/hosts: no DNS query leaves).
      Configure("LocalhostIsTheLoopbackAddress", Addrs("localhost:6379", "127.0.0.1:6379"), 400,
                "DCS.4006"),
      Configure("SharedClusterNode", Addrs("127.0.0.1:7000,127.0.0.1:7001", "127.0.0.1:7001"), 400,
                "DCS.4006"),
      Configure("RegisteredIdWithAddrs",
                Seed("/source_instance", {{"id", kUnknownId}, {"addrs", "127.0.0.1:1"}}), 400,
                "DCS.4005", "source_instance.addrs"),
      Configure("RegisteredIdWithPassword",
                Seed("/target_instance", {{"id", kUnknownId}, {"password", "x"}}), 400, "DCS.4005",
                "target_instance.password"),
      Configure("NulInAddrs", Addrs(std::string("127.0.0.1:1") + '\0' + "2", "127.0.0.1:2"), 400,
                "DCS.4002", "source_instance.addrs"),
      Configure("AddrsOver4KiB", Addrs(std::string(5000, 'a') + ":1", "127.0.0.1:2"), 400,
                "DCS.4002", "source_instance.addrs"),
      Configure("UnknownSourceInstanceId", Seed("/source_instance", {{"id", kUnknownId}}), 400,
                "DCS.4007", "source_instance"),
  };
}

std::vector<BadRequest> ShapeRows() {
  return {
      {"UnknownTask", "POST", std::string("/migration/") + kUnknownId + "/task", Seed(), 404,
       "DCS.4133", ""},
      Configure("UnknownTopLevelField", Seed("/colour", "red"), 400, "DCS.4003", "colour"),
      Configure("UnknownNestedField", Seed("/source_instance/user", "admin"), 400, "DCS.4003",
                "source_instance.user"),
      Configure("SourceInstanceAsString", Seed("/source_instance", "127.0.0.1:6379"), 400,
                "DCS.4002", "source_instance"),
      Configure("ResumeModeAsNumber", Seed("/resume_mode", 1), 400, "DCS.4002", "resume_mode"),
      Configure("JsonGarbage", "{\"migration_method\": ", 400, "DCS.4000"),
      Configure("EmptyBody", "", 400, "DCS.4000"),
      Configure("WhitespaceBody", " \n ", 400, "DCS.4000"),
      Configure("ArrayBody", "[" + Seed() + "]", 400, "DCS.4000"),
      Configure("BodyOver1MiB", Seed("/migration_method", std::string((1 << 20) + 16, 'x')), 413,
                "DCS.4413"),
      {"UpdateBadResumeMode", "PUT", "/migration-task/{task}", R"({"resume_mode":"never"})", 400,
       "DCS.4002", "resume_mode"},
      {"UpdateBandwidthZero", "PUT", "/migration-task/{task}", R"({"bandwidth_limit_mb":0})", 400,
       "DCS.4004", ""},
      {"UpdateEmptyObject", "PUT", "/migration-task/{task}", "{}", 400, "DCS.4001", ""},
      {"InstanceBadAddrs", "POST", "/instances", R"({"name":"i","addrs":"nope"})", 400, "DCS.4005",
       ""},
      {"InstanceMissingName", "POST", "/instances", R"({"addrs":"127.0.0.1:1"})", 400, "DCS.4001",
       "name"},
      {"TaskBadName", "POST", "/migration/instance", R"({"name":"1-starts-with-digit"})", 400,
       "DCS.4002", "name"},
      {"BatchStopEmpty", "POST", "/migration-task/batch-stop", R"({"migration_tasks":[]})", 400,
       "DCS.4001", "migration_tasks"},
      {"DeleteEmptyList", "DELETE", "/migration-tasks/delete", R"({"task_id_list":[]})", 400,
       "DCS.4001", "task_id_list"},
      {"TaskNameWithNul", "POST", "/migration/instance", R"({"name":"bad\u0000name"})", 400,
       "DCS.4002", "name"},
      {"DescriptionWithEscape", "POST", "/migration/instance",
       R"({"name":"good-name","description":"a\u001bb"})", 400, "DCS.4002", "description"},
      {"BatchStopOver100", "POST", "/migration-task/batch-stop", BatchOf("migration_tasks", 101),
       400, "DCS.4002", "migration_tasks"},
      {"BatchRestartOver100", "POST", "/migration-tasks/batch-restart",
       BatchOf("migration_tasks", 101), 400, "DCS.4002", "migration_tasks"},
      {"DeleteOver100", "DELETE", "/migration-tasks/delete", BatchOf("task_id_list", 101), 400,
       "DCS.4002", "task_id_list"},
      {"BatchIdWithSlash", "POST", "/migration-task/batch-stop", R"({"migration_tasks":["a/b"]})",
       400, "DCS.4002", "migration_tasks[0]"},
  };
}

std::vector<BadRequest> RouteAndQueryRows() {
  return {
      {"UnknownRoute", "GET", "/no-such-thing", "", 404, "DCS.4040", ""},
      {"UnknownSubRoute", "POST", "/migration-task/{task}/explode", "", 404, "DCS.4040", ""},
      {"ListNegativeOffset", "GET", "/migration-tasks?offset=-1", "", 400, "DCS.4008", "offset"},
      {"ListOffsetNotNumber", "GET", "/migration-tasks?offset=abc", "", 400, "DCS.4008", "offset"},
      {"ListLimitTooBig", "GET", "/migration-tasks?limit=1001", "", 400, "DCS.4008", "limit"},
      {"ListLimitNotNumber", "GET", "/migration-tasks?limit=ten", "", 400, "DCS.4008", "limit"},
      {"LogsBadLevel", "GET", "/migration-task/{task}/logs?log_level=debug", "", 400, "DCS.4008",
       "log_level"},
      {"LogsNegativeLimit", "GET", "/migration-task/{task}/logs?limit=-5", "", 400, "DCS.4008",
       "limit"},
      {"InstancesNegativeOffset", "GET", "/instances?offset=-1", "", 400, "DCS.4008", "offset"},
  };
}

}  // namespace

std::vector<BadRequest> BadRequestRows() {
  std::vector<BadRequest> rows = ConfigureFieldRows();
  for (auto more : {ShapeRows(), RouteAndQueryRows()}) {
    rows.insert(rows.end(), more.begin(), more.end());
  }
  return rows;
}

}  // namespace rms::e2e
