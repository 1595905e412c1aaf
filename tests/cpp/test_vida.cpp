// Tests of VIDA: hand-computed z-scores and clumpiness, and invariants of the blocked computation.
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "vida.h"

#include <catch2/catch.hpp>

using gpatlas::Clumpiness;

namespace {

// A column-major matrix, the layout vida() reads.
struct Matrix {
  Matrix(int rows, int cols, double fill = 0)
      : n(rows), p(cols), v(static_cast<size_t>(rows) * cols, fill) {}
  double& operator()(int i, int j) { return v[static_cast<size_t>(j) * n + i]; }
  int n, p;
  std::vector<double> v;
};

// Heavy-tailed importances with ~30% zeros.
Matrix random_importance(int n, int p, unsigned seed) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> value(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Matrix x(n, p);
  for (int j = 0; j < p; ++j)
    for (int i = 0; i < n; ++i) x(i, j) = u(rng) < 0.3 ? 0.0 : value(rng);
  return x;
}

gpatlas::VidaResult run_vida(const Matrix& x, const gpatlas::VidaParams& prm = {},
                             const gpatlas::Callbacks& cb = {}) {
  return gpatlas::vida(x.v.data(), x.n, x.p, prm, cb);
}

// NaN-aware equality of two result vectors.
template <class T>
bool same(const std::vector<T>& a, const std::vector<T>& b, double tol = 1e-12) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const double x = a[i], y = b[i];
    if (std::isnan(x) != std::isnan(y)) return false;
    if (!std::isnan(x) && std::fabs(x - y) > tol * (1 + std::fabs(y))) return false;
  }
  return true;
}

int count_finite(const std::vector<double>& v) {
  int k = 0;
  for (double x : v) k += std::isfinite(x);
  return k;
}

}  // namespace

TEST_CASE("z-scores use the non-zero entries and population sd", "[vida]") {
  // Columns: 0 1 2 3 4 0 | 1 0 0 1 2 0 | 2 2 0 2 2 2.
  Matrix x(6, 3);
  x.v = {0, 1, 2, 3, 4, 0, 1, 0, 0, 1, 2, 0, 2, 2, 0, 2, 2, 2};
  Matrix z(6, 3);
  z.v = gpatlas::vida_zscores(x.v.data(), 6, 3);
  REQUIRE(z.v.size() == 18u);
  // Column 0: 1, 2, 3, 4 have mean 2.5 and population sd sqrt(1.25).
  const double sd = std::sqrt(1.25);
  CHECK(z(0, 0) == 0.0);
  CHECK(z(1, 0) == Approx(-1.5 / sd));
  CHECK(z(2, 0) == Approx(-0.5 / sd));
  CHECK(z(3, 0) == Approx(0.5 / sd));
  CHECK(z(4, 0) == Approx(1.5 / sd));
  CHECK(z(5, 0) == 0.0);
  for (int i = 0; i < 6; ++i) {
    CHECK(z(i, 1) == 0.0);  // three non-zero entries are too few
    CHECK(z(i, 2) == 0.0);  // constant: no spread
  }
}

TEST_CASE("clumpiness methods on a hand-computed set", "[vida]") {
  // |z| sorted: 4, 2, 1, 1 (sum 8).
  const std::vector<double> z{1, -2, 4, 1};
  CHECK(gpatlas::vida_clumpiness(z, Clumpiness::concentration, 25) == Approx(4.0 / 8));
  CHECK(gpatlas::vida_clumpiness(z, Clumpiness::concentration, 50) == Approx(6.0 / 8));
  CHECK(gpatlas::vida_clumpiness(z, Clumpiness::concentration, 1) == Approx(4.0 / 8));
  // Gini: sum |a_i - a_j| over ordered pairs / (2 n^2 mean) = 20 / 64.
  CHECK(gpatlas::vida_clumpiness(z, Clumpiness::gini, 5) == Approx(0.3125));
  // Two bins [1, 2.5) and [2.5, 4] hold 3 and 1 values: 1 - H(3/4, 1/4) / log2(2).
  const double h = -(0.75 * std::log2(0.75) + 0.25 * std::log2(0.25));
  CHECK(gpatlas::vida_clumpiness(z, Clumpiness::entropy, 5) == Approx(1 - h));
  // Signed values 1, -2, 4, 1: excess kurtosis 40.5 / 4.5^2 - 3 = -1, so the top 15%
  // (one value) is used.
  CHECK(gpatlas::vida_clumpiness(z, Clumpiness::adaptive, 50) == Approx(0.5));
  // One dominant value: excess kurtosis 431.0577 / 7.29^2 - 3 > 1, top 5% = one value.
  std::vector<double> heavy(10, 1.0);
  heavy[0] = 10;
  CHECK(gpatlas::vida_clumpiness(heavy, Clumpiness::adaptive, 50) == Approx(10.0 / 19));
  // Equal values fill a single bin: fully clumped by the entropy measure, Gini 0.
  CHECK(gpatlas::vida_clumpiness({2, 2, -2, 2}, Clumpiness::entropy, 5) == Approx(1.0));
  CHECK(gpatlas::vida_clumpiness({2, 2, -2, 2}, Clumpiness::gini, 5) == Approx(0.0).margin(1e-15));
  CHECK(gpatlas::vida_clumpiness({5, 1}, Clumpiness::concentration, 5) == 0.0);
}

