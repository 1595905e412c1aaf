# The default model on the four example crosses of R/qtl (hyper, listeria, fake.bc, fake.f2),
# against qtl::scanone. Per cross: a fit on 80% of the individuals (gp_split, seed 1) gives the
# held-out R^2 per trait on the other 20%, the networks whose early stopping kept stage-2
# epoch 1 or that did not beat a constant on their validation individuals (untrained: dropped
# to the additive path, or kept with a warning), the smallest per-trait calibration slope of
# the networks and the fit's run time. A fit on all individuals, as scanone sees them, gives
# the locus importance (gp_importance on all individuals, per trait); its top chromosome (the
# chromosome of the most important locus) is compared with scanone's top LOD chromosome
# (Haley-Knott, autosomes, all individuals). The split fit's top chromosome is listed too.
# Both sides use the autosomes only: as_gp_data(x_chr = "drop"), scanone(chr = autosomes);
# X genotypes of an F2 carry sex, which none of these fits take as a covariate.
# `hyper` has about half of its calls missing, which enter the networks as all-zero inputs and
# the additive path as the allele frequency: it is also run after
# qtl::fill.geno(method = "argmax").
#
# Usage: Rscript bench/small_crosses.R [label]   (results appended to
# bench/results/small_crosses.txt)
suppressPackageStartupMessages({
  library(gpatlas)
  library(qtl)
})
options(width = 150)
args <- commandArgs(trailingOnly = TRUE)
label <- if (length(args)) args[1L] else "default"
out_file <- file.path("bench", "results", "small_crosses.txt")

load_cross <- function(name) {
  e <- new.env()
  data(list = name, package = "qtl", envir = e)
  get(name, e)
}

top_lod_chr <- function(cross, trait) {
  auto <- names(cross$geno)[vapply(cross$geno, function(g) class(g)[1L] == "A", logical(1))]
  cross <- calc.genoprob(cross, step = 0, error.prob = 0.001)
  s <- scanone(cross, pheno.col = trait, method = "hk", chr = auto)
  c(chr = as.character(s$chr[which.max(s$lod)]), lod = max(s$lod))
}

top_importance_chr <- function(imp, fit, trait) {
  v <- imp$per_phenotype[, trait]
  locus <- apply(matrix(v, nrow = fit$n_alleles), 2L, max)
  as.character(fit$markers$chr[which.max(locus)])
}

quiet_fit <- function(data, warns) {
  withCallingHandlers(
    gpatlas(. ~ ., data, gpatlas_control(threads = 1, verbose = FALSE)),
    warning = function(w) {
      assign("warns", c(get("warns", warns), conditionMessage(w)), envir = warns)
      invokeRestart("muffleWarning")
    })
}

run_cross <- function(name, cross) {
  warns <- new.env()
  warns$warns <- character()
  d <- suppressMessages(as_gp_data(cross, x_chr = "drop"))
  parts <- gp_split(d, prop = 0.8, seed = 1)
  secs <- system.time(fit <- quiet_fit(parts$train, warns))[["elapsed"]]
  split_warned <- length(warns$warns) > 0L
  full <- quiet_fit(d, warns)
  r2 <- gp_metrics(fit, parts$test)$per_phenotype$r2
  ch <- fit$network_check
  epoch1 <- ch$kept_epoch %in% 1L
  slopes <- unlist(lapply(fit$calibration, function(cal) if (!is.null(cal)) cal["slope", ]))
  imp <- gp_importance(full, d, verbose = FALSE)
  imp_split <- gp_importance(fit, d, verbose = FALSE)
  rows <- lapply(fit$traits, function(tr) {
    lod <- top_lod_chr(cross, tr)
    data.frame(cross = name, trait = tr, n_train = nrow(parts$train$pheno),
               n_test = nrow(parts$test$pheno), r2 = r2[match(tr, fit$traits)],
               lod_chr = lod[["chr"]], lod = as.numeric(lod[["lod"]]),
               lod_r2 = 1 - 10^(-2 * as.numeric(lod[["lod"]]) / nrow(d$pheno)),
               imp_chr = top_importance_chr(imp, full, tr),
               imp_chr_split = top_importance_chr(imp_split, fit, tr), stringsAsFactors = FALSE)
  })
  rows <- do.call(rbind, rows)
  rows$match <- rows$lod_chr == rows$imp_chr
  list(rows = rows, networks = nrow(ch), epoch1 = sum(epoch1),
       untrained = sum(ch$untrained), dropped = sum(ch$action == "dropped"),
       kept_epoch1 = sum(epoch1 & ch$action != "dropped"),
       kept_epoch1_unwarned = if (split_warned) 0L else sum(epoch1 & ch$action != "dropped"),
       warned = split_warned, warnings = unique(warns$warns),
       min_slope = if (length(slopes)) min(slopes) else NA_real_, seconds = secs,
       autoencoder = !isFALSE(fit$pheno_autoencoder))
}

