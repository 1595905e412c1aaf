# Reader fuzzing: seeded truncations and byte flips of real files, run through the
# catalogue's child sessions. Each fuzz case returns "pass", or what went wrong.

fuzz_setup <- function() {
  env <- globalenv()
  set.seed(20261205)
  n_ind <- 12L
  n_mk <- 30L
  ids <- sprintf("A%02d_%02d", 1L + (seq_len(n_ind) - 1L) %/% 96L, seq_len(n_ind))
  calls <- matrix(sample(c("B", "R"), n_ind * n_mk, replace = TRUE), n_mk)
  calls[sample(length(calls), 10L)] <- "NA"
  mk <- sprintf("%d_chr%02d_%d_A_G", 1000L * seq_len(n_mk), 1L + (seq_len(n_mk) - 1L) %/% 10L,
                100L * seq_len(n_mk))
  env$fz_geno_lines <- c(paste(c("marker", ids), collapse = "\t"),
                         paste(mk, apply(calls, 1L, paste, collapse = "\t"), sep = "\t"))
  values <- matrix(round(rnorm(n_ind * 4L), 3), n_ind)
  values[sample(length(values), 5L)] <- NA
  env$fz_pheno_lines <- c(paste(c("", "Caffeine", "Ethanol", "Lactate", "Xylose"), collapse = "\t"),
                          paste(ids, apply(values, 1L, function(v) paste(ifelse(is.na(v), "NA", format(v)), collapse = "\t")), sep = "\t"))
  env$fz_dir <- byxrm(fz_geno_lines, fz_pheno_lines)
  env$fz_truth <- read_byxrm(fz_dir)
  env$fz_files <- c(geno = "BYxRM_GenoData.txt.gz", pheno = "BYxRM_PhenoData.txt.gz")
  env$fz_bytes <- lapply(fz_files, function(f) file_bytes(file.path(fz_dir, f)))
  # The same text stored uncompressed (gzfile reads plain text as well).
  env$fz_plain <- list(geno = charToRaw(paste0(paste(fz_geno_lines, collapse = "\n"), "\n")),
                       pheno = charToRaw(paste0(paste(fz_pheno_lines, collapse = "\n"), "\n")))
  # CSV tables for as_gp_data().
  env$fz_csv_geno <- tempfile(fileext = ".csv")
  env$fz_csv_pheno <- tempfile(fileext = ".csv")
  utils::write.csv(as.data.frame(d$geno[1:15, 1:8]), fz_csv_geno)
  utils::write.csv(as.data.frame(round(d$pheno[1:15, ], 4)), fz_csv_pheno)
  env$fz_csv_bytes <- list(geno = file_bytes(fz_csv_geno), pheno = file_bytes(fz_csv_pheno))
  env$fz_csv_truth <- fz_read_csv(fz_csv_geno, fz_csv_pheno)
  env$fz_rds <- list(gz = tempfile(fileext = ".rds"), plain = tempfile(fileext = ".rds"))
  # Timings vary from run to run; without them the saved bytes, and so the seeded
  # corruptions, are the same on every run.
  env$fz_fit <- fit
  env$fz_fit$history$seconds <- 0
  # A formula from the global environment is saved as a reference to it, so that fits read
  # back compare identical.
  environment(env$fz_fit$formula) <- globalenv()
  saveRDS(fz_fit, fz_rds$gz)
  saveRDS(fz_fit, fz_rds$plain, compress = FALSE)
  env$fz_rds_bytes <- lapply(fz_rds, file_bytes)
  # Where the parameters' float32 bytes lie in the uncompressed file (parameters of at
  # least 16 bytes, whose bytes occur nowhere else).
  env$fz_param_pos <- unlist(lapply(fz_fit$params, function(p) {
    at <- if (length(p) >= 16L) grepRaw(unclass(p), fz_rds_bytes$plain, fixed = TRUE, all = TRUE)
    if (length(at) == 1L) at + seq_along(p) - 1L
  }), use.names = FALSE)
  invisible(TRUE)
}

fz_read_csv <- function(geno_file, pheno_file) {
  g <- utils::read.csv(geno_file, row.names = 1L, check.names = FALSE)
  p <- utils::read.csv(pheno_file, row.names = 1L, check.names = FALSE)
  as_gp_data(g, p)
}

# Corrupts `bytes`: "cut" keeps a seeded prefix, "flip" xors one seeded byte with a seeded
# non-zero mask. Returns the bytes and the 1-based position of the change.
fz_corrupt <- function(bytes, mode, seed) {
  set.seed(seed)
  n <- length(bytes)
  if (mode == "cut") {
    at <- sample.int(n - 1L, 1L)
    return(list(bytes = bytes[seq_len(at)], at = at + 1L))
  }
  at <- if (mode == "flip-param") fz_param_pos[sample.int(length(fz_param_pos), 1L)] else
    sample.int(n, 1L)
  bytes[at] <- xor(bytes[at], as.raw(sample.int(255L, 1L)))
  list(bytes = bytes, at = at)
}

