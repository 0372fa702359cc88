// SynSocket: the raw sockets of --syn mode. Sends prebuilt IPv4 packets in batches
// (sendmmsg on an IPPROTO_RAW socket) and, when opened to receive, reads the inbound
// SYN-ACKs and RSTs to our source ports from an IPPROTO_TCP raw socket, for
// ParseSynReply() to validate. The kernel gives every raw TCP socket a copy of every
// TCP packet, so a scan keeps one receiving socket however many threads send; other
// threads' SynSockets may read from it too (ShareReceive), each packet reaching one
// reader.
#ifndef NARROWSCAN_PROBE_ENGINE_SYN_SOCKET_H_
#define NARROWSCAN_PROBE_ENGINE_SYN_SOCKET_H_

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "probe/engine/syn_packet.h"

namespace narrowscan {

class SynSocket {
 public:
  // Fails with a message naming CAP_NET_RAW when raw sockets are not allowed.
  // receive = false: send only (ReceiveLoop/ReceiveNow do nothing until ShareReceive).
  static Result<std::unique_ptr<SynSocket>> Open(asio::io_context& io, bool receive = true);
  // The receive socket, for ShareReceive() of other threads' sockets; -1 if none.
  int receive_descriptor() const;
  // Reads from `receive_fd` (a duplicate is kept) in ReceiveNow(); no readiness waits,
  // so the owner's event loop is not woken by every reply.
  Status ShareReceive(int receive_fd);
  ~SynSocket();

  // The source address the kernel's routing would use towards `destination` (cached
  // per /24, as routes are never finer than that for a scan).
  Result<Ipv4> SourceFor(Ipv4 destination);

  // Adds a packet to the batch; Flush() sends the batch. Returns the packets sent;
  // a full socket buffer (ENOBUFS/EAGAIN) leaves the rest queued for the next Flush.
  void Queue(Ipv4 destination, std::span<const uint8_t> packet);
  size_t Flush();
  size_t queued() const { return count_; }
  // Packets the kernel refused for good (not a full buffer).
  uint64_t dropped() const { return dropped_; }
  static constexpr size_t kBatch = 64;

  // Calls on_packet for each packet that arrives, until Close(). Readiness waits alone
  // can miss an edge (a full queue raises none), so the sender also calls ReceiveNow()
  // between batches and on a short timer while draining.
  void ReceiveLoop(std::function<void(std::span<const uint8_t>)> on_packet);
  void ReceiveNow();
  void Close();

 private:
  SynSocket(asio::io_context& io, int send_fd, int receive_fd);
  void WaitReceive();

  int send_fd_;
  asio::posix::stream_descriptor receive_;
  int receive_fd_ = -1;         // receive_'s descriptor while open
  int shared_receive_fd_ = -1;  // ShareReceive's duplicate
  std::function<void(std::span<const uint8_t>)> on_packet_;
  std::vector<uint8_t> packets_;  // kBatch * kSynPacketSize
  std::vector<Ipv4> destinations_;
  size_t count_ = 0;
  uint64_t dropped_ = 0;
  std::vector<uint8_t> receive_buffer_ = std::vector<uint8_t>(64 * 128);
  std::unordered_map<uint32_t, Ipv4> source_by_24_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_SYN_SOCKET_H_
