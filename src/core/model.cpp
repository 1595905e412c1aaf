// Network construction, parameter export/import and eval-mode prediction.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "nets.h"

namespace gpatlas {

void append_block(torch::nn::Sequential& seq, int in, int out, const Control& c) {
  seq->push_back(torch::nn::Linear(in, out));
  seq->push_back(torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(out).momentum(c.bn_momentum)));
  seq->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(c.leaky_slope)));
}

Nets::Nets(const Control& c, int n_pheno, int64_t n_features) {
  if (n_pheno < 1) throw std::invalid_argument("at least one phenotype is needed");
  if (c.latent_dim < 1 || c.pheno_hidden < 0 || c.decoder_hidden < 1 || c.geno_hidden < 0)
    throw std::invalid_argument("layer sizes must be positive (hidden encoder layers may be 0)");
  if (c.pheno_hidden > 0) {
    append_block(pheno_encoder, n_pheno, c.pheno_hidden, c);
    append_block(pheno_encoder, c.pheno_hidden, c.latent_dim, c);
  } else {
    append_block(pheno_encoder, n_pheno, c.latent_dim, c);
  }
  append_block(decoder, c.latent_dim, c.decoder_hidden, c);
  decoder->push_back(torch::nn::Linear(c.decoder_hidden, n_pheno));
  // Without a hidden layer the first genotype layer maps straight into the latent space.
  const int width = geno_first_width(c);
  if (n_features > 0) {
    // Same initialisation as torch.nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    const double bound = 1.0 / std::sqrt(static_cast<double>(n_features));
    torch::NoGradGuard guard;
    w1t = torch::empty({n_features, width}).uniform_(-bound, bound);
    b1 = torch::empty({width}).uniform_(-bound, bound);
  } else {
    w1t = torch::zeros({0, width});
    b1 = torch::zeros({width});
  }
  geno_rest->push_back(
      torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(width).momentum(c.bn_momentum)));
  geno_rest->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(c.leaky_slope)));
  if (c.geno_hidden > 0) append_block(geno_rest, c.geno_hidden, c.latent_dim, c);
}

namespace {

Param to_param(const std::string& name, const torch::Tensor& t) {
  Param p;
  p.name = name;
  auto c = t.detach().to(torch::kFloat).contiguous();
  p.shape.assign(c.sizes().begin(), c.sizes().end());
  p.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  return p;
}

void export_module(const torch::nn::Module& mod, const std::string& prefix, ParamList& out) {
  for (const auto& kv : mod.named_parameters()) out.push_back(to_param(prefix + kv.key(), kv.value()));
  for (const auto& kv : mod.named_buffers()) {
    if (kv.key().find("num_batches_tracked") != std::string::npos) continue;
    out.push_back(to_param(prefix + kv.key(), kv.value()));
  }
}

void copy_into(torch::Tensor& dst, const Param& p) {
  std::vector<int64_t> shape(dst.sizes().begin(), dst.sizes().end());
  if (shape != p.shape)
    throw std::invalid_argument("parameter '" + p.name + "' has the wrong shape for this model");
  int64_t size = 1;
  for (int64_t d : p.shape) size *= d;
  if (static_cast<int64_t>(p.data.size()) != size)
    throw std::invalid_argument("parameter '" + p.name + "' holds " + std::to_string(p.data.size()) +
                                " values for a shape of " + std::to_string(size));
  for (float v : p.data)
    if (!std::isfinite(v))
      throw std::invalid_argument("parameter '" + p.name + "' holds a value that is not finite");
  torch::NoGradGuard guard;
  auto src = torch::from_blob(const_cast<float*>(p.data.data()), p.shape, torch::kFloat);
  dst.copy_(src);
}

void import_module(torch::nn::Module& mod, const std::string& prefix,
                   const std::unordered_map<std::string, const Param*>& by_name) {
  auto load = [&](const std::string& key, torch::Tensor& t) {
    auto it = by_name.find(prefix + key);
    if (it == by_name.end()) throw std::invalid_argument("parameter '" + prefix + key + "' is missing");
    copy_into(t, *it->second);
  };
  for (auto& kv : mod.named_parameters()) load(kv.key(), kv.value());
  for (auto& kv : mod.named_buffers()) {
    if (kv.key().find("num_batches_tracked") != std::string::npos) continue;
    load(kv.key(), kv.value());
  }
}

}  // namespace

ParamList Nets::export_params() const {
  ParamList out;
  export_module(*pheno_encoder, "pheno_encoder.", out);
  export_module(*decoder, "decoder.", out);
  out.push_back(to_param("geno_encoder.w1t", w1t));
  out.push_back(to_param("geno_encoder.b1", b1));
  export_module(*geno_rest, "geno_encoder.rest.", out);
  return out;
}

void Nets::import_params(const ParamList& params) {
  std::unordered_map<std::string, const Param*> by_name;
  for (const auto& p : params) by_name[p.name] = &p;
  import_module(*pheno_encoder, "pheno_encoder.", by_name);
  import_module(*decoder, "decoder.", by_name);
  auto w = by_name.find("geno_encoder.w1t");
  auto b = by_name.find("geno_encoder.b1");
  if (w == by_name.end() || b == by_name.end())
    throw std::invalid_argument("genotype encoder parameters are missing");
  copy_into(w1t, *w->second);
  copy_into(b1, *b->second);
  import_module(*geno_rest, "geno_encoder.rest.", by_name);
}

