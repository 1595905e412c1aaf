// Conversions between R objects and the core's plain types.
#include "rcpp_convert.h"

#include <R_ext/Utils.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace Rcpp;

namespace glue {

namespace {

// One setting the core reads from R: how it is read from and written back to an R value.
struct ControlKey {
  std::string name;
  std::function<void(gpatlas::Control&, SEXP)> read;
  std::function<SEXP(const gpatlas::Control&)> write;
};

ControlKey int_key(const char* name, int gpatlas::Control::*field) {
  return {name, [field](gpatlas::Control& c, SEXP v) { c.*field = as<int>(v); },
          [field](const gpatlas::Control& c) { return wrap(c.*field); }};
}

ControlKey num_key(const char* name, double gpatlas::Control::*field) {
  return {name, [field](gpatlas::Control& c, SEXP v) { c.*field = as<double>(v); },
          [field](const gpatlas::Control& c) { return wrap(c.*field); }};
}

// Every setting R must send, and nothing else: R's settings table (R/control.R) marks the
// same names as read by the core, and a test compares the two lists. Settings that only the
// R side uses (valid_prop, n_seeds, standardize, ...) are removed by R before each call.
// adam_eps and leaky_slope are constants of the model, not settings.
const std::vector<ControlKey>& control_keys() {
  using C = gpatlas::Control;
  static const std::vector<ControlKey> keys = {
      int_key("latent_dim", &C::latent_dim),
      int_key("pheno_hidden", &C::pheno_hidden),
      int_key("decoder_hidden", &C::decoder_hidden),
      int_key("geno_hidden", &C::geno_hidden),
      num_key("pheno_noise_sd", &C::pheno_noise_sd),
      num_key("geno_flip", &C::geno_flip),
      int_key("epochs_pheno", &C::epochs_pheno),
      int_key("epochs_geno", &C::epochs_geno),
      int_key("batch_size", &C::batch_size),
      num_key("lr", &C::lr),
      num_key("beta1", &C::beta1),
      num_key("beta2", &C::beta2),
      num_key("l1", &C::l1),
      num_key("l2", &C::l2),
      num_key("weight_decay", &C::weight_decay),
      num_key("group_lasso", &C::group_lasso),
      num_key("lasso", &C::lasso),
      {"lr_schedule",
       [](C& c, SEXP v) {
         const std::string s = as<std::string>(v);
         if (s == "constant") {
           c.lr_schedule = 0;
         } else if (s == "cosine") {
           c.lr_schedule = 1;
         } else {
           stop("unknown lr_schedule '" + s + "'");
         }
       },
       [](const C& c) { return wrap(std::string(c.lr_schedule == 1 ? "cosine" : "constant")); }},
      int_key("patience", &C::patience),
      int_key("lr_drops", &C::lr_drops),
      num_key("bn_momentum", &C::bn_momentum),
      {"mask_missing", [](C& c, SEXP v) { c.mask_missing = as<bool>(v); },
       [](const C& c) { return wrap(c.mask_missing); }},
      {"seed", [](C& c, SEXP v) { c.seed = static_cast<uint64_t>(as<double>(v)); },
       [](const C& c) { return wrap(static_cast<double>(c.seed)); }},
      int_key("threads", &C::threads),
  };
  return keys;
}

List control_to_list(const gpatlas::Control& c) {
  const auto& keys = control_keys();
  List out(keys.size());
  CharacterVector names(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    out[i] = keys[i].write(c);
    names[i] = keys[i].name;
  }
  out.attr("names") = names;
  return out;
}

}  // namespace

// A missing setting is an error rather than a silent default: a default here could differ
// from the one R documents.
gpatlas::Control control_from_list(const List& x) {
  const auto& keys = control_keys();
  if (x.size() > 0) {
    SEXP nms = x.names();
    if (Rf_isNull(nms)) stop("the settings must be a named list");
    CharacterVector names(nms);
    for (R_xlen_t i = 0; i < names.size(); ++i) {
      const std::string nm = as<std::string>(names[i]);
      const bool known = std::any_of(keys.begin(), keys.end(),
                                     [&](const ControlKey& k) { return k.name == nm; });
      if (!known) stop("unknown setting '" + nm + "'");
    }
  }
  gpatlas::Control c;
  for (const auto& k : keys) {
    if (!x.containsElementNamed(k.name.c_str())) stop("setting '" + k.name + "' is missing");
    k.read(c, x[k.name]);
  }
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

// Genotype probabilities: a numeric array individuals x states x loci (the layout of one
// chromosome of qtl2's calc_genoprob()). A vector of NA or zeros is a missing call; any other
// must be non-negative and sum to at most 1 (within 1e-3; rounding above 1 is clipped). A sum
// below 1 is what ablating an allele leaves (its probability set to 0). The codes are each
// vector's most probable state (the first of ties).
gpatlas::GenoData geno_from_probs(const NumericVector& x, int n_alleles) {
  const IntegerVector dim = x.attr("dim");
  if (dim.size() != 3 || dim[1] != n_alleles)
    stop("genotype probabilities must be an array individuals x %d states x loci", n_alleles);
  gpatlas::GenoData g;
  g.n = dim[0];
  g.alleles = n_alleles;
  g.loci = dim[2];
  g.codes.assign(static_cast<size_t>(g.n) * g.loci, gpatlas::kMissingCode);
  g.probs.assign(static_cast<size_t>(g.n) * g.features(), 0.0f);
  const R_xlen_t n = g.n, A = n_alleles;
  for (int l = 0; l < g.loci; ++l)
    for (int i = 0; i < g.n; ++i) {
      double sum = 0, best = 0;
      int arg = -1;
      for (int a = 0; a < n_alleles; ++a) {
        const double v = x[i + n * (a + A * l)];
        if (ISNAN(v)) continue;
        if (v < 0 || v > 1 + 1e-3)
          stop("genotype probability %g out of [0, 1] (individual %d, locus %d)", v, i + 1, l + 1);
        sum += v;
        if (v > best) best = v, arg = a;
      }
      if (sum == 0) continue;
      if (sum > 1 + 1e-3)
        stop("genotype probabilities of individual %d at locus %d sum to %g, more than 1",
             i + 1, l + 1, sum);
      float* out = &g.probs[(static_cast<size_t>(i) * g.loci + l) * n_alleles];
      for (int a = 0; a < n_alleles; ++a) {
        const double v = x[i + n * (a + A * l)];
        out[a] = ISNAN(v) ? 0.0f : static_cast<float>(std::min(v, 1.0));
      }
      g.codes[static_cast<size_t>(i) * g.loci + l] = static_cast<uint8_t>(arg);
    }
  return g;
}

gpatlas::GenoData geno_from_r(SEXP x, int n_alleles) {
  if (n_alleles < 2 || n_alleles > 254) stop("n_alleles must be between 2 and 254");
  if (Rf_isNull(x)) stop("genotypes are required");
  const SEXP dim = Rf_getAttrib(x, R_DimSymbol);
  if (Rf_length(dim) == 3) {
    if (!Rf_isReal(x)) stop("genotype probabilities must be a numeric array");
    return geno_from_probs(NumericVector(x), n_alleles);
  }
  if (TYPEOF(x) != INTSXP || Rf_length(dim) != 2) stop("genotypes must be an integer matrix");
  return geno_from_matrix(IntegerMatrix(x), n_alleles);
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

namespace {

// The label of a progress bar and the unit after its count.
struct TaskText {
  const char* label;
  const char* unit;
};

TaskText task_text(gpatlas::Task task) {
  switch (task) {
    case gpatlas::Task::pheno_stage: return {"phenotype autoencoder", nullptr};
    case gpatlas::Task::geno_stage: return {"genotype encoder     ", nullptr};
    case gpatlas::Task::importance: return {"importance           ", "individuals"};
    case gpatlas::Task::vida_correlations: return {"VIDA correlations", "block pairs"};
    case gpatlas::Task::vida_scores: return {"VIDA partners    ", "column blocks"};
  }
  return {"", ""};
}

}  // namespace

void print_progress(const gpatlas::Progress& p) {
  // Redrawing more than a few times a second only floods logs of non-interactive runs.
  static auto last = std::chrono::steady_clock::time_point{};
  const auto now = std::chrono::steady_clock::now();
  const bool final = p.done == p.total;
  if (!final && p.done != 1 && now - last < std::chrono::milliseconds(500)) return;
  last = now;
  const int width = 30;
  const int filled =
      p.total > 0 ? static_cast<int>(width * static_cast<double>(p.done) / p.total) : width;
  std::string bar(filled, '=');
  bar.resize(width, ' ');
  const TaskText text = task_text(p.task);
  if (text.unit) {
    Rprintf("\r%s |%s| %ld/%ld %s", text.label, bar.c_str(), p.done, p.total, text.unit);
  } else {
    Rprintf("\r%s |%s| %ld/%ld  loss %.5g  %.2f s/epoch", text.label, bar.c_str(), p.done,
            p.total, p.loss, p.seconds);
  }
  if (final) Rprintf("\n");
  R_FlushConsole();
}


NumericMatrix to_r_matrix(const std::vector<float>& v, int n, int k) {
  return to_r_matrix_impl(v, n, k);
}

NumericMatrix to_r_matrix(const std::vector<double>& v, int n, int k) {
  return to_r_matrix_impl(v, n, k);
}

}  // namespace glue

// The settings the core reads, with the values it starts from.
// [[Rcpp::export]]
List cpp_control_defaults() { return glue::control_to_list(gpatlas::Control{}); }

// Reads settings as the entry points do and returns what the core received.
// [[Rcpp::export]]
List cpp_control_parse(List control) {
  return glue::control_to_list(glue::control_from_list(control));
}

// One pass over a probability array individuals x states x loci for gp_data()'s checks: the
// smallest and largest value (NA skipped), and the first vector (1-based individual and locus)
// whose sum is neither 0 nor 1 within 1e-3, with that sum.
// [[Rcpp::export]]
List cpp_probs_check(NumericVector x) {
  const IntegerVector dim = x.attr("dim");
  if (dim.size() != 3) stop("probabilities must be a 3-dimensional array");
  const R_xlen_t n = dim[0], A = dim[1], L = dim[2];
  double lo = R_PosInf, hi = R_NegInf;
  int bad_i = 0, bad_l = 0;
  double bad_sum = 0;
  std::vector<double> sum(static_cast<size_t>(n));
  for (R_xlen_t l = 0; l < L; ++l) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (R_xlen_t a = 0; a < A; ++a) {
      const double* col = &x[n * (a + A * l)];
      for (R_xlen_t i = 0; i < n; ++i) {
        const double v = col[i];
        if (ISNAN(v)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum[i] += v;
      }
    }
    if (bad_i) continue;
    for (R_xlen_t i = 0; i < n; ++i)
      if (sum[i] != 0 && std::abs(sum[i] - 1) > 1e-3) {
        bad_i = static_cast<int>(i + 1);
        bad_l = static_cast<int>(l + 1);
        bad_sum = sum[i];
        break;
      }
  }
  return List::create(_["min"] = lo, _["max"] = hi, _["individual"] = bad_i,
                      _["locus"] = bad_l, _["sum"] = bad_sum);
}