TEST_CASE("too few non-zero entries leave every allele unscored", "[vida]") {
  Matrix x(3, 5, 1.0);  // 3 individuals: no z-scores at all
  x(0, 0) = 2;
  const auto r = run_vida(x, {});
  REQUIRE(r.alleles.size() == 5);
  for (int c = 0; c < 5; ++c) {
    CHECK(r.n_nonzero[c] == 0);
    CHECK(r.n_extreme[c] == 0);
    CHECK(r.n_partners[c] == -1);
    CHECK(std::isnan(r.score[c]));
  }
}

TEST_CASE("partners are the top fraction of the candidate pairs", "[vida]") {
  // Dense columns: every pair shares all 40 individuals, so each allele has 34 candidates.
  std::mt19937 rng(3);
  std::normal_distribution<double> g(0.0, 1.0);
  Matrix x(40, 35);
  for (int j = 0; j < 35; ++j)
    for (int i = 0; i < 40; ++i) x(i, j) = 5 + g(rng);
  gpatlas::VidaParams prm;
  prm.z_thresholds = {1.0};
  auto r = run_vida(x, prm);
  for (int c = 0; c < 35; ++c) {
    CHECK(r.n_nonzero[c] == 40);
    if (r.n_extreme[c] >= 3) CHECK(r.n_partners[c] == 3);  // floor(0.1 * 34)
  }
  prm.partner_fraction = 0.5;
  r = run_vida(x, prm);
  for (int c = 0; c < 35; ++c)
    if (r.n_extreme[c] >= 3) CHECK(r.n_partners[c] == 17);
}

TEST_CASE("blocking, threads, subsets and the two correlation paths agree", "[vida]") {
  const Matrix x = random_importance(60, 75, 7);
  gpatlas::VidaParams prm;
  prm.z_thresholds = {1.5, 2.0};
  prm.percentiles = {5, 20};
  gpatlas::set_core_threads(1);
  const auto ref = run_vida(x, prm);
  REQUIRE(count_finite(ref.score) > 40);
  REQUIRE(ref.score.size() == 2u * 2u * 75u);

  for (int block : {1, 8, 32}) {
    prm.block_size = block;
    gpatlas::set_core_threads(2);
    const auto r = run_vida(x, prm);
    CHECK(same(r.score, ref.score));
    CHECK(same(r.extreme_ratio_diff, ref.extreme_ratio_diff));
    CHECK(r.n_used == ref.n_used);
    CHECK(r.n_partners == ref.n_partners);
  }
  // Recomputing correlations per block of scored alleles instead of storing them.
  prm.block_size = 16;
  prm.max_store_bytes = 0;
  const auto recomputed = run_vida(x, prm);
  CHECK(same(recomputed.score, ref.score));

  prm.alleles = {70, 3, 41, 12};
  prm.max_store_bytes = 4e9;
  const auto sub = run_vida(x, prm);
  REQUIRE(sub.alleles == prm.alleles);
  for (int t = 0; t < 2; ++t) {
    for (int c = 0; c < 4; ++c) {
      const int k = prm.alleles[c];
      CHECK(sub.n_extreme[sub.at(t, c)] == ref.n_extreme[ref.at(t, k)]);
      CHECK(sub.n_partners[sub.at(t, c)] == ref.n_partners[ref.at(t, k)]);
      for (int q = 0; q < 2; ++q) {
        const double a = sub.score[sub.at(t, q, c)], b = ref.score[ref.at(t, q, k)];
        CHECK(std::isnan(a) == std::isnan(b));
        if (!std::isnan(b)) CHECK(a == Approx(b).epsilon(1e-12));
      }
    }
  }
  gpatlas::set_core_threads(1);
}

