// Tests of SecretBox: round trips, tamper detection and the key file's rules.
#include "services/crypto/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "services/crypto/base64.h"

namespace rms::crypto {
namespace {

const std::string kKeyA(32, 'a');
const std::string kKeyB(32, 'b');

// A fresh directory under $TEST_TMPDIR or /tmp, removed with its files at the end.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(base ? base : "/tmp") + "/secret_box_test.XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

void WriteFile(const std::string& path, const std::string& bytes, mode_t mode) {
  std::ofstream(path, std::ios::binary) << bytes;
  ASSERT_EQ(chmod(path.c_str(), mode), 0);
}

TEST(SecretBox, RoundTrip) {
  SecretBox box = SecretBox::FromKeyForTest(kKeyA);
  std::string sealed = box.Seal("s3cret password").value();
  EXPECT_TRUE(absl::StartsWith(sealed, "v1:"));
  EXPECT_FALSE(absl::StrContains(sealed, "s3cret"));
  EXPECT_EQ(box.Open(sealed).value(), "s3cret password");
}

TEST(SecretBox, FreshNonceEachTime) {
  SecretBox box = SecretBox::FromKeyForTest(kKeyA);
  EXPECT_NE(box.Seal("same").value(), box.Seal("same").value());
}

TEST(SecretBox, EmptySealsToEmpty) {
  SecretBox box = SecretBox::FromKeyForTest(kKeyA);
  EXPECT_EQ(box.Seal("").value(), "");
  EXPECT_EQ(box.Open("").value(), "");
}

TEST(SecretBox, EveryFlippedByteIsDetected) {
  SecretBox box = SecretBox::FromKeyForTest(kKeyA);
  std::string blob = Base64Decode(box.Seal("payload").value().substr(3)).value();
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string altered = blob;
    altered[i] ^= 0x01;
    absl::StatusOr<std::string> opened = box.Open("v1:" + Base64Encode(altered));
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss) << "byte " << i;
    EXPECT_FALSE(absl::StrContains(opened.status().message(), "payload"));
  }
}

TEST(SecretBox, WrongKeyIsDataLoss) {
  std::string sealed = SecretBox::FromKeyForTest(kKeyA).Seal("payload").value();
  EXPECT_EQ(SecretBox::FromKeyForTest(kKeyB).Open(sealed).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(SecretBox, MalformedInputIsDataLoss) {
  SecretBox box = SecretBox::FromKeyForTest(kKeyA);
  for (const char* bad : {"plain", "v2:AAAA", "v1:!!!", "v1:AAAA", "v1:"}) {
    EXPECT_EQ(box.Open(bad).status().code(), absl::StatusCode::kDataLoss) << bad;
  }
}

TEST(SecretBoxKeyFile, CreatedWithMode0600AndReloaded) {
  TempDir dir;
  std::string path = dir.File("master.key");
  absl::StatusOr<SecretBox> created = SecretBox::LoadOrCreateKeyFile(path);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(ModeOf(path), 0600u);
  std::string sealed = created->Seal("kept across restarts").value();
  absl::StatusOr<SecretBox> loaded = SecretBox::LoadOrCreateKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Open(sealed).value(), "kept across restarts");
}

TEST(SecretBoxKeyFile, RefusesGroupOrOtherAccess) {
  TempDir dir;
  std::string path = dir.File("open.key");
  WriteFile(path, kKeyA, 0644);
  absl::Status status = SecretBox::LoadOrCreateKeyFile(path).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "0644")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "chmod 600")) << status;
}

TEST(SecretBoxKeyFile, RefusesWrongSize) {
  TempDir dir;
  std::string path = dir.File("short.key");
  WriteFile(path, "too short", 0600);
  EXPECT_EQ(SecretBox::LoadOrCreateKeyFile(path).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SecretBoxKeyFile, MissingDirectoryIsAnError) {
  TempDir dir;
  EXPECT_FALSE(SecretBox::LoadOrCreateKeyFile(dir.File("no/such/dir.key")).ok());
}

}  // namespace
}  // namespace rms::crypto
