#include "controller/report/fleet_hosts_source.h"

#include "controller/fleet/fleet_reader.h"
#include "controller/fleet/round_hosts.h"

namespace narrowscan {

Result<std::vector<Host>> LoadRoundHosts(Store& store, int64_t round) {
  if (round == 0) {
    auto latest = fleet::FleetReader(store).LatestResultRound();
    if (!latest.ok()) return Error{latest.error()};
    round = *latest;
  }
  auto reader = fleet::RoundHostReader::Create(store);
  if (!reader.ok()) return Error{reader.error()};
  std::vector<Host> hosts;
  if (Status s =
          reader->Read(round, 0, ~Ipv4{0}, [&](Ipv4, Host& h) { hosts.push_back(std::move(h)); });
      !s.ok())
    return Error{s.error()};
  return hosts;
}

}  // namespace narrowscan
