#include "probe/grabbers/grabber_selection.h"

#include <algorithm>
#include <array>

#include "probe/grabbers/ftp.h"
#include "probe/grabbers/generic.h"
#include "probe/grabbers/http.h"
#include "probe/grabbers/imap.h"
#include "probe/grabbers/pop3.h"
#include "probe/grabbers/rtsp.h"
#include "probe/grabbers/smtp.h"
#include "probe/grabbers/ssh.h"
#include "probe/grabbers/telnet.h"

namespace narrowscan {
namespace {

// Sorted. IANA assignments and the usual alternates of embedded devices.
constexpr std::array<uint16_t, 10> kHttpsPorts = {443,  2083, 2087, 4443,  5986,
                                                  7443, 8443, 9443, 10443, 18443};
constexpr std::array<uint16_t, 8> kTlsGreetingPorts = {465, 636, 853, 990, 992, 993, 995, 8883};
constexpr std::array<uint16_t, 3> kRtspPorts = {554, 8554, 10554};
constexpr std::array<uint16_t, 4> kFtpPorts = {21, 990, 2121, 8021};
constexpr std::array<uint16_t, 4> kSmtpPorts = {25, 465, 587, 2525};
constexpr std::array<uint16_t, 3> kTelnetPorts = {23, 992, 2323};

template <size_t N>
bool In(const std::array<uint16_t, N>& sorted, uint16_t port) {
  return std::binary_search(sorted.begin(), sorted.end(), port);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

SilentPortPlan PlanForSilentPort(uint16_t port) {
  if (In(kHttpsPorts, port)) return {true, SilentPortPlan::Inner::kHttp};
  if (In(kTlsGreetingPorts, port)) return {true, SilentPortPlan::Inner::kGreeting};
  if (In(kRtspPorts, port)) return {false, SilentPortPlan::Inner::kRtsp};
  return {false, SilentPortPlan::Inner::kHttp};
}

std::unique_ptr<Grabber> GrabberForGreeting(std::string_view first, uint16_t port,
                                            size_t max_bytes) {
  if (StartsWith(first, "SSH-") || first.find("\nSSH-") != std::string_view::npos) {
    return std::make_unique<SshGrabber>(max_bytes);
  }
  if (!first.empty() && static_cast<uint8_t>(first[0]) == 255) {
    return std::make_unique<TelnetGrabber>(max_bytes);
  }
  if (StartsWith(first, "+OK")) return std::make_unique<Pop3Grabber>(max_bytes);
  if (StartsWith(first, "* OK") || StartsWith(first, "* PREAUTH")) {
    return std::make_unique<ImapGrabber>(max_bytes);
  }
  if (StartsWith(first, "220")) {
    const std::string_view line = first.substr(0, first.find('\n'));
    if (FindNoCase(line, "FTP") != std::string_view::npos) {
      return std::make_unique<FtpGrabber>(max_bytes);
    }
    if (FindNoCase(line, "SMTP") != std::string_view::npos ||
        FindNoCase(line, "mail") != std::string_view::npos || In(kSmtpPorts, port)) {
      return std::make_unique<SmtpGrabber>(max_bytes);
    }
    return std::make_unique<FtpGrabber>(max_bytes);
  }
  if (StartsWith(first, "421") || StartsWith(first, "554")) {  // busy / refused greetings
    if (In(kSmtpPorts, port)) return std::make_unique<SmtpGrabber>(max_bytes);
    if (In(kFtpPorts, port)) return std::make_unique<FtpGrabber>(max_bytes);
  }
  if (In(kTelnetPorts, port)) return std::make_unique<TelnetGrabber>(max_bytes);
  return std::make_unique<GenericGrabber>(max_bytes);
}

std::unique_ptr<Grabber> GrabberForPlan(const SilentPortPlan& plan, size_t max_bytes) {
  if (plan.inner == SilentPortPlan::Inner::kRtsp) return std::make_unique<RtspGrabber>(max_bytes);
  return std::make_unique<HttpGrabber>(max_bytes, plan.tls);
}

}  // namespace narrowscan
