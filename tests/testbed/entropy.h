// SplitMix64: the testbed's only source of pseudo-randomness. Deterministic across
// platforms (unlike std::uniform_int_distribution), so a seed names one population.
#ifndef NARROWSCAN_TESTS_TESTBED_ENTROPY_H_
#define NARROWSCAN_TESTS_TESTBED_ENTROPY_H_

#include <cstdint>

namespace narrowscan::testbed {

inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t Mix64(uint64_t a, uint64_t b) { return Mix64(a ^ Mix64(b)); }

// A sequential generator: each call returns the next value of the SplitMix64 stream.
class Entropy {
 public:
  explicit Entropy(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return Mix64(state_++ * 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, n) by multiply-shift (bias < n / 2^64, irrelevant here). REQUIRES n > 0.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((unsigned __int128){Next()} * n >> 64);
  }

 private:
  uint64_t state_;
};

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_ENTROPY_H_
