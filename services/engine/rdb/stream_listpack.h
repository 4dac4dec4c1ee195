// Decoding of one stream node listpack into stream entries.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/engine/rdb/rdb_events.h"

namespace rms::engine::rdb {

// Appends the live entries of the node listpack `blob`, whose entries are delta-encoded against
// `master_id`, to `stream->entries`. Layout: master entry <count> <deleted> <field count>
// <field>... <0>; then per entry <flags> <ms delta> <seq delta> then, with flag SAMEFIELDS (2),
// one value per master field, else <field count> <field> <value>...; then <item count>. Flag
// DELETED (1) marks a deleted entry. Returns INVALID_ARGUMENT describing the first inconsistency;
// more than limits.max_elements entries in the stream is also an error.
absl::Status DecodeStreamListpack(StreamId master_id, absl::string_view blob,
                                  const RdbLimits& limits, StreamValue* stream);

}  // namespace rms::engine::rdb
