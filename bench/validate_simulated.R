# Validation on real truth: the publication's released simulated data and live-epistasis data.
#
# Usage (from the package root, after installing the package):
#   Rscript bench/validate_simulated.R [epochs_publication]
# Without epochs_publication, publication_simulated runs with its preset's epochs per stage.
#
# Two data sets, both split as the publication splits (individuals 1-480 train, 481-600 test):
#   released  the publication's own data (gpatlas_sim; almost purely additive, 1 live pair)
#   live      gp_simulate(seed = 1, epistasis = "live", epistasis_var = 0.3): the publication's
#             generator with every interaction pair live, carrying 30% of each trait's variance
# Three models on each: gpatlas preset "default", preset "publication_simulated" (the preset's epochs
# per stage unless given), and a per-trait lasso (cv.glmnet on one-hot alleles, lambda.min) as
# the reference. Reported per model: held-out G->P (and P->P) median R^2, r and MAPE, against
# the publication's own per-trait results (gpatlas_sim_published); allele importance ROC AUC
# and causal loci at 1% FPR scored as the publication scores them (an allele is causal when
# its weight is non-zero in any trait; allele score = mean over test individuals of the
# squared ablation statistic; a causal locus is found when its best allele scores above the
# allele-level threshold at 1% FPR); the kurtosis test and VIDA ROC AUC with interacting =
# the alleles of live pairs only, among causal alleles (alleles VIDA leaves unscored rank last).
# Writes bench/results/validate_simulated.txt and bench/results/validate_simulated_per_trait.csv.
suppressPackageStartupMessages({
  library(gpatlas)
  library(glmnet)
})
args <- commandArgs(trailingOnly = TRUE)
epochs_arg <- if (length(args) >= 1) as.integer(args[1])  # NULL: the preset's own
epochs_pub <- gpatlas_control("publication_simulated", epochs_pheno = epochs_arg,
                              threads = 1L)$epochs_pheno
threads <- as.integer(Sys.getenv("GPATLAS_BENCH_THREADS", "1"))  # tiny networks: 1 thread is fastest
smoke <- nzchar(Sys.getenv("GPATLAS_BENCH_SMOKE"))  # a quick check of the script itself
t_start <- Sys.time()

datasets <- list(
  released = gpatlas_sim,
  live = gp_simulate(seed = 1, epistasis = "live", epistasis_var = 0.3)
)

# Truth labels over the importance features (locus-major, alleles 0..A-1 within a locus).
truth_labels <- function(d) {
  A <- d$n_alleles
  L <- ncol(d$geno)
  causal_allele <- as.vector(t(apply(d$truth$weights != 0, c(1, 2), any)))
  ia <- d$truth$interactions
  ia <- ia[ia$live, , drop = FALSE]
  inter_idx <- unique(c((ia$locus1 - 1L) * A + ia$allele + 1L,
                        (ia$locus2 - 1L) * A + ia$allele + 1L))
  list(causal_allele = causal_allele, locus_of = rep(seq_len(L), each = A),
       causal_locus = seq_len(L) %in% d$truth$causal_loci,
       interacting = seq_len(L * A) %in% inter_idx, n_loci = L)
}

# Allele AUC and causal loci at 1% FPR, as the publication scores them.
discovery <- function(allele_score, lab) {
  roc <- gp_roc(allele_score, lab$causal_allele, fpr = 0.01)
  best <- tapply(allele_score, lab$locus_of, max)
  found <- sum(best[lab$causal_locus] > roc$threshold_at_fpr)
  list(auc = roc$auc, found = found, n_causal = sum(lab$causal_locus))
}

# Kurtosis of the non-zero per-individual statistics of interacting vs other causal alleles,
# and the VIDA ROC AUC for interacting among causal alleles.
interaction_figures <- function(mat, lab) {
  vals <- function(keep) {
    v <- mat[, keep, drop = FALSE]
    v[v != 0]
  }
  others <- lab$causal_allele & !lab$interacting
  kt <- tryCatch(gp_kurtosis_test(vals(lab$interacting), vals(others), n_boot = 2000, seed = 1),
                 error = function(e) NULL)
  vida <- gp_vida(mat, verbose = FALSE, threads = threads)
  # Alleles VIDA cannot score (fewer than 3 individuals with an extreme z-score) rank last.
  vs <- vida$scores$vida_score
  low <- if (any(is.finite(vs))) min(vs[is.finite(vs)]) - 1 else 0
  vs[!is.finite(vs)] <- low
  ok <- lab$causal_allele
  vroc <- if (sum(lab$interacting[ok]) > 0 && sum(!lab$interacting[ok]) > 0) {
    gp_roc(vs[ok], lab$interacting[ok])
  }
  list(kurt_inter = if (is.null(kt)) NA else kt$kurtosis_x,
       kurt_other = if (is.null(kt)) NA else kt$kurtosis_y,
       kurt_p = if (is.null(kt)) NA else kt$p_value,
       vida_auc = if (is.null(vroc)) NA else vroc$auc,
       vida_n = sum(lab$interacting[ok]))
}

