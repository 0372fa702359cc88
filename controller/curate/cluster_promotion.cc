#include "controller/curate/cluster_promotion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "controller/curate/cluster_catalog.h"
#include "controller/curate/dataset_catalog.h"
#include "controller/curate/dataset_hosts.h"
#include "controller/curate/iot_features.h"
#include "controller/curate/keyword_suggester.h"
#include "controller/curate/review_decisions.h"
#include "controller/curate/stored_banner.h"
#include "controller/estimation/banner_fields.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/device_db_writer.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/example_check.h"

namespace narrowscan {

namespace {

constexpr double kEpsilon = 1e-9;

Result<std::string> ReadWholeFile(const std::string& path, bool* exists) {
  std::error_code ec;
  *exists = std::filesystem::exists(path, ec);
  if (!*exists) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot read device DB '{}'", path)};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WriteWholeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return Error{fmt::format("cannot write device DB '{}': {}", path, std::strerror(errno))};
  out << text;
  out.close();
  if (!out) return Error{fmt::format("cannot write device DB '{}'", path)};
  return Status::Ok();
}

Status AssignWeights(std::vector<Keyword>* keywords, const std::vector<bool>& given) {
  double used = 0;
  size_t open = 0;
  for (size_t i = 0; i < keywords->size(); ++i) {
    if (given[i]) {
      used += (*keywords)[i].weight;
    } else {
      ++open;
    }
  }
  if (used > 1.0 + kEpsilon) return Error{fmt::format("keyword weights sum to {:.6g} > 1", used)};
  if (open > 0) {
    double share = (1.0 - used) / static_cast<double>(open);
    if (share <= 0)
      return Error{"the given weights already sum to 1: no weight is left for the others"};
    // Rounded down to 1e-6 so the printed weights never sum above 1.
    share = std::floor(share * 1e6) / 1e6;
    for (size_t i = 0; i < keywords->size(); ++i)
      if (!given[i]) (*keywords)[i].weight = share;
  }
  return Status::Ok();
}

BannerRecord RecordOfSample(const ClusterSample& s) {
  return StoredBannerRecord(s.port, s.service, s.banner, s.tls_subject, s.tls_issuer);
}

Host HostOfSample(const ClusterSample& s) {
  Host h;
  h.ip = FormatIpv4(s.ip);
  h.open_ports = {s.port};
  h.banners.push_back(RecordOfSample(s));
  return h;
}

}  // namespace

Result<Keyword> ParseKeywordSpec(const std::string& spec) {
  Keyword k;
  std::string rest = spec;
  size_t eq = rest.find('=');
  if (eq != std::string::npos && eq > 0 && IsKnownField(rest.substr(0, eq))) {
    k.field = rest.substr(0, eq);
    rest = rest.substr(eq + 1);
  }
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    std::string_view w(rest.data() + colon + 1, rest.size() - colon - 1);
    double weight = 0;
    auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
    if (!w.empty() && ec == std::errc() && p == w.data() + w.size()) {
      if (!(weight > 0 && weight <= 1))
        return Error{fmt::format("keyword '{}': weight {} is not in (0, 1]", spec, w)};
      k.weight = weight;
      rest.resize(colon);
    }
  }
  if (rest.empty()) return Error{fmt::format("keyword '{}' has no regex", spec)};
  k.regex = rest;
  auto compiled = CompileKeywordRegex(k.regex);
  if (!compiled.ok())
    return Error{fmt::format("keyword '{:.200}': bad regex: {}", spec, compiled.error())};
  k.compiled = std::move(*compiled);
  return k;
}

