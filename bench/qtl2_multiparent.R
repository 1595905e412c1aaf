# Default gpatlas against a per-trait lasso on multi-parent crosses of R/qtl2's example data.
#
# Usage: Rscript bench/qtl2_multiparent.R <cross.zip | qtl2data directory> [...]
#   e.g. Rscript bench/qtl2_multiparent.R qtl2data/ArabMAGIC/arabmagic_tair9.zip \
#          qtl2data/DO_Recla/recla.zip
# Each argument is a zip file that qtl2::read_cross2() reads, or a checkout of the qtl2data
# repository (https://github.com/rqtl/qtl2data), whose ArabMAGIC/arabmagic_tair9.zip is used.
# Results go to bench/results/qtl2_multiparent.md (overwritten) and, per trait, to
# bench/results/qtl2_multiparent.csv.
#
# Per cross: crosses with more than 2,000 markers are thinned to at most one marker per cM
# (qtl2::reduce_markers on the genetic map, else the physical map with 1 Mbp read as 1 cM),
# then qtl2::calc_genoprob() with its
# default error_prob, qtl2::genoprob_to_alleleprob(), as_gp_data(cross, probs = aprobs)
# (default minprob = 0.5: each allele probability vector enters as its most probable founder).
# One random 80/20 split (gp_split(seed = 1)); per trait, on the held-out 20%:
#   (a) gpatlas(. ~ ., train, gpatlas_control(threads = 1)), the default model;
#   (b) glmnet::cv.glmnet lasso (alpha = 1, 10 folds, lambda.min) on the allele probabilities,
#       one column per founder and marker (the standard additive-founder-effect design);
#   (c) the same lasso on the one-hot of the hard calls that (a) was given (a missing call is an
#       all-zero block, as in the networks);
#   (a2) for crosses with heterozygotes (DO): default gpatlas on the genotype probabilities
#       (as_gp_data(cross, probs = genoprobs): the most probable of the 36 diploid genotypes),
#       because an allele probability of a heterozygote is about 1/2 and often misses minprob.
# Held-out R^2 is given two ways: r2 = 1 - MSE / var (the variance of the test values around
# their own mean, as gp_metrics()) and cor2 = squared Pearson correlation. Covariates are not
# used by any method.
suppressPackageStartupMessages({
  library(gpatlas)
  library(qtl2)
  library(glmnet)
})
args <- commandArgs(trailingOnly = TRUE)
if (!length(args)) stop("give one or more cross zip files or a qtl2data directory")
min_cM <- 1
max_markers <- 2000
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
  d <- suppressMessages(as_gp_data(cross, probs = aprobs, map = map))
  parts <- gp_split(d, prop = 0.8, seed = 1)
  a2 <- genoprob_fit(cross, pr, aprobs, map, parts)
  rm(pr)
  tr <- parts$train
  te <- parts$test
  a_secs <- system.time(
    fit <- gpatlas(. ~ ., tr, gpatlas_control(threads = 1, verbose = FALSE))
  )[["elapsed"]]
  pred_a <- predict(fit, te)
  xb_tr <- prob_design(aprobs, tr$ids)
  xb_te <- prob_design(aprobs, te$ids)
  k <- length(d$states)
  xc_all <- onehot_design(d$geno, k)
  xc_tr <- xc_all[parts$train_index, , drop = FALSE]
  xc_te <- xc_all[parts$test_index, , drop = FALSE]
  traits <- colnames(d$pheno)
  b_secs <- c_secs <- 0
  rows <- lapply(seq_along(traits), function(i) {
    y_tr <- tr$pheno[, i]
    y_te <- te$pheno[, i]
    b_secs <<- b_secs + system.time(fb <- lasso_fit(xb_tr, xb_te, y_tr, i))[["elapsed"]]
    c_secs <<- c_secs + system.time(fc <- lasso_fit(xc_tr, xc_te, y_tr, i))[["elapsed"]]
    ha <- held_out(y_te, pred_a[, traits[i]])
    ha2 <- if (is.null(a2)) c(r2 = NA, cor2 = NA) else held_out(y_te, a2$pred[, traits[i]])
    hb <- held_out(y_te, fb$pred)
    hc <- held_out(y_te, fc$pred)
    data.frame(cross = basename(file), trait = traits[i], n_train = sum(!is.na(y_tr)),
               n_test = sum(!is.na(y_te)), gpatlas_r2 = ha[["r2"]], lasso_prob_r2 = hb[["r2"]],
               lasso_calls_r2 = hc[["r2"]], gpatlas_cor2 = ha[["cor2"]],
               lasso_prob_cor2 = hb[["cor2"]], lasso_calls_cor2 = hc[["cor2"]],
               lasso_prob_nonzero = fb$nonzero, lasso_calls_nonzero = fc$nonzero,
               gpatlas_genoprob_r2 = ha2[["r2"]], gpatlas_genoprob_cor2 = ha2[["cor2"]],
               stringsAsFactors = FALSE)
  })
  rows <- do.call(rbind, rows)
  info <- list(file = basename(file), crosstype = cross$crosstype, n = nrow(d$pheno),
               n_train = nrow(tr$pheno), n_test = nrow(te$pheno), founders = k,
               markers_all = n_all, markers = ncol(d$geno), map_kind = map_kind,
               call_rate = mean(!is.na(d$geno)), genoprob_secs = gp_secs, a_secs = a_secs,
               b_secs = b_secs, c_secs = c_secs, a2 = a2[c("secs", "call_rate", "states")],
               additive_only = if (!is.null(fit$network_check)) {
                 sum(fit$network_check$action == "dropped")
               },
               total_secs = proc.time()[["elapsed"]] - t0)
  list(rows = rows, info = info)
}