# Line (1-based) of the text holding byte `at`.
fz_line_of <- function(text, at) {
  sum(text[seq_len(at - 1L)] == as.raw(10L)) + 1L
}

# Same gp_data content except, possibly, the individual on data line `row` (0: the header,
# whose damage may rename a column).
fz_same_except <- function(x, truth, row, by = c("individual", "marker")) {
  by <- match.arg(by)
  if (!inherits(x, "gp_data") || !identical(dim(x), dim(truth)) ||
      !identical(dim(x$pheno), dim(truth$pheno))) {
    return(FALSE)
  }
  keep_ind <- seq_len(nrow(truth$pheno))
  keep_mk <- seq_len(ncol(truth$geno))
  if (row > 0L && by == "individual") keep_ind <- setdiff(keep_ind, row)
  if (row > 0L && by == "marker") keep_mk <- setdiff(keep_mk, row)
  same_values <- identical(unname(x$pheno[keep_ind, , drop = FALSE]),
                           unname(truth$pheno[keep_ind, , drop = FALSE])) &&
    identical(unname(x$geno[keep_ind, keep_mk, drop = FALSE]),
              unname(truth$geno[keep_ind, keep_mk, drop = FALSE]))
  same_names <- row == 0L ||
    (identical(x$ids[keep_ind], truth$ids[keep_ind]) &&
       identical(colnames(x$pheno), colnames(truth$pheno)) &&
       identical(colnames(x$geno)[keep_mk], colnames(truth$geno)[keep_mk]))
  same_values && same_names
}

fz_outcome <- function(expr) {
  tryCatch(list(ok = TRUE, value = suppressWarnings(expr)),
           error = function(e) list(ok = FALSE, message = conditionMessage(e)))
}

# read_byxrm() of a folder whose genotype or phenotype file is cut or has a flipped byte.
# `form` "gz": the published gzip files; any successful read must equal the original
# (gzip's length and checksum guard the content). `form` "plain": uncompressed text; a
# successful read may differ only in the damaged line.
fuzz_byxrm <- function(which, mode, seed, form = "gz") {
  dir <- tempfile("fz")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  file.copy(file.path(fz_dir, fz_files), dir)
  orig <- if (form == "gz") fz_bytes[[which]] else fz_plain[[which]]
  bad <- fz_corrupt(orig, mode, seed)
  writeBin(bad$bytes, file.path(dir, fz_files[[which]]))
  res <- fz_outcome(read_byxrm(dir))
  if (!res$ok) {
    if (grepl("(Genotype|Phenotype) file '|BYxRM files in '", res$message)) return("pass")
    return(paste("unclear error:", res$message))
  }
  if (form == "gz" || mode == "cut") {
    # A cut plain file may still end at a line end (the final newline alone).
    ok <- identical(res$value, fz_truth)
    if (!ok && form == "plain" && mode == "cut") {
      ok <- length(bad$bytes) == length(orig) - 1L && fz_same_except(res$value, fz_truth, 0L)
    }
    return(if (ok) "pass" else "silently different result")
  }
  line <- fz_line_of(orig, bad$at)
  ok <- fz_same_except(res$value, fz_truth, line - 1L,
                       by = if (which == "geno") "marker" else "individual")
  if (ok) "pass" else sprintf("silently different result (flip in line %d)", line)
}

