# Default gpatlas against a per-trait lasso on multi-parent crosses of R/qtl2's example data.
#
# Usage: [SPLITS=3] Rscript bench/qtl2_multiparent.R <cross.zip | qtl2data directory> [...]
#   e.g. SPLITS=3 Rscript bench/qtl2_multiparent.R qtl2data/ArabMAGIC/arabmagic_tair9.zip \
#          qtl2data/DO_Recla/recla.zip
# Each argument is a zip file that qtl2::read_cross2() reads, or a checkout of the qtl2data
# repository (https://github.com/rqtl/qtl2data), whose ArabMAGIC/arabmagic_tair9.zip is used.
# Results go to bench/results/qtl2_multiparent.md (overwritten) and, per split and trait, to
# bench/results/qtl2_multiparent.csv.
#
# Per cross: crosses with more than 2,000 markers are thinned to at most one marker per cM
# (qtl2::reduce_markers on the genetic map, else the physical map with 1 Mbp read as 1 cM),
# then qtl2::calc_genoprob() with its default error_prob, qtl2::genoprob_to_alleleprob(), and
# as_gp_data(cross, probs = aprobs). SPLITS random 80/20 splits (gp_split(seed = 1, 2, ...));
# per trait, on the held-out 20%:
#   (a) gpatlas(. ~ ., train, gpatlas_control(threads = 1)), the default model, on the allele
#       probabilities as probability vectors (as_gp_data()'s default input);
#   (a1) the same on the most probable founder per marker (the calls, minprob = 0.5);
#   (a2) for crosses with heterozygotes (DO): the same on the diploid genotype probabilities
#       (as_gp_data(cross, probs = genoprobs), 36 states) as probability vectors;
#   (b) glmnet::cv.glmnet lasso (alpha = 1, 10 folds, lambda.min) on the allele probabilities,
#       one column per founder and marker (the standard additive-founder-effect design): the
#       same input as (a);
#   (c) the same lasso on the one-hot of (a1)'s calls (a missing call is an all-zero block).
# Held-out R^2 is r2 = 1 - MSE / var (the variance of the test values around their own mean,
# as gp_metrics()); the csv also has the squared Pearson correlation. Covariates are not used
# by any method.
suppressPackageStartupMessages({
  library(gpatlas)
  library(qtl2)
  library(glmnet)
})
args <- commandArgs(trailingOnly = TRUE)
if (!length(args)) stop("give one or more cross zip files or a qtl2data directory")
min_cM <- 1
max_markers <- 2000
n_splits <- as.integer(Sys.getenv("SPLITS", "3"))
load_before <- paste(scan("/proc/loadavg", what = "", quiet = TRUE)[1:3], collapse = " ")
out_md <- file.path("bench", "results", "qtl2_multiparent.md")
out_csv <- file.path("bench", "results", "qtl2_multiparent.csv")

cross_file <- function(a) {
  if (dir.exists(a)) file.path(a, "ArabMAGIC", "arabmagic_tair9.zip") else a
}

held_out <- function(y, pred) {
  ok <- !is.na(y) & !is.na(pred)
  y <- y[ok]
  pred <- pred[ok]
  c(r2 = 1 - sum((y - pred)^2) / sum((y - mean(y))^2),
    cor2 = if (stats::sd(pred) > 0) stats::cor(y, pred)^2 else 0)
}

lasso_fit <- function(x_train, x_test, y, seed) {
  ok <- !is.na(y)
  set.seed(seed)
  cv <- glmnet::cv.glmnet(x_train[ok, , drop = FALSE], y[ok], alpha = 1, nfolds = 10)
  list(pred = as.numeric(stats::predict(cv, x_test, s = "lambda.min")),
       nonzero = cv$nzero[cv$index["min", 1L]])
}

