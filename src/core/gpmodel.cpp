// The whole model (see gpmodel.h): scaling, the additive path, the networks and their checks
// and calibration, with one random generator type and one seed.
#include "gpmodel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "rng.h"

namespace gpatlas {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void say(const Callbacks& cb, const std::string& text) {
  if (cb.message) cb.message(text);
}

// Mean and sample variance of the non-missing entries of column j (variance NaN below 2).
struct Moments {
  int n = 0;
  double mean = kNaN, var = kNaN;
};

Moments column_moments(const Mat& y, int j) {
  Moments out;
  double s = 0;
  for (int i = 0; i < y.rows; ++i)
    if (!std::isnan(y(i, j))) {
      s += y(i, j);
      ++out.n;
    }
  if (!out.n) return out;
  out.mean = s / out.n;
  if (out.n < 2) return out;
  double ss = 0;
  for (int i = 0; i < y.rows; ++i)
    if (!std::isnan(y(i, j))) ss += (y(i, j) - out.mean) * (y(i, j) - out.mean);
  out.var = ss / (out.n - 1);
  return out;
}

Mat rows_of(const Mat& y, const std::vector<int>& rows) {
  Mat out(static_cast<int>(rows.size()), y.cols);
  for (int j = 0; j < y.cols; ++j)
    for (size_t r = 0; r < rows.size(); ++r) out(static_cast<int>(r), j) = y(rows[r], j);
  return out;
}

GenoData rows_of(const GenoData& g, const std::vector<int>& rows) {
  GenoData out;
  out.n = static_cast<int>(rows.size());
  out.loci = g.loci;
  out.alleles = g.alleles;
  out.codes.resize(static_cast<size_t>(out.n) * g.loci);
  for (size_t r = 0; r < rows.size(); ++r)
    std::copy_n(g.codes.begin() + static_cast<size_t>(rows[r]) * g.loci, g.loci,
                out.codes.begin() + r * g.loci);
  if (!g.soft()) return out;
  const size_t f = static_cast<size_t>(g.features());
  out.probs.resize(static_cast<size_t>(out.n) * f);
  for (size_t r = 0; r < rows.size(); ++r)
    std::copy_n(g.probs.begin() + static_cast<size_t>(rows[r]) * f, f, out.probs.begin() + r * f);
  return out;
}

PhenoData to_pheno(const Mat& y) {
  PhenoData p;
  p.n = y.rows;
  p.m = y.cols;
  p.values.assign(static_cast<size_t>(p.n) * p.m, 0.0f);
  p.observed.assign(p.values.size(), 0);
  for (int j = 0; j < p.m; ++j)
    for (int i = 0; i < p.n; ++i) {
      const size_t k = static_cast<size_t>(i) * p.m + j;
      p.observed[k] = !std::isnan(y(i, j));
      if (p.observed[k]) p.values[k] = static_cast<float>(y(i, j));
    }
  return p;
}

Mat from_rows(const std::vector<float>& v, int n, int k) {
  Mat out(n, k);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) out(i, j) = v[static_cast<size_t>(i) * k + j];
  return out;
}

// Phenotype scaling: each trait's mean and standard deviation over its observed values (0 and
// 1 without `standardize`; a trait without variation keeps scale 1).
void fit_scaling(const Mat& y, bool standardize, Model& md) {
  md.center.assign(y.cols, 0.0);
  md.scale.assign(y.cols, 1.0);
  if (!standardize) return;
  for (int j = 0; j < y.cols; ++j) {
    const Moments mo = column_moments(y, j);
    md.center[j] = mo.mean;
    const double sd = std::sqrt(mo.var);
    if (std::isnan(sd) || sd == 0) {
      md.unscaled.push_back(j);
    } else {
      md.scale[j] = sd;
    }
  }
}

