// aelab-cli: argument parsing and the op / pca / bench commands. Every op call goes through
// the core's Tensor API, which validates shapes; this file only maps torch.nn.functional's
// argument conventions (unbatched inputs, stride defaulting to the kernel for pooling, one
// integer or one per axis) onto it.
#include "cli.hpp"

#include <array>
#include <limits>
#include <cmath>
#include <cstdio>
#include <optional>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <unistd.h>
#endif

#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "aelab/gemm.hpp"
#include "aelab/limits.hpp"
#include "aelab/ops.hpp"
#include "aelab/npy.hpp"
#include "aelab/pca.hpp"
#include "aelab/tensor.hpp"
#include "commands.hpp"
#include "train_linear_ae.hpp"
#include "train_denoising_ae.hpp"
#include "train_rbm.hpp"
#include "train_vae.hpp"
#include "train_gan.hpp"
#include "train_autoencoder.hpp"
#include "train_conv_ae.hpp"
#include "train_applications.hpp"
#include "train_regularized_ae.hpp"

namespace aelab::cli {

std::string find_dataset(const std::string& data_option, const std::string& command) {
    if (!data_option.empty()) return data_option;
    const std::string name = "fashion-mnist.aelab";
    std::vector<std::string> tried;
    if (const char* dir = std::getenv("AELAB_DATA_DIR"); dir && *dir)
        tried.push_back(std::string(dir) + "/" + name);
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
    char exe[4096];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {  // beside the program: build/native/data/, or <prefix>/share/aelab/data/
        const std::string path(exe, std::size_t(n));
        for (const std::string& dir : data_dirs_beside(path.substr(0, path.find_last_of('/'))))
            tried.push_back(dir + "/" + name);
    }
#endif
    tried.push_back("data/" + name);
    for (const auto& p : tried)
        if (std::ifstream(p, std::ios::binary).good()) return p;
    std::string list;
    for (const auto& p : tried) list += "\n  " + p;
    throw Error(command + ": no dataset found; tried:" + list +
                "\nPass --data FILE (build/native/data/" + name + " after a build).");
}

std::string decimals(double v, int count) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", count, v);
    return buf;
}

TrainArgs read_train_args(const Args& a, const std::string& command, int default_steps, std::uint64_t default_seed,
                          int max_steps) {
    const long steps = a.get_int("steps", default_steps);
    const long seed = a.get_int("seed", long(default_seed));
    if (steps < 1 || steps > max_steps)
        throw UsageError(command + ": --steps must be in [1, " + std::to_string(max_steps) + "], got " +
                         std::to_string(steps));
    if (seed < 0) throw UsageError(command + ": --seed must be >= 0, got " + std::to_string(seed));
    TrainArgs t;
    t.steps = int(steps);
    t.seed = std::uint64_t(seed);
    t.json = a.get("json", "") == "1";  // get(), not has(): check_all_used counts what was read
    t.data_option = a.get("data", "");
    return t;
}

