// VIDA core: masked z-scores, partner selection, per-individual metrics and per-allele scores.
#include "vida.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>

// Eigen's SSE packet traits trip GCC's -Wignored-attributes on every include; the warning is
// about Eigen's own templates and says nothing about this code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
#endif
#include <Eigen/Core>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#ifdef _OPENMP
#include <omp.h>
#endif

namespace gpatlas {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// The reference's minimum counts; below them a quantity is undefined and the allele unscored.
constexpr int kMinNonzero = 4;   // non-zero entries for a column's z-scores
constexpr double kMinShared = 4; // individuals non-zero in both alleles of a pair
constexpr int kMinPartners = 3;
constexpr int kMinSet = 3;       // non-zero partner (and non-partner) z-scores in an individual
constexpr int kMinExtreme = 3;   // extreme individuals of the allele
constexpr int kMinUsed = 3;      // extreme individuals with both sets large enough
// A shared-sample variance below this fraction of the raw second moment is rounding noise of a
// constant column; its correlation is undefined and counts as 0.
constexpr double kVarTol = 1e-12;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

int thread_id() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

// Our loops are the parallel ones; Eigen's own GEMM threading would oversubscribe them (and
// would ignore the core's thread count when a loop runs with one thread), so it is off meanwhile.
class EigenSerial {
 public:
  EigenSerial() : saved_(Eigen::nbThreads()) { Eigen::setNbThreads(1); }
  ~EigenSerial() { Eigen::setNbThreads(saved_); }
  EigenSerial(const EigenSerial&) = delete;
  EigenSerial& operator=(const EigenSerial&) = delete;

 private:
  int saved_;
};

// Stops parallel loops early. R's API may only be touched from the calling thread, which is
// OpenMP thread 0 of every team, so only that thread polls. Exceptions must not leave an
// OpenMP region: the first one is kept and rethrown after the loop.
class Guard {
 public:
  explicit Guard(const Callbacks& cb) : cb_(cb) {}

  bool stopped() const { return stop_.load(std::memory_order_relaxed); }

  void poll() {
    if (thread_id() != 0 || !cb_.interrupted) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(50)) return;
    last_ = now;
    if (cb_.interrupted()) {
      interrupted_ = true;
      stop_ = true;
    }
  }

  void progress(Task task, long done, long total) {
    if (thread_id() == 0 && cb_.progress) cb_.progress({task, done, total});
  }

  void fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = e;
    stop_ = true;
  }

  void rethrow() {
    if (error_) std::rethrow_exception(error_);
    if (interrupted_) throw Interrupted();
  }

 private:
  const Callbacks& cb_;
  std::atomic<bool> stop_{false};
  bool interrupted_ = false;
  std::exception_ptr error_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

template <class F>
void parallel_loop(long count, int threads, Guard& guard, F&& body) {
  // Short loops may run entirely on worker threads, so also poll before each one.
  guard.poll();
  guard.rethrow();
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
#endif
  for (long i = 0; i < count; ++i) {
    if (guard.stopped()) continue;
    try {
      body(i);
      guard.poll();
    } catch (...) {
      guard.fail(std::current_exception());
    }
  }
  guard.rethrow();
}

// ---- clumpiness ---------------------------------------------------------------------------

// Share of the summed |v| in the top ceil(percentile% of len) values; v sorted by |v| desc.
// The expression mirrors the reference's so that the cut-off rounds identically.
double concentration(const double* v, int len, double percentile, double total) {
  const int top = std::min(len, std::max(1, static_cast<int>(std::ceil(percentile / 100.0 * len))));
  double s = 0;
  for (int r = 0; r < top; ++r) s += std::fabs(v[r]);
  return s / total;
}