Mat scaled(const Mat& y, const Model& md) {
  Mat out = y;
  for (int j = 0; j < y.cols; ++j)
    for (int i = 0; i < y.rows; ++i) out(i, j) = (y(i, j) - md.center[j]) / md.scale[j];
  return out;
}

void unscale(Mat& y, const Model& md) {
  for (int j = 0; j < y.cols; ++j)
    for (int i = 0; i < y.rows; ++i) y(i, j) = y(i, j) * md.scale[j] + md.center[j];
}

// Validation individuals of a network: round(valid_prop n) (at least 2) drawn with its seed.
std::vector<int> validation_rows(int n, const ModelSettings& s, uint64_t seed) {
  if (s.valid_prop <= 0) return {};
  const int n_valid = std::max(2, static_cast<int>(std::nearbyint(s.valid_prop * n)));
  if (n - n_valid < s.net.batch_size) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "`valid_prop` = %g leaves %d individuals for training, fewer than one batch "
                  "(batch_size = %d)",
                  s.valid_prop, n - n_valid, s.net.batch_size);
    throw std::invalid_argument(buf);
  }
  Rng rng = stream_rng(seed, 2);
  std::vector<int> perm = permutation(n, rng);
  std::vector<int> valid(perm.begin(), perm.begin() + n_valid);
  std::sort(valid.begin(), valid.end());
  return valid;
}

// The member's calibration from its predictions on its validation individuals (see
// ModelSettings and network_shrinkage()); `resid` and `resid_scale` are given with the
// additive path.
void member_calibration(const Mat* pred, const Mat& obs, const Mat* resid,
                        const std::vector<double>* resid_scale, Member& mb) {
  if (!resid_scale) {
    calibration_fit(*pred, obs, mb.cal_intercept, mb.cal_slope);
    return;
  }
  const std::vector<double>& rs = *resid_scale;
  const size_t m = rs.size();
  mb.cal_intercept.assign(m, 0.0);
  if (!pred) {
    mb.cal_slope = rs;
    return;
  }
  if (mb.check.untrained) {
    mb.cal_slope.assign(m, 0.0);
    return;
  }
  Mat p = *pred;
  for (size_t j = 0; j < m; ++j)
    for (int i = 0; i < p.rows; ++i) p(i, static_cast<int>(j)) *= rs[j];
  network_shrinkage(p, *resid, mb.cal_intercept, mb.cal_slope);
  // The factor was fitted on the output in standardized trait units.
  for (size_t j = 0; j < m; ++j) mb.cal_slope[j] *= rs[j];
}

// One network: its validation individuals, both training stages, its check and calibration.
// `target`: what it learns (standardized units); with the additive path `resid` holds that
// path's residuals and `resid_scale` their sd, by which `target` was divided.
Member fit_member(const Mat& target, const GenoData& geno, const ModelSettings& s,
                  const Control& c, const Callbacks& cb, const Mat* resid,
                  const std::vector<double>* resid_scale) {
  Member mb;
  mb.seed = c.seed;
  const int n = target.rows;
  mb.valid = validation_rows(n, s, c.seed);
  std::vector<int> keep;
  for (int i = 0, v = 0; i < n; ++i) {
    if (v < static_cast<int>(mb.valid.size()) && mb.valid[v] == i) {
      ++v;
    } else {
      keep.push_back(i);
    }
  }
  const bool has_valid = !mb.valid.empty();
  const bool stage2 = c.epochs_geno > 0;
  const Mat y_train = rows_of(target, keep), y_valid = rows_of(target, mb.valid);
  const PhenoData p_train = to_pheno(y_train), p_valid = to_pheno(y_valid);
  const GenoData g_train = stage2 ? rows_of(geno, keep) : GenoData{};
  const GenoData g_valid = stage2 ? rows_of(geno, mb.valid) : GenoData{};
  Validation valid;
  valid.pheno = &p_valid;
  if (stage2) valid.geno = &g_valid;
  mb.log = fit(p_train, g_train, c, cb, nullptr, has_valid ? &valid : nullptr);
  mb.params = std::move(mb.log.params);
  mb.log.params.clear();
  mb.check = network_check(mb.log, y_train, y_valid, has_valid, c.mask_missing, resid != nullptr);
  if (stage2 && (resid || (has_valid && s.calibrate))) {
    Mat pred;
    if (has_valid) {
      pred = from_rows(predict_from_genotype(mb.params, c, target.cols, g_valid, Output::phenotype),
                       g_valid.n, target.cols);
    }
    const Mat r_valid = resid ? rows_of(*resid, mb.valid) : Mat();
    member_calibration(has_valid ? &pred : nullptr, y_valid, resid ? &r_valid : nullptr,
                       resid_scale, mb);
  }
  return mb;
}

