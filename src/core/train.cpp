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
void check_finite(double loss, Task stage, int epoch, const char* what) {
  if (std::isfinite(loss)) return;
  throw std::runtime_error(
      std::string(stage == Task::pheno_stage ? "stage 1 (phenotype autoencoder)"
                                             : "stage 2 (genotype encoder)") +
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

// What both stages train on: the settings, the data as tensors (built once), the batch plan and
// the random state that runs through both stages.
struct TrainData {
  TrainData(const PhenoData& pheno, const GenoData& geno, const Control& c, const Callbacks& cb,
            const Validation* valid)
      : c(c), cb(cb), geno(geno), Y(pheno_tensor(pheno)), mask(loss_mask(pheno, c)),
        has_valid(valid != nullptr), plan(batches(pheno.n, c.batch_size)), order(pheno.n),
        rng(c.seed),
        adam(torch::optim::AdamOptions(c.lr).betas({c.beta1, c.beta2}).eps(c.adam_eps)) {
    for (int64_t i = 0; i < pheno.n; ++i) order[i] = i;
    if (!valid) return;
    vY = pheno_tensor(*valid->pheno);
    vmask = loss_mask(*valid->pheno, c);
    if (c.epochs_geno > 0) {
      std::vector<int64_t> rows(valid->geno->n);
      for (int64_t i = 0; i < valid->geno->n; ++i) rows[i] = i;
      vX = onehot_rows(*valid->geno, rows.data(), valid->geno->n);
    }
  }
  const Control& c;
  const Callbacks& cb;
  const GenoData& geno;
  torch::Tensor Y, mask;        // training phenotypes and their loss mask
  torch::Tensor vY, vmask, vX;  // validation phenotypes, mask and one-hot genotypes (stage 2)
  bool has_valid;
  std::vector<std::pair<int64_t, int64_t>> plan;
  // The individuals in the order of the last shuffle: stage 2 shuffles on from stage 1's order.
  std::vector<int64_t> order;
  Rng rng;
  torch::optim::AdamOptions adam;
};

// Phenotypes and loss mask of the training individuals rows[0 .. len).
std::pair<torch::Tensor, torch::Tensor> batch_targets(const TrainData& d, int64_t* rows,
                                                      int64_t len) {
  auto idx = torch::from_blob(rows, {len}, torch::kLong);
  return {d.Y.index_select(0, idx), d.mask.index_select(0, idx)};
}

// One stage's part in the epoch loop (run_epochs): the steps in which the stages differ.
class Stage {
 public:
  virtual ~Stage() = default;
  virtual torch::optim::Adam& optimizer() = 0;
  // Parameters and buffers restored from the best epoch.
  virtual std::vector<torch::Tensor> state() = 0;
  virtual void begin_epoch(int /*epoch*/) {}
  // Forward pass of batch q of the plan: its training loss.
  virtual torch::Tensor batch_loss(size_t q) = 0;
  // The update from that batch's loss at learning rate lr.
  virtual void step(torch::Tensor& loss, size_t q, double lr) = 0;
  virtual void end_epoch(int /*epoch*/) {}
  // Eval-mode loss on the validation set; the stage is back in training mode afterwards.
  virtual double valid_loss() = 0;
  // Called after a learning-rate drop put the best epoch's state back.
  virtual void after_drop() {}
};

// Losses, times and the epoch kept, of one stage.
struct StageLog {
  std::vector<double> loss, seconds, valid;
  int best_epoch = 0;
};

// The epoch loop both stages share: learning rate, batches, validation, early stopping with
// learning-rate drops, progress and interrupts.
StageLog run_epochs(Stage& s, TrainData& d, Task stage, int epochs) {
  const Control& c = d.c;
  StageLog log;
  EarlyStop es(s.state(), c.patience, c.lr_drops);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto t0 = Clock::now();
    const double lr = es.lr_scale() * epoch_lr(c, epoch, epochs);
    set_lr(s.optimizer(), lr);
    s.begin_epoch(epoch);
    double loss_sum = 0;
    for (size_t q = 0; q < d.plan.size(); ++q) {
      check_interrupt(d.cb);
      torch::Tensor loss = s.batch_loss(q);
      const double batch_loss = loss.item<double>();
      check_finite(batch_loss, stage, epoch, "training");
      s.step(loss, q, lr);
      loss_sum += batch_loss;
    }
    s.end_epoch(epoch);
    log.loss.push_back(loss_sum / d.plan.size());
    bool stop = false;
    if (d.has_valid) {
      const double vl = s.valid_loss();
      check_finite(vl, stage, epoch, "validation");
      log.valid.push_back(vl);
      stop = es.update(vl, epoch);
    }
    log.seconds.push_back(seconds_since(t0));
    if (d.cb.progress) d.cb.progress({stage, epoch, epochs, log.loss.back(), log.seconds.back()});
    if (stop) {
      if (!es.drop(epoch)) break;
      s.after_drop();
    }
  }
  log.best_epoch = d.has_valid ? es.finish() : static_cast<int>(log.loss.size());
  return log;
}

std::vector<torch::Tensor> autoencoder_params(const Nets& nets) {
  std::vector<torch::Tensor> params = nets.pheno_encoder->parameters();
  for (auto& p : nets.decoder->parameters()) params.push_back(p);
  return params;
}

// Stage 1: the phenotype denoising autoencoder.
class PhenoStage : public Stage {
 public:
  PhenoStage(Nets& nets, TrainData& d)
      : nets_(nets), d_(d), opt_(autoencoder_params(nets), d.adam) {
    train_mode();
  }
  torch::optim::Adam& optimizer() override { return opt_; }
  std::vector<torch::Tensor> state() override {
    std::vector<torch::Tensor> st = module_state(*nets_.pheno_encoder);
    for (auto& t : module_state(*nets_.decoder)) st.push_back(t);
    return st;
  }
  void begin_epoch(int) override { shuffle(d_.order, d_.rng); }
  torch::Tensor batch_loss(size_t q) override {
    const auto [start, len] = d_.plan[q];
    const auto [y, mb] = batch_targets(d_, d_.order.data() + start, len);
    const double sd = d_.c.pheno_noise_sd;
    return masked_mse(autoencode(sd > 0 ? y + sd * torch::randn_like(y) : y), y, mb);
  }
  void step(torch::Tensor& loss, size_t, double) override {
    opt_.zero_grad();
    loss.backward();
    opt_.step();
  }
  double valid_loss() override {
    torch::NoGradGuard guard;
    nets_.pheno_encoder->eval();
    nets_.decoder->eval();
    const double vl = masked_mse(autoencode(d_.vY), d_.vY, d_.vmask).item<double>();
    train_mode();
    return vl;
  }

 private:
  torch::Tensor autoencode(const torch::Tensor& y) {
    return nets_.decoder->forward(nets_.pheno_encoder->forward(y));
  }
  void train_mode() {
    nets_.pheno_encoder->train();
    nets_.decoder->train();
  }
  Nets& nets_;
  TrainData& d_;
  torch::optim::Adam opt_;
};

// Stage 2 trains the decoder with the genotype encoder when there is no trained phenotype
// autoencoder to freeze (stage 1 skipped and no starting parameters): a frozen decoder at its
// random initialisation would only limit the network. This is how a single-trait fit runs.
bool decoder_trains(const Control& c, const ParamList* init) {
  return c.epochs_pheno == 0 && init == nullptr;
}

std::vector<torch::Tensor> geno_params(const Nets& nets, bool with_decoder) {
  std::vector<torch::Tensor> params = nets.geno_rest->parameters();
  params.push_back(nets.b1);
  if (with_decoder)
    for (auto& p : nets.decoder->parameters()) params.push_back(p);
  return params;
}

// Stage 2: the genotype encoder into the frozen latent space (or with the decoder, see
// decoder_trains).  The first genotype layer is updated by the fused optimizer step,
// everything after it by Adam through autograd.
class GenoStage : public Stage {
 public:
  GenoStage(Nets& nets, TrainData& d, bool with_decoder)
      : nets_(nets), d_(d), opt_(geno_params(nets, with_decoder), d.adam),
        with_decoder_(with_decoder), F_(nets.w1t.size(0)),
        H_(geno_first_width(d.c)), epochs_(d.c.epochs_geno) {
    const int64_t B = d.c.batch_size;
    m1_ = torch::zeros_like(nets_.w1t);
    v1_ = torch::zeros_like(nets_.w1t);
    colsum_ = nets_.w1t.sum(1);
    pen_ = torch::empty({F_});
    // Double buffers: while step k updates the weights, the fused pass also forms the first
    // pre-activation of step k+1, so the noisy input of step k+1 is drawn one step ahead.
    x_cur_ = torch::zeros({F_ * B});
    x_nxt_ = torch::zeros({F_ * B});
    pre_cur_ = torch::zeros({B * H_});
    pre_nxt_ = torch::zeros({B * H_});
    cur_ = d_.order;
    shuffle(cur_, d_.rng);
    const auto [start, len] = d_.plan.front();
    noisy_onehot_t(d_.geno, cur_.data() + start, len, d_.c.geno_flip, d_.rng,
                   x_cur_.data_ptr<float>());
    form_first_pre();
  }
  torch::optim::Adam& optimizer() override { return opt_; }
  std::vector<torch::Tensor> state() override {
    std::vector<torch::Tensor> st = module_state(*nets_.geno_rest);
    st.push_back(nets_.w1t);
    st.push_back(nets_.b1);
    if (with_decoder_)
      for (auto& t : module_state(*nets_.decoder)) st.push_back(t);
    return st;
  }
  void begin_epoch(int epoch) override {
    epoch_ = epoch;
    if (epoch < epochs_) {
      nxt_ = cur_;
      shuffle(nxt_, d_.rng);
    }
  }
  torch::Tensor batch_loss(size_t q) override;
  void step(torch::Tensor& loss, size_t q, double lr) override;
  void end_epoch(int epoch) override {
    if (epoch < epochs_) std::swap(cur_, nxt_);
  }
  double valid_loss() override {
    torch::NoGradGuard guard;
    nets_.geno_rest->eval();
    nets_.decoder->eval();
    auto out = nets_.decoder->forward(
        nets_.geno_rest->forward(torch::addmm(nets_.b1, d_.vX, nets_.w1t)));
    const double vl = masked_mse(out, d_.vY, d_.vmask).item<double>();
    nets_.geno_rest->train();
    if (with_decoder_) nets_.decoder->train();
    return vl;
  }
  // The fused pass formed the next batch's pre-activation and the column sums from the weights
  // just replaced by the best epoch's: form them again.
  void after_drop() override {
    torch::NoGradGuard guard;
    colsum_.copy_(nets_.w1t.sum(1));
    form_first_pre();
  }

 private:
  // The first pre-activation of the batch in x_cur, formed from the current weights; after
  // that, the fused pass forms each next one.
  void form_first_pre() {
    torch::NoGradGuard guard;
    const int64_t len = d_.plan.front().second;
    pre_cur_.narrow(0, 0, len * H_).view({len, H_}).copy_(
        torch::mm(x_cur_.narrow(0, 0, F_ * len).view({F_, len}).t(), nets_.w1t));
  }
  Nets& nets_;
  TrainData& d_;
  torch::optim::Adam opt_;
  const bool with_decoder_;
  const int64_t F_, H_;
  const int epochs_;
  int epoch_ = 0;
  long step_ = 0;
  torch::Tensor m1_, v1_, colsum_, pen_, x_cur_, x_nxt_, pre_cur_, pre_nxt_;
  torch::Tensor pre_;  // this batch's first pre-activation, a leaf of the autograd graph
  std::vector<int64_t> cur_, nxt_;  // this epoch's order and the next one's
  const int64_t* next_rows_ = nullptr;  // the next batch, whose noisy input is drawn ahead
  int64_t next_len_ = 0;
};

torch::Tensor GenoStage::batch_loss(size_t q) {
  const auto& plan = d_.plan;
  const auto [start, len] = plan[q];
  next_rows_ = nullptr;
  next_len_ = 0;
  if (q + 1 < plan.size()) {
    next_rows_ = cur_.data() + plan[q + 1].first;
    next_len_ = plan[q + 1].second;
  } else if (epoch_ < epochs_) {
    next_rows_ = nxt_.data() + plan.front().first;
    next_len_ = plan.front().second;
  }
  if (next_rows_)
    noisy_onehot_t(d_.geno, next_rows_, next_len_, d_.c.geno_flip, d_.rng,
                   x_nxt_.data_ptr<float>());
  const auto [y, mb] = batch_targets(d_, cur_.data() + start, len);
  {
    torch::NoGradGuard guard;
    pre_ = pre_cur_.narrow(0, 0, len * H_).view({len, H_}) + nets_.b1;
  }
  pre_.set_requires_grad(true);
  return masked_mse(nets_.decoder->forward(nets_.geno_rest->forward(pre_)), y, mb);
}

void GenoStage::step(torch::Tensor& loss, size_t q, double lr) {
  const Control& c = d_.c;
  const int64_t len = d_.plan[q].second;
  opt_.zero_grad();
  loss.backward();
  auto delta = pre_.grad().contiguous();
  nets_.b1.mutable_grad() = delta.sum(0);
  penalty_gradient(colsum_.data_ptr<float>(), F_, c.l1, c.l2, pen_.data_ptr<float>());
  ++step_;
  fused_adam_first_layer(nets_.w1t.data_ptr<float>(), m1_.data_ptr<float>(), v1_.data_ptr<float>(),
                         x_cur_.data_ptr<float>(), delta.data_ptr<float>(), pen_.data_ptr<float>(),
                         colsum_.data_ptr<float>(), F_, H_, len,
                         {lr, c.beta1, c.beta2, c.adam_eps, step_, c.weight_decay, c.group_lasso,
                          c.lasso},
                         next_rows_ ? x_nxt_.data_ptr<float>() : nullptr, next_len_,
                         next_rows_ ? pre_nxt_.data_ptr<float>() : nullptr);
  opt_.step();
  pre_ = torch::Tensor();
  std::swap(x_cur_, x_nxt_);
  std::swap(pre_cur_, pre_nxt_);
}

// Each stage reseeds LibTorch so that its random stream does not depend on how the other stage
// was configured.
StageLog train_pheno_stage(Nets& nets, TrainData& d) {
  torch::manual_seed(d.c.seed + 1);
  PhenoStage stage(nets, d);
  return run_epochs(stage, d, Task::pheno_stage, d.c.epochs_pheno);
}

StageLog train_geno_stage(Nets& nets, TrainData& d, bool with_decoder) {
  torch::manual_seed(d.c.seed + 2);
  if (with_decoder) {
    nets.decoder->train();
  } else {
    nets.decoder->eval();
  }
  for (auto& p : nets.decoder->parameters()) p.set_requires_grad(with_decoder);
  nets.geno_rest->train();
  nets.b1.set_requires_grad(true);
  GenoStage stage(nets, d, with_decoder);
  StageLog log = run_epochs(stage, d, Task::geno_stage, d.c.epochs_geno);
  nets.b1.set_requires_grad(false);
  for (auto& p : nets.decoder->parameters()) p.set_requires_grad(false);
  return log;
}

}  // namespace