// v holds one set of z-scores sorted by |v| descending, len >= 1.
double clumpiness_sorted(const double* v, int len, Clumpiness method, double percentile) {
  if (len < 3) return 0.0;
  double total = 0;
  for (int r = 0; r < len; ++r) total += std::fabs(v[r]);
  switch (method) {
    case Clumpiness::concentration:
      return concentration(v, len, percentile, total);
    case Clumpiness::gini: {
      // Ascending-order cumulative sums add up to sum_r (rank from the top) * |v_r|.
      double weighted = 0;
      for (int r = 0; r < len; ++r) weighted += (r + 1.0) * std::fabs(v[r]);
      return (len + 1.0 - 2.0 * weighted / total) / len;
    }
    case Clumpiness::entropy: {
      const int bins = std::min(10, len / 2);
      const double hi = std::fabs(v[0]), lo = std::fabs(v[len - 1]);
      if (!(hi > lo) || bins < 2) return 1.0;  // a single non-empty bin: no entropy
      // Equal-width bins with edges lo + k * step and the last edge exactly hi, each bin
      // closed on the left and the last one on both sides, as numpy.histogram does.
      const double step = (hi - lo) / bins;
      int counts[10] = {0};
      for (int r = 0; r < len; ++r) {
        const double a = std::fabs(v[r]);
        int b = static_cast<int>((a - lo) / (hi - lo) * bins);
        b = std::min(std::max(b, 0), bins - 1);
        while (b > 0 && a < lo + b * step) --b;
        while (b < bins - 1 && a >= lo + (b + 1) * step) ++b;
        ++counts[b];
      }
      double h = 0;
      int filled = 0;
      for (int b = 0; b < bins; ++b) {
        if (!counts[b]) continue;
        const double q = static_cast<double>(counts[b]) / len;
        h -= q * std::log2(q);
        ++filled;
      }
      const double h_max = filled > 1 ? std::log2(static_cast<double>(filled)) : 1.0;
      return 1.0 - h / h_max;
    }
    case Clumpiness::adaptive: {
      double mean = 0;
      for (int r = 0; r < len; ++r) mean += v[r];
      mean /= len;
      double m2 = 0, m4 = 0;
      for (int r = 0; r < len; ++r) {
        const double d2 = (v[r] - mean) * (v[r] - mean);
        m2 += d2;
        m4 += d2 * d2;
      }
      m2 /= len;
      m4 /= len;
      // scipy's kurtosis is NaN for a (numerically) constant set, which never exceeds 1.
      const double resolution = 1e-15 * mean;
      const bool heavy = m2 > resolution * resolution && m4 / (m2 * m2) - 3.0 > 1.0;
      return concentration(v, len, heavy ? 5.0 : 15.0, total);
    }
  }
  return kNaN;
}

bool by_abs_desc(double a, double b) { return std::fabs(a) > std::fabs(b); }

// ---- pairwise correlations ------------------------------------------------------------------

// |Pearson correlation| over the individuals non-zero in both alleles, from the masked moment
// sums; NaN marks a pair with too few shared individuals (no similarity, never a partner).
inline double abs_corr(double nn, double sx, double sy, double sxx, double syy, double sxy) {
  if (nn < kMinShared) return kNaN;
  const double vx = nn * sxx - sx * sx;
  const double vy = nn * syy - sy * sy;
  if (!(vx > kVarTol * nn * sxx) || !(vy > kVarTol * nn * syy)) return 0.0;
  return std::min(1.0, std::fabs(nn * sxy - sx * sy) / std::sqrt(vx * vy));
}

struct PairWork {
  MatrixXd sx, sxx, nn, sy, syy, sxy;
};

// Fills out(r, c) (leading dimension ld) with |corr| of row-side column j0 + r against
// column-side column kcols[c]. With Z the masked z-scores, Z2 = Z o Z and V the non-zero mask,
// all masked moments are products: sum_shared z_j = (Z^T V)_jk, sum_shared z_j^2 = (Z2^T V)_jk,
// shared count = (V^T V)_jk, sum_shared z_j z_k = (Z^T Z)_jk.
void corr_block(const MatrixXd& z, const MatrixXd& z2, const MatrixXd& v, Index j0, Index bj,
                const Eigen::Ref<const MatrixXd>& zk, const Eigen::Ref<const MatrixXd>& z2k,
                const Eigen::Ref<const MatrixXd>& vk, const int* kcols, double* out, Index ld,
                PairWork& w) {
  const auto zj = z.middleCols(j0, bj);
  const auto z2j = z2.middleCols(j0, bj);
  const auto vj = v.middleCols(j0, bj);
  w.sx.noalias() = zj.transpose() * vk;
  w.sxx.noalias() = z2j.transpose() * vk;
  w.nn.noalias() = vj.transpose() * vk;
  w.sy.noalias() = vj.transpose() * zk;
  w.syy.noalias() = vj.transpose() * z2k;
  w.sxy.noalias() = zj.transpose() * zk;
  const Index bk = zk.cols();
  for (Index c = 0; c < bk; ++c) {
    double* col = out + c * ld;
    for (Index r = 0; r < bj; ++r) {
      col[r] = (j0 + r == kcols[c]) ? kNaN
                                    : abs_corr(w.nn(r, c), w.sx(r, c), w.sy(r, c), w.sxx(r, c),
                                               w.syy(r, c), w.sxy(r, c));
    }
  }
}

