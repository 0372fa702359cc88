// One controller per MQTT client id (pure part): whose holder record blocks a start.
#include "controller/fleet/client_id_lock.h"

#include <gtest/gtest.h>

namespace narrowscan::fleet {
namespace {

const HolderIdentity kSelf{4242, "edge-1", "/var/lib/narrowscan/narrowscan.db"};
bool Runs(int pid) { return pid == 100; }

TEST(ClientIdLock, ARecordOfAnotherHostOrALiveProcessHoldsTheId) {
  EXPECT_EQ(JudgeHolder("", kSelf, Runs), HolderVerdict::kFree);
  EXPECT_EQ(JudgeHolder(R"({"pid":100,"host":"edge-2","store":"/s.db","since":1})", kSelf, Runs),
            HolderVerdict::kHeld);
  // Another host: its pid says nothing here, so even a pid that does not run here holds.
  EXPECT_EQ(JudgeHolder(R"({"pid":7,"host":"edge-2","store":"/s.db"})", kSelf, Runs),
            HolderVerdict::kHeld);
  // This host, another store, a running pid: held.
  EXPECT_EQ(JudgeHolder(R"({"pid":100,"host":"edge-1","store":"/other.db"})", kSelf, Runs),
            HolderVerdict::kHeld);
  // Not a holder record: something else uses the topic.
  EXPECT_EQ(JudgeHolder("hello", kSelf, Runs), HolderVerdict::kHeld);
  EXPECT_EQ(JudgeHolder(R"({"pid":"100","host":"edge-1"})", kSelf, Runs), HolderVerdict::kHeld);
}

TEST(ClientIdLock, ARecordWhoseWriterIsProvablyGoneIsStale) {
  // This host, a pid that no longer runs (killed -9 before the broker's will fired).
  EXPECT_EQ(JudgeHolder(R"({"pid":7,"host":"edge-1","store":"/other.db"})", kSelf, Runs),
            HolderVerdict::kStale);
  // This host and this store: the store's flock we hold proves its writer gone, even
  // when its pid was reused by another process since.
  EXPECT_EQ(JudgeHolder(R"({"pid":100,"host":"edge-1","store":"/var/lib/narrowscan/narrowscan.db"})",
                        kSelf, Runs),
            HolderVerdict::kStale);
  EXPECT_EQ(JudgeHolder(R"({"pid":4242,"host":"edge-1","store":"/x.db"})", kSelf, Runs),
            HolderVerdict::kStale);
}

}  // namespace
}  // namespace narrowscan::fleet
