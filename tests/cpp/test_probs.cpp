// Tests of genotype probabilities as input (GenoData::probs): a one-hot probability vector is a
// call, every part of the model is linear in a locus's vector, training noise flips x to 1 - x.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

#include "gpmodel.h"
#include "nets.h"

using namespace gpatlas;

namespace {

double unit(std::mt19937& gen) { return (gen() >> 8) * (1.0 / 16777216.0); }

// Codes of n individuals at `loci` loci with 3 alleles (one missing call), two traits driven by
// loci 0 and 1 and their interaction.
struct Data {
  Mat pheno;
  GenoData geno;
};

Data make_data(int n, int loci, uint32_t seed) {
  std::mt19937 gen(seed);
  Data d;
  d.geno.n = n;
  d.geno.loci = loci;
  d.geno.alleles = 3;
  d.geno.codes.resize(static_cast<size_t>(n) * loci);
  for (auto& c : d.geno.codes) c = static_cast<uint8_t>(gen() % 3);
  d.geno.codes[7] = kMissingCode;
  d.pheno = Mat(n, 2);
  for (int i = 0; i < n; ++i) {
    const uint8_t* g = &d.geno.codes[static_cast<size_t>(i) * loci];
    const double a = g[0] == 1, b = g[1] == 2;
    d.pheno(i, 0) = a + b + 2 * a * b + 0.2 * (unit(gen) - 0.5);
    d.pheno(i, 1) = a - 0.5 * (g[2] == 0) + 0.2 * (unit(gen) - 0.5);
  }
  return d;
}

// The one-hot probabilities of the codes (a missing call: all zero).
GenoData onehot(const GenoData& g) {
  GenoData out = g;
  out.probs.assign(static_cast<size_t>(g.n) * g.features(), 0.0f);
  for (int i = 0; i < g.n; ++i)
    for (int l = 0; l < g.loci; ++l) {
      const uint8_t c = g.codes[static_cast<size_t>(i) * g.loci + l];
      if (c != kMissingCode) out.probs[(static_cast<size_t>(i) * g.loci + l) * g.alleles + c] = 1;
    }
  return out;
}

ModelSettings settings() {
  ModelSettings s;
  s.net.latent_dim = 2;
  s.net.pheno_hidden = 8;
  s.net.decoder_hidden = 8;
  s.net.geno_hidden = 8;
  s.net.epochs_pheno = 3;
  s.net.epochs_geno = 3;
  s.net.batch_size = 16;
  s.net.seed = 5;
  s.net.threads = 1;
  s.n_seeds = 1;
  s.valid_prop = 0.2;
  s.additive = true;
  s.additive_settings.folds = 4;
  s.additive_settings.pair_top = 4;
  return s;
}

}  // namespace

TEST_CASE("one-hot probabilities give the fit, prediction and importance of the calls",
          "[probs]") {
  const Data d = make_data(160, 10, 1);
  const GenoData soft = onehot(d.geno);
  const Model hard_fit = fit_model(d.pheno, d.geno, settings(), Callbacks{});
  const Model soft_fit = fit_model(d.pheno, soft, settings(), Callbacks{});
  REQUIRE(hard_fit.members.size() == soft_fit.members.size());
  for (size_t k = 0; k < hard_fit.members.size(); ++k) {
    const auto& a = hard_fit.members[k].params;
    const auto& b = soft_fit.members[k].params;
    REQUIRE(a.size() == b.size());
    for (size_t q = 0; q < a.size(); ++q)
      CHECK(std::memcmp(a[q].data.data(), b[q].data.data(), a[q].data.size() * 4) == 0);
  }
  CHECK(hard_fit.additive.pairs.size() == soft_fit.additive.pairs.size());
  CHECK(hard_fit.fitted.v == soft_fit.fitted.v);
  const ModelImportance hi = model_genotype_importance(hard_fit, d.geno, nullptr,
                                                       ImportanceStat::prediction, false, {});
  const ModelImportance si = model_genotype_importance(hard_fit, soft, nullptr,
                                                       ImportanceStat::prediction, false, {});
  REQUIRE(hi.total.per_individual.size() == si.total.per_individual.size());
  for (size_t q = 0; q < hi.total.per_individual.size(); ++q)
    CHECK(si.total.per_individual[q] == Approx(hi.total.per_individual[q]).margin(1e-12));
}

