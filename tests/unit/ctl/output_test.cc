// Unit tests of the human output: tables, key: value lines, lenient number fields.
#include <gtest/gtest.h>

#include "services/ctl/json_fields.h"
#include "services/ctl/table_printer.h"

namespace rms::ctl {
namespace {

TEST(TableTest, ColumnsArePaddedToTheWidestCell) {
  Table table({"ID", "NAME", "STATUS"});
  table.AddRow({"t-1", "a rather long name", "SUCCESS"});
  table.AddRow({"t-22", "short", "RUNNING"});
  EXPECT_EQ(table.Render(),
            "ID    NAME                STATUS\n"
            "t-1   a rather long name  SUCCESS\n"
            "t-22  short               RUNNING\n");
}

TEST(TableTest, MissingCellsAndLineBreaks) {
  Table table({"A", "B", "C"});
  table.AddRow({"x"});
  table.AddRow({"multi\nline", "tab\there", "z", "dropped"});
  EXPECT_EQ(table.Render(),
            "A           B         C\n"
            "x\n"
            "multi line  tab here  z\n");
}

TEST(TableTest, HeaderOnlyWhenEmpty) {
  Table table({"ID", "NAME"});
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.Render(), "ID  NAME\n");
}

TEST(KeyValueLinesTest, FlattensNestedObjectsAndArrays) {
  Json reply = Json::parse(R"({"task_id":"t1","status":"SUCCESS","is_migrating":false,
      "source_instance":{"addrs":"127.0.0.1:6379","port":"6379"},
      "supported_features":["a","b"],
      "backup_files":{"files":[{"file_name":"dump.rdb"}]},"released_at":null})");
  EXPECT_EQ(KeyValueLines(reply),
            "backup_files.files[0].file_name: dump.rdb\n"
            "is_migrating: false\n"
            "released_at: \n"
            "source_instance.addrs: 127.0.0.1:6379\n"
            "source_instance.port: 6379\n"
            "status: SUCCESS\n"
            "supported_features: a, b\n"
            "task_id: t1\n");
}

TEST(JsonFieldsTest, NumbersAsStringsOrNumbers) {
  Json stats = Json::parse(
      R"({"keys_written":"1200","lag_seconds":"0.250","count":7,"name":"x","empty":""})");
  EXPECT_EQ(IntegerField(stats, "keys_written"), absl::optional<int64_t>(1200));
  EXPECT_EQ(NumberField(stats, "lag_seconds"), absl::optional<double>(0.25));
  EXPECT_EQ(IntegerField(stats, "count"), absl::optional<int64_t>(7));
  EXPECT_FALSE(NumberField(stats, "name"));
  EXPECT_FALSE(NumberField(stats, "empty"));
  EXPECT_FALSE(NumberField(stats, "missing"));
  EXPECT_FALSE(NumberField(Json::array(), "count"));
  EXPECT_EQ(TextField(stats, "count"), "7");
  EXPECT_EQ(TextField(stats, "missing"), "");
}

}  // namespace
}  // namespace rms::ctl
