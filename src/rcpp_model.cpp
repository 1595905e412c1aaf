// R glue for the whole model (core/gpmodel.h): one call fits it, one call predicts from it.
// The model travels between R and the core as named lists.
#include "rcpp_convert.h"
#include "gpmodel.h"

using namespace Rcpp;
using namespace glue;

namespace {

gpatlas::Mat mat_from_r(const NumericMatrix& x) {
  gpatlas::Mat m(x.nrow(), x.ncol());
  std::copy(x.begin(), x.end(), m.v.begin());
  return m;
}

NumericMatrix mat_to_r(const gpatlas::Mat& m) {
  NumericMatrix out(m.rows, m.cols);
  std::copy(m.v.begin(), m.v.end(), out.begin());
  return out;
}

template <class T>
T element(const List& x, const char* name) {
  if (!x.containsElementNamed(name)) stop(std::string("model setting '") + name + "' is missing");
  return as<T>(x[name]);
}

gpatlas::ModelSettings model_settings(const List& control, const List& model) {
  gpatlas::ModelSettings s;
  s.net = control_from_list(control);
  s.n_seeds = element<int>(model, "n_seeds");
  s.valid_prop = element<double>(model, "valid_prop");
  s.calibrate = element<bool>(model, "calibrate");
  s.standardize = element<bool>(model, "standardize");
  s.additive = element<bool>(model, "additive");
  s.additive_settings.folds = element<int>(model, "additive_folds");
  s.additive_settings.alpha = element<double>(model, "additive_alpha");
  s.additive_settings.average = element<bool>(model, "additive_average");
  s.additive_settings.pair_top = element<int>(model, "additive_pairs");
  s.autoencoder = element<bool>(model, "autoencoder");
  if (s.n_seeds < 1) stop("n_seeds must be at least 1");
  return s;
}

// Pair terms as a list of columns with 1-based trait and loci (the fit's data frame).
List pairs_to_r(const std::vector<gpatlas::PairTerm>& terms) {
  const size_t k = terms.size();
  IntegerVector trait(k), locus1(k), allele1(k), locus2(k), allele2(k);
  NumericVector centre1(k), centre2(k), weight(k);
  for (size_t i = 0; i < k; ++i) {
    const auto& t = terms[i];
    trait[i] = t.trait + 1;
    locus1[i] = t.locus1 + 1;
    allele1[i] = t.allele1;
    locus2[i] = t.locus2 + 1;
    allele2[i] = t.allele2;
    centre1[i] = t.centre1;
    centre2[i] = t.centre2;
    weight[i] = t.weight;
  }
  return List::create(_["trait"] = trait, _["locus1"] = locus1, _["allele1"] = allele1,
                      _["locus2"] = locus2, _["allele2"] = allele2, _["centre1"] = centre1,
                      _["centre2"] = centre2, _["weight"] = weight);
}

std::vector<gpatlas::PairTerm> pairs_from_r(SEXP x) {
  std::vector<gpatlas::PairTerm> out;
  if (Rf_isNull(x)) return out;
  List p(x);
  IntegerVector trait = p["trait"], locus1 = p["locus1"], allele1 = p["allele1"],
                locus2 = p["locus2"], allele2 = p["allele2"];
  NumericVector centre1 = p["centre1"], centre2 = p["centre2"], weight = p["weight"];
  for (R_xlen_t i = 0; i < trait.size(); ++i) {
    gpatlas::PairTerm t;
    t.trait = trait[i] - 1;
    t.locus1 = locus1[i] - 1;
    t.allele1 = allele1[i];
    t.locus2 = locus2[i] - 1;
    t.allele2 = allele2[i];
    t.centre1 = centre1[i];
    t.centre2 = centre2[i];
    t.weight = weight[i];
    out.push_back(t);
  }
  return out;
}

List additive_to_r(const gpatlas::AdditiveModel& a) {
  IntegerVector folds(a.folds.begin(), a.folds.end());
  for (auto& f : folds) f += 1;
  return List::create(_["intercept"] = wrap(a.intercept), _["coef"] = mat_to_r(a.coef),
                      _["pairs"] = pairs_to_r(a.pairs), _["oof"] = mat_to_r(a.oof),
                      _["lambda"] = wrap(a.lambda), _["steps"] = wrap(a.steps),
                      _["freq"] = mat_to_r(a.freq), _["folds"] = folds,
                      _["nfolds"] = a.nfolds, _["covar_coef"] = mat_to_r(a.covar_coef));
}

gpatlas::AdditiveModel additive_from_r(const List& a, int alleles) {
  gpatlas::AdditiveModel out;
  out.intercept = as<std::vector<double>>(a["intercept"]);
  out.coef = mat_from_r(NumericMatrix(a["coef"]));
  out.m = out.coef.cols;
  out.alleles = alleles;
  out.loci = out.coef.rows / alleles;
  if (static_cast<int>(out.intercept.size()) != out.m || out.coef.rows % alleles) {
    stop("the additive path's coefficients do not match its traits and alleles");
  }
  out.pairs = pairs_from_r(a["pairs"]);
  return out;
}

SEXP calibration_to_r(const gpatlas::Member& mb) {
  if (mb.cal_slope.empty()) return R_NilValue;
  const int m = static_cast<int>(mb.cal_slope.size());
  NumericMatrix cal(2, m);
  for (int j = 0; j < m; ++j) {
    cal(0, j) = mb.cal_intercept[j];
    cal(1, j) = mb.cal_slope[j];
  }
  rownames(cal) = CharacterVector::create("intercept", "slope");
  return cal;
}

List check_to_r(const gpatlas::NetworkCheck& ch) {
  const bool judged = ch.kept_epoch > 0;
  return List::create(_["kept_epoch"] = judged ? ch.kept_epoch : NA_INTEGER,
                      _["valid_loss"] = judged ? ch.valid_loss : NA_REAL,
                      _["constant_loss"] = judged ? ch.constant_loss : NA_REAL,
                      _["untrained"] = ch.untrained, _["action"] = ch.action);
}

List member_to_r(const gpatlas::Member& mb) {
  const auto& log = mb.log;
  IntegerVector valid(mb.valid.begin(), mb.valid.end());
  for (auto& v : valid) v += 1;
  return List::create(
      _["seed"] = static_cast<double>(mb.seed), _["params"] = params_to_list(mb.params),
      _["calibration"] = calibration_to_r(mb), _["valid"] = valid,
      _["loss_pheno"] = wrap(log.loss_pheno), _["seconds_pheno"] = wrap(log.seconds_pheno),
      _["valid_pheno"] = wrap(log.valid_pheno), _["best_epoch_pheno"] = log.best_epoch_pheno,
      _["loss_geno"] = wrap(log.loss_geno), _["seconds_geno"] = wrap(log.seconds_geno),
      _["valid_geno"] = wrap(log.valid_geno), _["best_epoch_geno"] = log.best_epoch_geno,
      _["check"] = check_to_r(mb.check));
}

List members_to_r(const std::vector<gpatlas::Member>& members) {
  List out(members.size());
  for (size_t k = 0; k < members.size(); ++k) out[k] = member_to_r(members[k]);
  return out;
}

gpatlas::Member member_from_r(const List& x) {
  gpatlas::Member mb;
  mb.params = params_from_list(List(x["params"]));
  if (x.containsElementNamed("calibration") && !Rf_isNull(x["calibration"])) {
    NumericMatrix cal(x["calibration"]);
    for (int j = 0; j < cal.ncol(); ++j) {
      mb.cal_intercept.push_back(cal(0, j));
      mb.cal_slope.push_back(cal(1, j));
    }
  }
  return mb;
}

// The parts of a model that prediction needs, from the list R assembles (model_core() in R).
gpatlas::Model model_from_r(const List& x) {
  gpatlas::Model md;
  md.arch = control_from_list(List(x["control"]));
  md.m = as<int>(x["m"]);
  md.center = as<std::vector<double>>(x["center"]);
  md.scale = as<std::vector<double>>(x["scale"]);
  List members(x["members"]);
  for (R_xlen_t k = 0; k < members.size(); ++k) md.members.push_back(member_from_r(members[k]));
  if (!Rf_isNull(x["pheno_members"])) {
    List pm(x["pheno_members"]);
    for (R_xlen_t k = 0; k < pm.size(); ++k) md.pheno_members.push_back(member_from_r(pm[k]));
  }
  if (!Rf_isNull(x["additive"])) {
    md.has_additive = true;
    md.additive = additive_from_r(List(x["additive"]), as<int>(x["n_alleles"]));
  }
  return md;
}

}  // namespace

