# The bad-input catalogue and the reader fuzzing (cases in helper-catalogue-cases.R and
# helper-fuzz.R) run in child R processes: a crash or a hang fails the case, not the suite.

catalogue_report <- function(res) {
  failed <- res[res$status != "pass", , drop = FALSE]
  paste(sprintf("%s: %s (%s)", failed$id, failed$status, failed$message), collapse = "\n")
}

# Cases that need a suggested package run only where it is installed.
usable_cases <- function(cases) {
  ids <- vapply(cases, `[[`, character(1), "id")
  keep <- rep(TRUE, length(ids))
  if (!requireNamespace("qtl", quietly = TRUE)) keep <- keep & !startsWith(ids, "cross-")
  if (!requireNamespace("ggplot2", quietly = TRUE)) keep <- keep & !startsWith(ids, "plot-")
  cases[keep]
}

test_that("the harness notices crashes, hangs, wrong errors and wrong results", {
  skip_if_not_installed("callr")
  k <- cat_case
  cases <- list(
    k("self-crash", "tools::pskill(Sys.getpid(), tools::SIGKILL); Sys.sleep(5)", ok = "TRUE"),
    k("self-hang", "Sys.sleep(60)", ok = "TRUE"),
    k("self-no-error", "1 + 1", error = "anything"),
    k("self-wrong-error", "stop('one message')", error = "another message"),
    k("self-wrong-result", "1 + 1", ok = "value == 3"),
    k("self-missing-warning", "1", ok = "TRUE", warning = "careful"),
    k("self-pass-after-crash", "sqrt(4)", ok = "value == 2")
  )
  res <- run_catalogue(cases, timeout = 5)
  expect_identical(res$status, c("crash", "hang", "no error", "wrong error", "wrong result",
                                 "missing warning", "pass"))
})

test_that("every catalogued bad input ends in a clear error or a correct result", {
  skip_if_not_installed("callr")
  cases <- usable_cases(catalogue_cases())
  expect_gte(length(cases), 250L)
  res <- run_catalogue(cases)
  expect(all(res$status == "pass"), catalogue_report(res))
  expect_identical(nrow(res), length(cases))
})

test_that("truncated and damaged files end in a clear error or a correct result", {
  skip_if_not_installed("callr")
  cases <- fuzz_cases()
  expect_gte(length(cases), 300L)
  res <- run_catalogue(cases)
  expect(all(res$status == "pass"), catalogue_report(res))
  expect_identical(nrow(res), length(cases))
})
