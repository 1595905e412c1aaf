# Ablation importance on the yeast test set: fast exact path vs one forward pass per feature.
#
# Usage: Rscript bench/importance_speed.R [data_dir] [slow_features]
# Publication architecture (latent 32, hidden 64/64/2048; 23,246 one-hot inputs), 202 test
# segregants of the sequential split. The model is trained for 1 epoch per stage: the cost of
# importance does not depend on the weights. The slow path (one full forward per feature, the
# reference's approach) is timed on the first `slow_features` features of one individual and
# extrapolated to all features and individuals, as stated in the output.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
slow_k <- if (length(args) >= 2) as.integer(args[2]) else 300L
yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
fit <- gpatlas(. ~ ., parts$train, gpatlas_control(preset = "publication",
                                                   epochs_pheno = 1, epochs_geno = 1,
                                                   threads = 2, verbose = FALSE))
test <- parts$test
fast_s <- system.time(imp <- gp_importance(fit, test, verbose = FALSE))[["elapsed"]]
geno <- test$geno[1, , drop = FALSE]
storage.mode(geno) <- "integer"
slow_s <- system.time(gpatlas:::cpp_importance(
  fit$params, unclass(fit$control), length(fit$traits), "genotype", geno, 2L,
  matrix(0, 1, length(fit$traits)), FALSE, "prediction", TRUE, FALSE, slow_k))[["elapsed"]]
n_feat <- ncol(imp$matrix)
slow_total <- slow_s / slow_k * n_feat * nrow(test)
peak <- as.numeric(sub("[^0-9]*([0-9]+).*", "\\1",
                       grep("^VmHWM", readLines("/proc/self/status"), value = TRUE))) / 1024^2
res <- sprintf(paste0("importance, %d individuals x %d alleles: fast %.1f s; slow path %.2f s for ",
                      "%d features of 1 individual -> %.0f s per individual, %.1f h for all ",
                      "(extrapolated); ratio %.0fx; peak RSS %.2f GB"),
               nrow(test), n_feat, fast_s, slow_s, slow_k, slow_s / slow_k * n_feat,
               slow_total / 3600, slow_total / fast_s, peak)
dir.create("bench/results", showWarnings = FALSE)
writeLines(c(format(Sys.time(), "%Y-%m-%d %H:%M"), res), "bench/results/importance_speed.txt")
cat(res, "\n")
