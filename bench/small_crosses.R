# The default model on the four example crosses of R/qtl (hyper, listeria, fake.bc, fake.f2),
# against qtl::scanone: per cross, held-out R^2 on a 80/20 split (gp_split, seed 1), the
# networks whose early stopping kept stage-2 epoch 1 (and whether the fit said so), the
# smallest per-trait calibration slope of the networks, the top chromosome of the locus
# importance (gp_importance on all individuals, per trait) against the top LOD chromosome of
# scanone (Haley-Knott, autosomes, all individuals), and the fit's run time. `hyper` has about
# half of its calls missing: it is also run after qtl::fill.geno(method = "argmax").
#
# Usage: Rscript bench/small_crosses.R [label]   (results: bench/results/small_crosses.txt)
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

run_cross <- function(name, cross) {
  warns <- character()
  d <- suppressMessages(as_gp_data(cross))
  parts <- gp_split(d, prop = 0.8, seed = 1)
  secs <- system.time(fit <- withCallingHandlers(
    gpatlas(. ~ ., parts$train, gpatlas_control(threads = 1, verbose = FALSE)),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    }))[["elapsed"]]
  r2 <- gp_metrics(fit, parts$test)$per_phenotype$r2
  h <- fit$history
  s2 <- h[h$stage == 2 & h$kept, , drop = FALSE]
  epoch1 <- sum(s2$epoch == 1L)
  slopes <- unlist(lapply(fit$calibration, function(cal) if (!is.null(cal)) cal["slope", ]))
  imp <- gp_importance(fit, d, verbose = FALSE)
  rows <- lapply(fit$traits, function(tr) {
    lod <- top_lod_chr(cross, tr)
    data.frame(cross = name, trait = tr, n_train = nrow(parts$train$pheno),
               n_test = nrow(parts$test$pheno), r2 = r2[match(tr, fit$traits)],
               lod_chr = lod[["chr"]], lod = as.numeric(lod[["lod"]]),
               imp_chr = top_importance_chr(imp, fit, tr), stringsAsFactors = FALSE)
  })
  rows <- do.call(rbind, rows)
  rows$match <- rows$lod_chr == rows$imp_chr
  list(rows = rows, networks = nrow(s2), epoch1 = epoch1,
       warned = length(warns) > 0L, warnings = unique(warns),
       min_slope = if (length(slopes)) min(slopes) else NA_real_, seconds = secs,
       autoencoder = !is.null(fit$pheno_params) || isTRUE(fit$control$epochs_pheno > 0))
}

crosses <- list(hyper = load_cross("hyper"), listeria = load_cross("listeria"),
                fake.bc = load_cross("fake.bc"), fake.f2 = load_cross("fake.f2"))
crosses[["hyper (fill.geno argmax)"]] <- fill.geno(crosses$hyper, method = "argmax")
res <- lapply(names(crosses), function(nm) run_cross(nm, crosses[[nm]]))
names(res) <- names(crosses)

lines <- c(
  sprintf("# bench/small_crosses.R (%s), %s UTC", label, format(Sys.time(), tz = "UTC")),
  sprintf("# machine: 2 cores (shared), load %s; threads = 1; gpatlas %s, qtl %s",
          paste(scan("/proc/loadavg", what = "", quiet = TRUE)[1:3], collapse = " "),
          as.character(packageVersion("gpatlas")), as.character(packageVersion("qtl"))),
  "", "per cross:",
  sprintf("%-26s %9s %11s %8s %9s %8s", "cross", "networks", "epoch-1", "warned",
          "min slope", "seconds"))
for (nm in names(res)) {
  r <- res[[nm]]
  lines <- c(lines, sprintf("%-26s %9d %11d %8s %9.3f %8.1f", nm, r$networks, r$epoch1,
                            r$warned, r$min_slope, r$seconds))
}
tab <- do.call(rbind, lapply(res, `[[`, "rows"))
lines <- c(lines, "", "per trait (R^2 on the 20% held out; chromosomes: scanone top LOD vs top importance):",
           utils::capture.output(print(tab, row.names = FALSE, digits = 3)))
first <- tab[!duplicated(tab$cross), ]
first <- first[first$cross != "hyper (fill.geno argmax)", ]
lines <- c(lines, "",
           sprintf("first trait of each of the 4 crosses: top chromosome matches scanone in %d of %d",
                   sum(first$match), nrow(first)),
           sprintf("networks kept at stage-2 epoch 1: %d (in fits that warned: %d)",
                   sum(vapply(res, `[[`, 0, "epoch1")),
                   sum(vapply(res, function(r) if (r$warned) r$epoch1 else 0, 0))),
           sprintf("smallest calibration slope: %.3f",
                   min(vapply(res, `[[`, 0, "min_slope"), na.rm = TRUE)),
           "", "warnings:",
           unlist(lapply(names(res), function(nm) {
             if (length(res[[nm]]$warnings)) paste0("  ", nm, ": ", res[[nm]]$warnings)
           })))
dir.create(dirname(out_file), showWarnings = FALSE, recursive = TRUE)
cat(lines, sep = "\n")
cat(c(lines, "", ""), sep = "\n", file = out_file, append = TRUE)
