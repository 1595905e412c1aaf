// Fused gradient + Adam update of the first genotype layer, and its column-sum penalty gradient.
#include <algorithm>
#include <cmath>
#include <vector>

#include "gpatlas.h"
#include "parallel.h"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

// Built with -fno-math-errno (a rule of its own in src/Makevars.in): otherwise std::sqrt may
// set errno and the update loop cannot be vectorized (measured 2.5x slower on the yeast data).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GPATLAS_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define GPATLAS_CLONES
#endif

namespace gpatlas {

namespace {

// Adam's second moments of rarely active inputs decay into the subnormal range, where every
// float operation takes a slow microcode path (measured 2.4x slower per step on the yeast
// data).  Values that small cannot move a weight, so they are flushed to zero while the fused
// step runs, and the caller's floating-point mode is restored afterwards.
class FlushDenormals {
 public:
#if defined(__SSE__)
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }  // FTZ | DAZ
  ~FlushDenormals() { _mm_setcsr(saved_); }

 private:
  unsigned int saved_;
#endif
};

struct BlockArgs {
  float* wt;
  float* m;
  float* v;
  const float* x_t;
  const float* delta;
  const float* pen;
  float* colsum;
  int64_t hidden, batch;
  float b1, b2, one_minus_b1, one_minus_b2, step_size, inv_bc2, eps, keep, shrink, lasso;
  const float* x_next_t;  // optional: next batch (features x batch_next)
  int64_t batch_next;
};

#if defined(__GNUC__)
#define GPATLAS_INLINE inline __attribute__((always_inline))
#else
#define GPATLAS_INLINE inline
#endif

// The pieces of adam_block() below, always inlined into it so that each of its clones
// (AVX2 and default) vectorizes them for its own target.

// g = pen_j + sum over the batch of x_jb * delta_b: feature j's gradient row.
GPATLAS_INLINE void gradient_row(const BlockArgs& a, int64_t j, float* g) {
  const int64_t hidden = a.hidden;
  const float* xj = a.x_t + j * a.batch;
  const float p = a.pen[j];
  // `omp simd` vectorizes regardless of R's -O2 cost model, which otherwise leaves these
  // loops scalar (measured 2x slower).
#pragma omp simd
  for (int64_t h = 0; h < hidden; ++h) g[h] = p;
  for (int64_t b = 0; b < a.batch; ++b) {
    const float xb = xj[b];
    if (xb == 0.0f) continue;
    const float* db = a.delta + b * hidden;
#pragma omp simd
    for (int64_t h = 0; h < hidden; ++h) g[h] += xb * db[h];
  }
}

// Proximal lasso step in Adam's metric: the threshold of each weight is lr * lasso divided by
// its own Adam denominator, so a weight stays at zero while the magnitude of its loss gradient
// is below `lasso`, as the lasso's optimality condition asks.
GPATLAS_INLINE void adam_row_lasso(const BlockArgs& a, const float* g, float* wj, float* mj,
                                   float* vj) {
  const float b1 = a.b1, b2 = a.b2, c1 = a.one_minus_b1, c2 = a.one_minus_b2;
  const float keep = a.keep, step_size = a.step_size, inv_bc2 = a.inv_bc2, eps = a.eps;
  const float lasso = a.lasso;
#pragma omp simd
  for (int64_t h = 0; h < a.hidden; ++h) {
    const float gh = g[h];
    const float mh = mj[h] * b1 + gh * c1;
    const float vh = vj[h] * b2 + gh * gh * c2;
    const float inv = 1.0f / (std::sqrt(vh) * inv_bc2 + eps);
    const float step = wj[h] * keep - step_size * mh * inv;
    // sign(step) max(|step| - threshold, 0), with max(y, 0) written as (y + |y|) / 2
    // (exact in floating point) so that the loop has no branch and vectorizes.
    const float over = std::fabs(step) - lasso * inv;
    mj[h] = mh;
    vj[h] = vh;
    wj[h] = std::copysign(0.5f * (over + std::fabs(over)), step);
  }
}

// Plain Adam, keeping its exact arithmetic (mh / denom), so fits without the lasso are
// unchanged bit for bit.
GPATLAS_INLINE void adam_row_plain(const BlockArgs& a, const float* g, float* wj, float* mj,
                                   float* vj) {
#pragma omp simd
  for (int64_t h = 0; h < a.hidden; ++h) {
    const float gh = g[h];
    const float mh = mj[h] * a.b1 + gh * a.one_minus_b1;
    const float vh = vj[h] * a.b2 + gh * gh * a.one_minus_b2;
    const float denom = std::sqrt(vh) * a.inv_bc2 + a.eps;
    mj[h] = mh;
    vj[h] = vh;
    wj[h] = wj[h] * a.keep - a.step_size * (mh / denom);
  }
}

// Lane-wise partial sums keep the loops vectorizable without reassociating float math.
constexpr int kLanes = 16;

// Proximal group-lasso step: the row scaled by max(0, 1 - shrink / ||w_j||_2).
GPATLAS_INLINE void group_shrink_row(float* wj, int64_t hidden, float shrink) {
  float sq[kLanes] = {0};
  int64_t k = 0;
  for (; k + kLanes <= hidden; k += kLanes)
    for (int q = 0; q < kLanes; ++q) sq[q] += wj[k + q] * wj[k + q];
  float ss = 0.0f;
  for (; k < hidden; ++k) ss += wj[k] * wj[k];
  for (int q = 0; q < kLanes; ++q) ss += sq[q];
  const float norm = std::sqrt(ss);
  const float scale = norm > shrink ? 1.0f - shrink / norm : 0.0f;
#pragma omp simd
  for (int64_t q = 0; q < hidden; ++q) wj[q] *= scale;
}

GPATLAS_INLINE float row_sum(const float* wj, int64_t hidden) {
  float acc[kLanes] = {0};
  int64_t h = 0;
  for (; h + kLanes <= hidden; h += kLanes)
    for (int k = 0; k < kLanes; ++k) acc[k] += wj[h + k];
  float s = 0.0f;
  for (; h < hidden; ++h) s += wj[h];
  for (int k = 0; k < kLanes; ++k) s += acc[k];
  return s;
}

// The updated row's share of the next batch's first pre-activation.
GPATLAS_INLINE void add_to_next(const BlockArgs& a, int64_t j, const float* wj, float* next_acc) {
  const float* xn = a.x_next_t + j * a.batch_next;
  for (int64_t b = 0; b < a.batch_next; ++b) {
    const float xb = xn[b];
    if (xb == 0.0f) continue;
    float* out = next_acc + b * a.hidden;
#pragma omp simd
    for (int64_t k = 0; k < a.hidden; ++k) out[k] += xb * wj[k];
  }
}

// One pass over a block of features: the gradient row is built in a small buffer that stays in
// L1 cache, then weights and both moments are read and written exactly once.  This is where
// stage 2 spends its time: the three arrays are ~190 MB each on the yeast data.  While an
// updated row is still in cache it is also added into the next batch's pre-activation, which
// saves the separate pass over the weights that a matrix product would need.
GPATLAS_CLONES
void adam_block(const BlockArgs& a, int64_t begin, int64_t end, float* g, float* next_acc) {
  const int64_t hidden = a.hidden;
  for (int64_t j = begin; j < end; ++j) {
    gradient_row(a, j, g);
    float* wj = a.wt + j * hidden;
    float* mj = a.m + j * hidden;
    float* vj = a.v + j * hidden;
    if (a.lasso > 0) {
      adam_row_lasso(a, g, wj, mj, vj);
    } else {
      adam_row_plain(a, g, wj, mj, vj);
    }
    if (a.shrink > 0) group_shrink_row(wj, hidden, a.shrink);
    a.colsum[j] = row_sum(wj, hidden);
    if (a.x_next_t) add_to_next(a, j, wj, next_acc);
  }
}

}  // namespace

