// Lasso paths with cross-validation for many traits at once: coordinate descent, strong rules,
// KKT checks through one matrix product per grid point for every fold and trait.
#include "lasso.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace gpatlas {

namespace {

// Columns standardized over all rows: mean 0 and mean square 1 (sd with divisor n).
struct Standardized {
  int n = 0, p = 0;
  std::vector<double> x, mean, sd;
  Standardized(const double* x0, int n_, int p_) : n(n_), p(p_), x(x0, x0 + size_t(n_) * p_) {
    mean.assign(p, 0.0);
    sd.assign(p, 0.0);
    for (int j = 0; j < p; ++j) {
      double* c = x.data() + size_t(j) * n;
      double mu = 0;
      for (int i = 0; i < n; ++i) mu += c[i];
      mu /= n;
      double ss = 0;
      for (int i = 0; i < n; ++i) ss += (c[i] - mu) * (c[i] - mu);
      const double s = std::sqrt(ss / n);
      mean[j] = mu;
      // A constant column (to rounding) stays zero and so never enters.
      sd[j] = s > 1e-10 * std::max(1.0, std::fabs(mu)) ? s : 0.0;
      for (int i = 0; i < n; ++i) c[i] = sd[j] > 0 ? (c[i] - mu) / sd[j] : 0.0;
    }
    xf.assign(x.begin(), x.end());
  }
  const double* col(int j) const { return x.data() + size_t(j) * n; }
  // Single-precision copy for the coordinate sweeps, which stream the strong set's columns
  // from memory: half the traffic; sums and coefficients stay in double.
  std::vector<float> xf;
  const float* colf(int j) const { return xf.data() + size_t(j) * n; }
};

double soft(double z, double t) { return z > t ? z - t : (z < -t ? z + t : 0.0); }

// One fit of one trait on the rows with mask 1; r is the residual on those rows, 0 elsewhere.
struct Fit {
  int trait = 0, fold = -1;  // fold -1: all rows
  std::vector<double> mask, r, beta, v, g;
  std::vector<char> in_set;
  std::vector<int> set;
  double b0 = 0, n_obs = 0, var_y = 0;
  double alpha = 1.0;  // elastic-net mixing: penalty lambda (alpha |b| + (1 - alpha) b^2 / 2)
  int free_from = 0;   // columns free_from .. p - 1 carry no penalty
  bool done = false;

  // Unpenalized columns are fitted in the coordinate descent itself (penalty factor 0) rather
  // than partialled out of the design: each fold fit and each trait (with its own missing
  // values) then holds exactly the least-squares covariate effect given its genotype effects
  // on its own rows, and the columns keep their standardization over all rows, so the
  // objective stays glmnet's with penalty.factor = 0. Partialling out would have to be redone
  // per trait and fold and would change the genotype columns' scale, hence their penalty.
  void init(const Standardized& X, const double* y, const std::vector<int>& fold_of, int f,
            int unpenalized, double tol, int max_sweeps) {
    init(X, y, fold_of, f);
    free_from = X.p - unpenalized;
    if (done || unpenalized <= 0) return;
    for (int j = free_from; j < X.p; ++j) add(j);
    descend(X, 0.0, tol, max_sweeps);
  }

  void init(const Standardized& X, const double* y, const std::vector<int>& fold_of, int f) {
    const int n = X.n, p = X.p;
    fold = f;
    mask.assign(n, 0.0);
    r.assign(n, 0.0);
    beta.assign(p, 0.0);
    free_from = p;
    v.assign(p, -1.0);
    g.assign(p, 0.0);
    in_set.assign(p, 0);
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      if (std::isnan(y[i]) || (f >= 0 && fold_of[i] == f)) continue;
      mask[i] = 1.0;
      sum += y[i];
      n_obs += 1;
    }
    b0 = n_obs > 0 ? sum / n_obs : 0.0;
    double ss = 0;
    for (int i = 0; i < n; ++i)
      if (mask[i] > 0) {
        r[i] = y[i] - b0;
        ss += r[i] * r[i];
      }
    var_y = n_obs > 0 ? ss / n_obs : 0.0;
    if (n_obs < 2) done = true;
  }

