# Stage-2 epoch time on the yeast cross: gpatlas vs a plain PyTorch loop, side by side.
#
# Usage (from the repository root, package installed):
#   Rscript bench/stage2_speed.R [data_dir] [epochs]
# Publication settings: latent 32, hidden 64/64/2048, batch 16, 806 training segregants
# (sequential split), geno_flip 0.09, l1 0.8, l2 0.01, Adam lr 1e-3, betas 0.5/0.999.
# Runs gpatlas, then bench/stage2_pytorch.py (Debian python3-torch), then gpatlas again, and
# reports the ratio of median epoch times; writes bench/results/stage2_speed.json.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
epochs <- if (length(args) >= 2) as.integer(args[2]) else 3L
threads <- 2L

yeast <- read_byxrm(dir)
train <- gp_split(yeast, prop = 0.8, method = "sequential")$train
ctl <- gpatlas_control(preset = "publication", epochs_pheno = 1, epochs_geno = epochs,
                       threads = threads, verbose = FALSE, seed = 1)

peak_rss_gb <- function() {
  s <- readLines("/proc/self/status")
  as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", grep("^VmHWM", s, value = TRUE))) / 1024^2
}

run_gpatlas <- function() {
  fit <- gpatlas(. ~ ., train, ctl)
  fit$history$seconds[fit$history$stage == 2]
}

first <- run_gpatlas()
py_out <- tempfile(fileext = ".json")
status <- system2("/usr/bin/python3", c("bench/stage2_pytorch.py", "--geno",
                  file.path(dir, "BYxRM_GenoData.txt.gz"), "--epochs", epochs, "--threads",
                  threads, "--n-train", nrow(train$pheno), "--out", py_out), stdout = FALSE)
if (status != 0) stop("the PyTorch reference failed")
txt <- readLines(py_out, warn = FALSE)
py_secs <- as.numeric(strsplit(sub(".*\"epoch_seconds\": \\[([^]]*)\\].*", "\\1", txt), ",")[[1]])
second <- run_gpatlas()
ours <- c(first, second)

res <- list(
  date = format(Sys.time(), "%Y-%m-%d %H:%M"),
  machine = paste(sub("model name\\s*:\\s*", "", grep("model name", readLines("/proc/cpuinfo"),
                                                        value = TRUE)[1]),
                  parallel::detectCores(), "cores"),
  n_train = nrow(train$pheno), inputs = ncol(train$geno) * train$n_alleles,
  threads = threads, epochs_each = epochs,
  gpatlas_epoch_seconds = round(ours, 3),
  pytorch_epoch_seconds = round(py_secs, 3),
  gpatlas_median = round(stats::median(ours), 3),
  pytorch_median = round(stats::median(py_secs), 3),
  speedup = round(stats::median(py_secs) / stats::median(ours), 2),
  gpatlas_peak_rss_gb = round(peak_rss_gb(), 2)
)
dir.create("bench/results", showWarnings = FALSE)
json <- paste0("{\n", paste(sprintf("  \"%s\": %s", names(res), vapply(res, function(v) {
  if (is.character(v)) sprintf("\"%s\"", v) else if (length(v) > 1) sprintf("[%s]", paste(v, collapse = ", ")) else format(v)
}, character(1))), collapse = ",\n"), "\n}\n")
writeLines(json, "bench/results/stage2_speed.json")
cat(json)
cat(sprintf("stage-2 epoch: gpatlas %.2f s, PyTorch %.2f s, speed-up %.2fx\n",
            res$gpatlas_median, res$pytorch_median, res$speedup))
