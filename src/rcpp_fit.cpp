// R glue for the prediction of single networks (tests compare the model's prediction with
// them). The entry points that take settings end in _core: R calls them through
// cpp_predict_genotype() etc. (R/core.R), which pass exactly the settings the core reads.
#include "rcpp_convert.h"

using namespace Rcpp;
using namespace glue;

// [[Rcpp::export]]
NumericMatrix cpp_predict_genotype_core(List params, List control, int n_pheno, SEXP geno,
                                        int n_alleles, bool latent) {
  gpatlas::Control c = control_from_list(control);
  gpatlas::set_core_threads(c.threads);
  gpatlas::GenoData g = geno_from_r(geno, n_alleles);
  gpatlas::ParamList pl = params_from_list(params);
  auto what = latent ? gpatlas::Output::latent : gpatlas::Output::phenotype;
  auto v = run_core([&] { return gpatlas::predict_from_genotype(pl, c, n_pheno, g, what); });
  return to_r_matrix(v, g.n, latent ? c.latent_dim : n_pheno);
}

// [[Rcpp::export]]
NumericMatrix cpp_predict_phenotype_core(List params, List control, NumericMatrix pheno,
                                         bool latent) {
  gpatlas::Control c = control_from_list(control);
  gpatlas::set_core_threads(c.threads);
  gpatlas::PhenoData p = pheno_from_matrix(pheno);
  gpatlas::ParamList pl = params_from_list(params);
  auto what = latent ? gpatlas::Output::latent : gpatlas::Output::phenotype;
  auto v = run_core([&] { return gpatlas::predict_from_phenotype(pl, c, p, what); });
  return to_r_matrix(v, p.n, latent ? c.latent_dim : p.m);
}
