// The additive genotype path of a model: a cross-validated penalized regression per trait on
// the allele indicators, optionally with pairwise terms among each trait's strongest loci
// (plain types; no LibTorch).
#pragma once

#include <cstdint>
#include <vector>

#include "gpatlas.h"

namespace gpatlas {

// A dense column-major matrix of doubles; NaN marks a missing value.
struct Mat {
  int rows = 0, cols = 0;
  std::vector<double> v;
  Mat() = default;
  Mat(int r, int c, double fill = 0) : rows(r), cols(c), v(static_cast<size_t>(r) * c, fill) {}
  double& operator()(int i, int j) { return v[static_cast<size_t>(j) * rows + i]; }
  double operator()(int i, int j) const { return v[static_cast<size_t>(j) * rows + i]; }
};

using PairTerm = OutputMap::PairTerm;

struct AdditiveSettings {
  int folds = 5;         // cross-validation folds (one assignment for every trait)
  int nlambda = 50;      // penalty grid points
  int patience = 10;     // a trait's path stops this many grid points after its best
  double alpha = 1;      // elastic-net mixing (1: the lasso)
  bool average = false;  // main effects: mean of the fold fits instead of the fit on all rows
  int pair_top = 0;      // pairs among each trait's top loci (< 2: none)
  bool pair_guard = true;  // keep a trait's pairs only when they beat 0 by one standard error
  int threads = 1;
  uint64_t seed = 1;     // the fold assignment's seed
};

struct AdditiveModel {
  int m = 0, loci = 0, alleles = 2;
  // The prediction of a trait: intercept + the coefficient of each carried allele + pair terms.
  std::vector<double> intercept;  // m
  // One row per one-hot feature (locus-major: locus l, allele a is row l * alleles + a), one
  // column per trait, centred per locus at the training allele frequencies.
  Mat coef;
  std::vector<PairTerm> pairs;  // 0-based trait, loci and allele codes
  // Unpenalized covariate columns fitted jointly with the genotype columns: covariate columns x
  // traits, in the units of y per unit of the column (0 x m without covariates). Predictions
  // (additive_predict()) leave them out; the out-of-fold predictions include them.
  Mat covar_coef;
  // From the fit only:
  Mat oof;                 // individuals x traits: out-of-fold predictions (NaN where missing)
  std::vector<double> lambda;
  std::vector<int> steps;
  Mat freq;                // loci x alleles: training allele frequencies among the calls
  std::vector<int> folds;  // 0-based fold of each training individual
  int nfolds = 0;
};

// Frequency of each allele code among the called individuals of each locus (loci x alleles;
// a locus without calls has all frequencies 0).
Mat allele_frequencies(const GenoData& g);

// Fits the path to y (individuals x traits, standardized units, NaN = missing).
// The design has one indicator (or probability) column per locus and allele code (code 1 only
// when there are two alleles), missing calls filled with the code's training frequency; pair
// terms need kMinPairCarriers training individuals carrying both alleles (with probabilities,
// that many expected); the solver is
// lasso_cv() on all traits at once.
// `covar` (individuals x covariate columns, no missing values; nullptr or 0 columns: none)
// enters as unpenalized columns after the genotype columns, so covariate and genotype effects
// are estimated jointly; the pair terms are then fitted to residuals free of both.
AdditiveModel additive_fit(const Mat& y, const GenoData& g, const AdditiveSettings& s,
                           const Mat* covar = nullptr);

// Predictions (individuals x traits) of a fitted path from allele codes; a missing call adds
// the locus average (coefficient row of zeros after centring) and removes its pair terms.
// With probabilities every input is linear in them: a locus adds sum_a p_a coef[a], and a pair
// term's side is p_allele - centre (the centred indicator's expectation).
Mat additive_predict(const AdditiveModel& a, const GenoData& g);

}  // namespace gpatlas