// `covar`: NULL, or the centred covariate design (individuals x columns) that enters the additive
// path as unpenalized columns; the result's `covar_coef` (columns x traits, original units)
// holds their effects.
// [[Rcpp::export]]
List cpp_model_fit(NumericMatrix pheno, SEXP geno, int n_alleles, List control,
                   List model, bool verbose, Nullable<NumericMatrix> covar = R_NilValue) {
  const gpatlas::ModelSettings s = model_settings(control, model);
  const gpatlas::Mat y = mat_from_r(pheno);
  const gpatlas::Mat cx = covar.isNotNull() ? mat_from_r(NumericMatrix(covar)) : gpatlas::Mat();
  const gpatlas::Mat* pc = covar.isNotNull() ? &cx : nullptr;
  const gpatlas::GenoData g = geno_from_r(geno, n_alleles);
  gpatlas::Callbacks cb;
  cb.interrupted = r_interrupt_pending;
  if (verbose) {
    cb.progress = print_progress;
    // R's message(): suppressMessages() and sinks treat it as any other message.
    cb.message = [](const std::string& text) { Rcpp::Function("message")(text); };
  }
  const gpatlas::Model md = run_core([&] { return gpatlas::fit_model(y, g, s, cb, pc); });
  IntegerVector unscaled(md.unscaled.begin(), md.unscaled.end());
  for (auto& u : unscaled) u += 1;
  return List::create(
      _["center"] = wrap(md.center), _["scale"] = wrap(md.scale), _["unscaled"] = unscaled,
      _["additive"] = md.has_additive ? SEXP(additive_to_r(md.additive)) : R_NilValue,
      _["resid_scale"] = wrap(md.resid_scale), _["additive_seconds"] = md.additive_seconds,
      _["members"] = members_to_r(md.members),
      _["pheno_members"] = members_to_r(md.pheno_members),
      _["first_dropped_stops"] = md.first_dropped_stops,
      _["covar_coef"] = md.covar_coef.rows ? SEXP(mat_to_r(md.covar_coef)) : R_NilValue,
      _["fitted"] = md.fitted.v.empty() ? R_NilValue : SEXP(mat_to_r(md.fitted)));
}

