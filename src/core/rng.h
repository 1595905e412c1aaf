// The core's random number generator (plain C++, shared by the networks and the model).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace gpatlas {

// xoshiro256** seeded through splitmix64: fast, and identical on every platform, so the
// shuffles and genotype noise of a seed never change with the standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  uint64_t below(uint64_t n) { return next() % n; }  // bias is < 2^-40 for our n

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Every seed of a model (its folds, each network's validation individuals and training) comes
// from one user seed: stream s of seed x is the generator Rng(x + s * 2^32), so no two uses
// share random numbers.
inline Rng stream_rng(uint64_t seed, uint64_t stream) { return Rng(seed + (stream << 32)); }

// A uniformly random permutation of 0..n-1 (Fisher-Yates).
inline std::vector<int> permutation(int n, Rng& rng) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  for (int i = n - 1; i > 0; --i) std::swap(v[i], v[rng.below(static_cast<uint64_t>(i) + 1)]);
  return v;
}

}  // namespace gpatlas
