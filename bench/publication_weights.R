# The publication's own trained networks for the simulated data, run through gpatlas.
#
# First export them (standard library Python, from a checkout of Arcadia-Science/2025-g-p-atlas):
#   python3 bench/publication_weights_export.py REPO_DIR PHENOTYPES_CSV_GZ EXPORT_DIR
# then (from the package root, after installing the package):
#   Rscript bench/publication_weights.R EXPORT_DIR
# A publication_simulated fit of gpatlas_sim (one epoch per stage) gets the publication's
# parameters in place of its own; its eval-mode predictions for all 600 individuals are
# compared with the predictions the publication released, and the accuracy is reported on the
# 600 individuals (the publication's test set) and on 481-600 (this package's test split).
# Writes bench/results/publication_weights.txt.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
shapes <- utils::read.csv(file.path(dir, "params", "shapes.csv"))
batches <- utils::read.csv(file.path(dir, "batches.csv"))
released <- utils::read.csv(file.path(dir, "predictions.csv"))

fit <- gpatlas(. ~ ., gpatlas_sim, gpatlas_control("publication_simulated", epochs_pheno = 1,
                                                   epochs_geno = 1, threads = 1L,
                                                   verbose = FALSE))
for (nm in names(fit$params)) {
  row <- shapes[shapes$name == nm, ]
  if (nrow(row) != 1L) stop("no exported parameter ", nm)
  dims <- as.integer(strsplit(row$dims, "x", fixed = TRUE)[[1]])
  stopifnot(identical(dims, as.integer(attr(fit$params[[nm]], "shape"))))
  f <- file.path(dir, "params", paste0(nm, ".f32"))
  bytes <- readBin(f, "raw", n = file.size(f))
  stopifnot(length(bytes) == length(fit$params[[nm]]))
  fit$params[[nm]] <- structure(bytes, shape = attr(fit$params[[nm]], "shape"))
}

traits <- colnames(gpatlas_sim$pheno)
test_ids <- sprintf("ind%03d", 481:600)
report <- function(from) {
  pred <- predict(fit, gpatlas_sim, from = from)
  rel <- released[released$from == from & !is.na(released$id), ]
  ours <- pred[cbind(match(rel$id, rownames(pred)), rel$trait)]
  obs <- gpatlas_sim$pheno[cbind(match(rel$id, rownames(pred)), rel$trait)]
  # The publication's predictions in individuals x traits, for its own metrics.
  pub <- matrix(NA_real_, nrow(pred), ncol(pred), dimnames = dimnames(pred))
  pub[cbind(match(rel$id, rownames(pred)), rel$trait)] <- rel$predicted
  med <- function(p, ids) {
    m <- gp_metrics(p[ids, , drop = FALSE], gpatlas_sim$pheno[ids, , drop = FALSE])$per_phenotype
    sprintf("median r %.3f, R^2 %.3f", stats::median(m$pearson_r), stats::median(m$r2))
  }
  all_ids <- rownames(pred)[rownames(pred) %in% rel$id]
  c(sprintf("%s -> phenotype: %d released values matched; max |gpatlas - released| = %.2g (observed values agree to %.2g)",
            from, nrow(rel), max(abs(ours - rel$predicted)), max(abs(obs - rel$observed))),
    sprintf("  gpatlas with the publication's weights, %d individuals: %s; 481-600: %s",
            length(all_ids), med(pred, all_ids), med(pred, intersect(test_ids, all_ids))),
    sprintf("  publication's released predictions,  %d individuals: %s; 481-600: %s",
            length(all_ids), med(pub, all_ids), med(pub, intersect(test_ids, all_ids))))
}
lines <- c(
  sprintf("%s; the publication's trained simulated-data networks run through gpatlas",
          format(Sys.time(), "%Y-%m-%d %H:%M")),
  sprintf("BatchNorm num_batches_tracked in the publication's state dicts: %s",
          paste(unique(batches$num_batches_tracked), collapse = ", ")),
  "(250 epochs x 188 batches of 16 = 47,000 steps per stage: about 3,000 training individuals,",
  " not among the 600 released ones, which were its test set)",
  report("genotype"), report("phenotype"))
dir.create("bench/results", showWarnings = FALSE)
writeLines(lines, "bench/results/publication_weights.txt")
cat(lines, sep = "\n")
