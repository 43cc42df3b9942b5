#include "lesson.hpp"

namespace aelab::lessons {

// One line per lesson: LESSON(file, id, title, blurb) registers the lesson of lessons/<file>.cpp,
// which defines `std::unique_ptr<Lesson> make_<file>_lesson()` in aelab::lessons. The macro
// declares that factory itself, so adding a lesson touches no header.
#define LESSON(file, id, title, blurb)                                   \
    LessonInfo {                                                         \
        id, title, blurb, [] {                                           \
            extern std::unique_ptr<Lesson> make_##file##_lesson();       \
            return make_##file##_lesson();                               \
        }                                                                \
    }

const std::vector<LessonInfo>& registry() {
    static const std::vector<LessonInfo> lessons = {
        LESSON(tensors, "tensors", "Tensors & images", "Images as grids of numbers; channels; what NCHW means"),
        LESSON(convolution, "convolution", "Convolution", "1D, 2D and 3D convolution stepped window by window"),
        LESSON(pooling, "pooling", "Pooling & unpooling", "Max and average pooling; three ways back up"),
        LESSON(transposed_conv, "transposed-conv", "Transposed convolution", "Learnable upsampling, scatter and matrix views"),
        LESSON(pca_linear_ae, "pca-linear-ae", "PCA as a linear autoencoder", "A linear autoencoder finds the PCA subspace"),
        LESSON(autoencoder, "autoencoder", "Autoencoders: encoder, code, decoder", "The 8-3-8 code, bottlenecks, deep and stacked autoencoders, transfer"),
        LESSON(conv_autoencoder, "conv-autoencoder", "Convolutional autoencoders", "Design conv/pool/unpool/upsampling autoencoders, train two side by side, look inside"),
        LESSON(rbm, "rbm", "Restricted Boltzmann machines and deep belief networks", "Energies and conditionals, contrastive divergence, exact likelihood, Gibbs chains, DBN pretraining, DBN vs DBM"),
        LESSON(denoising, "denoising", "Denoising autoencoders", "Learning to undo noise on Fashion-MNIST"),
        LESSON(regularized_ae, "regularized-ae", "Sparse and contractive autoencoders", "Penalties on the code: L1 sparsity and its trade-off, the Jacobian's spectrum, the manifold picture"),
        LESSON(ae_applications, "ae-applications", "What autoencoders are for", "Retrieval, 2-D maps, anomalies, inpainting and compression, measured against pixels and PCA"),
        LESSON(vae, "vae", "VAE sampling", "A 2-D latent space you can walk through"),
        LESSON(gan, "gan", "Generative adversarial networks", "A generator and a discriminator in a game, on the plane and on images"),
    };
    return lessons;
}

#undef LESSON

const LessonInfo* find_lesson(std::string_view id) {
    for (const auto& l : registry())
        if (id == l.id) return &l;
    return nullptr;
}

}  // namespace aelab::lessons
