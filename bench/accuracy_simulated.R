# Accuracy on publication-scale simulated data (600 x 3,000 loci x 3 alleles x 30 traits).
#
# Usage: Rscript bench/accuracy_simulated.R
# Fits the "publication_simulated" preset (latent 32, hidden 32, 250 epochs per stage, no
# standardization, like the reference) and the default preset with the simulated-data sizes,
# on an 80/20 random split, and reports the median per-phenotype test MAPE genotype->phenotype
# and phenotype->phenotype (publication: 9.11 and 3.78). Writes bench/results/accuracy_simulated.json.
suppressPackageStartupMessages(library(gpatlas))
sim <- gp_simulate(seed = 1)
parts <- gp_split(sim, prop = 0.8, seed = 1)
configs <- list(
  publication_simulated = gpatlas_control(preset = "publication_simulated", verbose = FALSE, threads = 2),
  default_sim_sizes = gpatlas_control(pheno_hidden = 32, decoder_hidden = 32, geno_hidden = 32,
                                      epochs_pheno = 250, epochs_geno = 250, verbose = FALSE,
                                      threads = 2)
)
rows <- list()
for (nm in names(configs)) {
  t <- system.time(fit <- gpatlas(. ~ ., parts$train, configs[[nm]]))[["elapsed"]]
  g <- gp_metrics(fit, parts$test, from = "genotype")$per_phenotype
  p <- gp_metrics(fit, parts$test, from = "phenotype")$per_phenotype
  rows[[nm]] <- data.frame(config = nm, seconds = round(t, 1),
                           gp_median_mape = round(median(g$mape), 3),
                           pp_median_mape = round(median(p$mape), 3),
                           gp_median_r2 = round(median(g$r2), 3),
                           pp_median_r2 = round(median(p$r2), 3),
                           gp_median_r = round(median(g$pearson_r), 3))
  print(rows[[nm]])
}
res <- do.call(rbind, rows)
dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(res, "bench/results/accuracy_simulated.csv", row.names = FALSE)
print(res, row.names = FALSE)
