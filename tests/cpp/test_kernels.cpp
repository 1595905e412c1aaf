// Tests of the hand-written numerical kernels: fused first-layer Adam, penalty gradient, genotype noise.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "nets.h"

// LibTorch pulls in glog, whose CHECK aborts the process; being a system header, its clash with
// Catch's CHECK is silent and whichever comes last wins.  Catch must come last.
#undef CHECK
#include <catch2/catch.hpp>

using namespace gpatlas;

namespace {

std::vector<float> to_vec(const torch::Tensor& t) {
  auto c = t.detach().contiguous().to(torch::kFloat);
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Largest violation of |got - want| <= atol + rtol * |want|, as a multiple of the allowance,
// so a single CHECK(worst <= 1) covers a whole array and still reports how far off it was.
double worst_ratio(const std::vector<float>& got, const std::vector<float>& want, double atol,
                   double rtol) {
  if (got.size() != want.size()) return HUGE_VAL;
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double allow = atol + rtol * std::fabs(static_cast<double>(want[i]));
    worst = std::max(worst, std::fabs(static_cast<double>(got[i]) - want[i]) / allow);
  }
  return worst;
}

double max_abs(const std::vector<float>& v) {
  double m = 0;
  for (float x : v) m = std::max(m, std::fabs(static_cast<double>(x)));
  return m;
}

// Restores LibTorch's thread count even when an assertion aborts the test case.
struct ThreadGuard {
  int saved = core_threads();
  ~ThreadGuard() { set_core_threads(saved); }
};

struct LayerState {
  std::vector<float> wt, m, v, colsum, pen;
};

LayerState fresh_state(const torch::Tensor& wt0) {
  LayerState s;
  s.wt = to_vec(wt0);
  s.m.assign(s.wt.size(), 0.0f);
  s.v.assign(s.wt.size(), 0.0f);
  s.colsum = to_vec(wt0.sum(1));
  s.pen.assign(wt0.size(0), 0.0f);
  return s;
}

// The trainer's order of operations: penalty from the previous step's column sums, then the update.
void our_step(LayerState& s, const std::vector<float>& x_t, const std::vector<float>& delta,
              int64_t F, int64_t H, int64_t B, double l1, double l2, double lr, long step,
              double weight_decay = 0) {
  penalty_gradient(s.colsum.data(), F, l1, l2, s.pen.data());
  fused_adam_first_layer(s.wt.data(), s.m.data(), s.v.data(), x_t.data(), delta.data(),
                         s.pen.data(), s.colsum.data(), F, H, B,
                         {lr, 0.5, 0.999, 1e-8, step, weight_decay});
}

}  // namespace

TEST_CASE("fused first-layer Adam matches LibTorch autograd and torch::optim::Adam", "[fused_adam]") {
  const int64_t F = 37, H = 19, B = 5;
  // lr is large enough that each step moves weights far beyond the comparison tolerance.
  const double lr = 1e-2, l1 = 0.3, l2 = 0.05;
  torch::manual_seed(11);
  const auto wt0 = torch::rand({F, H}) * 0.4 - 0.2;

  // Reference: the textbook formulation on the usual (hidden x features) weight matrix.
  auto W = wt0.t().contiguous().clone().set_requires_grad(true);
  torch::optim::Adam opt({W}, torch::optim::AdamOptions(lr).betas({0.5, 0.999}).eps(1e-8));

  LayerState ours = fresh_state(wt0);
  for (long step = 1; step <= 4; ++step) {
    INFO("step " << step);
    // Three steps with one-hot style 0/1 inputs as in training, then one with general values,
    // because the kernel's contract is a float input matrix, not a binary one.
    auto x_t = torch::bernoulli(torch::full({F, B}, 0.5));
    if (step == 4) x_t = x_t * (torch::rand({F, B}) * 2.0 + 0.1);
    const auto delta = torch::randn({B, H});

    opt.zero_grad();
    const auto X = x_t.t();
    const auto s = W.sum(0);
    const auto loss = (delta * X.mm(W.t())).sum() + l1 * s.abs().sum() + l2 * s.norm();
    loss.backward();
    opt.step();

    const auto before = ours.wt;
    our_step(ours, to_vec(x_t), to_vec(delta), F, H, B, l1, l2, lr, step);

    const auto want_w = to_vec(W.detach().t());
    CHECK(worst_ratio(ours.wt, want_w, 1e-5, 1e-5) <= 1.0);
    // Guards against a kernel that silently does nothing: the step must be visible at this scale.
    CHECK(worst_ratio(before, want_w, 1e-5, 1e-5) > 100.0);

    REQUIRE(opt.state().size() == 1);
    auto& st = static_cast<torch::optim::AdamParamState&>(*opt.state().begin()->second);
    const auto want_m = to_vec(st.exp_avg().t());
    const auto want_v = to_vec(st.exp_avg_sq().t());
    CHECK(worst_ratio(ours.m, want_m, 1e-5 * max_abs(want_m), 1e-5) <= 1.0);
    CHECK(worst_ratio(ours.v, want_v, 1e-5 * max_abs(want_v), 1e-5) <= 1.0);

    double worst_colsum = 0;
    for (int64_t j = 0; j < F; ++j) {
      double row = 0;
      for (int64_t h = 0; h < H; ++h) row += ours.wt[j * H + h];
      worst_colsum = std::max(worst_colsum, std::fabs(row - ours.colsum[j]));
    }
    CHECK(worst_colsum < 1e-5);
  }
}