# as_gp_data() of CSV files read with read.csv(), one of them damaged. A successful result
# may differ from the original only in the damaged row (or in names, for the header).
fuzz_csv <- function(which, mode, seed) {
  files <- c(geno = tempfile(fileext = ".csv"), pheno = tempfile(fileext = ".csv"))
  on.exit(unlink(files))
  writeBin(fz_csv_bytes$geno, files[["geno"]])
  writeBin(fz_csv_bytes$pheno, files[["pheno"]])
  bad <- fz_corrupt(fz_csv_bytes[[which]], mode, seed)
  writeBin(bad$bytes, files[[which]])
  g <- fz_outcome(utils::read.csv(files[["geno"]], row.names = 1L, check.names = FALSE))
  p <- fz_outcome(utils::read.csv(files[["pheno"]], row.names = 1L, check.names = FALSE))
  if (!g$ok || !p$ok) return("pass")  # read.csv refused the file: nothing reached gpatlas
  res <- fz_outcome(as_gp_data(g$value, p$value))
  if (!res$ok) {
    known <- paste0("Phenotype column|Genotype column|Genotype table|Allele codes|`phenotypes`|",
                    "`genotypes`|Individual ids differ|individual id|Trait '|trait '|",
                    "marker name|trait name|Marker '|zero markers|no trait columns")
    if (grepl(known, res$message)) return("pass")
    return(paste("unclear error:", res$message))
  }
  line <- fz_line_of(fz_csv_bytes[[which]], bad$at)
  if (mode == "cut") {
    # Rows after the cut are gone: the result must have failed unless the cut lost nothing.
    return(if (identical(res$value, fz_csv_truth)) "pass" else
      if (nrow(res$value) < nrow(fz_csv_truth) || fz_same_except(res$value, fz_csv_truth,
                                                                   line - 1L)) "pass" else
        "silently different result")
  }
  if (fz_same_except(res$value, fz_csv_truth, line - 1L)) "pass" else
    sprintf("silently different result (flip in line %d)", line)
}

# A saved fit, cut or flipped, read back, then predict(). R's readRDS() itself can crash on
# a damaged file (a flipped length or type byte), so readRDS() gets uncompressed files cut
# anywhere or flipped inside the parameters' bytes ("flip-param"): either step may refuse
# with an error; a prediction that comes back must be finite and shaped like the original,
# and equal to it when the fit read back is identical to the saved one. gp_read_fit() gets
# the default gzip files cut or flipped anywhere: it must fail naming the file or give the
# saved fit.
fuzz_rds <- function(form, mode, seed, reader = "readRDS") {
  f <- tempfile(fileext = ".rds")
  on.exit(unlink(f))
  bad <- fz_corrupt(fz_rds_bytes[[form]], mode, seed)
  writeBin(bad$bytes, f)
  if (reader == "gp_read_fit") {
    obj <- fz_outcome(gp_read_fit(f))
    if (!obj$ok) {
      return(if (grepl("Fit file '", obj$message, fixed = TRUE)) "pass" else
        paste("unclear error:", obj$message))
    }
    if (!identical(obj$value, fz_fit)) return("silently different fit")
    return(if (identical(predict(obj$value, d), pred)) "pass" else "different prediction")
  }
  obj <- fz_outcome(readRDS(f))
  if (!obj$ok) return("pass")
  res <- fz_outcome(predict(obj$value, d))
  if (!res$ok) {
    if (grepl("gpatlas fit|no applicable method|`newdata`|`object`|`data`", res$message)) {
      return("pass")
    }
    return(paste("unclear error:", res$message))
  }
  v <- res$value
  if (!is.matrix(v) || !identical(dimnames(v), dimnames(pred)) || !all(is.finite(v))) {
    return("malformed prediction")
  }
  if (identical(obj$value, fz_fit) && !identical(v, pred)) return("different prediction")
  "pass"
}

# The fuzz cases as catalogue cases.
fuzz_cases <- function() {
  k <- cat_case
  out <- list()
  add <- function(id, code) {
    out[[length(out) + 1L]] <<- k(id, code, ok = "identical(value, 'pass')")
  }
  for (which in c("geno", "pheno")) {
    for (mode in c("cut", "flip")) {
      for (seed in seq_len(if (mode == "cut") 20L else 40L)) {
        add(sprintf("fuzz-byxrm-gz-%s-%s-%d", which, mode, seed),
            sprintf("fuzz_byxrm('%s', '%s', %d)", which, mode, seed))
      }
      for (seed in seq_len(if (mode == "cut") 10L else 25L)) {
        add(sprintf("fuzz-byxrm-plain-%s-%s-%d", which, mode, seed),
            sprintf("fuzz_byxrm('%s', '%s', %d, form = 'plain')", which, mode, seed))
      }
      for (seed in seq_len(if (mode == "cut") 10L else 25L)) {
        add(sprintf("fuzz-csv-%s-%s-%d", which, mode, seed),
            sprintf("fuzz_csv('%s', '%s', %d)", which, mode, seed))
      }
    }
  }
  for (mode in c("cut", "flip")) {
    for (seed in seq_len(if (mode == "cut") 15L else 50L)) {
      plain_mode <- if (mode == "cut") "cut" else "flip-param"
      add(sprintf("fuzz-rds-plain-%s-%d", plain_mode, seed),
          sprintf("fuzz_rds('plain', '%s', %d)", plain_mode, seed))
      add(sprintf("fuzz-read-fit-gz-%s-%d", mode, seed),
          sprintf("fuzz_rds('gz', '%s', %d, reader = 'gp_read_fit')", mode, seed))
    }
  }
  out
}
