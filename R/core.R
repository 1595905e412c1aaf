# The C++ entry points that take settings, each called with exactly the settings the core reads.

# The settings of `control` the core reads. The settings marked `core = FALSE` in
# control_table (and `preset`) are used in R only and are removed here, before every call of
# the core, which refuses unknown settings and missing ones. With `stored = TRUE` (the
# settings of a fit, which may have been saved by an earlier version), a setting the fit lacks
# takes the value the core used for it then: its built-in default, as the core filled missing
# settings in itself before it refused them.
core_settings <- function(control, stored = FALSE) {
  control <- unclass(control)
  control <- control[setdiff(names(control), c(control_names(core = FALSE), "preset"))]
  if (stored) {
    absent <- setdiff(control_names(core = TRUE), names(control))
    if (length(absent)) control[absent] <- cpp_control_defaults()[absent]
  }
  control
}

cpp_predict_genotype <- function(params, control, ...) {
  cpp_predict_genotype_core(params, core_settings(control, stored = TRUE), ...)
}

cpp_predict_phenotype <- function(params, control, ...) {
  cpp_predict_phenotype_core(params, core_settings(control, stored = TRUE), ...)
}

cpp_importance <- function(params, control, ...) {
  cpp_importance_core(params, core_settings(control, stored = TRUE), ...)
}