Result<PromotionResult> PromoteCluster(Store& store, const PromotionRequest& rq) {
  if (!IsValidDeviceId(rq.id))
    return Error{fmt::format("bad device id '{}': expected [a-z0-9][a-z0-9._-]*", rq.id)};
  if (!rq.type.empty() && !IsKnownDeviceType(rq.type))
    return Error{fmt::format("unknown device type '{}' (known: {})", rq.type,
                             fmt::join(KnownDeviceTypes(), ", "))};
  if (rq.db_path.empty()) return Error{"no device DB file given (--db FILE)"};
  if (!(rq.threshold > 0 && rq.threshold <= 1))
    return Error{fmt::format("threshold {} is not in (0, 1]", rq.threshold)};
  auto dataset = FindDataset(store, rq.dataset);
  if (!dataset.ok()) return Error{dataset.error()};
  auto key = ResolveClusterKey(store, *dataset, rq.cluster);
  if (!key.ok()) return Error{key.error()};
  auto cluster = GetCluster(store, *dataset, *key);
  if (!cluster.ok()) return Error{cluster.error()};
  auto samples = ClusterSamples(store, *dataset, *key, 1);
  if (!samples.ok()) return Error{samples.error()};
  if (samples->empty()) return Error{"the cluster has no banners: re-run `curate run`"};
  const ClusterSample& sample = samples->front();

  DeviceEntry entry;
  entry.id = rq.id;
  entry.vendor = rq.vendor;
  entry.type = rq.type;
  entry.product = rq.product;
  entry.model = rq.model;
  entry.version = rq.version;

  std::vector<bool> given;
  for (const std::string& spec : rq.keywords) {
    auto k = ParseKeywordSpec(spec);
    if (!k.ok()) return Error{k.error()};
    given.push_back(k->weight > 0);
    entry.keywords.push_back(std::move(*k));
  }
  if (entry.keywords.empty()) {
    KeywordSuggester suggester;
    if (Status s = ForEachClusterContent(
            store, *dataset,
            [&](const NormalizedBanner& b, uint16_t port) { suggester.AddCluster(b, port); });
        !s.ok())
      return Error{s.error()};
    // Suggestions come from the normalised banner; take the best one that also
    // matches the raw sample, as the estimator will see raw banners.
    const BannerRecord raw = RecordOfSample(sample);  // fields are views into it
    BannerFields fields;
    fields.Extract(raw);
    for (const KeywordSuggestion& s : suggester.Suggest(cluster->content, sample.port, 20)) {
      auto value = fields.Find(s.field);
      re2::RE2 re(s.regex, KeywordRegexOptions());
      if (!value || !re.ok() || !re2::RE2::PartialMatch(*value, re)) continue;
      Keyword k;
      k.field = s.field;
      k.regex = s.regex;
      entry.keywords.push_back(std::move(k));
      given.push_back(false);
      break;
    }
    if (entry.keywords.empty())
      return Error{"no distinctive keyword found for this cluster: give one with --keyword"};
  }
  if (Status s = AssignWeights(&entry.keywords, given); !s.ok()) return Error{s.error()};
  double total = 0;
  for (const Keyword& k : entry.keywords) total += k.weight;
  double bar = std::min(rq.threshold, total) - kEpsilon;

  BannerRecord record = RecordOfSample(sample);
  DeviceExample example;
  example.port = record.port;
  example.service = std::move(record.service);
  example.banner = std::move(record.banner);
  example.tls_subject = std::move(record.tls_subject);
  example.tls_issuer = std::move(record.tls_issuer);
  for (auto [name, value] : {std::pair{"vendor", &entry.vendor},
                             {"product", &entry.product},
                             {"model", &entry.model},
                             {"type", &entry.type}})
    if (!value->empty()) example.expect[name] = *value;

  // Keywords must match the cluster's own banner, or the entry could never be
  // estimated for the devices it was made from.
  DeviceDb probe_db;
  probe_db.entries.push_back(entry);
  auto estimator = Estimator::Create(std::move(probe_db), EstimatorOptions{1.0, rq.threshold});
  if (!estimator.ok()) return Error{estimator.error()};
  DeviceMatch own = estimator->Evaluate(HostOfSample(sample), 0);
  if (own.banner_score < bar)
    return Error{fmt::format(
        "the keywords match the cluster's own banner with Sb = {:.3g}, below {:.3g}: the entry"
        " would never identify these devices",
        own.banner_score, bar + kEpsilon)};

  // Port set: union of the open ports of every IP the keywords match (paper §4.1.3).
  std::set<uint16_t> ports;
  int64_t matched = 0;
  Status walk = ForEachDatasetHost(store, *dataset, [&](Ipv4, const Host& host) {
    DeviceMatch m = estimator->Evaluate(host, 0);
    if (m.banner_score < bar) return Status::Ok();
    ++matched;
    ports.insert(host.open_ports.begin(), host.open_ports.end());
    for (const BannerRecord& b : host.banners)
      if (b.port != 0) ports.insert(b.port);
    return Status::Ok();
  });
  if (!walk.ok()) return Error{walk.error()};
  entry.ports.assign(ports.begin(), ports.end());
  if (entry.ports.empty()) entry.ports = cluster->ports;
  entry.examples.push_back(std::move(example));

  PromotionResult result;
  result.cluster_key = *key;
  result.matched_ips = matched;
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  result.toml = FormatDeviceDbToml(
      {entry},
      fmt::format("promoted from cluster {} of dataset '{}' by {} at {}: {} banners, {} IPs;"
                  " ports from {} IPs the keywords match",
                  FormatClusterKey(*key), rq.dataset, rq.who, now, cluster->banner_count,
                  cluster->ip_count, matched));

  // The decision and the file change commit together: the transaction is committed
  // only after the file was written and re-loaded; on any failure the file is restored.
  Transaction tx(store);
  if (!tx.status().ok()) return Error{tx.status().error()};
  Decision d{*key, "promote", rq.who, now, rq.reason, rq.id, rq.db_path};
  if (Status s =
          RecordDecision(store, *dataset, d, ExtractIotFeatures(cluster->content, cluster->ports));
      !s.ok())
    return Error{s.error()};

  bool existed = false;
  auto before = ReadWholeFile(rq.db_path, &existed);
  if (!before.ok()) return Error{before.error()};
  if (existed) {
    DeviceDbLoader check;
    if (Status s = check.AddText(*before, rq.db_path); !s.ok())
      return Error{fmt::format("the device DB does not load before promotion: {}", s.error())};
    for (const DeviceEntry& e : check.TakeDb().entries)
      if (e.id == rq.id)
        return Error{
            fmt::format("{}:{}: the DB already has a device '{}'", rq.db_path, e.line, rq.id)};
  }
  std::string after = *before;
  if (!after.empty() && after.back() != '\n') after += '\n';
  if (!after.empty()) after += '\n';
  after += result.toml;
  if (Status s = WriteWholeFile(rq.db_path, after); !s.ok()) return Error{s.error()};
  auto restore = [&]() {
    if (existed) {
      (void)WriteWholeFile(rq.db_path, *before);
    } else {
      std::error_code ec;
      std::filesystem::remove(rq.db_path, ec);
    }
  };
  DeviceDbLoader reload;
  if (Status s = reload.AddPath(rq.db_path); !s.ok()) {
    restore();
    return Error{fmt::format("the promoted entry does not load, DB left unchanged: {}", s.error())};
  }
  auto written = Estimator::Create(reload.TakeDb(), EstimatorOptions{1.0, rq.threshold});
  if (written.ok()) {
    ExampleReport report = CheckExamples(*written);
    for (const std::string& failure : report.failures) {
      if (failure.find("'" + rq.id + "'") == std::string::npos) continue;
      restore();
      return Error{
          fmt::format("the promoted entry fails its own example, DB left unchanged: {}", failure)};
    }
  }
  if (Status s = tx.Commit(); !s.ok()) {
    restore();
    return Error{s.error()};
  }
  result.entry = std::move(entry);
  return result;
}

}  // namespace narrowscan
