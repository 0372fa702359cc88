// ControlChannel: a line protocol on 127.0.0.1:PORT for driving the testbed between
// scan rounds. Each line the client sends is passed to the handler; its return value
// (one line, without the newline) is sent back. Lines longer than 4 KiB end the
// connection. Only loopback is ever bound.
#ifndef NARROWSCAN_TESTS_TESTBED_CONTROL_CHANNEL_H_
#define NARROWSCAN_TESTS_TESTBED_CONTROL_CHANNEL_H_

#include <asio.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace narrowscan::testbed {

class ControlChannel {
 public:
  using Handler = std::function<std::string(std::string_view line)>;

  ControlChannel(asio::io_context* io, Handler handler);
  // Listens on 127.0.0.1:port (0 picks a free port; see port()).
  Status Start(uint16_t port);
  void Stop();
  uint16_t port() const { return port_; }

 private:
  void Accept();

  asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<Handler> handler_;
  std::vector<std::weak_ptr<asio::ip::tcp::socket>> clients_;  // closed by Stop()
  uint16_t port_ = 0;
};

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_CONTROL_CHANNEL_H_
