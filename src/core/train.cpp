// Training of both G-P Atlas stages: the phenotype autoencoder, then the genotype encoder.
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "nets.h"

namespace gpatlas {

namespace {

void shuffle(std::vector<int64_t>& v, Rng& rng) {
  for (int64_t i = static_cast<int64_t>(v.size()) - 1; i > 0; --i)
    std::swap(v[i], v[rng.below(static_cast<uint64_t>(i) + 1)]);
}

// Batches of a shuffled epoch; a trailing batch of one individual is dropped because
// BatchNorm cannot normalise a single sample (shuffling puts that individual elsewhere later).
std::vector<std::pair<int64_t, int64_t>> batches(int64_t n, int64_t size) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int64_t s = 0; s < n; s += size) {
    const int64_t len = std::min(size, n - s);
    if (len >= 2) out.emplace_back(s, len);
  }
  return out;
}

torch::Tensor loss_mask(const PhenoData& p, const Control& c) {
  torch::Tensor mask = torch::ones({p.n, p.m});
  if (c.mask_missing) {
    float* pm = mask.data_ptr<float>();
    for (int64_t i = 0; i < static_cast<int64_t>(p.n) * p.m; ++i)
      pm[i] = p.observed[i] ? 1.0f : 0.0f;
  }
  return mask;
}