# individuals x (founders * markers), founders varying fastest within a marker.
prob_design <- function(aprobs, ids) {
  do.call(cbind, lapply(aprobs, function(p) {
    p <- p[ids, , , drop = FALSE]
    d <- dim(p)
    m <- matrix(p, d[1L], d[2L] * d[3L])
    colnames(m) <- paste(rep(dimnames(p)[[3L]], each = d[2L]), dimnames(p)[[2L]], sep = "_")
    m
  }))
}

onehot_design <- function(geno, n_states) {
  out <- matrix(0, nrow(geno), ncol(geno) * n_states)
  for (j in seq_len(ncol(geno))) {
    g <- geno[, j]
    ok <- !is.na(g)
    out[cbind(which(ok), (j - 1L) * n_states + g[ok] + 1L)] <- 1
  }
  out[, colSums(out) > 0, drop = FALSE]
}

# One cross: conversion once, then each split's fits.
run_cross <- function(file) {
  t0 <- proc.time()[["elapsed"]]
  cross <- qtl2::read_cross2(file, quiet = TRUE)
  map <- if (!is.null(cross$gmap)) cross$gmap else cross$pmap
  map_kind <- if (is.null(cross$gmap) || identical(cross$gmap, cross$pmap)) {
    "physical (Mbp)"
  } else {
    "genetic (cM)"
  }
  n_all <- sum(qtl2::n_mar(cross))
  if (n_all > max_markers) {
    map <- qtl2::reduce_markers(map, min_distance = min_cM)
    cross <- qtl2::pull_markers(cross, unlist(lapply(map, names)))
  }
  gp_secs <- system.time(pr <- qtl2::calc_genoprob(cross, map, cores = 1))[["elapsed"]]
  aprobs <- qtl2::genoprob_to_alleleprob(pr, cores = 1)
  conv_secs <- system.time(
    d <- suppressMessages(as_gp_data(cross, probs = aprobs, map = map))
  )[["elapsed"]]
  dg <- if (dim(pr[[1L]])[2L] > dim(aprobs[[1L]])[2L]) {
    suppressMessages(as_gp_data(cross, probs = pr, map = map))
  }
  rm(pr)
  k <- length(d$states)
  xb_all <- prob_design(aprobs, d$ids)
  xc_all <- onehot_design(d$geno, k)
  splits <- lapply(seq_len(n_splits), function(s) {
    one_split(d, dg, xb_all, xc_all, gp_split(d, prop = 0.8, seed = s), s, basename(file))
  })
  rows <- do.call(rbind, lapply(splits, `[[`, "rows"))
  secs <- Reduce(`+`, lapply(splits, `[[`, "secs"))
  info <- list(file = basename(file), crosstype = cross$crosstype, n = nrow(d$pheno),
               n_train = splits[[1L]]$tr_n, n_test = splits[[1L]]$te_n, founders = k,
               markers_all = n_all, markers = ncol(d$geno), map_kind = map_kind,
               call_rate = mean(!is.na(d$geno)), genoprob_secs = gp_secs, conv_secs = conv_secs,
               secs = secs / n_splits, genotype_states = if (!is.null(dg)) length(dg$states),
               dropped = vapply(splits, `[[`, 0, "dropped"),
               total_secs = proc.time()[["elapsed"]] - t0)
  list(rows = rows, info = info)
}

