// Conversions between R objects and the core's plain types.
#include "rcpp_convert.h"

#include <R_ext/Utils.h>

#include <chrono>
#include <cstring>

using namespace Rcpp;

namespace glue {

gpatlas::Control control_from_list(const List& x) {
  gpatlas::Control c;
  auto num = [&](const char* name, double& field) {
    if (x.containsElementNamed(name)) field = as<double>(x[name]);
  };
  auto integer = [&](const char* name, int& field) {
    if (x.containsElementNamed(name)) field = as<int>(x[name]);
  };
  integer("latent_dim", c.latent_dim);
  integer("pheno_hidden", c.pheno_hidden);
  integer("decoder_hidden", c.decoder_hidden);
  integer("geno_hidden", c.geno_hidden);
  num("pheno_noise_sd", c.pheno_noise_sd);
  num("geno_flip", c.geno_flip);
  integer("epochs_pheno", c.epochs_pheno);
  integer("epochs_geno", c.epochs_geno);
  integer("batch_size", c.batch_size);
  num("lr", c.lr);
  num("beta1", c.beta1);
  num("beta2", c.beta2);
  num("adam_eps", c.adam_eps);
  num("l1", c.l1);
  num("l2", c.l2);
  num("weight_decay", c.weight_decay);
  num("group_lasso", c.group_lasso);
  num("lasso", c.lasso);
  integer("patience", c.patience);
  integer("lr_drops", c.lr_drops);
  if (x.containsElementNamed("lr_schedule")) {
    const std::string s = as<std::string>(x["lr_schedule"]);
    if (s == "constant") {
      c.lr_schedule = 0;
    } else if (s == "cosine") {
      c.lr_schedule = 1;
    } else {
      stop("unknown lr_schedule '" + s + "'");
    }
  }
  num("bn_momentum", c.bn_momentum);
  num("leaky_slope", c.leaky_slope);
  if (x.containsElementNamed("mask_missing")) c.mask_missing = as<bool>(x["mask_missing"]);
  if (x.containsElementNamed("seed")) c.seed = static_cast<uint64_t>(as<double>(x["seed"]));
  integer("threads", c.threads);
  return c;
}

gpatlas::PhenoData pheno_from_matrix(const NumericMatrix& x) {
  gpatlas::PhenoData p;
  p.n = x.nrow();
  p.m = x.ncol();
  p.values.resize(static_cast<size_t>(p.n) * p.m);
  p.observed.resize(p.values.size());
  for (int j = 0; j < p.m; ++j)
    for (int i = 0; i < p.n; ++i) {
      const double v = x(i, j);
      const size_t k = static_cast<size_t>(i) * p.m + j;
      p.observed[k] = !ISNAN(v);
      p.values[k] = p.observed[k] ? static_cast<float>(v) : 0.0f;
    }
  return p;
}

gpatlas::GenoData geno_from_matrix(const IntegerMatrix& x, int n_alleles) {
  if (n_alleles < 2 || n_alleles > 254) stop("n_alleles must be between 2 and 254");
  gpatlas::GenoData g;
  g.n = x.nrow();
  g.loci = x.ncol();
  g.alleles = n_alleles;
  g.codes.resize(static_cast<size_t>(g.n) * g.loci);
  for (int l = 0; l < g.loci; ++l)
    for (int i = 0; i < g.n; ++i) {
      const int v = x(i, l);
      uint8_t code = gpatlas::kMissingCode;
      if (v != NA_INTEGER) {
        if (v < 0 || v >= n_alleles) stop("allele code %d out of range at marker %d", v, l + 1);
        code = static_cast<uint8_t>(v);
      }
      g.codes[static_cast<size_t>(i) * g.loci + l] = code;
    }
  return g;
}

// Parameters travel to R as raw float32 bytes: exact, and half the size of doubles.
List params_to_list(const gpatlas::ParamList& params) {
  List out(params.size());
  CharacterVector names(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    RawVector r(p.data.size() * sizeof(float));
    if (!p.data.empty()) std::memcpy(RAW(r), p.data.data(), r.size());
    IntegerVector shape(p.shape.begin(), p.shape.end());
    r.attr("shape") = shape;
    out[i] = r;
    names[i] = p.name;
  }
  out.attr("names") = names;
  return out;
}

gpatlas::ParamList params_from_list(const List& x) {
  gpatlas::ParamList params;
  CharacterVector names = x.names();
  for (R_xlen_t i = 0; i < x.size(); ++i) {
    RawVector r = x[i];
    gpatlas::Param p;
    p.name = as<std::string>(names[i]);
    IntegerVector shape = r.attr("shape");
    p.shape.assign(shape.begin(), shape.end());
    size_t numel = 1;
    for (auto s : p.shape) numel *= static_cast<size_t>(s);
    if (numel * sizeof(float) != static_cast<size_t>(r.size()))
      stop("stored parameter '%s' is corrupt (size does not match its shape)", p.name);
    p.data.resize(numel);
    if (numel) std::memcpy(p.data.data(), RAW(r), r.size());
    params.push_back(std::move(p));
  }
  return params;
}

template <class T>
NumericMatrix to_r_matrix_impl(const std::vector<T>& v, int n, int k) {
  NumericMatrix out(n, k);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) out(i, j) = v[static_cast<size_t>(i) * k + j];
  return out;
}

namespace {
void interrupt_probe(void*) { R_CheckUserInterrupt(); }
}  // namespace

bool r_interrupt_pending() { return R_ToplevelExec(interrupt_probe, nullptr) == FALSE; }

void print_progress(const gpatlas::Progress& p) {
  // Redrawing more than a few times a second only floods logs of non-interactive runs.
  static auto last = std::chrono::steady_clock::time_point{};
  const auto now = std::chrono::steady_clock::now();
  const bool final_epoch = p.epoch == p.epochs;
  if (!final_epoch && p.epoch != 1 && now - last < std::chrono::milliseconds(500)) return;
  last = now;
  const int width = 30;
  const int filled = p.epochs > 0 ? static_cast<int>(width * static_cast<double>(p.epoch) / p.epochs) : width;
  std::string bar(filled, '=');
  bar.resize(width, ' ');
  if (p.stage == 3) {
    Rprintf("\rimportance            |%s| %d/%d individuals", bar.c_str(), p.epoch, p.epochs);
  } else {
    Rprintf("\r%s |%s| %d/%d  loss %.5g  %.2f s/epoch",
            p.stage == 1 ? "phenotype autoencoder" : "genotype encoder     ", bar.c_str(),
            p.epoch, p.epochs, p.loss, p.seconds);
  }
  if (p.epoch == p.epochs) Rprintf("\n");
  R_FlushConsole();
}


NumericMatrix to_r_matrix(const std::vector<float>& v, int n, int k) {
  return to_r_matrix_impl(v, n, k);
}

NumericMatrix to_r_matrix(const std::vector<double>& v, int n, int k) {
  return to_r_matrix_impl(v, n, k);
}

}  // namespace glue
