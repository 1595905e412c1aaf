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

# Threads per fit when the current `future` plan runs parallel workers on this machine
# (multisession, multicore): the physical cores shared out among the workers, at least 1.
# NULL for other plans: sequential ones leave the cores to the one fit, and workers on other
# machines (cluster, batchtools) have their own cores.
future_worker_threads <- function() {
  if (!requireNamespace("future", quietly = TRUE)) return(NULL)
  strategy <- future::plan()
  if (!inherits(strategy, c("multisession", "multicore"))) return(NULL)
  workers <- suppressWarnings(as.numeric(future::nbrOfWorkers()))
  if (length(workers) != 1L || !is.finite(workers) || workers <= 1) return(NULL)
  max(1L, default_threads() %/% as.integer(workers))
}

# Caps the threads of every control at what a local future worker gets, with a message when a
# control had more.
share_threads_among_workers <- function(controls) {
  per_worker <- future_worker_threads()
  if (is.null(per_worker)) return(controls)
  over <- vapply(controls, function(ctl) ctl$threads > per_worker, logical(1))
  if (any(over)) {
    message(sprintf(paste0("%d future workers on %d cores: each fit uses at most %d thread%s ",
                           "(control$threads = %d)."),
                    as.integer(future::nbrOfWorkers()), default_threads(), per_worker,
                    if (per_worker == 1L) "" else "s", max(vapply(controls, `[[`, 1, "threads"))))
  }
  lapply(controls, function(ctl) {
    ctl$threads <- min(ctl$threads, per_worker)
    ctl
  })
}
