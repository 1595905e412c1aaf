library(testthat)
library(gpatlas)

test_check("gpatlas")
