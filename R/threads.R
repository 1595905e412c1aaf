# Thread counts: one check for every function that takes `threads`.

# Processors this R process may use.
available_cores <- function() {
  n <- suppressWarnings(as.integer(parallel::detectCores(logical = TRUE)))
  if (is.na(n) || n < 1L) 1L else n
}

# Validates a thread count and caps it at the processors there are: more threads than
# processors only compete for them, and a count in the thousands exhausts the thread limit.
# `zero_means_all`: 0 is accepted and means every processor.
resolve_thread_count <- function(threads, arg = "threads", zero_means_all = FALSE) {
  lo <- if (zero_means_all) 0 else 1
  if (!is.numeric(threads) || length(threads) != 1L || !is.finite(threads) || threads < lo ||
      threads != round(threads)) {
    stop(sprintf("`%s` must be a whole number >= %d%s", arg, lo,
                 if (zero_means_all) " (0: every processor)" else ""), call. = FALSE)
  }
  cores <- available_cores()
  if (threads > cores) {
    warning(sprintf("`%s` = %s is more than the %d processors of this machine; using %d",
                    arg, format(threads), cores, cores), call. = FALSE)
    threads <- cores
  }
  as.integer(threads)
}