// Upper block triangle of the symmetric |corr| matrix, blocks (J, K) with J <= K stored
// column-major one after another.
class CorrStore {
 public:
  CorrStore(Index p, Index b) : p_(p), b_(b), nb_((p + b - 1) / b) {
    offset_.resize(static_cast<size_t>(nb_ * nb_), 0);
    size_t total = 0;
    for (Index k = 0; k < nb_; ++k)
      for (Index j = 0; j <= k; ++j) {
        offset_[j * nb_ + k] = total;
        total += static_cast<size_t>(size(j)) * size(k);
      }
    size_ = total;
  }
  static double bytes(Index p, Index b) {
    const Index nb = (p + b - 1) / b;
    double total = 0;
    for (Index k = 0; k < nb; ++k)
      for (Index j = 0; j <= k; ++j)
        total += static_cast<double>(std::min(b, p - j * b)) * std::min(b, p - k * b);
    return total * sizeof(double);
  }
  void allocate() { data_.reset(new double[size_]); }
  Index blocks() const { return nb_; }
  Index start(Index j) const { return j * b_; }
  Index size(Index j) const { return std::min(b_, p_ - j * b_); }
  double* block(Index j, Index k) { return data_.get() + offset_[j * nb_ + k]; }

 private:
  Index p_, b_, nb_;
  size_t size_ = 0;
  std::vector<size_t> offset_;
  std::unique_ptr<double[]> data_;
};

// ---- per-allele work ----------------------------------------------------------------------

struct Candidate {
  double sim;
  int j;
};

// Descending similarity; ties go to the lower column, as the reference's stable sort does.
inline bool better(const Candidate& a, const Candidate& b) {
  return a.sim > b.sim || (a.sim == b.sim && a.j < b.j);
}

struct AlleleWork {
  std::vector<int> co;
  std::vector<Candidate> cand;
  std::vector<int> mark;
  int stamp = 0;
  std::vector<double> partner, other, cl_sum;
  void init(int p, int q) {
    co.assign(p, 0);
    cand.reserve(p);
    mark.assign(p, 0);
    partner.reserve(p);
    other.reserve(p);
    cl_sum.assign(q, 0.0);
  }
};

// Everything derived from the z-scores that the per-allele step reads.
struct Prepared {
  int n = 0, p = 0;
  // Non-zero z-scores of each individual sorted by |z| descending (CSR by individual).
  std::vector<size_t> row_start;
  std::vector<int> row_idx;
  std::vector<double> row_val;
  // Per threshold: extreme counts per column, the extreme indicator (row-major n x p) and the
  // extreme individuals of each column (CSR by column).
  std::vector<std::vector<int>> n_ext;
  std::vector<std::vector<uint8_t>> ext_rowmajor;
  std::vector<std::vector<int>> ext_start, ext_rows;
};

