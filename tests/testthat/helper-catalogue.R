# The bad-input catalogue: cases run in child R processes, so that a crash or a hang is a
# test failure instead of the end of the test run. Cases share one persistent session
# (restarted after a crash or a timeout); cases marked `fresh` get a session of their own.

# One case: `code` is R source evaluated in the child, where the fixtures below exist.
# Exactly one of `error` (a regular expression the error message must match) and `ok` (R
# source evaluated with `value` bound to the result; it must return TRUE) is given.
# `warning`, if given, is a regular expression that some warning must match. With
# `interrupt` (seconds), the child is sent SIGINT after that time if still busy; the case
# passes only if the session then still works and predicts as before.
cat_case <- function(id, code, error = NULL, ok = NULL, warning = NULL, fresh = FALSE,
                     interrupt = NULL) {
  stopifnot(xor(is.null(error), is.null(ok)))
  list(id = id, code = code, error = error, ok = ok, warning = warning,
       fresh = fresh || !is.null(interrupt), interrupt = interrupt)
}

# Fixtures of every child session: small data, tiny fits and BYxRM-format file writers.
catalogue_setup <- function() {
  suppressPackageStartupMessages(library(gpatlas))
  env <- globalenv()
  ctl_args <- list(epochs_pheno = 2, epochs_geno = 2, latent_dim = 2, pheno_hidden = 4,
                   decoder_hidden = 4, geno_hidden = 0, batch_size = 8, threads = 1,
                   n_seeds = 1, valid_prop = 0, calibrate = FALSE, patience = 0,
                   verbose = FALSE)
  env$ctl_args <- ctl_args
  env$ctl <- do.call(gpatlas_control, ctl_args)
  env$d <- gp_simulate(n = 40, n_loci = 12, n_phenotypes = 3, n_causal = 2, seed = 1)
  env$fit <- gpatlas(. ~ ., env$d, env$ctl)
  env$fit0 <- gpatlas(. ~ ., env$d, do.call(gpatlas_control,
                                             utils::modifyList(ctl_args, list(epochs_geno = 0))))
  env$fit_h <- gpatlas(. ~ ., env$d, do.call(gpatlas_control,
                                              utils::modifyList(ctl_args, list(geno_hidden = 3))))
  env$imp <- gp_importance(env$fit, env$d, verbose = FALSE)
  env$P <- env$d$pheno
  env$G <- env$d$geno
  env$pred <- predict(env$fit, env$d)
  env$tiny_p <- matrix(c(1.5, 2.0, NA, 0.5, 10, 12, 11, 9), ncol = 2,
                       dimnames = list(c("a", "b", "c", "d"), c("height", "weight")))
  env$tiny_g <- matrix(c(0L, 1L, 2L, 0L, 1L, 1L, NA, 0L, 2L, 2L, 1L, 0L), ncol = 3,
                       dimnames = list(c("a", "b", "c", "d"), c("m1", "m2", "m3")))
  env$geno_lines <- c("marker\tA01_01\tA01_02\tA01_03",
                      "27915_chr01_27915_T_C\tB\tR\tB",
                      "1250000_chr10_4581_G_A\tR\tR\tB",
                      "2200000_chr16_900_A_G\tB\tB\tR")
  env$pheno_lines <- c("\tCaffeine\tEthanol", "A01_01\t0.5\tNA", "A01_02\t-1.2\t0.3",
                       "A01_03\t0.1\t1.7")
  env$byxrm <- function(geno = geno_lines, pheno = pheno_lines) {
    dir <- tempfile("byxrm")
    dir.create(dir)
    for (f in list(list("BYxRM_GenoData.txt.gz", geno), list("BYxRM_PhenoData.txt.gz", pheno))) {
      con <- gzfile(file.path(dir, f[[1L]]), "w")
      writeLines(f[[2L]], con)
      close(con)
    }
    dir
  }
  # Replaces one of the files of a folder by raw bytes.
  env$byxrm_raw <- function(dir, which, bytes) {
    f <- file.path(dir, if (which == "geno") "BYxRM_GenoData.txt.gz" else "BYxRM_PhenoData.txt.gz")
    writeBin(bytes, f)
    dir
  }
  env$file_bytes <- function(path) readBin(path, "raw", file.size(path))
  # A gzip file cut after a sync flush that ends at a row end: no final block, no trailer.
  env$gz_cut <- function(lines, keep) {
    path <- tempfile(fileext = ".gz")
    con <- gzfile(path, "wb")
    writeLines(lines[seq_len(keep)], con)
    close(con)
    full <- file_bytes(path)
    full[seq_len(length(full) - 8L)]
  }
  env$with_param <- function(f, name, value) {
    f$params[[name]] <- value
    f
  }
  env$param_bytes <- function(f, name) {
    readBin(f$params[[name]], "double", n = length(f$params[[name]]) / 4, size = 4)
  }
  env$float_raw <- function(x, shape) {
    r <- writeBin(as.double(x), raw(), size = 4)
    attr(r, "shape") <- as.integer(shape)
    r
  }
  invisible(TRUE)
}

