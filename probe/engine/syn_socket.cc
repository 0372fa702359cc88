#include "probe/engine/syn_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace narrowscan {

Result<std::unique_ptr<SynSocket>> SynSocket::Open(asio::io_context& io, bool receive) {
  const int send_fd = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
  if (send_fd < 0) {
    const int e = errno;
    if (e == EPERM || e == EACCES) {
      return Error{
          "--syn needs raw sockets (CAP_NET_RAW): run as root or grant it with "
          "`setcap cap_net_raw+ep narrowscan-probe`, or scan without --syn"};
    }
    return Error{std::string("--syn: raw socket: ") + std::strerror(e)};
  }
  int size = 4 << 20;
  if (::setsockopt(send_fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0) {
    ::setsockopt(send_fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  if (!receive) return std::unique_ptr<SynSocket>(new SynSocket(io, send_fd, -1));
  const int receive_fd = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (receive_fd < 0) {
    const int e = errno;
    ::close(send_fd);
    return Error{std::string("--syn: raw receive socket: ") + std::strerror(e)};
  }
  // Only SYN-ACKs and RST-ACKs to our source ports reach user space: on loopback the
  // socket would otherwise also see our own SYNs and the kernel's RSTs, 3-4 packets
  // per probe, and overflow at high rates.
  sock_filter code[] = {
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),            // X = IP header length
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),             // A = TCP destination port
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 61000, 0, 5),  // < 61000: drop
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 61000 + 4095, 4, 0),
      BPF_STMT(BPF_LD | BPF_B | BPF_IND, 13),           // A = TCP flags
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x16),        // SYN | RST | ACK
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12, 1, 0),  // SYN-ACK
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x14, 0, 1),  // RST-ACK
      BPF_STMT(BPF_RET | BPF_K, 128),                   // accept the headers only
      BPF_STMT(BPF_RET | BPF_K, 0),                     // drop
  };
  sock_fprog program{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (::setsockopt(receive_fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
    const int e = errno;
    ::close(send_fd);
    ::close(receive_fd);
    return Error{std::string("--syn: packet filter: ") + std::strerror(e)};
  }
  // Replies arrive in bursts at high rates; a large buffer keeps them (root may exceed
  // rmem_max with the FORCE variants; fall back silently to the plain ones).
  size = 16 << 20;
  if (::setsockopt(receive_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
    ::setsockopt(receive_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  return std::unique_ptr<SynSocket>(new SynSocket(io, send_fd, receive_fd));
}

SynSocket::SynSocket(asio::io_context& io, int send_fd, int receive_fd)
    : send_fd_(send_fd), receive_(io), packets_(kBatch * kSynPacketSize), destinations_(kBatch) {
  if (receive_fd >= 0) {
    receive_.assign(receive_fd);
    receive_fd_ = receive_fd;
  }
}

SynSocket::~SynSocket() {
  Close();
  ::close(send_fd_);
}

void SynSocket::Close() {
  std::error_code ignored;
  receive_.close(ignored);
  receive_fd_ = -1;
  if (shared_receive_fd_ >= 0) ::close(shared_receive_fd_);
  shared_receive_fd_ = -1;
  on_packet_ = nullptr;
}

int SynSocket::receive_descriptor() const {
  return receive_fd_ >= 0 ? receive_fd_ : shared_receive_fd_;
}

Status SynSocket::ShareReceive(int receive_fd) {
  shared_receive_fd_ = ::fcntl(receive_fd, F_DUPFD_CLOEXEC, 0);
  if (shared_receive_fd_ < 0) return Error{std::string("--syn: dup: ") + std::strerror(errno)};
  return Status::Ok();
}

Result<Ipv4> SynSocket::SourceFor(Ipv4 destination) {
  auto it = source_by_24_.find(Slash24(destination));
  if (it != source_by_24_.end()) return it->second;
  // A connected UDP socket asks the routing table; nothing is sent.
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("route lookup: ") + std::strerror(errno)};
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(9);
  to.sin_addr.s_addr = htonl(destination);
  sockaddr_in local{};
  socklen_t len = sizeof local;
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0;
  const int e = errno;
  ::close(fd);
  if (!ok) return Error{"no route to " + FormatIpv4(destination) + ": " + std::strerror(e)};
  const Ipv4 source = ntohl(local.sin_addr.s_addr);
  source_by_24_.emplace(Slash24(destination), source);
  return source;
}

void SynSocket::Queue(Ipv4 destination, std::span<const uint8_t> packet) {
  std::memcpy(packets_.data() + count_ * kSynPacketSize, packet.data(), kSynPacketSize);
  destinations_[count_] = destination;
  ++count_;
}

size_t SynSocket::Flush() {
  if (count_ == 0) return 0;
  mmsghdr messages[kBatch];
  iovec vectors[kBatch];
  sockaddr_in addresses[kBatch];
  for (size_t i = 0; i < count_; ++i) {
    addresses[i] = sockaddr_in{};
    addresses[i].sin_family = AF_INET;
    addresses[i].sin_addr.s_addr = htonl(destinations_[i]);
    vectors[i] = iovec{packets_.data() + i * kSynPacketSize, kSynPacketSize};
    messages[i] = mmsghdr{};
    messages[i].msg_hdr.msg_name = &addresses[i];
    messages[i].msg_hdr.msg_namelen = sizeof addresses[i];
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  const int sent = ::sendmmsg(send_fd_, messages, static_cast<unsigned>(count_), 0);
  if (sent <= 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR) return 0;
    // Anything else (a firewall's EPERM, no route) will not pass on retry: drop the
    // batch rather than spin on it.
    dropped_ += count_;
    count_ = 0;
    return 0;
  }
  const size_t n = static_cast<size_t>(sent);
  std::memmove(packets_.data(), packets_.data() + n * kSynPacketSize,
               (count_ - n) * kSynPacketSize);
  std::copy(destinations_.begin() + static_cast<long>(n),
            destinations_.begin() + static_cast<long>(count_), destinations_.begin());
  count_ -= n;
  return n;
}

void SynSocket::ReceiveLoop(std::function<void(std::span<const uint8_t>)> on_packet) {
  on_packet_ = std::move(on_packet);
  if (receive_.is_open()) WaitReceive();
}

void SynSocket::WaitReceive() {
  receive_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const std::error_code& ec) {
    if (ec || !on_packet_) return;
    ReceiveNow();
    if (on_packet_) WaitReceive();
  });
}

void SynSocket::ReceiveNow() {
  constexpr size_t kSlots = 64, kSlot = 128;  // the filter keeps 128 bytes a packet
  mmsghdr messages[kSlots];
  iovec vectors[kSlots];
  while (on_packet_) {
    for (size_t i = 0; i < kSlots; ++i) {
      vectors[i] = iovec{receive_buffer_.data() + i * kSlot, kSlot};
      messages[i] = mmsghdr{};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int fd = receive_descriptor();
    if (fd < 0) return;
    const int n = ::recvmmsg(fd, messages, kSlots, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    for (int i = 0; i < n && on_packet_; ++i) {
      const size_t len = std::min<size_t>(messages[i].msg_len, kSlot);
      on_packet_(std::span<const uint8_t>(receive_buffer_.data() + i * kSlot, len));
    }
  }
}

}  // namespace narrowscan