Prepared prepare(const MatrixXd& z, const std::vector<double>& thresholds, int threads,
                 Guard& guard) {
  Prepared pr;
  pr.n = static_cast<int>(z.rows());
  pr.p = static_cast<int>(z.cols());
  const int n = pr.n, p = pr.p;
  pr.row_start.assign(n + 1, 0);
  for (int j = 0; j < p; ++j)
    for (int i = 0; i < n; ++i)
      if (z(i, j) != 0) ++pr.row_start[i + 1];
  for (int i = 0; i < n; ++i) pr.row_start[i + 1] += pr.row_start[i];
  pr.row_idx.resize(pr.row_start[n]);
  pr.row_val.resize(pr.row_start[n]);
  {
    std::vector<size_t> fill(pr.row_start.begin(), pr.row_start.end() - 1);
    for (int j = 0; j < p; ++j)
      for (int i = 0; i < n; ++i)
        if (z(i, j) != 0) pr.row_idx[fill[i]++] = j;
  }
  parallel_loop(n, threads, guard, [&](long i) {
    const size_t a = pr.row_start[i], b = pr.row_start[i + 1];
    std::vector<int> order(pr.row_idx.begin() + a, pr.row_idx.begin() + b);
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
      return std::fabs(z(i, x)) > std::fabs(z(i, y));
    });
    for (size_t e = a; e < b; ++e) {
      pr.row_idx[e] = order[e - a];
      pr.row_val[e] = z(i, order[e - a]);
    }
  });

  const size_t T = thresholds.size();
  pr.n_ext.assign(T, std::vector<int>(p, 0));
  pr.ext_rowmajor.assign(T, std::vector<uint8_t>(static_cast<size_t>(n) * p, 0));
  pr.ext_start.assign(T, std::vector<int>(p + 1, 0));
  pr.ext_rows.assign(T, {});
  for (size_t t = 0; t < T; ++t) {
    const double thr = thresholds[t];
    auto& rows = pr.ext_rows[t];
    for (int j = 0; j < p; ++j) {
      for (int i = 0; i < n; ++i) {
        if (std::fabs(z(i, j)) > thr) {
          rows.push_back(i);
          pr.ext_rowmajor[t][static_cast<size_t>(i) * p + j] = 1;
        }
      }
      pr.ext_start[t][j + 1] = static_cast<int>(rows.size());
      pr.n_ext[t][j] = pr.ext_start[t][j + 1] - pr.ext_start[t][j];
    }
  }
  return pr;
}

// Partners, per-individual metrics and projection for allele k at every threshold;
// corr[j] = |corr(j, k)| (NaN: no similarity). Writes result position c.
void score_allele(int k, int c, const double* corr, const Prepared& pr, const VidaParams& prm,
                  AlleleWork& w, VidaResult& res) {
  const int n = pr.n, p = pr.p;
  const int Q = static_cast<int>(prm.percentiles.size());
  for (size_t t = 0; t < prm.z_thresholds.size(); ++t) {
    const int n1k = pr.n_ext[t][k];
    if (n1k < kMinExtreme) continue;
    const double thr = prm.z_thresholds[t];
    const int* ext = pr.ext_rows[t].data() + pr.ext_start[t][k];
    const int* n1 = pr.n_ext[t].data();

    // Co-extreme counts with every allele: the extreme rows of k summed, i.e. (E^T E)_{.k}.
    std::fill(w.co.begin(), w.co.end(), 0);
    for (int e = 0; e < n1k; ++e) {
      const uint8_t* row = pr.ext_rowmajor[t].data() + static_cast<size_t>(ext[e]) * p;
      int* co = w.co.data();
      for (int j = 0; j < p; ++j) co[j] += row[j];
    }
    w.cand.clear();
    for (int j = 0; j < p; ++j) {
      const double cj = corr[j];
      if (j == k || std::isnan(cj)) continue;
      const double expected = static_cast<double>(n1[j]) * n1k / n;
      const double ratio = expected > 0 ? w.co[j] / expected : 0.0;
      w.cand.push_back({(cj + ratio) / 2.0, j});
    }
    const int m = static_cast<int>(w.cand.size());
    const int n_partners = m == 0 ? 0 : std::max(1, static_cast<int>(prm.partner_fraction * m));
    res.n_partners[res.at(static_cast<int>(t), c)] = n_partners;
    if (n_partners < kMinPartners) continue;
    if (n_partners < m)
      std::nth_element(w.cand.begin(), w.cand.begin() + n_partners, w.cand.end(), better);
    const int stamp = ++w.stamp;
    for (int r = 0; r < n_partners; ++r) w.mark[w.cand[r].j] = stamp;

    double er_sum = 0;
    std::fill(w.cl_sum.begin(), w.cl_sum.end(), 0.0);
    int used = 0;
    for (int e = 0; e < n1k; ++e) {
      const int i = ext[e];
      w.partner.clear();
      w.other.clear();
      for (size_t x = pr.row_start[i]; x < pr.row_start[i + 1]; ++x) {
        const int j = pr.row_idx[x];
        if (j == k) continue;
        (w.mark[j] == stamp ? w.partner : w.other).push_back(pr.row_val[x]);
      }
      const int np = static_cast<int>(w.partner.size());
      const int no = static_cast<int>(w.other.size());
      if (np < kMinSet || no < kMinSet) continue;
      // Both sets are sorted by |z| descending, so the extremes lead.
      int ep = 0, eo = 0;
      while (ep < np && std::fabs(w.partner[ep]) > thr) ++ep;
      while (eo < no && std::fabs(w.other[eo]) > thr) ++eo;
      er_sum += static_cast<double>(ep) / np - static_cast<double>(eo) / no;
      for (int q = 0; q < Q; ++q) {
        const double pct = prm.percentiles[q];
        w.cl_sum[q] += clumpiness_sorted(w.partner.data(), np, prm.method, pct) -
                       clumpiness_sorted(w.other.data(), no, prm.method, pct);
      }
      ++used;
    }
    res.n_used[res.at(static_cast<int>(t), c)] = used;
    if (used < kMinUsed) continue;
    const double er = er_sum / used;
    res.extreme_ratio_diff[res.at(static_cast<int>(t), c)] = er;
    for (int q = 0; q < Q; ++q) {
      const double cl = w.cl_sum[q] / used;
      res.clumpiness_diff[res.at(static_cast<int>(t), q, c)] = cl;
      res.score[res.at(static_cast<int>(t), q, c)] = er * cl;
    }
  }
}