// [[Rcpp::export]]
NumericMatrix cpp_model_predict(List model, SEXP data, bool from_genotype, bool latent,
                                int n_alleles) {
  const gpatlas::Model md = model_from_r(model);
  gpatlas::set_core_threads(md.arch.threads);
  const auto what = latent ? gpatlas::Output::latent : gpatlas::Output::phenotype;
  gpatlas::Mat out;
  if (from_genotype) {
    const gpatlas::GenoData g = geno_from_r(data, n_alleles);
    out = run_core([&] { return gpatlas::predict_model_genotype(md, g, what); });
  } else {
    const gpatlas::Mat y = mat_from_r(NumericMatrix(data));
    out = run_core([&] { return gpatlas::predict_model_phenotype(md, y, what); });
  }
  return mat_to_r(out);
}

// The additive path alone, for tests and benchmarks: settings list(folds, alpha, average,
// pair_top, seed, threads) and optionally covar (a numeric matrix of unpenalized columns).
// [[Rcpp::export]]
List cpp_additive_fit(NumericMatrix y, SEXP geno, int n_alleles, List settings) {
  gpatlas::AdditiveSettings s;
  s.folds = element<int>(settings, "folds");
  s.alpha = element<double>(settings, "alpha");
  s.average = element<bool>(settings, "average");
  s.pair_top = element<int>(settings, "pair_top");
  if (settings.containsElementNamed("pair_guard")) s.pair_guard = element<bool>(settings, "pair_guard");
  s.seed = static_cast<uint64_t>(element<double>(settings, "seed"));
  gpatlas::set_core_threads(element<int>(settings, "threads"));
  s.threads = gpatlas::core_threads();
  const gpatlas::Mat yy = mat_from_r(y);
  const gpatlas::GenoData g = geno_from_r(geno, n_alleles);
  const bool has_covar = settings.containsElementNamed("covar") && !Rf_isNull(settings["covar"]);
  const gpatlas::Mat cx = has_covar ? mat_from_r(NumericMatrix(settings["covar"])) : gpatlas::Mat();
  return additive_to_r(run_core([&] {
    return gpatlas::additive_fit(yy, g, s, has_covar ? &cx : nullptr);
  }));
}

// [[Rcpp::export]]
NumericMatrix cpp_additive_predict(List additive, SEXP geno, int n_alleles) {
  const gpatlas::AdditiveModel a = additive_from_r(additive, n_alleles);
  const gpatlas::GenoData g = geno_from_r(geno, n_alleles);
  return mat_to_r(run_core([&] { return gpatlas::additive_predict(a, g); }));
}

