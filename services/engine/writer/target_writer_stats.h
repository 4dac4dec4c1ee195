// TargetWriterStats: the counters of a target writer, summable over several writers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace rms::engine::writer {

struct TargetWriterStats {
  uint64_t keys_written = 0;    // keys_restored + keys_rewritten
  uint64_t keys_restored = 0;   // one RESTORE each
  uint64_t keys_batched = 0;    // small strings sent in MSET batches
  uint64_t keys_rewritten = 0;  // DEL + element commands
  uint64_t keys_expired = 0;    // TTL already passed at the source: deleted on the target
  uint64_t functions_loaded = 0;
  uint64_t scripts_loaded = 0;
  uint64_t commands_applied = 0;  // through ApplyCommand
  uint64_t commands_sent = 0;     // everything acknowledged by the target
  uint64_t bytes_sent = 0;
  // Batches and transactions written to the target, whether or not their replies came: equal
  // before and after some calls means those calls wrote nothing.
  uint64_t writes = 0;
  size_t peak_buffered_bytes = 0;  // decoded elements of one key held at once
  size_t peak_pipeline_bytes = 0;  // encoded commands held before a send

  // Adds the counters of another writer; the peaks become the larger of the two.
  TargetWriterStats& operator+=(const TargetWriterStats& o) {
    keys_written += o.keys_written;
    keys_restored += o.keys_restored;
    keys_batched += o.keys_batched;
    keys_rewritten += o.keys_rewritten;
    keys_expired += o.keys_expired;
    functions_loaded += o.functions_loaded;
    scripts_loaded += o.scripts_loaded;
    commands_applied += o.commands_applied;
    commands_sent += o.commands_sent;
    bytes_sent += o.bytes_sent;
    writes += o.writes;
    peak_buffered_bytes = std::max(peak_buffered_bytes, o.peak_buffered_bytes);
    peak_pipeline_bytes = std::max(peak_pipeline_bytes, o.peak_pipeline_bytes);
    return *this;
  }
};

}  // namespace rms::engine::writer
