// Short RESP value builders for the cluster unit tests' scripted replies.
#pragma once

#include <string>
#include <vector>

#include "services/engine/resp/resp.h"

namespace rms::engine::cluster {

inline resp::RespValue Int(int64_t v) { return resp::RespValue::Integer(v); }
inline resp::RespValue Str(std::string s) { return resp::RespValue::BulkString(std::move(s)); }
inline resp::RespValue Arr(std::vector<resp::RespValue> elements) {
  return resp::RespValue::Array(std::move(elements));
}

}  // namespace rms::engine::cluster
