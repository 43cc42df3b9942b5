// Writes the model_file seed corpus (tests/fuzz/corpus/model_file) with the core itself. Build and run:
//   g++ -std=c++17 -I core/include -isystem build/native/sysinc tests/fuzz/seeds/make_model_seeds.cpp \
//       build/native/core/libaelab_core.a -o /tmp/make_model_seeds && /tmp/make_model_seeds tests/fuzz/corpus/model_file
#include <cstdio>
#include <fstream>
#include "aelab/architecture.hpp"
#include "aelab/model_io.hpp"
using namespace aelab;
static void put(const std::string& path, const std::vector<std::uint8_t>& b) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), b.size());
}
int main(int, char** argv) {
    const std::string dir = argv[1];
    ArchOptions o; o.sample_shape = {1, 4, 4};
    Sequential conv = build_architecture("conv2p1-relu-pool2-code-unpool1-bn-conv1p1-sigmoid", 1, o);
    put(dir + "/conv_pool_unpool_bn.aelabm", save_model(conv));
    Sequential lin({4});
    lin.add(make_layer(LayerConfig("Linear").set("in_features", 4).set("out_features", 2).set("bias", true), {}));
    lin.add(make_layer(LayerConfig("ReLU"), {}));
    std::vector<Layer*> earlier{&lin.layer(0), &lin.layer(1)};
    lin.add(make_layer(LayerConfig("TiedLinear").set("tied_to", 0).set("bias", true), earlier));
    lin.init(2);
    put(dir + "/linear_tied.aelabm", save_model(lin));
    ArchOptions o2; o2.sample_shape = {1, 4, 4};
    Sequential strided = build_architecture("conv2s2p1-lrelu-flat-lin3-drop-lin8-unflat2x2x2-tconv1s2p1o1-tanh", 3, o2);
    put(dir + "/strided_flat_tconv.aelabm", save_model(strided));
    // A Vae: encoder Linear(4 -> 2*latent), decoder Linear(latent -> 4).
    Sequential net({4});
    net.add(make_layer(LayerConfig("Linear").set("in_features", 4).set("out_features", 2).set("bias", true), {}));
    net.add(make_layer(LayerConfig("Linear").set("in_features", 1).set("out_features", 4).set("bias", true), {}));
    net.add(make_layer(LayerConfig("Sigmoid"), {}));
    net.init(4);
    Vae vae(std::move(net), 1, 1, 1.0f);
    put(dir + "/vae_tiny.aelabm", save_model(vae));
    // The same as architecture text + NUL + parameter bytes (the target's third form).
    const ModelFile f = decode_model_file(save_model(lin).data(), save_model(lin).size(), "lin");
    std::vector<std::uint8_t> raw(f.architecture.begin(), f.architecture.end());
    raw.push_back(0);
    const auto* p = reinterpret_cast<const std::uint8_t*>(f.params.data());
    raw.insert(raw.end(), p, p + 4 * f.params.size());
    put(dir + "/linear_tied_text_form.bin", raw);
    std::printf("ok\n");
}
