// Test helpers for the RDB reader: fixture paths and loading, gzip manifests, base64, and a
// collector that runs a reader to the end and keeps what it produced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/rdb/rdb_events.h"

namespace rms::engine::rdb::testing {

// The fixture directory (tests/fixtures/rdb of the repository).
std::string FixturesDir();
// Paths (relative to FixturesDir) of every *.rdb fixture: valid ones, or only corrupt ones.
std::vector<std::string> ValidFixtures();
std::vector<std::string> CorruptFixtures();

std::string ReadFileOrDie(const std::string& path);
// The lines of a manifest, gunzipped when the name ends in ".gz".
std::vector<std::string> ReadManifestLines(const std::string& path);
std::string Base64Decode(const std::string& b64);

struct CollectedKey {
  KeyHeader header;
  ElementChunk elements;  // all chunks appended
  bool raw_captured = false;
  std::string raw_value;
  std::optional<StreamValue> stream;
};

struct Collected {
  std::vector<std::pair<std::string, std::string>> aux;
  std::vector<std::string> functions;
  std::vector<std::string> module_aux_messages;
  std::vector<CollectedKey> keys;
  std::vector<std::string> trace;  // one canonical line per event, for comparing runs
  int version = 0;
  bool checksum_verified = false;
  size_t max_chunk_seen = 0;
};

// Runs a reader over `source` to kEnd (or the first error), with a bounded number of events so a
// bug cannot hang a test.
absl::StatusOr<Collected> ReadAll(io::ByteSource& source, const RdbLimits& limits = {});
absl::StatusOr<Collected> ReadAllFromString(const std::string& rdb, size_t max_chunk = 0,
                                            const RdbLimits& limits = {});

// A canonical one-line rendering of an event (all fields that matter), for run comparisons.
std::string DescribeEvent(const RdbEvent& ev);

}  // namespace rms::engine::rdb::testing
