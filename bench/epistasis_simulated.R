# Simulated data with live multiplicative epistasis: where the additive + G-P Atlas model must beat
# a per-trait lasso, and which of its parts does it.
#
# Usage: Rscript bench/epistasis_simulated.R [n] [seed]
# Two data sets, side by side in one run:
# * live: gp_simulate(seed, epistasis = "live", epistasis_var = 0.3), the publication's generator
#   (600 x 3,000 loci x 3 alleles, 30 traits of 10 loci each) with every interaction pair live,
#   carrying 30% of each trait's variance; the publication's split (first 480 train, rest test).
# * local: a local generator (haploid, biallelic, unlinked loci): each of 10 traits is the sum of 5
# additive loci (weights U(0.5, 1.5)) and 4 multiplicative pairs w * x_a * x_b (w U(2, 4)),
# drawn among 300 loci, plus Gaussian noise with 10% of the genetic variance. With
# independent alleles at frequency 1/2, the part of x_a * x_b no additive model can reach has
# variance w^2 / 16, about a quarter of the genetic variance. 80/20 random split.
# Compares per trait: lasso (cv.glmnet, lambda.min, as gp_qtl_baseline(method = "lasso")),
# the default gpatlas (additive path + network), the additive path alone, and the oracle
# (the true genetic values). Writes bench/results/epistasis_simulated.csv and .txt.
# Parts of the default model, per trait: the additive path's main effects alone, with its
# pairwise terms (`additive_pairs`), and the whole model (with the shrunk networks).
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) >= 1) as.integer(args[1]) else 1000L
seed <- if (length(args) >= 2) as.integer(args[2]) else 1L

simulate_epistasis <- function(n, n_loci = 300L, n_traits = 10L, n_add = 5L, n_pairs = 4L,
                               noise = 0.1, seed = 1L) {
  set.seed(seed)
  geno <- matrix(rbinom(n * n_loci, 1, 0.5), n, n_loci,
                 dimnames = list(sprintf("ind%04d", seq_len(n)), sprintf("m%03d", seq_len(n_loci))))
  g <- matrix(0, n, n_traits)
  truth <- list()
  for (t in seq_len(n_traits)) {
    loci <- sample.int(n_loci, n_add + 2L * n_pairs)
    add <- loci[seq_len(n_add)]
    w_add <- runif(n_add, 0.5, 1.5)
    pairs <- matrix(loci[-seq_len(n_add)], ncol = 2)
    w_pair <- runif(n_pairs, 2, 4)
    g[, t] <- geno[, add, drop = FALSE] %*% w_add +
      rowSums(sweep(geno[, pairs[, 1]] * geno[, pairs[, 2]], 2, w_pair, "*"))
    truth[[t]] <- list(additive = add, pairs = pairs)
  }
  y <- g + matrix(rnorm(n * n_traits), n) %*% diag(sqrt(noise * apply(g, 2, var)))
  colnames(y) <- colnames(g) <- sprintf("trait%02d", seq_len(n_traits))
  rownames(y) <- rownames(g) <- rownames(geno)
  list(data = gp_data(y, geno), genetic = g, truth = truth)
}

run <- function(name, train, test, genetic) {
  obs <- test$pheno
  r2 <- function(pred) gp_metrics(pred[, colnames(obs), drop = FALSE], obs)$per_phenotype$r2
  t_lasso <- system.time(base <- gp_qtl_baseline(train, method = "lasso", seed = 1))[["elapsed"]]
  ctl <- gpatlas_control(seed = 1, verbose = FALSE,
                         threads = as.integer(Sys.getenv("GPATLAS_THREADS", "2")))
  t_fit <- system.time(fit <- gpatlas(. ~ ., train, ctl))[["elapsed"]]
  no_net <- fit
  no_net$calibration <- lapply(fit$calibration, function(cal) cal * 0)
  main <- no_net
  main$additive$pairs <- NULL
  shrink <- rowMeans(vapply(fit$calibration, function(cal) cal["slope", ] / fit$additive$resid_scale,
                            numeric(ncol(obs))))
  pairs <- fit$additive$pairs
  data.frame(data = name, trait = colnames(obs), lasso = r2(predict(base, test)),
             gpatlas = r2(predict(fit, test)), additive_main = r2(predict(main, test)),
             additive_pairs = r2(predict(no_net, test)), network_kept = shrink,
             pair_terms = tabulate(pairs$trait, ncol(obs)),
             oracle = r2(genetic[rownames(obs), colnames(obs), drop = FALSE]),
             lasso_s = t_lasso, gpatlas_s = t_fit)
}

live <- gp_simulate(seed = seed, epistasis = "live", epistasis_var = 0.3)
live_parts <- gp_split(live, 0.8, method = "sequential")  # individuals 1-480 / 481-600
# noise = 0: the phenotypes are the genetic values.
tab_live <- run("live", live_parts$train, live_parts$test, live$pheno)
sim <- simulate_epistasis(n, seed = seed)
parts <- gp_split(sim$data, prop = 0.8, seed = seed)
tab_local <- run("local", parts$train, parts$test, sim$genetic)
tab <- rbind(tab_live, tab_local)
dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(tab, "bench/results/epistasis_simulated.csv", row.names = FALSE)
summ <- function(x, what) {
  c(sprintf("== %s", what),
    sprintf("median held-out R^2: lasso %.3f | gpatlas default %.3f | its additive main effects alone %.3f, with pair terms %.3f | oracle %.3f",
            median(x$lasso), median(x$gpatlas), median(x$additive_main), median(x$additive_pairs),
            median(x$oracle)),
    sprintf("gpatlas - lasso: median of differences %+.3f, difference of medians %+.3f; better on %d of %d traits; network kept (mean shrinkage) %.2f",
            median(x$gpatlas - x$lasso), median(x$gpatlas) - median(x$lasso),
            sum(x$gpatlas > x$lasso), nrow(x), mean(x$network_kept)),
    sprintf("fit: lasso (cv.glmnet per trait) %.1f s, gpatlas %.1f s", x$lasso_s[1], x$gpatlas_s[1]))
}
lines <- c(sprintf("%s, %d processors, threads %s", format(Sys.time(), "%Y-%m-%d %H:%M"),
                   parallel::detectCores(), Sys.getenv("GPATLAS_THREADS", "2")),
           summ(tab_live, "live: gp_simulate(epistasis = \"live\", epistasis_var = 0.3), 480/120"),
           summ(tab_local, sprintf("local: n = %d (80/20), 300 loci, 10 traits, 5 additive loci + 4 multiplicative pairs each", n)))
show <- tab[, setdiff(names(tab), c("lasso_s", "gpatlas_s"))]
writeLines(c(lines, utils::capture.output(print(show, digits = 3, row.names = FALSE))),
           "bench/results/epistasis_simulated.txt")
cat(lines, sep = "\n")