FitResult fit(const PhenoData& pheno, const GenoData& geno, const Control& c,
              const Callbacks& cb, const ParamList* init, const Validation* valid) {
  validate(pheno, geno, c);
  if (valid) check_validation(*valid, pheno, geno, c);
  set_core_threads(c.threads);
  torch::manual_seed(c.seed);
  Nets nets(c, pheno.m, c.epochs_geno > 0 ? geno.features() : 0);
  if (init) nets.import_params(start_params(*init, nets));
  TrainData d(pheno, geno, c, cb, valid);

  FitResult res;
  StageLog s1 = train_pheno_stage(nets, d);
  res.loss_pheno = std::move(s1.loss);
  res.seconds_pheno = std::move(s1.seconds);
  res.valid_pheno = std::move(s1.valid);
  res.best_epoch_pheno = s1.best_epoch;
  if (c.epochs_geno > 0) {
    StageLog s2 = train_geno_stage(nets, d, decoder_trains(c, init));
    res.loss_geno = std::move(s2.loss);
    res.seconds_geno = std::move(s2.seconds);
    res.valid_geno = std::move(s2.valid);
    res.best_epoch_geno = s2.best_epoch;
  }
  nets.eval();
  res.params = nets.export_params();
  return res;
}

}  // namespace gpatlas
