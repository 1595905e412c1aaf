// R glue for variable importance distribution analysis (VIDA).
#include "rcpp_convert.h"

#include <string>

#include "core/vida.h"

using namespace Rcpp;

namespace {

gpatlas::Clumpiness clumpiness_from_string(const std::string& s) {
  if (s == "concentration") return gpatlas::Clumpiness::concentration;
  if (s == "gini") return gpatlas::Clumpiness::gini;
  if (s == "entropy") return gpatlas::Clumpiness::entropy;
  if (s == "adaptive") return gpatlas::Clumpiness::adaptive;
  stop("unknown clumpiness method '%s'", s);
}

template <class T>
SEXP with_dim(const std::vector<T>& v, int rows, int cols, int depth = 0) {
  SEXP out = wrap(v);
  if (depth > 0) {
    Rf_setAttrib(out, R_DimSymbol, IntegerVector::create(rows, cols, depth));
  } else {
    Rf_setAttrib(out, R_DimSymbol, IntegerVector::create(rows, cols));
  }
  return out;
}

}  // namespace

// [[Rcpp::export]]
List cpp_vida(NumericMatrix importance, NumericVector z_thresholds, NumericVector percentiles,
              std::string method, IntegerVector alleles, double partner_fraction, int threads,
              int block_size, bool verbose) {
  gpatlas::VidaParams prm;
  prm.z_thresholds.assign(z_thresholds.begin(), z_thresholds.end());
  prm.percentiles.assign(percentiles.begin(), percentiles.end());
  prm.method = clumpiness_from_string(method);
  prm.alleles.assign(alleles.begin(), alleles.end());
  prm.partner_fraction = partner_fraction;
  prm.block_size = block_size;
  gpatlas::set_core_threads(threads);
  gpatlas::Callbacks cb;
  cb.interrupted = glue::r_interrupt_pending;
  if (verbose) cb.progress = glue::print_progress;
  const gpatlas::VidaResult res = glue::run_core([&] {
    return gpatlas::vida(importance.begin(), importance.nrow(), importance.ncol(), prm, cb);
  });

  const int s = static_cast<int>(res.alleles.size());
  const int T = static_cast<int>(res.z_thresholds.size());
  const int Q = static_cast<int>(res.percentiles.size());
  IntegerVector cols(res.alleles.begin(), res.alleles.end());
  cols = cols + 1;
  std::vector<int> partners = res.n_partners;
  for (int& x : partners)
    if (x < 0) x = NA_INTEGER;
  return List::create(_["alleles"] = cols, _["n_nonzero"] = wrap(res.n_nonzero),
                      _["n_extreme"] = with_dim(res.n_extreme, s, T),
                      _["n_partners"] = with_dim(partners, s, T),
                      _["n_used"] = with_dim(res.n_used, s, T),
                      _["extreme_ratio_diff"] = with_dim(res.extreme_ratio_diff, s, T),
                      _["clumpiness_diff"] = with_dim(res.clumpiness_diff, s, Q, T),
                      _["score"] = with_dim(res.score, s, Q, T));
}
