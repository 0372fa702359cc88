#include "controller/fleet/profile_store.h"

#include <fmt/format.h>

#include <charconv>

#include "common/port_list.h"

namespace narrowscan::fleet {

namespace {

// "80:25,443:3" <-> port counts.
std::string FormatCounts(const std::vector<std::pair<uint16_t, uint64_t>>& counts) {
  std::string out;
  for (const auto& [port, n] : counts) out += fmt::format("{}{}:{}", out.empty() ? "" : ",", port, n);
  return out;
}

std::vector<std::pair<uint16_t, uint64_t>> ParseCounts(std::string_view text) {
  std::vector<std::pair<uint16_t, uint64_t>> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const size_t colon = item.find(':');
    uint16_t port = 0;
    uint64_t n = 0;
    if (colon != std::string_view::npos &&
        std::from_chars(item.data(), item.data() + colon, port).ec == std::errc() &&
        std::from_chars(item.data() + colon + 1, item.data() + item.size(), n).ec == std::errc())
      out.emplace_back(port, n);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

#define NS_PREPARE(var, db, sql) \
  auto var = (db).Prepare(sql);  \
  if (!var.ok()) return Error{var.error()};

}  // namespace

Result<uint64_t> LearnProfiles(FleetStore& fleet, int64_t round_id, uint32_t max_silent_streak) {
  Store& db = fleet.store();
  ProfileBook book;
  {
    NS_PREPARE(st, db,
               "SELECT ip, devices, banner_key, open_ports, full_open_ports FROM fleet_hosts "
               "WHERE silent_streak <= ?");
    st->Bind(1, int64_t{max_silent_streak});
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) return Error{row.error()};
      if (!*row) break;
      const ProfileKeys keys =
          ProfileKeysOf(st->ColumnText(1), st->ColumnText(3), st->ColumnText(2));
      std::optional<std::vector<uint16_t>> full;
      if (!st->ColumnIsNull(4)) full = StoredPortList(st->ColumnText(4));
      book.Add(keys, full ? &*full : nullptr, static_cast<uint32_t>(st->ColumnInt(0)));
    }
  }
  book.Finish();

  Transaction tx(db);
  if (!tx.status().ok()) return Error{tx.status().error()};
  NS_PREPARE(upsert, db,
             "INSERT INTO fleet_profiles(key, source, hosts, support, port_counts, sample_ip, "
             "learned_round) VALUES(?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
             "hosts = excluded.hosts, support = excluded.support, port_counts = "
             "excluded.port_counts, sample_ip = excluded.sample_ip, learned_round = "
             "excluded.learned_round");
  for (const auto& [key, s] : book.profiles()) {
    upsert->Reset();
    upsert->Bind(1, key).Bind(2, ProfileSourceName(SourceOfKey(key)));
    upsert->Bind(3, static_cast<int64_t>(s.hosts)).Bind(4, static_cast<int64_t>(s.support));
    upsert->Bind(5, FormatCounts(s.port_counts)).Bind(6, int64_t{s.sample_ip});
    upsert->Bind(7, round_id);
    if (Status s2 = upsert->Run(); !s2.ok()) return Error{s2.error()};
  }
  // Profiles no host carries any more.
  NS_PREPARE(stale, db, "DELETE FROM fleet_profiles WHERE learned_round <> ?");
  stale->Bind(1, round_id);
  if (Status s = stale->Run(); !s.ok()) return Error{s.error()};
  if (Status s = tx.Commit(); !s.ok()) return Error{s.error()};
  return static_cast<uint64_t>(book.profiles().size());
}

namespace {

ProfileRecord RecordOf(Statement& st) {
  ProfileRecord r;
  r.id = st.ColumnInt(0);
  r.key = st.ColumnText(1);
  r.source = SourceOfKey(r.key);
  r.stats.hosts = static_cast<uint64_t>(st.ColumnInt(2));
  r.stats.support = static_cast<uint64_t>(st.ColumnInt(3));
  r.stats.port_counts = ParseCounts(st.ColumnText(4));
  r.stats.sample_ip = static_cast<uint32_t>(st.ColumnInt(5));
  r.learned_round = st.ColumnInt(6);
  r.planned_round = st.ColumnInt(7);
  r.planned_hosts = static_cast<uint64_t>(st.ColumnInt(8));
  r.saved_attempts = static_cast<uint64_t>(st.ColumnInt(9));
  return r;
}

constexpr const char* kSelect =
    "SELECT id, key, hosts, support, port_counts, sample_ip, learned_round, planned_round, "
    "planned_hosts, saved_attempts FROM fleet_profiles ";

}  // namespace

Result<LearnedProfiles> LoadProfiles(FleetStore& fleet) {
  LearnedProfiles out;
  NS_PREPARE(st, fleet.store(), std::string(kSelect));
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    ProfileRecord r = RecordOf(*st);
    out.ids.emplace(r.key, static_cast<int32_t>(r.id));
    out.book.Put(std::move(r.key), std::move(r.stats));
  }
  return out;
}

Status RecordSavings(FleetStore& fleet, int64_t round_id,
                     const std::map<int32_t, ProfileSaving>& savings) {
  auto st = fleet.store().Prepare(
      "UPDATE fleet_profiles SET planned_round = ?, planned_hosts = planned_hosts * "
      "(planned_round = ?) + ?, saved_attempts = saved_attempts * (planned_round = ?) + ? "
      "WHERE id = ?");
  if (!st.ok()) return Error{st.error()};
  for (const auto& [id, s] : savings) {
    st->Reset();
    st->Bind(1, round_id).Bind(2, round_id).Bind(3, static_cast<int64_t>(s.hosts));
    st->Bind(4, round_id).Bind(5, static_cast<int64_t>(s.saved)).Bind(6, int64_t{id});
    if (Status r = st->Run(); !r.ok()) return r;
  }
  return Status::Ok();
}

Result<std::vector<ProfileRecord>> ListProfiles(FleetStore& fleet) {
  std::vector<ProfileRecord> out;
  NS_PREPARE(st, fleet.store(), std::string(kSelect) + "ORDER BY hosts DESC, id");
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    out.push_back(RecordOf(*st));
  }
  return out;
}

Result<std::optional<ProfileRecord>> FindProfile(FleetStore& fleet, int64_t id) {
  NS_PREPARE(st, fleet.store(), std::string(kSelect) + "WHERE id = ?");
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  if (!*row) return std::optional<ProfileRecord>();
  return std::optional<ProfileRecord>(RecordOf(*st));
}

}  // namespace narrowscan::fleet
