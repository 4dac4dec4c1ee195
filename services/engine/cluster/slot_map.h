// SlotMap: which master of a Redis Cluster owns each slot, read from CLUSTER SHARDS (Redis 7) or
// CLUSTER SLOTS (older), and updated by MOVED redirections.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/cluster/slot.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::cluster {

struct ClusterNode {
  std::string host;
  int port = 0;
  std::string id;               // the node id ("" when the reply had none)
  std::string Address() const;  // "host:port"
  bool operator==(const ClusterNode& o) const { return host == o.host && port == o.port; }
};

// Slots first..last (inclusive) served by `master` and its `replicas`.
struct SlotRange {
  int first = 0;
  int last = 0;
  ClusterNode master;
  std::vector<ClusterNode> replicas;
};

// CLUSTER SLOTS: [[first, last, [host, port, id, ...], [replica...]...], ...]. DATA_LOSS for a
// reply of another shape. A node announced with an empty host is given `default_host` (the address
// the question was sent to, as Redis intends).
absl::StatusOr<std::vector<SlotRange>> ParseClusterSlots(const resp::RespValue& reply,
                                                         absl::string_view default_host);
// CLUSTER SHARDS (7.0+): [["slots", [first, last, ...], "nodes", [[ "id", ..., "ip", ...,
// "port", ..., "role", "master"|"replica", "health", ...], ...]], ...]. Nodes whose health is
// not "online" are left out. With `tls` a node's "tls-port", when it has one, is its port (a
// client that speaks TLS must use it; CLUSTER SLOTS already answers per tls-cluster). DATA_LOSS
// for a reply of another shape.
absl::StatusOr<std::vector<SlotRange>> ParseClusterShards(const resp::RespValue& reply,
                                                          absl::string_view default_host,
                                                          bool tls = false);

// A MOVED or ASK error reply: "MOVED <slot> <host>:<port>" / "ASK <slot> <host>:<port>".
struct Redirect {
  enum class Kind { kMoved, kAsk };
  Kind kind = Kind::kMoved;
  int slot = 0;
  ClusterNode node;
};
std::optional<Redirect> ParseRedirect(absl::string_view error);

class SlotMap {
 public:
  // FAILED_PRECONDITION naming the first uncovered slot when the ranges leave a slot without a
  // master (a cluster that is not ready).
  static absl::StatusOr<SlotMap> FromRanges(const std::vector<SlotRange>& ranges);

  // The masters, in order of first appearance; indexes below refer to this list.
  const std::vector<ClusterNode>& masters() const { return masters_; }
  int MasterOf(int slot) const { return owner_[slot]; }
  int MasterOfKey(absl::string_view key) const { return owner_[SlotOf(key)]; }
  // After MOVED: `slot` now belongs to `node` (added to masters() when new). Returns its index.
  int Move(int slot, const ClusterNode& node);

 private:
  std::vector<ClusterNode> masters_;
  std::array<int16_t, kClusterSlots> owner_{};
};

}  // namespace rms::engine::cluster