void validate(const Eigen::Ref<const MatrixXd>& x, const VidaParams& prm) {
  if (x.cols() > std::numeric_limits<int>::max() / 2 || x.rows() > 65535)
    throw std::invalid_argument("the importance matrix is too large (at most 65,535 individuals)");
  if (!x.allFinite())
    throw std::invalid_argument("the importance matrix has missing or infinite values");
  if (prm.z_thresholds.empty()) throw std::invalid_argument("no z threshold given");
  for (double t : prm.z_thresholds)
    if (!(t > 0) || !std::isfinite(t))
      throw std::invalid_argument("z thresholds must be positive and finite");
  if (prm.percentiles.empty()) throw std::invalid_argument("no clumpiness percentile given");
  for (double q : prm.percentiles)
    if (!(q > 0 && q <= 100))
      throw std::invalid_argument("clumpiness percentiles must lie in (0, 100]");
  if (!(prm.partner_fraction > 0 && prm.partner_fraction <= 1))
    throw std::invalid_argument("the partner fraction must lie in (0, 1]");
  if (prm.block_size < 1) throw std::invalid_argument("the block size must be positive");
  std::vector<char> seen(static_cast<size_t>(x.cols()), 0);
  for (int a : prm.alleles) {
    if (a < 0 || a >= x.cols())
      throw std::invalid_argument("allele index " + std::to_string(a) +
                                  " is outside the importance matrix (0-based, " +
                                  std::to_string(x.cols()) + " columns)");
    if (seen[a]++) throw std::invalid_argument("allele " + std::to_string(a) + " is listed twice");
  }
}

MatrixXd zscores(const Eigen::Ref<const MatrixXd>& x) {
  const Index n = x.rows(), p = x.cols();
  MatrixXd z = MatrixXd::Zero(n, p);
  for (Index j = 0; j < p; ++j) {
    int count = 0;
    double sum = 0;
    for (Index i = 0; i < n; ++i)
      if (x(i, j) != 0) {
        ++count;
        sum += x(i, j);
      }
    if (count < kMinNonzero) continue;
    const double mean = sum / count;
    double ss = 0;
    for (Index i = 0; i < n; ++i)
      if (x(i, j) != 0) ss += (x(i, j) - mean) * (x(i, j) - mean);
    const double sd = std::sqrt(ss / count);
    if (!(sd > 0)) continue;
    for (Index i = 0; i < n; ++i)
      if (x(i, j) != 0) z(i, j) = (x(i, j) - mean) / sd;
  }
  return z;
}

// The caller's column-major n x p matrix, in place.
Eigen::Map<const MatrixXd> matrix_view(const double* x, int n, int p) {
  if (!x || n < 1 || p < 1) throw std::invalid_argument("the importance matrix is empty");
  return Eigen::Map<const MatrixXd>(x, n, p);
}