# One 80/20 split: (a) probabilities, (a1) calls, (a2) genotype probabilities, (b), (c).
one_split <- function(d, dg, xb_all, xc_all, parts, split, label) {
  tr <- parts$train
  te <- parts$test
  ctl <- gpatlas_control(threads = 1, verbose = FALSE)
  calls <- function(x) {
    x$probs <- NULL
    x
  }
  secs <- c(a = 0, a1 = 0, a2 = 0, b = 0, c = 0)
  secs[["a"]] <- system.time(fit <- gpatlas(. ~ ., tr, ctl))[["elapsed"]]
  secs[["a1"]] <- system.time(fit1 <- gpatlas(. ~ ., calls(tr), ctl))[["elapsed"]]
  pred_a <- predict(fit, te)
  pred_a1 <- predict(fit1, calls(te))
  pred_a2 <- NULL
  if (!is.null(dg)) {
    secs[["a2"]] <- system.time(
      fit2 <- gpatlas(. ~ ., dg[parts$train_index, ], ctl)
    )[["elapsed"]]
    pred_a2 <- predict(fit2, dg[parts$test_index, ])
  }
  traits <- colnames(d$pheno)
  rows <- lapply(seq_along(traits), function(i) {
    y_tr <- tr$pheno[, i]
    y_te <- te$pheno[, i]
    secs[["b"]] <<- secs[["b"]] + system.time(
      fb <- lasso_fit(xb_all[parts$train_index, ], xb_all[parts$test_index, ], y_tr, i)
    )[["elapsed"]]
    secs[["c"]] <<- secs[["c"]] + system.time(
      fc <- lasso_fit(xc_all[parts$train_index, ], xc_all[parts$test_index, ], y_tr, i)
    )[["elapsed"]]
    h <- function(pred) if (is.null(pred)) c(r2 = NA, cor2 = NA) else held_out(y_te, pred)
    ha <- h(pred_a[, i])
    ha1 <- h(pred_a1[, i])
    ha2 <- h(if (!is.null(pred_a2)) pred_a2[, i])
    hb <- h(fb$pred)
    hc <- h(fc$pred)
    data.frame(cross = label, split = split, trait = traits[i], n_train = sum(!is.na(y_tr)),
               n_test = sum(!is.na(y_te)), gpatlas_r2 = ha[["r2"]], calls_r2 = ha1[["r2"]],
               genoprob_r2 = ha2[["r2"]], lasso_prob_r2 = hb[["r2"]],
               lasso_calls_r2 = hc[["r2"]], gpatlas_cor2 = ha[["cor2"]],
               calls_cor2 = ha1[["cor2"]], genoprob_cor2 = ha2[["cor2"]],
               lasso_prob_cor2 = hb[["cor2"]], lasso_calls_cor2 = hc[["cor2"]],
               lasso_prob_nonzero = fb$nonzero, stringsAsFactors = FALSE)
  })
  dropped <- if (!is.null(fit$network_check)) sum(fit$network_check$action == "dropped") else 0
  list(rows = do.call(rbind, rows), secs = secs, tr_n = nrow(tr$pheno), te_n = nrow(te$pheno),
       dropped = dropped)
}

fmt <- function(x) formatC(x, format = "f", digits = 3)

cols <- c("gpatlas_r2", "calls_r2", "genoprob_r2", "lasso_prob_r2", "lasso_calls_r2")

