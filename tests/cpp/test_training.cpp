// Tests of training and prediction through the plain-typed public API (gpatlas.h only).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpatlas.h"

using namespace gpatlas;

namespace {

// Uniform in [0, 1) from the raw mt19937 stream: std::*_distribution differ between standard
// libraries, the engine's output does not.
double unif(std::mt19937& gen) { return (gen() >> 8) * (1.0 / 16777216.0); }

struct Data {
  PhenoData pheno;
  GenoData geno;
};

// Genotypes drive two latent factors and every phenotype is a linear mix of them plus a
// little noise, so both stages have something real to learn.
Data make_data(int n, int m, int loci, int alleles, uint32_t seed) {
  std::mt19937 gen(seed);
  Data d;
  d.geno.n = n;
  d.geno.loci = loci;
  d.geno.alleles = alleles;
  d.geno.codes.resize(static_cast<size_t>(n) * loci);
  for (auto& c : d.geno.codes) c = static_cast<uint8_t>(gen() % alleles);

  std::vector<double> effect(static_cast<size_t>(2) * loci * alleles);
  for (auto& e : effect) e = unif(gen) < 0.3 ? unif(gen) * 2 - 1 : 0.0;
  std::vector<double> mix(static_cast<size_t>(2) * m);
  for (auto& w : mix) w = unif(gen) * 2 - 1;

  d.pheno.n = n;
  d.pheno.m = m;
  d.pheno.values.resize(static_cast<size_t>(n) * m);
  d.pheno.observed.assign(d.pheno.values.size(), 1);
  for (int i = 0; i < n; ++i) {
    double z[2] = {0, 0};
    for (int k = 0; k < 2; ++k)
      for (int l = 0; l < loci; ++l)
        z[k] += effect[(static_cast<size_t>(k) * loci + l) * alleles + d.geno.codes[static_cast<size_t>(i) * loci + l]];
    for (int j = 0; j < m; ++j)
      d.pheno.values[static_cast<size_t>(i) * m + j] =
          static_cast<float>(mix[j] * z[0] + mix[m + j] * z[1] + 0.05 * (unif(gen) - 0.5));
  }
  return d;
}

Control tiny_control() {
  Control c;
  c.latent_dim = 4;
  c.pheno_hidden = 8;
  c.decoder_hidden = 8;
  c.geno_hidden = 8;
  c.epochs_pheno = 2;
  c.epochs_geno = 2;
  c.batch_size = 8;
  c.seed = 42;
  // One thread: bitwise comparisons between fits must not depend on reduction order.
  c.threads = 1;
  return c;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool bit_equal(const Param& a, const Param& b) {
  return a.name == b.name && a.shape == b.shape && a.data.size() == b.data.size() &&
         std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

const Param& find_param(const ParamList& params, const std::string& name) {
  for (const auto& p : params)
    if (p.name == name) return p;
  FAIL("parameter " << name << " is missing");
  throw std::logic_error("unreachable");
}

// Names of parameters under `prefix` that are not bit-identical between the two lists.
std::vector<std::string> differing(const ParamList& a, const ParamList& b, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& p : a)
    if (starts_with(p.name, prefix) && !bit_equal(p, find_param(b, p.name))) out.push_back(p.name);
  return out;
}

// Names of parameters under `prefix` that are bit-identical (i.e. were not changed).
std::vector<std::string> unchanged(const ParamList& a, const ParamList& b, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& p : a)
    if (starts_with(p.name, prefix) && bit_equal(p, find_param(b, p.name))) out.push_back(p.name);
  return out;
}

size_t count_prefix(const ParamList& params, const std::string& prefix) {
  size_t k = 0;
  for (const auto& p : params) k += starts_with(p.name, prefix);
  return k;
}

bool all_bit_equal(const ParamList& a, const ParamList& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!bit_equal(a[i], b[i])) return false;
  return true;
}

}  // namespace