// The additive path and what it leaves for the networks: its out-of-fold residuals divided by
// their sd per trait (returned), kept in `resid`.
Mat fit_additive_part(const Mat& y_std, const GenoData& geno, const ModelSettings& s,
                      const Callbacks& cb, const Mat* covar, Model& md, Mat& resid) {
  say(cb, "additive path: penalized regression per trait");
  const auto t0 = std::chrono::steady_clock::now();
  AdditiveSettings as = s.additive_settings;
  as.seed = s.net.seed;
  set_core_threads(s.net.threads);
  as.threads = core_threads();
  md.additive = additive_fit(y_std, geno, as, covar);
  md.has_additive = true;
  md.additive_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  resid = y_std;
  for (size_t k = 0; k < resid.v.size(); ++k) resid.v[k] -= md.additive.oof.v[k];
  md.resid_scale.assign(y_std.cols, 1.0);
  Mat target = resid;
  for (int j = 0; j < resid.cols; ++j) {
    const double sd = std::sqrt(column_moments(resid, j).var);
    if (std::isfinite(sd) && sd > 0) md.resid_scale[j] = sd;
    for (int i = 0; i < resid.rows; ++i) target(i, j) /= md.resid_scale[j];
  }
  return target;
}

// The standardized traits without the jointly estimated covariate effects (the out-of-fold
// residuals the networks learn are free of them already); the effects in original units go
// to md.covar_coef.
Mat remove_covariates(const Mat& y_std, const Mat& covar, Model& md) {
  const Mat& gamma = md.additive.covar_coef;
  Mat out = y_std;
  md.covar_coef = Mat(gamma.rows, gamma.cols);
  for (int t = 0; t < gamma.cols; ++t)
    for (int c = 0; c < gamma.rows; ++c) {
      md.covar_coef(c, t) = gamma(c, t) * md.scale[t];
      for (int i = 0; i < out.rows; ++i) out(i, t) -= covar(i, c) * gamma(c, t);
    }
  return out;
}

}  // namespace

