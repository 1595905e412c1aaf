// The core's thread count: our kernels follow it; LibTorch's own pool and OpenBLAS stay at one.
#include "parallel.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <omp.h>

namespace gpatlas {

namespace {

int g_threads = 1;

// OpenBLAS keeps a pool of its own, set through its C entry point when that library is loaded
// (with another BLAS nothing happens). Its products round differently on two threads than on
// one (a stage-2 fit moved in the 8th digit), and the products of our networks are small next to
// the fused optimizer step, so it runs on one thread.
void set_blas_threads(int n) {
  using SetFn = void (*)(int);
  static SetFn set = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set) set(n);
}

}  // namespace

int core_threads() { return g_threads; }

int hardware_threads() { return std::max(1, omp_get_num_procs()); }

void set_core_threads(int n) {
  const int hw = hardware_threads();
  g_threads = n <= 0 ? hw : std::min(n, hw);
  if (at::get_num_threads() != 1) at::set_num_threads(1);
  set_blas_threads(1);
}

}  // namespace gpatlas