// A result with every allele to score (all of them when none are listed) and nothing scored.
VidaResult empty_result(int n, int p, const VidaParams& prm) {
  VidaResult res;
  res.n = n;
  res.p = p;
  res.z_thresholds = prm.z_thresholds;
  res.percentiles = prm.percentiles;
  if (prm.alleles.empty()) {
    res.alleles.resize(p);
    std::iota(res.alleles.begin(), res.alleles.end(), 0);
  } else {
    res.alleles = prm.alleles;
  }
  const int s = static_cast<int>(res.alleles.size());
  const int T = static_cast<int>(prm.z_thresholds.size());
  const int Q = static_cast<int>(prm.percentiles.size());
  res.n_nonzero.assign(s, 0);
  res.n_extreme.assign(static_cast<size_t>(T) * s, 0);
  res.n_partners.assign(static_cast<size_t>(T) * s, -1);
  res.n_used.assign(static_cast<size_t>(T) * s, 0);
  res.extreme_ratio_diff.assign(static_cast<size_t>(T) * s, kNaN);
  res.clumpiness_diff.assign(static_cast<size_t>(T) * Q * s, kNaN);
  res.score.assign(static_cast<size_t>(T) * Q * s, kNaN);
  return res;
}

// The state shared by both ways of scoring: z-scores, their squares and mask, the prepared
// per-individual data, each allele's result position and per-thread work space.
struct VidaRun {
  const VidaParams& prm;
  Guard& guard;
  VidaResult res;
  int n, p, threads, T;
  Index b, nb;
  MatrixXd z, z2, v;
  Prepared pr;
  std::vector<int> pos;
  std::vector<AlleleWork> work;
  std::vector<PairWork> pair_work;

  VidaRun(const Eigen::Ref<const MatrixXd>& x, const VidaParams& prm_, Guard& guard_,
          VidaResult res_)
      : prm(prm_), guard(guard_), res(std::move(res_)), n(static_cast<int>(x.rows())),
        p(static_cast<int>(x.cols())), threads(core_threads()),
        T(static_cast<int>(prm_.z_thresholds.size())), b(prm_.block_size),
        nb((p + b - 1) / b) {
    // The z matrix is zero exactly where an entry is absent (a z-score that happens to be 0 is
    // absent too, as in the reference), so one mask serves every later step.
    z = zscores(x);
    z2 = z.cwiseProduct(z);
    v = (z.array() != 0).cast<double>().matrix();
    pr = prepare(z, prm.z_thresholds, threads, guard);
    pos.assign(p, -1);
    const int s = static_cast<int>(res.alleles.size());
    for (int c = 0; c < s; ++c) {
      const int k = res.alleles[c];
      pos[k] = c;
      res.n_nonzero[c] = static_cast<int>(v.col(k).sum());
      for (int t = 0; t < T; ++t) res.n_extreme[res.at(t, c)] = pr.n_ext[t][k];
    }
    work.resize(threads);
    for (auto& w : work) w.init(p, static_cast<int>(prm.percentiles.size()));
    pair_work.resize(threads);
  }

  // Only alleles extreme in enough individuals at some threshold need partners.
  bool needs_score(int k) const {
    if (pos[k] < 0) return false;
    for (int t = 0; t < T; ++t)
      if (pr.n_ext[t][k] >= kMinExtreme) return true;
    return false;
  }

  void score(int k, const double* corr) {
    score_allele(k, pos[k], corr, pr, prm, work[thread_id()], res);
  }
};

// Computes every block pair J <= K of the |corr| matrix into the store.
void fill_store(VidaRun& run, CorrStore& store) {
  std::vector<std::pair<Index, Index>> pairs;
  for (Index k = 0; k < run.nb; ++k)
    for (Index j = 0; j <= k; ++j) pairs.emplace_back(j, k);
  std::vector<int> cols(run.p);
  std::iota(cols.begin(), cols.end(), 0);
  std::atomic<long> done{0};
  const long total = static_cast<long>(pairs.size());
  const MatrixXd &z = run.z, &z2 = run.z2, &v = run.v;
  parallel_loop(total, run.threads, run.guard, [&](long i) {
    const Index j = pairs[i].first, k = pairs[i].second;
    const Index k0 = store.start(k), bk = store.size(k);
    corr_block(z, z2, v, store.start(j), store.size(j), z.middleCols(k0, bk),
               z2.middleCols(k0, bk), v.middleCols(k0, bk), cols.data() + k0,
               store.block(j, k), store.size(j), run.pair_work[thread_id()]);
    run.guard.progress(Task::vida_correlations, ++done, total);
  });
}

