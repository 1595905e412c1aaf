// Feature-ablation importance of genotype and phenotype inputs, fast exact path and slow reference.
#include <algorithm>
#include <functional>
#include <stdexcept>

#include "nets.h"
#include "parallel.h"

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

// The output map as a function on (k x m) double outputs; the identity without one.
std::function<torch::Tensor(const torch::Tensor&)> output_fn(const OutputMap* map, int m) {
  if (!map) return [](const torch::Tensor& t) { return t; };
  if (static_cast<int>(map->shift.size()) != m || static_cast<int>(map->scale.size()) != m)
    throw std::invalid_argument("the output map needs one shift and one scale per phenotype");
  auto shift = torch::tensor(map->shift, torch::kDouble).unsqueeze(0);
  auto scale = torch::tensor(map->scale, torch::kDouble).unsqueeze(0);
  return [shift, scale](const torch::Tensor& t) { return t * scale + shift; };
}

// Adds the additive path to the network's unperturbed (1 x m) and perturbed (k x m) outputs of
// individual i for ablated features `feats` with one-hot values `x` (k), and keeps only the
// parts the map asks for.
struct AdditiveView {
  const OutputMap* map = nullptr;
  const GenoData* geno = nullptr;
  torch::Tensor base, coef;  // n x m, features x m (double, views of the map's vectors)
  // For each locus, the pair terms it enters.
  std::vector<std::vector<int>> terms_of;
  AdditiveView(const OutputMap* m, const GenoData& g, int64_t features, int n_pheno)
      : map(m), geno(&g) {
    if (!m || !m->has_additive()) return;
    const int64_t n = g.n;
    if (static_cast<int64_t>(m->additive_base.size()) != n * n_pheno ||
        static_cast<int64_t>(m->additive_coef.size()) != features * n_pheno)
      throw std::invalid_argument("the additive path needs n x m predictions and features x m "
                                  "coefficients");
    auto* pb = const_cast<double*>(m->additive_base.data());
    auto* pc = const_cast<double*>(m->additive_coef.data());
    base = torch::from_blob(pb, {n, n_pheno}, torch::kDouble);
    coef = torch::from_blob(pc, {features, n_pheno}, torch::kDouble);
    if (m->pair_terms.empty()) return;
    terms_of.resize(static_cast<size_t>(g.loci));
    for (size_t t = 0; t < m->pair_terms.size(); ++t) {
      const auto& pt = m->pair_terms[t];
      const bool ok = pt.trait >= 0 && pt.trait < n_pheno && pt.locus1 >= 0 &&
                      pt.locus1 < g.loci && pt.locus2 >= 0 && pt.locus2 < g.loci &&
                      pt.allele1 >= 0 && pt.allele1 < g.alleles && pt.allele2 >= 0 &&
                      pt.allele2 < g.alleles && pt.locus1 != pt.locus2;
      if (!ok) throw std::invalid_argument("a pair term names a trait, locus or allele "
                                           "outside the model");
      terms_of[static_cast<size_t>(pt.locus1)].push_back(static_cast<int>(t));
      terms_of[static_cast<size_t>(pt.locus2)].push_back(static_cast<int>(t));
    }
  }
  bool active() const { return base.defined(); }
  // A side is linear in the locus's inputs: removing a unit of input of `allele` at its locus
  // lowers it by ([allele == the side's allele] - centre). The term's change per unit removed
  // is the weight times that and the other side. For a call, removing the carried allele
  // leaves the locus without a call and removes the term: the change is the term's value.
  double term_change(int64_t i, const OutputMap::PairTerm& pt, int64_t locus,
                     int64_t allele) const {
    const double s1 = locus == pt.locus1
                          ? (allele == pt.allele1 ? 1.0 : 0.0) - pt.centre1
                          : geno->pair_side(i, pt.locus1, pt.allele1, pt.centre1);
    const double s2 = locus == pt.locus2
                          ? (allele == pt.allele2 ? 1.0 : 0.0) - pt.centre2
                          : geno->pair_side(i, pt.locus2, pt.allele2, pt.centre2);
    return pt.weight * s1 * s2;
  }
  void apply(int64_t i, const std::vector<int64_t>& feats, const torch::Tensor& x,
             torch::Tensor& base_out, torch::Tensor& alt_out) const {
    if (!active()) return;
    const auto off = base.narrow(0, i, 1);
    if (!map->ablate_network) alt_out = base_out.expand_as(alt_out).clone();
    base_out = base_out + off;
    alt_out = alt_out + off;
    if (!map->ablate_additive) return;
    auto idx = torch::tensor(feats, torch::kLong);
    auto change = coef.index_select(0, idx) * x.unsqueeze(1);
    if (!terms_of.empty()) {
      auto acc = change.accessor<double, 2>();
      auto xv = x.accessor<double, 1>();
      for (size_t q = 0; q < feats.size(); ++q) {
        if (xv[q] == 0.0) continue;
        const int64_t locus = feats[q] / geno->alleles, allele = feats[q] % geno->alleles;
        for (const int t : terms_of[static_cast<size_t>(locus)]) {
          const auto& pt = map->pair_terms[static_cast<size_t>(t)];
          acc[q][pt.trait] += xv[q] * term_change(i, pt, locus, allele);
        }
      }
    }
    alt_out = alt_out - change;
  }
};

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

