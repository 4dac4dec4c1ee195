// PgStore's InstanceStore and CredentialStore against a real PostgreSQL.
#include <gtest/gtest.h>

#include <string>

#include "services/common/errors.h"
#include "tests/pg/pg_store_fixture.h"

namespace rms::storage {
namespace {

InstanceRecord MakeInstance(const std::string& id, const std::string& project = "p1") {
  InstanceRecord instance;
  instance.id = id;
  instance.project_id = project;
  instance.name = "redis " + id;
  instance.addrs = "10.0.0.1:6379";
  instance.encrypted_password = "ciphertext";
  instance.description = "d";
  return instance;
}

TEST_F(PgStoreTest, InstancesCrud) {
  for (int i = 0; i < 3; ++i) {
    InstanceRecord instance = MakeInstance("i" + std::to_string(i));
    instance.created_at = absl::FromUnixSeconds(100 + i);
    ASSERT_TRUE(store_->CreateInstance(instance).ok());
  }
  ASSERT_TRUE(store_->CreateInstance(MakeInstance("other", "p2")).ok());
  EXPECT_EQ(store_->CreateInstance(MakeInstance("i1")).code(), absl::StatusCode::kAlreadyExists);

  absl::StatusOr<InstanceRecord> got = store_->GetInstance("p1", "i1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->name, "redis i1");
  EXPECT_EQ(got->addrs, "10.0.0.1:6379");
  EXPECT_EQ(got->encrypted_password, "ciphertext");
  EXPECT_EQ(got->created_at, absl::FromUnixSeconds(101));
  EXPECT_EQ(store_->GetInstance("p2", "i1").status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<Page<InstanceRecord>> page = store_->ListInstances("p1", 1, 5);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0].id, "i1");
  EXPECT_EQ(page->rows[1].id, "i2");

  EXPECT_TRUE(store_->DeleteInstance("p1", "i1").ok());
  absl::Status missing = store_->DeleteInstance("p1", "i1");
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(errors::DcsCodeOf(missing).has_value());
  EXPECT_EQ(store_->DeleteInstance("p1", "other").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetInstance("p1", "i1").status().code(), absl::StatusCode::kNotFound);
}

CredentialRecord MakeToken(const std::string& id, const std::string& hash) {
  CredentialRecord credential;
  credential.id = id;
  credential.project_id = "p1";
  credential.kind = "token";
  credential.token_sha256 = hash;
  return credential;
}

CredentialRecord MakeAccessKey(const std::string& id, const std::string& access_key) {
  CredentialRecord credential;
  credential.id = id;
  credential.project_id = "p1";
  credential.kind = "aksk";
  credential.access_key = access_key;
  credential.encrypted_secret_key = "sealed-" + id;
  return credential;
}

TEST_F(PgStoreTest, CredentialsAreFoundByTokenHashAndAccessKey) {
  ASSERT_TRUE(store_->CreateCredential(MakeToken("c1", "aa11")).ok());
  ASSERT_TRUE(store_->CreateCredential(MakeToken("c2", "bb22")).ok());
  ASSERT_TRUE(store_->CreateCredential(MakeAccessKey("c3", "AK1")).ok());
  ASSERT_TRUE(store_->CreateCredential(MakeAccessKey("c4", "AK2")).ok());

  absl::StatusOr<CredentialRecord> token = store_->FindByTokenHash("bb22");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->id, "c2");
  EXPECT_EQ(token->kind, "token");
  EXPECT_EQ(token->access_key, "");

  absl::StatusOr<CredentialRecord> key = store_->FindByAccessKey("AK1");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->id, "c3");
  EXPECT_EQ(key->encrypted_secret_key, "sealed-c3");
  EXPECT_EQ(key->token_sha256, "");

  for (const absl::Status& status :
       {store_->FindByTokenHash("cc33").status(), store_->FindByTokenHash("").status(),
        store_->FindByAccessKey("AK9").status(), store_->FindByAccessKey("").status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  }
}

TEST_F(PgStoreTest, CredentialClashesAreAlreadyExists) {
  ASSERT_TRUE(store_->CreateCredential(MakeToken("c1", "aa11")).ok());
  ASSERT_TRUE(store_->CreateCredential(MakeAccessKey("c2", "AK1")).ok());
  absl::Status same_hash = store_->CreateCredential(MakeToken("c3", "aa11"));
  EXPECT_EQ(same_hash.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(same_hash.message().find("aa11"), absl::string_view::npos) << same_hash;
  EXPECT_EQ(store_->CreateCredential(MakeAccessKey("c4", "AK1")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateCredential(MakeToken("c1", "other")).code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace rms::storage
