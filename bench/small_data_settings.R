# Held-out R^2 per trait on the small simulated data set of the test suite (240 individuals,
# 60 biallelic loci, 4 traits, no interactions), one network, for several penalty / patience
# settings, with a 32-unit genotype hidden layer and with the default reduced encoder: the check
# that made the default patience 20 (not 10) and the per-weight lasso (not the column-sum L1).
# Every row uses the default's one learning-rate drop unless it says lr_drops = 0.
#
# Usage: Rscript bench/small_data_settings.R
suppressPackageStartupMessages(library(gpatlas))
sim <- gp_simulate(n = 240, n_loci = 60, n_alleles = 2, n_phenotypes = 4, n_causal = 3,
                   p_pleio = 0.2, p_interact = 0, noise = 0.01, seed = 11)
parts <- gp_split(sim, prop = 0.75, seed = 1)
settings <- list(
  list(l1 = 5, patience = 10L), list(l1 = 5, patience = 20L), list(l1 = 2, patience = 10L),
  list(l1 = 2, patience = 20L), list(l1 = 0.8, patience = 10L), list(l1 = 0.8, patience = 20L),
  list(valid_prop = 0, patience = 0L, calibrate = FALSE), list(l1 = 0, lasso = 0),
  list(l1 = 0, lasso = 5e-5), list(l1 = 0, lasso = 1e-4), list(l1 = 0, lasso = 1e-3),
  list(l1 = 0, lasso = 1e-4, lr_drops = 0L)
)
for (geno_hidden in c(32L, 0L)) {
  for (s in settings) {
    # l1 = 2, lasso = 0 (the previous default penalty) unless the setting says otherwise.
    base <- list(latent_dim = 4, pheno_hidden = 16, decoder_hidden = 16, geno_hidden = geno_hidden,
                 epochs_pheno = 100, epochs_geno = 100, l1 = 2, lasso = 0, threads = 1,
                 n_seeds = 1, verbose = FALSE)
    ctl <- do.call(gpatlas_control, utils::modifyList(base, s))
    fit <- gpatlas(. ~ ., parts$train, ctl)
    r2 <- gp_metrics(fit, parts$test)$per_phenotype$r2
    cat(sprintf("geno_hidden %2d  %-55s R^2 per trait %s\n", geno_hidden, deparse(s),
                paste(sprintf("%.2f", r2), collapse = " ")))
  }
}