  double curvature(const Standardized& X, int j) {
    if (v[j] < 0) {
      const double* c = X.col(j);
      double s = 0;
      for (int i = 0; i < X.n; ++i) s += mask[i] * c[i] * c[i];
      v[j] = n_obs > 0 ? s / n_obs : 0.0;
    }
    return v[j];
  }

  void add(int j) {
    if (!in_set[j]) {
      in_set[j] = 1;
      set.push_back(j);
    }
  }

  // One pass of coordinate descent over `cols` and the intercept; returns the largest
  // weighted squared change.
  double sweep(const Standardized& X, const std::vector<int>& cols, double lambda) {
    const int n = X.n;
    double maxd = 0;
    for (int j : cols) {
      const double vj = curvature(X, j);
      if (vj <= 0) continue;
      const float* c = X.colf(j);
      const double* mk = mask.data();
      double* pr = r.data();
      double gj = 0;
#pragma omp simd reduction(+ : gj)
      for (int i = 0; i < n; ++i) gj += static_cast<double>(c[i]) * pr[i];
      gj /= n_obs;
      const double old = beta[j];
      const double pen = j < free_from ? lambda : 0.0;
      const double b = soft(gj + vj * old, pen * alpha) / (vj + pen * (1 - alpha));
      if (b == old) continue;
      const double d = b - old;
      beta[j] = b;
#pragma omp simd
      for (int i = 0; i < n; ++i) pr[i] -= mk[i] * static_cast<double>(c[i]) * d;
      maxd = std::max(maxd, vj * d * d);
    }
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < n; ++i) s += r[i];
    const double d0 = s / n_obs;
    if (d0 != 0) {
      b0 += d0;
      for (int i = 0; i < n; ++i) r[i] -= mask[i] * d0;
      maxd = std::max(maxd, d0 * d0);
    }
    return maxd;
  }

  // Coordinate descent over the current set (and the intercept) to convergence: a pass over the
  // whole set, then passes over its non-zero coefficients only until they settle, as glmnet
  // does; done when a pass over the whole set changes nothing beyond the tolerance.
  void descend(const Standardized& X, double lambda, double tol, int max_sweeps) {
    const double stop = tol * std::max(var_y, 1e-300);
    std::vector<int> nonzero;
    for (int sweeps = 0; sweeps < max_sweeps;) {
      ++sweeps;
      if (sweep(X, set, lambda) < stop) return;
      nonzero.clear();
      for (int j : set)
        if (beta[j] != 0) nonzero.push_back(j);
      while (sweeps < max_sweeps) {
        ++sweeps;
        if (sweep(X, nonzero, lambda) < stop) break;
      }
    }
  }

  // Prediction for row i.
  double predict(const Standardized& X, int i) const {
    double s = b0;
    for (int j : set)
      if (beta[j] != 0) s += X.col(j)[i] * beta[j];
    return s;
  }
};

// Fresh gradients g_j = x_j' r / n_obs of the given fits, through one matrix product.
void gradients(const Standardized& X, std::vector<Fit>& fits, const std::vector<int>& which) {
  if (which.empty()) return;
  const int64_t C = static_cast<int64_t>(which.size());
  auto R = torch::empty({X.n, C}, torch::kDouble);
  auto* pr = R.data_ptr<double>();
  for (int64_t q = 0; q < C; ++q) {
    const auto& r = fits[which[q]].r;
    for (int i = 0; i < X.n; ++i) pr[int64_t(i) * C + q] = r[i];
  }
  // X is column-major n x p, i.e. row-major p x n: its rows are the columns.
  auto Xt = torch::from_blob(const_cast<double*>(X.x.data()), {X.p, X.n}, torch::kDouble);
  auto G = torch::mm(Xt, R).contiguous();  // p x C
  const double* pg = G.data_ptr<double>();
  for (int64_t q = 0; q < C; ++q) {
    Fit& f = fits[which[q]];
    const double scale = f.n_obs > 0 ? 1.0 / f.n_obs : 0.0;
    for (int j = 0; j < X.p; ++j) f.g[j] = pg[int64_t(j) * C + q] * scale;
  }
}

