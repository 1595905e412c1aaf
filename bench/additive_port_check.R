# The additive path of the installed package (C++, src/core/additive.cpp) against the R
# implementation of a reference build, on the yeast cross (sequential split, default settings:
# elastic net alpha 0.5, fold averaging, 20-locus pair terms):
#  1. the same folds: the current build's folds for seed 1 injected into the reference build's
#     additive_fit() (its fold draw replaced); coefficients, out-of-fold predictions, lambdas and
#     pair terms must agree;
#  2. the spread over fold draws: held-out median R^2 of the additive path alone for seeds
#     1..S in each build (the two builds draw folds from different generators).
# Usage: Rscript bench/additive_port_check.R REFERENCE_LIB [seeds] [data_dir]
#   REFERENCE_LIB: an R library with the reference build (see bench/core_model_seeds.R; commit
#   1fb2934 fits the additive path in R).
# Writes bench/results/additive_port_check.txt.
args <- commandArgs(trailingOnly = TRUE)
if (!length(args)) stop("usage: Rscript bench/additive_port_check.R REFERENCE_LIB [seeds] [data_dir]")
ref_lib <- normalizePath(args[1])
n_seeds <- if (length(args) > 1) as.integer(args[2]) else 6L
dir <- normalizePath(if (length(args) > 2) args[3] else
  Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm"))
work <- tempfile("port")
dir.create(work)

common <- c(
  "suppressPackageStartupMessages(library(gpatlas))",
  "a <- commandArgs(trailingOnly = TRUE)",
  "parts <- gp_split(read_byxrm(a[1]), prop = 0.8, method = 'sequential')",
  "y <- parts$train$pheno; mu <- colMeans(y, na.rm = TRUE); s <- apply(y, 2, sd, na.rm = TRUE)",
  "ys <- sweep(sweep(y, 2, mu), 2, s, '/')",
  "g <- parts$train$geno; storage.mode(g) <- 'integer'",
  "gt <- parts$test$geno; storage.mode(gt) <- 'integer'",
  "fit <- function(seed, f = gpatlas:::additive_fit) f(ys, g, 2L, nfolds = 5L, seed = seed,",
  "  threads = 1L, pair_top = 20L, alpha = 0.5, average = TRUE)",
  "held_out <- function(add) {",
  "  p <- sweep(sweep(gpatlas:::additive_predict(add, gt, 2L), 2, s, '*'), 2, mu, '+')",
  "  r2 <- gpatlas:::metrics_table(parts$test$pheno, p)$per_phenotype$r2",
  "  stats::median(r2, na.rm = TRUE)",
  "}",
  "seeds <- seq_len(as.integer(a[3]))",
  "r2 <- vapply(seeds, function(k) held_out(fit(k)), 0)",
  "saveRDS(list(r2 = r2, lib = dirname(system.file(package = 'gpatlas'))), file.path(a[2], paste0(a[4], '.rds')))"
)
current <- file.path(work, "current.R")
writeLines(c(common, "saveRDS(list(ys = ys, g = g, add = fit(1L)), file.path(a[2], 'same.rds'))"),
           current)
reference <- file.path(work, "reference.R")
writeLines(c(common,
  "d <- readRDS(file.path(a[2], 'same.rds'))",
  "f <- gpatlas:::additive_fit",
  "b <- body(f)",
  "k <- which(vapply(as.list(b), function(e) any(grepl('with_rng_seed(seed, sample',",
  "  deparse(e), fixed = TRUE)), NA))",
  "stopifnot(length(k) == 1)",
  "b[[k]] <- quote(folds <- FOLDS)",
  "body(f) <- b",
  "environment(f) <- list2env(list(FOLDS = d$add$folds), parent = asNamespace('gpatlas'))",
  "old <- fit(1L, f)",
  "new <- d$add",
  "saveRDS(c(intercept = max(abs(old$intercept - new$intercept)),",
  "  coef = max(abs(old$coef - unname(new$coef))),",
  "  oof = max(abs(old$oof - new$oof), na.rm = TRUE),",
  "  lambda = max(abs(old$lambda - new$lambda)),",
  "  pairs_old = nrow(old$pairs), pairs_new = nrow(new$pairs),",
  "  pair_weight = if (nrow(old$pairs) == nrow(new$pairs)) max(abs(old$pairs$weight - new$pairs$weight)) else NA),",
  "  file.path(a[2], 'diff.rds'))"), reference)

stopifnot(system2("Rscript", c(current, shQuote(dir), work, n_seeds, "current")) == 0)
stopifnot(system2("Rscript", c(reference, shQuote(dir), work, n_seeds, "reference"),
                  env = paste0("R_LIBS=", ref_lib)) == 0)
cur <- readRDS(file.path(work, "current.rds"))
ref <- readRDS(file.path(work, "reference.rds"))
stopifnot(startsWith(ref$lib, ref_lib), !startsWith(cur$lib, ref_lib))
diff <- readRDS(file.path(work, "diff.rds"))
w <- stats::wilcox.test(cur$r2, ref$r2)
out <- c(sprintf("# bench/additive_port_check.R, %d processors, load %s, %s",
                 parallel::detectCores(), paste(readLines("/proc/loadavg", warn = FALSE)),
                 format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")),
         sprintf("# reference library: %s", ref_lib),
         "same folds (current seed 1 injected into the reference): largest absolute differences",
         capture.output(print(signif(diff, 3))), "",
         "held-out median R^2 of the additive path alone, by fold seed",
         capture.output(print(data.frame(seed = seq_len(n_seeds), current = round(cur$r2, 4),
                                         reference = round(ref$r2, 4)), row.names = FALSE)),
         sprintf("mean: current %.4f, reference %.4f; range: current %.4f-%.4f, reference %.4f-%.4f",
                 mean(cur$r2), mean(ref$r2), min(cur$r2), max(cur$r2), min(ref$r2), max(ref$r2)),
         sprintf("Wilcoxon rank-sum (two fold generators, same distribution?): p = %.2g", w$p.value))
dir.create("bench/results", showWarnings = FALSE)
writeLines(out, "bench/results/additive_port_check.txt")
writeLines(out)