TEST_CASE("predictions have one row per individual and the requested width", "[predict]") {
  const Data d = make_data(40, 3, 20, 3, 1);
  const Control c = tiny_control();
  const FitResult fit_res = fit(d.pheno, d.geno, c, {});
  CHECK(fit_res.loss_pheno.size() == 2);
  CHECK(fit_res.loss_geno.size() == 2);

  const auto pg = predict_from_genotype(fit_res.params, c, 3, d.geno, Output::phenotype);
  const auto lg = predict_from_genotype(fit_res.params, c, 3, d.geno, Output::latent);
  const auto pp = predict_from_phenotype(fit_res.params, c, d.pheno, Output::phenotype);
  const auto lp = predict_from_phenotype(fit_res.params, c, d.pheno, Output::latent);
  CHECK(pg.size() == 40u * 3u);
  CHECK(lg.size() == 40u * 4u);
  CHECK(pp.size() == 40u * 3u);
  CHECK(lp.size() == 40u * 4u);
  for (const auto* v : {&pg, &lg, &pp, &lp})
    CHECK(std::all_of(v->begin(), v->end(), [](float x) { return std::isfinite(x); }));

  // New individuals, fewer than a batch: eval mode must not need batch statistics.
  const Data fresh = make_data(7, 3, 20, 3, 2);
  CHECK(predict_from_genotype(fit_res.params, c, 3, fresh.geno, Output::phenotype).size() == 7u * 3u);
  CHECK(predict_from_phenotype(fit_res.params, c, fresh.pheno, Output::latent).size() == 7u * 4u);

  // Prediction is row-wise in eval mode: a subset of individuals predicts the same rows, up to
  // float32 rounding (the BLAS may sum a product in another order for another number of rows).
  Data head = make_data(40, 3, 20, 3, 1);
  head.geno.n = 5;
  head.geno.codes.resize(5u * 20u);
  const auto pg_head = predict_from_genotype(fit_res.params, c, 3, head.geno, Output::phenotype);
  REQUIRE(pg_head.size() == 15u);
  for (size_t k = 0; k < pg_head.size(); ++k)
    CHECK(pg_head[k] == Approx(pg[k]).epsilon(1e-4).margin(1e-5));
}

TEST_CASE("unobserved phenotype values have no influence on training", "[masking]") {
  Data d = make_data(40, 3, 20, 3, 3);
  std::mt19937 gen(8);
  for (auto& o : d.pheno.observed) o = unif(gen) < 0.15 ? 0 : 1;
  Data other = d;
  int changed = 0;
  for (size_t k = 0; k < other.pheno.values.size(); ++k)
    if (!other.pheno.observed[k]) {
      other.pheno.values[k] = 1000.0f + static_cast<float>(k);
      ++changed;
    }
  REQUIRE(changed > 0);

  for (bool mask_missing : {true, false}) {
    INFO("mask_missing = " << mask_missing);
    Control c = tiny_control();
    c.mask_missing = mask_missing;
    const FitResult a = fit(d.pheno, d.geno, c, {});
    const FitResult b = fit(other.pheno, other.geno, c, {});
    CHECK(all_bit_equal(a.params, b.params));
    CHECK(a.loss_pheno == b.loss_pheno);
    CHECK(a.loss_geno == b.loss_geno);

    // The control experiment: the same change at one observed entry must show.
    Data moved = d;
    size_t k = 0;
    while (!moved.pheno.observed[k]) ++k;
    moved.pheno.values[k] += 1.0f;
    const FitResult e = fit(moved.pheno, moved.geno, c, {});
    CHECK_FALSE(all_bit_equal(a.params, e.params));
  }

  // Masking is not a no-op: counting the missing entries as zeros trains a different model.
  Control masked = tiny_control(), zeroed = tiny_control();
  zeroed.mask_missing = false;
  CHECK_FALSE(all_bit_equal(fit(d.pheno, d.geno, masked, {}).params,
                            fit(d.pheno, d.geno, zeroed, {}).params));
}