# Per-trait lasso on one-hot alleles; importance with the same two statistics as
# gp_importance(): "prediction" (RMS change of the standardized predictions) and "mse" (change
# in the mean squared error over the standardized traits).
fit_lasso <- function(train, test) {
  A <- train$n_alleles
  onehot <- function(g) {
    n <- nrow(g)
    j <- as.vector(t((col(g) - 1L) * A + g + 1L))
    Matrix::sparseMatrix(i = rep(seq_len(n), each = ncol(g)), j = j, x = 1,
                         dims = c(n, ncol(g) * A))
  }
  xtr <- onehot(train$geno)
  xte <- onehot(test$geno)
  m <- ncol(train$pheno)
  beta <- matrix(0, ncol(xtr), m)
  pred <- matrix(0, nrow(xte), m, dimnames = list(rownames(test$pheno), colnames(test$pheno)))
  for (t in seq_len(m)) {
    cv <- cv.glmnet(xtr, train$pheno[, t], alpha = 1, nfolds = 10)
    b <- as.vector(stats::coef(cv, s = "lambda.min"))
    beta[, t] <- b[-1]
    pred[, t] <- as.vector(xte %*% b[-1]) + b[1]
  }
  sds <- apply(train$pheno, 2, stats::sd)
  bz <- sweep(beta, 2, sds, `/`)
  rz <- sweep(test$pheno - pred, 2, sds, `/`)
  xm <- as.matrix(xte)
  # prediction statistic: carriers of allele j lose beta_tj in every trait
  stat_pred <- sweep(xm, 2, sqrt(rowMeans(bz^2)), `*`)
  # mse statistic: the residual of trait t grows by beta_tj for carriers
  # exact per-individual mean over traits of (r + b)^2 - r^2 = 2 r b + b^2
  stat_mse <- xm * ((2 * rz %*% t(bz)) / m + matrix(rowMeans(bz^2), nrow(xm), ncol(xm), byrow = TRUE))
  list(pred = pred, stat = list(prediction = stat_pred, mse = stat_mse))
}

rows <- list()
per_trait <- list()
for (dn in names(datasets)) {
  d <- datasets[[dn]]
  parts <- gp_split(d, 0.8, method = "sequential")
  lab <- truth_labels(d)
  controls <- list(
    default = if (smoke) {
      gpatlas_control(epochs_pheno = 2, epochs_geno = 2, n_seeds = 1, threads = threads,
                      verbose = FALSE, seed = 1)
    } else {
      gpatlas_control(threads = threads, verbose = FALSE, seed = 1)
    },
    publication_simulated = gpatlas_control("publication_simulated", epochs_pheno = epochs_arg,
                                            epochs_geno = epochs_arg, threads = threads,
                                            verbose = FALSE, seed = 1)
  )
  for (pn in names(controls)) {
    secs <- system.time(fit <- gpatlas(. ~ ., parts$train, controls[[pn]]))[["elapsed"]]
    gp <- gp_metrics(fit, parts$test, from = "genotype")$per_phenotype
    pp <- gp_metrics(fit, parts$test, from = "phenotype")$per_phenotype
    per_trait[[length(per_trait) + 1L]] <- data.frame(
      data = dn, model = pn, trait = gp$trait, gp_r2 = gp$r2, gp_r = gp$pearson_r,
      gp_mape = gp$mape, pp_r2 = pp$r2, pp_r = pp$pearson_r, pp_mape = pp$mape)
    for (st in c("mse", "prediction")) {
      imp <- gp_importance(fit, parts$test, statistic = st, verbose = FALSE)
      disc <- discovery(imp$features$importance, lab)
      inter <- interaction_figures(imp$matrix, lab)
      rows[[length(rows) + 1L]] <- data.frame(
        data = dn, model = pn, statistic = st, seconds = secs,
        gp_r2 = median(gp$r2), gp_r = median(gp$pearson_r), gp_mape = median(gp$mape),
        pp_r2 = median(pp$r2), pp_r = median(pp$pearson_r), pp_mape = median(pp$mape),
        allele_auc = disc$auc, loci_found = disc$found, n_causal_loci = disc$n_causal,
        inter)
    }
    cat(sprintf("[%s] %s/%s done (%.0f s fit)\n", format(Sys.time(), "%H:%M:%S"), dn, pn, secs))
  }
  secs <- system.time(las <- fit_lasso(parts$train, parts$test))[["elapsed"]]
  gp <- gp_metrics(las$pred, parts$test$pheno)$per_phenotype
  per_trait[[length(per_trait) + 1L]] <- data.frame(
    data = dn, model = "lasso", trait = gp$trait, gp_r2 = gp$r2, gp_r = gp$pearson_r,
    gp_mape = gp$mape, pp_r2 = NA, pp_r = NA, pp_mape = NA)
  for (st in c("mse", "prediction")) {
    mat <- las$stat[[st]]
    disc <- discovery(colMeans(mat^2), lab)
    inter <- interaction_figures(mat, lab)
    rows[[length(rows) + 1L]] <- data.frame(
      data = dn, model = "lasso", statistic = st, seconds = secs,
      gp_r2 = median(gp$r2), gp_r = median(gp$pearson_r), gp_mape = median(gp$mape),
      pp_r2 = NA, pp_r = NA, pp_mape = NA,
      allele_auc = disc$auc, loci_found = disc$found, n_causal_loci = disc$n_causal, inter)
  }
  cat(sprintf("[%s] %s/lasso done (%.0f s)\n", format(Sys.time(), "%H:%M:%S"), dn, secs))
}
res <- do.call(rbind, rows)
pt <- do.call(rbind, per_trait)
pub <- gpatlas_sim_published

