// ClusterTargetWriter: connecting to the masters, the snapshot's events per key's master, stats.
#include "services/engine/cluster_writer/cluster_target_writer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/topology/topology.h"
#include "services/engine/writer/key_label.h"
#include "services/engine/writer/target_node.h"
#include "services/engine/writer/target_version.h"

namespace rms::engine::cluster_writer {

ClusterTargetWriter::ClusterTargetWriter(ClusterWriterOptions options, redis::ClientOptions client,
                                         redis::Endpoint credentials)
    : options_(options.writer),
      max_transaction_bytes_(options.max_transaction_bytes),
      on_connect_(std::move(options.on_connect)),
      client_options_(client),
      credentials_(std::move(credentials)) {
  options_.hold_redirects = true;
  options_.string_batch.max_keys = 0;  // an MSET of one master's keys would span slots
}

ClusterTargetWriter::~ClusterTargetWriter() = default;

absl::StatusOr<std::unique_ptr<ClusterTargetWriter>> ClusterTargetWriter::Connect(
    const std::vector<redis::Endpoint>& nodes, ClusterWriterOptions options,
    redis::ClientOptions client) {
  if (nodes.empty()) return absl::InvalidArgumentError("no node of the target cluster given");
  ASSIGN_OR_RETURN(topology::Topology topology, topology::DiscoverTopology(nodes, client));
  if (!topology.cluster) {
    return absl::FailedPreconditionError(absl::StrCat(
        topology.answered.Describe(), " is a standalone server, not a Redis Cluster node"));
  }
  std::unique_ptr<ClusterTargetWriter> out(new ClusterTargetWriter(options, client, nodes[0]));
  out->slots_ = *std::move(topology.slots);
  ASSIGN_OR_RETURN(out->control_, redis::RedisClient::Connect(topology.answered, client));
  {
    absl::MutexLock lock(&out->cancel_mu_);
    out->connections_.push_back(out->control_.get());
  }
  if (out->options_.target_rdb_version <= 0) {
    writer::RedisClientNode probe(*out->control_);
    ASSIGN_OR_RETURN(out->options_.target_rdb_version, writer::QueryTargetRdbVersion(probe));
  }
  ASSIGN_OR_RETURN(resp::RespValue commands, out->control_->Command({"COMMAND"}));
  ASSIGN_OR_RETURN(out->keys_, cluster::CommandKeyTable::FromCommandReply(commands));
  for (size_t i = 0; i < out->slots_.masters().size(); ++i) {
    RETURN_IF_ERROR(out->WriterOfMaster(static_cast<int>(i)).status());
  }
  return out;
}

absl::StatusOr<writer::TargetWriter*> ClusterTargetWriter::WriterFor(
    const cluster::ClusterNode& node) {
  std::unique_ptr<writer::TargetWriter>& slot = writers_[node.Address()];
  if (slot == nullptr) {
    absl::StatusOr<std::unique_ptr<writer::TargetWriter>> connected = writer::TargetWriter::Connect(
        topology::NodeEndpoint(credentials_, node), options_, client_options_);
    if (!connected.ok()) {
      writers_.erase(node.Address());
      return connected.status();
    }
    absl::Status prepared = PrepareConnection(**connected);
    if (!prepared.ok()) {
      writers_.erase(node.Address());
      return prepared;
    }
    slot = *std::move(connected);
  }
  return slot.get();
}

absl::Status ClusterTargetWriter::PrepareConnection(writer::TargetWriter& writer) {
  ASSIGN_OR_RETURN(redis::RedisClient * client, writer.LendConnection());
  {
    absl::MutexLock lock(&cancel_mu_);
    connections_.push_back(client);
    if (cancelled_) client->Cancel();
  }
  if (!on_connect_) return absl::OkStatus();
  return on_connect_(*client);
}

std::vector<redis::RedisClient*> ClusterTargetWriter::master_connections() const {
  absl::MutexLock lock(&cancel_mu_);
  if (connections_.empty()) return {};
  return std::vector<redis::RedisClient*>(connections_.begin() + 1, connections_.end());
}

void ClusterTargetWriter::Cancel() {
  absl::MutexLock lock(&cancel_mu_);
  cancelled_ = true;
  for (redis::RedisClient* client : connections_) client->Cancel();
}

absl::StatusOr<writer::TargetWriter*> ClusterTargetWriter::WriterOfMaster(int master) {
  return WriterFor(slots_.masters()[master]);
}

void ClusterTargetWriter::set_source_rdb_version(int version) {
  options_.source_rdb_version = version;
  for (auto& [address, writer] : writers_) writer->set_source_rdb_version(version);
}

absl::Status ClusterTargetWriter::Apply(const rdb::RdbEvent& event) {
  if (!error_.ok()) return error_;
  error_ = ApplyEvent(event);
  return error_;
}

absl::Status ClusterTargetWriter::ApplyEvent(const rdb::RdbEvent& event) {
  switch (event.type) {
    case rdb::RdbEvent::kKeyBegin: {
      if (key_writer_ != nullptr) {
        return absl::FailedPreconditionError("RDB key began before the previous one ended");
      }
      if (event.header.db != 0) {
        return NotInDbZero(
            event.header.db,
            absl::StrCat("key ", writer::KeyLabel(event.header.key, options_.redact_keys)));
      }
      ASSIGN_OR_RETURN(key_writer_, WriterOfMaster(slots_.MasterOfKey(event.header.key)));
      return ApplyToKeyWriter(event);
    }
    case rdb::RdbEvent::kElements:
      return ApplyToKeyWriter(event);
    case rdb::RdbEvent::kKeyEnd: {
      absl::Status status = ApplyToKeyWriter(event);
      key_writer_ = nullptr;
      return status;
    }
    case rdb::RdbEvent::kFunction:
      return ApplyToEveryMaster(event);
    case rdb::RdbEvent::kAux:
      return event.aux_key == "lua" ? ApplyToEveryMaster(event) : absl::OkStatus();
    case rdb::RdbEvent::kModuleAux: {
      // Only for its warning: one is enough.
      ASSIGN_OR_RETURN(writer::TargetWriter * first, WriterOfMaster(0));
      return first->Apply(event);
    }
    case rdb::RdbEvent::kSelectDb:
    case rdb::RdbEvent::kResizeDb:
      return absl::OkStatus();  // the db is checked per key
    case rdb::RdbEvent::kEnd:
      if (key_writer_ != nullptr) return absl::FailedPreconditionError("RDB ended inside a key");
      return Flush();
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown RDB event type ", event.type));
}

absl::Status ClusterTargetWriter::ApplyToKeyWriter(const rdb::RdbEvent& event) {
  if (key_writer_ == nullptr) {
    return absl::FailedPreconditionError("RDB elements or key end outside a key");
  }
  RETURN_IF_ERROR(key_writer_->Apply(event));
  return key_writer_->has_redirected() ? ResolveRedirects() : absl::OkStatus();
}

absl::Status ClusterTargetWriter::ApplyToEveryMaster(const rdb::RdbEvent& event) {
  for (size_t i = 0; i < slots_.masters().size(); ++i) {
    ASSIGN_OR_RETURN(writer::TargetWriter * master, WriterOfMaster(static_cast<int>(i)));
    RETURN_IF_ERROR(master->Apply(event));
  }
  return absl::OkStatus();
}

absl::Status ClusterTargetWriter::NotInDbZero(int db, absl::string_view what) const {
  return absl::FailedPreconditionError(
      absl::StrCat(what, " is in db ", db,
                   ", but a Redis Cluster target has only db 0: migrate only db 0 of the source "
                   "to a cluster, or map the source's databases to 0 with db_mapping"));
}

absl::Status ClusterTargetWriter::Flush() {
  if (!error_.ok()) return error_;
  error_ = ResolveRedirects();
  return error_;
}

std::vector<std::string> ClusterTargetWriter::TakeWarnings() {
  std::vector<std::string> out;
  for (auto& [address, writer] : writers_) {
    for (std::string& warning : writer->TakeWarnings()) out.push_back(std::move(warning));
  }
  return out;
}

ClusterWriterStats ClusterTargetWriter::stats() const {
  ClusterWriterStats out;
  for (const auto& [address, writer] : writers_) out.writers += writer->stats();
  out.moved = moved_;
  out.asked = asked_;
  out.transactions = transactions_;
  out.masters = writers_.size();
  return out;
}

}  // namespace rms::engine::cluster_writer