TEST_CASE("stage 2 leaves the phenotype decoder and encoder untouched", "[frozen]") {
  const Data d = make_data(40, 3, 20, 3, 4);
  Control c = tiny_control();
  c.epochs_pheno = 3;
  c.epochs_geno = 0;
  const FitResult stage1 = fit(d.pheno, d.geno, c, {});
  c.epochs_geno = 3;
  const FitResult both = fit(d.pheno, d.geno, c, {});

  REQUIRE(count_prefix(both.params, "decoder.") > 0);
  // Includes the decoder's BatchNorm running statistics: frozen means eval mode too.
  CHECK(differing(both.params, stage1.params, "decoder.").empty());
  CHECK(differing(both.params, stage1.params, "pheno_encoder.").empty());

  SECTION("stage 2 resumed from a full fit trains only the genotype encoder") {
    Control resume = c;
    resume.epochs_pheno = 0;
    resume.epochs_geno = 2;
    resume.seed = 7;
    const FitResult again = fit(d.pheno, d.geno, resume, {}, &both.params);
    CHECK(differing(again.params, both.params, "decoder.").empty());
    CHECK(differing(again.params, both.params, "pheno_encoder.").empty());
    REQUIRE(count_prefix(again.params, "geno_encoder.") > 0);
    // Every genotype-encoder tensor, BatchNorm statistics included, moves during training.
    CHECK(unchanged(again.params, both.params, "geno_encoder.").empty());
  }

  SECTION("stage 2 can start from a stage-1-only fit") {
    Control resume = c;
    resume.epochs_pheno = 0;
    resume.epochs_geno = 2;
    const FitResult again = fit(d.pheno, d.geno, resume, {}, &stage1.params);
    CHECK(differing(again.params, stage1.params, "decoder.").empty());
    CHECK(differing(again.params, stage1.params, "pheno_encoder.").empty());
    const Param& w1t = find_param(again.params, "geno_encoder.w1t");
    CHECK(w1t.shape == std::vector<int64_t>{60, 8});
    CHECK(again.loss_geno.size() == 2);
    const auto pred = predict_from_genotype(again.params, c, 3, d.geno, Output::phenotype);
    CHECK(pred.size() == 40u * 3u);
    // Without a trained genotype layer, predicting from genotypes must refuse, not make up numbers.
    CHECK_THROWS_AS(predict_from_genotype(stage1.params, c, 3, d.geno, Output::phenotype),
                    std::invalid_argument);
  }
}

TEST_CASE("a seed fixes the whole fit", "[determinism]") {
  const Data d = make_data(40, 3, 20, 3, 5);
  Control c = tiny_control();
  const FitResult a = fit(d.pheno, d.geno, c, {});
  const FitResult b = fit(d.pheno, d.geno, c, {});
  CHECK(all_bit_equal(a.params, b.params));
  CHECK(a.loss_pheno == b.loss_pheno);
  CHECK(a.loss_geno == b.loss_geno);

  c.seed = 43;
  const FitResult other = fit(d.pheno, d.geno, c, {});
  CHECK_FALSE(all_bit_equal(a.params, other.params));
  CHECK(a.loss_pheno != other.loss_pheno);
  CHECK(a.loss_geno != other.loss_geno);
}

TEST_CASE("the same seed gives the same fit on one thread and on two, to float rounding",
          "[determinism][threads]") {
  // Wide enough that the fused step splits the first genotype layer into several chunks.
  const Data d = make_data(60, 4, 400, 3, 6);
  Control c = tiny_control();
  c.geno_hidden = 128;
  c.threads = 1;
  const FitResult one = fit(d.pheno, d.geno, c, {});
  c.threads = 2;
  const FitResult two = fit(d.pheno, d.geno, c, {});
  set_core_threads(1);
  REQUIRE(one.params.size() == two.params.size());
  for (size_t k = 0; k < one.params.size(); ++k) {
    INFO(one.params[k].name);
    REQUIRE(one.params[k].data.size() == two.params[k].data.size());
    for (size_t i = 0; i < one.params[k].data.size(); ++i)
      CHECK(one.params[k].data[i] == Approx(two.params[k].data[i]).epsilon(1e-5).margin(1e-6));
  }
  REQUIRE(one.loss_geno.size() == two.loss_geno.size());
  for (size_t e = 0; e < one.loss_pheno.size(); ++e)
    CHECK(one.loss_pheno[e] == Approx(two.loss_pheno[e]).epsilon(1e-6));
  for (size_t e = 0; e < one.loss_geno.size(); ++e)
    CHECK(one.loss_geno[e] == Approx(two.loss_geno[e]).epsilon(1e-6));
}

TEST_CASE("thread counts are capped at the processors there are", "[threads]") {
  set_core_threads(100000);
  CHECK(core_threads() == hardware_threads());
  set_core_threads(0);
  CHECK(core_threads() == hardware_threads());
  set_core_threads(1);
  CHECK(core_threads() == 1);
}

TEST_CASE("a loss that is no longer finite stops training and names stage and epoch",
          "[validation]") {
  Data d = make_data(40, 3, 20, 3, 9);
  for (auto& v : d.pheno.values) v *= 1e20f;  // squares overflow float32
  Control c = tiny_control();
  c.pheno_noise_sd = 0;
  try {
    fit(d.pheno, d.geno, c, {});
    FAIL("training on values whose squares overflow should throw");
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    CHECK(msg.find("stage 1") != std::string::npos);
    CHECK(msg.find("epoch 1") != std::string::npos);
    CHECK(msg.find("not finite") != std::string::npos);
  }
}

