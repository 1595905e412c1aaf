// R glue for feature-ablation importance, called through cpp_importance() (R/core.R).
#include "rcpp_convert.h"

using namespace Rcpp;
using namespace glue;

// [[Rcpp::export]]
List cpp_importance_core(List params, List control, int n_pheno, std::string from,
                         SEXP geno, int n_alleles, NumericMatrix pheno,
                         bool use_observed, std::string statistic, bool slow, bool verbose,
                         int slow_feature_limit = -1,
                         Nullable<NumericMatrix> calibration = R_NilValue,
                         Nullable<NumericMatrix> additive_base = R_NilValue,
                         Nullable<NumericMatrix> additive_coef = R_NilValue,
                         std::string ablate = "total",
                         Nullable<List> additive_pairs = R_NilValue) {
  gpatlas::Control c = control_from_list(control);
  gpatlas::set_core_threads(c.threads);
  gpatlas::ParamList pl = params_from_list(params);
  gpatlas::PhenoData p = pheno_from_matrix(pheno);
  const auto stat =
      statistic == "mse" ? gpatlas::ImportanceStat::mse : gpatlas::ImportanceStat::prediction;
  const gpatlas::PhenoData* observed = use_observed ? &p : nullptr;
  gpatlas::Callbacks cb;
  cb.interrupted = r_interrupt_pending;
  if (verbose) cb.progress = print_progress;
  gpatlas::ImportanceResult res;
  if (from == "genotype") {
    gpatlas::GenoData g = geno_from_r(geno, n_alleles);
    // calibration: 2 x n_pheno, rows intercept and slope.
    gpatlas::OutputMap map;
    if (calibration.isNotNull()) {
      NumericMatrix cal(calibration);
      if (cal.nrow() != 2 || cal.ncol() != n_pheno) stop("calibration must be 2 x n_pheno");
      for (int k = 0; k < n_pheno; ++k) {
        map.shift.push_back(cal(0, k));
        map.scale.push_back(cal(1, k));
      }
    }
    // additive path: its predictions (n x n_pheno) and coefficients (features x n_pheno).
    if (additive_coef.isNotNull()) {
      if (calibration.isNull() || additive_base.isNull())
        stop("the additive path needs a calibration and its predictions");
      NumericMatrix ab(additive_base), ac(additive_coef);
      if (ab.nrow() != g.n || ab.ncol() != n_pheno) stop("additive_base must be n x n_pheno");
      if (ac.nrow() != g.features() || ac.ncol() != n_pheno)
        stop("additive_coef must be features x n_pheno");
      map.additive_base.resize(static_cast<size_t>(g.n) * n_pheno);
      for (int i = 0; i < g.n; ++i)
        for (int k = 0; k < n_pheno; ++k)
          map.additive_base[static_cast<size_t>(i) * n_pheno + k] = ab(i, k);
      map.additive_coef.resize(static_cast<size_t>(ac.nrow()) * n_pheno);
      for (int j = 0; j < ac.nrow(); ++j)
        for (int k = 0; k < n_pheno; ++k)
          map.additive_coef[static_cast<size_t>(j) * n_pheno + k] = ac(j, k);
      if (ablate != "total" && ablate != "network" && ablate != "additive")
        stop("ablate must be \"total\", \"network\" or \"additive\"");
      // Pair terms: trait, locus and allele columns 0-based.
      if (additive_pairs.isNotNull()) {
        List tp(additive_pairs);
        IntegerVector tr = tp["trait"], l1 = tp["locus1"], a1 = tp["allele1"],
                      l2 = tp["locus2"], a2 = tp["allele2"];
        NumericVector c1 = tp["centre1"], c2 = tp["centre2"], w = tp["weight"];
        for (R_xlen_t k = 0; k < tr.size(); ++k)
          map.pair_terms.push_back({tr[k], l1[k], a1[k], l2[k], a2[k], c1[k], c2[k], w[k]});
      }
      map.ablate_network = ablate != "additive";
      map.ablate_additive = ablate != "network";
    }
    const gpatlas::OutputMap* out = calibration.isNotNull() ? &map : nullptr;
    res = run_core([&] {
      return slow ? gpatlas::genotype_importance_slow(pl, c, n_pheno, g, observed, stat,
                                                        slow_feature_limit, out)
                  : gpatlas::genotype_importance(pl, c, n_pheno, g, observed, stat, cb, out);
    });
  } else {
    res = run_core([&] { return gpatlas::phenotype_importance(pl, c, p, observed, stat); });
  }
  return List::create(_["per_individual"] = to_r_matrix(res.per_individual, res.n, res.features),
                       _["per_phenotype"] = to_r_matrix(res.per_phenotype, res.features, res.m));
}
