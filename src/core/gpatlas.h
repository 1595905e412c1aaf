// Public interface of the gpatlas core: plain types only, so callers need not include LibTorch.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gpatlas {

constexpr uint8_t kMissingCode = 255;

// Network sizes and training settings; see gpatlas_control() in R for the meaning of each.
struct Control {
  int latent_dim = 32;
  int pheno_hidden = 64;     // phenotype encoder hidden layer; 0: no hidden layer
  int decoder_hidden = 64;   // phenotype decoder hidden layer
  int geno_hidden = 2048;    // genotype encoder hidden layer; 0: no hidden layer (input -> latent)
  double pheno_noise_sd = 0.894;  // sd of Gaussian noise added to (standardized) phenotypes
  double geno_flip = 0.09;        // probability that one one-hot bit flips (each direction)
  int epochs_pheno = 250;
  int epochs_geno = 250;
  int batch_size = 16;
  double lr = 1e-3;
  double beta1 = 0.5;
  double beta2 = 0.999;
  double adam_eps = 1e-8;
  double l1 = 0.8;    // penalty on ||colsum(W1)||_1
  double l2 = 0.01;   // penalty on ||colsum(W1)||_2
  double weight_decay = 0;  // decoupled (AdamW-style) decay of every first-layer genotype weight
  double group_lasso = 0;   // proximal group-lasso step on each input's first-layer weights
  double lasso = 0;         // proximal per-weight lasso step on the first-layer weights
  int lr_schedule = 0;      // 0: constant; 1: cosine decay to 0 over each stage's epochs
  int patience = 0;         // with validation data: stop a stage after this many epochs
                            // without improvement (0: run every epoch)
  int lr_drops = 0;         // instead of stopping: back to the best epoch, lr / 10, patience / 2
  double bn_momentum = 0.8;
  double leaky_slope = 0.01;
  bool mask_missing = true;  // false: missing phenotypes count as 0 (the reference's behaviour)
  uint64_t seed = 1;
  int threads = 0;  // the core's threads (see set_core_threads); 0: every processor
};

// Phenotypes, row-major n x m; missing entries have observed == 0 (their value is ignored).
struct PhenoData {
  int n = 0;
  int m = 0;
  std::vector<float> values;
  std::vector<uint8_t> observed;
};

// Genotypes as allele codes, row-major n x loci; kMissingCode marks a missing call
// (its one-hot block is all zero).
// Optionally with state probabilities (row-major n x loci x alleles, e.g. from a hidden Markov
// model): every input then takes the probability vector where it took the one-hot vector of
// the code (see value()), and `codes` must hold each vector's most probable state, or
// kMissingCode where the vector is all zero (a missing call).
struct GenoData {
  int n = 0;
  int loci = 0;
  int alleles = 2;
  std::vector<uint8_t> codes;
  std::vector<float> probs;  // empty: hard calls
  int features() const { return loci * alleles; }
  bool soft() const { return !probs.empty(); }
  // Input value of allele a at locus l for individual i: its probability, or the one-hot bit.
  float value(int64_t i, int64_t l, int64_t a) const {
    if (soft()) return probs[(static_cast<size_t>(i) * loci + l) * alleles + a];
    return codes[static_cast<size_t>(i) * loci + l] == a ? 1.0f : 0.0f;
  }
  // One side of a pair term of the additive path: the allele's input minus `centre` times the
  // locus's total input (1 for a call or a probability vector), i.e. the centred indicator of a
  // call; 0 without a call, which removes the term.
  double pair_side(int64_t i, int64_t locus, int64_t allele, double centre) const {
    const uint8_t code = codes[static_cast<size_t>(i) * loci + locus];
    if (code == kMissingCode) return 0.0;
    if (!soft()) return (code == allele ? 1.0 : 0.0) - centre;
    double total = 0;
    for (int a = 0; a < alleles; ++a) total += value(i, locus, a);
    return value(i, locus, allele) - centre * total;
  }
};

// One named parameter or buffer; data is row-major with the given shape.
struct Param {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
};
using ParamList = std::vector<Param>;