# (a2) for crosses with heterozygotes (more genotype than allele states): default gpatlas on
# the most probable diploid genotype (as_gp_data(cross, probs = genotype probabilities)).
genoprob_fit <- function(cross, pr, aprobs, map, parts) {
  if (dim(pr[[1L]])[2L] <= dim(aprobs[[1L]])[2L]) return(NULL)
  dg <- suppressMessages(as_gp_data(cross, probs = pr, map = map))
  stopifnot(identical(dg$ids, c(parts$train$ids, parts$test$ids)[order(c(parts$train_index,
                                                                        parts$test_index))]))
  secs <- system.time(
    fit <- gpatlas(. ~ ., dg[parts$train_index, ], gpatlas_control(threads = 1, verbose = FALSE))
  )[["elapsed"]]
  list(pred = predict(fit, dg[parts$test_index, ]), secs = secs,
       call_rate = mean(!is.na(dg$geno)), states = length(dg$states))
}

fmt <- function(x) formatC(x, format = "f", digits = 3)

report_cross <- function(r) {
  i <- r$info
  t <- r$rows
  wins_r2 <- sum(t$gpatlas_r2 > t$lasso_prob_r2)
  wins_c2 <- sum(t$gpatlas_cor2 > t$lasso_prob_cor2)
  p_r2 <- stats::wilcox.test(t$gpatlas_r2, t$lasso_prob_r2, paired = TRUE, exact = FALSE)$p.value
  p_c2 <- stats::wilcox.test(t$gpatlas_cor2, t$lasso_prob_cor2, paired = TRUE,
                             exact = FALSE)$p.value
  cols <- c("gpatlas_r2", "gpatlas_genoprob_r2", "lasso_prob_r2", "lasso_calls_r2",
            "gpatlas_cor2", "gpatlas_genoprob_cor2", "lasso_prob_cor2", "lasso_calls_cor2")
  cell <- function(v) ifelse(is.na(v), "-", fmt(v))
  body <- vapply(seq_len(nrow(t)), function(r) {
    paste(c(t$trait[r], t$n_test[r], cell(unlist(t[r, cols]))), collapse = " | ")
  }, "")
  meds <- vapply(cols, function(cl) cell(stats::median(t[[cl]])), "")
  tab <- c(paste("| trait | n test | (a) r2 | (a2) r2 | (b) r2 | (c) r2 | (a) cor2 | (a2) cor2",
                 "| (b) cor2 | (c) cor2 |"),
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
           paste0("| ", body, " |"),
           paste0("| **median** | | ", paste0("**", meds, "**", collapse = " | "), " |"))
  c(sprintf("## %s (crosstype %s)", i$file, i$crosstype), "",
    sprintf(paste0("%d individuals with genotypes and a phenotype (%d train, %d test); %d of %d ",
                   "markers kept (%s map); %d founder states; call rate at minprob 0.5: %s."),
            i$n, i$n_train, i$n_test, i$markers, i$markers_all, i$map_kind, i$founders,
            fmt(i$call_rate)),
    sprintf(paste0("Times (s, elapsed, 1 thread): calc_genoprob %.1f; (a) gpatlas fit %.1f; ",
                   "(b) cv.glmnet, all traits %.1f; (c) %.1f; whole cross %.1f."),
            i$genoprob_secs, i$a_secs, i$b_secs, i$c_secs, i$total_secs),
    if (!is.null(i$additive_only)) {
      sprintf("Networks dropped to the additive path by the fit's checks: %d.", i$additive_only)
    },
    if (!is.null(i$a2)) {
      sprintf(paste0("(a2) default gpatlas on the most probable genotype (%d states, call rate ",
                     "%s): fit %.1f s; median r2 %s, median cor2 %s (per trait in the csv)."),
              i$a2$states, fmt(i$a2$call_rate), i$a2$secs, fmt(median(t$gpatlas_genoprob_r2)),
              fmt(median(t$gpatlas_genoprob_cor2)))
    },
    "", tab, "",
    sprintf(paste0("(a) beats (b) on %d of %d traits by r2 (paired Wilcoxon p = %.3g) and on %d ",
                   "of %d by cor2 (p = %.3g)."), wins_r2, nrow(t), p_r2, wins_c2, nrow(t), p_c2),
    if (!is.null(i$a2)) {
      sprintf("(a2) beats (b) on %d of %d traits by r2 (paired Wilcoxon p = %.3g).",
              sum(t$gpatlas_genoprob_r2 > t$lasso_prob_r2), nrow(t),
              stats::wilcox.test(t$gpatlas_genoprob_r2, t$lasso_prob_r2, paired = TRUE,
                                 exact = FALSE)$p.value)
    },
    "")
}