void fused_adam_first_layer(float* wt, float* m, float* v, const float* x_t, const float* delta,
                            const float* pen, float* colsum, int64_t features, int64_t hidden,
                            int64_t batch, const AdamState& st, const float* x_next_t,
                            int64_t batch_next, float* pre_next) {
  const double bc1 = 1.0 - std::pow(st.beta1, static_cast<double>(st.step));
  const double bc2 = 1.0 - std::pow(st.beta2, static_cast<double>(st.step));
  BlockArgs a{wt, m, v, x_t, delta, pen, colsum, hidden, batch,
              static_cast<float>(st.beta1), static_cast<float>(st.beta2),
              static_cast<float>(1.0 - st.beta1), static_cast<float>(1.0 - st.beta2),
              static_cast<float>(st.lr / bc1), 1.0f / static_cast<float>(std::sqrt(bc2)),
              static_cast<float>(st.eps), static_cast<float>(1.0 - st.lr * st.weight_decay),
              static_cast<float>(st.lr * st.group_lasso), static_cast<float>(st.lr * st.lasso),
              pre_next ? x_next_t : nullptr, batch_next};
  // Contiguous chunks of at least ~64k weights (at most 64 of them), each with its own
  // accumulator for the next batch, summed in chunk order: the chunks depend on the layer's
  // size alone, so the result is the same on any number of threads.
  const int64_t min_rows = std::max<int64_t>(16, (int64_t{1} << 16) / std::max<int64_t>(hidden, 1));
  const int64_t acc_size = a.x_next_t ? batch_next * hidden : 0;
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>(64, features / min_rows));
  std::vector<std::vector<float>> next_acc(static_cast<size_t>(chunks));
  parallel_ranges(chunks, 1, [&](int64_t c0, int64_t c1) {
    FlushDenormals flush;
    std::vector<float> g(static_cast<size_t>(hidden));
    for (int64_t c = c0; c < c1; ++c) {
      next_acc[c].assign(static_cast<size_t>(acc_size), 0.0f);
      adam_block(a, features * c / chunks, features * (c + 1) / chunks, g.data(),
                 next_acc[c].data());
    }
  });
  if (a.x_next_t) {
    std::copy(next_acc[0].begin(), next_acc[0].end(), pre_next);
    for (int64_t c = 1; c < chunks; ++c)
      for (int64_t k = 0; k < acc_size; ++k) pre_next[k] += next_acc[c][k];
  }
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

}  // namespace gpatlas
