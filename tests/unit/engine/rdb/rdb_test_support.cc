// Fixture loading and event collection for the RDB reader tests.
#include "tests/unit/engine/rdb/rdb_test_support.h"

#include <dirent.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/engine/rdb/rdb_reader.h"

namespace rms::engine::rdb::testing {
namespace {

std::vector<std::string> ListRdbFiles(const std::string& sub) {
  std::vector<std::string> out;
  std::string dir = FixturesDir() + (sub.empty() ? "" : "/" + sub);
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (absl::EndsWith(name, ".rdb")) out.push_back(sub.empty() ? name : sub + "/" + name);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string FixturesDir() { return RMS_RDB_FIXTURES_DIR; }

std::vector<std::string> ValidFixtures() {
  std::vector<std::string> out = ListRdbFiles("");
  for (auto& f : ListRdbFiles("legacy")) out.push_back(f);
  return out;
}

std::vector<std::string> CorruptFixtures() { return ListRdbFiles("corrupt"); }

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> ReadManifestLines(const std::string& path) {
  std::string text;
  if (absl::EndsWith(path, ".gz")) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) throw std::runtime_error("cannot open " + path);
    char buf[65536];
    int n;
    while ((n = gzread(gz, buf, sizeof(buf))) > 0) text.append(buf, n);
    gzclose(gz);
    if (n < 0) throw std::runtime_error("cannot gunzip " + path);
  } else {
    text = ReadFileOrDie(path);
  }
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty()) lines.emplace_back(line);
  }
  return lines;
}

std::string Base64Decode(const std::string& b64) {
  std::string out;
  if (!absl::Base64Unescape(b64, &out)) throw std::runtime_error("bad base64: " + b64);
  return out;
}

std::string DescribeEvent(const RdbEvent& ev) {
  std::string s = absl::StrCat(static_cast<int>(ev.type), "@", ev.offset, " db=", ev.db);
  switch (ev.type) {
    case RdbEvent::kAux:
      absl::StrAppend(&s, " aux ", absl::CEscape(ev.aux_key), "=", absl::CEscape(ev.aux_value));
      break;
    case RdbEvent::kResizeDb:
      absl::StrAppend(&s, " resize ", ev.db_size, "/", ev.expires_size);
      break;
    case RdbEvent::kFunction:
      absl::StrAppend(&s, " function ", absl::CEscape(ev.function_code));
      break;
    case RdbEvent::kModuleAux:
      absl::StrAppend(&s, " ", ev.message);
      break;
    case RdbEvent::kKeyBegin:
      absl::StrAppend(&s, " key ", absl::CEscape(ev.header.key),
                      " t=", static_cast<int>(ev.header.rdb_type), " exp=", ev.header.expire_at_ms,
                      " idle=", ev.header.lru_idle_seconds, " freq=", ev.header.lfu_freq);
      break;
    case RdbEvent::kElements:
      for (size_t i = 0; i < ev.chunk.members.size(); ++i) {
        absl::StrAppend(&s, " [", absl::CEscape(ev.chunk.members[i]));
        if (i < ev.chunk.values.size()) absl::StrAppend(&s, "=", absl::CEscape(ev.chunk.values[i]));
        if (i < ev.chunk.scores.size()) absl::StrAppend(&s, " s=", ev.chunk.scores[i]);
        if (i < ev.chunk.field_expire_at_ms.size()) {
          absl::StrAppend(&s, " ttl=", ev.chunk.field_expire_at_ms[i]);
        }
        absl::StrAppend(&s, "]");
      }
      break;
    case RdbEvent::kKeyEnd:
      absl::StrAppend(&s, " raw=", ev.raw_captured, ":", absl::CEscape(ev.raw_value));
      if (ev.stream) {
        absl::StrAppend(&s, " stream len=", ev.stream->length,
                        " entries=", ev.stream->entries.size(),
                        " groups=", ev.stream->groups.size());
      }
      break;
    case RdbEvent::kEnd:
      absl::StrAppend(&s, " end v", ev.rdb_version, " crc=", ev.checksum_verified);
      break;
    default:
      break;
  }
  return s;
}

absl::StatusOr<Collected> ReadAll(io::ByteSource& source, const RdbLimits& limits) {
  RdbReader reader(source, limits);
  Collected out;
  for (int guard = 0; guard < 10'000'000; ++guard) {
    absl::StatusOr<RdbEvent> ev = reader.Next();
    if (!ev.ok()) return ev.status();
    out.trace.push_back(DescribeEvent(*ev));
    switch (ev->type) {
      case RdbEvent::kAux:
        out.aux.emplace_back(ev->aux_key, ev->aux_value);
        break;
      case RdbEvent::kFunction:
        out.functions.push_back(ev->function_code);
        break;
      case RdbEvent::kModuleAux:
        out.module_aux_messages.push_back(ev->message);
        break;
      case RdbEvent::kKeyBegin:
        out.keys.emplace_back().header = ev->header;
        break;
      case RdbEvent::kElements: {
        ElementChunk& all = out.keys.back().elements;
        const ElementChunk& c = ev->chunk;
        out.max_chunk_seen = std::max(out.max_chunk_seen, c.size());
        all.members.insert(all.members.end(), c.members.begin(), c.members.end());
        all.values.insert(all.values.end(), c.values.begin(), c.values.end());
        all.scores.insert(all.scores.end(), c.scores.begin(), c.scores.end());
        all.field_expire_at_ms.insert(all.field_expire_at_ms.end(), c.field_expire_at_ms.begin(),
                                      c.field_expire_at_ms.end());
        all.stream_entries.insert(all.stream_entries.end(), c.stream_entries.begin(),
                                  c.stream_entries.end());
        break;
      }
      case RdbEvent::kKeyEnd:
        out.keys.back().raw_captured = ev->raw_captured;
        out.keys.back().raw_value = std::move(ev->raw_value);
        out.keys.back().stream = std::move(ev->stream);
        if (out.keys.back().stream) {  // the entries came in chunks: gather them for the tests
          out.keys.back().stream->entries = std::move(out.keys.back().elements.stream_entries);
          out.keys.back().elements.stream_entries.clear();
        }
        break;
      case RdbEvent::kEnd:
        out.version = ev->rdb_version;
        out.checksum_verified = ev->checksum_verified;
        return out;
      default:
        break;
    }
  }
  return absl::InternalError("too many events: the reader does not end");
}

absl::StatusOr<Collected> ReadAllFromString(const std::string& rdb, size_t max_chunk,
                                            const RdbLimits& limits) {
  io::StringByteSource source(rdb, max_chunk);
  return ReadAll(source, limits);
}

}  // namespace rms::engine::rdb::testing
