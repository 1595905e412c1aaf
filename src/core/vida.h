// Variable importance distribution analysis (VIDA) of an individuals x alleles importance matrix.
#pragma once

#include <cstddef>
#include <vector>

#include "gpatlas.h"  // Callbacks, Interrupted, set_core_threads

namespace gpatlas {

// How concentrated a set of |z| values is; higher always means more clumped.
//   concentration: share of the summed |z| held by the top `percentile` % of the values
//   gini:          Gini coefficient of |z| (the reference computes it on a descending sort,
//                  which yields the negative; we keep the documented orientation)
//   entropy:       1 - H / log2(K) of a histogram of |z| with min(10, len / 2) equal bins,
//                  K = number of non-empty bins (1 when K == 1)
//   adaptive:      concentration in the top 5 % when the excess kurtosis of the signed values
//                  exceeds 1, else in the top 15 % (ignores `percentile`)
enum class Clumpiness { concentration, gini, entropy, adaptive };

struct VidaParams {
  // Several thresholds and percentiles are evaluated in one pass: the correlations are shared
  // by all thresholds and the partner sets by all percentiles (used by the grid search).
  std::vector<double> z_thresholds{2.0};     // |z| > threshold is extreme; each > 0
  std::vector<double> percentiles{5.0};      // clumpiness percentile(s), each in (0, 100]
  Clumpiness method = Clumpiness::concentration;
  double partner_fraction = 0.1;             // share of an allele's candidate pairs kept
  std::vector<int> alleles;                  // 0-based columns to score (unique); empty = all
  int block_size = 256;                      // columns per matrix-product block
  // Scoring at least half of the columns stores the pairwise correlations as a packed upper
  // triangle of doubles (p^2 / 2 * 8 bytes) so that each block product is computed once; above
  // this size, or for smaller subsets, correlations are recomputed per block of scored columns.
  double max_store_bytes = 4e9;
};

// Per scored allele c (position in `alleles`), threshold t and percentile q:
//   per-threshold arrays have index t * s + c, per-(threshold, percentile) arrays
//   (t * Q + q) * s + c, with s = alleles.size() and Q = percentiles.size().
// An allele gets a score only when it is extreme in at least 3 individuals, has at least 3
// partners, and at least 3 of its extreme individuals carry at least 3 non-zero partner and 3
// non-zero non-partner z-scores (the reference's rules); otherwise its score fields are NaN.
struct VidaResult {
  int n = 0, p = 0;
  std::vector<double> z_thresholds, percentiles;
  std::vector<int> alleles;                 // scored columns, 0-based
  std::vector<int> n_nonzero;               // non-zero z-scores of the allele
  std::vector<int> n_extreme;               // individuals where |z| > threshold
  std::vector<int> n_partners;              // partners chosen (0: no candidate pair)
  std::vector<int> n_used;                  // extreme individuals that entered the mean
  std::vector<double> extreme_ratio_diff;   // mean partner minus non-partner extreme ratio
  std::vector<double> clumpiness_diff;      // mean partner minus non-partner clumpiness
  std::vector<double> score;                // extreme_ratio_diff * clumpiness_diff
  std::size_t at(int t, int c) const { return static_cast<std::size_t>(t) * alleles.size() + c; }
  std::size_t at(int t, int q, int c) const {
    return (static_cast<std::size_t>(t) * percentiles.size() + q) * alleles.size() + c;
  }
};

// `importance` is n individuals x p alleles, column-major (e.g. an R matrix), finite; zeros
// mean "allele not carried / no effect" and are left out everywhere. Runs on core_threads()
// threads (see set_core_threads) with the same result on any number. Progress is reported as
// Task::vida_correlations, then Task::vida_scores. Throws std::invalid_argument on bad input and
// gpatlas::Interrupted when callbacks.interrupted() returns true.
VidaResult vida(const double* importance, int n, int p, const VidaParams& params,
                const Callbacks& callbacks = {});

// Building blocks, exposed for tests.
// z-scores of each column over its non-zero entries (population sd), n x p column-major like
// the input; a column with fewer than 4 non-zero entries or zero spread is all zero.
std::vector<double> vida_zscores(const double* importance, int n, int p);
// Clumpiness of a set of z-scores (any order; fewer than 3 values give 0, as in the reference).
double vida_clumpiness(const std::vector<double>& z, Clumpiness method, double percentile);

}  // namespace gpatlas
