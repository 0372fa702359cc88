#include "controller/curate/curation_run.h"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "common/port_list.h"
#include "controller/curate/cluster_aggregator.h"
#include "controller/curate/dataset_catalog.h"
#include "controller/curate/iot_features.h"
#include "controller/curate/port_certificates.h"

namespace narrowscan {

namespace {

Status WriteResults(Store& store, int64_t dataset, const std::vector<Cluster>& clusters,
                    const IotLikelihood& model, const Funnel& funnel, const BannerFilter& filter) {
  Transaction tx(store);
  if (!tx.status().ok()) return tx.status();
  for (const char* table : {"curate_clusters", "curate_cluster_members", "curate_filter_counts"}) {
    auto del = store.Prepare(fmt::format("DELETE FROM {} WHERE dataset_id = ?", table));
    if (!del.ok()) return Error{del.error()};
    del->Bind(1, dataset);
    if (Status s = del->Run(); !s.ok()) return s;
  }
  auto ins = store.Prepare(
      "INSERT INTO curate_clusters(dataset_id, key, service, normalized, tls_subject, tls_issuer,"
      " ports, banner_count, ip_count, first_seen, last_seen, sample_banner_id, iot_score)"
      " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto member = store.Prepare(
      "INSERT INTO curate_cluster_members(dataset_id, key, banner_id) VALUES(?, ?, ?)");
  if (!ins.ok()) return Error{ins.error()};
  if (!member.ok()) return Error{member.error()};
  for (const Cluster& c : clusters) {
    auto key = static_cast<int64_t>(c.key);
    const NormalizedBanner& b = c.content;
    ins->Reset();
    ins->Bind(1, dataset)
        .Bind(2, key)
        .Bind(3, std::string_view(b.service))
        .BindBlob(4, b.banner.data(), b.banner.size())
        .Bind(5, std::string_view(b.tls_subject))
        .Bind(6, std::string_view(b.tls_issuer))
        .Bind(7, std::string_view(FormatPortList(c.ports)))
        .Bind(8, static_cast<int64_t>(c.banner_count))
        .Bind(9, static_cast<int64_t>(c.ips.size()))
        .Bind(10, c.first_seen)
        .Bind(11, c.last_seen)
        .Bind(12, c.sample_banner_id)
        .Bind(13, model.Score(ExtractIotFeatures(b, c.ports)));
    if (Status s = ins->Run(); !s.ok()) return s;
    for (int64_t id : c.banner_ids) {
      member->Reset();
      member->Bind(1, dataset).Bind(2, key).Bind(3, id);
      if (Status s = member->Run(); !s.ok()) return s;
    }
  }
  auto counts = store.Prepare(
      "INSERT INTO curate_filter_counts(dataset_id, rule, removed, position) VALUES(?, ?, ?, ?)");
  if (!counts.ok()) return Error{counts.error()};
  for (size_t i = 0; i < funnel.removed_by_rule.size(); ++i) {
    counts->Reset();
    counts->Bind(1, dataset)
        .Bind(2, std::string_view(filter.rules()[i].name))
        .Bind(3, funnel.removed_by_rule[i].second)
        .Bind(4, static_cast<int64_t>(i));
    if (Status s = counts->Run(); !s.ok()) return s;
  }
  nlohmann::json per_port = nlohmann::json::object();
  for (const auto& [port, pf] : funnel.per_port)
    per_port[std::to_string(port)] = {
        {"banners", pf.banners}, {"after_filter", pf.after_filter}, {"clusters", pf.clusters}};
  auto run = store.Prepare(
      "INSERT INTO curate_runs(dataset_id, banners, after_filter, clusters, rules, ran_at, "
      "per_port)"
      " VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dataset_id) DO UPDATE SET"
      " banners = excluded.banners, after_filter = excluded.after_filter,"
      " clusters = excluded.clusters, rules = excluded.rules, ran_at = excluded.ran_at,"
      " per_port = excluded.per_port");
  if (!run.ok()) return Error{run.error()};
  run->Bind(1, dataset)
      .Bind(2, funnel.banners)
      .Bind(3, funnel.after_filter)
      .Bind(4, funnel.clusters)
      .Bind(5, std::string_view(funnel.rules))
      .Bind(6, funnel.ran_at)
      .Bind(7, std::string_view(per_port.dump()));
  if (Status s = run->Run(); !s.ok()) return s;
  return tx.Commit();
}

// The certificate names of every port in the dataset that presented one.
Result<PortCertificates> LoadPortCertificates(Store& store, int64_t dataset) {
  auto st = store.Prepare(
      "SELECT ip, port, tls_subject, tls_issuer FROM curate_banners NOT INDEXED"
      " WHERE dataset_id = ? AND (tls_subject <> '' OR tls_issuer <> '') ORDER BY id");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset);
  PortCertificates certificates;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    certificates.Add(static_cast<Ipv4>(st->ColumnInt(0)), static_cast<uint16_t>(st->ColumnInt(1)),
                     st->ColumnText(2), st->ColumnText(3));
  }
  return certificates;
}

Status CountDecisions(Store& store, int64_t dataset, Funnel* f) {
  auto st = store.Prepare(
      "SELECT count(DISTINCT CASE WHEN action = 'promote' THEN cluster_key END),"
      " count(DISTINCT CASE WHEN action = 'skip' THEN cluster_key END)"
      " FROM curate_decisions WHERE dataset_id = ?");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, dataset);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  f->entries = st->ColumnInt(0);
  f->skipped = st->ColumnInt(1);
  return Status::Ok();
}

}  // namespace

