# Arguments caught by `...` that nothing uses: an error naming them, never silence.

# Stops when `...` holds anything. Call as `check_dots_empty(...)` from a function whose
# `...` exists only for S3 compatibility, so that a misspelt argument is not dropped.
check_dots_empty <- function(...) {
  if (...length() == 0L) return(invisible(TRUE))
  caller <- deparse(sys.call(-1L)[[1L]], nlines = 1L)
  stop(sprintf("%s(): unused argument%s %s", caller, if (...length() > 1L) "s" else "",
               paste(dots_labels(...), collapse = ", ")), call. = FALSE)
}

# Stops when `...` holds an argument `fun` (a function, or several) does not take; for `...`
# that is passed on, so that a misspelt argument fails here rather than deep inside, or not
# at all when the receiving function has its own `...`.
check_dots_for <- function(fun, what, ...) {
  if (...length() == 0L) return(invisible(TRUE))
  nms <- names(list(...))
  if (is.null(nms)) nms <- character(...length())
  allowed <- unique(unlist(lapply(fun, function(f) setdiff(names(formals(f)), "..."))))
  bad <- !nzchar(nms) | !nms %in% allowed
  if (any(bad)) {
    caller <- deparse(sys.call(-1L)[[1L]], nlines = 1L)
    stop(sprintf("%s(): unused argument%s %s (`...` takes arguments of %s)", caller,
                 if (sum(bad) > 1L) "s" else "", paste(dots_labels(...)[bad], collapse = ", "),
                 what), call. = FALSE)
  }
  invisible(TRUE)
}

dots_labels <- function(...) {
  nms <- names(list(...))
  if (is.null(nms)) nms <- character(...length())
  ifelse(nzchar(nms), sprintf("`%s`", nms), sprintf("(unnamed value %d)", seq_along(nms)))
}