results <- lapply(vapply(args, cross_file, ""), run_cross)
all_rows <- do.call(rbind, lapply(results, `[[`, "rows"))
utils::write.csv(all_rows, out_csv, row.names = FALSE)
header <- c(
  "# Multi-parent crosses: default gpatlas against a per-trait lasso", "",
  sprintf(paste0("`Rscript bench/qtl2_multiparent.R %s`, %s UTC; machine: 2 cores (shared), ",
                 "load before %s; gpatlas %s, qtl2 %s, glmnet %s."),
          paste(basename(args), collapse = " "), format(Sys.time(), "%Y-%m-%d %H:%M", tz = "UTC"),
          load_before, as.character(packageVersion("gpatlas")),
          as.character(packageVersion("qtl2")), as.character(packageVersion("glmnet"))),
  sprintf("Load after: %s.", paste(scan("/proc/loadavg", what = "", quiet = TRUE)[1:3],
                                    collapse = " ")),
  "", paste0("r2 = 1 - MSE / var on the held-out individuals (variance around their own mean); ",
             "cor2 = squared Pearson correlation of prediction and value. (a) default gpatlas ",
             "on the most probable founder per marker; (b) cv.glmnet lasso on the allele ",
             "probabilities; (c) the same lasso on the one-hot of (a)'s calls; (a2), for ",
             "crosses with heterozygotes, default gpatlas on the most probable diploid ",
             "genotype instead. Per-trait values also in bench/results/qtl2_multiparent.csv."),
  "")
writeLines(c(header, unlist(lapply(results, report_cross))), out_md)
cat(readLines(out_md), sep = "\n")