Result<IotLikelihood> TrainIotLikelihood(Store& store) {
  IotLikelihood model;
  auto st = store.Prepare(
      "SELECT features, action FROM curate_decisions d WHERE id = (SELECT max(id) FROM"
      " curate_decisions e WHERE e.dataset_id = d.dataset_id AND e.cluster_key = d.cluster_key)");
  if (!st.ok()) return Error{st.error()};
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    model.Learn(ParseIotFeatures(st->ColumnText(0)), st->ColumnText(1) == "promote");
  }
  return model;
}

Result<Funnel> RunCuration(Store& store, const std::string& dataset, const BannerFilter& filter,
                           const BannerNormalizer& normalizer, const std::string& rules_source) {
  auto id = FindDataset(store, dataset);
  if (!id.ok()) return Error{id.error()};
  auto model = TrainIotLikelihood(store);
  if (!model.ok()) return Error{model.error()};
  auto certificates = LoadPortCertificates(store, *id);
  if (!certificates.ok()) return Error{certificates.error()};

  Funnel f;
  f.dataset = dataset;
  f.rules = rules_source;
  f.ran_at = static_cast<int64_t>(std::time(nullptr));
  f.removed_by_rule.reserve(filter.rules().size());
  for (const auto& r : filter.rules()) f.removed_by_rule.emplace_back(r.name, 0);

  // NOT INDEXED: one sequential pass in insertion order beats index-order lookups.
  auto st = store.Prepare(
      "SELECT id, ip, port, service, banner, tls_subject, tls_issuer, seen"
      " FROM curate_banners NOT INDEXED WHERE dataset_id = ? ORDER BY id");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, *id);
  ClusterAggregator aggregator;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    const auto ip = static_cast<Ipv4>(st->ColumnInt(1));
    const auto port = static_cast<uint16_t>(st->ColumnInt(2));
    std::string banner = st->ColumnBlob(4);
    std::string subject = st->ColumnText(5), issuer = st->ColumnText(6);
    ++f.banners;
    PortFunnel& pf = f.per_port[port];
    ++pf.banners;
    // A banner without names is judged with the certificate its port presented in
    // another record (masscan's X509); the cluster keeps the banner as it was recorded.
    const X509Names* port_names =
        subject.empty() && issuer.empty() ? certificates->Find(ip, port) : nullptr;
    int rule = port_names != nullptr ? filter.Match(banner, port_names->subject, port_names->issuer)
                                     : filter.Match(banner, subject, issuer);
    if (rule >= 0) {
      ++f.removed_by_rule[static_cast<size_t>(rule)].second;
      continue;
    }
    ++f.after_filter;
    ++pf.after_filter;
    NormalizedBanner n{st->ColumnText(3), normalizer.Normalize(banner),
                       subject.empty() ? subject : normalizer.Normalize(subject),
                       issuer.empty() ? issuer : normalizer.Normalize(issuer)};
    aggregator.Add(std::move(n), ip, port, st->ColumnInt(7), st->ColumnInt(0));
  }
  std::vector<Cluster> clusters = aggregator.Finish();
  f.clusters = static_cast<int64_t>(clusters.size());
  for (const Cluster& c : clusters)
    for (uint16_t p : c.ports) ++f.per_port[p].clusters;
  if (Status s = WriteResults(store, *id, clusters, *model, f, filter); !s.ok())
    return Error{fmt::format("cannot store the run of dataset '{}': {}", dataset, s.error())};
  if (Status s = CountDecisions(store, *id, &f); !s.ok()) return Error{s.error()};
  return f;
}

Result<Funnel> LoadFunnel(Store& store, const std::string& dataset) {
  auto id = FindDataset(store, dataset);
  if (!id.ok()) return Error{id.error()};
  auto st = store.Prepare(
      "SELECT banners, after_filter, clusters, rules, ran_at, per_port FROM curate_runs"
      " WHERE dataset_id = ?");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, *id);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  if (!*row)
    return Error{
        fmt::format("dataset '{}' has not been curated yet: run `narrowscan curate run"
                    " --dataset {}` first",
                    dataset, dataset)};
  Funnel f;
  f.dataset = dataset;
  f.banners = st->ColumnInt(0);
  f.after_filter = st->ColumnInt(1);
  f.clusters = st->ColumnInt(2);
  f.rules = st->ColumnText(3);
  f.ran_at = st->ColumnInt(4);
  auto per_port = nlohmann::json::parse(st->ColumnText(5), nullptr, false);
  if (per_port.is_object()) {
    for (const auto& [port, v] : per_port.items()) {
      PortFunnel pf{v.value("banners", int64_t{0}), v.value("after_filter", int64_t{0}),
                    v.value("clusters", int64_t{0})};
      f.per_port[static_cast<uint16_t>(std::stoi(port))] = pf;
    }
  }
  auto counts = store.Prepare(
      "SELECT rule, removed FROM curate_filter_counts WHERE dataset_id = ? ORDER BY position");
  if (!counts.ok()) return Error{counts.error()};
  counts->Bind(1, *id);
  for (;;) {
    auto r = counts->Step();
    if (!r.ok()) return Error{r.error()};
    if (!*r) break;
    f.removed_by_rule.emplace_back(counts->ColumnText(0), counts->ColumnInt(1));
  }
  if (Status s = CountDecisions(store, *id, &f); !s.ok()) return Error{s.error()};
  return f;
}

}  // namespace narrowscan
