// Decoders of values stored as packed blobs (zipmap 9, ziplist 10/12/13, intset 11, listpack
// 16/17/20, listpack with field TTLs 23/25) and of quicklists (14: ziplist nodes; 18: listpack or
// plain nodes). One blob is held at a time; elements leave it in chunks.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/intset_zipmap.h"
#include "services/engine/rdb/listpack.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/rdb_primitives.h"
#include "services/engine/rdb/value_decoder.h"
#include "services/engine/rdb/ziplist.h"

namespace rms::engine::rdb {
namespace {

constexpr size_t kKeepBlobCapacity = 1 << 20;

enum class Shape { kMember, kHashPair, kScored, kHashWithTtl };

Shape ShapeOf(uint8_t type) {
  switch (type) {
    case kTypeHashZipmap:
    case kTypeHashZiplist:
    case kTypeHashListpack:
      return Shape::kHashPair;
    case kTypeZsetZiplist:
    case kTypeZsetListpack:
      return Shape::kScored;
    case kTypeHashListpackExPreGa:
    case kTypeHashListpackEx:
      return Shape::kHashWithTtl;
    default:
      return Shape::kMember;
  }
}

absl::StatusOr<std::unique_ptr<PackedCursor>> OpenCursor(uint8_t type, absl::string_view blob) {
  switch (type) {
    case kTypeHashZipmap: {
      ASSIGN_OR_RETURN(auto c, ZipmapCursor::Open(blob));
      return std::unique_ptr<PackedCursor>(new ZipmapCursor(std::move(c)));
    }
    case kTypeSetIntset: {
      ASSIGN_OR_RETURN(auto c, IntsetCursor::Open(blob));
      return std::unique_ptr<PackedCursor>(new IntsetCursor(std::move(c)));
    }
    case kTypeListZiplist:
    case kTypeZsetZiplist:
    case kTypeHashZiplist:
    case kTypeListQuicklist: {
      ASSIGN_OR_RETURN(auto c, ZiplistCursor::Open(blob));
      return std::unique_ptr<PackedCursor>(new ZiplistCursor(std::move(c)));
    }
    default: {
      ASSIGN_OR_RETURN(auto c, ListpackCursor::Open(blob));
      return std::unique_ptr<PackedCursor>(new ListpackCursor(std::move(c)));
    }
  }
}

// Walks one blob, grouping its items into elements of the type's shape.
class BlobWalker {
 public:
  // Reads the blob string at the current offset and opens a cursor of `cursor_type` over it.
  // With `check_only_up_to` > 0, a blob of at most that many stored bytes is checked item by
  // item (the same checks as when its elements are produced) and not kept: Load returns true
  // and nothing is loaded.
  absl::StatusOr<bool> Load(uint8_t value_type, uint8_t cursor_type, const DecodeContext& ctx,
                            size_t check_only_up_to = 0) {
    value_type_ = value_type;
    shape_ = ShapeOf(value_type);
    offset_ = ctx.in->offset();
    cursor_.reset();
    RETURN_IF_ERROR(ReadString(*ctx.in, *ctx.limits, &blob_));
    auto cursor = OpenCursor(cursor_type, blob_);
    if (!cursor.ok()) return Corrupt(cursor.status());
    cursor_ = std::move(*cursor);
    if (check_only_up_to == 0 || ctx.in->offset() - offset_ > check_only_up_to) return false;
    RETURN_IF_ERROR(CheckEveryItem());
    cursor_.reset();
    if (blob_.capacity() > kKeepBlobCapacity) std::string().swap(blob_);
    return true;
  }
  bool loaded() const { return cursor_ != nullptr; }

  // Appends up to `max` elements; true when the blob is exhausted (and then unloads it).
  absl::StatusOr<bool> Fill(ElementChunk* chunk, size_t max) {
    for (size_t n = 0; n < max; ++n) {
      ASSIGN_OR_RETURN(bool more, Item(&item_));
      if (!more) {
        cursor_.reset();
        // Keep a small buffer for the next quicklist node; give big ones back.
        if (blob_.capacity() > kKeepBlobCapacity) std::string().swap(blob_);
        return true;
      }
      RETURN_IF_ERROR(AddElement(chunk));
    }
    return false;
  }

 private:
  absl::Status Corrupt(const absl::Status& inner) const {
    return CorruptAt(offset_, absl::StrCat(TypeName(value_type_), " value: ", inner.message()));
  }
  absl::StatusOr<bool> Item(PackedItem* item) {
    auto more = cursor_->Next(item);
    if (!more.ok()) return Corrupt(more.status());
    return *more;
  }
  // The next item of an element already started: its absence is corrupt.
  absl::Status RequiredItem(PackedItem* item) {
    ASSIGN_OR_RETURN(bool more, Item(item));
    if (!more) return Corrupt(absl::InvalidArgumentError("odd number of items for its shape"));
    return absl::OkStatus();
  }
  absl::Status AddElement(ElementChunk* chunk);
  // Walks the whole blob with the checks of Fill, producing nothing.
  absl::Status CheckEveryItem();

