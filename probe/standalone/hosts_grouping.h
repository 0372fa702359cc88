// Groups per-pair results into the design's hosts JSONL (§7), the input of
// `narrowscan estimate`: one line per IP with at least one open port,
// {"ip","open_ports":[…],"banners":[{"port","service","banner"|"banner_b64","tls":{subject,issuer}}]}.
// Hosts come out in address order, ports ascending; a pair reported twice (a resumed
// scan redoing in-flight pairs) counts once, the later result winning.
#ifndef NARROWSCAN_PROBE_STANDALONE_HOSTS_GROUPING_H_
#define NARROWSCAN_PROBE_STANDALONE_HOSTS_GROUPING_H_

#include <cstdio>
#include <map>
#include <string>

#include "common/result.h"
#include "probe/engine/scan_result.h"

namespace narrowscan {

class HostsGrouping {
 public:
  void Add(const ScanResult& result);  // keeps open results only
  // Reads a results JSONL file (as `scan` writes without --hosts) and adds each line;
  // errors name the file and line.
  Status AddResultsFile(const std::string& path);
  // One host per line.
  Status Write(std::FILE* out) const;
  size_t hosts() const { return hosts_.size(); }

 private:
  struct Banner {
    std::string service, banner, subject, issuer;
    bool tls = false;
  };
  std::map<Ipv4, std::map<uint16_t, Banner>> hosts_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_STANDALONE_HOSTS_GROUPING_H_
