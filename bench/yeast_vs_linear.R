# G-P Atlas against linear models on the BYxRM yeast cross: held-out accuracy per trait and
# the wall time of each fit, on the publication's sequential split (806 train / 202 test).
#
# Usage: Rscript bench/yeast_vs_linear.R [data_dir] [gpatlas control arguments as R code] [cached]
#   e.g. Rscript bench/yeast_vs_linear.R ../shared/data/byxrm 'list(n_seeds = 1)'
#   A third argument `cached` reuses the linear fits of the last run (per-trait results and
#   times in bench/results/yeast_linear_fits.csv) and refits gpatlas only; `lasso` refits lasso
#   and gpatlas in this run and reuses the cached ridge and forward-selection fits.
# Fits: lasso and ridge (cv.glmnet, lambda.min, one model per trait), the additive QTL model by
# forward marker selection (gp_qtl_baseline, max 20 QTL per trait), and gpatlas with its
# default settings (plus the given overrides). Reports the median held-out R^2 and Pearson r,
# the number of traits where gpatlas beats lasso, paired Wilcoxon tests, traits above their
# broad-sense heritability, and each fit's wall time. Writes bench/results/yeast_vs_linear.csv
# (per trait) and bench/results/yeast_vs_linear.png (gpatlas vs lasso R^2, H2 ceiling).
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
extra <- if (length(args) >= 2) eval(parse(text = args[2])) else list()

yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
h2 <- utils::read.csv(file.path(dir, "Bloom2013_heritability.csv"))
obs <- parts$test$pheno

per_trait <- function(pred) {
  m <- gp_metrics(pred[, colnames(obs), drop = FALSE], obs)$per_phenotype
  m[, c("trait", "r2", "pearson_r")]
}
rows <- list()
times <- c()
cache <- "bench/results/yeast_linear_fits.csv"
mode <- if (length(args) >= 3) args[3] else "full"
use_cache <- mode %in% c("cached", "lasso") && file.exists(cache)
linear <- if (use_cache) utils::read.csv(cache) else NULL
for (method in c("lasso", "ridge", "forward")) {
  if (use_cache && !(mode == "lasso" && method == "lasso")) {
    rows[[method]] <- linear[linear$method == method, c("trait", "r2", "pearson_r")]
    times[method] <- linear$seconds[linear$method == method][1]
  } else {
    secs <- system.time(base <- gp_qtl_baseline(parts$train, method = method, seed = 1))[["elapsed"]]
    rows[[method]] <- per_trait(predict(base, parts$test))
    times[method] <- secs
  }
  cat(sprintf("%-8s median R^2 %.3f, median r %.3f, fit %.1f s%s\n", method,
              stats::median(rows[[method]]$r2), stats::median(rows[[method]]$pearson_r),
              times[method], if (use_cache && !(mode == "lasso" && method == "lasso"))
                " (cached from the last full run)" else ""))
}
if (!use_cache || mode == "lasso") {
  dir.create("bench/results", showWarnings = FALSE)
  utils::write.csv(do.call(rbind, lapply(names(rows), function(m) {
    data.frame(method = m, rows[[m]], seconds = times[[m]])
  })), cache, row.names = FALSE)
}
ctl <- do.call(gpatlas_control, c(list(seed = 1, verbose = FALSE), extra))
secs <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[["elapsed"]]
rows$gpatlas <- per_trait(predict(fit, parts$test))
times["gpatlas"] <- secs
cat(sprintf("%-8s median R^2 %.3f, median r %.3f, fit %.1f s (%d threads)\n", "gpatlas",
            stats::median(rows$gpatlas$r2), stats::median(rows$gpatlas$pearson_r), secs,
            ctl$threads))

tab <- data.frame(trait = rows$lasso$trait, H2 = h2$H2_broad[match(rows$lasso$trait, h2$trait)])
for (nm in names(rows)) {
  tab[[paste0(nm, "_r2")]] <- rows[[nm]]$r2
  tab[[paste0(nm, "_r")]] <- rows[[nm]]$pearson_r
}
dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(tab, "bench/results/yeast_vs_linear.csv", row.names = FALSE)

cat("\nmedian held-out R^2:", paste(sprintf("%s %.3f", names(rows),
    vapply(rows, function(r) stats::median(r$r2), 0)), collapse = ", "), "\n")
for (nm in c("lasso", "ridge", "forward")) {
  d <- tab$gpatlas_r2 - tab[[paste0(nm, "_r2")]]
  w <- stats::wilcox.test(tab$gpatlas_r2, tab[[paste0(nm, "_r2")]], paired = TRUE)
  cat(sprintf("gpatlas vs %-7s better on %d of %d traits, median difference %+.3f, Wilcoxon p = %.2g\n",
              nm, sum(d > 0), nrow(tab), stats::median(d), w$p.value))
}
cat(sprintf("traits with gpatlas R^2 above broad-sense H2: %d\n", sum(tab$gpatlas_r2 > tab$H2)))
cat("fit wall time (s):", paste(sprintf("%s %.1f", names(times), times), collapse = ", "), "\n")

if (requireNamespace("ggplot2", quietly = TRUE)) {
  p <- ggplot2::ggplot(tab, ggplot2::aes(x = lasso_r2, y = gpatlas_r2)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, linetype = 2, colour = "grey40") +
    ggplot2::geom_segment(ggplot2::aes(x = lasso_r2, xend = lasso_r2, y = gpatlas_r2, yend = H2),
                          colour = "grey80") +
    ggplot2::geom_point(ggplot2::aes(y = H2), shape = 95, size = 5, colour = "firebrick") +
    ggplot2::geom_point(colour = "steelblue4") +
    ggplot2::labs(x = "lasso held-out R^2", y = "gpatlas held-out R^2",
                  title = "BYxRM yeast, sequential split: gpatlas vs lasso per trait",
                  subtitle = "red bars: broad-sense heritability (ceiling); dashed: equal accuracy") +
    ggplot2::coord_equal(xlim = c(min(0, tab$gpatlas_r2), 1), ylim = c(min(0, tab$gpatlas_r2), 1)) +
    ggplot2::theme_bw()
  ggplot2::ggsave("bench/results/yeast_vs_linear.png", p, width = 6, height = 6, dpi = 100)
}