// The mean of the fold fits fits[first .. first + k), in the original units of the columns.
void average_folds(const Standardized& X, const std::vector<Fit>& fits, size_t first, int k,
                   double* beta, double* intercept) {
  const int p = X.p;
  std::fill(beta, beta + p, 0.0);
  double b0 = 0;
  for (int f = 0; f < k; ++f) {
    const Fit& fit = fits[first + f];
    for (int j = 0; j < p; ++j) beta[j] += fit.beta[j] / k;
    b0 += fit.b0 / k;
  }
  for (int j = 0; j < p; ++j) {
    beta[j] = X.sd[j] > 0 ? beta[j] / X.sd[j] : 0.0;
    b0 -= beta[j] * X.mean[j];
  }
  *intercept = b0;
}

void check_settings(int n, int p, int m, const std::vector<int>& fold, int n_folds,
                    const LassoSettings& s) {
  if (n < 2 || p < 1 || m < 1) throw std::invalid_argument("lasso: empty design or response");
  if (static_cast<int>(fold.size()) != n) throw std::invalid_argument("lasso: one fold per row");
  if (n_folds < 2) throw std::invalid_argument("lasso: at least two folds");
  for (int f : fold)
    if (f < 0 || f >= n_folds) throw std::invalid_argument("lasso: fold ids must be 0..K-1");
  if (s.nlambda < 1 || !(s.lambda_min_ratio > 0 && s.lambda_min_ratio < 1))
    throw std::invalid_argument("lasso: nlambda >= 1 and 0 < lambda_min_ratio < 1");
  if (!(s.alpha > 0 && s.alpha <= 1)) throw std::invalid_argument("lasso: 0 < alpha <= 1");
  if (s.unpenalized < 0 || s.unpenalized >= p)
    throw std::invalid_argument("lasso: at least one penalized column");
}

// The cross-validated paths of all traits: per trait the fit on all rows, then one per fold.
struct CvPath {
  const Standardized& X;
  const double* y;
  const std::vector<int>& fold;
  const LassoSettings& s;
  int n, p, m, n_folds, per_trait;
  std::vector<Fit> fits;
  LassoPathResult res;
  std::vector<double> best_err;
  std::vector<int> best_step;
  std::vector<char> trait_done;
  // Held-out predictions of each fold fit at the current grid point.
  std::vector<double> held;

  CvPath(const Standardized& X_, const double* y_, int m_, const std::vector<int>& fold_,
         int n_folds_, const LassoSettings& s_)
      : X(X_), y(y_), fold(fold_), s(s_), n(X_.n), p(X_.p), m(m_), n_folds(n_folds_),
        per_trait(n_folds_ + 1) {
    fits.resize(static_cast<size_t>(m) * per_trait);
    for (int t = 0; t < m; ++t)
      for (int f = -1; f < n_folds; ++f) {
        Fit& fit = fits[size_t(t) * per_trait + (f + 1)];
        fit.trait = t;
        fit.alpha = s.alpha;
        fit.init(X, y + size_t(t) * n, fold, f, s.unpenalized, s.tol, s.max_sweeps);
      }
    std::vector<int> all(fits.size());
    for (size_t c = 0; c < fits.size(); ++c) all[c] = static_cast<int>(c);
    gradients(X, fits, all);
    init_result();
    best_err.assign(m, std::numeric_limits<double>::infinity());
    best_step.assign(m, -1);
    trait_done.assign(m, 0);
    held.assign(size_t(n) * m, std::numeric_limits<double>::quiet_NaN());
  }

