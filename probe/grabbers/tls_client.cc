#include "probe/grabbers/tls_client.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <sys/socket.h>

#include <cerrno>

#include "probe/grabbers/tls_certificate.h"

namespace narrowscan {

struct TlsClientConfig::Impl {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ssl_config conf;
  Impl() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
  }
  ~Impl() {
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }
};

TlsClientConfig::TlsClientConfig() : impl_(std::make_unique<Impl>()) {}
TlsClientConfig::~TlsClientConfig() = default;

namespace {
std::string MbedError(const char* what, int rc) {
  char buf[128];
  mbedtls_strerror(rc, buf, sizeof buf);
  return std::string(what) + ": " + buf;
}
}  // namespace

Result<std::shared_ptr<TlsClientConfig>> TlsClientConfig::Create() {
  std::shared_ptr<TlsClientConfig> config(new TlsClientConfig());
  Impl& c = *config->impl_;
  static const unsigned char kPersonal[] = "narrowscan-probe";
  int rc = mbedtls_ctr_drbg_seed(&c.drbg, mbedtls_entropy_func, &c.entropy, kPersonal,
                                 sizeof kPersonal - 1);
  if (rc != 0) return Error{MbedError("TLS: seeding the RNG", rc)};
  rc = mbedtls_ssl_config_defaults(&c.conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                   MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return Error{MbedError("TLS: client defaults", rc)};
  // A scanner records whatever certificate a device has: no verification, and old
  // protocol versions stay allowed because embedded devices still speak them.
  mbedtls_ssl_conf_authmode(&c.conf, MBEDTLS_SSL_VERIFY_NONE);
  mbedtls_ssl_conf_min_version(&c.conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_1);
  mbedtls_ssl_conf_rng(&c.conf, mbedtls_ctr_drbg_random, &c.drbg);
  return config;
}

struct TlsClient::Impl {
  mbedtls_ssl_context ssl;
};

TlsClient::TlsClient(std::shared_ptr<TlsClientConfig> config, int fd)
    : config_(std::move(config)), impl_(std::make_unique<Impl>()), fd_(fd) {
  mbedtls_ssl_init(&impl_->ssl);
  const int rc = mbedtls_ssl_setup(&impl_->ssl, &config_->impl()->conf);
  if (rc != 0) error_ = MbedError("TLS setup", rc);
  mbedtls_ssl_set_bio(&impl_->ssl, this, &TlsClient::Send, &TlsClient::Recv, nullptr);
}

TlsClient::~TlsClient() { mbedtls_ssl_free(&impl_->ssl); }

int TlsClient::Send(void* self, const unsigned char* buf, size_t len) {
  auto* client = static_cast<TlsClient*>(self);
  const ssize_t n = ::send(client->fd_, buf, len, MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
      return MBEDTLS_ERR_SSL_WANT_WRITE;
    return MBEDTLS_ERR_NET_SEND_FAILED;
  }
  client->bytes_sent_ += static_cast<uint64_t>(n);
  return static_cast<int>(n);
}

int TlsClient::Recv(void* self, unsigned char* buf, size_t len) {
  auto* client = static_cast<TlsClient*>(self);
  const ssize_t n = ::recv(client->fd_, buf, len, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
    return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
  }
  client->bytes_received_ += static_cast<uint64_t>(n);
  return static_cast<int>(n);  // 0 = EOF, which mbedTLS reports as a closed connection
}

TlsIo TlsClient::Map(int rc) {
  if (rc >= 0) return TlsIo::kOk;
  if (rc == MBEDTLS_ERR_SSL_WANT_READ) return TlsIo::kWantRead;
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return TlsIo::kWantWrite;
  if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_NET_CONN_RESET) {
    return TlsIo::kClosed;
  }
  error_ = MbedError("TLS", rc);
  return TlsIo::kFailed;
}

TlsIo TlsClient::Handshake() {
  if (!error_.empty()) return TlsIo::kFailed;
  return Map(mbedtls_ssl_handshake(&impl_->ssl));
}

TlsIo TlsClient::Write(std::string_view data, size_t* written) {
  *written = 0;
  while (*written < data.size()) {
    const int rc = mbedtls_ssl_write(&impl_->ssl,
                                     reinterpret_cast<const unsigned char*>(data.data()) + *written,
                                     data.size() - *written);
    if (rc < 0) return Map(rc);
    *written += static_cast<size_t>(rc);
  }
  return TlsIo::kOk;
}

TlsIo TlsClient::Read(char* buf, size_t n, size_t* got) {
  *got = 0;
  const int rc = mbedtls_ssl_read(&impl_->ssl, reinterpret_cast<unsigned char*>(buf), n);
  if (rc == 0) return TlsIo::kClosed;
  if (rc < 0) return Map(rc);
  *got = static_cast<size_t>(rc);
  return TlsIo::kOk;
}

TlsInfo TlsClient::PeerInfo() const {
  TlsInfo info;
  if (const mbedtls_x509_crt* crt = mbedtls_ssl_get_peer_cert(&impl_->ssl)) {
    info = DescribeCertificate(*crt);
  }
  info.version = mbedtls_ssl_get_version(&impl_->ssl);
  info.cipher = mbedtls_ssl_get_ciphersuite(&impl_->ssl);
  return info;
}

}  // namespace narrowscan