// What a progress report is about, and the unit it counts.
enum class Task {
  pheno_stage,        // training stage 1, the phenotype autoencoder: epochs
  geno_stage,         // training stage 2, the genotype encoder: epochs
  importance,         // feature-ablation importance: individuals
  vida_correlations,  // VIDA's pairwise correlations: pairs of column blocks
  vida_scores         // VIDA's partners and scores: column blocks
};

struct Progress {
  Task task = Task::pheno_stage;
  long done = 0;  // units finished (1-based: the epoch, individual or block just done)
  long total = 0;
  double loss = 0;     // training stages: the epoch's mean training loss
  double seconds = 0;  // training stages: the epoch's duration
};

// How every long-running core function reports back; either member may be empty.
struct Callbacks {
  std::function<void(const Progress&)> progress;  // after each unit of work
  // Polled between units of work (training: between batches), from the calling thread only.
  std::function<bool()> interrupted;
  // One line of text about the step that starts (model fits with verbose output).
  std::function<void(const std::string&)> message;
};

// Thrown when Callbacks::interrupted() returns true.
struct Interrupted : std::exception {
  const char* what() const noexcept override { return "training interrupted by the user"; }
};

// Width of the genotype encoder's first layer: its hidden layer, or the latent space itself
// when there is no hidden layer.
inline int geno_first_width(const Control& c) {
  return c.geno_hidden > 0 ? c.geno_hidden : c.latent_dim;
}

struct FitResult {
  ParamList params;
  std::vector<double> loss_pheno, seconds_pheno;  // per epoch
  std::vector<double> loss_geno, seconds_geno;
  // With validation data: masked MSE of the clean validation set after each epoch (eval
  // mode), and the 1-based epoch whose parameters were kept (0 when the stage did not run).
  std::vector<double> valid_pheno, valid_geno;
  int best_epoch_pheno = 0, best_epoch_geno = 0;
};

// Held-out individuals for model selection during training.
struct Validation {
  const PhenoData* pheno = nullptr;
  const GenoData* geno = nullptr;  // needed for stage 2
};

// Trains stage 1 on pheno, then stage 2 on (geno, pheno) with the decoder frozen.
// epochs_geno == 0 skips stage 2; epochs_pheno == 0 with `init` given keeps stage 1 as is;
// epochs_pheno == 0 without `init` trains the decoder in stage 2 with the genotype encoder
// (there is no trained autoencoder to freeze: how a single-trait fit runs).
// With `valid`, each stage keeps the parameters of its epoch with the lowest validation loss
// and stops early after control.patience epochs without improvement (when patience > 0).
FitResult fit(const PhenoData& pheno, const GenoData& geno, const Control& control,
              const Callbacks& callbacks, const ParamList* init = nullptr,
              const Validation* valid = nullptr);

enum class Output { phenotype, latent };

// Eval-mode predictions, row-major n x (m or latent_dim).
std::vector<float> predict_from_genotype(const ParamList& params, const Control& arch, int n_pheno,
                                         const GenoData& geno, Output what);
std::vector<float> predict_from_phenotype(const ParamList& params, const Control& arch,
                                          const PhenoData& pheno, Output what);

// Fused Adam step for the first genotype layer, exposed for tests and benchmarks.
// wt: features x hidden (row-major, one row per input feature); x_t: features x batch;
// delta: batch x hidden (dLoss/dPreactivation); pen: per-feature penalty gradient.
// colsum receives the row sums of the updated wt.  When x_next_t (features x batch_next) and
// pre_next (batch_next x hidden) are given, pre_next receives x_next^T wt computed with the
// updated weights (no bias), i.e. the next batch's first pre-activation.
struct AdamState {
  double lr, beta1, beta2, eps;
  long step;  // 1-based step number after this update
  double weight_decay = 0;  // decoupled: w <- w (1 - lr weight_decay) before the Adam step
  // Proximal group lasso after the step: each input's weight row w_j is scaled by
  // max(0, 1 - lr group_lasso / ||w_j||_2), which sets unhelpful inputs exactly to zero.
  double group_lasso = 0;
  // Proximal lasso in Adam's metric: after the step every weight moves lr * lasso / d towards
  // zero (d: its Adam denominator), and stops at zero rather than cross it.
  double lasso = 0;
};
void fused_adam_first_layer(float* wt, float* m, float* v, const float* x_t, const float* delta,
                            const float* pen, float* colsum, int64_t features, int64_t hidden,
                            int64_t batch, const AdamState& st, const float* x_next_t = nullptr,
                            int64_t batch_next = 0, float* pre_next = nullptr);