TEST_CASE("fused first-layer weight decay matches torch::optim::AdamW", "[fused_adam]") {
  const int64_t F = 23, H = 11, B = 4;
  const double lr = 1e-2, wd = 3.0;  // strong decay, so a missing decay term fails clearly
  torch::manual_seed(5);
  const auto wt0 = torch::rand({F, H}) * 0.4 - 0.2;
  auto W = wt0.t().contiguous().clone().set_requires_grad(true);
  torch::optim::AdamW opt({W}, torch::optim::AdamWOptions(lr).betas({0.5, 0.999}).eps(1e-8)
                                   .weight_decay(wd));
  LayerState ours = fresh_state(wt0);
  LayerState plain = fresh_state(wt0);
  for (long step = 1; step <= 3; ++step) {
    INFO("step " << step);
    const auto x_t = torch::bernoulli(torch::full({F, B}, 0.5));
    const auto delta = torch::randn({B, H});
    opt.zero_grad();
    const auto loss = (delta * x_t.t().mm(W.t())).sum();
    loss.backward();
    opt.step();
    our_step(ours, to_vec(x_t), to_vec(delta), F, H, B, 0, 0, lr, step, wd);
    our_step(plain, to_vec(x_t), to_vec(delta), F, H, B, 0, 0, lr, step, 0);
    const auto want_w = to_vec(W.detach().t());
    CHECK(worst_ratio(ours.wt, want_w, 1e-5, 1e-5) <= 1.0);
    CHECK(worst_ratio(plain.wt, want_w, 1e-5, 1e-5) > 10.0);
  }
}

TEST_CASE("the group-lasso step shrinks each input's weight row and zeroes small ones",
          "[fused_adam]") {
  const int64_t F = 40, H = 24, B = 6;
  const double lr = 1e-2, lambda = 10.0;  // threshold lr * lambda = 0.1
  torch::manual_seed(8);
  // Rows of very different norms: some far below the threshold, some far above.
  auto wt0 = torch::randn({F, H}) * 0.002;
  wt0.narrow(0, 0, 10).mul_(100.0);
  const auto x_t = torch::bernoulli(torch::full({F, B}, 0.5));
  const auto delta = torch::randn({B, H});
  LayerState plain = fresh_state(wt0), prox = fresh_state(wt0);
  our_step(plain, to_vec(x_t), to_vec(delta), F, H, B, 0, 0, lr, 1);
  penalty_gradient(prox.colsum.data(), F, 0, 0, prox.pen.data());
  fused_adam_first_layer(prox.wt.data(), prox.m.data(), prox.v.data(), to_vec(x_t).data(),
                         to_vec(delta).data(), prox.pen.data(), prox.colsum.data(), F, H, B,
                         {lr, 0.5, 0.999, 1e-8, 1, 0.0, lambda});
  int zeroed = 0, kept = 0;
  for (int64_t j = 0; j < F; ++j) {
    double norm = 0;
    for (int64_t h = 0; h < H; ++h) norm += std::pow(plain.wt[j * H + h], 2);
    norm = std::sqrt(norm);
    const double scale = norm > lr * lambda ? 1.0 - lr * lambda / norm : 0.0;
    double row = 0;
    for (int64_t h = 0; h < H; ++h) {
      CHECK(prox.wt[j * H + h] == Approx(plain.wt[j * H + h] * scale).margin(1e-7));
      row += prox.wt[j * H + h];
    }
    CHECK(prox.colsum[j] == Approx(row).margin(1e-6));
    if (scale == 0.0) ++zeroed; else ++kept;
  }
  CHECK(zeroed > 0);
  CHECK(kept > 0);
}

