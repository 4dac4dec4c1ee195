// Helpers for the TargetWriter tests.
#include "tests/redis/writer/writer_test_support.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/rdb/rdb_reader.h"

namespace rms::test_writer {
namespace {

using nlohmann::json;

absl::StatusOr<std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed");
  std::string output;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  if (pclose(pipe) != 0) {
    return absl::InternalError(absl::StrCat("`", command, "` failed: ", output.substr(0, 2000)));
  }
  return output;
}

std::string Decode(const json& b64) {
  std::string out;
  if (b64.is_string()) absl::Base64Unescape(b64.get<std::string>(), &out);
  return out;
}

// XINFO STREAM FULL replies are flat [name, value, ...] lists with base64 names: as objects.
json FlatToObject(const json& flat, const std::vector<std::string>& ignored) {
  json out = json::object();
  for (size_t i = 0; i + 1 < flat.size(); i += 2) {
    const std::string name = Decode(flat[i]);
    if (std::find(ignored.begin(), ignored.end(), name) == ignored.end()) out[name] = flat[i + 1];
  }
  return out;
}

json NormalizeStream(const json& flat, const CompareOptions& options) {
  json stream = FlatToObject(flat, {"radix-tree-keys", "radix-tree-nodes"});
  std::vector<std::string> consumer_ignored = {"active-time"};
  if (options.ignore_consumer_times) consumer_ignored.push_back("seen-time");
  json groups = json::array();
  for (const json& flat_group : stream.value("groups", json::array())) {
    json group = FlatToObject(flat_group, {});
    json consumers = json::array();
    for (const json& consumer : group.value("consumers", json::array())) {
      consumers.push_back(FlatToObject(consumer, consumer_ignored));
    }
    group["consumers"] = consumers;
    groups.push_back(group);
  }
  stream["groups"] = groups;
  return stream;
}

std::string RowName(const std::pair<int, std::string>& id) {
  return absl::StrCat("db", id.first, " key '", absl::CHexEscape(Decode(id.second)), "'");
}

}  // namespace

std::string FixturePath(const std::string& relative) {
  return absl::StrCat(RMS_FIXTURES_DIR, "/", relative);
}

absl::Status ReadRdbEvents(
    const std::string& path, engine::rdb::RdbLimits limits,
    const std::function<absl::Status(const engine::rdb::RdbEvent&, int version)>& apply,
    const std::function<engine::rdb::ValueNeeds(const engine::rdb::KeyHeader&)>& needs) {
  ASSIGN_OR_RETURN(auto source, engine::io::FileByteSource::Open(path));
  engine::rdb::RdbReader reader(*source, limits);
  if (needs) reader.set_value_needs(needs);
  engine::rdb::RdbEvent event;  // reused, as the worker's snapshot copy does
  while (true) {
    RETURN_IF_ERROR(reader.Next(&event));
    RETURN_IF_ERROR(apply(event, reader.version()));
    if (event.type == engine::rdb::RdbEvent::kEnd) return absl::OkStatus();
  }
}

absl::Status ReplayRdb(const std::string& path, engine::writer::TargetWriter& writer,
                       engine::rdb::RdbLimits limits,
                       const std::function<void(const engine::rdb::RdbEvent&)>& observe) {
  // The writer says which raw values it needs, as in the worker's snapshot copy.
  auto needs = [&writer](const engine::rdb::KeyHeader& header) { return writer.NeedsOf(header); };
  RETURN_IF_ERROR(ReadRdbEvents(
      path, limits,
      [&](const engine::rdb::RdbEvent& event, int version) {
        writer.set_source_rdb_version(version);
        if (observe) observe(event);
        return writer.Apply(event);
      },
      needs));
  return writer.Flush();
}

engine::redis::Endpoint EndpointOf(const test_support::RedisServer& server) {
  engine::redis::Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = server.port();
  endpoint.password = server.password();
  return endpoint;
}

absl::StatusOr<std::string> DigestOf(engine::redis::RedisClient& client) {
  ASSIGN_OR_RETURN(engine::resp::RespValue reply, client.Command({"DEBUG", "DIGEST"}));
  return reply.str;
}