  void init_result() {
    res.n = n;
    res.p = p;
    res.m = m;
    res.intercept.assign(m, 0.0);
    res.beta.assign(size_t(p) * m, 0.0);
    res.intercept_avg.assign(m, 0.0);
    res.beta_avg.assign(size_t(p) * m, 0.0);
    res.lambda.assign(m, std::numeric_limits<double>::quiet_NaN());
    res.steps.assign(m, 0);
    res.oof.assign(size_t(n) * m, std::numeric_limits<double>::quiet_NaN());
    res.cv_error.assign(size_t(s.nlambda) * m, std::numeric_limits<double>::quiet_NaN());
    res.lambda_grid.assign(size_t(s.nlambda) * m, 0.0);
  }
};

// Each trait's lambda grid from its full fit's gradients; traits without enough rows are done.
void start_grids(CvPath& path) {
  const LassoSettings& s = path.s;
  for (int t = 0; t < path.m; ++t) {
    const Fit& full = path.fits[size_t(t) * path.per_trait];
    double lmax = 0;
    for (int j = 0; j < full.free_from; ++j) lmax = std::max(lmax, std::fabs(full.g[j]));
    lmax /= s.alpha;  // the smallest lambda with every coefficient zero
    for (int k = 0; k < s.nlambda; ++k)
      path.res.lambda_grid[size_t(t) * s.nlambda + k] =
          s.nlambda == 1 ? lmax : lmax * std::pow(s.lambda_min_ratio, double(k) / (s.nlambda - 1));
    bool any = false;
    for (int f = 1; f < path.per_trait; ++f)
      any = any || !path.fits[size_t(t) * path.per_trait + f].done;
    if (full.done || !any) path.trait_done[t] = 1;
  }
}

// The fit of f at grid point k of its trait's grid, over its strong set.
void strong_set_fit(Fit& f, const Standardized& X, const double* grid, int k,
                    const LassoSettings& s) {
  const int p = X.p;
  const double lam = grid[k], prev = k > 0 ? grid[k - 1] : grid[0];
  // Sequential strong rule: the non-zero coefficients and the columns whose gradient is
  // near the new lambda; the set is rebuilt at every grid point.
  for (int j : f.set) f.in_set[j] = 0;
  f.set.clear();
  for (int j = 0; j < p; ++j)
    if (j >= f.free_from || f.beta[j] != 0 || std::fabs(f.g[j]) >= s.alpha * (2 * lam - prev))
      f.add(j);
  f.descend(X, lam, s.tol, s.max_sweeps);
}

// KKT check over every column; violators join the set and the fit is redone.
void check_kkt(CvPath& path, const std::vector<int>& active, int k) {
  const LassoSettings& s = path.s;
  const Standardized& X = path.X;
  std::vector<Fit>& fits = path.fits;
  const LassoPathResult& res = path.res;
  std::vector<int> check = active;
  while (!check.empty()) {
    gradients(X, fits, check);
    std::vector<int> again;
    for (int c : check) {
      Fit& f = fits[c];
      const double lam = res.lambda_grid[size_t(f.trait) * s.nlambda + k];
      bool violated = false;
      for (int j = 0; j < path.p; ++j)
        if (!f.in_set[j] && std::fabs(f.g[j]) > s.alpha * lam * (1 + 1e-9) + 1e-15) {
          f.add(j);
          violated = true;
        }
      if (violated) again.push_back(c);
    }
#pragma omp parallel for schedule(dynamic) num_threads(std::max(1, s.threads))
    for (size_t q = 0; q < again.size(); ++q) {
      Fit& f = fits[again[q]];
      f.descend(X, res.lambda_grid[size_t(f.trait) * s.nlambda + k], s.tol, s.max_sweeps);
    }
    check = again;
  }
}

// Keeps trait t's fits at grid point k as its best so far.
void record_best(CvPath& path, int t, int k) {
  const Standardized& X = path.X;
  LassoPathResult& res = path.res;
  const int p = path.p, n = path.n;
  const Fit& full = path.fits[size_t(t) * path.per_trait];
  for (int j = 0; j < p; ++j)
    res.beta[size_t(t) * p + j] = X.sd[j] > 0 ? full.beta[j] / X.sd[j] : 0.0;
  double b0 = full.b0;
  for (int j = 0; j < p; ++j) b0 -= res.beta[size_t(t) * p + j] * X.mean[j];
  res.intercept[t] = b0;
  average_folds(X, path.fits, size_t(t) * path.per_trait + 1, path.n_folds,
                res.beta_avg.data() + size_t(t) * p, &res.intercept_avg[t]);
  res.lambda[t] = res.lambda_grid[size_t(t) * path.s.nlambda + k];
  std::copy(path.held.begin() + size_t(t) * n, path.held.begin() + size_t(t + 1) * n,
            res.oof.begin() + size_t(t) * n);
}

