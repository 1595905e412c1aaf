# Held-out accuracy on the BYxRM yeast cross, publication's sequential split (806 train / 202 test).
#
# Usage: Rscript bench/yeast_accuracy.R [data_dir] [preset] [epochs_pheno] [epochs_geno]
#   preset: "default" (standardized, masked) or "publication" (reference behaviour)
# Reports per-trait held-out R^2 and Pearson r (missing phenotypes skipped), their medians, the
# wall time and peak memory; writes bench/results/yeast_<preset>_<e1>_<e2>.csv.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
preset <- if (length(args) >= 2) args[2] else "default"
e1 <- if (length(args) >= 3) as.integer(args[3]) else NULL
e2 <- if (length(args) >= 4) as.integer(args[4]) else NULL

yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
ctl <- gpatlas_control(preset = preset, epochs_pheno = e1, epochs_geno = e2, threads = 2,
                       verbose = FALSE, seed = 1)
secs <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[["elapsed"]]
m <- gp_metrics(fit, parts$test, from = "genotype")$per_phenotype
h2 <- tryCatch(utils::read.csv(file.path(dir, "Bloom2013_heritability.csv")), error = function(e) NULL)
if (!is.null(h2) && nrow(h2) == nrow(m)) m$H2_broad <- h2$H2_broad
peak <- as.numeric(sub("[^0-9]*([0-9]+).*", "\\1",
                       grep("^VmHWM", readLines("/proc/self/status"), value = TRUE))) / 1024^2
dir.create("bench/results", showWarnings = FALSE)
out <- sprintf("bench/results/yeast_%s_%d_%d.csv", preset, ctl$epochs_pheno, ctl$epochs_geno)
utils::write.csv(m, out, row.names = FALSE)
cat(sprintf(paste0("yeast, sequential split, preset %s, epochs %d/%d: median R^2 %.3f, ",
                   "median Pearson r %.3f, traits with R^2 above H2 %s, fit %.0f s, peak RSS %.2f GB\n"),
            preset, ctl$epochs_pheno, ctl$epochs_geno, stats::median(m$r2),
            stats::median(m$pearson_r),
            if (is.null(m$H2_broad)) "n/a" else sum(m$r2 > m$H2_broad, na.rm = TRUE), secs, peak))
