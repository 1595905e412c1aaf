// Conversions between R objects and the core's plain types, shared by the Rcpp glue files.
#pragma once

#include <Rcpp.h>

#include <string>

#include "core/gpatlas.h"

namespace glue {

gpatlas::Control control_from_list(const Rcpp::List& x);
gpatlas::PhenoData pheno_from_matrix(const Rcpp::NumericMatrix& x);
gpatlas::GenoData geno_from_matrix(const Rcpp::IntegerMatrix& x, int n_alleles);
// Allele codes (an integer matrix individuals x loci) or state probabilities (a numeric array
// individuals x states x loci).
gpatlas::GenoData geno_from_r(SEXP x, int n_alleles);
Rcpp::List params_to_list(const gpatlas::ParamList& params);
gpatlas::ParamList params_from_list(const Rcpp::List& x);
Rcpp::NumericMatrix to_r_matrix(const std::vector<float>& v, int n, int k);
Rcpp::NumericMatrix to_r_matrix(const std::vector<double>& v, int n, int k);
// True when the user pressed Ctrl-C; checked without a long jump through C++ frames.
bool r_interrupt_pending();
// Progress bar of every core task (training epochs, importance, VIDA).
void print_progress(const gpatlas::Progress& p);

// Runs core code, turning its exceptions into R errors and its interrupt into an R interrupt.
template <class F>
auto run_core(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const gpatlas::Interrupted&) {
    Rprintf("\n");
    throw Rcpp::internal::InterruptedException();
  } catch (const std::invalid_argument& e) {
    Rcpp::stop(e.what());
  } catch (const std::exception& e) {
    // LibTorch appends a C++ backtrace to its messages; R users need only the first lines.
    std::string msg = e.what();
    const auto cut = msg.find("\nException raised from");
    Rcpp::stop(msg.substr(0, cut));
  }
}


}  // namespace glue
