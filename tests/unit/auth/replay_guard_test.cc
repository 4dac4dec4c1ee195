// Tests of ReplayGuard and of replay refusal in Authenticator: one use per signature, the
// window, the cap, and the shared ledger (an in-memory stand-in for seen_signatures).
#include "services/auth/replay_guard.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/auth/authenticator.h"
#include "services/common/errors.h"
#include "tests/unit/auth/in_memory_credential_store.h"
#include "tests/unit/auth/signing_vectors.h"

namespace rms::auth {
namespace {

using namespace rms::auth::testing;  // NOLINT: test vectors

// A SignatureLedger in a map, counting its calls; shared by two guards it is "the fleet".
class InMemoryLedger : public storage::SignatureLedger {
 public:
  absl::StatusOr<bool> Remember(absl::string_view signature, absl::Time forget_after) override {
    ++remember_calls;
    if (!fail_with.ok()) return fail_with;
    return rows.emplace(std::string(signature), forget_after).second;
  }
  absl::StatusOr<int64_t> ForgetBefore(absl::Time now) override {
    int64_t n = 0;
    for (auto it = rows.begin(); it != rows.end();) {
      it = it->second < now ? (++n, rows.erase(it)) : std::next(it);
    }
    return n;
  }
  std::map<std::string, absl::Time> rows;
  int remember_calls = 0;
  absl::Status fail_with;
};

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

void ExpectReplayed(const absl::Status& status) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(errors::DcsCodeOf(status).value_or(""), "DCS.4010");
  EXPECT_TRUE(absl::StrContains(status.message(), "replayed")) << status;
}

TEST(ReplayGuardTest, SecondUseOfASignatureIsRefused) {
  ReplayGuard guard(nullptr);
  EXPECT_TRUE(guard.CheckAndRemember("aa01", kNow + absl::Minutes(15), kNow).ok());
  ExpectReplayed(guard.CheckAndRemember("aa01", kNow + absl::Minutes(15), kNow));
  EXPECT_TRUE(guard.CheckAndRemember("aa02", kNow + absl::Minutes(15), kNow).ok());
}

TEST(ReplayGuardTest, ForgetsASignatureOnlyAfterItsWindow) {
  ReplayGuard guard(nullptr);
  const absl::Time forget_after = kNow + absl::Minutes(15);
  ASSERT_TRUE(guard.CheckAndRemember("aa01", forget_after, kNow).ok());
  ExpectReplayed(guard.CheckAndRemember("aa01", forget_after, forget_after));
  // Past the window the date check refuses the request anyway; the entry may go.
  EXPECT_TRUE(guard.CheckAndRemember("bb01", forget_after, forget_after + absl::Seconds(1)).ok());
  EXPECT_EQ(guard.LocalSizeForTest(), 1u);
}

TEST(ReplayGuardTest, LocalCacheIsCappedDroppingTheEarliestWindowFirst) {
  ReplayGuard guard(nullptr, /*max_entries=*/3);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        guard.CheckAndRemember(absl::StrCat("sig", i), kNow + absl::Minutes(i + 1), kNow).ok());
    EXPECT_LE(guard.LocalSizeForTest(), 3u);
  }
  ExpectReplayed(guard.CheckAndRemember("sig9", kNow + absl::Minutes(10), kNow));
  EXPECT_TRUE(guard.CheckAndRemember("sig0", kNow + absl::Minutes(1), kNow).ok());  // dropped
}

TEST(ReplayGuardTest, LedgerRefusesASignatureAnotherProcessAccepted) {
  InMemoryLedger ledger;
  ReplayGuard first_process(&ledger), second_process(&ledger);
  ASSERT_TRUE(first_process.CheckAndRemember("cafe", kNow + absl::Minutes(15), kNow).ok());
  ExpectReplayed(second_process.CheckAndRemember("cafe", kNow + absl::Minutes(15), kNow));
  EXPECT_EQ(ledger.rows.count("cafe"), 1u);
}

