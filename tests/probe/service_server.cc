#include "tests/probe/service_server.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <sys/socket.h>

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <cerrno>
#include <vector>

namespace narrowscan {
namespace {

using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

std::string Hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += {digits[p[i] >> 4], digits[p[i] & 15]};
  return s;
}

}  // namespace

const char* PersonalityName(Personality p) {
  switch (p) {
    case Personality::kSilent:
      return "silent";
    case Personality::kFtp:
      return "ftp";
    case Personality::kSsh:
      return "ssh";
    case Personality::kSmtp:
      return "smtp";
    case Personality::kPop3:
      return "pop3";
    case Personality::kImap:
      return "imap";
    case Personality::kTelnet:
      return "telnet";
    case Personality::kHttp:
      return "http";
    case Personality::kRtsp:
      return "rtsp";
    case Personality::kHttps:
      return "https";
  }
  return "?";
}

std::string DefaultText(Personality p) {
  switch (p) {
    case Personality::kFtp:
      return "220 (vsFTPd 3.0.3)\r\n";
    case Personality::kSsh:
      return "SSH-2.0-dropbear_2019.78\r\n";
    case Personality::kSmtp:
      return "220 gw.example.com ESMTP Exim 4.94.2\r\n";
    case Personality::kPop3:
      return "+OK Dovecot ready.\r\n";
    case Personality::kImap:
      return "* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n";
    case Personality::kTelnet:
      return "\r\nBusyBox v1.31.1 built-in shell\r\nlogin: ";
    case Personality::kHttp:
      return "Aterm WG1200HP";
    case Personality::kHttps:
      return "AXIS M3045-V Network Camera";
    case Personality::kRtsp:
      return "Hikvision-Webs";
    case Personality::kSilent:
      return "";
  }
  return "";
}

struct ServiceServer::Impl {
  struct Listener {
    Personality personality;
    std::string text;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::atomic<uint64_t> accepted{0};
    std::string last_request;
  };

  ServiceServer* owner;
  asio::io_context io;
  std::map<std::pair<Ipv4, uint16_t>, std::unique_ptr<Listener>> listeners;
  mutable std::mutex mu;  // guards Listener::last_request
  std::thread thread;
  bool running = false;

  // TLS server state (made once, shared by every HTTPS listener).
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_pk_context key;
  mbedtls_x509_crt cert;
  mbedtls_ssl_config conf;
  std::string sha256;

