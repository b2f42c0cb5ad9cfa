// The embedded default store: SQLite in WAL mode holding wallet scores, alerts and the engine
// checkpoint. A checkpoint commits together with the alerts raised since the previous one, so a run
// killed at any instant resumes with exactly-once alerts.
#ifndef COATTAIL_STORE_SQLITE_STORE_H_
#define COATTAIL_STORE_SQLITE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/engine/engine.h"
#include "coattail/store/checkpoint.h"

struct sqlite3;

namespace coattail::store {

struct StoredAlert {
  engine::Alert alert;
  bool retracted = false;
};

class SqliteStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                           bool read_only = false);
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  absl::StatusOr<std::optional<Checkpoint>> LoadCheckpoint();

  // One transaction: new alerts (ignored when the id exists), retractions, optionally the full
  // score table (replaced), and the checkpoint.
  absl::Status Commit(const std::vector<engine::Alert>& alerts,
                      const std::vector<std::string>& retracted_alert_ids,
                      const std::vector<engine::WalletScoreRow>* scores, int64_t primary_horizon_ms,
                      const Checkpoint& checkpoint);

  // The leaderboard: wallets that are eligible and carry no behaviour flag, smart money first, then
  // by shrunk alpha; at the primary horizon unless `horizon_ms` is given.
  absl::StatusOr<std::vector<engine::WalletScoreRow>> Leaderboard(
      int limit, std::optional<int64_t> horizon_ms = std::nullopt);
  absl::StatusOr<std::vector<engine::WalletScoreRow>> WalletScores(std::string_view wallet);
  // Every wallet at one horizon, flagged and ineligible ones included.
  absl::StatusOr<std::vector<engine::WalletScoreRow>> AllScores(int64_t horizon_ms);
  absl::StatusOr<std::vector<StoredAlert>> Alerts(std::optional<std::string> wallet, int limit);
  // nullopt when no alert has this id.
  absl::StatusOr<std::optional<StoredAlert>> AlertById(std::string_view alert_id);
  absl::StatusOr<int64_t> AlertCount(bool include_retracted);
  absl::StatusOr<int64_t> PrimaryHorizonMs();

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  absl::Status Exec(const char* sql);
  absl::Status Error(std::string_view what) const;
  absl::StatusOr<std::vector<engine::WalletScoreRow>> QueryScores(const std::string& sql,
                                                                  std::string_view text_arg,
                                                                  int64_t int_arg, int limit);

  sqlite3* db_;
};

}  // namespace coattail::store

#endif  // COATTAIL_STORE_SQLITE_STORE_H_