TEST_CASE("parameters whose data do not fill their shape, or are not finite, are rejected",
          "[validation]") {
  const Data d = make_data(40, 3, 20, 3, 2);
  const Control c = tiny_control();
  const FitResult res = fit(d.pheno, d.geno, c, {});
  ParamList short_data = res.params;
  short_data[0].data.pop_back();
  CHECK_THROWS_AS(predict_from_phenotype(short_data, c, d.pheno, Output::phenotype),
                  std::invalid_argument);
  ParamList nan_data = res.params;
  nan_data[0].data[0] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_AS(predict_from_phenotype(nan_data, c, d.pheno, Output::phenotype),
                  std::invalid_argument);
}

TEST_CASE("a validation set keeps each stage's best epoch and stops early", "[early_stopping]") {
  const Data d = make_data(60, 3, 20, 3, 9);
  const Data v = make_data(20, 3, 20, 3, 10);
  Control c = tiny_control();
  c.epochs_pheno = 12;
  c.epochs_geno = 12;
  c.lr = 0.05;  // a large step makes the validation loss move up and down
  Validation valid{&v.pheno, &v.geno};
  const FitResult full = fit(d.pheno, d.geno, c, {}, nullptr, &valid);
  REQUIRE(full.valid_pheno.size() == 12);
  REQUIRE(full.valid_geno.size() == 12);
  const auto best_of = [](const std::vector<double>& x) {
    return static_cast<int>(std::min_element(x.begin(), x.end()) - x.begin()) + 1;
  };
  CHECK(full.best_epoch_pheno == best_of(full.valid_pheno));
  CHECK(full.best_epoch_geno == best_of(full.valid_geno));

  // The returned parameters are those of the best epoch: their validation loss is the recorded
  // minimum, not the last epoch's loss.
  REQUIRE(full.best_epoch_geno < 12);
  CHECK(full.valid_geno.back() != full.valid_geno[full.best_epoch_geno - 1]);
  const auto pred = predict_from_genotype(full.params, c, d.pheno.m, v.geno, Output::phenotype);
  double sse = 0;
  for (size_t k = 0; k < pred.size(); ++k) sse += std::pow(pred[k] - v.pheno.values[k], 2);
  CHECK(sse / pred.size() == Approx(full.valid_geno[full.best_epoch_geno - 1]).epsilon(1e-4));

  // Patience stops a stage that many epochs after its best one.
  c.patience = 2;
  c.epochs_geno = 200;
  c.lr = 0.2;
  const FitResult early = fit(d.pheno, d.geno, c, {}, nullptr, &valid);
  CHECK(early.loss_geno.size() < 200);
  CHECK(static_cast<int>(early.valid_geno.size()) == early.best_epoch_geno + 2);

  // A learning-rate drop: where a stage would stop, it goes back to its best epoch and goes on
  // at lr / 10.  Stage 2 alone, from the same start (stage 1 skipped), with and without a drop:
  // the epochs before the stop are the same, and the state kept is still the best epoch's.
  Control s2 = c;
  s2.epochs_pheno = 0;
  const FitResult stop2 = fit(d.pheno, d.geno, s2, {}, &early.params, &valid);
  s2.lr_drops = 1;
  const FitResult drop2 = fit(d.pheno, d.geno, s2, {}, &early.params, &valid);
  REQUIRE(stop2.valid_geno.size() < 200);
  REQUIRE(drop2.valid_geno.size() > stop2.valid_geno.size());
  for (size_t k = 0; k < stop2.valid_geno.size(); ++k) CHECK(drop2.valid_geno[k] == stop2.valid_geno[k]);
  CHECK(drop2.best_epoch_geno == best_of(drop2.valid_geno));
  CHECK(drop2.valid_geno[drop2.best_epoch_geno - 1] <= stop2.valid_geno[stop2.best_epoch_geno - 1]);
  const auto pred_d = predict_from_genotype(drop2.params, s2, d.pheno.m, v.geno, Output::phenotype);
  double sse_d = 0;
  for (size_t k = 0; k < pred_d.size(); ++k) sse_d += std::pow(pred_d[k] - v.pheno.values[k], 2);
  CHECK(sse_d / pred_d.size() == Approx(drop2.valid_geno[drop2.best_epoch_geno - 1]).epsilon(1e-4));
  c.lr_drops = -1;
  CHECK_THROWS_AS(fit(d.pheno, d.geno, c, {}, nullptr, &valid), std::invalid_argument);
  c.lr_drops = 0;

  // Without validation data nothing is recorded and the last epoch is kept.
  c.patience = 0;
  c.epochs_geno = 3;
  const FitResult none = fit(d.pheno, d.geno, c, {});
  CHECK(none.valid_geno.empty());
  CHECK(none.best_epoch_geno == 3);
  Validation wrong{&v.pheno, nullptr};
  CHECK_THROWS_AS(fit(d.pheno, d.geno, c, {}, nullptr, &wrong), std::invalid_argument);
}

