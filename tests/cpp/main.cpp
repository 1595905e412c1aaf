// Entry point of the Catch2 test executable; kept alone so the test files rebuild faster.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
