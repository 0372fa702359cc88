#include "controller/curate/cluster_catalog.h"

#include <fmt/format.h>

#include "common/port_list.h"

namespace narrowscan {

namespace {

constexpr const char* kSelect =
    "SELECT c.key, c.service, c.normalized, c.tls_subject, c.tls_issuer, c.ports,"
    " c.banner_count, c.ip_count, c.first_seen, c.last_seen, c.sample_banner_id, c.iot_score,"
    " coalesce(d.action, ''), coalesce(d.device_id, '')"
    " FROM curate_clusters c LEFT JOIN curate_decisions d ON d.id = ("
    "   SELECT e.id FROM curate_decisions e WHERE e.dataset_id = c.dataset_id"
    "   AND e.cluster_key = c.key ORDER BY (e.action = 'promote') DESC, e.id DESC LIMIT 1)"
    " WHERE c.dataset_id = ?";

ClusterSummary SummaryOf(const Statement& st) {
  ClusterSummary c;
  c.key = static_cast<uint64_t>(st.ColumnInt(0));
  c.content = {st.ColumnText(1), st.ColumnBlob(2), st.ColumnText(3), st.ColumnText(4)};
  auto ports = ParsePortList(st.ColumnText(5));
  if (ports.ok()) c.ports = std::move(*ports);
  c.banner_count = st.ColumnInt(6);
  c.ip_count = st.ColumnInt(7);
  c.first_seen = st.ColumnInt(8);
  c.last_seen = st.ColumnInt(9);
  c.sample_banner_id = st.ColumnInt(10);
  c.iot_score = st.ColumnDouble(11);
  c.decision = st.ColumnText(12);
  c.device_id = st.ColumnText(13);
  return c;
}

}  // namespace

Result<std::vector<ClusterSummary>> ListClusters(Store& store, int64_t dataset,
                                                 const ClusterQuery& q) {
  std::string sql = std::string(kSelect) + " AND c.ip_count >= ?";
  if (q.undecided_only) sql += " AND d.action IS NULL";
  sql += q.order == ClusterOrder::kIot ? " ORDER BY c.iot_score DESC, c.ip_count DESC, c.key"
                                       : " ORDER BY c.ip_count DESC, c.banner_count DESC, c.key";
  sql += " LIMIT ?";
  auto st = store.Prepare(sql);
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset).Bind(2, q.min_ips).Bind(3, q.limit);
  std::vector<ClusterSummary> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    out.push_back(SummaryOf(*st));
  }
  return out;
}

Result<uint64_t> ResolveClusterKey(Store& store, int64_t dataset, std::string_view text) {
  if (text.size() == 16) {
    auto key = ParseClusterKey(text);
    if (!key.ok()) return key;
  } else if (text.size() < 4 || text.size() > 16 ||
             text.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
    return Error{fmt::format(
        "bad cluster id '{}': expected 16 hex digits or a unique prefix of at least 4", text)};
  }
  std::string prefix(text);
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Keys are stored as signed 64-bit integers; compare on their printed form.
  auto st = store.Prepare("SELECT key FROM curate_clusters WHERE dataset_id = ?");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset);
  std::vector<uint64_t> found;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    auto key = static_cast<uint64_t>(st->ColumnInt(0));
    if (FormatClusterKey(key).compare(0, prefix.size(), prefix) == 0) found.push_back(key);
  }
  if (found.empty())
    return Error{
        fmt::format("no cluster '{}' in this dataset (see `narrowscan curate list`)", text)};
  if (found.size() > 1)
    return Error{fmt::format("cluster id '{}' is ambiguous ({} clusters start with it)", text,
                             found.size())};
  return found.front();
}

Result<ClusterSummary> GetCluster(Store& store, int64_t dataset, uint64_t key) {
  auto st = store.Prepare(std::string(kSelect) + " AND c.key = ?");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset).Bind(2, static_cast<int64_t>(key));
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  if (!*row) return Error{fmt::format("no cluster {} in this dataset", FormatClusterKey(key))};
  return SummaryOf(*st);
}

Result<std::vector<ClusterSample>> ClusterSamples(Store& store, int64_t dataset, uint64_t key,
                                                  int64_t limit) {
  auto st = store.Prepare(
      "SELECT b.ip, b.port, b.service, b.banner, b.tls_subject, b.tls_issuer"
      " FROM curate_cluster_members m JOIN curate_banners b ON b.id = m.banner_id"
      " WHERE m.dataset_id = ? AND m.key = ? ORDER BY m.banner_id LIMIT ?");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset).Bind(2, static_cast<int64_t>(key)).Bind(3, limit);
  std::vector<ClusterSample> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    out.push_back({static_cast<Ipv4>(st->ColumnInt(0)), static_cast<uint16_t>(st->ColumnInt(1)),
                   st->ColumnText(2), st->ColumnBlob(3), st->ColumnText(4), st->ColumnText(5)});
  }
  return out;
}

Result<std::vector<Ipv4>> ClusterIps(Store& store, int64_t dataset, uint64_t key, int64_t limit) {
  auto st = store.Prepare(
      "SELECT DISTINCT b.ip FROM curate_cluster_members m JOIN curate_banners b"
      " ON b.id = m.banner_id WHERE m.dataset_id = ? AND m.key = ? ORDER BY b.ip LIMIT ?");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset).Bind(2, static_cast<int64_t>(key)).Bind(3, limit);
  std::vector<Ipv4> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    out.push_back(static_cast<Ipv4>(st->ColumnInt(0)));
  }
  return out;
}

Status ForEachClusterContent(Store& store, int64_t dataset,
                             const std::function<void(const NormalizedBanner&, uint16_t)>& visit) {
  auto st = store.Prepare(
      "SELECT service, normalized, tls_subject, tls_issuer, ports FROM curate_clusters"
      " WHERE dataset_id = ?");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset);
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    NormalizedBanner b{st->ColumnText(0), st->ColumnBlob(1), st->ColumnText(2), st->ColumnText(3)};
    auto ports = ParsePortList(st->ColumnText(4));
    visit(b, ports.ok() && !ports->empty() ? ports->front() : uint16_t{0});
  }
  return Status::Ok();
}

}  // namespace narrowscan