TEST_CASE("the cosine schedule and weight decay change the fit; reduced encoders train",
          "[schedule]") {
  const Data d = make_data(40, 3, 20, 3, 5);
  Control c = tiny_control();
  const FitResult base = fit(d.pheno, d.geno, c, {});
  Control cos = c;
  cos.lr_schedule = 1;
  CHECK_FALSE(all_bit_equal(base.params, fit(d.pheno, d.geno, cos, {}).params));
  Control wd = c;
  wd.weight_decay = 0.5;
  CHECK_FALSE(all_bit_equal(base.params, fit(d.pheno, d.geno, wd, {}).params));
  // With one epoch the cosine schedule's only learning rate is lr itself.
  Control one = c, one_cos = c;
  one.epochs_pheno = one.epochs_geno = 1;
  one_cos.epochs_pheno = one_cos.epochs_geno = 1;
  one_cos.lr_schedule = 1;
  CHECK(all_bit_equal(fit(d.pheno, d.geno, one, {}).params,
                      fit(d.pheno, d.geno, one_cos, {}).params));

  // Reduced encoders (no hidden layer) on the structured data of the convergence test.
  const Data s = make_data(160, 6, 30, 3, 9);
  Control reduced = c;
  reduced.latent_dim = 2;
  reduced.decoder_hidden = 16;
  reduced.geno_hidden = 0;
  reduced.pheno_hidden = 0;
  reduced.batch_size = 16;
  reduced.epochs_pheno = 25;
  reduced.epochs_geno = 25;
  reduced.geno_flip = 0.02;
  reduced.l1 = 0.01;
  reduced.l2 = 0.001;
  const FitResult r = fit(s.pheno, s.geno, reduced, {});
  int shapes = 0;
  for (const auto& p : r.params)
    if (p.name == "geno_encoder.w1t" && p.shape == std::vector<int64_t>{90, 2}) ++shapes;
  CHECK(shapes == 1);
  CHECK(r.loss_geno.back() < r.loss_geno.front());
  CHECK(r.loss_pheno.back() < r.loss_pheno.front());
  const auto z = predict_from_genotype(r.params, reduced, s.pheno.m, s.geno, Output::latent);
  CHECK(z.size() == static_cast<size_t>(160 * 2));
}

TEST_CASE("invalid inputs are rejected with std::invalid_argument", "[validation]") {
  const Data d = make_data(40, 3, 20, 3, 6);
  const Control ok = tiny_control();

  Control big_batch = ok;
  big_batch.batch_size = 41;
  CHECK_THROWS_AS(fit(d.pheno, d.geno, big_batch, {}), std::invalid_argument);
  big_batch.batch_size = 40;
  CHECK_NOTHROW(fit(d.pheno, d.geno, big_batch, {}));

  Data bad_code = d;
  bad_code.geno.codes[17] = 3;  // alleles are 0..2
  CHECK_THROWS_AS(fit(bad_code.pheno, bad_code.geno, ok, {}), std::invalid_argument);
  CHECK_THROWS_AS(predict_from_genotype(fit(d.pheno, d.geno, ok, {}).params, ok, 3, bad_code.geno,
                                        Output::phenotype),
                  std::invalid_argument);
  Data missing_call = d;
  missing_call.geno.codes[17] = kMissingCode;
  CHECK_NOTHROW(fit(missing_call.pheno, missing_call.geno, ok, {}));

  Data fewer = d;
  fewer.geno.n = 39;
  fewer.geno.codes.resize(39u * 20u);
  CHECK_THROWS_AS(fit(fewer.pheno, fewer.geno, ok, {}), std::invalid_argument);

  Data short_codes = d;
  short_codes.geno.codes.pop_back();
  CHECK_THROWS_AS(fit(short_codes.pheno, short_codes.geno, ok, {}), std::invalid_argument);
}