Model fit_model(const Mat& pheno, const GenoData& geno, const ModelSettings& s,
                const Callbacks& cb, const Mat* covar) {
  if (pheno.rows != geno.n && s.net.epochs_geno > 0) {
    throw std::invalid_argument("phenotypes and genotypes differ in individuals");
  }
  if (covar && covar->cols == 0) covar = nullptr;
  if (covar && !s.additive) {
    throw std::invalid_argument("covariates enter the model through the additive path only");
  }
  if (covar && covar->rows != pheno.rows) {
    throw std::invalid_argument("phenotypes and covariates differ in individuals");
  }
  Model md;
  md.arch = s.net;
  md.m = pheno.cols;
  md.autoencoder = s.autoencoder;
  fit_scaling(pheno, s.standardize, md);
  Mat y_std = scaled(pheno, md);
  Mat resid;
  const Mat target =
      s.additive ? fit_additive_part(y_std, geno, s, cb, covar, md, resid) : y_std;
  if (covar) y_std = remove_covariates(y_std, *covar, md);
  Control net = s.net;
  if (!s.autoencoder) {
    net.epochs_pheno = 0;
    say(cb, "one trait: no phenotype autoencoder (see `single_trait_autoencoder`)");
  }
  for (int k = 0; k < s.n_seeds; ++k) {
    Control ck = net;
    ck.seed = s.net.seed + 1000ULL * static_cast<uint64_t>(k);
    if (s.n_seeds > 1) {
      say(cb, "model " + std::to_string(k + 1) + " of " + std::to_string(s.n_seeds) + " (seed " +
                  std::to_string(ck.seed) + ")");
    }
    md.members.push_back(fit_member(target, geno, s, ck, cb, s.additive ? &resid : nullptr,
                                    s.additive ? &md.resid_scale : nullptr));
    // A first network that cannot beat the additive path on its validation individuals is
    // dropped; the others differ from it only by seed and meet the same limit of the data.
    if (k == 0 && s.n_seeds > 1 && s.additive && md.members[0].check.untrained) {
      say(cb, "the first network does not beat the additive path: the others are not trained");
      md.first_dropped_stops = true;
      break;
    }
  }
  // With the additive path the networks above learned residuals; phenotype-to-phenotype
  // prediction and the phenotype latent space come from autoencoders of the phenotypes.
  if (s.additive && s.autoencoder) {
    for (int k = 0; k < s.n_seeds; ++k) {
      Control ck = s.net;
      ck.epochs_geno = 0;
      ck.seed = s.net.seed + 1000ULL * static_cast<uint64_t>(k);
      md.pheno_members.push_back(fit_member(y_std, geno, s, ck, cb, nullptr, nullptr));
    }
  }
  if (s.net.epochs_geno > 0) md.fitted = predict_model_genotype(md, geno, Output::phenotype);
  return md;
}

Mat predict_model_genotype(const Model& md, const GenoData& geno, Output what) {
  if (md.members.empty()) throw std::invalid_argument("the model has no networks");
  const bool latent = what == Output::latent;
  const int k = latent ? md.arch.latent_dim : md.m;
  Mat out(geno.n, k);
  for (const Member& mb : md.members) {
    const std::vector<float> o = predict_from_genotype(mb.params, md.arch, md.m, geno, what);
    const bool cal = !latent && !mb.cal_slope.empty();
    for (int i = 0; i < geno.n; ++i)
      for (int j = 0; j < k; ++j) {
        const double v = o[static_cast<size_t>(i) * k + j];
        out(i, j) += cal ? mb.cal_intercept[j] + mb.cal_slope[j] * v : v;
      }
  }
  for (double& v : out.v) v /= static_cast<double>(md.members.size());
  if (latent) return out;
  if (md.has_additive) {
    const Mat add = additive_predict(md.additive, geno);
    for (size_t q = 0; q < out.v.size(); ++q) out.v[q] += add.v[q];
  }
  unscale(out, md);
  return out;
}

Mat predict_model_phenotype(const Model& md, const Mat& pheno, Output what) {
  const std::vector<Member>& members = md.pheno_members.empty() ? md.members : md.pheno_members;
  if (members.empty()) throw std::invalid_argument("the model has no phenotype autoencoder");
  const bool latent = what == Output::latent;
  const int k = latent ? md.arch.latent_dim : md.m;
  const PhenoData p = to_pheno(scaled(pheno, md));
  Mat out(p.n, k);
  for (const Member& mb : members) {
    const std::vector<float> o = predict_from_phenotype(mb.params, md.arch, p, what);
    for (int i = 0; i < p.n; ++i)
      for (int j = 0; j < k; ++j) out(i, j) += o[static_cast<size_t>(i) * k + j];
  }
  for (double& v : out.v) v /= static_cast<double>(members.size());
  if (!latent) unscale(out, md);
  return out;
}

