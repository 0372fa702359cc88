#include "controller/fleet/host_update.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/port_list.h"
#include "controller/curate/banner_normalizer.h"
#include "controller/fleet/planner.h"
#include "controller/fleet/port_profile.h"
#include "controller/fleet/round_hosts.h"

namespace narrowscan::fleet {

namespace {

std::vector<std::string> DevicesOf(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string JoinDevices(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

struct DirtyHost {
  Ipv4 ip;
  int64_t last_round, obs_round;
  std::string open_ports, devices, scanned_ports;
  bool has_prev;
  std::string prev_open_ports, prev_devices;
  int64_t planned_round;
  std::string banner_key, obs_scanned, prev_scanned;
};

// A stored scanned-ports text: '*' is the standard set, '' unknown (empty).
std::vector<uint16_t> ScannedPorts(const std::string& text, const std::vector<uint16_t>& standard) {
  return text == "*" ? standard : StoredPortList(text);
}

// The curation normaliser's shipped rules, compiled once per process.
const BannerNormalizer& DefaultBannerNormalizer() {
  static const BannerNormalizer normalizer = BannerNormalizer::Default();
  return normalizer;
}

}  // namespace

Result<uint64_t> EstimateDirtyHosts(FleetStore& fleet, const Estimator& estimator,
                                    const HostUpdateOptions& options) {
  Store& db = fleet.store();
  const size_t batch = std::max<size_t>(1, options.batch);
  const BannerNormalizer& normalizer = DefaultBannerNormalizer();
  SignatureMemo signature_memo;
  std::map<std::string, std::vector<uint16_t>> device_ports;
  for (const DeviceEntry& e : estimator.db().entries) device_ports[e.id] = e.ports;

  // Prepared once for all the transactions below.
  auto pick = db.Prepare(
      "SELECT h.ip, last_round, obs_round, open_ports, devices, COALESCE(p.scanned_ports, ''), "
      "prev_open_ports IS NOT NULL, COALESCE(prev_open_ports, ''), COALESCE(prev_devices, ''), "
      "COALESCE(p.planned_round, 0), banner_key, obs_scanned_ports, prev_scanned_ports "
      "FROM fleet_hosts h LEFT JOIN fleet_host_plans p ON p.ip = h.ip "
      "WHERE dirty = 1 ORDER BY h.ip LIMIT ?");
  // A host found in a round's liveness probes was scanned on those ports only. The
  // table holds the last two rounds' probes, read once instead of a query per host.
  auto liveness = db.Prepare("SELECT round_id, first, last, ports FROM fleet_liveness");
  auto results = RoundHostReader::Create(db);
  auto del = db.Prepare("DELETE FROM fleet_estimates WHERE ip = ?");
  auto ins = db.Prepare(
      "INSERT INTO fleet_estimates(ip, rank, device, score, banner_score, port_score, vendor, "
      "type, product, model, version, level, round_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
  auto upd = db.Prepare(
      "UPDATE fleet_hosts SET obs_round = ?, open_ports = ?, devices = ?, prev_open_ports = ?, "
      "prev_devices = ?, estimated_ports = ?, deviated = ?, dirty = 0, banner_key = ?, "
      "full_open_ports = CASE WHEN ? THEN ? ELSE full_open_ports END, "
      "full_round = CASE WHEN ? THEN ? ELSE full_round END, silent_streak = 0, "
      "obs_scanned_ports = ?, prev_scanned_ports = ? WHERE ip = ?");
  if (!pick.ok() || !results.ok() || !del.ok() || !ins.ok() || !upd.ok() || !liveness.ok())
    return Error{fmt::format("preparing host update: {}{}{}{}{}{}", pick.ok() ? "" : pick.error(),
                             results.ok() ? "" : results.error(), del.ok() ? "" : del.error(),
                             ins.ok() ? "" : ins.error(), upd.ok() ? "" : upd.error(),
                             liveness.ok() ? "" : liveness.error())};
  struct LivenessRange {
    int64_t round;
    Ipv4 first, last;
    std::vector<uint16_t> ports;
  };
  std::vector<LivenessRange> probed;  // sorted by (round, first); ranges disjoint per round
  for (;;) {
    auto row = liveness->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    probed.push_back({liveness->ColumnInt(0), static_cast<Ipv4>(liveness->ColumnInt(1)),
                      static_cast<Ipv4>(liveness->ColumnInt(2)),
                      StoredPortList(liveness->ColumnText(3))});
  }
  std::sort(probed.begin(), probed.end(), [](const LivenessRange& a, const LivenessRange& b) {
    return a.round != b.round ? a.round < b.round : a.first < b.first;
  });
  auto probed_ports = [&](int64_t round, Ipv4 ip) -> const std::vector<uint16_t>* {
    auto it = std::upper_bound(probed.begin(), probed.end(), std::pair<int64_t, Ipv4>(round, ip),
                               [](const std::pair<int64_t, Ipv4>& key, const LivenessRange& r) {
                                 return key.first != r.round ? key.first < r.round
                                                             : key.second < r.first;
                               });
    if (it == probed.begin()) return nullptr;
    --it;
    return it->round == round && it->first <= ip && ip <= it->last ? &it->ports : nullptr;
  };

  uint64_t total = 0;
  for (;;) {
    Transaction tx(db);
    if (!tx.status().ok()) return Error{tx.status().error()};
    pick->Reset();
    pick->Bind(1, static_cast<int64_t>(batch));
    std::vector<DirtyHost> hosts;
    for (;;) {
      auto row = pick->Step();
      if (!row.ok()) return Error{row.error()};
      if (!*row) break;
      hosts.push_back({static_cast<Ipv4>(pick->ColumnInt(0)), pick->ColumnInt(1),
                       pick->ColumnInt(2), pick->ColumnText(3), pick->ColumnText(4),
                       pick->ColumnText(5), pick->ColumnInt(6) != 0, pick->ColumnText(7),
                       pick->ColumnText(8), pick->ColumnInt(9), pick->ColumnText(10),
                       pick->ColumnText(11), pick->ColumnText(12)});
    }
    if (hosts.empty()) break;

    // The picked hosts' results, read run by run: a run is hosts of one round at
    // addresses a few apart, read with one range query instead of one query per host.
    // At a round's end nearly every host that answered in it is dirty, so runs are
    // long; the gap bound keeps rows of clean hosts in between from being read in bulk.
    constexpr Ipv4 kMaxRunGap = 8;
    std::vector<Host> observed(hosts.size());
    for (size_t first = 0; first < hosts.size();) {
      size_t end = first + 1;
      while (end < hosts.size() && hosts[end].last_round == hosts[first].last_round &&
             hosts[end].ip - hosts[end - 1].ip <= kMaxRunGap)
        ++end;
      size_t next = first;
      Status s = results->Read(hosts[first].last_round, hosts[first].ip, hosts[end - 1].ip,
                               [&](Ipv4 ip, Host& got) {
                                 while (next < end && hosts[next].ip < ip) ++next;
                                 if (next < end && hosts[next].ip == ip)
                                   observed[next] = std::move(got);
                               });
      if (!s.ok()) return Error{s.error()};
      first = end;
    }

    for (size_t i = 0; i < hosts.size(); ++i) {
      const DirtyHost& h = hosts[i];
      Host& host = observed[i];
      if (host.ip.empty()) host.ip = FormatIpv4(h.ip);  // no open port in its round
      // With α = 1 the score is Sb alone, so a host without banners cannot reach a
      // threshold above 0: skip the matcher (most responsive hosts send no banner).
      const EstimatorOptions& eo = estimator.options();
      const std::vector<DeviceMatch> matches =
          host.banners.empty() && eo.alpha >= 1.0 && eo.threshold > 0 ? std::vector<DeviceMatch>{}
                                                                      : estimator.Estimate(host);

      // Estimate rows exist only beside a non-empty device list (both written below).
      if (!h.devices.empty()) {
        del->Reset();
        del->Bind(1, int64_t{h.ip});
        if (Status s = del->Run(); !s.ok()) return Error{s.error()};
      }
      std::vector<std::string> ids;
      std::set<uint16_t> union_ports;
      int64_t rank = 0;
      for (const DeviceMatch& m : matches) {
        ins->Reset();
        ins->Bind(1, int64_t{h.ip}).Bind(2, rank++).Bind(3, m.device).Bind(4, m.score);
        ins->Bind(5, m.banner_score).Bind(6, m.port_score).Bind(7, m.vendor).Bind(8, m.type);
        ins->Bind(9, m.product).Bind(10, m.model).Bind(11, m.version);
        ins->Bind(12, int64_t{m.level}).Bind(13, h.last_round);
        if (Status s = ins->Run(); !s.ok()) return Error{s.error()};
        ids.push_back(m.device);
        if (auto it = device_ports.find(m.device); it != device_ports.end())
          union_ports.insert(it->second.begin(), it->second.end());
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

      // A new round's first estimate moves the old observation to prev_*; a re-estimate
      // within the same round (more batches arrived) keeps prev_* as is.
      std::string prev_open = h.prev_open_ports, prev_devices = h.prev_devices;
      std::string prev_scanned = h.prev_scanned;
      bool has_prev = h.has_prev;
      if (h.obs_round != 0 && h.obs_round != h.last_round) {
        prev_open = h.open_ports;
        prev_devices = h.devices;
        prev_scanned = h.obs_scanned;
        has_prev = true;
      }
      std::sort(host.open_ports.begin(), host.open_ports.end());
      host.open_ports.erase(std::unique(host.open_ports.begin(), host.open_ports.end()),
                            host.open_ports.end());
      const std::string open_text = FormatPortList(host.open_ports);
      const ProfileKeys keys =
          MakeProfileKeys(ids, host.open_ports, host.banners, normalizer, &signature_memo);

      // What the round scanned on this host: its plan's ports when it was listed in
      // that round; the liveness ports when it was found by a liveness probe; else the
      // sweep's standard set.
      std::vector<uint16_t> scanned;
      bool scanned_known = false;
      if (h.planned_round == h.last_round && !h.scanned_ports.empty()) {
        scanned = ScannedPorts(h.scanned_ports, options.standard_ports);
        scanned_known = true;
      } else if (const std::vector<uint16_t>* ports = probed_ports(h.last_round, h.ip)) {
        scanned = *ports;
        scanned_known = true;
      }
      const bool full = !scanned_known || options.standard_ports.empty() ||
                        std::includes(scanned.begin(), scanned.end(),
                                      options.standard_ports.begin(), options.standard_ports.end());

      bool deviated = false;
      if (has_prev) {
        Observation previous{StoredPortList(prev_open), DevicesOf(prev_devices), h.banner_key,
                             ScannedPorts(prev_scanned, options.standard_ports)};
        Observation current{host.open_ports, ids, keys.banner};
        // Without a record of what was scanned (a host found by the sweep), the
        // standard set was scanned, which covers every port seen before.
        if (!scanned_known) scanned = previous.open_ports;
        // Within one round (late batches) the banner key compared is this round's own.
        if (h.obs_round == h.last_round) previous.banner_key.clear();
        deviated = Deviates(previous, current, scanned, options.max_deviation);
      }
      upd->Reset();
      upd->Bind(1, h.last_round).Bind(2, open_text).Bind(3, JoinDevices(ids));
      if (has_prev) {
        upd->Bind(4, prev_open).Bind(5, prev_devices);
      } else {
        upd->BindNull(4).BindNull(5);
      }
      upd->Bind(6, FormatPortList(std::vector<uint16_t>(union_ports.begin(), union_ports.end())));
      upd->Bind(7, int64_t{deviated}).Bind(8, keys.banner);
      upd->Bind(9, int64_t{full}).Bind(10, open_text).Bind(11, int64_t{full}).Bind(12, h.last_round);
      // Recorded so the next round can tell a new port from one never looked at; not
      // known (the sweep) is the standard set.
      const std::string scanned_text =
          !scanned_known || scanned == options.standard_ports ? "*" : FormatPortList(scanned);
      upd->Bind(13, scanned_text).Bind(14, prev_scanned).Bind(15, int64_t{h.ip});
      if (Status s = upd->Run(); !s.ok()) return Error{s.error()};
    }
    if (Status s = tx.Commit(); !s.ok()) return Error{s.error()};
    total += hosts.size();
  }
  return total;
}

Result<uint64_t> MarkSilentHosts(FleetStore& fleet, int64_t round_id) {
  Store& db = fleet.store();
  auto st = db.Prepare(
      "UPDATE fleet_hosts SET silent_streak = silent_streak + 1 WHERE ip IN "
      "(SELECT ip FROM fleet_host_plans WHERE planned_round = ?1) AND last_round < ?1");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, round_id);
  if (Status s = st->Run(); !s.ok()) return Error{s.error()};
  return static_cast<uint64_t>(sqlite3_changes(db.handle()));
}

}  // namespace narrowscan::fleet
