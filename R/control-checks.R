# Checks of settings against the settings table (control.R) and the rules between settings.

# Checks settings as gpatlas_control() builds them or as a caller may have edited them: every
# setting of the table must be there, each must be allowed by its row, and the rules that
# tie settings together must hold.
check_control <- function(ctl) {
  absent <- setdiff(control_table$name, names(ctl))
  if (length(absent)) {
    stop(sprintf("`control` lacks the setting `%s`; build it with gpatlas_control()", absent[1L]),
         call. = FALSE)
  }
  unknown <- setdiff(names(ctl), c(control_table$name, "preset"))
  if (length(unknown)) {
    stop(sprintf("`control` has an unknown setting `%s`", unknown[1L]), call. = FALSE)
  }
  for (i in seq_len(nrow(control_table))) {
    problem <- setting_problem(control_table[i, ], ctl[[control_table$name[i]]])
    if (!is.null(problem)) stop(problem, call. = FALSE)
  }
  check_control_rules(ctl)
}

# Rules between settings, checked after each setting is known to be valid on its own.
check_control_rules <- function(ctl) {
  if (isTRUE(ctl$calibrate) && ctl$valid_prop == 0) {
    stop("`calibrate` needs a validation set: set `valid_prop` > 0", call. = FALSE)
  }
  if (ctl$patience > 0 && ctl$valid_prop == 0) {
    stop("`patience` needs a validation set: set `valid_prop` > 0", call. = FALSE)
  }
  last_seed <- ctl$seed + 1000 * (ctl$n_seeds - 1)
  if (last_seed > .Machine$integer.max) {
    stop(sprintf("`seed` + 1000 * (`n_seeds` - 1) = %s is beyond %d.",
                 format(last_seed, digits = 17), .Machine$integer.max), call. = FALSE)
  }
  invisible(ctl)
}

# Why `v` is not allowed for the setting of table row `row`, or NULL when it is.
setting_problem <- function(row, v) {
  nm <- row$name
  if (!is.atomic(v) || length(v) != 1L) {
    return(sprintf("`%s` must be a single value, not %s of length %d.", nm,
                   if (is.atomic(v)) "a vector" else "a list", length(v)))
  }
  switch(row$type,
         logical = if (!is.logical(v) || is.na(v)) sprintf("`%s` must be TRUE or FALSE", nm),
         choice = if (!is.character(v) || !v %in% row$choices[[1L]]) {
           sprintf("`%s` must be %s", nm, paste0("\"", row$choices[[1L]], "\"",
                                                 collapse = " or "))
         },
         number = number_problem(row, v),
         integer = whole_problem(row, v))
}

number_problem <- function(row, v) {
  lo_open <- row$open %in% c("lower", "both")
  hi_open <- row$open %in% c("upper", "both")
  ok <- is.numeric(v) && !is.na(v) &&
    (if (lo_open) v > row$lower else v >= row$lower) &&
    (if (hi_open) v < row$upper else v <= row$upper)
  if (!ok) {
    sprintf("`%s` must be a number in %s%g, %g%s", row$name, if (lo_open) "(" else "[",
            row$lower, row$upper, if (hi_open) ")" else "]")
  }
}

# Whole numbers: below the lower bound (or not whole) and above the upper one have their
# own messages; without an upper bound, the limit is the largest 32-bit integer.
whole_problem <- function(row, v) {
  nm <- row$name
  lo <- row$lower
  whole <- is.numeric(v) && !is.na(v) && is.finite(v) && v == round(v)
  if (!is.na(row$upper)) {
    if (!whole || v < lo || v > row$upper) {
      return(sprintf("`%s` must be a single whole number between %.0f and %.0f", nm, lo,
                     row$upper))
    }
    return(NULL)
  }
  if (!whole || v < lo) {
    return(switch(as.character(lo),
                  "0" = sprintf("`%s` must be a whole number >= 0", nm),
                  "1" = sprintf("`%s` must be a positive whole number, not %s", nm, format(v)),
                  if (!whole) sprintf("`%s` must be a whole number", nm) else
                    sprintf("`%s` must be at least %.0f%s", nm, lo,
                            if (nzchar(row$note)) sprintf(" (%s)", row$note) else "")))
  }
  if (v > .Machine$integer.max) {
    return(sprintf("`%s` = %s is beyond the largest supported value (%d).", nm,
                   format(v, digits = 6), .Machine$integer.max))
  }
  NULL
}
