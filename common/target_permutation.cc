#include "common/target_permutation.h"

#include <cassert>
#include <vector>

namespace narrowscan {
namespace {

// Every modulus used here is below 2^49 (the smallest prime above n <= 2^48), so
// products need more than 64 bits. The 128-bit path is exact; the portable path (for
// 32-bit ARM, which has no __int128) multiplies by 14-bit chunks of b so that no
// intermediate exceeds 2^63.
uint64_t MulMod(uint64_t a, uint64_t b, uint64_t m) {
  if (m <= (uint64_t{1} << 32)) return (a * b) % m;  // a, b < 2^32: product fits
#if defined(__SIZEOF_INT128__)
  return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) % m);
#else
  uint64_t result = 0;
  for (int shift = 42; shift >= 0; shift -= 14) {
    result = (result << 14) % m;
    result = (result + a * ((b >> shift) & 0x3fff) % m) % m;
  }
  return result;
#endif
}

uint64_t PowMod(uint64_t base, uint64_t exp, uint64_t m) {
  uint64_t result = 1 % m;
  base %= m;
  while (exp > 0) {
    if (exp & 1) result = MulMod(result, base, m);
    base = MulMod(base, base, m);
    exp >>= 1;
  }
  return result;
}

// Deterministic Miller-Rabin: these bases are exact for every n < 3.3 * 10^24.
bool IsPrime(uint64_t n) {
  if (n < 2) return false;
  static constexpr uint64_t kBases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  for (uint64_t p : kBases) {
    if (n % p == 0) return n == p;
  }
  uint64_t d = n - 1;
  int r = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++r;
  }
  for (uint64_t a : kBases) {
    uint64_t x = PowMod(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int i = 1; i < r; ++i) {
      x = MulMod(x, x, n);
      if (x == n - 1) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// Pollard's rho (Floyd cycle finding) for an odd composite n; returns a non-trivial factor.
uint64_t FindFactor(uint64_t n) {
  for (uint64_t c = 1;; ++c) {
    uint64_t x = 2, y = 2, d = 1;
    auto f = [&](uint64_t v) { return (MulMod(v, v, n) + c) % n; };
    while (d == 1) {
      x = f(x);
      y = f(f(y));
      d = Gcd(x > y ? x - y : y - x, n);
    }
    if (d != n) return d;
  }
}

void CollectPrimeFactors(uint64_t n, std::vector<uint64_t>* factors) {
  if (n == 1) return;
  if (IsPrime(n)) {
    factors->push_back(n);
    return;
  }
  uint64_t d = FindFactor(n);
  CollectPrimeFactors(d, factors);
  CollectPrimeFactors(n / d, factors);
}

// Distinct prime factors of n.
std::vector<uint64_t> PrimeFactors(uint64_t n) {
  std::vector<uint64_t> factors;
  for (uint64_t p = 2; p < 1000 && p * p <= n; ++p) {
    if (n % p == 0) {
      factors.push_back(p);
      while (n % p == 0) n /= p;
    }
  }
  std::vector<uint64_t> large;
  CollectPrimeFactors(n, &large);
  for (uint64_t q : large) {
    bool seen = false;
    for (uint64_t f : factors) seen = seen || f == q;
    if (!seen) factors.push_back(q);
  }
  return factors;
}

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

TargetPermutation::TargetPermutation(uint64_t n, uint64_t seed, uint32_t shard, uint32_t shards)
    : n_(n) {
  assert(n >= 1 && n <= (uint64_t{1} << 48));
  assert(shards >= 1 && shard < shards);
  p_ = n + 1;
  while (!IsPrime(p_)) ++p_;

  // A primitive root g of Z*_p chosen by the seed: g generates the whole group iff
  // g^((p-1)/q) != 1 for every prime q dividing p-1.
  uint64_t rng = seed;
  uint64_t generator = 1;  // p == 2: the group is {1}
  if (p_ > 2) {
    const std::vector<uint64_t> factors = PrimeFactors(p_ - 1);
    while (true) {
      uint64_t candidate = 2 + SplitMix64(&rng) % (p_ - 2);  // in [2, p-1]
      bool primitive = true;
      for (uint64_t q : factors) {
        if (PowMod(candidate, (p_ - 1) / q, p_) == 1) {
          primitive = false;
          break;
        }
      }
      if (primitive) {
        generator = candidate;
        break;
      }
    }
  }
  // The walk starts at a seeded element x0; cycle position t holds x0 * g^t.
  const uint64_t start = 1 + SplitMix64(&rng) % (p_ - 1);
  const uint64_t cycle = p_ - 1;
  g_ = PowMod(generator, shards, p_);
  first_ = MulMod(start, PowMod(generator, shard, p_), p_);
  steps_ = shard < cycle ? (cycle - shard + shards - 1) / shards : 0;
  current_ = first_;
}

std::optional<uint64_t> TargetPermutation::Next() {
  while (position_ < steps_) {
    uint64_t x = current_;
    current_ = MulMod(current_, g_, p_);
    ++position_;
    if (x <= n_) return x - 1;  // group elements 1..n map to indices 0..n-1
  }
  return std::nullopt;
}

void TargetPermutation::Seek(uint64_t position) {
  position_ = position < steps_ ? position : steps_;
  current_ = MulMod(first_, PowMod(g_, position_, p_), p_);
}

}  // namespace narrowscan
