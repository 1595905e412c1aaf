// Lasso path with cross-validation for many traits at once (the additive genotype path).
#pragma once

#include <cstdint>
#include <vector>

namespace gpatlas {

// Design x (n x p, column-major) and responses y (n x m, column-major, NaN = missing).
// Each column of x is standardized over all n rows (mean 0, mean square 1); constant columns
// never enter. Per trait, the objective is (glmnet's elastic net; alpha = 1: the lasso)
//   1 / (2 n_obs) sum_obs (y_i - b0 - x_i' b)^2 + lambda sum_j (alpha |b_j| + (1 - alpha) b_j^2 / 2)
// on the standardized columns, minimized by coordinate descent with sequential strong rules
// and a KKT check over every column at each lambda. The lambda grid runs from the smallest
// lambda that keeps every coefficient zero down to lambda_min_ratio times it, log-spaced.
// K-fold cross-validation (fold[i] in 0..K-1) and the fit on all rows advance along the grid in
// lockstep; a trait's path stops once its cross-validated squared error has not improved for
// `patience` grid points (0: run the whole grid). The chosen lambda is the one with the least
// cross-validated error.
// The last `unpenalized` columns carry no penalty (glmnet's penalty.factor = 0, e.g. additive
// covariates): every fit holds them from the start, like its intercept, and the lambda grid
// starts from the gradients left after them. Lambda is glmnet's lambda after glmnet rescales
// its penalty factors to sum to the number of columns (glmnet's lambda = ours * (p - u) / p).
struct LassoSettings {
  int nlambda = 50;
  double alpha = 1.0;  // elastic-net mixing, 0 < alpha <= 1
  double lambda_min_ratio = 0.01;
  int patience = 10;
  double tol = 1e-5;    // coordinate descent stops when max_j v_j (delta b_j)^2 < tol * var(y)
  int max_sweeps = 10000;
  int threads = 1;
  int unpenalized = 0;  // trailing columns without penalty
};

struct LassoPathResult {
  int n = 0, p = 0, m = 0;
  std::vector<double> intercept;  // m, original units of x
  std::vector<double> beta;       // p x m column-major, original units of x
  // The mean of the K fold fits at the chosen lambda (cross-model averaging), same units.
  std::vector<double> intercept_avg;  // m
  std::vector<double> beta_avg;       // p x m column-major
  std::vector<double> lambda;     // m: chosen lambda (standardized scale)
  std::vector<int> steps;         // m: grid points visited
  std::vector<double> oof;        // n x m column-major: out-of-fold predictions at the chosen
                                  // lambda (NaN where y is missing)
  std::vector<double> cv_error;   // nlambda x m: mean squared CV error (NaN where not reached)
  std::vector<double> lambda_grid;  // nlambda x m
};

LassoPathResult lasso_cv(const double* x, int n, int p, const double* y, int m,
                         const std::vector<int>& fold, int n_folds, const LassoSettings& s);

// One lasso fit at a given lambda on all rows (same objective and standardization), for tests.
void lasso_fit(const double* x, int n, int p, const double* y, double lambda, double tol,
               double* intercept, double* beta, double alpha = 1.0);

}  // namespace gpatlas
