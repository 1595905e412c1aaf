# Run time of each vignette against the limit it states: each vignette is rendered to HTML by
# rmarkdown in a fresh R process (package loading, all code, figures and pandoc included),
# and its elapsed and CPU seconds (user + system of the child process) are recorded.
# The machine is shared, so elapsed time depends on the load; CPU time does not. CPU time at
# or below the limit means the limit holds on an idle 2-core machine (there elapsed time is at
# most the CPU time, less where both cores work).
# Usage, from the repository root after `make install`:
#   Rscript bench/vignette_time.R [vignette names...]  (default: all in vignettes/;
#   writes bench/results/vignette_time.txt)
limits <- c("getting-started" = 60, "gpatlas-vs-linear" = 120, qtl2 = 120)
args <- commandArgs(trailingOnly = TRUE)
names <- if (length(args)) args else names(limits)
# Kept after the run (R removes its own tempdir() on exit): HTML and figure files to inspect.
out_dir <- file.path(dirname(tempdir()), "gpatlas-vignette-time")
dir.create(out_dir, showWarnings = FALSE)
rscript <- file.path(R.home("bin"), "Rscript")

time_one <- function(name) {
  src <- normalizePath(file.path("vignettes", paste0(name, ".Rmd")))
  code <- sprintf("rmarkdown::render('%s', output_dir = '%s', intermediates_dir = '%s', quiet = TRUE, clean = FALSE)",
                  src, out_dir, out_dir)
  load_before <- readLines("/proc/loadavg", warn = FALSE)
  t <- system.time(status <- system2(rscript, c("-e", shQuote(code)), stdout = FALSE,
                                     stderr = file.path(out_dir, paste0(name, ".log"))))
  if (status != 0L) {
    stop(sprintf("rendering %s failed; log: %s", name, file.path(out_dir, paste0(name, ".log"))))
  }
  data.frame(vignette = name, limit_s = unname(limits[name]),
             elapsed_s = round(t[["elapsed"]], 1),
             cpu_s = round(t[["user.child"]] + t[["sys.child"]], 1),
             elapsed_met = t[["elapsed"]] <= limits[name],
             cpu_met = t[["user.child"]] + t[["sys.child"]] <= limits[name],
             load_before = strsplit(load_before, " ")[[1]][1])
}

res <- do.call(rbind, lapply(names, time_one))
out <- c(sprintf("# bench/vignette_time.R, %d processors, load %s, %s",
                 parallel::detectCores(), readLines("/proc/loadavg", warn = FALSE),
                 format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")),
         "# elapsed and CPU seconds of rendering each vignette in a fresh R process",
         utils::capture.output(print(res, row.names = FALSE)))
dir.create("bench/results", showWarnings = FALSE)
writeLines(out, "bench/results/vignette_time.txt")
writeLines(out)