report_cross <- function(r) {
  i <- r$info
  t <- r$rows
  cell <- function(v) ifelse(is.na(v), "-", fmt(v))
  # Per trait: the mean over splits of each method's held-out r2.
  per_trait <- stats::aggregate(t[cols], t["trait"], mean)
  per_trait <- per_trait[match(unique(t$trait), per_trait$trait), ]
  body <- vapply(seq_len(nrow(per_trait)), function(r) {
    paste(c(per_trait$trait[r], cell(unlist(per_trait[r, cols]))), collapse = " | ")
  }, "")
  # Per split: each method's median over traits.
  by_split <- stats::aggregate(t[cols], t["split"], stats::median)
  split_rows <- vapply(seq_len(nrow(by_split)), function(r) {
    paste(c(sprintf("median, split %d", by_split$split[r]),
            cell(unlist(by_split[r, cols]))), collapse = " | ")
  }, "")
  meds <- vapply(cols, function(cl) cell(mean(by_split[[cl]])), "")
  tab <- c("| trait | (a) probs | (a1) calls | (a2) genotype probs | (b) lasso probs | (c) lasso calls |",
           "|---|---:|---:|---:|---:|---:|",
           paste0("| ", body, " |"), paste0("| ", split_rows, " |"),
           paste0("| **mean of split medians** | ", paste0("**", meds, "**", collapse = " | "),
                  " |"))
  wins <- sum(per_trait$gpatlas_r2 > per_trait$lasso_prob_r2)
  p <- stats::wilcox.test(t$gpatlas_r2, t$lasso_prob_r2, paired = TRUE, exact = FALSE)$p.value
  wins_calls <- sum(per_trait$gpatlas_r2 > per_trait$calls_r2)
  c(sprintf("## %s (crosstype %s)", i$file, i$crosstype), "",
    sprintf(paste0("%d individuals with genotypes and a phenotype (%d test per split, %d ",
                   "splits); %d of %d markers kept (%s map); %d founder states; call rate of ",
                   "the most probable founder at minprob 0.5: %s."),
            i$n, i$te_n, n_splits, i$markers, i$markers_all, i$map_kind, i$founders,
            fmt(i$call_rate)),
    sprintf(paste0("Times (s, elapsed, 1 thread): calc_genoprob %.1f; as_gp_data %.1f; per split: ",
                   "(a) fit %.1f, (a1) %.1f, (a2) %.1f, (b) cv.glmnet all traits %.1f, (c) %.1f; ",
                   "whole cross %.1f."),
            i$genoprob_secs, i$conv_secs, i$secs[["a"]], i$secs[["a1"]], i$secs[["a2"]],
            i$secs[["b"]], i$secs[["c"]], i$total_secs),
    sprintf("Networks dropped to the additive path by the fit's checks in (a), per split: %s.",
            paste(i$dropped, collapse = ", ")),
    if (!is.null(i$genotype_states)) {
      sprintf("(a2) takes the %d diploid genotype states as probability vectors.",
              i$genotype_states)
    },
    "", "Held-out r2 (mean over splits per trait):", "", tab, "",
    sprintf(paste0("(a) beats (b) on %d of %d traits (mean over splits; paired Wilcoxon over ",
                   "trait x split, p = %.3g); (a) beats (a1) on %d of %d."),
            wins, nrow(per_trait), p, wins_calls, nrow(per_trait)),
    "")
}

results <- lapply(vapply(args, cross_file, ""), run_cross)
all_rows <- do.call(rbind, lapply(results, `[[`, "rows"))
utils::write.csv(all_rows, out_csv, row.names = FALSE)
header <- c(
  "# Multi-parent crosses: default gpatlas against a per-trait lasso", "",
  sprintf(paste0("`SPLITS=", n_splits, " Rscript bench/qtl2_multiparent.R %s`, %s UTC; machine: 2 cores (shared), ",
                 "load before %s; gpatlas %s, qtl2 %s, glmnet %s."),
          paste(basename(args), collapse = " "), format(Sys.time(), "%Y-%m-%d %H:%M", tz = "UTC"),
          load_before, as.character(packageVersion("gpatlas")),
          as.character(packageVersion("qtl2")), as.character(packageVersion("glmnet"))),
  sprintf("Load after: %s.", paste(scan("/proc/loadavg", what = "", quiet = TRUE)[1:3],
                                    collapse = " ")),
  "", paste0("r2 = 1 - MSE / var on the held-out individuals (variance around their own mean). ",
             "(a) default gpatlas on the allele probabilities as probability vectors (the ",
             "default of as_gp_data()); (a1) default gpatlas on the most probable founder per ",
             "marker (input = \"calls\"); (a2), for crosses with heterozygotes, default gpatlas ",
             "on the diploid genotype probabilities as probability vectors; (b) cv.glmnet lasso ",
             "on the allele probabilities (the same input as (a)); (c) the same lasso on the ",
             "one-hot of (a1)'s calls. Per split and trait (with squared correlations) in ",
             "bench/results/qtl2_multiparent.csv."),
  "")
writeLines(c(header, unlist(lapply(results, report_cross))), out_md)
cat(readLines(out_md), sep = "\n")