TEST_CASE("the lasso step is Adam followed by soft-thresholding at lr * lasso / denominator",
          "[fused_adam]") {
  const int64_t F = 30, H = 16, B = 5;
  const double lr = 1e-2, lambda = 0.5, b2 = 0.999, eps = 1e-8;
  torch::manual_seed(21);
  auto wt0 = torch::randn({F, H}) * 0.01;
  LayerState prox = fresh_state(wt0);
  int zeros = 0, nonzeros = 0;
  for (long step = 1; step <= 4; ++step) {
    INFO("step " << step);
    const auto x_t = torch::bernoulli(torch::full({F, B}, 0.5));
    // Gradients of very different sizes per input, so some weights end at zero and some not.
    const auto delta = torch::randn({B, H}) * (step % 2 ? 3.0 : 0.05);
    // Slow reference: the plain kernel on a copy, then the textbook soft-threshold.
    LayerState ref = prox;
    our_step(ref, to_vec(x_t), to_vec(delta), F, H, B, 0, 0, lr, step);
    penalty_gradient(prox.colsum.data(), F, 0, 0, prox.pen.data());
    fused_adam_first_layer(prox.wt.data(), prox.m.data(), prox.v.data(), to_vec(x_t).data(),
                           to_vec(delta).data(), prox.pen.data(), prox.colsum.data(), F, H, B,
                           {lr, 0.5, b2, eps, step, 0.0, 0.0, lambda});
    const double bc2 = 1.0 - std::pow(b2, static_cast<double>(step));
    zeros = nonzeros = 0;
    for (size_t k = 0; k < ref.wt.size(); ++k) {
      const double denom = std::sqrt(ref.v[k] / bc2) + eps;
      const double thr = lr * lambda / denom;
      const double w = ref.wt[k];
      const double want = std::fabs(w) > thr ? w - std::copysign(thr, w) : 0.0;
      CHECK(prox.wt[k] == Approx(want).margin(1e-6));
      CHECK(prox.m[k] == ref.m[k]);
      CHECK(prox.v[k] == ref.v[k]);
      if (prox.wt[k] == 0.0f) ++zeros; else ++nonzeros;
    }
  }
  CHECK(zeros > 0);
  CHECK(nonzeros > 0);
}

TEST_CASE("fused first-layer Adam gives the same results with 1 and 2 threads", "[fused_adam]") {
  ThreadGuard guard;
  // Enough weights (F x H > 2^19) that the kernel really splits the rows over two threads.
  const int64_t F = 1000, H = 600, B = 6;
  torch::manual_seed(5);
  const auto wt0 = torch::rand({F, H}) * 0.2 - 0.1;
  std::vector<std::vector<float>> xs, deltas;
  for (int k = 0; k < 3; ++k) {
    xs.push_back(to_vec(torch::bernoulli(torch::full({F, B}, 0.3))));
    deltas.push_back(to_vec(torch::randn({B, H})));
  }
  auto run = [&](int threads) {
    set_core_threads(threads);
    REQUIRE(core_threads() == threads);
    LayerState s = fresh_state(wt0);
    for (long step = 1; step <= 3; ++step)
      our_step(s, xs[step - 1], deltas[step - 1], F, H, B, 0.8, 0.01, 1e-3, step);
    return s;
  };
  const LayerState one = run(1);
  const LayerState two = run(2);
  auto close = [](const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    double worst = 0;  // largest difference relative to the value's size
    for (size_t k = 0; k < a.size(); ++k)
      worst = std::max(worst, std::fabs(double(a[k]) - b[k]) / (std::fabs(double(b[k])) + 1e-6));
    CHECK(worst < 1e-5);
  };
  close(one.wt, two.wt);
  close(one.m, two.m);
  close(one.v, two.v);
  close(one.colsum, two.colsum);
}