# The networks alone (additive = FALSE), on the same split: the path where an untrained
# network is the model (kept with a warning) and calibration_fit() sets the slopes.
run_networks_only <- function(name, cross) {
  d <- suppressMessages(as_gp_data(cross, x_chr = "drop"))
  parts <- gp_split(d, prop = 0.8, seed = 1)
  warned <- FALSE
  fit <- withCallingHandlers(
    gpatlas(. ~ ., parts$train, gpatlas_control(additive = FALSE, threads = 1, verbose = FALSE)),
    warning = function(w) {
      warned <<- TRUE
      invokeRestart("muffleWarning")
    })
  ch <- fit$network_check
  slopes <- unlist(lapply(fit$calibration, function(cal) if (!is.null(cal)) cal["slope", ]))
  sprintf("%-26s %8d %7d %9d %6s %9.3f %9.3f", name, nrow(ch), sum(ch$kept_epoch %in% 1L),
          sum(ch$untrained), warned, min(slopes),
          stats::median(gp_metrics(fit, parts$test)$per_phenotype$r2))
}

crosses <- list(hyper = load_cross("hyper"), listeria = load_cross("listeria"),
                fake.bc = load_cross("fake.bc"), fake.f2 = load_cross("fake.f2"))
# fill.geno breaks ties at random: seeded so that reruns impute the same calls.
set.seed(1)
crosses[["hyper (fill.geno argmax)"]] <- fill.geno(crosses$hyper, method = "argmax")
res <- lapply(names(crosses), function(nm) run_cross(nm, crosses[[nm]]))
names(res) <- names(crosses)

lines <- c(
  sprintf("# bench/small_crosses.R (%s), %s UTC", label, format(Sys.time(), tz = "UTC")),
  sprintf("# machine: 2 cores (shared), load %s; threads = 1; gpatlas %s, qtl %s",
          paste(scan("/proc/loadavg", what = "", quiet = TRUE)[1:3], collapse = " "),
          as.character(packageVersion("gpatlas")), as.character(packageVersion("qtl"))),
  "", "per cross (split fit; untrained = kept epoch 1 or no better than a constant):",
  sprintf("%-26s %8s %7s %9s %7s %13s %6s %9s %7s %11s", "cross", "networks", "epoch-1",
          "untrained", "dropped", "kept epoch-1", "warned", "min slope", "seconds",
          "autoencoder"))
for (nm in names(res)) {
  r <- res[[nm]]
  lines <- c(lines, sprintf("%-26s %8d %7d %9d %7d %13d %6s %9.3f %7.1f %11s", nm, r$networks,
                            r$epoch1, r$untrained, r$dropped, r$kept_epoch1, r$warned,
                            r$min_slope, r$seconds, r$autoencoder))
}
tab <- do.call(rbind, lapply(res, `[[`, "rows"))
lines <- c(lines, "", paste0("per trait (r2: held out 20%; lod_r2: variance explained by the ",
                             "top scanone QTL, 1 - 10^(-2 LOD / n); chromosomes: scanone top ",
                             "LOD, top importance of the fit on all individuals, of the split ",
                             "fit):"),
           utils::capture.output(print(tab, row.names = FALSE, digits = 3)))
lines <- c(lines, "", "networks alone (additive = FALSE), split fit:",
           sprintf("%-26s %8s %7s %9s %6s %9s %9s", "cross", "networks", "epoch-1", "untrained",
                   "warned", "min slope", "median r2"),
           vapply(names(crosses), function(nm) run_networks_only(nm, crosses[[nm]]), ""))
first <- tab[!duplicated(tab$cross), ]
first <- first[first$cross != "hyper (fill.geno argmax)", ]
lines <- c(lines, "",
           sprintf("first trait of each of the 4 crosses: top chromosome matches scanone in %d of %d",
                   sum(first$match), nrow(first)),
           sprintf("split fit: top chromosome matches scanone in %d of %d",
                   sum(first$imp_chr_split == first$lod_chr), nrow(first)),
           sprintf(paste0("networks that kept stage-2 epoch 1: %d; of them in the model ",
                          "(not dropped): %d, without a warning: %d"),
                   sum(vapply(res, `[[`, 0, "epoch1")),
                   sum(vapply(res, `[[`, 0, "kept_epoch1")),
                   sum(vapply(res, `[[`, 0, "kept_epoch1_unwarned"))),
           sprintf("smallest calibration slope: %.3f",
                   min(vapply(res, `[[`, 0, "min_slope"), na.rm = TRUE)),
           "", "warnings:",
           unlist(lapply(names(res), function(nm) {
             if (length(res[[nm]]$warnings)) paste0("  ", nm, ": ", res[[nm]]$warnings)
           })))
dir.create(dirname(out_file), showWarnings = FALSE, recursive = TRUE)
cat(lines, sep = "\n")
cat(c(lines, "", ""), sep = "\n", file = out_file, append = TRUE)