fmt <- function(x, d = 3) ifelse(is.na(x), "-", formatC(x, format = "f", digits = d))
tab <- data.frame(
  data = res$data, model = res$model, stat = res$statistic, fit_s = fmt(res$seconds, 0),
  `GP_R2` = fmt(res$gp_r2), `GP_r` = fmt(res$gp_r), `GP_MAPE` = fmt(res$gp_mape, 2),
  `PP_R2` = fmt(res$pp_r2), `PP_r` = fmt(res$pp_r), allele_AUC = fmt(res$allele_auc),
  `loci_1pctFPR` = paste0(res$loci_found, "/", res$n_causal_loci),
  kurt_inter = fmt(res$kurt_inter, 2), kurt_other = fmt(res$kurt_other, 2),
  kurt_p = fmt(res$kurt_p, 4), VIDA_AUC = fmt(res$vida_auc), n_inter = res$vida_n,
  check.names = FALSE)
pub_row <- sprintf(paste(
  "publication's G-P Atlas on the released data (its own test set): G->P median R^2 %.3f,",
  "r %.3f, MAPE %.2f; P->P median R^2 %.3f, r %.3f, MAPE %.2f; allele AUC 0.92,",
  "179/185 loci at 1%% FPR; VIDA AUC 0.64"),
  median(pub$gp_r2), median(pub$gp_pearson_r), median(pub$gp_mape), median(pub$pp_r2),
  median(pub$pp_pearson_r), median(pub$pp_mape))

# Per-trait agreement with the publication on the released data.
agree <- vapply(c("default", "publication_simulated"), function(pn) {
  x <- pt[pt$data == "released" & pt$model == pn, ]
  x <- x[match(pub$trait, x$trait), ]
  c(cor_gp_r = stats::cor(x$gp_r, pub$gp_pearson_r),
    mean_diff_gp_r = mean(x$gp_r - pub$gp_pearson_r),
    mean_diff_pp_r = mean(x$pp_r - pub$pp_pearson_r),
    mean_diff_gp_mape = mean(x$gp_mape - pub$gp_mape))
}, numeric(4))

lines <- c(
  sprintf("%s; epochs per stage for publication_simulated: %d; total %.1f min",
          format(Sys.time(), "%Y-%m-%d %H:%M"), epochs_pub,
          as.numeric(difftime(Sys.time(), t_start, units = "mins"))),
  "Split 1-480 train / 481-600 test. Medians over the 30 traits. 'stat': the ablation statistic",
  "(mse = the publication's change in MSE; prediction = the package default). Interacting =",
  "alleles of live pairs only (released: 2 alleles of 1 live pair; live: every pair).",
  "",
  capture.output(print(tab, row.names = FALSE)),
  "",
  pub_row,
  "",
  "Per-trait agreement with the publication on the released data (this run minus publication):",
  capture.output(print(round(agree, 3))),
  "",
  "Targets (publication_simulated on the released data): G->P median r >= 0.60, P->P median r >= 0.97:",
  {
    x <- res[res$data == "released" & res$model == "publication_simulated" & res$statistic == "mse", ]
    sprintf("  G->P median r %.3f (%s), P->P median r %.3f (%s)",
            x$gp_r, if (x$gp_r >= 0.60) "met" else "not met",
            x$pp_r, if (x$pp_r >= 0.97) "met" else "not met")
  }
)
dir.create("bench/results", showWarnings = FALSE)
writeLines(lines, "bench/results/validate_simulated.txt")
utils::write.csv(pt, "bench/results/validate_simulated_per_trait.csv", row.names = FALSE)
cat(lines, sep = "\n")