// The fast path's view of the evaluated genotype network (float weights of the first two
// layers, the first BatchNorm as an affine map) and the double layers after the second Linear.
struct FastNet {
  using OutFn = std::function<torch::Tensor(const torch::Tensor&)>;
  EvalNets* ev;
  const OutFn* out_map;
  bool hidden;
  torch::nn::LinearImpl* lin2;
  torch::Tensor a1, c1, a2t, a1f, b1;
  int64_t H, D;
  float slope;
  const float *w1, *pa1, *pa2t;

  FastNet(EvalNets& e, const Control& arch, const OutFn& out)
      : ev(&e), out_map(&out), hidden(arch.geno_hidden > 0), H(geno_first_width(arch)) {
    auto& rest = ev->nets.geno_rest;
    // In eval mode BatchNorm is affine: bn(x) = a * x + c.  Ablating feature j moves the first
    // hidden layer's input by -a * W[:, j]; the change of the LeakyReLU output is then formed
    // directly (no difference of two large numbers), and pushed through the second Linear as
    // one matrix product per chunk.  Deeper layers are small and run in double.
    auto bn1 = rest->ptr(0)->as<torch::nn::BatchNorm1d>();
    a1 = (bn1->weight / torch::sqrt(bn1->running_var + bn1->options.eps())).contiguous();
    c1 = (bn1->bias - bn1->running_mean * a1).contiguous();
    // Without a hidden layer the first layer's activation is the latent code: the second
    // Linear becomes the identity and the tail is the decoder alone.
    lin2 = hidden ? rest->ptr(2)->as<torch::nn::Linear>() : nullptr;
    a2t = hidden ? lin2->weight.to(torch::kFloat).t().contiguous()  // hidden x latent
                 : torch::eye(H, torch::kFloat);
    slope = static_cast<float>(arch.leaky_slope);
    w1 = ev->nets.w1t.data_ptr<float>();
    a1f = a1.to(torch::kFloat).contiguous();
    pa1 = a1f.data_ptr<float>();
    D = a2t.size(1);
    pa2t = a2t.data_ptr<float>();
    b1 = ev->nets.b1.to(torch::kDouble);
  }
  torch::Tensor second(const torch::Tensor& act) const { return hidden ? lin2->forward(act) : act; }
  torch::Tensor tail(const torch::Tensor& latent_pre) const {
    auto& rest = ev->nets.geno_rest;
    if (!hidden) return (*out_map)(ev->nets.decoder->forward(latent_pre));
    return (*out_map)(ev->nets.decoder->forward(rest->ptr(4)->as<torch::nn::LeakyReLU>()->forward(
        rest->ptr(3)->as<torch::nn::BatchNorm1d>()->forward(latent_pre))));
  }
};

