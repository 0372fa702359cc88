// Estimator: which devices of a device DB sit behind one host (design §2).
//
// For every entry d: Sb = Σ weight of d's keywords that match some field of some banner
// of the host; Sp = |Ps ∩ Pd| / |Ps ∪ Pd| (Jaccard; 0 when both are empty), with Ps the
// host's open ports plus the ports of its banners; S = α·Sb + (1−α)·Sp. Every entry
// with S ≥ th (compared with a 1e-9 tolerance, so 0.6 + 0.2 reaches 0.8) is reported,
// ordered by S (descending), then level (descending), then DB order.
//
// Speed: most field values match no keyword, and a regex call costs far more than
// looking at the value, so per field a KeywordPrefilter first rules out keywords by the
// literals and the start their regexes require (keyword_prefilter.h); a plain-text
// keyword is compared outright. A value with a few candidates runs their own regexes
// (with capture groups, so captures need no second run); one with many, and the
// keywords the prefilter cannot filter, go through RE2::Set objects (one pass finds
// every keyword of the set that matches). Capture groups of keywords found by a set
// are run only when the entry is reported. A set too big for its memory budget is
// split; a keyword that fits no set, and any set whose DFA runs out of memory on some
// input, is answered by running the regexes one by one, so the result never depends on
// memory. Fields with more than a few thousand keywords (whole nmap imports) skip the
// prefilter, whose analysis costs about a compile per keyword, and run their sets.
//
// Field values repeat massively in real scans (the same Server, realm and title on
// thousands of hosts), so each thread remembers, per Estimator, which keywords matched
// each (field, value) it ran, within EstimatorOptions::memo_bytes, and reuses the answer
// for the byte-identical value (field_match_memo.h). A thread keeps such memos for the
// last 4 Estimators it used.
//
// Thread safety: after Create(), all const methods may be called concurrently from
// any number of threads (RE2 and RE2::Set are safe for concurrent const use; each call
// keeps its scratch and its memo in buffers of its own thread).
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_ESTIMATOR_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_ESTIMATOR_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "controller/estimation/device_entry.h"
#include "controller/estimation/host.h"

namespace narrowscan {

struct EstimatorOptions {
  double alpha = 1.0;      // weight of Sb against Sp, in [0, 1]
  double threshold = 0.8;  // th, in [0, 1]
  // At most this many keywords per RE2::Set; bounds each set's program and DFA.
  size_t max_set_size = 2048;
  // Memory budget of each set (program + DFA cache). Inputs on which a set's DFA runs
  // out of it are answered by the set's regexes one by one: slower, never different.
  int64_t set_max_mem = int64_t{256} << 20;
  // Memory per thread for remembering which keywords matched a field value (values up
  // to FieldMatchMemo::kMaxValueBytes, compared byte for byte), so repeated values skip
  // RE2. 0 turns it off. Only speed depends on it, never a result.
  size_t memo_bytes = size_t{8} << 20;
};

struct DeviceMatch {
  std::string device;   // entry id
  size_t db_index = 0;  // position in DB order
  double score = 0, banner_score = 0, port_score = 0;
  // Resolved values (templates expanded, named captures applied); bytes as matched.
  std::string vendor, product, model, version, type;
  int level = 0;
  std::map<std::string, std::string> attributes;  // extra values, by name
};

class Estimator {
 public:
  // Fails when an option is out of range or a keyword's regex does not compile
  // (only possible for entries not made by DeviceDbLoader).
  static Result<Estimator> Create(DeviceDb db, EstimatorOptions options = {});

  Estimator(Estimator&&) noexcept;
  Estimator& operator=(Estimator&&) noexcept;
  ~Estimator();

  // The devices estimated for `host` (S ≥ th), best first; empty = not estimated.
  std::vector<DeviceMatch> Estimate(const Host& host) const;

  // The match entry `db_index` gets for `host`, whatever its score. REQUIRES: db_index <
  // db().entries.size().
  DeviceMatch Evaluate(const Host& host, size_t db_index) const;

  const DeviceDb& db() const;
  const EstimatorOptions& options() const;
  size_t keyword_count() const;
  size_t set_count() const;  // RE2::Set objects built (for tools and benchmarks)

 private:
  struct Impl;
  explicit Estimator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_ESTIMATOR_H_
