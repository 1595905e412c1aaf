// Feature-ablation importance of genotype and phenotype inputs, fast exact path and slow reference.
#include <stdexcept>

#include "nets.h"

namespace gpatlas {

namespace {

// Double precision: importance is a difference of two nearly equal outputs, so float rounding
// would dominate the small effects that rank loci.
struct EvalNets {
  Nets nets;
  EvalNets(const ParamList& params, const Control& arch, int n_pheno, int64_t features)
      : nets(arch, n_pheno, features) {
    if (features > 0) {
      nets.import_params(params);
    } else {
      nets.import_pheno_params(params);
    }
    nets.eval();
    nets.pheno_encoder->to(torch::kDouble);
    nets.decoder->to(torch::kDouble);
    nets.geno_rest->to(torch::kDouble);
  }
  torch::Tensor from_pre(const torch::Tensor& pre) {
    return nets.decoder->forward(nets.geno_rest->forward(pre));
  }
  torch::Tensor from_pheno(const torch::Tensor& y) {
    return nets.decoder->forward(nets.pheno_encoder->forward(y));
  }
};

void require_observed(const PhenoData* observed, int n, int m, ImportanceStat stat) {
  if (stat != ImportanceStat::mse) return;
  if (!observed) throw std::invalid_argument("the mse statistic needs observed phenotypes");
  if (observed->n != n || observed->m != m)
    throw std::invalid_argument("observed phenotypes do not match the data");
}

// Observed row i and its mask as double tensors (1 x m).
std::pair<torch::Tensor, torch::Tensor> observed_row(const PhenoData& obs, int64_t i) {
  auto y = torch::empty({1, obs.m}, torch::kDouble);
  auto w = torch::empty({1, obs.m}, torch::kDouble);
  for (int k = 0; k < obs.m; ++k) {
    const size_t idx = static_cast<size_t>(i) * obs.m + k;
    y[0][k] = obs.observed[idx] ? static_cast<double>(obs.values[idx]) : 0.0;
    w[0][k] = obs.observed[idx] ? 1.0 : 0.0;
  }
  return {y, w};
}

torch::Tensor row_mse(const torch::Tensor& pred, const torch::Tensor& y, const torch::Tensor& w) {
  return ((pred - y).pow(2) * w).sum(1) / w.sum().clamp_min(1.0);
}

// Per-row statistic e and per-phenotype squared change for perturbed outputs `alt` (k x m)
// against the unperturbed output `base` (1 x m).
torch::Tensor statistic(const torch::Tensor& alt, const torch::Tensor& base, ImportanceStat stat,
                        const torch::Tensor& y, const torch::Tensor& w) {
  if (stat == ImportanceStat::prediction) return (alt - base).pow(2).mean(1).sqrt();
  return row_mse(alt, y, w) - row_mse(base, y, w);
}

void store(ImportanceResult& res, int64_t i, const std::vector<int64_t>& feats,
           const torch::Tensor& e, const torch::Tensor& sq_change) {
  auto e_acc = e.accessor<double, 1>();
  auto sq = sq_change.accessor<double, 2>();
  for (size_t q = 0; q < feats.size(); ++q) {
    const int64_t j = feats[q];
    res.per_individual[static_cast<size_t>(i) * res.features + j] = e_acc[q];
    for (int k = 0; k < res.m; ++k) res.per_phenotype[static_cast<size_t>(j) * res.m + k] += sq[q][k];
  }
}

void finish(ImportanceResult& res) {
  if (res.n > 0)
    for (auto& v : res.per_phenotype) v /= res.n;
}

ImportanceResult empty_result(int n, int features, int m) {
  ImportanceResult res;
  res.n = n;
  res.features = features;
  res.m = m;
  res.per_individual.assign(static_cast<size_t>(n) * features, 0.0);
  res.per_phenotype.assign(static_cast<size_t>(features) * m, 0.0);
  return res;
}

}  // namespace

ImportanceResult genotype_importance(const ParamList& params, const Control& arch, int n_pheno,
                                     const GenoData& geno, const PhenoData* observed,
                                     ImportanceStat stat, const Callbacks& cb) {
  check_geno(geno);
  require_observed(observed, geno.n, n_pheno, stat);
  torch::NoGradGuard guard;
  const int64_t F = geno.features();
  EvalNets ev(params, arch, n_pheno, F);
  const auto w1t = ev.nets.w1t;  // features x hidden, float
  const auto b1 = ev.nets.b1.to(torch::kDouble);
  ImportanceResult res = empty_result(geno.n, static_cast<int>(F), n_pheno);
  const int64_t chunk = 2048;
  torch::Tensor y, w;
  for (int64_t i = 0; i < geno.n; ++i) {
    if (cb.interrupted && cb.interrupted()) throw Interrupted();
    std::vector<int64_t> active;
    active.reserve(geno.loci);
    const uint8_t* codes = geno.codes.data() + i * static_cast<int64_t>(geno.loci);
    for (int64_t l = 0; l < geno.loci; ++l)
      if (codes[l] != kMissingCode) active.push_back(l * geno.alleles + codes[l]);
    if (stat == ImportanceStat::mse) std::tie(y, w) = observed_row(*observed, i);
    auto idx_all = torch::from_blob(active.data(), {static_cast<int64_t>(active.size())}, torch::kLong);
    auto pre = (b1 + w1t.index_select(0, idx_all).to(torch::kDouble).sum(0)).unsqueeze(0);
    auto base = ev.from_pre(pre);
    for (size_t s = 0; s < active.size(); s += chunk) {
      const int64_t len = std::min<int64_t>(chunk, static_cast<int64_t>(active.size() - s));
      std::vector<int64_t> feats(active.begin() + s, active.begin() + s + len);
      auto idx = torch::from_blob(feats.data(), {len}, torch::kLong);
      auto alt = ev.from_pre(pre - w1t.index_select(0, idx).to(torch::kDouble));
      store(res, i, feats, statistic(alt, base, stat, y, w), (alt - base).pow(2));
    }
    if (cb.progress) cb.progress({3, static_cast<int>(i + 1), geno.n, 0.0, 0.0});
  }
  finish(res);
  return res;
}

ImportanceResult genotype_importance_slow(const ParamList& params, const Control& arch,
                                          int n_pheno, const GenoData& geno,
                                          const PhenoData* observed, ImportanceStat stat) {
  check_geno(geno);
  require_observed(observed, geno.n, n_pheno, stat);
  torch::NoGradGuard guard;
  const int64_t F = geno.features();
  EvalNets ev(params, arch, n_pheno, F);
  const auto w = ev.nets.w1t.to(torch::kDouble);
  const auto b1 = ev.nets.b1.to(torch::kDouble);
  ImportanceResult res = empty_result(geno.n, static_cast<int>(F), n_pheno);
  torch::Tensor y, mask;
  for (int64_t i = 0; i < geno.n; ++i) {
    if (stat == ImportanceStat::mse) std::tie(y, mask) = observed_row(*observed, i);
    auto x = onehot_rows(geno, &i, 1).to(torch::kDouble);
    auto base = ev.from_pre(torch::addmm(b1, x, w));
    std::vector<int64_t> one(1);
    for (int64_t j = 0; j < F; ++j) {
      auto xa = x.clone();
      xa[0][j] = 0.0;
      auto alt = ev.from_pre(torch::addmm(b1, xa, w));
      one[0] = j;
      store(res, i, one, statistic(alt, base, stat, y, mask), (alt - base).pow(2));
    }
  }
  finish(res);
  return res;
}

ImportanceResult phenotype_importance(const ParamList& params, const Control& arch,
                                      const PhenoData& pheno, const PhenoData* observed,
                                      ImportanceStat stat) {
  require_observed(observed, pheno.n, pheno.m, stat);
  torch::NoGradGuard guard;
  EvalNets ev(params, arch, pheno.m, 0);
  auto x = pheno_tensor(pheno).to(torch::kDouble);
  ImportanceResult res = empty_result(pheno.n, pheno.m, pheno.m);
  auto base = ev.from_pheno(x);
  torch::Tensor y, w;
  std::vector<int64_t> one(1);
  for (int64_t j = 0; j < pheno.m; ++j) {
    auto xa = x.clone();
    xa.select(1, j).zero_();
    auto alt = ev.from_pheno(xa);
    for (int64_t i = 0; i < pheno.n; ++i) {
      if (stat == ImportanceStat::mse) std::tie(y, w) = observed_row(*observed, i);
      auto a = alt.narrow(0, i, 1), b = base.narrow(0, i, 1);
      one[0] = j;
      store(res, i, one, statistic(a, b, stat, y, w), (a - b).pow(2));
    }
  }
  finish(res);
  return res;
}

}  // namespace gpatlas
