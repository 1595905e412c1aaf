// The additive genotype path (see additive.h).
#include "additive.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "lasso.h"
#include "rng.h"

namespace gpatlas {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

uint8_t code_at(const GenoData& g, int i, int l) {
  return g.codes[static_cast<size_t>(i) * g.loci + l];
}

bool called(const GenoData& g, int i, int l) { return code_at(g, i, l) != kMissingCode; }

// The allele codes with a design column: code 1 alone for two alleles (code 0 is the
// reference), every code otherwise.
std::vector<int> design_codes(int alleles) {
  if (alleles == 2) return {1};
  std::vector<int> out(alleles);
  std::iota(out.begin(), out.end(), 0);
  return out;
}

// Indicator (or probability) columns in code-major blocks (block q holds code codes[q] of
// every locus), then the covariate columns, if any.
Mat design_matrix(const GenoData& g, const Mat& freq, const std::vector<int>& codes,
                  const Mat* covar) {
  const int n_cov = covar ? covar->cols : 0;
  const int geno_cols = g.loci * static_cast<int>(codes.size());
  Mat x(g.n, geno_cols + n_cov);
  if (n_cov) {
    std::copy(covar->v.begin(), covar->v.end(),
              x.v.begin() + static_cast<size_t>(geno_cols) * g.n);
  }
  for (size_t q = 0; q < codes.size(); ++q)
    for (int l = 0; l < g.loci; ++l) {
      const int col = static_cast<int>(q) * g.loci + l;
      for (int i = 0; i < g.n; ++i)
        x(i, col) = called(g, i, l) ? g.value(i, l, codes[q]) : freq(l, codes[q]);
    }
  return x;
}

// Balanced folds: fold i % K for the i-th individual of a random permutation.
std::vector<int> fold_assignment(int n, int k, uint64_t seed) {
  Rng rng = stream_rng(seed, 1);
  std::vector<int> perm = permutation(n, rng);
  std::vector<int> fold(n);
  for (int i = 0; i < n; ++i) fold[perm[i]] = i % k;
  return fold;
}

// Design coefficients of one trait (code-major) to centred one-hot coefficients: for each
// locus, coef[a] = b[a] - sum_a' p[a'] b[a']; returns the constant shed into the intercept.
// Loci without calls keep coefficient 0.
double centre_coefficients(const double* b, const Mat& freq, const std::vector<int>& codes,
                           int alleles, double* coef) {
  const int loci = freq.rows;
  double shift = 0;
  std::vector<double> full(alleles);
  for (int l = 0; l < loci; ++l) {
    std::fill(full.begin(), full.end(), 0.0);
    double called = 0;
    for (int a = 0; a < alleles; ++a) called += freq(l, a);
    for (size_t q = 0; q < codes.size(); ++q) full[codes[q]] = b[q * loci + l];
    double mean_effect = 0;
    for (int a = 0; a < alleles; ++a) mean_effect += full[a] * freq(l, a);
    for (int a = 0; a < alleles; ++a)
      coef[static_cast<size_t>(l) * alleles + a] = called > 0 ? full[a] - mean_effect : 0.0;
    shift += mean_effect;
  }
  return shift;
}

double pair_value(const PairTerm& t, const GenoData& g, int i) {
  return g.pair_side(i, t.locus1, t.allele1, t.centre1) *
         g.pair_side(i, t.locus2, t.allele2, t.centre2);
}

// Fewest training individuals that must carry both alleles of a pair term for it to be a
// candidate. A product of centred indicators still varies without any such individual (it
// then contrasts the two alleles' main effects, with a tiny variance), and the lasso, which
// works on standardized columns, can give it a weight that predicts wildly for the first new
// individual carrying both (measured: held-out R^2 of -21 on DO mice with 8 founder alleles).
constexpr int kMinPairCarriers = 10;

// Individuals carrying both alleles; with probabilities, the expected number of them.
double co_carriers(const GenoData& g, int l1, int a1, int l2, int a2) {
  double count = 0;
  for (int i = 0; i < g.n; ++i) count += g.value(i, l1, a1) * g.value(i, l2, a2);
  return count;
}

// Candidate pair terms of one trait: every pair of `loci` (ascending) and every pair of their
// non-reference allele codes carried together by at least kMinPairCarriers individuals,
// centred at the training frequencies.
std::vector<PairTerm> pair_candidates(std::vector<int> loci, const GenoData& g, const Mat& freq,
                                      int trait) {
  std::sort(loci.begin(), loci.end());
  const int alleles = freq.cols;
  std::vector<PairTerm> out;
  for (size_t i = 0; i < loci.size(); ++i)
    for (size_t j = i + 1; j < loci.size(); ++j)
      for (int a1 = 1; a1 < alleles; ++a1)
        for (int a2 = 1; a2 < alleles; ++a2) {
          if (co_carriers(g, loci[i], a1, loci[j], a2) < kMinPairCarriers) continue;
          PairTerm t;
          t.trait = trait;
          t.locus1 = loci[i];
          t.allele1 = a1;
          t.locus2 = loci[j];
          t.allele2 = a2;
          t.centre1 = freq(loci[i], a1);
          t.centre2 = freq(loci[j], a2);
          out.push_back(t);
        }
  return out;
}

// The loci of trait t with the largest standardized main effects (at most `top`, all non-zero),
// ties in locus order.
std::vector<int> top_loci(const double* beta_std, int loci, int n_codes, int top) {
  std::vector<double> score(loci, 0.0);
  for (int q = 0; q < n_codes; ++q)
    for (int l = 0; l < loci; ++l)
      score[l] = std::max(score[l], std::abs(beta_std[static_cast<size_t>(q) * loci + l]));
  std::vector<int> order(loci);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return score[a] > score[b]; });
  std::vector<int> out;
  for (int l : order) {
    if (static_cast<int>(out.size()) >= top || score[l] <= 0) break;
    out.push_back(l);
  }
  return out;
}

