# Full vs reduced G-P Atlas architectures on the BYxRM yeast cross (sequential split), as in the
# publication's comparison of the full model with one whose encoders have no hidden layer.
#
# Usage: Rscript bench/yeast_architecture.R [data_dir] [extra control arguments as R code]
# Fits the default settings with four encoder layouts: genotype hidden layer 2048 or none,
# phenotype hidden layer 64 or none. Reports per-layout median held-out R^2 and Pearson r, wall
# time, and paired Wilcoxon tests of each layout against the default one; writes
# bench/results/yeast_architecture.csv (per trait).
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
extra <- if (length(args) >= 2) eval(parse(text = args[2])) else list()

yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
layouts <- list(
  "geno 2048, pheno 64" = list(geno_hidden = 2048L, pheno_hidden = 64L),
  "geno none, pheno 64" = list(geno_hidden = 0L, pheno_hidden = 64L),
  "geno 2048, pheno none" = list(geno_hidden = 2048L, pheno_hidden = 0L),
  "geno none, pheno none" = list(geno_hidden = 0L, pheno_hidden = 0L)
)
default <- gpatlas_control()
tab <- NULL
for (nm in names(layouts)) {
  ctl <- do.call(gpatlas_control, utils::modifyList(c(list(seed = 1, verbose = FALSE), extra),
                                                    layouts[[nm]]))
  secs <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[["elapsed"]]
  m <- gp_metrics(fit, parts$test)$per_phenotype
  tab <- rbind(tab, data.frame(layout = nm, geno_hidden = ctl$geno_hidden,
                               pheno_hidden = ctl$pheno_hidden, trait = m$trait, r2 = m$r2,
                               pearson_r = m$pearson_r, seconds = secs))
  cat(sprintf("%-22s median R^2 %.3f, median r %.3f, fit %.0f s\n", nm, stats::median(m$r2),
              stats::median(m$pearson_r), secs))
}
dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(tab, "bench/results/yeast_architecture.csv", row.names = FALSE)
ref <- tab[tab$geno_hidden == default$geno_hidden & tab$pheno_hidden == default$pheno_hidden, ]
cat(sprintf("\npaired Wilcoxon tests against the default layout (geno %d, pheno %d):\n",
            default$geno_hidden, default$pheno_hidden))
for (nm in setdiff(names(layouts), unique(ref$layout))) {
  other <- tab[tab$layout == nm, ]
  d <- ref$r2 - other$r2
  w <- stats::wilcox.test(ref$r2, other$r2, paired = TRUE)
  cat(sprintf("  vs %-22s default better on %d of %d traits, median R^2 difference %+.3f, p = %.2g\n",
              nm, sum(d > 0), length(d), stats::median(d), w$p.value))
}