absl::StatusOr<std::unique_ptr<ReferenceServer>> ReferenceServer::Start(
    const std::string& rdb_path) {
  std::unique_ptr<ReferenceServer> out(new ReferenceServer());
  char pattern[] = "/tmp/rms-writer-ref.XXXXXX";
  if (mkdtemp(pattern) == nullptr) return absl::InternalError("mkdtemp failed");
  out->dir_ = pattern;
  std::error_code ec;
  std::filesystem::copy_file(rdb_path, out->dir_ + "/reference.rdb", ec);
  if (ec) return absl::InternalError(absl::StrCat("copying ", rdb_path, ": ", ec.message()));
  std::filesystem::permissions(out->dir_ + "/reference.rdb", std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  test_support::RedisServerOptions options;
  // Later lines win: the server loads <dir>/reference.rdb at start.
  options.extra_config = {absl::StrCat("dir ", out->dir_), "dbfilename reference.rdb"};
  ASSIGN_OR_RETURN(out->server_, test_support::RedisServer::Start(options));
  return out;
}

ReferenceServer::~ReferenceServer() {
  server_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

absl::StatusOr<ManifestRows> LoadManifest(const std::string& path) {
  std::string text;
  if (absl::EndsWith(path, ".gz")) {
    ASSIGN_OR_RETURN(text, RunCommand(absl::StrCat("gzip -dc '", path, "'")));
  } else {
    ASSIGN_OR_RETURN(text, RunCommand(absl::StrCat("cat '", path, "'")));
  }
  ManifestRows rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    json row = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (row.is_discarded()) return absl::DataLossError(absl::StrCat("bad manifest line in ", path));
    rows[{row["db"].get<int>(), row["key_b64"].get<std::string>()}] = row;
  }
  return rows;
}

absl::StatusOr<ManifestRows> DumpTarget(const test_support::RedisServer& server,
                                        engine::redis::RedisClient& client) {
  if (!server.password().empty()) {
    RETURN_IF_ERROR(client.Command({"CONFIG", "SET", "requirepass", ""}).status());
  }
  const std::string out = server.dir() + "/target.manifest.jsonl";
  RETURN_IF_ERROR(RunCommand(absl::StrCat("/usr/bin/python3 ", FixturePath("dump_manifest.py"), " ",
                                          server.port(), " '", out, "' 2>&1"))
                      .status());
  return LoadManifest(out);
}

std::vector<std::string> CompareManifests(const ManifestRows& expected, const ManifestRows& actual,
                                          const CompareOptions& options) {
  std::vector<std::string> diffs;
  auto differ = [&](const std::string& what) {
    if (diffs.size() < 20) diffs.push_back(what);
  };
  for (const auto& [id, want] : expected) {
    auto it = actual.find(id);
    if (it == actual.end()) {
      differ(absl::StrCat(RowName(id), ": missing on the target"));
      continue;
    }
    const json& got = it->second;
    for (const char* field : {"type", "expire_at_ms", "value_b64"}) {
      if (want.value(field, json()) != got.value(field, json())) {
        differ(absl::StrCat(RowName(id), ": ", field, " differs: want ",
                            want.value(field, json()).dump().substr(0, 200), ", got ",
                            got.value(field, json()).dump().substr(0, 200)));
      }
    }
    json want_value = want.value("value", json());
    json got_value = got.value("value", json());
    if (want.value("type", "") == "stream") {
      want_value = NormalizeStream(want_value, options);
      got_value = NormalizeStream(got_value, options);
    }
    if (want_value != got_value) {
      differ(absl::StrCat(RowName(id), ": value differs: want ", want_value.dump().substr(0, 600),
                          ", got ", got_value.dump().substr(0, 600)));
    }
    if (!options.ignore_field_ttls &&
        want.value("field_expire_at_ms", json()) != got.value("field_expire_at_ms", json())) {
      differ(absl::StrCat(RowName(id), ": field_expire_at_ms differs"));
    }
  }
  for (const auto& [id, row] : actual) {
    if (expected.count(id) == 0) differ(absl::StrCat(RowName(id), ": unexpected on the target"));
  }
  return diffs;
}

}  // namespace rms::test_writer
