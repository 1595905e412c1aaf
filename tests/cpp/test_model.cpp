// Tests of the whole model (gpmodel.h): one fit call, one predict call, one seed.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "gpmodel.h"

using namespace gpatlas;

namespace {

double unif(std::mt19937& gen) { return (gen() >> 8) * (1.0 / 16777216.0); }

struct ModelData {
  Mat pheno;
  GenoData geno;
};

// Three traits driven additively by the first loci, a few missing values and calls.
ModelData model_data(int n, int loci, uint32_t seed) {
  std::mt19937 gen(seed);
  ModelData d;
  d.geno.n = n;
  d.geno.loci = loci;
  d.geno.alleles = 2;
  d.geno.codes.resize(static_cast<size_t>(n) * loci);
  for (auto& c : d.geno.codes) c = static_cast<uint8_t>(gen() % 2);
  d.geno.codes[3] = kMissingCode;
  d.pheno = Mat(n, 3);
  for (int i = 0; i < n; ++i) {
    const uint8_t* g = &d.geno.codes[static_cast<size_t>(i) * loci];
    const double a = (g[0] == 1) - (g[1] == 1), b = (g[2] == 1) + 0.5 * (g[4] == 1);
    d.pheno(i, 0) = 10 + 2 * a + 0.3 * (unif(gen) - 0.5);
    d.pheno(i, 1) = -3 + b + 0.3 * (unif(gen) - 0.5);
    d.pheno(i, 2) = a - b + 0.3 * (unif(gen) - 0.5);
  }
  d.pheno(5, 1) = std::numeric_limits<double>::quiet_NaN();
  return d;
}

ModelSettings small_settings() {
  ModelSettings s;
  s.net.latent_dim = 3;
  s.net.pheno_hidden = 8;
  s.net.decoder_hidden = 8;
  s.net.geno_hidden = 0;
  s.net.epochs_pheno = 3;
  s.net.epochs_geno = 3;
  s.net.batch_size = 16;
  s.net.seed = 7;
  s.net.threads = 1;
  s.n_seeds = 2;
  s.valid_prop = 0.25;
  s.additive = true;
  s.additive_settings.folds = 4;
  s.additive_settings.alpha = 0.5;
  return s;
}

bool same_params(const ParamList& a, const ParamList& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (a[k].name != b[k].name || a[k].data.size() != b[k].data.size() ||
        std::memcmp(a[k].data.data(), b[k].data.data(), a[k].data.size() * sizeof(float)) != 0)
      return false;
  return true;
}

}  // namespace

TEST_CASE("a model fit is reproducible from its seed and predicts its fitted values") {
  const ModelData d = model_data(120, 12, 3);
  const ModelSettings s = small_settings();
  const Model a = fit_model(d.pheno, d.geno, s, Callbacks{});
  const Model b = fit_model(d.pheno, d.geno, s, Callbacks{});
  REQUIRE(a.members.size() == b.members.size());
  for (size_t k = 0; k < a.members.size(); ++k) {
    CHECK(same_params(a.members[k].params, b.members[k].params));
    CHECK(a.members[k].valid == b.members[k].valid);
  }
  CHECK(a.additive.folds == b.additive.folds);
  CHECK(a.fitted.v == b.fitted.v);
  // The fitted values are the model's prediction for its training individuals.
  const Mat p = predict_model_genotype(a, d.geno, Output::phenotype);
  for (size_t q = 0; q < p.v.size(); ++q) CHECK(p.v[q] == Approx(a.fitted.v[q]).margin(1e-9));
  // Another seed draws other validation individuals and folds.
  ModelSettings other = s;
  other.net.seed = 8;
  const Model c = fit_model(d.pheno, d.geno, other, Callbacks{});
  CHECK(c.members[0].valid != a.members[0].valid);
  CHECK(c.additive.folds != a.additive.folds);
}

TEST_CASE("a model's scaling, validation split and folds follow their definitions") {
  const ModelData d = model_data(120, 12, 4);
  const Model md = fit_model(d.pheno, d.geno, small_settings(), Callbacks{});
  // Trait 2 has one missing value: its mean and sd are over the 119 others.
  double s = 0, ss = 0;
  int n = 0;
  for (int i = 0; i < 120; ++i)
    if (!std::isnan(d.pheno(i, 1))) {
      s += d.pheno(i, 1);
      ++n;
    }
  const double mean = s / n;
  for (int i = 0; i < 120; ++i)
    if (!std::isnan(d.pheno(i, 1))) ss += (d.pheno(i, 1) - mean) * (d.pheno(i, 1) - mean);
  CHECK(md.center[1] == Approx(mean).epsilon(1e-12));
  CHECK(md.scale[1] == Approx(std::sqrt(ss / (n - 1))).epsilon(1e-12));
  // 30 validation individuals per network, sorted, distinct between seeds.
  for (const Member& mb : md.members) {
    REQUIRE(mb.valid.size() == 30u);
    for (size_t k = 1; k < mb.valid.size(); ++k) CHECK(mb.valid[k - 1] < mb.valid[k]);
  }
  if (md.members.size() == 2) CHECK(md.members[0].valid != md.members[1].valid);
  // Balanced folds: 30 individuals each.
  std::vector<int> count(4, 0);
  for (int f : md.additive.folds) ++count[f];
  for (int c : count) CHECK(c == 30);
  // The additive path alone explains most of trait 1 (2 a + noise).
  CHECK(md.has_additive);
  const Mat add = additive_predict(md.additive, d.geno);
  double rss = 0, tss = 0;
  for (int i = 0; i < 120; ++i) {
    const double y = (d.pheno(i, 0) - md.center[0]) / md.scale[0];
    rss += (y - add(i, 0)) * (y - add(i, 0));
    tss += y * y;
  }
  CHECK(rss / tss < 0.2);
}