  uint8_t value_type_ = 0;
  Shape shape_ = Shape::kMember;
  uint64_t offset_ = 0;
  std::string blob_;
  std::unique_ptr<PackedCursor> cursor_;
  PackedItem item_;
};

absl::Status BlobWalker::CheckEveryItem() {
  const size_t width = shape_ == Shape::kMember ? 1 : shape_ == Shape::kHashWithTtl ? 3 : 2;
  size_t items = 0;
  for (;; ++items) {
    ASSIGN_OR_RETURN(bool more, Item(&item_));
    if (!more) break;
    const size_t position = items % width;
    if (shape_ == Shape::kScored && position == 1) {
      double score;
      if (!item_.ToScore(&score)) {
        return Corrupt(absl::InvalidArgumentError("zset score is not a number"));
      }
    }
    if (shape_ == Shape::kHashWithTtl && position == 2 && (!item_.is_int || item_.num < 0)) {
      return Corrupt(absl::InvalidArgumentError("hash field TTL is not a non-negative integer"));
    }
  }
  if (items % width != 0) {
    return Corrupt(absl::InvalidArgumentError("odd number of items for its shape"));
  }
  if (items == 0) return Corrupt(absl::InvalidArgumentError("empty value"));
  return absl::OkStatus();
}

absl::Status BlobWalker::AddElement(ElementChunk* chunk) {
  chunk->members.emplace_back();
  item_.AssignTo(&chunk->members.back());
  if (shape_ == Shape::kMember) return absl::OkStatus();
  RETURN_IF_ERROR(RequiredItem(&item_));
  if (shape_ == Shape::kScored) {
    double score;
    if (!item_.ToScore(&score)) {
      return Corrupt(absl::InvalidArgumentError("zset score is not a number"));
    }
    chunk->scores.push_back(score);
    return absl::OkStatus();
  }
  chunk->values.emplace_back();
  item_.AssignTo(&chunk->values.back());
  if (shape_ == Shape::kHashPair) return absl::OkStatus();
  RETURN_IF_ERROR(RequiredItem(&item_));
  if (!item_.is_int || item_.num < 0) {
    return Corrupt(absl::InvalidArgumentError("hash field TTL is not a non-negative integer"));
  }
  chunk->field_expire_at_ms.push_back(item_.num == 0 ? -1 : item_.num);
  return absl::OkStatus();
}

// A single-blob value.
class PackedDecoder : public ValueDecoder {
 public:
  PackedDecoder(std::unique_ptr<BlobWalker> walker, bool skipped) : walker_(std::move(walker)) {
    elements_skipped_ = skipped;
  }
  absl::StatusOr<bool> Fill(ElementChunk* chunk, size_t max) override {
    if (elements_skipped_) return true;
    return walker_->Fill(chunk, max);
  }

 private:
  std::unique_ptr<BlobWalker> walker_;
};

// <node count> then per node (type 18: <container: 1 plain, 2 packed>) a blob.
class QuicklistDecoder : public ValueDecoder {
 public:
  QuicklistDecoder(uint8_t type, const DecodeContext& ctx, uint64_t nodes)
      : type_(type), ctx_(ctx), nodes_left_(nodes), single_node_(nodes == 1) {}

  absl::StatusOr<bool> Fill(ElementChunk* chunk, size_t max) override {
    while (chunk->size() < max) {
      if (walker_.loaded()) {
        ASSIGN_OR_RETURN(bool node_done, walker_.Fill(chunk, max - chunk->size()));
        if (!node_done) continue;
      }
      if (nodes_left_ == 0) return true;
      --nodes_left_;
      RETURN_IF_ERROR(StartNode(chunk));
    }
    return nodes_left_ == 0 && !walker_.loaded();
  }

 private:
  absl::Status StartNode(ElementChunk* chunk) {
    uint64_t container = kQuicklistPacked;
    if (type_ == kTypeListQuicklist2) {
      const uint64_t start = ctx_.in->offset();
      ASSIGN_OR_RETURN(container, ReadLength(*ctx_.in));
      if (container != kQuicklistPlain && container != kQuicklistPacked) {
        return CorruptAt(start, absl::StrCat("quicklist node container ", container));
      }
    }
    // A quicklist of one node may go without producing elements (DecodeContext::skip_blob_up_to);
    // one of several never does: a later node may pass the bound after earlier ones went so.
    const size_t skip_up_to = single_node_ ? ctx_.skip_blob_up_to : 0;
    if (container == kQuicklistPlain) {
      chunk->members.emplace_back();
      if (skip_up_to > 0) {
        ASSIGN_OR_RETURN(elements_skipped_, SkipStringIfAtMost(*ctx_.in, *ctx_.limits, skip_up_to,
                                                               &chunk->members.back()));
        if (elements_skipped_) chunk->members.pop_back();
        return absl::OkStatus();
      }
      return ReadString(*ctx_.in, *ctx_.limits, &chunk->members.back());
    }
    ASSIGN_OR_RETURN(
        elements_skipped_,
        walker_.Load(type_, type_ == kTypeListQuicklist ? kTypeListQuicklist : kTypeSetListpack,
                     ctx_, skip_up_to));
    return absl::OkStatus();
  }

  uint8_t type_;
  DecodeContext ctx_;
  uint64_t nodes_left_;
  bool single_node_;
  BlobWalker walker_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ValueDecoder>> StartPackedValue(uint8_t type,
                                                               const DecodeContext& ctx) {
  if (type == kTypeHashListpackEx) {
    // The minimum field TTL, kept by Redis for future use; the listpack holds every TTL.
    RETURN_IF_ERROR(ReadMillis(*ctx.in).status());
  }
  auto walker = std::make_unique<BlobWalker>();
  ASSIGN_OR_RETURN(bool skipped, walker->Load(type, type, ctx, ctx.skip_blob_up_to));
  return std::make_unique<PackedDecoder>(std::move(walker), skipped);
}

absl::StatusOr<std::unique_ptr<ValueDecoder>> StartQuicklistValue(uint8_t type,
                                                                  const DecodeContext& ctx) {
  const uint64_t start = ctx.in->offset();
  ASSIGN_OR_RETURN(uint64_t nodes, ReadCount(*ctx.in, ctx.limits->max_elements, "quicklist node"));
  if (nodes == 0) return CorruptAt(start, "empty quicklist value");
  return std::make_unique<QuicklistDecoder>(type, ctx, nodes);
}

}  // namespace rms::engine::rdb