// Scores the alleles of every column block from the stored |corr| matrix.
void score_from_store(VidaRun& run) {
  const Index nb = run.nb;
  // Symmetry halves the products: each block pair J <= K is computed once and read back
  // transposed for the columns of J.
  CorrStore store(run.p, run.b);
  store.allocate();
  fill_store(run, store);

  MatrixXd corr(run.p, run.b);
  for (Index k = 0; k < nb; ++k) {
    const Index k0 = store.start(k), bk = store.size(k);
    std::vector<int> todo;
    for (Index c = 0; c < bk; ++c)
      if (run.needs_score(static_cast<int>(k0 + c))) todo.push_back(static_cast<int>(c));
    if (!todo.empty()) {
      parallel_loop(nb, run.threads, run.guard, [&](long j) {
        const Index j0 = store.start(j), bj = store.size(j);
        if (j <= k) {
          corr.block(j0, 0, bj, bk) = Eigen::Map<const MatrixXd>(store.block(j, k), bj, bk);
        } else {
          corr.block(j0, 0, bj, bk) =
              Eigen::Map<const MatrixXd>(store.block(k, j), bk, bj).transpose();
        }
      });
      parallel_loop(static_cast<long>(todo.size()), run.threads, run.guard, [&](long i) {
        run.score(static_cast<int>(k0 + todo[i]), corr.col(todo[i]).data());
      });
    }
    run.guard.progress(Task::vida_scores, k + 1, nb);
  }
}

// Few scored alleles (or too large a matrix to store): compute their correlation columns
// block by block against all alleles.
void score_by_columns(VidaRun& run) {
  const Index b = run.b, nb = run.nb;
  const int p = run.p;
  const MatrixXd &z = run.z, &z2 = run.z2, &v = run.v;
  std::vector<int> todo;
  for (int c = 0; c < static_cast<int>(run.res.alleles.size()); ++c)
    if (run.needs_score(run.res.alleles[c])) todo.push_back(run.res.alleles[c]);
  const long groups = (static_cast<long>(todo.size()) + b - 1) / b;
  MatrixXd corr(p, b), zk(run.n, b), z2k(run.n, b), vk(run.n, b);
  for (long g = 0; g < groups; ++g) {
    const Index g0 = g * b;
    const Index bk = std::min<Index>(b, static_cast<Index>(todo.size()) - g0);
    for (Index c = 0; c < bk; ++c) {
      const int k = todo[g0 + c];
      zk.col(c) = z.col(k);
      z2k.col(c) = z2.col(k);
      vk.col(c) = v.col(k);
    }
    parallel_loop(nb, run.threads, run.guard, [&](long j) {
      const Index j0 = j * b, bj = std::min<Index>(b, p - j0);
      corr_block(z, z2, v, j0, bj, zk.leftCols(bk), z2k.leftCols(bk), vk.leftCols(bk),
                 todo.data() + g0, corr.data() + j0, p, run.pair_work[thread_id()]);
    });
    parallel_loop(bk, run.threads, run.guard, [&](long c) {
      run.score(todo[g0 + c], corr.col(c).data());
    });
    run.guard.progress(Task::vida_scores, g + 1, groups);
  }
}

}  // namespace

double vida_clumpiness(const std::vector<double>& z, Clumpiness method, double percentile) {
  std::vector<double> v(z);
  std::stable_sort(v.begin(), v.end(), by_abs_desc);
  return clumpiness_sorted(v.data(), static_cast<int>(v.size()), method, percentile);
}

std::vector<double> vida_zscores(const double* importance, int n, int p) {
  const MatrixXd z = zscores(matrix_view(importance, n, p));
  return std::vector<double>(z.data(), z.data() + z.size());
}

VidaResult vida(const double* importance, int n, int p, const VidaParams& prm,
                const Callbacks& callbacks) {
  const Eigen::Map<const MatrixXd> x = matrix_view(importance, n, p);
  validate(x, prm);
  EigenSerial eigen_serial;
  Guard guard(callbacks);
  VidaRun run(x, prm, guard, empty_result(n, p, prm));
  const int s = static_cast<int>(run.res.alleles.size());
  const bool use_store =
      2L * s >= p && CorrStore::bytes(p, run.b) <= prm.max_store_bytes;
  if (use_store) {
    score_from_store(run);
  } else {
    score_by_columns(run);
  }
  return std::move(run.res);
}

}  // namespace gpatlas
