#include "coattail/store/sqlite_store.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "coattail/base/status_macros.h"

namespace coattail::store {
namespace {

// Version 2 added source_positions (stream checkpoints); a version 1 database is upgraded in place.
constexpr int kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS wallet_scores (
  wallet             TEXT    NOT NULL,
  horizon_ms         INTEGER NOT NULL,
  tier               TEXT    NOT NULL,
  effective_n        REAL    NOT NULL,
  mean_return        REAL    NOT NULL,
  std_error          REAL    NOT NULL,
  shrunk_alpha       REAL    NOT NULL,
  t_stat             REAL    NOT NULL,
  p_value            REAL    NOT NULL,
  q_value            REAL    NOT NULL,
  hit_rate           REAL    NOT NULL,
  hit_rate_lower     REAL    NOT NULL,
  eligible           INTEGER NOT NULL,
  smart_money        INTEGER NOT NULL,
  bot_like           INTEGER NOT NULL,
  exchange_like      INTEGER NOT NULL,
  wash_like          INTEGER NOT NULL,
  realized_pnl_usd   REAL    NOT NULL,
  unrealized_pnl_usd REAL    NOT NULL,
  volume_usd         REAL    NOT NULL,
  trade_count        INTEGER NOT NULL,
  as_of_ms           INTEGER NOT NULL,
  PRIMARY KEY (wallet, horizon_ms)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS wallet_scores_board
  ON wallet_scores (horizon_ms, smart_money DESC, shrunk_alpha DESC);
CREATE TABLE IF NOT EXISTS alerts (
  alert_id       TEXT PRIMARY KEY,
  rule           TEXT    NOT NULL,
  chain          TEXT    NOT NULL,
  tx_hash        TEXT    NOT NULL,
  log_index      INTEGER NOT NULL,
  input_line     INTEGER NOT NULL,
  wallet         TEXT    NOT NULL,
  token          TEXT    NOT NULL,
  side           TEXT    NOT NULL,
  usd_value      REAL    NOT NULL,
  event_time_ms  INTEGER NOT NULL,
  horizon_ms     INTEGER NOT NULL,
  score          REAL    NOT NULL,
  t_stat         REAL    NOT NULL,
  q_value        REAL    NOT NULL,
  n              REAL    NOT NULL,
  hit_rate       REAL    NOT NULL,
  hit_rate_lower REAL    NOT NULL,
  reason         TEXT    NOT NULL,
  retracted      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS alerts_by_wallet ON alerts (wallet, event_time_ms DESC);
CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts (event_time_ms DESC);
CREATE TABLE IF NOT EXISTS checkpoint (
  id                INTEGER PRIMARY KEY CHECK (id = 1),
  input_name        TEXT    NOT NULL,
  input_fingerprint TEXT    NOT NULL,
  input_offset      INTEGER NOT NULL,
  input_line        INTEGER NOT NULL,
  alerts_bytes      INTEGER NOT NULL,
  dead_letter_bytes INTEGER NOT NULL,
  engine_state      BLOB    NOT NULL
);
CREATE TABLE IF NOT EXISTS source_positions (
  shard_id        TEXT    PRIMARY KEY,
  sequence_number TEXT    NOT NULL,
  events_done     INTEGER NOT NULL,
  finished        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reject_reasons (
  reason TEXT PRIMARY KEY,
  count  INTEGER NOT NULL
);
)sql";

// RAII statement with bind helpers; binding indices are 1-based as in SQLite.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) {
    rc_ = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  [[nodiscard]] bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return stmt_; }
  void Text(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Blob(int i, std::string_view v) {
    sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT);
  }
  void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Real(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string ColText(int i) {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
  }
  std::string ColBlob(int i) {
    const void* p = sqlite3_column_blob(stmt_, i);
    return p == nullptr ? std::string()
                        : std::string(static_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
  }
  int64_t ColInt(int i) { return sqlite3_column_int64(stmt_, i); }
  double ColReal(int i) { return sqlite3_column_double(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

constexpr const char* kScoreColumns =
    "wallet, horizon_ms, tier, effective_n, mean_return, std_error, shrunk_alpha, t_stat, "
    "p_value, q_value, hit_rate, hit_rate_lower, eligible, smart_money, bot_like, exchange_like, "
    "wash_like, realized_pnl_usd, unrealized_pnl_usd, volume_usd, trade_count, as_of_ms";

engine::WalletScoreRow ReadScoreRow(Stmt& s) {
  engine::WalletScoreRow r;
  r.wallet = s.ColText(0);
  r.horizon_ms = s.ColInt(1);
  r.tier = s.ColText(2);
  r.effective_n = s.ColReal(3);
  r.mean_return = s.ColReal(4);
  r.std_error = s.ColReal(5);
  r.shrunk_alpha = s.ColReal(6);
  r.t_stat = s.ColReal(7);
  r.p_value = s.ColReal(8);
  r.q_value = s.ColReal(9);
  r.hit_rate = s.ColReal(10);
  r.hit_rate_lower = s.ColReal(11);
  r.eligible = s.ColInt(12) != 0;
  r.smart_money = s.ColInt(13) != 0;
  r.bot_like = s.ColInt(14) != 0;
  r.exchange_like = s.ColInt(15) != 0;
  r.wash_like = s.ColInt(16) != 0;
  r.realized_pnl_usd = s.ColReal(17);
  r.unrealized_pnl_usd = s.ColReal(18);
  r.volume_usd = s.ColReal(19);
  r.trade_count = s.ColInt(20);
  r.as_of_ms = s.ColInt(21);
  return r;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                               bool read_only) {
  sqlite3* db = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::InvalidArgumentError(absl::StrCat("cannot open database ", path, ": ", msg));
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 10'000);
  if (read_only) {
    Stmt s(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!s.ok() || s.Step() != SQLITE_ROW) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " is not a coattail database (run `coattail run` first)"));
    }
    return store;
  }
  // WAL lets readers (`coattail top`) run while a run commits; synchronous=NORMAL in WAL mode is
  // durable across process crashes (kill -9), which is the failure the checkpoint protects against.
  //
  // The page cache is raised from SQLite's 2 MiB to 64 MiB (allocated only as pages are used): a
  // checkpoint inserts its alerts at random places in the alert id index, and with a small cache
  // every insert past the first few thousand reads a page back from the file and rewrites it.
  RETURN_IF_ERROR(
      store->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"));
  RETURN_IF_ERROR(store->Exec(kSchema));
  {
    Stmt v(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    // Version 1 lacks only source_positions, which kSchema has just created.
    if (v.ok() && v.Step() == SQLITE_ROW && v.ColText(0) != std::to_string(kSchemaVersion) &&
        v.ColText(0) != "1") {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " has schema version ", v.ColText(0), ", expected ", kSchemaVersion));
    }
  }
  Stmt meta(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)");
  meta.Text(1, std::to_string(kSchemaVersion));
  if (meta.Step() != SQLITE_DONE) return store->Error("writing schema version");
  return store;
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

absl::Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    return absl::InternalError(absl::StrCat("sqlite: ", msg));
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::Error(std::string_view what) const {
  return absl::InternalError(
      absl::StrCat("sqlite: ", std::string(what), ": ", sqlite3_errmsg(db_)));
}

absl::StatusOr<std::optional<Checkpoint>> SqliteStore::LoadCheckpoint() {
  Stmt s(db_,
         "SELECT input_name, input_fingerprint, input_offset, input_line, alerts_bytes, "
         "dead_letter_bytes, engine_state FROM checkpoint WHERE id = 1");
  if (!s.ok()) return Error("reading checkpoint");
  const int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<Checkpoint>();
  if (rc != SQLITE_ROW) return Error("reading checkpoint");
  Checkpoint c;
  c.input_name = s.ColText(0);
  c.input_fingerprint = s.ColText(1);
  c.input_offset = s.ColInt(2);
  c.input_line = s.ColInt(3);
  c.alerts_bytes = s.ColInt(4);
  c.dead_letter_bytes = s.ColInt(5);
  c.engine_state = s.ColBlob(6);
  Stmt r(db_, "SELECT reason, count FROM reject_reasons ORDER BY reason");
  if (!r.ok()) return Error("reading reject reasons");
  while (r.Step() == SQLITE_ROW) c.reject_reasons.emplace_back(r.ColText(0), r.ColInt(1));
  Stmt p(db_,
         "SELECT shard_id, sequence_number, events_done, finished FROM source_positions "
         "ORDER BY shard_id");
  if (!p.ok()) return Error("reading source positions");
  while (p.Step() == SQLITE_ROW) {
    c.shard_positions.push_back(
        ShardPosition{p.ColText(0), p.ColText(1), p.ColInt(2), p.ColInt(3) != 0});
  }
  return std::optional<Checkpoint>(std::move(c));
}

absl::Status SqliteStore::Commit(const std::vector<engine::Alert>& alerts,
                                 const std::vector<std::string>& retracted_alert_ids,
                                 const std::vector<engine::WalletScoreRow>* scores,
                                 int64_t primary_horizon_ms, const Checkpoint& checkpoint) {
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto fail = [&](std::string_view what) {
    absl::Status status = Error(what);
    Exec("ROLLBACK").IgnoreError();  // the original error is the one worth reporting
    return status;
  };
  {
    Stmt a(db_,
           "INSERT OR IGNORE INTO alerts (alert_id, rule, chain, tx_hash, log_index, input_line, "
           "wallet, token, side, usd_value, event_time_ms, horizon_ms, score, t_stat, q_value, n, "
           "hit_rate, hit_rate_lower, reason) VALUES "
           "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)");
    if (!a.ok()) return fail("preparing alert insert");
    for (const engine::Alert& x : alerts) {
      a.Text(1, x.alert_id);
      a.Text(2, x.rule);
      a.Text(3, x.chain);
      a.Text(4, x.tx_hash);
      a.Int(5, x.log_index);
      a.Int(6, x.line);
      a.Text(7, x.wallet);
      a.Text(8, x.token);
      a.Text(9, x.side);
      a.Real(10, x.usd_value);
      a.Int(11, x.event_time_ms);
      a.Int(12, x.horizon_ms);
      a.Real(13, x.score);
      a.Real(14, x.t_stat);
      a.Real(15, x.q_value);
      a.Real(16, x.n);
      a.Real(17, x.hit_rate);
      a.Real(18, x.hit_rate_lower);
      a.Text(19, x.reason);
      if (a.Step() != SQLITE_DONE) return fail("inserting alert");
      a.Reset();
    }
    Stmt r(db_, "UPDATE alerts SET retracted = 1 WHERE alert_id = ?1");
    if (!r.ok()) return fail("preparing retraction");
    for (const std::string& id : retracted_alert_ids) {
      r.Text(1, id);
      if (r.Step() != SQLITE_DONE) return fail("retracting alert");
      r.Reset();
    }
  }
  if (scores != nullptr) {
    if (!Exec("DELETE FROM wallet_scores").ok()) return fail("clearing scores");
    Stmt s(db_, absl::StrCat("INSERT INTO wallet_scores (", kScoreColumns,
                             ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
                             "?17,?18,?19,?20,?21,?22)"));
    if (!s.ok()) return fail("preparing score insert");
    for (const engine::WalletScoreRow& x : *scores) {
      s.Text(1, x.wallet);
      s.Int(2, x.horizon_ms);
      s.Text(3, x.tier);
      s.Real(4, x.effective_n);
      s.Real(5, x.mean_return);
      s.Real(6, x.std_error);
      s.Real(7, x.shrunk_alpha);
      s.Real(8, x.t_stat);
      s.Real(9, x.p_value);
      s.Real(10, x.q_value);
      s.Real(11, x.hit_rate);
      s.Real(12, x.hit_rate_lower);
      s.Int(13, x.eligible ? 1 : 0);
      s.Int(14, x.smart_money ? 1 : 0);
      s.Int(15, x.bot_like ? 1 : 0);
      s.Int(16, x.exchange_like ? 1 : 0);
      s.Int(17, x.wash_like ? 1 : 0);
      s.Real(18, x.realized_pnl_usd);
      s.Real(19, x.unrealized_pnl_usd);
      s.Real(20, x.volume_usd);
      s.Int(21, x.trade_count);
      s.Int(22, x.as_of_ms);
      if (s.Step() != SQLITE_DONE) return fail("inserting score");
      s.Reset();
    }
    Stmt m(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('primary_horizon_ms', ?1)");
    m.Text(1, std::to_string(primary_horizon_ms));
    if (m.Step() != SQLITE_DONE) return fail("writing primary horizon");
  }
  {
    Stmt c(db_,
           "INSERT OR REPLACE INTO checkpoint (id, input_name, input_fingerprint, input_offset, "
           "input_line, alerts_bytes, dead_letter_bytes, engine_state) "
           "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!c.ok()) return fail("preparing checkpoint");
    c.Text(1, checkpoint.input_name);
    c.Text(2, checkpoint.input_fingerprint);
    c.Int(3, checkpoint.input_offset);
    c.Int(4, checkpoint.input_line);
    c.Int(5, checkpoint.alerts_bytes);
    c.Int(6, checkpoint.dead_letter_bytes);
    c.Blob(7, checkpoint.engine_state);
    if (c.Step() != SQLITE_DONE) return fail("writing checkpoint");
    if (!Exec("DELETE FROM reject_reasons").ok()) return fail("clearing reject reasons");
    Stmt r(db_, "INSERT INTO reject_reasons (reason, count) VALUES (?1, ?2)");
    if (!r.ok()) return fail("preparing reject reasons");
    for (const auto& [reason, count] : checkpoint.reject_reasons) {
      r.Text(1, reason);
      r.Int(2, count);
      if (r.Step() != SQLITE_DONE) return fail("writing reject reasons");
      r.Reset();
    }
    if (!Exec("DELETE FROM source_positions").ok()) return fail("clearing source positions");
    Stmt p(db_,
           "INSERT INTO source_positions (shard_id, sequence_number, events_done, finished) "
           "VALUES (?1, ?2, ?3, ?4)");
    if (!p.ok()) return fail("preparing source positions");
    for (const ShardPosition& x : checkpoint.shard_positions) {
      p.Text(1, x.shard_id);
      p.Text(2, x.sequence_number);
      p.Int(3, x.events_done);
      p.Int(4, x.finished ? 1 : 0);
      if (p.Step() != SQLITE_DONE) return fail("writing source positions");
      p.Reset();
    }
  }
  return Exec("COMMIT");
}

absl::StatusOr<int64_t> SqliteStore::PrimaryHorizonMs() {
  Stmt s(db_, "SELECT value FROM meta WHERE key = 'primary_horizon_ms'");
  if (!s.ok()) return Error("reading meta");
  if (s.Step() != SQLITE_ROW) {
    return absl::NotFoundError("the database has no scores yet (run `coattail run` first)");
  }
  return std::stoll(s.ColText(0));
}

absl::StatusOr<std::vector<engine::WalletScoreRow>> SqliteStore::QueryScores(
    const std::string& sql, std::string_view text_arg, int64_t int_arg, int limit) {
  Stmt s(db_, sql);
  if (!s.ok()) return Error("preparing score query");
  if (!text_arg.empty()) s.Text(1, text_arg);
  if (int_arg != 0) s.Int(1, int_arg);
  s.Int(2, limit);
  std::vector<engine::WalletScoreRow> rows;
  int rc = SQLITE_ROW;
  while ((rc = s.Step()) == SQLITE_ROW) rows.push_back(ReadScoreRow(s));
  if (rc != SQLITE_DONE) return Error("reading scores");
  return rows;
}

absl::StatusOr<std::vector<engine::WalletScoreRow>> SqliteStore::Leaderboard(
    int limit, std::optional<int64_t> horizon_ms) {
  int64_t horizon = 0;
  if (horizon_ms.has_value()) {
    horizon = *horizon_ms;
  } else {
    ASSIGN_OR_RETURN(horizon, PrimaryHorizonMs());
  }
  return QueryScores(absl::StrCat("SELECT ", kScoreColumns,
                                  " FROM wallet_scores WHERE horizon_ms = ?1 AND eligible = 1 "
                                  "AND bot_like = 0 AND exchange_like = 0 AND wash_like = 0 "
                                  "ORDER BY smart_money DESC, shrunk_alpha DESC, wallet LIMIT ?2"),
                     "", horizon, limit);
}

absl::StatusOr<std::vector<engine::WalletScoreRow>> SqliteStore::WalletScores(
    std::string_view wallet) {
  return QueryScores(absl::StrCat("SELECT ", kScoreColumns,
                                  " FROM wallet_scores WHERE wallet = lower(?1) "
                                  "ORDER BY horizon_ms LIMIT ?2"),
                     wallet, 0, 1000);
}

absl::StatusOr<std::vector<engine::WalletScoreRow>> SqliteStore::AllScores(int64_t horizon_ms) {
  return QueryScores(absl::StrCat("SELECT ", kScoreColumns,
                                  " FROM wallet_scores WHERE horizon_ms = ?1 ORDER BY wallet "
                                  "LIMIT ?2"),
                     "", horizon_ms, -1);
}

namespace {

constexpr const char* kAlertColumns =
    "alert_id, rule, chain, tx_hash, log_index, input_line, wallet, token, side, usd_value, "
    "event_time_ms, horizon_ms, score, t_stat, q_value, n, hit_rate, hit_rate_lower, reason, "
    "retracted";

// Steps `s` to the end, appending one StoredAlert per row of kAlertColumns; the last step code.
int ReadAlertRows(Stmt& s, std::vector<StoredAlert>& out) {
  int rc = SQLITE_ROW;
  while ((rc = s.Step()) == SQLITE_ROW) {
    StoredAlert x;
    engine::Alert& a = x.alert;
    a.alert_id = s.ColText(0);
    a.rule = s.ColText(1);
    a.chain = s.ColText(2);
    a.tx_hash = s.ColText(3);
    a.log_index = s.ColInt(4);
    a.line = s.ColInt(5);
    a.wallet = s.ColText(6);
    a.token = s.ColText(7);
    a.side = s.ColText(8);
    a.usd_value = s.ColReal(9);
    a.event_time_ms = s.ColInt(10);
    a.horizon_ms = s.ColInt(11);
    a.score = s.ColReal(12);
    a.t_stat = s.ColReal(13);
    a.q_value = s.ColReal(14);
    a.n = s.ColReal(15);
    a.hit_rate = s.ColReal(16);
    a.hit_rate_lower = s.ColReal(17);
    a.reason = s.ColText(18);
    x.retracted = s.ColInt(19) != 0;
    out.push_back(std::move(x));
  }
  return rc;
}

}  // namespace

absl::StatusOr<std::vector<StoredAlert>> SqliteStore::Alerts(std::optional<std::string> wallet,
                                                             int limit) {
  std::string sql = absl::StrCat("SELECT ", kAlertColumns, " FROM alerts ");
  sql += wallet.has_value() ? "WHERE wallet = lower(?1) " : "WHERE ?1 IS NULL ";
  sql += "ORDER BY event_time_ms DESC, alert_id LIMIT ?2";
  Stmt s(db_, sql);
  if (!s.ok()) return Error("preparing alert query");
  if (wallet.has_value()) s.Text(1, *wallet);
  s.Int(2, limit);
  std::vector<StoredAlert> out;
  if (ReadAlertRows(s, out) != SQLITE_DONE) return Error("reading alerts");
  return out;
}

absl::StatusOr<std::optional<StoredAlert>> SqliteStore::AlertById(std::string_view alert_id) {
  Stmt s(db_, absl::StrCat("SELECT ", kAlertColumns, " FROM alerts WHERE alert_id = ?1"));
  if (!s.ok()) return Error("preparing alert lookup");
  s.Text(1, alert_id);
  std::vector<StoredAlert> out;
  if (ReadAlertRows(s, out) != SQLITE_DONE) return Error("reading alert");
  if (out.empty()) return std::optional<StoredAlert>();
  return std::optional<StoredAlert>(std::move(out.front()));
}

absl::StatusOr<int64_t> SqliteStore::AlertCount(bool include_retracted) {
  Stmt s(db_, include_retracted ? "SELECT count(*) FROM alerts"
                                : "SELECT count(*) FROM alerts WHERE retracted = 0");
  if (!s.ok() || s.Step() != SQLITE_ROW) return Error("counting alerts");
  return s.ColInt(0);
}

}  // namespace coattail::store
