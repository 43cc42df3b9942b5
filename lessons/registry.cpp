#include "lesson.hpp"

namespace aelab::lessons {

const std::vector<LessonInfo>& registry() {
    static const std::vector<LessonInfo> lessons = {
        {"tensors", "Tensors & images", "Images as grids of numbers; channels; what NCHW means", &make_tensors_lesson},
        {"convolution", "Convolution", "1D, 2D and 3D convolution stepped window by window", &make_convolution_lesson},
        {"pooling", "Pooling & unpooling", "Max and average pooling; three ways back up", &make_pooling_lesson},
        {"transposed-conv", "Transposed convolution", "Learnable upsampling, scatter and matrix views", &make_transposed_conv_lesson},
        {"pca-linear-ae", "PCA as a linear autoencoder", "A linear autoencoder finds the PCA subspace", &make_pca_linear_ae_lesson},
        {"denoising", "Denoising autoencoders", "Learning to undo noise on Fashion-MNIST", &make_denoising_lesson},
        {"vae", "VAE sampling", "A 2-D latent space you can walk through", &make_vae_lesson},
    };
    return lessons;
}

const LessonInfo* find_lesson(std::string_view id) {
    for (const auto& l : registry())
        if (id == l.id) return &l;
    return nullptr;
}

}  // namespace aelab::lessons