  Impl() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_pk_init(&key);
    mbedtls_x509_crt_init(&cert);
    mbedtls_ssl_config_init(&conf);
    MakeCertificate();
  }
  ~Impl() {
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&cert);
    mbedtls_pk_free(&key);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }

  // A certificate signed with its own EC P-256 key, with distinct subject and issuer
  // names so the probe's RFC 4514 formatting and ordering are visible in tests.
  void MakeCertificate() {
    mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, nullptr, 0);
    mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key), mbedtls_ctr_drbg_random,
                        &drbg);
    mbedtls_x509write_cert w;
    mbedtls_x509write_crt_init(&w);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, &key);
    mbedtls_x509write_crt_set_issuer_key(&w, &key);
    mbedtls_x509write_crt_set_subject_name(
        &w, "C=JP,O=Acme Devices,OU=Video\\, Cameras,CN=cam-0001.example");
    mbedtls_x509write_crt_set_issuer_name(&w, "C=JP,O=Acme Devices,CN=Acme Device CA");
    mbedtls_mpi serial;
    mbedtls_mpi_init(&serial);
    mbedtls_mpi_read_string(&serial, 16, "0A1B2C3D");
    mbedtls_x509write_crt_set_serial(&w, &serial);
    mbedtls_x509write_crt_set_validity(&w, "20240101000000", "20340101000000");
    unsigned char der[4096];
    const int n = mbedtls_x509write_crt_der(&w, der, sizeof der, mbedtls_ctr_drbg_random, &drbg);
    if (n > 0) {
      const unsigned char* start = der + sizeof der - n;
      mbedtls_x509_crt_parse_der(&cert, start, static_cast<size_t>(n));
      unsigned char digest[32];
      mbedtls_sha256_ret(start, static_cast<size_t>(n), digest, 0);
      sha256 = Hex(digest, 32);
    }
    mbedtls_mpi_free(&serial);
    mbedtls_x509write_crt_free(&w);
    mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_own_cert(&conf, &cert, &key);
  }

  awaitable<void> Accept(Listener* l) {
    while (true) {
      auto [ec, socket] =
          co_await l->acceptor->async_accept(asio::experimental::as_tuple(use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !l->acceptor->is_open()) co_return;
        continue;  // e.g. EMFILE under load: keep serving
      }
      ++l->accepted;
      ++owner->total_accepted_;
      asio::co_spawn(io, Serve(l, std::move(socket)), asio::detached);
    }
  }

  static awaitable<void> Write(tcp::socket& s, std::string_view data) {
    co_await asio::async_write(s, asio::buffer(data.data(), data.size()),
                               asio::experimental::as_tuple(use_awaitable));
  }

  // Reads until the end of a request's headers (bounded); empty on EOF/error.
  static awaitable<std::string> ReadRequest(tcp::socket& s) {
    std::string request;
    char buf[1024];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(buf),
                                                asio::experimental::as_tuple(use_awaitable));
      if (ec) co_return std::string();
      request.append(buf, n);
    }
    co_return request;
  }

  static std::string HttpResponse(const std::string& title, const char* server) {
    const std::string body =
        "<html><head><title>" + title + "</title></head><body><p>Welcome</p></body></html>";
    return std::string("HTTP/1.1 200 OK\r\nServer: ") + server +
           "\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
  }

  void Remember(Listener* l, const std::string& request) {
    std::lock_guard<std::mutex> lock(mu);
    l->last_request = request;
  }

  // Holds the connection until the peer closes it.
  static awaitable<void> Drain(tcp::socket& s) {
    char buf[512];
    while (true) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(buf),
                                                asio::experimental::as_tuple(use_awaitable));
      if (ec) co_return;
    }
  }

  awaitable<void> Serve(Listener* l, tcp::socket s) {
    const std::string text = l->text.empty() ? DefaultText(l->personality) : l->text;
    switch (l->personality) {
      case Personality::kSilent:
        co_await Drain(s);
        break;
      case Personality::kFtp:
      case Personality::kSsh:
      case Personality::kSmtp:
      case Personality::kPop3:
      case Personality::kImap:
        co_await Write(s, text);
        co_await Drain(s);
        break;
      case Personality::kTelnet: {
        // DO ECHO, DO NAWS, WILL ECHO, WILL SGA: a client that refuses answers
        // WONT ECHO, WONT NAWS, DONT ECHO, DONT SGA.
        const std::string ask = "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03";
        const std::string refusals = "\xff\xfc\x01\xff\xfc\x1f\xff\xfe\x01\xff\xfe\x03";
        co_await Write(s, ask);
        std::string got;
        char buf[64];
        while (got.size() < refusals.size()) {
          auto [ec, n] = co_await s.async_read_some(asio::buffer(buf),
                                                    asio::experimental::as_tuple(use_awaitable));
          if (ec) co_return;
          got.append(buf, n);
        }
        // Named, not a temporary: GCC 12 destroys temporaries inside co_await twice.
        const std::string answer = got == refusals ? text : std::string("negotiation refused\r\n");
        co_await Write(s, answer);
        co_await Drain(s);
        break;
      }
      case Personality::kHttp: {
        const std::string request = co_await ReadRequest(s);
        Remember(l, request);
        const std::string response = HttpResponse(text, "lighttpd/1.4.59");
        if (!request.empty()) co_await Write(s, response);
        break;
      }
      case Personality::kRtsp: {
        const std::string request = co_await ReadRequest(s);
        Remember(l, request);
        if (request.rfind("OPTIONS ", 0) == 0) {
          const std::string response =
              "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: " + text +
              "\r\nPublic: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN\r\n\r\n";
          co_await Write(s, response);
        }
        co_await Drain(s);
        break;
      }
      case Personality::kHttps:
        co_await ServeTls(l, s, text);
        break;
    }
    std::error_code ignored;
    s.close(ignored);
  }

  awaitable<void> ServeTls(Listener* l, tcp::socket& s, const std::string& title) {
    s.non_blocking(true);
    mbedtls_ssl_context ssl;
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_setup(&ssl, &conf);
    int fd = s.native_handle();
    mbedtls_ssl_set_bio(&ssl, &fd, mbedtls_net_send, mbedtls_net_recv, nullptr);
    auto wait = [&](int rc) -> awaitable<bool> {
      if (rc == MBEDTLS_ERR_SSL_WANT_READ) {
        auto [ec] = co_await s.async_wait(tcp::socket::wait_read,
                                          asio::experimental::as_tuple(use_awaitable));
        co_return !ec;
      }
      if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        auto [ec] = co_await s.async_wait(tcp::socket::wait_write,
                                          asio::experimental::as_tuple(use_awaitable));
        co_return !ec;
      }
      co_return false;
    };
    int rc;
    while ((rc = mbedtls_ssl_handshake(&ssl)) != 0) {
      if (!co_await wait(rc)) break;
    }
    if (rc == 0) {
      std::string request;
      unsigned char buf[1024];
      while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
        rc = mbedtls_ssl_read(&ssl, buf, sizeof buf);
        if (rc > 0) {
          request.append(reinterpret_cast<char*>(buf), static_cast<size_t>(rc));
        } else if (!co_await wait(rc)) {
          break;
        }
      }
      Remember(l, request);
      const std::string response = HttpResponse(title, "Boa/0.94.14rc21");
      size_t off = 0;
      while (off < response.size()) {
        rc = mbedtls_ssl_write(&ssl, reinterpret_cast<const unsigned char*>(response.data()) + off,
                               response.size() - off);
        if (rc > 0) {
          off += static_cast<size_t>(rc);
        } else if (!co_await wait(rc)) {
          break;
        }
      }
      mbedtls_ssl_close_notify(&ssl);
    }
    mbedtls_ssl_free(&ssl);
  }
};