namespace {

// Least-squares statistics of obs ~ pred over the observed entries of column j.
struct SlopeStats {
  int n = 0;
  double mean_pred = 0, mean_obs = 0, var_pred = 0, cov = 0;
};

SlopeStats slope_stats(const Mat& pred, const Mat& obs, int j) {
  SlopeStats st;
  double sp = 0, so = 0;
  for (int i = 0; i < obs.rows; ++i)
    if (!std::isnan(obs(i, j))) {
      sp += pred(i, j);
      so += obs(i, j);
      ++st.n;
    }
  if (!st.n) return st;
  st.mean_pred = sp / st.n;
  st.mean_obs = so / st.n;
  for (int i = 0; i < obs.rows; ++i)
    if (!std::isnan(obs(i, j))) {
      const double d = pred(i, j) - st.mean_pred;
      st.var_pred += d * d;
      st.cov += d * (obs(i, j) - st.mean_obs);
    }
  return st;
}

// Per trait: obs ~ a + b pred by least squares with b >= 0; with `shrink`, b <= 1 as well and
// a = -b mean(pred) (the network part centred, the residual's mean left alone). Traits with too
// few observed values or constant predictions keep b = 1, a = 0 (b = 0 with `shrink`).
void line_fit(const Mat& pred, const Mat& obs, bool shrink, std::vector<double>& intercept,
              std::vector<double>& slope) {
  intercept.assign(obs.cols, 0.0);
  slope.assign(obs.cols, shrink ? 0.0 : 1.0);
  for (int j = 0; j < obs.cols; ++j) {
    const SlopeStats st = slope_stats(pred, obs, j);
    if (st.n < kMinCalibration || st.var_pred <= 0) continue;
    const double b = std::max(0.0, st.cov / st.var_pred);
    slope[j] = shrink ? std::min(1.0, b) : b;
    intercept[j] = (shrink ? 0.0 : st.mean_obs) - slope[j] * st.mean_pred;
  }
}

}  // namespace

void calibration_fit(const Mat& pred, const Mat& obs, std::vector<double>& intercept,
                     std::vector<double>& slope) {
  line_fit(pred, obs, false, intercept, slope);
}

void network_shrinkage(const Mat& pred, const Mat& resid, std::vector<double>& intercept,
                       std::vector<double>& slope) {
  line_fit(pred, resid, true, intercept, slope);
}

namespace {

void add_into(ImportanceResult& total, const ImportanceResult& r) {
  if (total.per_individual.empty()) {
    total = r;
    return;
  }
  for (size_t q = 0; q < r.per_individual.size(); ++q) total.per_individual[q] += r.per_individual[q];
  for (size_t q = 0; q < r.per_phenotype.size(); ++q) total.per_phenotype[q] += r.per_phenotype[q];
}

void divide(ImportanceResult& r, size_t k) {
  for (double& v : r.per_individual) v /= static_cast<double>(k);
  for (double& v : r.per_phenotype) v /= static_cast<double>(k);
}

// The map from a member's network output to the model's prediction (standardized units):
// its calibration and, with the additive path, that path's prediction and coefficients.
OutputMap member_map(const Model& md, const Member& mb, const Mat* add_base) {
  OutputMap map;
  map.shift = mb.cal_intercept;
  map.scale = mb.cal_slope;
  if (map.scale.empty()) {
    map.shift.assign(md.m, 0.0);
    map.scale.assign(md.m, 1.0);
  }
  if (!add_base) return map;
  const int n = add_base->rows, m = md.m, f = md.additive.coef.rows;
  map.additive_base.resize(static_cast<size_t>(n) * m);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < m; ++k) map.additive_base[static_cast<size_t>(i) * m + k] = (*add_base)(i, k);
  map.additive_coef.resize(static_cast<size_t>(f) * m);
  for (int j = 0; j < f; ++j)
    for (int k = 0; k < m; ++k) map.additive_coef[static_cast<size_t>(j) * m + k] = md.additive.coef(j, k);
  map.pair_terms = md.additive.pairs;
  return map;
}

}  // namespace

