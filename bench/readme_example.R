# The README's yeast example, timed: the default fit on the shipped BYxRM cross (sequential
# split), held-out metrics, and locus importance against the published QTL (the README figure,
# man/figures/README-yeast-importance.png).
# Usage, from the repository root after `make install`:
#   Rscript bench/readme_example.R [threads]   (default 2; writes bench/results/readme_example.txt)
suppressPackageStartupMessages({
  library(gpatlas)
  library(ggplot2)
})
args <- commandArgs(trailingOnly = TRUE)
threads <- if (length(args)) as.integer(args[1]) else 2L
out <- character()
dir.create("bench/results", showWarnings = FALSE)
say <- function(...) {
  txt <- c(...)
  out <<- c(out, txt)
  writeLines(txt)
  writeLines(out, "bench/results/readme_example.txt")
}
timed <- function(label, expr) {
  t <- system.time(value <- expr)
  say(sprintf("## %s: %.1f s elapsed, %.1f s CPU", label, t[["elapsed"]],
              t[["user.self"]] + t[["sys.self"]] + t[["user.child"]] + t[["sys.child"]]))
  value
}
say(sprintf("# bench/readme_example.R, %d processors, threads = %d, load %s, %s",
            parallel::detectCores(), threads, readLines("/proc/loadavg", warn = FALSE),
            format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")))

parts <- gp_split(byxrm, prop = 0.8, method = "sequential")
ctl <- gpatlas_control(seed = 1, threads = threads, verbose = FALSE)
fit <- timed("gpatlas() default fit", gpatlas(. ~ ., parts$train, control = ctl))
say(capture.output(print(fit)))
m <- timed("gp_metrics()", gp_metrics(fit, parts$test))
say(capture.output(print(m)))
imp <- timed("gp_importance()", gp_importance(fit, parts$test, verbose = FALSE))
say(capture.output(print(head(imp$loci[order(imp$loci$rank), ], 5))))

strong <- byxrm_qtl[byxrm_qtl$lod >= 20, ]
p <- autoplot(imp, qtl = strong) +
  labs(title = "Which loci the model uses: 46 yeast growth traits",
       subtitle = sprintf("Importance on 202 held-out segregants; shaded: %d published QTL, LOD >= 20",
                          nrow(strong)))
dir.create("man/figures", showWarnings = FALSE, recursive = TRUE)
ggsave("man/figures/README-yeast-importance.png", p, width = 7, height = 3.2, dpi = 110)