// Whether a trait's pair terms earn their place: their out-of-fold predictions of the main
// path's out-of-fold residuals r must lower the squared error (against predicting 0) by more
// than one standard error of the mean gain over individuals. The lasso's own choice of penalty
// can keep a few terms whose cross-validated gain is within noise; on small crosses they lower
// held-out accuracy (F2 `iron`, spleen: bench/pair_guard.R).
bool pairs_help(const double* r, const std::vector<double>& oof, int n) {
  double s = 0, ss = 0;
  int k = 0;
  for (int i = 0; i < n; ++i) {
    if (std::isnan(r[i])) continue;
    const double e = r[i] - oof[i];
    const double d = r[i] * r[i] - e * e;
    s += d;
    ss += d * d;
    ++k;
  }
  if (k < 2) return false;
  const double mean = s / k;
  const double var = std::max(0.0, (ss - k * mean * mean) / (k - 1));
  return mean > std::sqrt(var / k);
}

// The pairwise path: per trait, a cross-validated lasso (same folds) of the main path's
// out-of-fold residuals on the candidate terms among its top loci. Adds to the model's
// intercepts, out-of-fold predictions and pair terms.
void fit_pairs(const Mat& resid, const GenoData& g, const Mat& x, const LassoPathResult& main,
               const std::vector<int>& codes, const AdditiveSettings& s, LassoSettings ls,
               AdditiveModel& a) {
  const int n = g.n, p = x.cols;
  std::vector<double> beta_std(main.beta);
  for (int j = 0; j < p; ++j) {
    double s1 = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
      s1 += x(i, j);
      s2 += x(i, j) * x(i, j);
    }
    const double sd = std::sqrt(std::max(0.0, s2 / n - (s1 / n) * (s1 / n)));
    for (int t = 0; t < a.m; ++t) beta_std[static_cast<size_t>(t) * p + j] *= sd;
  }
  ls.alpha = 1;
  for (int t = 0; t < a.m; ++t) {
    int observed = 0;
    for (int i = 0; i < n; ++i) observed += !std::isnan(resid(i, t));
    std::vector<int> loci = top_loci(&beta_std[static_cast<size_t>(t) * p], g.loci,
                                     static_cast<int>(codes.size()), s.pair_top);
    if (loci.size() < 2 || observed < 2 * s.folds) continue;
    std::vector<PairTerm> cand = pair_candidates(loci, g, a.freq, t);
    const int k = static_cast<int>(cand.size());
    if (!k) continue;
    Mat z(n, k);
    for (int c = 0; c < k; ++c)
      for (int i = 0; i < n; ++i)
        z(i, c) = pair_value(cand[c], g, i);
    const double* rt = &resid.v[static_cast<size_t>(t) * n];
    LassoPathResult fit = lasso_cv(z.v.data(), n, k, rt, 1, a.folds, s.folds, ls);
    if (s.pair_guard && !pairs_help(rt, fit.oof, n)) continue;
    bool any = false;
    for (int c = 0; c < k; ++c) {
      if (fit.beta[c] == 0) continue;
      any = true;
      cand[c].weight = fit.beta[c];
      a.pairs.push_back(cand[c]);
    }
    if (!any) continue;
    a.intercept[t] += fit.intercept[0];
    for (int i = 0; i < n; ++i)
      if (!std::isnan(rt[i])) a.oof(i, t) += fit.oof[i];
  }
}

}  // namespace

Mat allele_frequencies(const GenoData& g) {
  Mat freq(g.loci, g.alleles);
  for (int l = 0; l < g.loci; ++l) {
    std::vector<double> count(g.alleles, 0.0);
    double n_called = 0;
    for (int i = 0; i < g.n; ++i) {
      if (!called(g, i, l)) continue;
      if (g.soft()) {
        for (int a = 0; a < g.alleles; ++a) count[a] += g.value(i, l, a);
      } else {
        count[code_at(g, i, l)] += 1;
      }
      n_called += 1;
    }
    for (int a = 0; a < g.alleles; ++a) freq(l, a) = count[a] / std::max(n_called, 1.0);
  }
  return freq;
}

