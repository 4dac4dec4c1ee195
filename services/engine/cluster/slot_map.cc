// SlotMap and the parsers of CLUSTER SLOTS, CLUSTER SHARDS and redirections.
#include "services/engine/cluster/slot_map.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/engine/cluster/reply_fields.h"

namespace rms::engine::cluster {
namespace {

using resp::RespValue;

absl::Status Malformed(absl::string_view what, const RespValue& value) {
  return absl::DataLossError(absl::StrCat("malformed ", what, " reply: ", value.Describe()));
}

bool ValidSlot(int64_t slot) { return slot >= 0 && slot < kClusterSlots; }

// [host, port, id, ...] of CLUSTER SLOTS.
absl::StatusOr<ClusterNode> SlotsNode(const RespValue& v, absl::string_view default_host) {
  if (v.type != RespValue::Type::kArray || v.elements.size() < 2 || !IsText(v.elements[0]) ||
      v.elements[1].type != RespValue::Type::kInteger) {
    return Malformed("CLUSTER SLOTS node", v);
  }
  ClusterNode node;
  node.host = v.elements[0].str.empty() ? std::string(default_host) : v.elements[0].str;
  node.port = static_cast<int>(v.elements[1].integer);
  if (v.elements.size() > 2 && IsText(v.elements[2])) node.id = v.elements[2].str;
  return node;
}

// The value of `name` in a flat [name, value, ...] array; nullptr when absent.

// One node of CLUSTER SHARDS; nullopt for a node that is not online.
absl::StatusOr<std::optional<std::pair<ClusterNode, bool>>> ShardNode(
    const RespValue& v, absl::string_view default_host, bool tls) {
  const RespValue* port =
      tls && FieldOf(v, "tls-port") != nullptr ? FieldOf(v, "tls-port") : FieldOf(v, "port");
  if (v.type != RespValue::Type::kArray || port == nullptr ||
      port->type != RespValue::Type::kInteger) {
    return Malformed("CLUSTER SHARDS node", v);
  }
  if (TextField(v, "health") != "online") return std::nullopt;
  ClusterNode node;
  node.host = TextField(v, "ip");
  if (node.host.empty()) node.host = std::string(default_host);
  node.port = static_cast<int>(port->integer);
  node.id = TextField(v, "id");
  return std::make_pair(node, TextField(v, "role") == "master");
}

}  // namespace

std::string ClusterNode::Address() const { return absl::StrCat(host, ":", port); }

absl::StatusOr<std::vector<SlotRange>> ParseClusterSlots(const RespValue& reply,
                                                         absl::string_view default_host) {
  if (reply.type != RespValue::Type::kArray) return Malformed("CLUSTER SLOTS", reply);
  std::vector<SlotRange> ranges;
  for (const RespValue& entry : reply.elements) {
    if (entry.type != RespValue::Type::kArray || entry.elements.size() < 3 ||
        entry.elements[0].type != RespValue::Type::kInteger ||
        entry.elements[1].type != RespValue::Type::kInteger ||
        !ValidSlot(entry.elements[0].integer) || !ValidSlot(entry.elements[1].integer) ||
        entry.elements[0].integer > entry.elements[1].integer) {
      return Malformed("CLUSTER SLOTS", entry);
    }
    SlotRange range;
    range.first = static_cast<int>(entry.elements[0].integer);
    range.last = static_cast<int>(entry.elements[1].integer);
    absl::StatusOr<ClusterNode> master = SlotsNode(entry.elements[2], default_host);
    if (!master.ok()) return master.status();
    range.master = *std::move(master);
    for (size_t i = 3; i < entry.elements.size(); ++i) {
      absl::StatusOr<ClusterNode> replica = SlotsNode(entry.elements[i], default_host);
      if (!replica.ok()) return replica.status();
      range.replicas.push_back(*std::move(replica));
    }
    ranges.push_back(std::move(range));
  }
  return ranges;
}

absl::StatusOr<std::vector<SlotRange>> ParseClusterShards(const RespValue& reply,
                                                          absl::string_view default_host,
                                                          bool tls) {
  if (reply.type != RespValue::Type::kArray) return Malformed("CLUSTER SHARDS", reply);
  std::vector<SlotRange> ranges;
  for (const RespValue& shard : reply.elements) {
    const RespValue* slots = FieldOf(shard, "slots");
    const RespValue* nodes = FieldOf(shard, "nodes");
    if (slots == nullptr || nodes == nullptr || slots->type != RespValue::Type::kArray ||
        nodes->type != RespValue::Type::kArray || slots->elements.size() % 2 != 0) {
      return Malformed("CLUSTER SHARDS", shard);
    }
    std::optional<ClusterNode> master;
    std::vector<ClusterNode> replicas;
    for (const RespValue& node : nodes->elements) {
      auto parsed = ShardNode(node, default_host, tls);
      if (!parsed.ok()) return parsed.status();
      if (!parsed->has_value()) continue;
      if ((*parsed)->second) {
        master = (*parsed)->first;
      } else {
        replicas.push_back((*parsed)->first);
      }
    }
    if (slots->elements.empty()) continue;  // a shard without slots (e.g. a new empty master)
    if (!master) return Malformed("CLUSTER SHARDS (no online master)", shard);
    for (size_t i = 0; i < slots->elements.size(); i += 2) {
      const RespValue& first = slots->elements[i];
      const RespValue& last = slots->elements[i + 1];
      if (first.type != RespValue::Type::kInteger || last.type != RespValue::Type::kInteger ||
          !ValidSlot(first.integer) || !ValidSlot(last.integer) || first.integer > last.integer) {
        return Malformed("CLUSTER SHARDS slots", *slots);
      }
      ranges.push_back(SlotRange{static_cast<int>(first.integer), static_cast<int>(last.integer),
                                 *master, replicas});
    }
  }
  return ranges;
}

std::optional<Redirect> ParseRedirect(absl::string_view error) {
  std::vector<absl::string_view> parts = absl::StrSplit(error, ' ', absl::SkipEmpty());
  if (parts.size() != 3 || (parts[0] != "MOVED" && parts[0] != "ASK")) return std::nullopt;
  Redirect redirect;
  redirect.kind = parts[0] == "MOVED" ? Redirect::Kind::kMoved : Redirect::Kind::kAsk;
  const size_t colon = parts[2].rfind(':');
  if (!absl::SimpleAtoi(parts[1], &redirect.slot) || !ValidSlot(redirect.slot) ||
      colon == absl::string_view::npos ||
      !absl::SimpleAtoi(parts[2].substr(colon + 1), &redirect.node.port)) {
    return std::nullopt;
  }
  redirect.node.host = std::string(parts[2].substr(0, colon));
  return redirect;
}

absl::StatusOr<SlotMap> SlotMap::FromRanges(const std::vector<SlotRange>& ranges) {
  SlotMap map;
  map.owner_.fill(-1);
  for (const SlotRange& range : ranges) {
    const int index = map.Move(range.first, range.master);
    for (int slot = range.first; slot <= range.last; ++slot) map.owner_[slot] = index;
  }
  const auto uncovered = std::find(map.owner_.begin(), map.owner_.end(), -1);
  if (uncovered != map.owner_.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the cluster serves no slot ", uncovered - map.owner_.begin(),
                     " (is every slot assigned and the cluster state ok?)"));
  }
  return map;
}

int SlotMap::Move(int slot, const ClusterNode& node) {
  auto it = std::find(masters_.begin(), masters_.end(), node);
  const int index = static_cast<int>(it - masters_.begin());
  if (it == masters_.end()) masters_.push_back(node);
  owner_[slot] = static_cast<int16_t>(index);
  return index;
}

}  // namespace rms::engine::cluster
