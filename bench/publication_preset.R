# The publication_simulated preset on the publication's released simulated data (gpatlas_sim):
# held-out G->P and P->P accuracy per trait, beside the publication's own per-trait figures.
#
# Usage (from the package root, after installing the package):
#   Rscript bench/publication_preset.R [label] [gpatlas_control arguments as R code]
# e.g.
#   Rscript bench/publication_preset.R e1567 "list(epochs_pheno = 1567, epochs_geno = 1567)"
# Split as the simulator made it: individuals 1-480 train, 481-600 test. The control is
# gpatlas_control("publication_simulated", threads = 1, verbose = FALSE, <arguments>).
# Writes bench/results/publication_preset_<label>.txt and _per_trait.csv.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
label <- if (length(args) >= 1) args[1] else "preset"
extra <- if (length(args) >= 2) eval(parse(text = args[2]), baseenv()) else list()
ctl <- do.call(gpatlas_control, c(list("publication_simulated", threads = 1L, verbose = FALSE),
                                  extra))
parts <- gp_split(gpatlas_sim, 0.8, method = "sequential")
stopifnot(identical(rownames(parts$test$pheno), sprintf("ind%03d", 481:600)))

secs <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[["elapsed"]]
pp <- gp_metrics(fit, parts$test, from = "phenotype")$per_phenotype
gp <- if (ctl$epochs_geno > 0) gp_metrics(fit, parts$test, from = "genotype")$per_phenotype
pub <- gpatlas_sim_published
tab <- data.frame(
  trait = pp$trait,
  gp_r = if (is.null(gp)) NA else gp$pearson_r, gp_r2 = if (is.null(gp)) NA else gp$r2,
  pp_r = pp$pearson_r, pp_r2 = pp$r2)
tab <- cbind(tab, pub[match(tab$trait, pub$trait),
                      c("gp_pearson_r", "gp_r2", "pp_pearson_r", "pp_r2")])
names(tab)[6:9] <- c("pub_gp_r", "pub_gp_r2", "pub_pp_r", "pub_pp_r2")
h <- fit$history
last <- function(s) if (any(h$stage == s)) utils::tail(h$loss[h$stage == s], 1) else NA
med <- function(x) stats::median(x)
changed <- if (length(extra)) paste(names(extra), unlist(lapply(extra, format)), sep = " = ",
                                    collapse = ", ") else "(none)"
lines <- c(
  sprintf("%s; label %s; fit %.0f s on 1 thread", format(Sys.time(), "%Y-%m-%d %H:%M"), label,
          secs),
  sprintf("gpatlas_control(\"publication_simulated\", threads = 1, %s)", changed),
  "Train individuals 1-480, test 481-600 (120). Medians over the 30 traits.",
  sprintf("final training loss: stage 1 %.3f, stage 2 %.3f (MSE, original units)",
          last(1), last(2)),
  sprintf("this fit:    G->P median r %.3f R^2 %.3f | P->P median r %.3f R^2 %.3f",
          med(tab$gp_r), med(tab$gp_r2), med(tab$pp_r), med(tab$pp_r2)),
  sprintf("publication: G->P median r %.3f R^2 %.3f | P->P median r %.3f R^2 %.3f",
          med(tab$pub_gp_r), med(tab$pub_gp_r2), med(tab$pub_pp_r), med(tab$pub_pp_r2)),
  "",
  capture.output(print(format(tab, digits = 3), row.names = FALSE))
)
dir.create("bench/results", showWarnings = FALSE)
writeLines(lines, sprintf("bench/results/publication_preset_%s.txt", label))
utils::write.csv(tab, sprintf("bench/results/publication_preset_%s_per_trait.csv", label),
                 row.names = FALSE)
cat(lines[1:6], sep = "\n")
