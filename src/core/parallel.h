// The parallel loop of the core's own kernels (the thread count is set_core_threads()'s).
#pragma once

#include <algorithm>
#include <cstdint>

#include "gpatlas.h"

namespace gpatlas {

// Calls body(begin, end) on contiguous ranges that cover [0, n), in parallel over the core's
// threads. The ranges depend on n and grain only, never on the thread count, so a kernel that
// reduces its ranges' results in range order gives the same numbers on any number of threads.
// The body must not throw.
template <class Body>
void parallel_ranges(int64_t n, int64_t grain, Body&& body) {
  if (n <= 0) return;
  constexpr int64_t kMaxRanges = 64;
  const int64_t ranges =
      std::max<int64_t>(1, std::min<int64_t>(kMaxRanges, n / std::max<int64_t>(grain, 1)));
  const int threads = static_cast<int>(std::min<int64_t>(core_threads(), ranges));
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
  for (int64_t r = 0; r < ranges; ++r) body(n * r / ranges, n * (r + 1) / ranges);
}

}  // namespace gpatlas