ModelImportance model_genotype_importance(const Model& md, const GenoData& geno,
                                          const Mat* observed, ImportanceStat stat, bool parts,
                                          const Callbacks& cb) {
  if (md.members.empty()) throw std::invalid_argument("the model has no networks");
  PhenoData obs;
  if (observed) obs = to_pheno(scaled(*observed, md));
  const PhenoData* po = observed ? &obs : nullptr;
  const Mat add_base = md.has_additive ? additive_predict(md.additive, geno) : Mat();
  const bool any_map = md.has_additive || std::any_of(md.members.begin(), md.members.end(),
                                                      [](const Member& mb) {
                                                        return !mb.cal_slope.empty();
                                                      });
  ModelImportance out;
  out.has_parts = parts && md.has_additive;
  const Callbacks quiet{nullptr, cb.interrupted, nullptr};
  for (const Member& mb : md.members) {
    OutputMap map = member_map(md, mb, md.has_additive ? &add_base : nullptr);
    const OutputMap* pm = any_map ? &map : nullptr;
    add_into(out.total, genotype_importance(mb.params, md.arch, md.m, geno, po, stat, cb, pm));
    if (!out.has_parts) continue;
    map.ablate_network = false;
    add_into(out.additive, genotype_importance(mb.params, md.arch, md.m, geno, po, stat, quiet, pm));
    map.ablate_network = true;
    map.ablate_additive = false;
    add_into(out.network, genotype_importance(mb.params, md.arch, md.m, geno, po, stat, quiet, pm));
  }
  divide(out.total, md.members.size());
  if (out.has_parts) {
    divide(out.additive, md.members.size());
    divide(out.network, md.members.size());
  }
  return out;
}

ImportanceResult model_phenotype_importance(const Model& md, const Mat& pheno,
                                            const Mat* observed, ImportanceStat stat) {
  const std::vector<Member>& members = md.pheno_members.empty() ? md.members : md.pheno_members;
  if (members.empty()) throw std::invalid_argument("the model has no phenotype autoencoder");
  const PhenoData p = to_pheno(scaled(pheno, md));
  PhenoData obs;
  if (observed) obs = to_pheno(scaled(*observed, md));
  ImportanceResult out;
  for (const Member& mb : members)
    add_into(out, phenotype_importance(mb.params, md.arch, p, observed ? &obs : nullptr, stat));
  divide(out, members.size());
  return out;
}

double constant_valid_loss(const Mat& y_train, const Mat& y_valid, bool mask_missing) {
  double total = 0;
  long count = 0;
  for (int j = 0; j < y_train.cols; ++j) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < y_train.rows; ++i) {
      const double v = y_train(i, j);
      if (!std::isnan(v)) {
        s += v;
        ++n;
      } else if (!mask_missing) {
        ++n;
      }
    }
    const double centre = n ? s / n : 0.0;
    for (int i = 0; i < y_valid.rows; ++i) {
      double v = y_valid(i, j);
      if (std::isnan(v)) {
        if (mask_missing) continue;
        v = 0;
      }
      total += (v - centre) * (v - centre);
      ++count;
    }
  }
  return count ? total / count : kNaN;
}

NetworkCheck network_check(const FitResult& res, const Mat& y_train, const Mat& y_valid,
                           bool has_valid, bool mask_missing, bool additive) {
  NetworkCheck out;
  const int e = static_cast<int>(res.loss_geno.size());
  if (!e || !has_valid || res.valid_geno.empty()) return out;
  out.kept_epoch = res.best_epoch_geno;
  out.valid_loss = res.valid_geno[res.best_epoch_geno - 1];
  out.constant_loss = constant_valid_loss(y_train, y_valid, mask_missing);
  out.untrained = (out.kept_epoch == 1 && e > 1) || out.valid_loss >= out.constant_loss;
  if (out.untrained) out.action = additive ? "dropped" : "kept";
  return out;
}

}  // namespace gpatlas