AdditiveModel additive_fit(const Mat& y, const GenoData& g, const AdditiveSettings& s,
                           const Mat* covar) {
  if (y.rows != g.n) throw std::invalid_argument("phenotypes and genotypes differ in individuals");
  if (covar && covar->cols == 0) covar = nullptr;
  if (covar) {
    if (covar->rows != g.n)
      throw std::invalid_argument("covariates and genotypes differ in individuals");
    for (double v : covar->v)
      if (!std::isfinite(v))
        throw std::invalid_argument("covariates must be finite (no missing values)");
  }
  const int q = covar ? covar->cols : 0;
  AdditiveModel a;
  a.m = y.cols;
  a.loci = g.loci;
  a.alleles = g.alleles;
  a.freq = allele_frequencies(g);
  const std::vector<int> codes = design_codes(g.alleles);
  const Mat x = design_matrix(g, a.freq, codes, covar);
  const int geno_cols = x.cols - q;
  a.folds = fold_assignment(g.n, s.folds, s.seed);
  a.nfolds = s.folds;
  LassoSettings ls;
  ls.nlambda = s.nlambda;
  ls.alpha = s.alpha;
  ls.patience = s.patience;
  ls.tol = 1e-5;
  ls.threads = s.threads;
  ls.unpenalized = q;
  LassoPathResult res = lasso_cv(x.v.data(), g.n, x.cols, y.v.data(), y.cols, a.folds, s.folds, ls);
  if (s.average) {
    res.beta = res.beta_avg;
    res.intercept = res.intercept_avg;
  }
  a.coef = Mat(g.loci * g.alleles, a.m);
  a.intercept.resize(a.m);
  for (int t = 0; t < a.m; ++t) {
    const double shift = centre_coefficients(&res.beta[static_cast<size_t>(t) * x.cols], a.freq,
                                             codes, g.alleles, &a.coef(0, t));
    a.intercept[t] = res.intercept[t] + shift;
  }
  a.covar_coef = Mat(q, a.m);
  for (int t = 0; t < a.m; ++t)
    for (int c = 0; c < q; ++c)
      a.covar_coef(c, t) = res.beta[static_cast<size_t>(t) * x.cols + geno_cols + c];
  a.oof = Mat(g.n, a.m);
  a.oof.v = res.oof;
  for (size_t k = 0; k < y.v.size(); ++k)
    if (std::isnan(y.v[k])) a.oof.v[k] = kNaN;
  a.lambda = res.lambda;
  a.steps = res.steps;
  if (s.pair_top >= 2) {
    Mat resid = y;
    for (size_t k = 0; k < resid.v.size(); ++k) resid.v[k] -= a.oof.v[k];
    ls.unpenalized = 0;
    fit_pairs(resid, g, x, res, codes, s, ls, a);
  }
  return a;
}

Mat additive_predict(const AdditiveModel& a, const GenoData& g) {
  if (g.loci != a.loci || g.alleles != a.alleles) {
    throw std::invalid_argument("genotypes do not match the additive path's loci and alleles");
  }
  Mat out(g.n, a.m);
  for (int t = 0; t < a.m; ++t)
    for (int i = 0; i < g.n; ++i) out(i, t) = a.intercept[t];
  // Only loci with a non-zero coefficient contribute.
  for (int l = 0; l < g.loci; ++l) {
    bool active = false;
    for (int t = 0; t < a.m && !active; ++t)
      for (int c = 0; c < a.alleles && !active; ++c) active = a.coef(l * a.alleles + c, t) != 0;
    if (!active) continue;
    for (int i = 0; i < g.n; ++i) {
      if (!called(g, i, l)) continue;
      if (!g.soft()) {
        const uint8_t c = code_at(g, i, l);
        for (int t = 0; t < a.m; ++t) out(i, t) += a.coef(l * a.alleles + c, t);
        continue;
      }
      for (int c = 0; c < a.alleles; ++c) {
        const double p = g.value(i, l, c);
        if (p == 0) continue;
        for (int t = 0; t < a.m; ++t) out(i, t) += p * a.coef(l * a.alleles + c, t);
      }
    }
  }
  for (const PairTerm& t : a.pairs) {
    if (t.trait < 0 || t.trait >= a.m || t.locus1 < 0 || t.locus1 >= g.loci || t.locus2 < 0 ||
        t.locus2 >= g.loci) {
      throw std::invalid_argument("a pair term lies outside the model");
    }
    for (int i = 0; i < g.n; ++i)
      out(i, t.trait) += t.weight * pair_value(t, g, i);
  }
  return out;
}

}  // namespace gpatlas
