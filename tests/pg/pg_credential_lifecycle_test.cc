// Credential lifecycle in PostgreSQL: expiry and revocation columns, listing, the migration of
// existing rows, and the seen_signatures ledger shared by every API process.
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <thread>
#include <vector>

#include "storage/pg_signature_ledger.h"
#include "storage/schema_migrator.h"
#include "tests/pg/pg_store_fixture.h"

namespace rms::storage {
namespace {

const absl::Time kCreated = absl::FromUnixSeconds(1700000000);

CredentialRecord Token(const std::string& id, const std::string& project) {
  CredentialRecord credential;
  credential.id = id;
  credential.project_id = project;
  credential.kind = "token";
  credential.token_sha256 = "hash-" + id;
  credential.created_at = kCreated;
  return credential;
}

TEST_F(PgStoreTest, CredentialsKeepExpiryAndAreListedPerProject) {
  CredentialRecord expiring = Token("c1", "p1");
  expiring.expires_at = kCreated + absl::Hours(12);
  ASSERT_TRUE(store_->CreateCredential(expiring).ok());
  CredentialRecord later = Token("c2", "p1");
  later.created_at = kCreated + absl::Seconds(1);
  ASSERT_TRUE(store_->CreateCredential(later).ok());
  ASSERT_TRUE(store_->CreateCredential(Token("c3", "p2")).ok());

  auto listed = store_->ListCredentials("p1");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "c1");
  EXPECT_EQ((*listed)[0].expires_at, kCreated + absl::Hours(12));
  EXPECT_FALSE((*listed)[0].revoked_at.has_value());
  EXPECT_EQ((*listed)[1].id, "c2");
  EXPECT_FALSE((*listed)[1].expires_at.has_value());
  auto none = store_->ListCredentials("p9");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(PgStoreTest, RevokedCredentialIsSeenByTheNextLookup) {
  ASSERT_TRUE(store_->CreateCredential(Token("c1", "p1")).ok());
  const absl::Time revoked = kCreated + absl::Minutes(5);
  auto first = store_->RevokeCredential("p1", "c1", revoked);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->revoked_at, revoked);
  auto found = store_->FindByTokenHash("hash-c1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->revoked_at, revoked);
  // A second revocation keeps the first time.
  auto again = store_->RevokeCredential("p1", "c1", revoked + absl::Hours(1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->revoked_at, revoked);
}

TEST_F(PgStoreTest, RevokingAnotherProjectsOrAnUnknownCredentialIsNotFound) {
  ASSERT_TRUE(store_->CreateCredential(Token("c1", "p1")).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->RevokeCredential("p2", "c1", kCreated).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->RevokeCredential("p1", "c9", kCreated).status()));
  auto found = store_->FindByTokenHash("hash-c1");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->revoked_at.has_value());
}

using MigrationTest = test_support::PgDatabaseTest;

TEST_F(MigrationTest, CredentialsCreatedBefore0005StayValid) {
  auto pool = PgPool::Create(db_url(), 1);
  ASSERT_TRUE(pool.ok()) << pool.status();
  absl::Span<const Migration> all = BuiltinMigrations();
  ASSERT_GE(all.size(), 5u);
  ASSERT_EQ(all[4].version, 5);
  ASSERT_TRUE(ApplyMigrations(**pool, all.subspan(0, 4)).ok());
  {
    pqxx::connection connection(db_url());
    pqxx::nontransaction tx(connection);
    tx.exec(
        "INSERT INTO credentials (id, project_id, kind, token_sha256)"
        " VALUES ('old', 'p1', 'token', 'hash-old')");
  }
  ASSERT_TRUE(ApplyBuiltinMigrations(**pool).ok());
  auto store = PgStore::Open(db_url(), 1);
  ASSERT_TRUE(store.ok()) << store.status();
  auto found = (*store)->FindByTokenHash("hash-old");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->expires_at.has_value());
  EXPECT_FALSE(found->revoked_at.has_value());
}

TEST_F(PgStoreTest, SignatureLedgerAcceptsEachSignatureOnce) {
  PgSignatureLedger ledger(store_->pool());
  const absl::Time forget_after = absl::Now() + absl::Minutes(15);
  auto first = ledger.Remember("ab12", forget_after);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(*first);
  auto second = ledger.Remember("ab12", forget_after);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
}

TEST_F(PgStoreTest, SignatureLedgerRaceHasOneWinner) {
  std::vector<int> firsts(6, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < firsts.size(); ++i) {
    threads.emplace_back([&, i] {
      auto pool = PgPool::Create(db_url(), 1);
      ASSERT_TRUE(pool.ok());
      PgSignatureLedger ledger(**pool);
      auto result = ledger.Remember("same", absl::Now() + absl::Minutes(15));
      ASSERT_TRUE(result.ok()) << result.status();
      firsts[i] = *result ? 1 : 0;
    });
  }
  for (std::thread& thread : threads) thread.join();
  int winners = 0;
  for (int first : firsts) winners += first;
  EXPECT_EQ(winners, 1);
}

TEST_F(PgStoreTest, SignatureLedgerForgetsOnlyPastWindows) {
  PgSignatureLedger ledger(store_->pool());
  const absl::Time now = absl::Now();
  ASSERT_TRUE(ledger.Remember("old", now - absl::Seconds(1)).ok());
  ASSERT_TRUE(ledger.Remember("new", now + absl::Minutes(15)).ok());
  auto purged = ledger.ForgetBefore(now);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  EXPECT_TRUE(*ledger.Remember("old", now + absl::Minutes(15)));
  EXPECT_FALSE(*ledger.Remember("new", now + absl::Minutes(15)));
}

}  // namespace
}  // namespace rms::storage