TEST_CASE("callbacks report every epoch and can interrupt training", "[callbacks]") {
  const Data d = make_data(40, 3, 20, 3, 7);
  Control c = tiny_control();
  c.epochs_pheno = 3;
  c.epochs_geno = 2;

  std::vector<Progress> seen;
  int polls = 0;
  Callbacks cb;
  cb.progress = [&](const Progress& p) { seen.push_back(p); };
  cb.interrupted = [&] { ++polls; return false; };
  const FitResult res = fit(d.pheno, d.geno, c, cb);

  REQUIRE(seen.size() == 5);
  for (int e = 0; e < 3; ++e) {
    CHECK(seen[e].task == Task::pheno_stage);
    CHECK(seen[e].done == e + 1);
    CHECK(seen[e].total == 3);
    CHECK(seen[e].loss == res.loss_pheno[e]);
  }
  for (int e = 0; e < 2; ++e) {
    CHECK(seen[3 + e].task == Task::geno_stage);
    CHECK(seen[3 + e].done == e + 1);
    CHECK(seen[3 + e].total == 2);
    CHECK(seen[3 + e].loss == res.loss_geno[e]);
  }
  // 40 individuals in batches of 8: five polls per epoch, five epochs.
  CHECK(polls == 25);

  SECTION("an interrupt in the second epoch stops training after one progress report") {
    seen.clear();
    int calls = 0;
    cb.interrupted = [&] { return ++calls == 7; };
    CHECK_THROWS_AS(fit(d.pheno, d.geno, c, cb), Interrupted);
    CHECK(calls == 7);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].done == 1);
  }
}

TEST_CASE("training reduces the loss on structured data", "[convergence]") {
  const Data d = make_data(160, 6, 30, 3, 9);
  Control c = tiny_control();
  c.latent_dim = 2;
  c.pheno_hidden = 16;
  c.decoder_hidden = 16;
  c.geno_hidden = 16;
  c.batch_size = 16;

  SECTION("stage 1") {
    c.epochs_pheno = 25;
    c.epochs_geno = 0;
    const FitResult res = fit(d.pheno, d.geno, c, {});
    REQUIRE(res.loss_pheno.size() == 25);
    CHECK(res.loss_pheno.back() < res.loss_pheno.front());
    CHECK(res.loss_geno.empty());
  }
  SECTION("stage 2") {
    c.epochs_pheno = 25;
    c.epochs_geno = 25;
    c.geno_flip = 0.02;
    c.l1 = 0.01;
    c.l2 = 0.001;
    const FitResult res = fit(d.pheno, d.geno, c, {});
    REQUIRE(res.loss_geno.size() == 25);
    CHECK(res.loss_geno.back() < res.loss_geno.front());
  }
}

namespace {

double max_rel_diff(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return HUGE_VAL;
  double scale = 0, worst = 0;
  for (double v : b) scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(std::fabs(b[i]), 1e-3 * scale));
  return worst;
}

}  // namespace

