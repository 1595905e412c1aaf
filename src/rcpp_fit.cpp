// R glue for training and prediction. The entry points that take settings end in _core: R
// calls them through cpp_fit() etc. (R/core.R), which pass exactly the settings the core reads.
#include "rcpp_convert.h"

using namespace Rcpp;
using namespace glue;

// [[Rcpp::export]]
List cpp_fit_core(NumericMatrix pheno, IntegerMatrix geno, int n_alleles, List control,
                  bool verbose, Nullable<List> init = R_NilValue,
                  Nullable<NumericMatrix> valid_pheno = R_NilValue,
                  Nullable<IntegerMatrix> valid_geno = R_NilValue) {
  gpatlas::Control c = control_from_list(control);
  gpatlas::PhenoData p = pheno_from_matrix(pheno);
  gpatlas::GenoData g = c.epochs_geno > 0 ? geno_from_matrix(geno, n_alleles) : gpatlas::GenoData{};
  gpatlas::PhenoData vp;
  gpatlas::GenoData vg;
  gpatlas::Validation valid;
  if (valid_pheno.isNotNull()) {
    vp = pheno_from_matrix(NumericMatrix(valid_pheno));
    valid.pheno = &vp;
    if (c.epochs_geno > 0 && valid_geno.isNotNull()) {
      vg = geno_from_matrix(IntegerMatrix(valid_geno), n_alleles);
      valid.geno = &vg;
    }
  }
  gpatlas::ParamList init_params;
  if (init.isNotNull()) init_params = params_from_list(List(init));
  gpatlas::Callbacks cb;
  cb.interrupted = r_interrupt_pending;
  if (verbose) cb.progress = print_progress;
  gpatlas::FitResult res = run_core([&] {
    return gpatlas::fit(p, g, c, cb, init.isNotNull() ? &init_params : nullptr,
                        valid.pheno ? &valid : nullptr);
  });
  return List::create(_["params"] = params_to_list(res.params),
                      _["loss_pheno"] = wrap(res.loss_pheno),
                      _["seconds_pheno"] = wrap(res.seconds_pheno),
                      _["loss_geno"] = wrap(res.loss_geno),
                      _["seconds_geno"] = wrap(res.seconds_geno),
                      _["valid_pheno"] = wrap(res.valid_pheno),
                      _["valid_geno"] = wrap(res.valid_geno),
                      _["best_epoch_pheno"] = res.best_epoch_pheno,
                      _["best_epoch_geno"] = res.best_epoch_geno);
}

// [[Rcpp::export]]
NumericMatrix cpp_predict_genotype_core(List params, List control, int n_pheno, IntegerMatrix geno,
                                        int n_alleles, bool latent) {
  gpatlas::Control c = control_from_list(control);
  gpatlas::set_core_threads(c.threads);
  gpatlas::GenoData g = geno_from_matrix(geno, n_alleles);
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