TEST_CASE("penalty_gradient is the derivative of the penalty it returns", "[penalty]") {
  const int64_t F = 37;
  torch::manual_seed(3);
  // Column sums kept away from 0, where the L1 term has its kink and no derivative.
  const auto mag = torch::rand({F}) * 0.9 + 0.1;
  const auto sign = torch::bernoulli(torch::full({F}, 0.5)) * 2 - 1;
  const std::vector<float> s0 = to_vec(mag * sign);

  const std::pair<double, double> weights[] = {{0.8, 0.01}, {0.8, 0.37}, {0.0, 0.5}, {0.6, 0.0}};
  for (const auto& [l1, l2] : weights) {
    INFO("l1 = " << l1 << ", l2 = " << l2);
    std::vector<float> pen(F), scratch(F);
    const double value = penalty_gradient(s0.data(), F, l1, l2, pen.data());

    double abs_sum = 0, sq_sum = 0;
    for (float x : s0) {
      abs_sum += std::fabs(static_cast<double>(x));
      sq_sum += static_cast<double>(x) * x;
    }
    CHECK(value == Approx(l1 * abs_sum + l2 * std::sqrt(sq_sum)).epsilon(1e-12));

    double worst = 0;
    for (int64_t j = 0; j < F; ++j) {
      std::vector<float> up = s0, down = s0;
      up[j] = static_cast<float>(s0[j] + 1e-3);
      down[j] = static_cast<float>(s0[j] - 1e-3);
      const double p_up = penalty_gradient(up.data(), F, l1, l2, scratch.data());
      const double p_down = penalty_gradient(down.data(), F, l1, l2, scratch.data());
      // Divide by the step actually taken after rounding to float, not the nominal 2h.
      const double fd = (p_up - p_down) / (static_cast<double>(up[j]) - down[j]);
      worst = std::max(worst, std::fabs(fd - pen[j]) / std::max(1e-2, std::fabs(fd)));
    }
    CHECK(worst < 1e-3);
  }

  SECTION("all-zero column sums give a zero gradient rather than NaN") {
    std::vector<float> zeros(F, 0.0f), pen(F, 1.0f);
    CHECK(penalty_gradient(zeros.data(), F, 0.8, 0.01, pen.data()) == 0.0);
    CHECK(std::all_of(pen.begin(), pen.end(), [](float p) { return p == 0.0f; }));
  }
}

namespace {

GenoData random_geno(int n, int loci, int alleles, uint64_t seed) {
  GenoData g;
  g.n = n;
  g.loci = loci;
  g.alleles = alleles;
  g.codes.resize(static_cast<size_t>(n) * loci);
  Rng rng(seed);
  for (auto& c : g.codes) c = static_cast<uint8_t>(rng.below(alleles));
  return g;
}

}  // namespace

TEST_CASE("noisy_onehot_t flips bits at the requested rate in both directions", "[noise]") {
  const int n = 400, L = 500, A = 3;
  const GenoData g = random_geno(n, L, A, 17);
  std::vector<int64_t> rows(n);
  for (int i = 0; i < n; ++i) rows[i] = i;
  std::vector<float> out(static_cast<size_t>(L) * A * n);
  Rng rng(99);
  noisy_onehot_t(g, rows.data(), n, 0.09, rng, out.data());

  int64_t ones = 0, zeros = 0, one_to_zero = 0, zero_to_one = 0, other = 0;
  for (int b = 0; b < n; ++b)
    for (int l = 0; l < L; ++l)
      for (int a = 0; a < A; ++a) {
        const bool truth = g.codes[static_cast<size_t>(b) * L + l] == a;
        const float got = out[(static_cast<size_t>(l) * A + a) * n + b];
        if (got != 0.0f && got != 1.0f) ++other;
        if (truth) {
          ++ones;
          one_to_zero += got == 0.0f;
        } else {
          ++zeros;
          zero_to_one += got == 1.0f;
        }
      }
  CHECK(other == 0);
  // Binomial sd of these rates is below 0.0007, so +-0.005 is ~7 sd yet rejects e.g. 0.08 or 0.1.
  CHECK(static_cast<double>(one_to_zero) / ones == Approx(0.09).margin(0.005));
  CHECK(static_cast<double>(zero_to_one) / zeros == Approx(0.09).margin(0.005));
}