// Per-trait calibration (shrinkage = false) or shrinkage towards the additive path (true) of
// predictions `pred` against `obs`: a 2 x traits matrix (intercept, slope).
// [[Rcpp::export]]
NumericMatrix cpp_calibration(NumericMatrix pred, NumericMatrix obs, bool shrinkage) {
  if (pred.nrow() != obs.nrow() || pred.ncol() != obs.ncol()) stop("pred and obs differ in shape");
  gpatlas::Member mb;
  const gpatlas::Mat p = mat_from_r(pred), o = mat_from_r(obs);
  if (shrinkage) {
    gpatlas::network_shrinkage(p, o, mb.cal_intercept, mb.cal_slope);
  } else {
    gpatlas::calibration_fit(p, o, mb.cal_intercept, mb.cal_slope);
  }
  return NumericMatrix(calibration_to_r(mb));
}

// [[Rcpp::export]]
double cpp_constant_valid_loss(NumericMatrix y_train, NumericMatrix y_valid, bool mask_missing) {
  return gpatlas::constant_valid_loss(mat_from_r(y_train), mat_from_r(y_valid), mask_missing);
}

// The check of a network from its stage-2 validation losses and kept epoch (for tests).
// [[Rcpp::export]]
List cpp_network_check(NumericVector valid_geno, int best_epoch, NumericMatrix y_train,
                       Nullable<NumericMatrix> y_valid, bool mask_missing, bool additive) {
  if (valid_geno.size() && (best_epoch < 1 || best_epoch > valid_geno.size())) {
    stop("best_epoch must be one of the epochs");
  }
  gpatlas::FitResult res;
  res.valid_geno.assign(valid_geno.begin(), valid_geno.end());
  res.loss_geno.assign(valid_geno.size(), 1.0);
  res.best_epoch_geno = best_epoch;
  const bool has_valid = y_valid.isNotNull();
  const gpatlas::Mat yv = has_valid ? mat_from_r(NumericMatrix(y_valid)) : gpatlas::Mat();
  return check_to_r(gpatlas::network_check(res, mat_from_r(y_train), yv, has_valid, mask_missing,
                                           additive));
}

namespace {

List importance_to_r(const gpatlas::ImportanceResult& r) {
  return List::create(_["per_individual"] = to_r_matrix(r.per_individual, r.n, r.features),
                      _["per_phenotype"] = to_r_matrix(r.per_phenotype, r.features, r.m));
}

}  // namespace

// Feature-ablation importance of a model (the mean over its networks): genotypes (allele
// codes) or raw phenotypes in `data`; `observed`: raw phenotypes for statistic "mse".
// Returns list(total, additive, network) (the parts NULL without the additive path or
// without `parts`), each list(per_individual, per_phenotype) in standardized units.
// [[Rcpp::export]]
List cpp_model_importance(List model, SEXP data, bool from_genotype,
                          Nullable<NumericMatrix> observed, std::string statistic, bool parts,
                          bool verbose, int n_alleles) {
  const gpatlas::Model md = model_from_r(model);
  gpatlas::set_core_threads(md.arch.threads);
  const auto stat =
      statistic == "mse" ? gpatlas::ImportanceStat::mse : gpatlas::ImportanceStat::prediction;
  const gpatlas::Mat obs = observed.isNotNull() ? mat_from_r(NumericMatrix(observed))
                                                : gpatlas::Mat();
  const gpatlas::Mat* po = observed.isNotNull() ? &obs : nullptr;
  if (stat == gpatlas::ImportanceStat::mse && !po) stop("statistic \"mse\" needs phenotypes");
  if (!from_genotype) {
    const gpatlas::Mat y = mat_from_r(NumericMatrix(data));
    const auto r = run_core([&] { return gpatlas::model_phenotype_importance(md, y, po, stat); });
    return List::create(_["total"] = importance_to_r(r), _["additive"] = R_NilValue,
                        _["network"] = R_NilValue);
  }
  const gpatlas::GenoData g = geno_from_r(data, n_alleles);
  gpatlas::Callbacks cb;
  cb.interrupted = r_interrupt_pending;
  if (verbose) cb.progress = print_progress;
  const auto r = run_core([&] {
    return gpatlas::model_genotype_importance(md, g, po, stat, parts, cb);
  });
  return List::create(
      _["total"] = importance_to_r(r.total),
      _["additive"] = r.has_parts ? SEXP(importance_to_r(r.additive)) : R_NilValue,
      _["network"] = r.has_parts ? SEXP(importance_to_r(r.network)) : R_NilValue);
}