TEST_CASE("calibration never reverses a prediction and shrinkage stays in [0, 1]") {
  std::mt19937 gen(9);
  Mat pred(40, 2), obs(40, 2);
  for (int i = 0; i < 40; ++i) {
    pred(i, 0) = unif(gen);
    pred(i, 1) = unif(gen);
    obs(i, 0) = -pred(i, 0) + 0.01 * unif(gen);
    obs(i, 1) = 3 * pred(i, 1) + 1;
  }
  std::vector<double> a, b;
  calibration_fit(pred, obs, a, b);
  CHECK(b[0] == 0);
  CHECK(b[1] == Approx(3).epsilon(1e-9));
  CHECK(a[1] == Approx(1).epsilon(1e-9));
  network_shrinkage(pred, obs, a, b);
  CHECK(b[0] == 0);
  CHECK(b[1] == 1);
  // Fewer than kMinCalibration observed values: no recalibration, no network part.
  for (int i = 0; i < 40 - kMinCalibration + 1; ++i) obs(i, 1) = std::nan("");
  calibration_fit(pred, obs, a, b);
  CHECK(b[1] == 1);
  CHECK(a[1] == 0);
  network_shrinkage(pred, obs, a, b);
  CHECK(b[1] == 0);
}

TEST_CASE("a model refuses a validation share that leaves less than one batch") {
  const ModelData d = model_data(40, 6, 5);
  ModelSettings s = small_settings();
  s.valid_prop = 0.5;
  s.net.batch_size = 32;
  CHECK_THROWS_AS(fit_model(d.pheno, d.geno, s, Callbacks{}), std::invalid_argument);
}

TEST_CASE("covariates enter the additive path jointly and stay out of its predictions") {
  ModelData d = model_data(160, 12, 6);
  // A covariate that follows locus 0 in 80% of individuals and shifts trait 1 by 1.5.
  std::mt19937 gen(11);
  Mat covar(160, 1);
  double mean = 0;
  for (int i = 0; i < 160; ++i) {
    const bool carrier = d.geno.codes[static_cast<size_t>(i) * 12] == 1;
    covar(i, 0) = unif(gen) < 0.8 ? carrier : !carrier;
    mean += covar(i, 0) / 160;
  }
  for (int i = 0; i < 160; ++i) {
    covar(i, 0) -= mean;
    d.pheno(i, 0) += 1.5 * covar(i, 0);
  }
  const ModelSettings s = small_settings();
  const Model md = fit_model(d.pheno, d.geno, s, Callbacks{}, &covar);
  REQUIRE(md.covar_coef.rows == 1);
  REQUIRE(md.covar_coef.cols == 3);
  CHECK(md.covar_coef(0, 0) == Approx(1.5).margin(0.2));
  CHECK(std::fabs(md.covar_coef(0, 1)) < 0.2);
  // Predictions are the genotype part alone: the same as the fitted values.
  const Mat p = predict_model_genotype(md, d.geno, Output::phenotype);
  for (size_t q = 0; q < p.v.size(); ++q) CHECK(p.v[q] == Approx(md.fitted.v[q]).margin(1e-9));
  // Without covariates the model has no covariate effects.
  CHECK(fit_model(d.pheno, d.geno, s, Callbacks{}).covar_coef.rows == 0);
  // Covariates need the additive path, finite values and one row per individual.
  ModelSettings plain = s;
  plain.additive = false;
  CHECK_THROWS_AS(fit_model(d.pheno, d.geno, plain, Callbacks{}, &covar), std::invalid_argument);
  Mat bad = covar;
  bad(4, 0) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(fit_model(d.pheno, d.geno, s, Callbacks{}, &bad), std::invalid_argument);
  const Mat short_covar(100, 1);
  CHECK_THROWS_AS(fit_model(d.pheno, d.geno, s, Callbacks{}, &short_covar),
                  std::invalid_argument);
}