// One individual's carried alleles, observed row and unperturbed pass: the first layer's
// normalized input z (as float zf), its LeakyReLU output lz and slope sz, and the outputs.
struct Individual {
  std::vector<int64_t> active;  // features with a non-zero input
  std::vector<float> value;     // their inputs (1 for calls)
  std::vector<double> pre;
  std::vector<float> zf, lz, sz;
  torch::Tensor y, w, latent_base, base;
  explicit Individual(int64_t H)
      : pre(static_cast<size_t>(H)), zf(static_cast<size_t>(H)), lz(static_cast<size_t>(H)),
        sz(static_cast<size_t>(H)) {}
};

// The features of individual i's carried alleles (a locus without a call has none), or with
// probabilities every feature of non-zero probability; and their input values.
void carried_features(const GenoData& geno, int64_t i, Individual& ind) {
  ind.active.clear();
  ind.value.clear();
  if (geno.soft()) {
    const int64_t F = geno.features();
    const float* p = geno.probs.data() + i * F;
    for (int64_t j = 0; j < F; ++j)
      if (p[j] != 0.0f) {
        ind.active.push_back(j);
        ind.value.push_back(p[j]);
      }
    return;
  }
  const uint8_t* codes = geno.codes.data() + i * static_cast<int64_t>(geno.loci);
  for (int64_t l = 0; l < geno.loci; ++l)
    if (codes[l] != kMissingCode) {
      ind.active.push_back(l * geno.alleles + codes[l]);
      ind.value.push_back(1.0f);
    }
}

void unperturbed(const FastNet& net, Individual& ind) {
  const int64_t H = net.H;
  const float* w1 = net.w1;
  const std::vector<int64_t>& active = ind.active;
  const std::vector<float>& value = ind.value;
  const bool ones = std::all_of(value.begin(), value.end(), [](float v) { return v == 1.0f; });
  std::vector<double>& pre = ind.pre;
  // First pre-activation in double, summed over the carried alleles without temporaries.
  const double* pb1 = net.b1.data_ptr<double>();
  parallel_ranges(H, 256, [&](int64_t h0, int64_t h1) {
    for (int64_t h = h0; h < h1; ++h) pre[h] = pb1[h];
    for (size_t q = 0; q < active.size(); ++q) {
      const float* wj = w1 + active[q] * H;
      if (ones) {
        for (int64_t h = h0; h < h1; ++h) pre[h] += wj[h];
      } else {
        const double v = value[q];
        for (int64_t h = h0; h < h1; ++h) pre[h] += v * wj[h];
      }
    }
  });
  const auto pre_t = torch::from_blob(pre.data(), {H}, torch::kDouble);
  const auto z = (net.a1 * pre_t + net.c1).contiguous();
  const auto hb = torch::where(z > 0, z, z * static_cast<double>(net.slope));
  ind.latent_base = net.second(hb.unsqueeze(0));
  ind.base = net.tail(ind.latent_base);
  const double* pz = z.data_ptr<double>();
  for (int64_t h = 0; h < H; ++h) {
    ind.zf[h] = static_cast<float>(pz[h]);
    ind.sz[h] = pz[h] > 0 ? 1.0f : net.slope;
    ind.lz[h] = ind.zf[h] * ind.sz[h];
  }
}

// Four features at a time: their hidden-layer changes are formed in a small buffer, then
// multiplied into the latent layer with four independent accumulator rows, which keeps
// the FMA units busy instead of waiting on one dependency chain.
constexpr int64_t kGroup = 4;

