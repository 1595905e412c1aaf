#!/usr/bin/python3
"""Stage-2 training of G-P Atlas as a plain PyTorch loop (benchmark reference).

This script does the same work per epoch as gpatlas's stage-2 training on the
BYxRM yeast data so the two can be timed side by side:

  * genotype encoder  Linear(2L, hidden) -> BatchNorm1d(momentum=0.8) -> LeakyReLU(0.01)
                      -> Linear(hidden, latent) -> BatchNorm1d(0.8) -> LeakyReLU(0.01)
  * frozen phenotype decoder  Linear(latent, dec_hidden) -> BatchNorm1d(0.8)
                      -> LeakyReLU(0.01) -> Linear(dec_hidden, n_traits)
    (eval mode, no gradients; randomly initialised: only the training cost is timed)
  * per batch: one-hot expansion of a uint8 genotype code matrix, bit-flip noise,
    forward, masked MSE + l1 * ||colsum(W1)||_1 + l2 * ||colsum(W1)||_2,
    backward, Adam(lr=1e-3, betas=(0.5, 0.999)) step.

Run with Debian's python3-torch on the CPU:

    /usr/bin/python3 bench/stage2_pytorch.py --epochs 2 --threads 2 [--foreach]

One JSON line with per-epoch wall times is printed on stdout (and written to
--out when given); progress goes to stderr.
"""

import argparse
import gzip
import inspect
import json
import os
import statistics
import sys
import time

DEFAULT_DIR = "../shared/data/byxrm"


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Plain PyTorch loop for G-P Atlas stage-2 (genotype encoder) training.")
    p.add_argument("--geno", default=os.path.join(DEFAULT_DIR, "BYxRM_GenoData.txt.gz"),
                   help="genotype file: markers in rows, segregants in columns, cells B/R")
    p.add_argument("--pheno", default=None,
                   help="phenotype file (default: BYxRM_PhenoData.txt.gz beside --geno)")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--n-train", type=int, default=806,
                   help="use the first N segregants in file order")
    p.add_argument("--hidden", type=int, default=2048)
    p.add_argument("--latent", type=int, default=32)
    p.add_argument("--dec-hidden", type=int, default=64)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--p01", type=float, default=0.09, help="probability a 0 bit becomes 1")
    p.add_argument("--p10", type=float, default=0.09, help="probability a 1 bit becomes 0")
    p.add_argument("--l1", type=float, default=0.8)
    p.add_argument("--l2", type=float, default=0.01)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--foreach", action="store_true",
                   help="pass foreach=True to torch.optim.Adam when this torch supports it")
    p.add_argument("--out", default=None, help="also write the JSON result to this path")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.pheno is None:
        args.pheno = os.path.join(os.path.dirname(os.path.abspath(args.geno)),
                                  "BYxRM_PhenoData.txt.gz")
    if args.epochs < 1 or args.threads < 1 or args.batch < 2 or args.n_train < 2:
        p.error("--epochs and --threads must be >= 1, --batch and --n-train >= 2")
    return args


