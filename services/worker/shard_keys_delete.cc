// DeleteShardKeys: SCAN the target, UNLINK the keys of one source shard's slots.
#include "services/worker/shard_keys_delete.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/resp/resp.h"

namespace rms::worker {
namespace {

constexpr char kScanCount[] = "1000";

absl::StatusOr<uint64_t> DeleteOnNode(engine::redis::RedisClient& node, const SlotSet& slots,
                                      TaskContext& context) {
  uint64_t deleted = 0;
  std::string cursor = "0";
  do {
    if (context.cancelled()) return context.reason();
    ASSIGN_OR_RETURN(engine::resp::RespValue page,
                     node.Command({"SCAN", cursor, "COUNT", kScanCount}));
    if (page.elements.size() != 2) return absl::DataLossError("an unexpected SCAN reply");
    cursor = page.elements[0].str;
    std::vector<std::string> unlink = {"UNLINK"};
    for (const engine::resp::RespValue& key : page.elements[1].elements) {
      if (slots[engine::cluster::SlotOf(key.str)]) unlink.push_back(key.str);
    }
    if (unlink.size() > 1) {
      RETURN_IF_ERROR(node.Command(unlink).status());
      deleted += unlink.size() - 1;
    }
  } while (cursor != "0");
  return deleted;
}

}  // namespace

absl::StatusOr<uint64_t> DeleteShardKeys(const std::vector<engine::redis::Endpoint>& target_masters,
                                         const SlotSet& slots, TaskContext& context) {
  uint64_t deleted = 0;
  for (const engine::redis::Endpoint& master : target_masters) {
    ASSIGN_OR_RETURN(std::unique_ptr<engine::redis::RedisClient> node,
                     engine::redis::RedisClient::Connect(master));
    const int handle = context.OnCancel([&node] { node->Cancel(); });
    absl::StatusOr<uint64_t> on_node = DeleteOnNode(*node, slots, context);
    context.Unregister(handle);
    if (!on_node.ok()) return on_node.status();
    deleted += *on_node;
  }
  return deleted;
}

}  // namespace rms::worker
