// Fused gradient + Adam update of the first genotype layer, and its column-sum penalty gradient.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "gpatlas.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "no-math-errno")
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GPATLAS_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define GPATLAS_CLONES
#endif

namespace gpatlas {

namespace {

// One pass over a block of features: the gradient row is built in a small buffer that stays in
// L1 cache, then weights and both moments are read and written exactly once.  This is where
// stage 2 spends its time: the three arrays are ~190 MB each on the yeast data.
GPATLAS_CLONES
void adam_block(float* wt, float* m, float* v, const float* x_t, const float* delta,
                const float* pen, float* colsum, int64_t begin, int64_t end, int64_t hidden,
                int64_t batch, float b1, float b2, float one_minus_b1, float one_minus_b2,
                float step_size, float bc2_sqrt, float eps, float* g) {
  const float inv_bc2 = 1.0f / bc2_sqrt;
  for (int64_t j = begin; j < end; ++j) {
    const float* xj = x_t + j * batch;
    const float p = pen[j];
    for (int64_t h = 0; h < hidden; ++h) g[h] = p;
    for (int64_t b = 0; b < batch; ++b) {
      const float xb = xj[b];
      if (xb == 0.0f) continue;
      const float* db = delta + b * hidden;
      for (int64_t h = 0; h < hidden; ++h) g[h] += xb * db[h];
    }
    float* wj = wt + j * hidden;
    float* mj = m + j * hidden;
    float* vj = v + j * hidden;
    for (int64_t h = 0; h < hidden; ++h) {
      const float gh = g[h];
      const float mh = mj[h] * b1 + gh * one_minus_b1;
      const float vh = vj[h] * b2 + gh * gh * one_minus_b2;
      const float denom = std::sqrt(vh) * inv_bc2 + eps;
      const float wh = wj[h] - step_size * (mh / denom);
      mj[h] = mh;
      vj[h] = vh;
      wj[h] = wh;
    }
    // Lane-wise partial sums keep both loops vectorizable without reassociating float math.
    constexpr int kLanes = 16;
    float acc[kLanes] = {0};
    int64_t h = 0;
    for (; h + kLanes <= hidden; h += kLanes)
      for (int k = 0; k < kLanes; ++k) acc[k] += wj[h + k];
    float s = 0.0f;
    for (; h < hidden; ++h) s += wj[h];
    for (int k = 0; k < kLanes; ++k) s += acc[k];
    colsum[j] = s;
  }
}

}  // namespace

void fused_adam_first_layer(float* wt, float* m, float* v, const float* x_t, const float* delta,
                            const float* pen, float* colsum, int64_t features, int64_t hidden,
                            int64_t batch, const AdamState& st) {
  const double bc1 = 1.0 - std::pow(st.beta1, static_cast<double>(st.step));
  const double bc2 = 1.0 - std::pow(st.beta2, static_cast<double>(st.step));
  const float step_size = static_cast<float>(st.lr / bc1);
  const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
  const float b1 = static_cast<float>(st.beta1), b2 = static_cast<float>(st.beta2);
  const float omb1 = static_cast<float>(1.0 - st.beta1), omb2 = static_cast<float>(1.0 - st.beta2);
  const float eps = static_cast<float>(st.eps);
  // Each feature row is independent, so any split over threads gives identical results.
  // Chunks of at least ~256k weights keep small models on one thread, where waking a team
  // would cost more than the work.
  const int64_t grain = std::max<int64_t>(16, (int64_t{1} << 18) / std::max<int64_t>(hidden, 1));
  at::parallel_for(0, features, grain, [&](int64_t begin, int64_t end) {
    std::vector<float> g(static_cast<size_t>(hidden));
    adam_block(wt, m, v, x_t, delta, pen, colsum, begin, end, hidden, batch, b1, b2, omb1, omb2,
               step_size, bc2_sqrt, eps, g.data());
  });
}

double penalty_gradient(const float* colsum, int64_t features, double l1, double l2, float* pen) {
  double abs_sum = 0, sq_sum = 0;
  for (int64_t j = 0; j < features; ++j) {
    abs_sum += std::fabs(static_cast<double>(colsum[j]));
    sq_sum += static_cast<double>(colsum[j]) * colsum[j];
  }
  const double norm2 = std::sqrt(sq_sum);
  for (int64_t j = 0; j < features; ++j) {
    const double s = colsum[j];
    const double sign = (s > 0) - (s < 0);
    const double g2 = norm2 > 0 ? s / norm2 : 0.0;
    pen[j] = static_cast<float>(l1 * sign + l2 * g2);
  }
  return l1 * abs_sum + l2 * norm2;
}

int torch_threads() { return at::get_num_threads(); }

void set_torch_threads(int n) {
  if (n > 0) at::set_num_threads(n);
}

}  // namespace gpatlas
