#!/usr/bin/python3
"""Export the publication's trained simulated-data networks and released predictions.

Reads, from a checkout of the authors' repository (Arcadia-Science/2025-g-p-atlas), the
state dicts results/g_p_atlas_format_simulated_data/{phen_encoder,phen_decoder,gen_encoder}
_state.pt.gz and the released test predictions phens_phen_encodings_dng_attr{,_p}.pk.gz, and
writes into OUT_DIR:
  params/<gpatlas parameter name>.f32   float32 little-endian, row-major, gpatlas layout
  params/shapes.csv                      name,dims (dims separated by 'x')
  predictions.csv                        id,from,trait,observed,predicted  (ids matched on
                                         the phenotype values of gpatlas_sim)
  batches.csv                            module,num_batches_tracked
Standard library only (numpy and torch are not needed).

Usage: python3 bench/publication_weights_export.py REPO_DIR PHENOTYPES_CSV_GZ OUT_DIR
"""
import array
import collections
import csv
import gzip
import io
import os
import pickle
import struct
import sys
import zipfile

SIM = "results/g_p_atlas_format_simulated_data/"


class _Storage:
    def __init__(self, key):
        self.key = key


class _StateUnpickler(pickle.Unpickler):
    """Reads a torch zip state dict as (storage key, offset, size) triples."""

    def find_class(self, mod, name):
        if name == "_rebuild_tensor_v2":
            return lambda st, off, size, stride, *rest: (st, off, tuple(size), tuple(stride))
        if name == "OrderedDict":
            return collections.OrderedDict
        if mod == "torch" and name.endswith("Storage"):
            return name
        return super().find_class(mod, name)

    def persistent_load(self, pid):
        return _Storage(pid[2])


def read_state(path):
    z = zipfile.ZipFile(io.BytesIO(gzip.open(path).read()))
    pkl = [n for n in z.namelist() if n.endswith("data.pkl")][0]
    root = pkl[: -len("data.pkl")]
    out = {}
    for key, (st, off, size, stride) in _StateUnpickler(z.open(pkl)).load().items():
        raw = z.read(root + "data/" + st.key)
        if key.endswith("num_batches_tracked"):
            out[key] = struct.unpack("q", raw[8 * off: 8 * off + 8])[0]
            continue
        n = 1
        for d in size:
            n *= d
        vals = array.array("f")
        vals.frombytes(raw[4 * off: 4 * (off + n)])
        if len(size) == 2 and stride != (size[1], 1):
            raise ValueError(key + ": only contiguous tensors are handled")
        out[key] = (size, vals)
    return out


class _Array:
    def __init__(self, *args):
        pass

    def __setstate__(self, st):
        _, self.shape, dt, self.fortran, raw = st
        self.values = array.array({"f4": "f", "f8": "d"}[dt.code])
        self.values.frombytes(raw)


class _Dtype:
    def __init__(self, code, *args):
        self.code = code

    def __setstate__(self, st):
        pass


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, mod, name):
        if name == "_reconstruct":
            return lambda cls, shape, dtype: _Array()
        if name == "ndarray":
            return _Array
        if name == "dtype":
            return _Dtype
        return super().find_class(mod, name)


def columns(a):
    """Individuals of a (traits x individuals) array as lists of trait values."""
    t, n = a.shape
    v = a.values
    if a.fortran:
        return [list(v[j * t: (j + 1) * t]) for j in range(n)]
    return [[v[k * n + j] for k in range(t)] for j in range(n)]


def transpose(size, vals):
    r, c = size
    out = array.array("f", bytes(4 * r * c))
    for i in range(r):
        for j in range(c):
            out[j * r + i] = vals[i * c + j]
    return (c, r), out


def main(repo, pheno_csv, out_dir):
    os.makedirs(os.path.join(out_dir, "params"), exist_ok=True)
    enc = read_state(os.path.join(repo, SIM, "phen_encoder_state.pt.gz"))
    dec = read_state(os.path.join(repo, SIM, "phen_decoder_state.pt.gz"))
    gen = read_state(os.path.join(repo, SIM, "gen_encoder_state.pt.gz"))
    params = {}
    for key, v in enc.items():
        params["pheno_encoder." + key.split(".", 1)[1]] = v
    for key, v in dec.items():
        params["decoder." + key.split(".", 1)[1]] = v
    # gpatlas keeps the first genotype layer transposed (features x hidden) and numbers the
    # rest of the genotype encoder from its first BatchNorm.
    rest = {"1": "0", "3": "2", "4": "3"}
    for key, v in gen.items():
        layer, what = key.split(".")[1], key.split(".", 2)[2]
        if layer == "0":
            params["geno_encoder.w1t" if what == "weight" else "geno_encoder.b1"] = (
                transpose(*v) if what == "weight" else v)
        else:
            params["geno_encoder.rest." + rest[layer] + "." + what] = v
    with open(os.path.join(out_dir, "batches.csv"), "w") as f:
        f.write("module,num_batches_tracked\n")
        for label, st in (("phen_encoder", enc), ("phen_decoder", dec), ("gen_encoder", gen)):
            for key, v in st.items():
                if key.endswith("num_batches_tracked"):
                    f.write("%s.%s,%d\n" % (label, key, v))
    with open(os.path.join(out_dir, "params", "shapes.csv"), "w") as f:
        f.write("name,dims\n")
        for name, v in params.items():
            if isinstance(v, int):
                continue
            size, vals = v
            with open(os.path.join(out_dir, "params", name + ".f32"), "wb") as g:
                vals.tofile(g)
            f.write("%s,%s\n" % (name, "x".join(str(d) for d in size)))

    rows = list(csv.reader(gzip.open(pheno_csv, "rt")))
    ids = [r[0] for r in rows[1:]]
    key_of = {tuple(round(float(x), 2) for x in r[1:]): r[0] for r in rows[1:]}
    with open(os.path.join(out_dir, "predictions.csv"), "w") as f:
        f.write("id,from,trait,observed,predicted\n")
        for source, name in (("genotype", ""), ("phenotype", "_p")):
            path = os.path.join(repo, SIM, "phens_phen_encodings_dng_attr%s.pk.gz" % name)
            arrs = _ArrayUnpickler(gzip.open(path)).load()
            obs, pred = columns(arrs[0]), columns(arrs[1])
            for o, p in zip(obs, pred):
                ind = key_of.get(tuple(round(x, 2) for x in o), "NA")
                for t, (ov, pv) in enumerate(zip(o, p)):
                    f.write("%s,%s,%d,%.6f,%.6f\n" % (ind, source, t + 1, ov, pv))
    print("%d individuals in gpatlas_sim; parameters and predictions written to %s"
          % (len(ids), out_dir))


if __name__ == "__main__":
    main(*sys.argv[1:4])
