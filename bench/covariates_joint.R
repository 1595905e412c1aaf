# Additive covariates estimated jointly with the additive path vs the two-step adjustment.
#
# Usage (from the repository root, after installing the package):
#   Rscript bench/covariates_joint.R [n_seeds = 3] [n_splits = 5]
# (the recorded results: Rscript bench/covariates_joint.R 10 10; about 3 minutes)
# Results go to bench/results/covariates_joint.md (overwritten) and, per trait and run, to
# bench/results/covariates_joint.csv.
#
# Both arms fit the default model (gpatlas_control(threads = 1); and again with
# additive_pairs = 0, model "no_pairs") on the same 80% training individuals and predict the
# other 20% with the covariate effects added back:
#   joint:    gpatlas(. ~ ., train, ctl, addcovar = covar): the covariates are unpenalized
#             columns of the additive path's elastic net (the current behaviour);
#   two-step: gp_covar_adjust(train, covar) (least squares on the covariates alone), then
#             gpatlas() on the adjusted phenotypes, whose predictions add the effects back (the
#             earlier behaviour of gpatlas(addcovar = )).
# Held-out R^2 = 1 - MSE / variance of the test values around their own mean (as gp_metrics()).
#
# (1) Simulation, seeds 1..n_seeds: 500 individuals, 200 biallelic loci (allele 1 with
#     probability 0.5), 3 traits with 6 causal loci each (effects N(0, 1)), a 0/1 covariate
#     ("sex") that equals the allele at causal locus 1 of every trait in 80% of individuals,
#     true covariate effects (1, -0.5, 0.75), noise sd set so that genotypes + covariate
#     explain 60% of each trait's variance. Reported: held-out R^2 and the absolute error of
#     the estimated covariate effect.
# (2) R/qtl2's iron data (F2 with X; 284 mice, traits liver and spleen, covariate sex), splits
#     gp_split(seed = 1..n_splits). The true sex effect is unknown: reported are held-out R^2
#     and the two estimates.
suppressPackageStartupMessages(library(gpatlas))

args <- commandArgs(TRUE)
n_seeds <- if (length(args) >= 1L) as.integer(args[1L]) else 3L
n_splits <- if (length(args) >= 2L) as.integer(args[2L]) else 5L
# The default model, and the same without its pair-term stage (to tell the stages apart).
controls <- list(default = gpatlas_control(threads = 1, verbose = FALSE),
                 no_pairs = gpatlas_control(threads = 1, verbose = FALSE, additive_pairs = 0))
load_before <- paste(readLines("/proc/loadavg"), collapse = " ")
commit <- tryCatch(system("git rev-parse --short HEAD", intern = TRUE), error = function(e) "?")

r2 <- function(pred, obs) {
  vapply(seq_len(ncol(obs)), function(t) {
    ok <- !is.na(obs[, t]) & !is.na(pred[, t])
    1 - mean((obs[ok, t] - pred[ok, t])^2) / mean((obs[ok, t] - mean(obs[ok, t]))^2)
  }, numeric(1))
}

# Both arms on one split; covar: a data frame with rows named by id (all individuals).
run_arms <- function(train, test, covar, ctl) {
  t0 <- proc.time()[["elapsed"]]
  joint <- suppressWarnings(gpatlas(. ~ ., train, ctl, addcovar = covar))
  t1 <- proc.time()[["elapsed"]]
  adj <- suppressMessages(gp_covar_adjust(train, covar))
  two <- suppressWarnings(gpatlas(. ~ ., adj, ctl))
  t2 <- proc.time()[["elapsed"]]
  p_joint <- predict(joint, test, addcovar = covar)
  # A fit to adjusted data keeps their adjustment, so predict() adds the effects back.
  stopifnot(identical(two$covar_adjustment$method, "two-step"))
  p_two <- predict(two, test, addcovar = covar)
  obs <- test$pheno[, joint$traits, drop = FALSE]
  data.frame(trait = joint$traits, r2_joint = r2(p_joint, obs), r2_two = r2(p_two, obs),
             coef_joint = joint$covar_adjustment$coef[1L, ],
             coef_two = adj$covar_adjustment$coef[1L, joint$traits],
             sec_joint = t1 - t0, sec_two = t2 - t1, row.names = NULL)
}