ServiceServer::ServiceServer() : impl_(std::make_unique<Impl>()) { impl_->owner = this; }

ServiceServer::~ServiceServer() { Stop(); }

Result<uint16_t> ServiceServer::Listen(Ipv4 ip, uint16_t port, Personality personality,
                                       std::string text) {
  auto l = std::make_unique<Impl::Listener>();
  l->personality = personality;
  l->text = std::move(text);
  l->acceptor = std::make_unique<tcp::acceptor>(impl_->io);
  std::error_code ec;
  const tcp::endpoint endpoint(asio::ip::address_v4(ip), port);
  l->acceptor->open(tcp::v4(), ec);
  if (!ec) l->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) l->acceptor->bind(endpoint, ec);
  if (!ec) l->acceptor->listen(4096, ec);
  if (ec) {
    return Error{"listen " + FormatIpv4(ip) + ":" + std::to_string(port) + ": " + ec.message()};
  }
  const uint16_t bound = l->acceptor->local_endpoint().port();
  impl_->listeners[{ip, bound}] = std::move(l);
  return bound;
}

void ServiceServer::Start() {
  if (impl_->running) return;
  impl_->running = true;
  for (auto& [key, l] : impl_->listeners) {
    asio::co_spawn(impl_->io, impl_->Accept(l.get()), asio::detached);
  }
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void ServiceServer::Stop() {
  if (!impl_->running) return;
  impl_->running = false;
  impl_->io.stop();
  impl_->thread.join();
}

uint64_t ServiceServer::accepted(Ipv4 ip, uint16_t port) const {
  auto it = impl_->listeners.find({ip, port});
  return it == impl_->listeners.end() ? 0 : it->second->accepted.load();
}

std::string ServiceServer::last_request(Ipv4 ip, uint16_t port) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->listeners.find({ip, port});
  return it == impl_->listeners.end() ? std::string() : it->second->last_request;
}

const std::string& ServiceServer::certificate_sha256() const { return impl_->sha256; }

}  // namespace narrowscan
