#include "tests/testbed/control_channel.h"

#include <fmt/format.h>

namespace narrowscan::testbed {
namespace {

using asio::ip::tcp;

class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(std::shared_ptr<tcp::socket> socket,
                 std::shared_ptr<ControlChannel::Handler> handler)
      : socket_(std::move(socket)), input_(4096), handler_(std::move(handler)) {}

  void Read() {
    asio::async_read_until(
        *socket_, input_, '\n', [self = shared_from_this()](const asio::error_code& ec, size_t n) {
          if (ec) return;
          std::string line(asio::buffers_begin(self->input_.data()),
                           asio::buffers_begin(self->input_.data()) + n);
          self->input_.consume(n);
          while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
            line.pop_back();
          }
          auto reply = std::make_shared<std::string>((*self->handler_)(line) + "\n");
          asio::async_write(*self->socket_, asio::buffer(*reply),
                            [self, reply](const asio::error_code& e, size_t) {
                              if (!e) self->Read();
                            });
        });
  }

 private:
  std::shared_ptr<tcp::socket> socket_;
  asio::streambuf input_;
  std::shared_ptr<ControlChannel::Handler> handler_;
};

}  // namespace

ControlChannel::ControlChannel(asio::io_context* io, Handler handler)
    : acceptor_(*io), handler_(std::make_shared<Handler>(std::move(handler))) {}

Status ControlChannel::Start(uint16_t port) {
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
  asio::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(16, ec);
  if (ec) return Error{fmt::format("control port 127.0.0.1:{}: {}", port, ec.message())};
  port_ = acceptor_.local_endpoint().port();
  Accept();
  return Status::Ok();
}

void ControlChannel::Stop() {
  asio::error_code ignored;
  acceptor_.close(ignored);
  for (const std::weak_ptr<tcp::socket>& weak : clients_) {
    if (auto socket = weak.lock()) socket->close(ignored);
  }
  clients_.clear();
}

void ControlChannel::Accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      auto client = std::make_shared<tcp::socket>(std::move(socket));
      std::erase_if(clients_, [](const std::weak_ptr<tcp::socket>& w) { return w.expired(); });
      clients_.push_back(client);
      std::make_shared<ControlSession>(std::move(client), handler_)->Read();
    }
    Accept();
  });
}

}  // namespace narrowscan::testbed
