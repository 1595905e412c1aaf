// The G-P Atlas networks as LibTorch modules (internal to the core; includes torch).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "gpatlas.h"
#include "rng.h"

namespace gpatlas {

// Linear -> BatchNorm1d -> LeakyReLU, the recipe of every hidden and latent layer.
void append_block(torch::nn::Sequential& seq, int in, int out, const Control& c);

struct Nets {
  torch::nn::Sequential pheno_encoder;
  torch::nn::Sequential decoder;
  // The first genotype layer is kept outside autograd: stored transposed (features x hidden,
  // one contiguous row per input feature) so the fused optimizer streams it once per step.
  torch::Tensor w1t;
  torch::Tensor b1;
  torch::nn::Sequential geno_rest;  // BatchNorm, LeakyReLU, Linear, BatchNorm, LeakyReLU

  Nets(const Control& c, int n_pheno, int64_t n_features);

  ParamList export_params() const;
  void import_params(const ParamList& params);
  // Phenotype encoder and decoder only (the genotype layer may be absent or of another size).
  void import_pheno_params(const ParamList& params);
  void eval();
};

// Noisy one-hot batch written transposed (features x n_rows) into out: every bit flips with
// probability `flip`, 0 -> 1 and 1 -> 0 alike.
void noisy_onehot_t(const GenoData& g, const int64_t* rows, int64_t n_rows, double flip, Rng& rng,
                    float* out);

// Dense one-hot rows for the given individuals (rows x features), optionally with bit flips.
torch::Tensor onehot_rows(const GenoData& g, const int64_t* rows, int64_t n_rows);

// Throws std::invalid_argument when codes and dimensions disagree.
void check_geno(const GenoData& g);
// Phenotype matrix with missing entries set to 0.
torch::Tensor pheno_tensor(const PhenoData& p);

}  // namespace gpatlas
