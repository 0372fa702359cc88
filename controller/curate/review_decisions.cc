#include "controller/curate/review_decisions.h"

#include <fmt/format.h>

#include <cstdlib>

#include "controller/curate/cluster_aggregator.h"

namespace narrowscan {

namespace {

constexpr const char* kColumns =
    "cluster_key, action, who, decided_at, reason, coalesce(device_id, ''), coalesce(db_path, '')";

Decision DecisionOf(const Statement& st) {
  return Decision{static_cast<uint64_t>(st.ColumnInt(0)),
                  st.ColumnText(1),
                  st.ColumnText(2),
                  st.ColumnInt(3),
                  st.ColumnText(4),
                  st.ColumnText(5),
                  st.ColumnText(6)};
}

}  // namespace

std::string CurrentReviewer() {
  for (const char* var : {"NARROWSCAN_REVIEWER", "USER", "LOGNAME"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "unknown";
}

Result<std::optional<Decision>> LatestDecision(Store& store, int64_t dataset, uint64_t key) {
  auto st = store.Prepare(
      fmt::format("SELECT {} FROM curate_decisions WHERE dataset_id = ? AND cluster_key = ?"
                  " ORDER BY (action = 'promote') DESC, id DESC LIMIT 1",
                  kColumns));
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset).Bind(2, static_cast<int64_t>(key));
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  if (!*row) return std::optional<Decision>();
  return std::optional<Decision>(DecisionOf(*st));
}

Status RecordDecision(Store& store, int64_t dataset, const Decision& d, IotFeatureSet features) {
  if (d.action != "promote" && d.action != "skip")
    return Error{fmt::format("unknown decision '{}'", d.action)};
  auto previous = LatestDecision(store, dataset, d.cluster_key);
  if (!previous.ok()) return Error{previous.error()};
  if (*previous && (*previous)->action == "promote") {
    const Decision& p = **previous;
    return Error{fmt::format("cluster {} was already promoted to '{}' in {} by {} at {}",
                             FormatClusterKey(d.cluster_key), p.device_id, p.db_path, p.who,
                             p.decided_at)};
  }
  auto st = store.Prepare(
      "INSERT INTO curate_decisions(dataset_id, cluster_key, action, who, decided_at, reason,"
      " device_id, db_path, features) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset)
      .Bind(2, static_cast<int64_t>(d.cluster_key))
      .Bind(3, std::string_view(d.action))
      .Bind(4, std::string_view(d.who))
      .Bind(5, d.decided_at)
      .Bind(6, std::string_view(d.reason));
  if (d.action == "promote") {
    st->Bind(7, std::string_view(d.device_id)).Bind(8, std::string_view(d.db_path));
  } else {
    st->BindNull(7).BindNull(8);
  }
  st->Bind(9, std::string_view(FormatIotFeatures(features)));
  return st->Run();
}

Result<std::vector<Decision>> ListDecisions(Store& store, int64_t dataset) {
  auto st = store.Prepare(
      fmt::format("SELECT {} FROM curate_decisions WHERE dataset_id = ? ORDER BY id", kColumns));
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset);
  std::vector<Decision> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    out.push_back(DecisionOf(*st));
  }
  return out;
}

}  // namespace narrowscan
