# Held-out R^2 per trait on the small simulated data set of the test suite (240 individuals,
# 60 biallelic loci, 4 traits, no interactions), one network, for several L1 / patience settings:
# the check that made the default L1 2 (not 5) and patience 20 (not 10).
#
# Usage: Rscript bench/small_data_settings.R
suppressPackageStartupMessages(library(gpatlas))
sim <- gp_simulate(n = 240, n_loci = 60, n_alleles = 2, n_phenotypes = 4, n_causal = 3,
                   p_pleio = 0.2, p_interact = 0, noise = 0.01, seed = 11)
parts <- gp_split(sim, prop = 0.75, seed = 1)
settings <- list(
  list(l1 = 5, patience = 10L), list(l1 = 5, patience = 20L), list(l1 = 2, patience = 10L),
  list(l1 = 2, patience = 20L), list(l1 = 0.8, patience = 10L), list(l1 = 0.8, patience = 20L),
  list(valid_prop = 0, patience = 0L, calibrate = FALSE)
)
for (s in settings) {
  ctl <- do.call(gpatlas_control, c(list(latent_dim = 4, pheno_hidden = 16, decoder_hidden = 16,
                                         geno_hidden = 32, epochs_pheno = 100, epochs_geno = 100,
                                         threads = 1, n_seeds = 1, verbose = FALSE), s))
  fit <- gpatlas(. ~ ., parts$train, ctl)
  r2 <- gp_metrics(fit, parts$test)$per_phenotype$r2
  cat(sprintf("%-55s R^2 per trait %s\n", deparse(s), paste(sprintf("%.2f", r2), collapse = " ")))
}