TEST_CASE("fast ablation importance equals one forward pass per feature", "[importance]") {
  Data d = make_data(24, 3, 15, 3, 7);
  d.geno.codes[5] = kMissingCode;  // a missing call has no active allele to ablate
  Control c = tiny_control();
  // A wide hidden layer, one as narrow as the latent space, and none at all.
  const int hidden = GENERATE(16, 4, 0);
  CAPTURE(hidden);
  c.geno_hidden = hidden;
  c.epochs_pheno = 5;
  c.epochs_geno = 5;
  const FitResult fit = gpatlas::fit(d.pheno, d.geno, c, {});
  for (auto stat : {ImportanceStat::prediction, ImportanceStat::mse}) {
    const auto fast = genotype_importance(fit.params, c, d.pheno.m, d.geno, &d.pheno, stat, {});
    const auto slow = genotype_importance_slow(fit.params, c, d.pheno.m, d.geno, &d.pheno, stat);
    REQUIRE(fast.per_individual.size() == static_cast<size_t>(24 * 45));
    CHECK(max_rel_diff(fast.per_individual, slow.per_individual) < 1e-5);
    CHECK(max_rel_diff(fast.per_phenotype, slow.per_phenotype) < 1e-5);
    // Inactive alleles change nothing when set to the baseline 0.
    for (int i = 0; i < 24; ++i)
      for (int l = 0; l < 15; ++l)
        for (int a = 0; a < 3; ++a) {
          const uint8_t code = d.geno.codes[static_cast<size_t>(i) * 15 + l];
          const double e = fast.per_individual[static_cast<size_t>(i) * 45 + l * 3 + a];
          if (code != a) CHECK(e == 0.0);
        }
  }
  // A recalibrated output: both paths measure the mapped output, and a pure shift changes
  // nothing while a scale multiplies every per-phenotype change by its square.
  OutputMap map{{0.5, -1.0, 2.0}, {2.0, 0.5, 1.0}}, shift{{3.0, 3.0, 3.0}, {1.0, 1.0, 1.0}};
  std::vector<Progress> reports;
  Callbacks report;
  report.progress = [&](const Progress& p) { reports.push_back(p); };
  const auto plain = genotype_importance(fit.params, c, d.pheno.m, d.geno, nullptr,
                                         ImportanceStat::prediction, report);
  // Progress counts individuals, under its own task.
  REQUIRE(reports.size() == 24);
  for (int i = 0; i < 24; ++i) {
    CHECK(reports[i].task == Task::importance);
    CHECK(reports[i].done == i + 1);
    CHECK(reports[i].total == 24);
  }
  const auto mapped = genotype_importance(fit.params, c, d.pheno.m, d.geno, nullptr,
                                          ImportanceStat::prediction, {}, &map);
  const auto mapped_slow = genotype_importance_slow(fit.params, c, d.pheno.m, d.geno, nullptr,
                                                    ImportanceStat::prediction, -1, &map);
  CHECK(max_rel_diff(mapped.per_individual, mapped_slow.per_individual) < 1e-5);
  const auto shifted = genotype_importance(fit.params, c, d.pheno.m, d.geno, nullptr,
                                           ImportanceStat::prediction, {}, &shift);
  CHECK(max_rel_diff(shifted.per_individual, plain.per_individual) < 1e-9);
  for (int j = 0; j < 45; ++j)
    for (int k = 0; k < 3; ++k)
      CHECK(mapped.per_phenotype[j * 3 + k] ==
            Approx(plain.per_phenotype[j * 3 + k] * map.scale[k] * map.scale[k]).margin(1e-12));
  // Something is important: the model is not constant.
  const auto fast = genotype_importance(fit.params, c, d.pheno.m, d.geno, nullptr,
                                        ImportanceStat::prediction, {});
  double total = 0;
  for (double v : fast.per_individual) total += v;
  CHECK(total > 0);
  CHECK_THROWS_AS(genotype_importance(fit.params, c, d.pheno.m, d.geno, nullptr,
                                      ImportanceStat::mse, {}),
                  std::invalid_argument);
}

TEST_CASE("phenotype importance ablates one phenotype input at a time", "[importance]") {
  Data d = make_data(30, 4, 10, 2, 3);
  Control c = tiny_control();
  c.epochs_pheno = 4;
  c.epochs_geno = 0;
  const FitResult fit = gpatlas::fit(d.pheno, d.geno, c, {});
  const auto imp = phenotype_importance(fit.params, c, d.pheno, nullptr, ImportanceStat::prediction);
  REQUIRE(imp.per_individual.size() == static_cast<size_t>(30 * 4));
  REQUIRE(imp.per_phenotype.size() == static_cast<size_t>(4 * 4));
  // Direct check of one entry: the RMS change of the predictions when input 2 of individual 0
  // is zeroed, computed with two ordinary predictions.
  PhenoData one;
  one.n = 1;
  one.m = 4;
  one.values.assign(d.pheno.values.begin(), d.pheno.values.begin() + 4);
  one.observed.assign(4, 1);
  const auto base = predict_from_phenotype(fit.params, c, one, Output::phenotype);
  one.values[2] = 0.0f;
  const auto alt = predict_from_phenotype(fit.params, c, one, Output::phenotype);
  double ms = 0;
  for (int k = 0; k < 4; ++k) ms += (alt[k] - base[k]) * (alt[k] - base[k]) / 4.0;
  CHECK(std::fabs(imp.per_individual[2] - std::sqrt(ms)) < 1e-4 * std::max(1.0, std::sqrt(ms)));
}