TEST(ReplayGuardTest, LocalCacheAnswersRepeatsWithoutTheLedger) {
  InMemoryLedger ledger;
  ReplayGuard guard(&ledger);
  ASSERT_TRUE(guard.CheckAndRemember("cafe", kNow + absl::Minutes(15), kNow).ok());
  ExpectReplayed(guard.CheckAndRemember("cafe", kNow + absl::Minutes(15), kNow));
  EXPECT_EQ(ledger.remember_calls, 1);
}

TEST(ReplayGuardTest, LedgerErrorsPassThroughAndAcceptNothing) {
  InMemoryLedger ledger;
  ledger.fail_with = absl::UnavailableError("database down");
  ReplayGuard guard(&ledger);
  EXPECT_TRUE(absl::IsUnavailable(guard.CheckAndRemember("cafe", kNow + absl::Minutes(15), kNow)));
  ledger.fail_with = absl::OkStatus();
  EXPECT_TRUE(guard.CheckAndRemember("cafe", kNow + absl::Minutes(15), kNow).ok());
}

TEST(ReplayGuardTest, LedgerIsPurgedOfPastWindows) {
  InMemoryLedger ledger;
  ReplayGuard guard(&ledger);
  ASSERT_TRUE(guard.CheckAndRemember("old", kNow + absl::Minutes(15), kNow).ok());
  const absl::Time later = kNow + absl::Minutes(20);
  ASSERT_TRUE(guard.CheckAndRemember("new", later + absl::Minutes(15), later).ok());
  EXPECT_EQ(ledger.rows.count("old"), 0u);
  EXPECT_EQ(ledger.rows.count("new"), 1u);
}

class AuthenticatorReplayTest : public ::testing::Test {
 protected:
  AuthenticatorReplayTest() : box_(crypto::SecretBox::FromKeyForTest(std::string(32, 'k'))) {
    storage::CredentialRecord record;
    record.id = "cred-ak";
    record.project_id = kProject;
    record.kind = "aksk";
    record.access_key = kAk;
    record.encrypted_secret_key = box_.Seal(kSk).value();
    EXPECT_TRUE(store_.CreateCredential(record).ok());
  }
  absl::StatusOr<Principal> Run(SignableRequest req, const std::string& signature) {
    req.headers["Authorization"] = AuthorizationFor(signature);
    return authenticator_.Authenticate(req, kProject);
  }
  InMemoryCredentialStore store_;
  crypto::SecretBox box_;
  InMemoryLedger ledger_;
  ReplayGuard guard_{&ledger_};
  Authenticator authenticator_{
      store_, box_,
      [] { return absl::FromCivil(absl::CivilSecond(2024, 1, 1), absl::UTCTimeZone()); }, &guard_};
};

TEST_F(AuthenticatorReplayTest, ReplayedPostIsRefusedWithTheBadSignatureCode) {
  ASSERT_TRUE(Run(Vector1(), kSignature1).ok());
  absl::StatusOr<Principal> again = Run(Vector1(), kSignature1);
  ExpectReplayed(again.status());
  // The ledger remembers the signature until the end of its X-Sdk-Date's skew window.
  ASSERT_EQ(ledger_.rows.size(), 1u);
  EXPECT_EQ(ledger_.rows.begin()->second,
            absl::FromCivil(absl::CivilSecond(2024, 1, 1, 0, 15, 0), absl::UTCTimeZone()));
}

TEST_F(AuthenticatorReplayTest, RepeatedGetIsAccepted) {
  ASSERT_TRUE(Run(Vector2(), kSignature2).ok());
  EXPECT_TRUE(Run(Vector2(), kSignature2).ok());
  EXPECT_TRUE(ledger_.rows.empty());
}

TEST_F(AuthenticatorReplayTest, BadSignatureIsNotRemembered) {
  const std::string wrong(64, 'a');
  EXPECT_FALSE(Run(Vector1(), wrong).ok());
  EXPECT_TRUE(ledger_.rows.empty());
  EXPECT_TRUE(Run(Vector1(), kSignature1).ok());
}

}  // namespace
}  // namespace rms::auth
