// R glue for the additive path's lasso solver.
#include "rcpp_convert.h"
#include "lasso.h"

using namespace Rcpp;

// [[Rcpp::export]]
List cpp_lasso_cv(NumericMatrix x, NumericMatrix y, IntegerVector fold, int n_folds, int nlambda,
                  double lambda_min_ratio, int patience, double tol, int threads,
                  double alpha = 1.0) {
  if (y.nrow() != x.nrow()) stop("x and y need the same rows");
  gpatlas::LassoSettings s;
  s.nlambda = nlambda;
  s.lambda_min_ratio = lambda_min_ratio;
  s.patience = patience;
  s.tol = tol;
  s.alpha = alpha;
  gpatlas::set_core_threads(threads);
  s.threads = gpatlas::core_threads();  // capped at the processors there are
  std::vector<int> f(fold.begin(), fold.end());
  const int n = x.nrow(), p = x.ncol(), m = y.ncol();
  gpatlas::LassoPathResult res = glue::run_core(
      [&] { return gpatlas::lasso_cv(&x[0], n, p, &y[0], m, f, n_folds, s); });
  auto mat = [](const std::vector<double>& v, int r, int c) {
    NumericMatrix out(r, c);
    std::copy(v.begin(), v.end(), out.begin());
    return out;
  };
  return List::create(_["intercept"] = wrap(res.intercept), _["beta"] = mat(res.beta, p, m),
                      _["intercept_avg"] = wrap(res.intercept_avg),
                      _["beta_avg"] = mat(res.beta_avg, p, m),
                      _["lambda"] = wrap(res.lambda), _["steps"] = wrap(res.steps),
                      _["oof"] = mat(res.oof, n, m),
                      _["cv_error"] = mat(res.cv_error, nlambda, m),
                      _["lambda_grid"] = mat(res.lambda_grid, nlambda, m));
}

// [[Rcpp::export]]
List cpp_lasso_fit(NumericMatrix x, NumericVector y, double lambda, double tol,
                   double alpha = 1.0) {
  if (y.size() != x.nrow()) stop("x and y need the same rows");
  const int n = x.nrow(), p = x.ncol();
  double b0 = 0;
  NumericVector beta(p);
  glue::run_core([&] {
    gpatlas::lasso_fit(&x[0], n, p, &y[0], lambda, tol, &b0, &beta[0], alpha);
    return 0;
  });
  return List::create(_["intercept"] = b0, _["beta"] = beta);
}