simulate_confounded <- function(seed, n = 500, loci = 200, traits = 3, causal = 6) {
  set.seed(seed)
  g <- matrix(rbinom(n * loci, 1, 0.5), n, loci,
              dimnames = list(sprintf("i%03d", 1:n), sprintf("m%03d", 1:loci)))
  storage.mode(g) <- "integer"
  truth <- c(1, -0.5, 0.75)[seq_len(traits)]
  first <- sample.int(loci, 1L)
  sex <- ifelse(runif(n) < 0.8, g[, first], 1L - g[, first])
  y <- sapply(seq_len(traits), function(t) {
    loc <- c(first, sample(setdiff(seq_len(loci), first), causal - 1L))
    signal <- drop(g[, loc] %*% rnorm(causal)) + truth[t] * sex
    signal + rnorm(n, sd = sqrt(var(signal) * 0.4 / 0.6))
  })
  colnames(y) <- paste0("trait", seq_len(traits))
  list(data = gp_data(y, g), covar = data.frame(sex = sex, row.names = rownames(g)),
       truth = truth)
}

rows <- list()
for (seed in seq_len(n_seeds)) {
  d <- simulate_confounded(seed)
  s <- gp_split(d$data, 0.8, seed = seed)
  for (model in names(controls)) {
    res <- run_arms(s$train, s$test, d$covar, controls[[model]])
    res$truth <- d$truth
    rows[[length(rows) + 1L]] <- cbind(data = "simulated", model = model, run = seed, res)
  }
  message(sprintf("simulation seed %d done", seed))
}
iron <- qtl2::read_cross2(system.file("extdata", "iron.zip", package = "qtl2"))
iron_data <- as_gp_data(iron)
iron_covar <- iron_data$covar[, "sex", drop = FALSE]
for (split in seq_len(n_splits)) {
  s <- gp_split(iron_data, 0.8, seed = split)
  for (model in names(controls)) {
    res <- run_arms(s$train, s$test, iron_covar, controls[[model]])
    res$truth <- NA_real_
    rows[[length(rows) + 1L]] <- cbind(data = "iron", model = model, run = split, res)
  }
  message(sprintf("iron split %d done", split))
}
out <- do.call(rbind, rows)
out$err_joint <- abs(out$coef_joint - out$truth)
out$err_two <- abs(out$coef_two - out$truth)

dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(out, "bench/results/covariates_joint.csv", row.names = FALSE)
fmt <- function(x) formatC(x, digits = 3, format = "f")
groups <- split(out, list(out$trait, out$model, out$data), drop = TRUE, lex.order = TRUE)
summary_rows <- lapply(groups, function(d) {
  data.frame(data = d$data[1], model = d$model[1], trait = d$trait[1], runs = nrow(d),
             r2_joint = fmt(mean(d$r2_joint)), r2_two = fmt(mean(d$r2_two)),
             median_r2_joint = fmt(stats::median(d$r2_joint)),
             median_r2_two = fmt(stats::median(d$r2_two)),
             joint_better = sprintf("%d/%d", sum(d$r2_joint > d$r2_two), nrow(d)),
             coef_joint = fmt(mean(d$coef_joint)), coef_two = fmt(mean(d$coef_two)),
             err_joint = fmt(mean(d$err_joint)), err_two = fmt(mean(d$err_two)))
})
tab <- do.call(rbind, summary_rows)
rownames(tab) <- NULL
md_table <- c(paste("|", paste(names(tab), collapse = " | "), "|"),
              paste("|", paste(rep("---", ncol(tab)), collapse = " | "), "|"),
              apply(tab, 1L, function(r) paste("|", paste(r, collapse = " | "), "|")))
writeLines(c(
  "# Covariates: joint (unpenalized columns of the additive path) vs two-step",
  "",
  sprintf("Command: `Rscript bench/covariates_joint.R %d %d`", n_seeds, n_splits),
  sprintf("Date: %s UTC; machine: 2 cores (shared); load before: %s; after: %s",
          format(Sys.time(), tz = "UTC"), load_before,
          paste(readLines("/proc/loadavg"), collapse = " ")),
  sprintf("Package commit: %s", commit),
  "",
  "Means (and medians) over runs (simulation seeds or iron 80/20 splits) of held-out R^2, and",
  "means of the estimated covariate effect (sex, trait units) and of its absolute error",
  "(simulation only; the truth is unknown for iron).",
  "",
  md_table,
  "",
  sprintf("Median fit time per arm: joint %.1f s, two-step %.1f s.",
          stats::median(out$sec_joint), stats::median(out$sec_two)),
  "",
  "Per trait and run: `bench/results/covariates_joint.csv`."
), "bench/results/covariates_joint.md")
print(tab)
