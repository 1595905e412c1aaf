// A whole G-P Atlas model, owned by the core: phenotype scaling, the additive path, the
// networks of every seed with their validation individuals, checks and calibration, and the
// separate phenotype autoencoders; fit in one call and predicted in one call (plain types).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "additive.h"
#include "gpatlas.h"

namespace gpatlas {

struct ModelSettings {
  Control net;            // the networks' settings; net.seed is the model's seed
  int n_seeds = 1;        // networks; network k (0-based) is seeded with seed + 1000 k
  double valid_prop = 0;  // share of individuals each network holds out for validation
  bool calibrate = false;  // per-trait recalibration of the networks (without the additive path)
  bool standardize = true;
  bool additive = false;
  AdditiveSettings additive_settings;  // seed and threads are taken from `net`
  bool autoencoder = true;  // false: no phenotype autoencoder (one trait), stage 2 trains the decoder
};

// Whether a network learned anything its validation individuals can see (see fit_model()).
struct NetworkCheck {
  int kept_epoch = 0;  // 0: no check (no validation data or no stage 2)
  double valid_loss = 0, constant_loss = 0;
  bool untrained = false;
  std::string action = "none";  // "dropped", "kept" or "none"
};

struct Member {
  uint64_t seed = 0;
  ParamList params;
  FitResult log;  // losses, times, validation losses and kept epochs (params moved out)
  // Network part = intercept + slope * output per trait (empty: the output as it is).
  std::vector<double> cal_intercept, cal_slope;
  NetworkCheck check;
  std::vector<int> valid;  // 0-based validation individuals
};

struct Model {
  Control arch;
  int m = 0;  // traits
  std::vector<double> center, scale;
  std::vector<int> unscaled;  // 0-based traits without variation, left unscaled
  bool has_additive = false;
  AdditiveModel additive;
  std::vector<double> resid_scale;  // sd of the additive path's out-of-fold residuals per trait
  // Covariate effects estimated jointly with the additive path: covariate columns x traits in
  // the traits' original units (0 x m without covariates). Predictions leave them out.
  Mat covar_coef;
  double additive_seconds = 0;
  std::vector<Member> members;           // the genotype networks
  std::vector<Member> pheno_members;     // separate phenotype autoencoders (with the additive path)
  bool autoencoder = true;
  bool first_dropped_stops = false;      // the first network was dropped; the others not trained
  Mat fitted;  // training individuals' genotype predictions, original units (empty: no stage 2)
};

// Fits the model to raw phenotypes (individuals x traits, NaN = missing) and genotypes.
// With the additive path the genotype networks learn its out-of-fold residuals (scaled to unit
// variance per trait) and are shrunk per trait towards it on their validation individuals; a
// network whose stage 2 kept epoch 1 of several, or whose kept validation loss is no lower than
// a constant prediction's, is untrained: dropped (factor 0) with the additive path, kept
// otherwise. With the additive path, a dropped first network stops the training of the others.
// `callbacks.message` receives one line per step when set.
// `covar` (individuals x covariate columns, centred, no missing values; needs the additive
// path): unpenalized columns of the additive path (see additive_fit()); their effects are taken
// out of the traits before anything after that path (networks, their checks and calibration,
// the phenotype autoencoders) sees them, and are returned in `covar_coef`.
Model fit_model(const Mat& pheno, const GenoData& geno, const ModelSettings& s,
                const Callbacks& callbacks, const Mat* covar = nullptr);

// Predictions from genotypes in original units (phenotypes: calibrated networks' mean plus the
// additive path; latent: the networks' mean latent code).
Mat predict_model_genotype(const Model& model, const GenoData& geno, Output what);
// Predictions from raw phenotypes (NaN = missing) through the phenotype autoencoders.
Mat predict_model_phenotype(const Model& model, const Mat& pheno, Output what);

// Feature-ablation importance of the model's genotype predictions (see genotype_importance()),
// the mean over its networks; `observed` (raw phenotypes, NaN = missing) is needed for
// ImportanceStat::mse. With the additive path, `parts` also measures the additive path's and
// the networks' changes alone (progress is reported for the total only).
struct ModelImportance {
  ImportanceResult total, additive, network;
  bool has_parts = false;
};
ModelImportance model_genotype_importance(const Model& model, const GenoData& geno,
                                          const Mat* observed, ImportanceStat stat, bool parts,
                                          const Callbacks& callbacks);
// Importance of each phenotype through the phenotype autoencoders (mean over them).
ImportanceResult model_phenotype_importance(const Model& model, const Mat& pheno,
                                            const Mat* observed, ImportanceStat stat);

// Per-trait recalibration observed ~ a + b predicted (b >= 0) on the observed entries; traits
// with fewer than kMinCalibration observed values or constant predictions keep a = 0, b = 1.
constexpr int kMinCalibration = 20;
void calibration_fit(const Mat& pred, const Mat& obs, std::vector<double>& intercept,
                     std::vector<double>& slope);
// Shrinkage of the network towards the additive path: slope = clamp(cov(p, r) / var(p), 0, 1),
// intercept = -slope mean(p), on the observed residuals r; 0 for traits below kMinCalibration.
void network_shrinkage(const Mat& pred, const Mat& resid, std::vector<double>& intercept,
                       std::vector<double>& slope);
// Validation loss of predicting each trait by its training mean, as the networks' loss is
// measured (masked mean over observed entries; without mask_missing, missing entries are 0).
double constant_valid_loss(const Mat& y_train, const Mat& y_valid, bool mask_missing);
// The check of one trained network (see fit_model()) from its training log, its training and
// validation targets; `additive`: an untrained network is dropped rather than kept.
NetworkCheck network_check(const FitResult& res, const Mat& y_train, const Mat& y_valid,
                           bool has_valid, bool mask_missing, bool additive);

}  // namespace gpatlas