void Nets::import_pheno_params(const ParamList& params) {
  std::unordered_map<std::string, const Param*> by_name;
  for (const auto& p : params) by_name[p.name] = &p;
  import_module(*pheno_encoder, "pheno_encoder.", by_name);
  import_module(*decoder, "decoder.", by_name);
}

void Nets::eval() {
  pheno_encoder->eval();
  decoder->eval();
  geno_rest->eval();
}

torch::Tensor onehot_rows(const GenoData& g, const int64_t* rows, int64_t n_rows) {
  const int64_t F = g.features();
  auto x = torch::zeros({n_rows, F});
  float* px = x.data_ptr<float>();
  for (int64_t r = 0; r < n_rows; ++r) {
    float* row = px + r * F;
    if (g.soft()) {
      std::copy_n(g.probs.data() + rows[r] * F, F, row);
      continue;
    }
    const uint8_t* codes = g.codes.data() + rows[r] * static_cast<int64_t>(g.loci);
    for (int64_t l = 0; l < g.loci; ++l) {
      const uint8_t c = codes[l];
      if (c != kMissingCode) row[l * g.alleles + c] = 1.0f;
    }
  }
  return x;
}

// A flip turns input x into 1 - x: a one-hot bit flips, and a probability p becomes 1 - p
// (the expected input when p is the chance that the bit is set).
void noisy_onehot_t(const GenoData& g, const int64_t* rows, int64_t n_rows, double flip, Rng& rng,
                    float* out) {
  const int64_t L = g.loci, A = g.alleles;
  const uint64_t threshold = static_cast<uint64_t>(std::ldexp(flip, 32));  // vs 32 random bits
  for (int64_t b = 0; b < n_rows; ++b) {
    const uint8_t* codes = g.codes.data() + rows[b] * L;
    const float* probs = g.soft() ? g.probs.data() + rows[b] * L * A : nullptr;
    for (int64_t l = 0; l < L; ++l) {
      const uint8_t code = codes[l];
      for (int64_t a = 0; a < A; ++a) {
        float x = probs ? probs[l * A + a] : (code == a ? 1.0f : 0.0f);
        if (threshold > 0 && (rng.next() >> 32) < threshold) x = 1.0f - x;
        out[(l * A + a) * n_rows + b] = x;
      }
    }
  }
}

void check_geno(const GenoData& g) {
  if (static_cast<int64_t>(g.codes.size()) != static_cast<int64_t>(g.n) * g.loci)
    throw std::invalid_argument("genotype codes do not match n x loci");
  for (uint8_t c : g.codes)
    if (c != kMissingCode && c >= g.alleles)
      throw std::invalid_argument("allele code out of range for the number of alleles");
  if (!g.soft()) return;
  if (static_cast<int64_t>(g.probs.size()) != static_cast<int64_t>(g.n) * g.features())
    throw std::invalid_argument("genotype probabilities do not match n x loci x alleles");
  for (float p : g.probs)
    if (!(p >= 0.0f && p <= 1.0f))
      throw std::invalid_argument("genotype probabilities must lie in [0, 1]");
}

torch::Tensor pheno_tensor(const PhenoData& p) {
  if (static_cast<int64_t>(p.values.size()) != static_cast<int64_t>(p.n) * p.m ||
      p.observed.size() != p.values.size())
    throw std::invalid_argument("phenotype values do not match n x m");
  auto x = torch::empty({p.n, p.m});
  float* px = x.data_ptr<float>();
  for (size_t i = 0; i < p.values.size(); ++i) px[i] = p.observed[i] ? p.values[i] : 0.0f;
  return x;
}

namespace {

std::vector<float> to_vector(const torch::Tensor& t) {
  auto c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

std::vector<float> predict_from_genotype(const ParamList& params, const Control& arch, int n_pheno,
                                         const GenoData& geno, Output what) {
  check_geno(geno);
  torch::NoGradGuard guard;
  Nets nets(arch, n_pheno, geno.features());
  nets.import_params(params);
  nets.eval();
  const int64_t out_dim = what == Output::latent ? arch.latent_dim : n_pheno;
  auto out = torch::empty({geno.n, out_dim});
  // Chunks keep the dense one-hot block small whatever the number of individuals.
  const int64_t chunk = 256;
  std::vector<int64_t> rows(chunk);
  for (int64_t start = 0; start < geno.n; start += chunk) {
    const int64_t len = std::min<int64_t>(chunk, geno.n - start);
    for (int64_t r = 0; r < len; ++r) rows[r] = start + r;
    auto x = onehot_rows(geno, rows.data(), len);
    auto z = nets.geno_rest->forward(torch::addmm(nets.b1, x, nets.w1t));
    out.narrow(0, start, len).copy_(what == Output::latent ? z : nets.decoder->forward(z));
  }
  return to_vector(out);
}

std::vector<float> predict_from_phenotype(const ParamList& params, const Control& arch,
                                          const PhenoData& pheno, Output what) {
  torch::NoGradGuard guard;
  Nets nets(arch, pheno.m, 0);
  nets.import_pheno_params(params);
  nets.eval();
  auto z = nets.pheno_encoder->forward(pheno_tensor(pheno));
  return to_vector(what == Output::latent ? z : nets.decoder->forward(z));
}

}  // namespace gpatlas