TEST_CASE("only a planted co-extreme group is scored, and positively", "[vida]") {
  // Uniform importances on [1, 2] have |z| near sqrt(3) at most (always below 2.2 with ~56
  // values): no allele is extreme at 2.5 except three that are
  // jointly huge in the same three individuals. Each of them has the other two among its
  // partners (co-extreme ratio 80 / 3), so in those individuals the partners hold all the
  // extremes (positive extreme ratio difference) and the top partner dominates the partner
  // set's |z| (positive concentration difference).
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Matrix x(80, 200);
  for (int j = 0; j < 200; ++j)
    for (int i = 0; i < 80; ++i) x(i, j) = u(rng) < 0.3 ? 0.0 : 1 + u(rng);
  const std::vector<int> group{10, 120, 177};
  for (int j : group)
    for (int i : {5, 33, 61}) x(i, j) = 40 + i * 0.1 + j * 0.01;
  gpatlas::VidaParams prm;
  prm.z_thresholds = {2.5};
  const auto r = run_vida(x, prm);
  for (int j = 0; j < 200; ++j) {
    const bool planted = std::find(group.begin(), group.end(), j) != group.end();
    CHECK(r.n_extreme[j] == (planted ? 3 : 0));
    if (planted) {
      CHECK(r.n_partners[j] == 19);  // floor(0.1 * 199)
      CHECK(r.n_used[j] == 3);
      CHECK(r.extreme_ratio_diff[j] > 0);
      CHECK(r.score[j] > 0);
    } else {
      CHECK(std::isnan(r.score[j]));
    }
  }
}

TEST_CASE("bad input and interrupts throw", "[vida]") {
  const Matrix x = random_importance(30, 20, 5);
  gpatlas::VidaParams prm;
  auto bad = prm;
  bad.z_thresholds = {0.0};
  CHECK_THROWS_AS(run_vida(x, bad), std::invalid_argument);
  bad = prm;
  bad.percentiles = {120};
  CHECK_THROWS_AS(run_vida(x, bad), std::invalid_argument);
  bad = prm;
  bad.alleles = {3, 3};
  CHECK_THROWS_AS(run_vida(x, bad), std::invalid_argument);
  bad = prm;
  bad.alleles = {20};
  CHECK_THROWS_AS(run_vida(x, bad), std::invalid_argument);
  Matrix with_nan = x;
  with_nan(1, 1) = std::nan("");
  CHECK_THROWS_AS(run_vida(with_nan, prm), std::invalid_argument);
  CHECK_THROWS_AS(run_vida(Matrix(0, 0), prm), std::invalid_argument);

  gpatlas::Callbacks cb;
  cb.interrupted = [] { return true; };
  CHECK_THROWS_AS(run_vida(x, prm, cb), gpatlas::Interrupted);
}

TEST_CASE("progress comes through the core's callbacks, correlations first", "[vida]") {
  const Matrix x = random_importance(40, 50, 9);
  gpatlas::VidaParams prm;
  prm.z_thresholds = {1.5};
  prm.block_size = 16;  // 4 column blocks: 10 block pairs
  gpatlas::set_core_threads(1);  // one thread reports every unit
  std::vector<gpatlas::Progress> seen;
  gpatlas::Callbacks cb;
  cb.progress = [&](const gpatlas::Progress& p) { seen.push_back(p); };
  run_vida(x, prm, cb);
  std::vector<long> corr, scores;
  for (const auto& p : seen) {
    if (p.task == gpatlas::Task::vida_correlations) {
      CHECK(scores.empty());
      CHECK(p.total == 10);
      corr.push_back(p.done);
    } else {
      REQUIRE(p.task == gpatlas::Task::vida_scores);
      CHECK(p.total == 4);
      scores.push_back(p.done);
    }
  }
  CHECK(corr == std::vector<long>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(scores == std::vector<long>{1, 2, 3, 4});
}