// Hidden-layer changes dh (kGroup x H) of ablating the nq <= kGroup features feats of inputs
// vals; rows past nq are zero.
void hidden_changes(const FastNet& net, const Individual& ind, const int64_t* feats,
                    const float* vals, int64_t nq, float* dh) {
  const int64_t H = net.H;
  const float slope = net.slope;
  const float *w1 = net.w1, *pa1 = net.pa1;
  const float *zf = ind.zf.data(), *sz = ind.sz.data(), *lz = ind.lz.data();
  for (int64_t f = 0; f < kGroup; ++f) {
    float* out = dh + f * H;
    if (f >= nq) {
      std::fill(out, out + H, 0.0f);
      continue;
    }
    const float* wj = w1 + feats[f] * H;
    const float v = vals[f];
    // Change of the LeakyReLU output: linear in the shift unless its sign flips,
    // where the shift is as large as the input and the direct difference is accurate.
#pragma omp simd
    for (int64_t h = 0; h < H; ++h) {
      const float wp = pa1[h] * wj[h] * v;
      const float u = zf[h] - wp;
      const float lu = u > 0 ? u : slope * u;
      const bool same = (u > 0) == (zf[h] > 0);
      out[h] = same ? -sz[h] * wp : lu - lz[h];
    }
  }
}

// Latent changes acc (kGroup x D) of the hidden-layer changes dh through the second Linear.
void latent_changes(const FastNet& net, const float* dh, std::vector<float>& acc) {
  const int64_t H = net.H, D = net.D;
  const float* pa2t = net.pa2t;
  std::fill(acc.begin(), acc.end(), 0.0f);
  float* a0 = acc.data();
  float* a1r = a0 + D;
  float* a2r = a0 + 2 * D;
  float* a3r = a0 + 3 * D;
  const float* d0 = dh;
  for (int64_t h = 0; h < H; ++h) {
    const float* row = pa2t + h * D;
    const float x0 = d0[h], x1 = d0[H + h], x2 = d0[2 * H + h], x3 = d0[3 * H + h];
#pragma omp simd
    for (int64_t k = 0; k < D; ++k) {
      a0[k] += x0 * row[k];
      a1r[k] += x1 * row[k];
      a2r[k] += x2 * row[k];
      a3r[k] += x3 * row[k];
    }
  }
}

// Latent changes of groups g0 .. g1 of the chunk's features, written to rows of pdl (len x D).
void group_range(const FastNet& net, const Individual& ind, const std::vector<int64_t>& feats,
                 const std::vector<float>& vals, int64_t g0, int64_t g1, double* pdl) {
  const int64_t len = static_cast<int64_t>(feats.size()), D = net.D;
  std::vector<float> dh(static_cast<size_t>(kGroup * net.H));
  std::vector<float> acc(static_cast<size_t>(kGroup * D));
  for (int64_t grp = g0; grp < g1; ++grp) {
    const int64_t q0 = grp * kGroup, nq = std::min(kGroup, len - q0);
    hidden_changes(net, ind, feats.data() + q0, vals.data() + q0, nq, dh.data());
    latent_changes(net, dh.data(), acc);
    for (int64_t f = 0; f < nq; ++f)
      for (int64_t k = 0; k < D; ++k) pdl[(q0 + f) * D + k] = acc[f * D + k];
  }
}

// Ablates the features feats (inputs vals) of individual i (one chunk of its carried alleles)
// and stores their statistics; dlat (chunk x D) is scratch for the latent changes.
void ablate_chunk(const FastNet& net, const Individual& ind, const std::vector<int64_t>& feats,
                  const std::vector<float>& vals, torch::Tensor& dlat,
                  const AdditiveView& additive, int64_t i, ImportanceStat stat,
                  ImportanceResult& res) {
  const int64_t len = static_cast<int64_t>(feats.size());
  double* pdl = dlat.data_ptr<double>();
  parallel_ranges((len + kGroup - 1) / kGroup, 16, [&](int64_t g0, int64_t g1) {
    group_range(net, ind, feats, vals, g0, g1, pdl);
  });
  auto alt = net.tail(ind.latent_base + dlat.narrow(0, 0, len));
  auto base_i = ind.base;
  std::vector<double> x(vals.begin(), vals.end());
  additive.apply(i, feats, torch::from_blob(x.data(), {len}, torch::kDouble), base_i, alt);
  store(res, i, feats, statistic(alt, base_i, stat, ind.y, ind.w), (alt - base_i).pow(2));
}

}  // namespace

