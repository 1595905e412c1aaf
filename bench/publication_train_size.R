# How much of the publication's simulated G->P accuracy comes from its training set size.
#
# The publication trained on a training file that is not released: its stage-1 loss curve
# (results/g_p_atlas_format_simulated_data/reconstruction_loss.svg in the authors' repository)
# has 47,000 batches = 250 epochs x 188 batches of 16, i.e. about 3,000 training individuals,
# and it tested on the 600 released ones (gpatlas_sim). This script draws a data set from the
# same generator (gp_simulate() with the publication's settings), tests on 600 individuals and
# trains the publication_simulated preset on n_train individuals for as many optimizer steps
# as the publication took (47,000 per stage: epochs = round(47000 / ceiling(n_train / 16))).
#
# Usage (from the package root, after installing the package):
#   Rscript bench/publication_train_size.R n_train [seed]
# Writes bench/results/publication_train_size_<n_train>.txt.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
n_train <- as.integer(args[1])
seed <- if (length(args) >= 2) as.integer(args[2]) else 1L
n_test <- 600L
sim <- gp_simulate(n = n_train + n_test, seed = seed)
train <- sim[seq_len(n_train), ]
test <- sim[n_train + seq_len(n_test), ]
epochs <- as.integer(round(47000 / ceiling(n_train / 16)))
ctl <- gpatlas_control("publication_simulated", epochs_pheno = epochs, epochs_geno = epochs,
                       threads = 1L, verbose = FALSE)
secs <- system.time(fit <- gpatlas(. ~ ., train, ctl))[["elapsed"]]
gp <- gp_metrics(fit, test, from = "genotype")$per_phenotype
pp <- gp_metrics(fit, test, from = "phenotype")$per_phenotype
lines <- c(
  sprintf("%s; gp_simulate(n = %d, seed = %d): train %d, test %d; %d epochs per stage; fit %.0f s",
          format(Sys.time(), "%Y-%m-%d %H:%M"), n_train + n_test, seed, n_train, n_test,
          epochs, secs),
  sprintf("G->P median r %.3f R^2 %.3f | P->P median r %.3f R^2 %.3f",
          stats::median(gp$pearson_r), stats::median(gp$r2), stats::median(pp$pearson_r),
          stats::median(pp$r2)))
dir.create("bench/results", showWarnings = FALSE)
writeLines(lines, sprintf("bench/results/publication_train_size_%d.txt", n_train))
cat(lines, sep = "\n")