// Penalty gradient from the column sums: l1 * sign(s) + l2 * s / ||s||_2; returns the penalty.
double penalty_gradient(const float* colsum, int64_t features, double l1, double l2, float* pen);

// Feature-ablation importance: each input feature of each individual is set to the baseline 0
// and the change in the model output is recorded.
enum class ImportanceStat {
  prediction,  // e_ij = root mean square change of the predicted phenotypes
  mse          // e_ij = change in MSE against the observed phenotypes (the reference's statistic)
};

struct ImportanceResult {
  int n = 0;
  int features = 0;
  int m = 0;
  std::vector<double> per_individual;  // n x features, row-major: e_ij
  std::vector<double> per_phenotype;   // features x m: mean over individuals of squared change
};

// Optional per-phenotype affine map of the network output (a recalibration): y' = shift + scale y.
struct OutputMap {
  std::vector<double> shift, scale;  // one entry per phenotype
  // Optional additive genotype path summed with the mapped output: its prediction for each
  // individual (n x m, row-major) and its coefficient per one-hot feature (features x m,
  // row-major). Ablating feature j of individual i moves it by -coef[j] x_ij. The flags pick
  // which part's change is measured (both: the model's total change).
  std::vector<double> additive_base, additive_coef;
  // Pairwise terms of the additive path: a term adds weight * (x1 - centre1) * (x2 - centre2)
  // to its trait, x = 1 where the individual carries the allele (0-based locus and allele
  // code), and a missing call at either locus makes it 0. Ablating the carried allele of either
  // locus leaves that locus without a call and so removes the term (a change of minus its
  // value). Their predictions are in additive_base.
  struct PairTerm {
    int trait = 0, locus1 = 0, allele1 = 0, locus2 = 0, allele2 = 0;
    double centre1 = 0, centre2 = 0, weight = 0;
  };
  std::vector<PairTerm> pair_terms;
  bool ablate_network = true, ablate_additive = true;
  bool has_additive() const { return !additive_coef.empty(); }
};

// Exact and fast: in eval mode the first genotype layer is affine, so ablating x_ij shifts the
// first pre-activation by -W[:, j] x_ij; only active features are evaluated, in batches.
// `observed` is required for ImportanceStat::mse (missing entries are skipped).
// With `output`, importance is measured on the mapped output.
ImportanceResult genotype_importance(const ParamList& params, const Control& arch, int n_pheno,
                                     const GenoData& geno, const PhenoData* observed,
                                     ImportanceStat stat, const Callbacks& callbacks,
                                     const OutputMap* output = nullptr);
// One full forward pass per ablated feature: the obvious implementation, for tests and for
// timing the naive cost (feature_limit > 0 stops after that many features per individual).
ImportanceResult genotype_importance_slow(const ParamList& params, const Control& arch,
                                          int n_pheno, const GenoData& geno,
                                          const PhenoData* observed, ImportanceStat stat,
                                          int64_t feature_limit = -1,
                                          const OutputMap* output = nullptr);
// Phenotype features (phenotype autoencoder): one forward per phenotype with that input at 0.
ImportanceResult phenotype_importance(const ParamList& params, const Control& arch,
                                      const PhenoData& pheno, const PhenoData* observed,
                                      ImportanceStat stat);

// Threads of the core's own kernels (fused optimizer step, importance, VIDA). LibTorch's pool and
// OpenBLAS stay at one thread: they split reductions (BatchNorm statistics, products) by thread
// count, so a fit would depend on it. Our kernels split work by size alone, so the same seed
// gives the same fit on any number of threads.
int core_threads();
void set_core_threads(int n);  // n <= 0: every processor; capped at the processors there are
int hardware_threads();  // processors available to this process

}  // namespace gpatlas
