# One G-P Atlas fit on the BYxRM yeast cross (sequential split) with given settings: the probe
# used to choose the default preset.
#
# Usage: Rscript bench/yeast_settings.R '<control arguments as R code>' [label] [data_dir]
#   e.g. Rscript bench/yeast_settings.R 'list(geno_hidden = 0L, n_seeds = 1L)' reduced
#   (the seed is 1 unless the list sets `seed`)
# Prints one line: median held-out R^2 and Pearson r from genotypes, median phenotype->phenotype
# R^2, the epochs kept / run per stage (per network) and the wall time of the fit.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
extra <- eval(parse(text = args[1]))
label <- if (length(args) >= 2) args[2] else ""
dir <- if (length(args) >= 3) args[3] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
ctl <- do.call(gpatlas_control, utils::modifyList(list(verbose = FALSE, seed = 1), extra))
secs <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[["elapsed"]]
m <- gp_metrics(fit, parts$test, from = "genotype")$per_phenotype
mp <- gp_metrics(fit, parts$test, from = "phenotype")$per_phenotype
h <- fit$history
best <- paste(tapply(h$epoch[h$kept], h$stage[h$kept], paste, collapse = ","), collapse = "/")
ran <- paste(tapply(h$epoch, h$stage, max), collapse = "/")
cat(sprintf("%s | %s | R2 %.3f r %.3f | p->p R2 %.3f | kept %s of %s | %.0f s\n", label, args[1],
            median(m$r2), median(m$pearson_r), median(mp$r2), best, ran, secs))