# Evaluates one case in the child and reports what happened; never lets an error escape.
catalogue_eval <- function(code, ok) {
  warnings <- character()
  res <- tryCatch(
    withCallingHandlers(
      list(ok = TRUE, value = eval(parse(text = code), new.env(parent = globalenv()))),
      warning = function(w) {
        warnings <<- c(warnings, conditionMessage(w))
        invokeRestart("muffleWarning")
      },
      message = function(m) invokeRestart("muffleMessage")
    ),
    error = function(e) list(ok = FALSE, message = conditionMessage(e)),
    interrupt = function(i) list(ok = FALSE, message = "interrupted")
  )
  out <- list(ok = res$ok, message = res$message, warnings = warnings, check = NA)
  if (res$ok && !is.null(ok)) {
    env <- new.env(parent = globalenv())
    env$value <- res$value
    out$check <- tryCatch(isTRUE(eval(parse(text = ok), env)),
                          error = function(e) paste("check failed:", conditionMessage(e)))
    # A check that fails on a verdict string (as the fuzz cases return) reports it.
    if (isFALSE(out$check) && is.character(res$value) && length(res$value) == 1L) {
      out$message <- res$value
    }
  }
  out
}

catalogue_session <- function() {
  rs <- callr::r_session$new(
    options = callr::r_session_options(stdout = NULL, stderr = NULL,
                                       env = c(OMP_NUM_THREADS = "1")),
    wait = TRUE
  )
  # Helpers the cases call in the child, detached from the test environment.
  fns <- lapply(mget(catalogue_child_functions, envir = environment(catalogue_session)),
                function(f) {
                  environment(f) <- globalenv()
                  f
                })
  rs$run(function(fns) for (nm in names(fns)) assign(nm, fns[[nm]], envir = globalenv()),
         list(fns = fns))
  rs$run(catalogue_setup)
  rs$run(fuzz_setup)
  rs
}

catalogue_child_functions <- c("fz_read_csv", "fz_corrupt", "fz_line_of", "fz_same_except",
                               "fz_outcome", "fuzz_byxrm", "fuzz_csv", "fuzz_rds")

# Runs the cases; returns a data frame with one row per case: `status` is "pass", or the
# reason of the failure ("crash", "hang", "no error", "wrong error", "wrong result", ...).
run_catalogue <- function(cases, timeout = 120) {
  rs <- NULL
  on.exit(if (!is.null(rs)) rs$kill())
  out <- vector("list", length(cases))
  for (i in seq_along(cases)) {
    cs <- cases[[i]]
    if (cs$fresh && !is.null(rs)) {
      rs$kill()
      rs <- NULL
    }
    if (is.null(rs)) rs <- catalogue_session()
    rs$call(catalogue_eval, list(code = cs$code, ok = cs$ok))
    if (!is.null(cs$interrupt) && rs$poll_process(cs$interrupt * 1000) == "timeout") {
      rs$interrupt()
    }
    state <- rs$poll_process(timeout * 1000)
    res <- NULL
    status <- NULL
    if (state != "ready") {
      status <- "hang"
    } else {
      r <- tryCatch(rs$read(), error = function(e) NULL)
      if (is.null(r) || !identical(r$code, 200L) || !is.null(r$error) || !rs$is_alive()) {
        status <- "crash"
      } else {
        res <- r$result
      }
    }
    if (is.null(status)) status <- catalogue_verdict(cs, res)
    if (status == "pass" && !is.null(cs$interrupt) && !catalogue_still_works(rs, timeout)) {
      status <- "unusable after interrupt"
    }
    if (status %in% c("hang", "crash") || cs$fresh) {
      rs$kill()
      rs <- NULL
    }
    out[[i]] <- data.frame(id = cs$id, status = status,
                           message = if (is.null(res$message)) NA_character_ else res$message,
                           stringsAsFactors = FALSE)
  }
  do.call(rbind, out)
}

# After an interrupt the session must still answer, with the same predictions as before.
catalogue_still_works <- function(rs, timeout) {
  rs$call(function() identical(predict(fit, d), pred))
  if (rs$poll_process(timeout * 1000) != "ready") return(FALSE)
  r <- tryCatch(rs$read(), error = function(e) NULL)
  !is.null(r) && identical(r$code, 200L) && isTRUE(r$result)
}

catalogue_verdict <- function(cs, res) {
  if (!is.null(cs$error)) {
    if (res$ok) return("no error")
    if (!grepl(cs$error, res$message)) return("wrong error")
  } else {
    if (!res$ok) return("unexpected error")
    if (!isTRUE(res$check)) {
      return(if (is.character(res$check)) res$check else "wrong result")
    }
  }
  if (!is.null(cs$warning) && !any(grepl(cs$warning, res$warnings))) return("missing warning")
  "pass"
}