TEST_CASE("predictions are linear in one locus's probability vector", "[probs]") {
  const Data d = make_data(160, 10, 2);
  const Model md = fit_model(d.pheno, d.geno, settings(), Callbacks{});
  // The additive path (pair terms included) is linear in each locus's vector: a mixture of two
  // calls predicts the mixture of their predictions.
  GenoData a = onehot(d.geno), b = a, mix = a;
  const double w = 0.3;
  for (int i = 0; i < d.geno.n; ++i)
    for (int l : {0, 1}) {
      float* pa = &a.probs[(static_cast<size_t>(i) * 10 + l) * 3];
      float* pb = &b.probs[(static_cast<size_t>(i) * 10 + l) * 3];
      float* pm = &mix.probs[(static_cast<size_t>(i) * 10 + l) * 3];
      for (int k = 0; k < 3; ++k) pa[k] = pb[k] = 0;
      pa[l == 0 ? 1 : 2] = 1;  // the allele that acts
      pb[0] = 1;
      for (int k = 0; k < 3; ++k) pm[k] = static_cast<float>(w * pa[k] + (1 - w) * pb[k]);
    }
  // Locus 0 mixed, locus 1 fixed at the acting allele in all three: linear in locus 0's vector.
  for (int i = 0; i < d.geno.n; ++i) {
    for (GenoData* g : {&a, &b, &mix}) {
      float* p1 = &g->probs[(static_cast<size_t>(i) * 10 + 1) * 3];
      p1[0] = p1[1] = 0;
      p1[2] = 1;
    }
  }
  const Mat pa = additive_predict(md.additive, a), pb = additive_predict(md.additive, b);
  const Mat pm = additive_predict(md.additive, mix);
  REQUIRE(!md.additive.pairs.empty());
  for (size_t q = 0; q < pm.v.size(); ++q)
    CHECK(pm.v[q] == Approx(w * pa.v[q] + (1 - w) * pb.v[q]).margin(1e-6));
  // A vector of zeros is a missing call for the whole model, networks included.
  GenoData gone = onehot(d.geno), missing = d.geno;
  for (int i = 0; i < 5; ++i) {
    std::fill_n(&gone.probs[(static_cast<size_t>(i) * 10 + 3) * 3], 3, 0.0f);
    gone.codes[static_cast<size_t>(i) * 10 + 3] = kMissingCode;
    missing.codes[static_cast<size_t>(i) * 10 + 3] = kMissingCode;
  }
  const Mat p_gone = predict_model_genotype(md, gone, Output::phenotype);
  const Mat p_missing = predict_model_genotype(md, missing, Output::phenotype);
  for (size_t q = 0; q < p_gone.v.size(); ++q)
    CHECK(p_gone.v[q] == Approx(p_missing.v[q]).margin(1e-9));
}

TEST_CASE("training noise flips an input x to 1 - x, as it flips a bit", "[probs]") {
  const Data d = make_data(40, 6, 3);
  GenoData soft = onehot(d.geno);
  std::mt19937 gen(4);
  for (auto& p : soft.probs) p = static_cast<float>(unit(gen));  // any values in [0, 1]
  std::vector<int64_t> rows(d.geno.n);
  for (int i = 0; i < d.geno.n; ++i) rows[i] = i;
  const int64_t F = soft.features(), n = d.geno.n;
  std::vector<float> clean(static_cast<size_t>(F * n)), noisy(clean.size()), calls(clean.size()),
      calls_soft(clean.size());
  Rng r0(1), r1(2), r2(2), r3(2);
  noisy_onehot_t(soft, rows.data(), n, 0.0, r0, clean.data());
  noisy_onehot_t(soft, rows.data(), n, 0.25, r1, noisy.data());
  int flipped = 0;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t j = 0; j < F; ++j) {
      const float x = soft.probs[static_cast<size_t>(b * F + j)];
      const float c = clean[static_cast<size_t>(j * n + b)];
      const float y = noisy[static_cast<size_t>(j * n + b)];
      CHECK(c == x);
      CHECK((y == x || y == 1.0f - x));
      flipped += y != x;
    }
  CHECK(flipped > 0.15 * F * n);
  CHECK(flipped < 0.35 * F * n);
  // Calls and their one-hot probabilities draw the same flips.
  noisy_onehot_t(d.geno, rows.data(), n, 0.25, r2, calls.data());
  noisy_onehot_t(onehot(d.geno), rows.data(), n, 0.25, r3, calls_soft.data());
  CHECK(calls == calls_soft);
}

TEST_CASE("probabilities outside [0, 1] or of the wrong size are refused", "[probs]") {
  const Data d = make_data(20, 4, 5);
  GenoData g = onehot(d.geno);
  g.probs[3] = 1.5f;
  CHECK_THROWS_AS(check_geno(g), std::invalid_argument);
  g.probs[3] = -0.1f;
  CHECK_THROWS_AS(check_geno(g), std::invalid_argument);
  g = onehot(d.geno);
  g.probs.pop_back();
  CHECK_THROWS_AS(check_geno(g), std::invalid_argument);
}
