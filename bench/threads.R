# Fit time by thread count and OpenMP wait policy, on a machine kept busy by another process.
# Usage: Rscript bench/threads.R            (writes bench/results/threads.txt)
# Each cell is a fresh Rscript process (the wait policy is read when OpenMP loads); a second
# process spins on one core throughout the "busy" rows, as a shared CI machine would.
script <- tempfile(fileext = ".R")
writeLines(c(
  "suppressMessages(library(gpatlas))",
  "sim <- gp_simulate(n = 300, n_loci = 1000, n_phenotypes = 10, n_causal = 5, seed = 1)",
  "threads <- as.integer(commandArgs(TRUE)[1])",
  "ctl <- gpatlas_control(epochs_pheno = 20, epochs_geno = 20, n_seeds = 1, patience = 0,",
  "                       lr_drops = 0, threads = threads, verbose = FALSE)",
  "t <- system.time(fit <- gpatlas(. ~ ., sim, ctl))[['elapsed']]",
  "cat(t, digest::digest(predict(fit, sim)), '\\n')"
), script)
run <- function(threads, policy) {
  env <- c(sprintf("OMP_WAIT_POLICY=%s", policy))
  out <- system2("env", c(env, file.path(R.home("bin"), "Rscript"), script, threads),
                 stdout = TRUE)
  parts <- strsplit(trimws(tail(out, 1)), " ")[[1]]
  list(seconds = as.numeric(parts[1]), hash = parts[2])
}
busy_start <- function() {
  pid_file <- tempfile()
  system(sprintf("sh -c 'echo $$ > %s; exec yes > /dev/null' &", pid_file))
  Sys.sleep(0.5)
  readLines(pid_file)
}
rows <- list()
for (load in c("idle", "busy")) {
  pid <- if (load == "busy") busy_start()
  for (policy in c("PASSIVE", "ACTIVE")) {
    for (threads in 1:2) {
      r <- run(threads, policy)
      rows[[length(rows) + 1L]] <- data.frame(load = load, policy = policy, threads = threads,
                                              seconds = r$seconds, predictions = r$hash)
    }
  }
  if (!is.null(pid)) tools::pskill(as.integer(pid))
}
res <- do.call(rbind, rows)
out <- c(sprintf("# bench/threads.R on %s, %d processors, %s", Sys.info()[["nodename"]],
                 parallel::detectCores(), format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")),
         capture.output(print(res, row.names = FALSE)),
         sprintf("distinct predictions across all runs: %d", length(unique(res$predictions))))
dir.create("bench/results", showWarnings = FALSE)
writeLines(out, "bench/results/threads.txt")
writeLines(out)
