// `narrowscan curate list|show|promote|skip|decisions`.
#include <fmt/format.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/port_list.h"
#include "common/utf8.h"
#include "controller/cli/cli_options.h"
#include "controller/curate/banner_display.h"
#include "controller/curate/cluster_catalog.h"
#include "controller/curate/cluster_promotion.h"
#include "controller/curate/commands/curate_commands.h"
#include "controller/curate/curation_run.h"
#include "controller/curate/dataset_catalog.h"
#include "controller/curate/iot_features.h"
#include "controller/curate/keyword_suggester.h"
#include "controller/curate/review_decisions.h"
#include "controller/estimation/text_encoding.h"

namespace narrowscan {
namespace {

struct ReviewOptions {
  std::string store;
  std::string dataset = kDefaultDataset;
  std::string cluster;
  bool json = false;
  // list
  int64_t min_ips = 0;
  std::string sort = "size";
  int64_t limit = 50;
  bool undecided = false;
  // show
  int64_t samples = 3;
  int64_t ips = 20;
  size_t suggestions = 8;
  // promote / skip
  PromotionRequest promote;
  std::string reason;
};

struct Opened {
  std::unique_ptr<Store> store;
  int64_t dataset = 0;
};

Opened OpenDataset(const ReviewOptions& o) {
  auto store = Store::Open(o.store);
  if (!store.ok()) throw CommandExit{kExitFailed, store.error()};
  auto id = FindDataset(**store, o.dataset);
  if (!id.ok()) throw CommandExit{kExitBadInput, id.error()};
  return {std::move(*store), *id};
}

std::string TimeText(int64_t t) {
  if (t <= 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json ClusterJson(const ClusterSummary& c) {
  nlohmann::json j = {{"cluster", FormatClusterKey(c.key)},
                      {"service", c.content.service},
                      {"banner", ToDisplayUtf8(c.content.banner)},
                      {"ports", c.ports},
                      {"banners", c.banner_count},
                      {"ips", c.ip_count},
                      {"first_seen", c.first_seen},
                      {"last_seen", c.last_seen},
                      {"iot_score", c.iot_score},
                      {"features", FormatIotFeatures(ExtractIotFeatures(c.content, c.ports))},
                      {"decision", c.decision}};
  if (!c.content.tls_subject.empty() || !c.content.tls_issuer.empty())
    j["tls"] = {{"subject", c.content.tls_subject}, {"issuer", c.content.tls_issuer}};
  if (!c.device_id.empty()) j["device"] = c.device_id;
  return j;
}

std::string OneLineOf(const ClusterSummary& c, size_t width) {
  std::string text = BannerOneLine(c.content.banner, width);
  if (text.empty() && !c.content.tls_subject.empty())
    text = BannerOneLine("tls " + c.content.tls_subject, width);
  return text;
}

void RunList(const ReviewOptions& o) {
  Opened db = OpenDataset(o);
  if (auto ran = LoadFunnel(*db.store, o.dataset); !ran.ok())
    throw CommandExit{kExitBadInput, ran.error()};
  ClusterQuery q;
  q.min_ips = o.min_ips;
  q.order = o.sort == "iot" ? ClusterOrder::kIot : ClusterOrder::kSize;
  q.undecided_only = o.undecided;
  q.limit = o.limit;
  auto clusters = ListClusters(*db.store, db.dataset, q);
  if (!clusters.ok()) throw CommandExit{kExitFailed, clusters.error()};
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& c : *clusters) j.push_back(ClusterJson(c));
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("%-16s %7s %8s %5s %-14s %-8s %s\n", "cluster", "ips", "banners", "iot", "ports",
              "decision", "banner");
  for (const auto& c : *clusters) {
    std::string ports = FormatPortList(c.ports);
    if (ports.size() > 14) ports = ports.substr(0, 13) + "…";
    std::string decision = c.decision == "promote" ? "->" + c.device_id : c.decision;
    std::printf("%-16s %7lld %8lld %5.2f %-14s %-8s %s\n", FormatClusterKey(c.key).c_str(),
                static_cast<long long>(c.ip_count), static_cast<long long>(c.banner_count),
                c.iot_score, ports.c_str(), decision.c_str(), OneLineOf(c, 90).c_str());
  }
}

void RunShow(const ReviewOptions& o) {
  Opened db = OpenDataset(o);
  auto key = ResolveClusterKey(*db.store, db.dataset, o.cluster);
  if (!key.ok()) throw CommandExit{kExitBadInput, key.error()};
  auto c = GetCluster(*db.store, db.dataset, *key);
  if (!c.ok()) throw CommandExit{kExitFailed, c.error()};
  auto samples = ClusterSamples(*db.store, db.dataset, *key, o.samples);
  if (!samples.ok()) throw CommandExit{kExitFailed, samples.error()};
  auto ips = ClusterIps(*db.store, db.dataset, *key, o.ips);
  if (!ips.ok()) throw CommandExit{kExitFailed, ips.error()};
  KeywordSuggester suggester;
  if (Status s = ForEachClusterContent(
          *db.store, db.dataset,
          [&](const NormalizedBanner& b, uint16_t port) { suggester.AddCluster(b, port); });
      !s.ok())
    throw CommandExit{kExitFailed, s.error()};
  auto suggestions =
      suggester.Suggest(c->content, c->ports.empty() ? 0 : c->ports.front(), o.suggestions);
  auto decision = LatestDecision(*db.store, db.dataset, *key);
  if (!decision.ok()) throw CommandExit{kExitFailed, decision.error()};

  if (o.json) {
    nlohmann::json j = ClusterJson(*c);
    j["samples"] = nlohmann::json::array();
    for (const auto& s : *samples) {
      nlohmann::json x = {{"ip", FormatIpv4(s.ip)}, {"port", s.port}, {"service", s.service}};
      if (IsValidUtf8(s.banner)) {
        x["banner"] = s.banner;
      } else {
        x["banner_b64"] = Base64Encode(s.banner);
      }
      if (!s.tls_subject.empty() || !s.tls_issuer.empty())
        x["tls"] = {{"subject", s.tls_subject}, {"issuer", s.tls_issuer}};
      j["samples"].push_back(std::move(x));
    }
    j["ip_list"] = nlohmann::json::array();
    for (Ipv4 ip : *ips) j["ip_list"].push_back(FormatIpv4(ip));
    j["suggested_keywords"] = nlohmann::json::array();
    for (const auto& s : suggestions)
      j["suggested_keywords"].push_back({{"field", s.field},
                                         {"regex", s.regex},
                                         {"text", ToDisplayUtf8(s.text)},
                                         {"score", s.score},
                                         {"clusters_with", s.clusters_with}});
    if (*decision)
      j["decision_detail"] = {{"action", (*decision)->action},    {"who", (*decision)->who},
                              {"at", (*decision)->decided_at},    {"reason", (*decision)->reason},
                              {"device", (*decision)->device_id}, {"db", (*decision)->db_path}};
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("cluster %s  service %s  ports %s\n", FormatClusterKey(c->key).c_str(),
              c->content.service.empty() ? "-" : c->content.service.c_str(),
              FormatPortList(c->ports).c_str());
  std::printf("%lld banners from %lld IPs, seen %s .. %s, IoT likelihood %.2f (%s)\n",
              static_cast<long long>(c->banner_count), static_cast<long long>(c->ip_count),
              TimeText(c->first_seen).c_str(), TimeText(c->last_seen).c_str(), c->iot_score,
              FormatIotFeatures(ExtractIotFeatures(c->content, c->ports)).c_str());
  if (*decision) {
    const Decision& d = **decision;
    std::printf("decision: %s%s by %s at %s%s%s\n", d.action.c_str(),
                d.action == "promote" ? (" to '" + d.device_id + "' in " + d.db_path).c_str() : "",
                d.who.c_str(), TimeText(d.decided_at).c_str(), d.reason.empty() ? "" : ": ",
                d.reason.c_str());
  }
  std::printf("normalised banner:\n%s", BannerBlock(c->content.banner, "  | ", 2048).c_str());
  if (!c->content.tls_subject.empty() || !c->content.tls_issuer.empty())
    std::printf("certificate: subject %s\n             issuer  %s\n",
                c->content.tls_subject.c_str(), c->content.tls_issuer.c_str());
  for (const auto& s : *samples) {
    std::printf("sample %s:%u:\n%s", FormatIpv4(s.ip).c_str(), s.port,
                BannerBlock(s.banner, "  | ", 1024).c_str());
  }
  std::printf("IPs (%zu of %lld):", ips->size(), static_cast<long long>(c->ip_count));
  for (Ipv4 ip : *ips) std::printf(" %s", FormatIpv4(ip).c_str());
  std::printf("\nsuggested keywords (field, regex, clusters with it):\n");
  for (const auto& s : suggestions)
    std::printf("  %-14s %-40s %lld\n", s.field.c_str(), s.regex.c_str(),
                static_cast<long long>(s.clusters_with));
}

void RunPromote(ReviewOptions& o) {
  auto store = Store::Open(o.store);
  if (!store.ok()) throw CommandExit{kExitFailed, store.error()};
  o.promote.dataset = o.dataset;
  o.promote.cluster = o.cluster;
  o.promote.who = CurrentReviewer();
  auto result = PromoteCluster(**store, o.promote);
  if (!result.ok()) throw CommandExit{kExitBadInput, result.error()};
  if (o.json) {
    std::printf("%s\n", nlohmann::json{{"cluster", FormatClusterKey(result->cluster_key)},
                                       {"device", result->entry.id},
                                       {"db", o.promote.db_path},
                                       {"ports", result->entry.ports},
                                       {"matched_ips", result->matched_ips},
                                       {"toml", result->toml}}
                            .dump()
                            .c_str());
    return;
  }
  std::printf("promoted cluster %s to '%s' in %s (ports %s from %lld matching IPs):\n\n%s",
              FormatClusterKey(result->cluster_key).c_str(), result->entry.id.c_str(),
              o.promote.db_path.c_str(), FormatPortList(result->entry.ports).c_str(),
              static_cast<long long>(result->matched_ips), result->toml.c_str());
}

void RunSkip(const ReviewOptions& o) {
  Opened db = OpenDataset(o);
  auto key = ResolveClusterKey(*db.store, db.dataset, o.cluster);
  if (!key.ok()) throw CommandExit{kExitBadInput, key.error()};
  auto c = GetCluster(*db.store, db.dataset, *key);
  if (!c.ok()) throw CommandExit{kExitFailed, c.error()};
  Decision d{*key, "skip", CurrentReviewer(), static_cast<int64_t>(std::time(nullptr)), o.reason,
             "",   ""};
  if (Status s = RecordDecision(*db.store, db.dataset, d, ExtractIotFeatures(c->content, c->ports));
      !s.ok())
    throw CommandExit{kExitBadInput, s.error()};
  if (o.json) {
    std::printf("%s\n", nlohmann::json{{"cluster", FormatClusterKey(*key)},
                                       {"decision", "skip"},
                                       {"who", d.who},
                                       {"at", d.decided_at},
                                       {"reason", d.reason}}
                            .dump()
                            .c_str());
  } else {
    std::printf("skipped cluster %s (%s)\n", FormatClusterKey(*key).c_str(), o.reason.c_str());
  }
}

void RunDecisions(const ReviewOptions& o) {
  Opened db = OpenDataset(o);
  auto all = ListDecisions(*db.store, db.dataset);
  if (!all.ok()) throw CommandExit{kExitFailed, all.error()};
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& d : *all) {
      nlohmann::json x = {{"cluster", FormatClusterKey(d.cluster_key)},
                          {"action", d.action},
                          {"who", d.who},
                          {"at", d.decided_at},
                          {"reason", d.reason}};
      if (d.action == "promote") {
        x["device"] = d.device_id;
        x["db"] = d.db_path;
      }
      j.push_back(std::move(x));
    }
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  for (const auto& d : *all)
    std::printf("%s  %-7s %-20s %-12s %s%s\n", TimeText(d.decided_at).c_str(), d.action.c_str(),
                FormatClusterKey(d.cluster_key).c_str(), d.who.c_str(),
                d.action == "promote" ? (d.device_id + " in " + d.db_path + "  ").c_str() : "",
                d.reason.c_str());
}

void AddDatasetOption(CLI::App* cmd, ReviewOptions* o) {
  cmd->add_option("--dataset", o->dataset, "Dataset name")->capture_default_str();
  AddStoreOption(cmd, &o->store);
  AddJsonOption(cmd, &o->json);
}

}  // namespace

void RegisterCurateReviewCommands(CLI::App* curate) {
  {
    auto o = std::make_shared<ReviewOptions>();
    CLI::App* cmd = curate->add_subcommand("list", "List clusters for review");
    cmd->add_option("--min-ips", o->min_ips, "Only clusters with at least N IPs");
    cmd->add_option("--sort", o->sort, "size (IPs) | iot (IoT likelihood)")
        ->check(CLI::IsMember({"size", "iot"}))
        ->capture_default_str();
    cmd->add_option("--limit", o->limit, "At most N clusters (-1: all)")->capture_default_str();
    cmd->add_flag("--undecided", o->undecided, "Only clusters nobody promoted or skipped yet");
    AddDatasetOption(cmd, o.get());
    cmd->callback([o] { RunList(*o); });
  }
  {
    auto o = std::make_shared<ReviewOptions>();
    CLI::App* cmd = curate->add_subcommand(
        "show", "Show a cluster: normalised banner, samples, IPs, ports, suggested keywords");
    cmd->add_option("cluster", o->cluster, "Cluster id (or a unique prefix)")->required();
    cmd->add_option("--samples", o->samples, "Sample banners shown")->capture_default_str();
    cmd->add_option("--ips", o->ips, "IPs shown")->capture_default_str();
    cmd->add_option("--suggestions", o->suggestions, "Keywords suggested")->capture_default_str();
    AddDatasetOption(cmd, o.get());
    cmd->callback([o] { RunShow(*o); });
  }
  {
    auto o = std::make_shared<ReviewOptions>();
    CLI::App* cmd = curate->add_subcommand(
        "promote", "Write a device entry for a cluster into a device DB file");
    cmd->add_option("cluster", o->cluster, "Cluster id (or a unique prefix)")->required();
    cmd->add_option("--id", o->promote.id, "Device id ([a-z0-9][a-z0-9._-]*)")->required();
    cmd->add_option("--vendor", o->promote.vendor, "Vendor")->required();
    cmd->add_option("--type", o->promote.type, "Device type (router, camera, nvr, …)")->required();
    cmd->add_option("--product", o->promote.product, "Product (model name)");
    cmd->add_option("--model", o->promote.model, "Model number");
    cmd->add_option("--version", o->promote.version, "Firmware version");
    cmd->add_option("--keyword", o->promote.keywords,
                    "[FIELD=]REGEX[:WEIGHT], repeatable (default: the best suggested keyword)");
    cmd->add_option("--db", o->promote.db_path, "Device DB file (TOML) to append to")->required();
    cmd->add_option("--reason", o->promote.reason, "Why (kept with the decision)");
    cmd->add_option("--threshold", o->promote.threshold,
                    "th the DB is used with: IPs whose keyword score reaches it give the ports")
        ->capture_default_str();
    AddDatasetOption(cmd, o.get());
    cmd->callback([o] { RunPromote(*o); });
  }
  {
    auto o = std::make_shared<ReviewOptions>();
    CLI::App* cmd = curate->add_subcommand("skip", "Mark a cluster as not worth a device entry");
    cmd->add_option("cluster", o->cluster, "Cluster id (or a unique prefix)")->required();
    cmd->add_option("--reason", o->reason, "Why (kept with the decision)")->required();
    AddDatasetOption(cmd, o.get());
    cmd->callback([o] { RunSkip(*o); });
  }
  {
    auto o = std::make_shared<ReviewOptions>();
    CLI::App* cmd = curate->add_subcommand("decisions", "List review decisions (who, when, why)");
    AddDatasetOption(cmd, o.get());
    cmd->callback([o] { RunDecisions(*o); });
  }
}

}  // namespace narrowscan