TEST_CASE("noisy_onehot_t without noise is the exact transposed one-hot of the chosen rows", "[noise]") {
  const int n = 12, L = 7, A = 3;
  GenoData g = random_geno(n, L, A, 23);
  g.codes[3 * L + 2] = kMissingCode;
  g.codes[10 * L + 0] = kMissingCode;
  // Rows out of order and with a repeat: the batch follows `rows`, not the storage order.
  const std::vector<int64_t> rows = {10, 3, 0, 11, 3};
  const int64_t R = static_cast<int64_t>(rows.size());
  std::vector<float> out(static_cast<size_t>(L) * A * R, -1.0f);
  Rng rng(1);
  noisy_onehot_t(g, rows.data(), R, 0.0, rng, out.data());

  int64_t mismatches = 0;
  for (int64_t b = 0; b < R; ++b)
    for (int l = 0; l < L; ++l)
      for (int a = 0; a < A; ++a) {
        const uint8_t code = g.codes[static_cast<size_t>(rows[b]) * L + l];
        const float want = code == a ? 1.0f : 0.0f;
        mismatches += out[(static_cast<size_t>(l) * A + a) * R + b] != want;
      }
  CHECK(mismatches == 0);

  // The missing call of individual 3 at locus 2 (batch column 1) is an all-zero block.
  for (int a = 0; a < A; ++a) CHECK(out[(2 * A + a) * R + 1] == 0.0f);
  // A present call has exactly one hot allele.
  float block = 0;
  for (int a = 0; a < A; ++a) block += out[(2 * A + a) * R + 0];
  CHECK(block == 1.0f);

  // Same content as the dense row-major helper the predictor uses.
  const auto dense = to_vec(onehot_rows(g, rows.data(), R).t());
  CHECK(dense == out);
}

TEST_CASE("the fused pass forms the next batch's pre-activation from the updated weights", "[fused_adam]") {
  ThreadGuard guard;
  const int64_t F = 1200, H = 520, B = 5, BN = 7;
  torch::manual_seed(9);
  const auto wt0 = torch::rand({F, H}) * 0.2 - 0.1;
  const auto x = to_vec(torch::bernoulli(torch::full({F, B}, 0.4)));
  const auto delta = to_vec(torch::randn({B, H}));
  const auto x_next = torch::bernoulli(torch::full({F, BN}, 0.4));
  const auto xn = to_vec(x_next);
  for (int threads : {1, 2}) {
    set_core_threads(threads);
    LayerState s = fresh_state(wt0);
    penalty_gradient(s.colsum.data(), F, 0.8, 0.01, s.pen.data());
    std::vector<float> pre_next(static_cast<size_t>(BN) * H, -1.0f);
    fused_adam_first_layer(s.wt.data(), s.m.data(), s.v.data(), x.data(), delta.data(),
                           s.pen.data(), s.colsum.data(), F, H, B, {1e-3, 0.5, 0.999, 1e-8, 1},
                           xn.data(), BN, pre_next.data());
    // Reference: the same product with LibTorch, in double, on the updated weights.
    auto w_new = torch::from_blob(s.wt.data(), {F, H}, torch::kFloat).to(torch::kDouble);
    auto want = to_vec(torch::mm(x_next.t().to(torch::kDouble), w_new));
    CHECK(worst_ratio(pre_next, want, 1e-5, 1e-5) <= 1.0);
    // Without a next batch the same update must leave weights identical.
    LayerState t = fresh_state(wt0);
    penalty_gradient(t.colsum.data(), F, 0.8, 0.01, t.pen.data());
    fused_adam_first_layer(t.wt.data(), t.m.data(), t.v.data(), x.data(), delta.data(),
                           t.pen.data(), t.colsum.data(), F, H, B, {1e-3, 0.5, 0.999, 1e-8, 1});
    CHECK(std::memcmp(s.wt.data(), t.wt.data(), s.wt.size() * sizeof(float)) == 0);
  }
}
