#include "controller/http/status_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "controller/fleet/fleet_stats.h"
#include "controller/fleet/fleet_store.h"
#include "controller/http/api_json.h"
#include "controller/http/fleet_metrics.h"
#include "controller/http/status_page.h"

namespace narrowscan::http {

struct StatusServer::Impl {
  StatusServerOptions options;
  std::mutex store_mu;  // one request at a time on the connection
  std::unique_ptr<fleet::FleetStore> store;
  httplib::Server server;
  std::thread thread;

  int64_t StoreBytes() const;
  std::vector<std::string> HealthProblems() const;
  Result<std::string> Metrics();
  void Routes();
};

namespace {

void Reply(httplib::Response& res, const ApiReply& reply) {
  res.status = reply.status;
  // Banners and store text may hold bytes that are not UTF-8: replace, never throw.
  res.set_content(reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

}  // namespace

int64_t StatusServer::Impl::StoreBytes() const {
  int64_t bytes = 0;
  for (const std::string& path : {options.store_path, options.store_path + "-wal"}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) bytes += static_cast<int64_t>(size);
  }
  return bytes;
}

std::vector<std::string> StatusServer::Impl::HealthProblems() const {
  std::vector<std::string> problems;
  const fleet::ServiceSnapshot s = options.board->Read();
  if (!s.published) {
    problems.push_back("the service has not completed a turn yet");
  } else {
    const int64_t age = fleet::UnixNow() - s.last_turn_unix;
    if (age > options.stale_seconds)
      problems.push_back(fmt::format("the service's last turn was {} s ago", age));
    if (!s.broker_connected) problems.push_back("the broker is not connected");
  }
  const std::string folder =
      std::filesystem::path(options.store_path).parent_path().string();
  if (access(options.store_path.c_str(), W_OK) != 0)
    problems.push_back(
        fmt::format("store '{}' is not writable: {}", options.store_path, std::strerror(errno)));
  else if (access(folder.empty() ? "." : folder.c_str(), W_OK) != 0)
    problems.push_back(fmt::format("the store's folder '{}' is not writable: {}", folder,
                                   std::strerror(errno)));
  return problems;
}

Result<std::string> StatusServer::Impl::Metrics() {
  FleetMetricsInput in;
  in.service = options.board->Read();
  in.store_bytes = StoreBytes();
  std::lock_guard<std::mutex> lock(store_mu);
  auto rounds = store->Rounds();
  if (!rounds.ok()) return Error{rounds.error()};
  in.rounds = static_cast<int64_t>(rounds->size());
  if (!rounds->empty()) in.current_round = rounds->back();
  auto probes = store->Probes();
  if (!probes.ok()) return Error{probes.error()};
  in.probes = std::move(*probes);
  auto stats = fleet::ReadFleetStats(*store);
  if (!stats.ok()) return Error{stats.error()};
  in.stats = std::move(*stats);
  return RenderFleetMetrics(in);
}

void StatusServer::Impl::Routes() {
  server.set_default_headers({{"Cache-Control", "no-store"},
                              {"X-Content-Type-Options", "nosniff"}});
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; connect-src 'self'; script-src 'unsafe-inline'; "
                   "style-src 'unsafe-inline'");
    res.set_content(std::string(StatusPageHtml()), "text/html; charset=utf-8");
  });
  server.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const std::vector<std::string> problems = HealthProblems();
    if (problems.empty()) {
      res.set_content("ok\n", "text/plain; charset=utf-8");
      return;
    }
    std::string text;
    for (const std::string& p : problems) text += p + "\n";
    res.status = 503;
    res.set_content(text, "text/plain; charset=utf-8");
  });
  server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    auto text = Metrics();
    if (!text.ok()) {
      res.status = 500;
      res.set_content(text.error() + "\n", "text/plain; charset=utf-8");
      return;
    }
    res.set_content(*text, "text/plain; version=0.0.4; charset=utf-8");
  });
  auto api = [this](ApiReply (*answer)(fleet::FleetStore&)) {
    return [this, answer](const httplib::Request&, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(store_mu);
      Reply(res, answer(*store));
    };
  };
  auto api_arg = [this](ApiReply (*answer)(fleet::FleetStore&, std::string_view)) {
    return [this, answer](const httplib::Request& req, httplib::Response& res) {
      const std::string arg = req.matches[1];
      std::lock_guard<std::mutex> lock(store_mu);
      Reply(res, answer(*store, arg));
    };
  };
  server.Get("/api/rounds", api(&ApiRounds));
  server.Get(R"(/api/rounds/([^/]*))", api_arg(&ApiRound));
  server.Get("/api/probes", api(&ApiProbes));
  server.Get("/api/hosts", api(&ApiHosts));
  server.Get(R"(/api/hosts/([^/]*))", api_arg(&ApiHost));
}

Result<std::unique_ptr<StatusServer>> StatusServer::Start(const StatusServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto store = fleet::FleetStore::Open(options.store_path);
  if (!store.ok()) return Error{store.error()};
  if (Status s = (*store)->store().Exec("PRAGMA query_only = ON"); !s.ok())
    return Error{fmt::format("store '{}': {}", options.store_path, s.error())};
  impl->store = std::move(*store);
  impl->server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  impl->Routes();
  errno = 0;
  if (!impl->server.bind_to_port(options.listen.host(), options.listen.port))
    return Error{fmt::format("cannot listen on {}: {}", options.listen.ToString(),
                             errno ? std::strerror(errno) : "bind failed")};
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  return std::unique_ptr<StatusServer>(new StatusServer(std::move(impl)));
}

StatusServer::StatusServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StatusServer::~StatusServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace narrowscan::http