# OpenBLAS keeps its own thread pool beside torch's OpenMP pool. Its size is read
# once, when the library is loaded, so it has to be fixed before torch is imported.
# An explicit setting in the environment wins.
_ARGS = parse_args() if __name__ == "__main__" else None
if _ARGS is not None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(_ARGS.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def open_text(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt")
    return open(path, "r")


def read_genotypes(path, n_keep):
    """Return (segregant names, uint8 codes n_keep x n_markers with B=0, R=1)."""
    with open_text(path) as fh:
        header = fh.readline().rstrip("\r\n").split("\t")
        names = header[1:]
        if n_keep > len(names):
            raise ValueError("--n-train %d exceeds the %d segregants in %s"
                             % (n_keep, len(names), path))
        rows = []
        for lineno, line in enumerate(fh, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) != len(names) + 1:
                raise ValueError("%s line %d: %d fields, expected %d"
                                 % (path, lineno, len(fields), len(names) + 1))
            cells = np.frombuffer("".join(fields[1:n_keep + 1]).encode("ascii"), dtype=np.uint8)
            if len(cells) != n_keep:  # a cell longer than one character
                raise ValueError("%s line %d: cells must be B or R" % (path, lineno))
            rows.append(cells)
    cells = np.stack(rows)  # markers x segregants, ASCII codes
    is_r = cells == ord("R")
    if not np.all(is_r | (cells == ord("B"))):
        raise ValueError("%s: cells other than B and R" % path)
    codes = np.ascontiguousarray(is_r.T.astype(np.uint8))  # segregants x markers
    return names[:n_keep], codes


def read_phenotypes(path):
    """Return (row names, trait names, float64 matrix with NaN for NA)."""
    with open_text(path) as fh:
        header = fh.readline().rstrip("\r\n").split("\t")
        traits = header[1:]
        names, values = [], []
        for lineno, line in enumerate(fh, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) != len(traits) + 1:
                raise ValueError("%s line %d: %d fields, expected %d"
                                 % (path, lineno, len(fields), len(traits) + 1))
            names.append(fields[0])
            values.append([float("nan") if v in ("NA", "") else float(v) for v in fields[1:]])
    return names, traits, np.asarray(values, dtype=np.float64)


def standardize(y):
    """Per-trait (x - mean) / sd over the observed entries; returns (y0, mask)."""
    mask = ~np.isnan(y)
    mean = np.nanmean(y, axis=0)
    sd = np.nanstd(y, axis=0, ddof=1)
    sd[~np.isfinite(sd) | (sd == 0)] = 1.0
    z = (y - mean) / sd
    z[~mask] = 0.0
    return z.astype(np.float32), mask.astype(np.float32)


def block(n_in, n_out):
    return [nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out, momentum=0.8), nn.LeakyReLU(0.01)]


def build_models(n_inputs, hidden, latent, dec_hidden, n_traits):
    encoder = nn.Sequential(*block(n_inputs, hidden), *block(hidden, latent))
    decoder = nn.Sequential(*block(latent, dec_hidden), nn.Linear(dec_hidden, n_traits))
    decoder.eval()
    for prm in decoder.parameters():
        prm.requires_grad_(False)
    return encoder, decoder


def one_hot(codes_batch):
    """uint8 (b x L) with B=0, R=1 -> float32 (b x 2L), locus j at columns 2j (B), 2j+1 (R)."""
    r = codes_batch.to(torch.float32)
    return torch.stack((1.0 - r, r), dim=2).reshape(codes_batch.shape[0], -1)


def flip_bits(x, p01, p10):
    """Each 0 becomes 1 with probability p01, each 1 becomes 0 with probability p10."""
    threshold = torch.where(x > 0.5, torch.full_like(x, p10), torch.full_like(x, p01))
    flip = torch.rand_like(x) < threshold
    return torch.where(flip, 1.0 - x, x)


def masked_mse(pred, target, mask):
    n_obs = mask.sum().clamp_min(1.0)
    return ((pred - target).pow(2) * mask).sum() / n_obs


def make_adam(params, lr, want_foreach):
    kwargs = dict(lr=lr, betas=(0.5, 0.999), eps=1e-8, weight_decay=0.0)
    supported = "foreach" in inspect.signature(torch.optim.Adam.__init__).parameters
    used = None
    if supported:
        # Pass the choice explicitly either way, so the default heuristic never decides.
        used = bool(want_foreach)
        kwargs["foreach"] = used
    elif want_foreach:
        log("warning: this torch's Adam has no 'foreach' argument; using its default")
    return torch.optim.Adam(params, **kwargs), used


def main(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    t0 = time.perf_counter()
    seg_names, codes_np = read_genotypes(args.geno, args.n_train)
    ph_names, traits, y_raw = read_phenotypes(args.pheno)
    if len(ph_names) < args.n_train:
        raise ValueError("phenotype file has %d rows, fewer than --n-train" % len(ph_names))
    if ph_names[:args.n_train] != seg_names:
        raise ValueError("segregant order differs between the genotype and phenotype files")
    y_np, mask_np = standardize(y_raw[:args.n_train])
    codes = torch.from_numpy(codes_np)           # n x L, uint8
    y = torch.from_numpy(y_np)                   # n x m, float32, 0 where missing
    mask = torch.from_numpy(mask_np)             # n x m, 1 observed / 0 missing
    n, n_loci = codes.shape
    n_inputs = 2 * n_loci
    n_traits = y.shape[1]
    log("data: %d segregants, %d markers (%d inputs), %d traits, %.1f%% phenotypes missing; "
        "read in %.1f s" % (n, n_loci, n_inputs, n_traits, 100.0 * (1.0 - mask_np.mean()),
                            time.perf_counter() - t0))

    encoder, decoder = build_models(n_inputs, args.hidden, args.latent, args.dec_hidden, n_traits)
    encoder.train()
    w1 = encoder[0].weight                       # hidden x n_inputs
    optimizer, foreach_used = make_adam(encoder.parameters(), args.lr, args.foreach)

    epoch_seconds, epoch_losses = [], []
    n_steps = 0
    for epoch in range(args.epochs):
        t_start = time.perf_counter()
        perm = torch.randperm(n)
        loss_sum, obs_batches = 0.0, 0
        for start in range(0, n, args.batch):
            idx = perm[start:start + args.batch]
            if idx.numel() < 2:                  # BatchNorm needs at least two rows
                continue
            x = flip_bits(one_hot(codes[idx]), args.p01, args.p10)
            pred = decoder(encoder(x))
            colsum = w1.sum(dim=0)               # per input column
            loss = (masked_mse(pred, y[idx], mask[idx])
                    + args.l1 * colsum.abs().sum()
                    + args.l2 * torch.linalg.vector_norm(colsum, 2))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
            obs_batches += 1
            n_steps += 1
        elapsed = time.perf_counter() - t_start
        epoch_seconds.append(elapsed)
        epoch_losses.append(loss_sum / max(obs_batches, 1))
        log("epoch %d: %.3f s, %d steps, mean loss %.4f"
            % (epoch + 1, elapsed, obs_batches, epoch_losses[-1]))

    result = {
        "impl": "pytorch",
        "torch_version": torch.__version__,
        "threads": args.threads,
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "epochs": args.epochs,
        "epoch_seconds": [round(s, 4) for s in epoch_seconds],
        "median_epoch_seconds": round(statistics.median(epoch_seconds), 4),
        "n_train": n,
        "n_inputs": n_inputs,
        "n_traits": n_traits,
        "hidden": args.hidden,
        "latent": args.latent,
        "dec_hidden": args.dec_hidden,
        "batch": args.batch,
        "steps": n_steps,
        "adam_foreach": foreach_used,
        "seed": args.seed,
        "final_loss": epoch_losses[-1],
        "epoch_losses": epoch_losses,
    }
    line = json.dumps(result)
    print(line, flush=True)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(line + "\n")
    return result


if __name__ == "__main__":
    main(_ARGS)