torch::Tensor masked_mse(const torch::Tensor& pred, const torch::Tensor& target,
                         const torch::Tensor& mask) {
  return ((pred - target).pow(2) * mask).sum() / mask.sum().clamp_min(1.0);
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A loss that is no longer finite poisons every weight it touches: stop at once and say where.
void check_finite(double loss, int stage, int epoch, const char* what) {
  if (std::isfinite(loss)) return;
  throw std::runtime_error(
      std::string(stage == 1 ? "stage 1 (phenotype autoencoder)" : "stage 2 (genotype encoder)") +
      ", epoch " + std::to_string(epoch) + ": the " + what +
      " loss is not finite. Phenotypes too large for 32-bit floats (use standardize = TRUE) "
      "or too high a learning rate (lr) can cause this.");
}

void check_interrupt(const Callbacks& cb) {
  if (cb.interrupted && cb.interrupted()) throw Interrupted();
}

void validate(const PhenoData& pheno, const GenoData& geno, const Control& c) {
  if (pheno.n < 2) throw std::invalid_argument("at least two individuals are needed to train");
  if (c.batch_size < 2) throw std::invalid_argument("batch_size must be at least 2 (BatchNorm)");
  if (c.batch_size > pheno.n)
    throw std::invalid_argument("batch_size (" + std::to_string(c.batch_size) +
                                ") is larger than the number of individuals (" +
                                std::to_string(pheno.n) + ")");
  if (c.epochs_pheno < 0 || c.epochs_geno < 0) throw std::invalid_argument("epochs must be >= 0");
  if (c.lr_schedule < 0 || c.lr_schedule > 1) throw std::invalid_argument("unknown lr_schedule");
  if (c.patience < 0) throw std::invalid_argument("patience must be >= 0");
  if (c.lr_drops < 0) throw std::invalid_argument("lr_drops must be >= 0");
  if (!(c.weight_decay >= 0)) throw std::invalid_argument("weight_decay must be >= 0");
  if (!(c.group_lasso >= 0)) throw std::invalid_argument("group_lasso must be >= 0");
  if (!(c.lasso >= 0)) throw std::invalid_argument("lasso must be >= 0");
  if (!(c.lr > 0)) throw std::invalid_argument("lr must be positive");
  if (!(c.geno_flip >= 0 && c.geno_flip < 1)) throw std::invalid_argument("geno_flip must be in [0, 1)");
  if (!(c.pheno_noise_sd >= 0)) throw std::invalid_argument("pheno_noise_sd must be >= 0");
  if (c.epochs_geno > 0) {
    check_geno(geno);
    if (geno.n != pheno.n)
      throw std::invalid_argument("genotypes and phenotypes have different numbers of individuals");
    if (geno.features() < 1) throw std::invalid_argument("no genotype features");
  }
}

// A stage-1-only fit stores an empty (0 x hidden) first genotype layer; to resume with stage 2
// from it, keep this model's fresh initialisation of that layer instead of rejecting its shape.
ParamList start_params(const ParamList& init, const Nets& nets) {
  ParamList start = init;
  bool empty_geno = false;
  for (const auto& p : start)
    if (p.name == "geno_encoder.w1t" && !p.shape.empty() && p.shape[0] == 0) empty_geno = true;
  if (!empty_geno || nets.w1t.size(0) == 0) return start;
  for (const auto& fresh : nets.export_params())
    if (fresh.name == "geno_encoder.w1t" || fresh.name == "geno_encoder.b1")
      for (auto& p : start)
        if (p.name == fresh.name) p = fresh;
  return start;
}

// Parameters and buffers of a module, the state a stage keeps from its best epoch.
std::vector<torch::Tensor> module_state(const torch::nn::Module& mod) {
  std::vector<torch::Tensor> out = mod.parameters();
  for (const auto& b : mod.buffers()) out.push_back(b);
  return out;
}

// Learning rate of an epoch (1-based) under the schedule: cosine decay reaches 0 after the
// stage's last epoch, so the last epoch still takes a small step.
double epoch_lr(const Control& c, int epoch, int epochs) {
  if (c.lr_schedule != 1 || epochs <= 1) return c.lr;
  const double pi = 3.14159265358979323846;
  return c.lr * 0.5 * (1.0 + std::cos(pi * (epoch - 1) / epochs));
}

void set_lr(torch::optim::Adam& opt, double lr) {
  for (auto& group : opt.param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

// Early stopping of one stage: tracks the best validation loss, keeps a copy of the stage's
// state (parameters and buffers) from that epoch, decides when to stop, and puts the best state
// back at the end.
class EarlyStop {
 public:
  EarlyStop(std::vector<torch::Tensor> state, int patience, int drops)
      : state_(std::move(state)), patience_(patience), drops_left_(drops) {}
  // Records an epoch's validation loss; true when the stage should stop.
  bool update(double loss, int epoch) {
    if (loss < best_) {
      best_ = loss;
      best_epoch_ = last_reset_ = epoch;
      saved_.clear();
      for (const auto& t : state_) saved_.push_back(t.detach().clone());
    }
    return patience_ > 0 && epoch - last_reset_ >= patience_;
  }
  // Instead of stopping: back to the best state, with a tenth of the learning rate and half the
  // patience, counted again from `epoch`.  False when no drop is left.
  bool drop(int epoch) {
    if (drops_left_ <= 0) return false;
    --drops_left_;
    lr_scale_ *= 0.1;
    patience_ = std::max(1, patience_ / 2);
    finish();
    last_reset_ = epoch;
    return true;
  }
  // Factor on the learning rate: 0.1 per drop taken.
  double lr_scale() const { return lr_scale_; }
  // Restores the best epoch's state and returns that epoch (0 if none was recorded).
  int finish() {
    torch::NoGradGuard guard;
    for (size_t i = 0; i < saved_.size(); ++i) state_[i].copy_(saved_[i]);
    return best_epoch_;
  }

 private:
  std::vector<torch::Tensor> state_, saved_;
  int patience_, drops_left_;
  double lr_scale_ = 1;
  double best_ = std::numeric_limits<double>::infinity();
  int best_epoch_ = 0, last_reset_ = 0;  // last_reset_: last improvement or drop
};

void check_validation(const Validation& v, const PhenoData& pheno, const GenoData& geno,
                      const Control& c) {
  if (!v.pheno) throw std::invalid_argument("validation data need phenotypes");
  if (v.pheno->m != pheno.m)
    throw std::invalid_argument("validation phenotypes have a different number of traits");
  if (v.pheno->n < 1) throw std::invalid_argument("the validation set is empty");
  if (c.epochs_geno > 0) {
    if (!v.geno) throw std::invalid_argument("validation data need genotypes for stage 2");
    check_geno(*v.geno);
    if (v.geno->n != v.pheno->n || v.geno->features() != geno.features())
      throw std::invalid_argument("validation genotypes do not match the training genotypes");
  }
}

}  // namespace

FitResult fit(const PhenoData& pheno, const GenoData& geno, const Control& c,
              const Callbacks& cb, const ParamList* init, const Validation* valid) {
  validate(pheno, geno, c);
  if (valid) check_validation(*valid, pheno, geno, c);
  set_core_threads(c.threads);
  torch::manual_seed(c.seed);
  Rng rng(c.seed);

  const int64_t n = pheno.n, m = pheno.m;
  const int64_t F = c.epochs_geno > 0 ? geno.features() : 0;
  Nets nets(c, static_cast<int>(m), F);
  if (init) nets.import_params(start_params(*init, nets));

  const torch::Tensor Y = pheno_tensor(pheno);
  const torch::Tensor mask = loss_mask(pheno, c);
  // Validation phenotypes, mask and (for stage 2) dense one-hot genotypes, built once.
  torch::Tensor vY, vmask, vX;
  if (valid) {
    vY = pheno_tensor(*valid->pheno);
    vmask = loss_mask(*valid->pheno, c);
    if (c.epochs_geno > 0) {
      std::vector<int64_t> rows(valid->geno->n);
      for (int64_t i = 0; i < valid->geno->n; ++i) rows[i] = i;
      vX = onehot_rows(*valid->geno, rows.data(), valid->geno->n);
    }
  }

  FitResult res;
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  const auto plan = batches(n, c.batch_size);
  auto adam_options = torch::optim::AdamOptions(c.lr).betas({c.beta1, c.beta2}).eps(c.adam_eps);

  // Stage 1: phenotype denoising autoencoder.  Each stage reseeds LibTorch so that its
  // random stream does not depend on how the other stage was configured.
  {
    torch::manual_seed(c.seed + 1);
    std::vector<torch::Tensor> params = nets.pheno_encoder->parameters();
    for (auto& p : nets.decoder->parameters()) params.push_back(p);
    torch::optim::Adam opt(params, adam_options);
    nets.pheno_encoder->train();
    nets.decoder->train();
    std::vector<torch::Tensor> state = module_state(*nets.pheno_encoder);
    for (auto& t : module_state(*nets.decoder)) state.push_back(t);
    EarlyStop es(state, c.patience, c.lr_drops);
    for (int epoch = 1; epoch <= c.epochs_pheno; ++epoch) {
      const auto t0 = Clock::now();
      set_lr(opt, es.lr_scale() * epoch_lr(c, epoch, c.epochs_pheno));
      shuffle(order, rng);
      double loss_sum = 0;
      for (const auto& [start, len] : plan) {
        check_interrupt(cb);
        auto idx = torch::from_blob(order.data() + start, {len}, torch::kLong);
        auto y = Y.index_select(0, idx);
        auto mb = mask.index_select(0, idx);
        auto noisy = c.pheno_noise_sd > 0 ? y + c.pheno_noise_sd * torch::randn_like(y) : y;
        auto loss = masked_mse(nets.decoder->forward(nets.pheno_encoder->forward(noisy)), y, mb);
        const double batch_loss = loss.item<double>();
        check_finite(batch_loss, 1, epoch, "training");
        opt.zero_grad();
        loss.backward();
        opt.step();
        loss_sum += batch_loss;
      }
      res.loss_pheno.push_back(loss_sum / plan.size());
      bool stop = false;
      if (valid) {
        torch::NoGradGuard guard;
        nets.pheno_encoder->eval();
        nets.decoder->eval();
        const double vl =
            masked_mse(nets.decoder->forward(nets.pheno_encoder->forward(vY)), vY, vmask)
                .item<double>();
        nets.pheno_encoder->train();
        nets.decoder->train();
        check_finite(vl, 1, epoch, "validation");
        res.valid_pheno.push_back(vl);
        stop = es.update(vl, epoch);
      }
      res.seconds_pheno.push_back(seconds_since(t0));
      if (cb.progress) cb.progress({1, epoch, c.epochs_pheno, res.loss_pheno.back(), res.seconds_pheno.back()});
      if (stop && !es.drop(epoch)) break;
    }
    res.best_epoch_pheno = valid ? es.finish() : static_cast<int>(res.loss_pheno.size());
  }

  // Stage 2: genotype encoder into the frozen latent space.
  if (c.epochs_geno > 0) {
    torch::manual_seed(c.seed + 2);
    nets.decoder->eval();
    for (auto& p : nets.decoder->parameters()) p.set_requires_grad(false);
    nets.geno_rest->train();
    nets.b1.set_requires_grad(true);
    std::vector<torch::Tensor> params = nets.geno_rest->parameters();
    params.push_back(nets.b1);
    torch::optim::Adam opt(params, adam_options);

    const int64_t H = geno_first_width(c), B = c.batch_size;
    auto m1 = torch::zeros_like(nets.w1t);
    auto v1 = torch::zeros_like(nets.w1t);
    auto colsum = nets.w1t.sum(1);
    auto pen = torch::empty({F});
    // Double buffers: while step k updates the weights, the fused pass also forms the first
    // pre-activation of step k+1, so the noisy input of step k+1 is drawn one step ahead.
    auto x_cur = torch::zeros({F * B}), x_nxt = torch::zeros({F * B});
    auto pre_cur = torch::zeros({B * H}), pre_nxt = torch::zeros({B * H});
    // The first pre-activation of the batch in x_cur, formed from the current weights; after
    // that, the fused pass forms each next one.
    const auto form_first_pre = [&] {
      torch::NoGradGuard guard;
      const int64_t len = plan.front().second;
      pre_cur.narrow(0, 0, len * H).view({len, H}).copy_(
          torch::mm(x_cur.narrow(0, 0, F * len).view({F, len}).t(), nets.w1t));
    };
    std::vector<int64_t> cur = order, nxt;
    shuffle(cur, rng);
    noisy_onehot_t(geno, cur.data() + plan.front().first, plan.front().second, c.geno_flip, rng,
                   x_cur.data_ptr<float>());
    form_first_pre();
    long step = 0;
    std::vector<torch::Tensor> state = module_state(*nets.geno_rest);
    state.push_back(nets.w1t);
    state.push_back(nets.b1);
    EarlyStop es(state, c.patience, c.lr_drops);

    for (int epoch = 1; epoch <= c.epochs_geno; ++epoch) {
      const auto t0 = Clock::now();
      const double lr = es.lr_scale() * epoch_lr(c, epoch, c.epochs_geno);
      set_lr(opt, lr);
      if (epoch < c.epochs_geno) {
        nxt = cur;
        shuffle(nxt, rng);
      }
      double loss_sum = 0;
      for (size_t q = 0; q < plan.size(); ++q) {
        check_interrupt(cb);
        const auto [start, len] = plan[q];
        const int64_t* next_rows = nullptr;
        int64_t next_len = 0;
        if (q + 1 < plan.size()) {
          next_rows = cur.data() + plan[q + 1].first;
          next_len = plan[q + 1].second;
        } else if (epoch < c.epochs_geno) {
          next_rows = nxt.data() + plan.front().first;
          next_len = plan.front().second;
        }
        if (next_rows)
          noisy_onehot_t(geno, next_rows, next_len, c.geno_flip, rng, x_nxt.data_ptr<float>());

        auto idx = torch::from_blob(cur.data() + start, {len}, torch::kLong);
        auto y = Y.index_select(0, idx);
        auto mb = mask.index_select(0, idx);
        torch::Tensor pre;
        {
          torch::NoGradGuard guard;
          pre = pre_cur.narrow(0, 0, len * H).view({len, H}) + nets.b1;
        }
        pre.set_requires_grad(true);
        auto out = nets.decoder->forward(nets.geno_rest->forward(pre));
        auto loss = masked_mse(out, y, mb);
        const double batch_loss = loss.item<double>();
        check_finite(batch_loss, 2, epoch, "training");
        opt.zero_grad();
        loss.backward();
        auto delta = pre.grad().contiguous();
        nets.b1.mutable_grad() = delta.sum(0);

        penalty_gradient(colsum.data_ptr<float>(), F, c.l1, c.l2, pen.data_ptr<float>());
        ++step;
        fused_adam_first_layer(nets.w1t.data_ptr<float>(), m1.data_ptr<float>(),
                               v1.data_ptr<float>(), x_cur.data_ptr<float>(),
                               delta.data_ptr<float>(), pen.data_ptr<float>(),
                               colsum.data_ptr<float>(), F, H, len,
                               {lr, c.beta1, c.beta2, c.adam_eps, step, c.weight_decay, c.group_lasso, c.lasso},
                               next_rows ? x_nxt.data_ptr<float>() : nullptr, next_len,
                               next_rows ? pre_nxt.data_ptr<float>() : nullptr);
        opt.step();
        loss_sum += batch_loss;
        std::swap(x_cur, x_nxt);
        std::swap(pre_cur, pre_nxt);
      }
      if (epoch < c.epochs_geno) std::swap(cur, nxt);
      res.loss_geno.push_back(loss_sum / plan.size());
      bool stop = false;
      if (valid) {
        torch::NoGradGuard guard;
        nets.geno_rest->eval();
        const double vl =
            masked_mse(nets.decoder->forward(nets.geno_rest->forward(torch::addmm(nets.b1, vX, nets.w1t))),
                       vY, vmask)
                .item<double>();
        nets.geno_rest->train();
        check_finite(vl, 2, epoch, "validation");
        res.valid_geno.push_back(vl);
        stop = es.update(vl, epoch);
      }
      res.seconds_geno.push_back(seconds_since(t0));
      if (cb.progress) cb.progress({2, epoch, c.epochs_geno, res.loss_geno.back(), res.seconds_geno.back()});
      if (stop) {
        if (!es.drop(epoch)) break;
        // The fused pass formed the next batch's pre-activation and the column sums from the
        // weights just replaced by the best epoch's: form them again.
        torch::NoGradGuard guard;
        colsum.copy_(nets.w1t.sum(1));
        form_first_pre();
      }
    }
    res.best_epoch_geno = valid ? es.finish() : static_cast<int>(res.loss_geno.size());
    nets.b1.set_requires_grad(false);
  }

  nets.eval();
  res.params = nets.export_params();
  return res;
}

}  // namespace gpatlas