namespace {

const char* const kUsage =
    "usage:\n"
    "  aelab-cli op NAME --input x.npy [--weight w.npy] [--bias b.npy] [--indices i.npy] --out y.npy\n"
    "            [--stride S] [--padding P] [--output-padding OP] [--dilation D] [--kernel K]\n"
    "            [--scale F] [--output-size H,W] [--indices-out i.npy]\n"
    "      NAME: conv1d conv2d conv3d conv_transpose1d conv_transpose2d max_pool2d avg_pool2d\n"
    "            max_unpool2d upsample_nearest bed_of_nails linear\n"
    "      S, P, OP, D, K: one integer, or a comma list with one per spatial axis\n"
    "  aelab-cli pca --input X.npy -k K --out components.npy [--explained ev.npy]\n"
    "  aelab-cli train linear-ae|denoising-ae|vae|autoencoder-838|stacked-ae|conv-ae [--steps N] [--seed S]\n"
    "            [--json] [--data FILE]\n"
    "            (vae: [--save FILE] [--beta B]; denoising-ae: [--noise KIND] [--level L];\n"
    "             linear-ae: [--latent K] [--tied 0|1]; autoencoder-838: [--loss cross-entropy|squared-error],\n"
    "             no --data; conv-ae: [--arch SPEC] [--arch2 SPEC] [--augment 0|1], SPEC architecture text\n"
    "             or a preset: pool-unpool, strided, resize-conv)\n"
    "  aelab-cli train retrieval [--steps N] [--seed S] [--json] [--data FILE]\n"
    "  aelab-cli train anomaly --holdout C [--steps N] [--seed S] [--json] [--data FILE]\n"
    "  aelab-cli train gan [--steps N] [--seed S] [--json] [--target ring|two-clusters|line]\n"
    "            [--loss non-saturating|saturating] [--kd K] [--kg K] [--lr LR] [--noise SD] [--batch B]\n"
    "            [--hidden H] [--latent L]   (ring: modes_covered of 8 and high_quality_fraction)\n"
    "  aelab-cli train sparse-ae|contractive-ae [--steps N] [--seed S] [--lambda L] [--json] [--data FILE]\n"
    "            (sparse-ae: [--sweep L1,L2,...|default], one network per lambda; [--atoms FILE.npy])\n"
    "  aelab-cli train rbm [--steps N] [--seed S] [--hidden H] [--k K] [--lr L] [--binarize threshold|sampled]\n"
    "            [--json] [--data FILE]   (exact log_likelihood when H <= 20)\n"
    "  aelab-cli train dbn-ae [--steps N] [--seed S] [--json] [--data FILE]\n"
    "  aelab-cli bench [--json] [--only b,c,...] [--repeats N] [--warmup N] [--loop-steps 1|2]\n"
    "  aelab-cli bench-train [--job SPEC] [--seconds S | --steps N] [--eval-every N] [--json] [--data FILE]\n"
    "            (steps/s of a lesson's training job as its page's worker runs it, default every kind;\n"
    "            --steps: exactly N steps and their loss digest)\n"
    "  aelab-cli version\n";

template <std::size_t A>
std::array<int, A> to_array(const std::vector<long>& v, const std::string& op, const char* what, long min) {
    std::array<int, A> a{};
    for (std::size_t i = 0; i < A; ++i) {
        if (v[i] < min || v[i] > kMaxWindow)
            throw Error(op + ": " + what + " must be in [" + std::to_string(min) + ", " + std::to_string(kMaxWindow) +
                        "], got " + std::to_string(v[i]));
        a[i] = static_cast<int>(v[i]);
    }
    return a;
}

// torch accepts unbatched inputs (C, *spatial): add the batch axis, remember to drop it.
struct Batched {
    Tensor x;
    bool added = false;
};
Batched batch_of(const Tensor& x, std::size_t spatial, const std::string& op) {
    Batched b{x, false};
    if (x.dimension() == spatial + 1) {
        Shape s(x.shape().begin(), x.shape().end());
        s.insert(s.begin(), 1);
        b.x.reshape(s);
        b.added = true;
    } else if (x.dimension() != spatial + 2) {
        throw Error(op + ": input must have " + std::to_string(spatial + 1) + " or " + std::to_string(spatial + 2) +
                    " dimensions, got shape " + shape_str(x.shape()));
    }
    return b;
}
template <class T>
T unbatch(T y, bool added) {
    if (added) {
        Shape s(y.shape().begin() + 1, y.shape().end());
        y.reshape(s);
    }
    return y;
}

int run_op(const std::vector<std::string>& args, std::ostream& out) {
    if (args.size() < 2) throw UsageError("op: missing NAME");
    const std::string name = args[1];
    Args a(args, 2);
    const std::string op = name;
    Tensor x = load_npy(a.get("input"));
    const std::string out_path = a.get("out");
    std::optional<Tensor> bias;
    auto weight = [&] { return load_npy(a.get("weight")); };
    auto load_bias = [&]() -> const Tensor* {
        if (!a.has("bias")) return nullptr;
        bias = load_npy(a.get("bias"));
        return &*bias;
    };
    Tensor y;
    if (name == "conv1d" || name == "conv2d" || name == "conv3d") {
        const std::size_t axes = name == "conv1d" ? 1 : name == "conv2d" ? 2 : 3;
        Tensor w = weight();
        const Tensor* b = load_bias();
        auto s = a.get_ints("stride", axes, 1), p = a.get_ints("padding", axes, 0), d = a.get_ints("dilation", axes, 1);
        Batched in = batch_of(x, axes, op);
        if (axes == 1) {
            Conv1dParams prm{to_array<1>(s, op, "stride", 1)[0], to_array<1>(p, op, "padding", 0)[0],
                             to_array<1>(d, op, "dilation", 1)[0]};
            y = unbatch(conv1d(in.x, w, b, prm), in.added);
        } else if (axes == 2) {
            Conv2dParams prm{to_array<2>(s, op, "stride", 1), to_array<2>(p, op, "padding", 0), to_array<2>(d, op, "dilation", 1)};
            y = unbatch(conv2d(in.x, w, b, prm), in.added);
        } else {
            Conv3dParams prm{to_array<3>(s, op, "stride", 1), to_array<3>(p, op, "padding", 0), to_array<3>(d, op, "dilation", 1)};
            y = unbatch(conv3d(in.x, w, b, prm), in.added);
        }
    } else if (name == "conv_transpose1d" || name == "conv_transpose2d") {
        const std::size_t axes = name == "conv_transpose1d" ? 1 : 2;
        Tensor w = weight();
        const Tensor* b = load_bias();
        auto s = a.get_ints("stride", axes, 1), p = a.get_ints("padding", axes, 0);
        auto o = a.get_ints("output-padding", axes, 0), d = a.get_ints("dilation", axes, 1);
        Batched in = batch_of(x, axes, op);
        if (axes == 1) {
            ConvTranspose1dParams prm{to_array<1>(s, op, "stride", 1)[0], to_array<1>(p, op, "padding", 0)[0],
                                      to_array<1>(o, op, "output_padding", 0)[0], to_array<1>(d, op, "dilation", 1)[0]};
            y = unbatch(conv_transpose1d(in.x, w, b, prm), in.added);
        } else {
            ConvTranspose2dParams prm{to_array<2>(s, op, "stride", 1), to_array<2>(p, op, "padding", 0),
                                      to_array<2>(o, op, "output_padding", 0), to_array<2>(d, op, "dilation", 1)};
            y = unbatch(conv_transpose2d(in.x, w, b, prm), in.added);
        }
    } else if (name == "max_pool2d" || name == "avg_pool2d" || name == "max_unpool2d") {
        if (!a.has("kernel")) throw UsageError(op + ": missing --kernel");
        auto k = to_array<2>(a.get_ints("kernel", 2, 0), op, "kernel_size", 1);
        auto s = a.has("stride") ? to_array<2>(a.get_ints("stride", 2, 1), op, "stride", 1) : k;
        auto p = to_array<2>(a.get_ints("padding", 2, 0), op, "padding", 0);
        Batched in = batch_of(x, 2, op);
        if (name == "max_pool2d") {
            auto d = to_array<2>(a.get_ints("dilation", 2, 1), op, "dilation", 1);
            MaxPool2dResult r = max_pool2d(in.x, MaxPool2dParams{k, s, p, d});
            y = unbatch(r.out, in.added);
            if (a.has("indices-out")) save_npy(a.get("indices-out"), unbatch(r.indices, in.added));
        } else if (name == "avg_pool2d") {
            y = unbatch(avg_pool2d(in.x, AvgPool2dParams{k, s, p}), in.added);
        } else {
            IndexTensor idx = load_npy_index(a.get("indices"));
            if (in.added) {
                Shape sh(idx.shape().begin(), idx.shape().end());
                sh.insert(sh.begin(), 1);
                idx.reshape(sh);
            }
            MaxUnpool2dParams prm{k, s, p, {0, 0}};
            if (a.has("output-size")) {
                auto os = a.get_ints("output-size", 2, 0);
                prm.output_size = to_array<2>(os, op, "output_size", 1);
            }
            y = unbatch(max_unpool2d(in.x, idx, prm), in.added);
        }
    } else if (name == "upsample_nearest" || name == "bed_of_nails") {
        std::string sv = a.get("scale");
        std::vector<long> scales;
        std::stringstream ss(sv);
        std::string part;
        while (std::getline(ss, part, ',')) {
            char* end = nullptr;
            double f = std::strtod(part.c_str(), &end);
            if (part.empty() || *end || !(f >= 1) || f != std::floor(f) || f > double(kMaxWindow))
                throw Error(op + ": --scale must be a whole number in [1, " + std::to_string(kMaxWindow) +
                            "] (one, or one per axis), got '" + printable(sv) + "'");
            scales.push_back(static_cast<long>(f));
        }
        if (scales.size() == 1) scales.push_back(scales[0]);
        if (scales.size() != 2) throw Error(op + ": --scale expects 1 or 2 values, got '" + printable(sv) + "'");
        Batched in = batch_of(x, 2, op);
        y = name == "upsample_nearest" ? upsample_nearest2d(in.x, int(scales[0]), int(scales[1]))
                                       : upsample_bed_of_nails2d(in.x, int(scales[0]), int(scales[1]));
        y = unbatch(y, in.added);
    } else if (name == "linear") {
        Tensor w = weight();
        const Tensor* b = load_bias();
        if (x.dimension() < 1) throw Error("linear: input must have at least 1 dimension, got shape ()");
        Shape lead(x.shape().begin(), x.shape().end() - 1);
        const std::size_t in_features = x.shape().back();
        const std::size_t rows = numel(lead);
        Tensor x2 = x;
        x2.reshape({rows, in_features});
        y = linear(x2, w, b);
        Shape ys = lead;
        ys.push_back(y.shape()[1]);
        y.reshape(ys);
    } else {
        throw UsageError("op: unknown op '" + printable(name) + "'");
    }
    a.check_all_used("op " + name);
    save_npy(out_path, y);
    out << "op " << name << ": " << shape_str(x.shape()) << " -> " << shape_str(y.shape()) << ", wrote " << out_path << "\n";
    return 0;
}

int run_pca(const std::vector<std::string>& args, std::ostream& out) {
    Args a(args, 1);
    Tensor X = load_npy(a.get("input"));
    if (X.dimension() < 2) throw Error("pca: input must be (N, D) or (N, ...) samples, got shape " + shape_str(X.shape()));
    const std::size_t N = X.shape()[0], D = X.size() / std::max<std::size_t>(N, 1);
    X.reshape({N, D});
    const long k = a.get_int("k", 0);
    if (k < 1) throw Error("pca: -k must be a positive integer");
    const std::string out_path = a.get("out");
    const std::string ev_path = a.get("explained", "");
    a.check_all_used("pca");
    PcaResult p = pca(X, static_cast<std::size_t>(k));
    save_npy(out_path, p.components);
    if (!ev_path.empty()) save_npy(ev_path, p.explained_variance);
    out << "pca: " << N << " samples x " << D << " features, top " << k << " components explain "
        << 100.0 * xt::sum(p.explained_variance_ratio)() << "% of the variance; wrote " << out_path << "\n";
    return 0;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || args[0] == "--help" || args[0] == "help" || args[0] == "-h") {
        (args.empty() ? err : out) << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string& cmd = args[0];
    try {
        if (cmd == "op") return run_op(args, out);
        if (cmd == "pca") return run_pca(args, out);
        if (cmd == "bench") return run_bench(Args(args, 1), out);
        if (cmd == "bench-train") return bench_train(Args(args, 1), out);
        if (cmd == "train") {
            const std::string model = args.size() > 1 ? args[1] : "";
            if (model == "linear-ae") return train_linear_ae(Args(args, 2), out);
            if (model == "denoising-ae") return train_denoising_ae(Args(args, 2), out);
            if (model == "vae") return train_vae(Args(args, 2), out);
            if (model == "autoencoder-838") return train_autoencoder_838(Args(args, 2), out);
            if (model == "stacked-ae") return train_stacked_ae(Args(args, 2), out);
            if (model == "conv-ae") return train_conv_ae(Args(args, 2), out);
            if (model == "retrieval") return train_retrieval(Args(args, 2), out);
            if (model == "anomaly") return train_anomaly(Args(args, 2), out);
            if (model == "gan") return train_gan(Args(args, 2), out);
            if (model == "sparse-ae") return train_sparse_ae(Args(args, 2), out);
            if (model == "contractive-ae") return train_contractive_ae(Args(args, 2), out);
            if (model == "rbm") return train_rbm(Args(args, 2), out);
            if (model == "dbn-ae") return train_dbn_ae(Args(args, 2), out);
            throw UsageError("train: unknown model '" + printable(model) +
                             "' (linear-ae, denoising-ae, vae, autoencoder-838, stacked-ae, conv-ae, sparse-ae, contractive-ae, rbm, dbn-ae, retrieval, anomaly or gan)");
        }
        if (cmd == "version") {
            out << "aelab-cli " << AELAB_VERSION << "\n";
            // The kernels' instruction set, chosen at run time (AELAB_ISA forces one).
            std::string runs;
            for (const std::string& isa : runnable_instruction_sets())
                runs += (runs.empty() ? "" : ", ") + isa;
            out << "kernels: " << instruction_set() << " (this CPU runs: " << runs << ")\n";
            return 0;
        }
        throw UsageError("unknown command '" + printable(cmd) + "'");
    } catch (const UsageError& e) {
        err << "aelab-cli: " << e.what() << "\n" << kUsage;
        return 2;
    } catch (const std::exception& e) {
        err << "aelab-cli " << printable(cmd) << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace aelab::cli
