# Demo: fit G-P Atlas to the publication's simulated data, print held-out metrics and draw
# predicted vs observed (the publication's Figure 2 layout), the importance ROC against the
# truth, and the loss curves.
# Run with `make demo` (the plot goes to build/gpatlas-demo.png), or after installing the
# package: Rscript inst/scripts/demo.R [plot.png] (without a file name the plot goes to the
# system's temporary directory; the path is printed).
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
# R removes its own tempdir() on exit, so the default goes to the directory that holds it.
out <- if (length(args) >= 1) args[1] else file.path(dirname(tempdir()), "gpatlas-demo.png")

# The publication's data: 600 individuals, 3,000 loci with 3 alleles, 30 traits; the truth
# (which alleles carry weight in which trait) comes with it. Its split: 1-480 train, 481-600 test.
print(gpatlas_sim)
parts <- gp_split(gpatlas_sim, prop = 0.8, method = "sequential")

# The networks are small: one thread is fastest (several threads only wait on each other).
ctl <- gpatlas_control(threads = 1, seed = 1, verbose = TRUE)
fit <- gpatlas(. ~ ., data = parts$train, control = ctl)
print(fit)

gp <- gp_metrics(fit, parts$test, from = "genotype")
pp <- gp_metrics(fit, parts$test, from = "phenotype")
cat("\nHeld-out metrics, genotype -> phenotype (median over traits):\n")
print(gp)
cat("\nHeld-out metrics, phenotype -> phenotype:\n")
print(pp)
cat(sprintf("\nThe publication on the same data: G->P median r %.3f, P->P median r %.3f\n",
            median(gpatlas_sim_published$gp_pearson_r),
            median(gpatlas_sim_published$pp_pearson_r)))

# Importance scored as the publication scores it: an allele is causal when its weight is
# non-zero in any trait.
imp <- gp_importance(fit, parts$test, verbose = FALSE)
causal_allele <- as.vector(t(apply(gpatlas_sim$truth$weights != 0, c(1, 2), any)))
roc <- gp_roc(imp$features$importance, causal_allele, fpr = 0.01)
cat(sprintf("Allele importance ROC AUC %.3f; TPR %.2f at 1%% FPR\n", roc$auc, roc$tpr_at_fpr))

if (requireNamespace("ggplot2", quietly = TRUE)) {
  long <- function(m, label) {
    data.frame(route = label, observed = as.vector(m$observed),
               predicted = as.vector(m$predicted))
  }
  both <- rbind(long(pp, "phenotype -> phenotype"), long(gp, "genotype -> phenotype"))
  both$route <- factor(both$route, levels = c("phenotype -> phenotype", "genotype -> phenotype"))
  r <- tapply(seq_len(nrow(both)), both$route,
              function(i) stats::cor(both$observed[i], both$predicted[i]))
  med <- c(median(pp$per_phenotype$pearson_r), median(gp$per_phenotype$pearson_r))
  lab <- data.frame(route = factor(names(r), levels = levels(both$route)),
                    text = sprintf("r = %.2f pooled, median per trait %.2f", r, med))
  fig2 <- ggplot2::ggplot(both, ggplot2::aes(observed, predicted)) +
    ggplot2::geom_point(alpha = 0.15, size = 0.6, colour = "steelblue4") +
    ggplot2::geom_abline(slope = 1, intercept = 0, colour = "firebrick", linetype = "dashed") +
    ggplot2::geom_text(data = lab, ggplot2::aes(x = -Inf, y = Inf, label = text),
                       hjust = -0.1, vjust = 1.5, size = 3.5) +
    ggplot2::facet_wrap(ggplot2::vars(route)) +
    ggplot2::coord_equal() +
    ggplot2::labs(x = "Observed phenotype", y = "Predicted phenotype",
                  title = "Held-out individuals 481-600, all 30 traits") +
    ggplot2::theme_bw()
  grDevices::png(out, width = 1400, height = 1000, res = 110)
  grid::grid.newpage()
  grid::pushViewport(grid::viewport(layout = grid::grid.layout(2, 2)))
  at <- function(row, col) grid::viewport(layout.pos.row = row, layout.pos.col = col)
  print(fig2, vp = at(1, 1:2))
  print(ggplot2::autoplot(roc) + ggplot2::labs(title = "Allele importance against the truth"),
        vp = at(2, 1))
  print(ggplot2::autoplot(fit, log_y = TRUE), vp = at(2, 2))
  grDevices::dev.off()
  cat("\nplot written to", out, "\n")
} else {
  cat("\nInstall ggplot2 for the plot.\n")
}

cat("\nReal data: the BYxRM yeast cross ships as `byxrm` (with `byxrm_qtl` and",
    "`byxrm_heritability`);\nvignette(\"getting-started\", package = \"gpatlas\") fits it.\n")