// Cross-validated error of trait t at grid point k; keeps the best point and ends the path
// after `patience` points without improvement.
void cv_step(CvPath& path, int t, int k) {
  const int n = path.n;
  const LassoSettings& s = path.s;
  LassoPathResult& res = path.res;
  const double* yt = path.y + size_t(t) * n;
  double err = 0, cnt = 0;
  for (int f = 1; f < path.per_trait; ++f) {
    const Fit& fit = path.fits[size_t(t) * path.per_trait + f];
    for (int i = 0; i < n; ++i) {
      if (path.fold[i] != fit.fold || std::isnan(yt[i])) continue;
      const double pr = fit.predict(path.X, i);
      path.held[size_t(t) * n + i] = pr;
      err += (yt[i] - pr) * (yt[i] - pr);
      cnt += 1;
    }
  }
  const double e = cnt > 0 ? err / cnt : std::numeric_limits<double>::infinity();
  res.cv_error[size_t(t) * s.nlambda + k] = e;
  res.steps[t] = k + 1;
  if (e < path.best_err[t]) {
    path.best_err[t] = e;
    path.best_step[t] = k;
    record_best(path, t, k);
  }
  if (s.patience > 0 && k - path.best_step[t] >= s.patience) path.trait_done[t] = 1;
  if (res.lambda_grid[size_t(t) * s.nlambda] <= 0) path.trait_done[t] = 1;
}

}  // namespace

LassoPathResult lasso_cv(const double* x, int n, int p, const double* y, int m,
                         const std::vector<int>& fold, int n_folds, const LassoSettings& s) {
  check_settings(n, p, m, fold, n_folds, s);
  const Standardized X(x, n, p);
  CvPath path(X, y, m, fold, n_folds, s);
  start_grids(path);
  for (int k = 0; k < s.nlambda; ++k) {
    std::vector<int> active;
    for (size_t c = 0; c < path.fits.size(); ++c)
      if (!path.trait_done[path.fits[c].trait] && !path.fits[c].done)
        active.push_back(static_cast<int>(c));
    if (active.empty()) break;
    std::vector<Fit>& fits = path.fits;
#pragma omp parallel for schedule(dynamic) num_threads(std::max(1, s.threads))
    for (size_t q = 0; q < active.size(); ++q) {
      Fit& f = fits[active[q]];
      strong_set_fit(f, X, path.res.lambda_grid.data() + size_t(f.trait) * s.nlambda, k, s);
    }
    check_kkt(path, active, k);
    // Cross-validated error of every trait still on its path.
    for (int t = 0; t < m; ++t)
      if (!path.trait_done[t]) cv_step(path, t, k);
  }
  return std::move(path.res);
}

void lasso_fit(const double* x, int n, int p, const double* y, double lambda, double tol,
               double* intercept, double* beta, double alpha) {
  if (!(alpha > 0 && alpha <= 1)) throw std::invalid_argument("lasso: 0 < alpha <= 1");
  const Standardized X(x, n, p);
  Fit f;
  f.alpha = alpha;
  f.init(X, y, std::vector<int>(n, 0), -1);
  for (int j = 0; j < p; ++j) f.add(j);
  f.descend(X, lambda, tol, 1000000);
  double b0 = f.b0;
  for (int j = 0; j < p; ++j) {
    beta[j] = X.sd[j] > 0 ? f.beta[j] / X.sd[j] : 0.0;
    b0 -= beta[j] * X.mean[j];
  }
  *intercept = b0;
}

}  // namespace gpatlas