ImportanceResult genotype_importance(const ParamList& params, const Control& arch, int n_pheno,
                                     const GenoData& geno, const PhenoData* observed,
                                     ImportanceStat stat, const Callbacks& cb,
                                     const OutputMap* output) {
  check_geno(geno);
  require_observed(observed, geno.n, n_pheno, stat);
  const auto out_map = output_fn(output, n_pheno);
  torch::NoGradGuard guard;
  const int64_t F = geno.features();
  EvalNets ev(params, arch, n_pheno, F);
  const FastNet net(ev, arch, out_map);
  ImportanceResult res = empty_result(geno.n, static_cast<int>(F), n_pheno);
  const AdditiveView additive(output, geno, F, n_pheno);
  // Large chunks: one parallel region per chunk, and a typical individual fits in one or two.
  const int64_t chunk = 16384;
  auto dlat = torch::empty({chunk, net.D}, torch::kDouble);
  Individual ind(net.H);
  for (int64_t i = 0; i < geno.n; ++i) {
    if (cb.interrupted && cb.interrupted()) throw Interrupted();
    carried_features(geno, i, ind);
    if (stat == ImportanceStat::mse) std::tie(ind.y, ind.w) = observed_row(*observed, i);
    unperturbed(net, ind);
    for (size_t s = 0; s < ind.active.size(); s += chunk) {
      const int64_t len = std::min<int64_t>(chunk, static_cast<int64_t>(ind.active.size() - s));
      const std::vector<int64_t> feats(ind.active.begin() + s, ind.active.begin() + s + len);
      const std::vector<float> vals(ind.value.begin() + s, ind.value.begin() + s + len);
      ablate_chunk(net, ind, feats, vals, dlat, additive, i, stat, res);
    }
    if (cb.progress) cb.progress({Task::importance, static_cast<long>(i + 1), geno.n});
  }
  finish(res);
  return res;
}

ImportanceResult genotype_importance_slow(const ParamList& params, const Control& arch,
                                          int n_pheno, const GenoData& geno,
                                          const PhenoData* observed, ImportanceStat stat,
                                          int64_t feature_limit, const OutputMap* output) {
  check_geno(geno);
  require_observed(observed, geno.n, n_pheno, stat);
  const auto out_map = output_fn(output, n_pheno);
  torch::NoGradGuard guard;
  const int64_t F = geno.features();
  EvalNets ev(params, arch, n_pheno, F);
  const auto w = ev.nets.w1t.to(torch::kDouble);
  const auto b1 = ev.nets.b1.to(torch::kDouble);
  ImportanceResult res = empty_result(geno.n, static_cast<int>(F), n_pheno);
  const AdditiveView additive(output, geno, F, n_pheno);
  torch::Tensor y, mask;
  for (int64_t i = 0; i < geno.n; ++i) {
    if (stat == ImportanceStat::mse) std::tie(y, mask) = observed_row(*observed, i);
    auto x = onehot_rows(geno, &i, 1).to(torch::kDouble);
    auto base = out_map(ev.from_pre(torch::addmm(b1, x, w)));
    std::vector<int64_t> one(1);
    const int64_t n_feat = feature_limit > 0 ? std::min(feature_limit, F) : F;
    for (int64_t j = 0; j < n_feat; ++j) {
      auto xa = x.clone();
      xa[0][j] = 0.0;
      auto alt = out_map(ev.from_pre(torch::addmm(b1, xa, w)));
      one[0] = j;
      auto base_i = base;
      additive.apply(i, one, x.select(1, j).narrow(0, 0, 1), base_i, alt);
      store(res, i, one, statistic(alt, base_i, stat, y, mask), (alt - base_i).pow(2));
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
