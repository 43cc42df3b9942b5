// aelab core: model files (architecture + weights), from disk or from memory (the browser
// loads fetched bytes).
//
// File layout (integers little-endian, floats IEEE-754 binary32 little-endian):
//   0   char[8]  magic "AELABMD\0"
//   8   u32      format version (1)
//   12  u32      A, bytes of architecture text
//   16  char[A]  architecture text (UTF-8, lines end with '\n'):
//                  line 1: "Sequential sample_shape=1,28,28"
//                       or "Vae sample_shape=1,28,28 encoder_layers=4 latent=2 beta=1"
//                  then one LayerConfig line per layer ("Conv2d in_channels=1 ...")
//   ..  u32      P, value count (must equal what the architecture needs)
//   ..  f32[P]   the parameter buffer, in the model's layout (Sequential::blocks()), then the
//                buffer of running statistics (Sequential::buffer_blocks(); BatchNorm2d's),
//                empty for models without one
//   end u32      CRC-32 (IEEE, aelab::crc32) of every byte before it
// Every defect throws aelab::Error naming the source (path or given name) and the defect:
// too short / truncated, wrong magic, unsupported version, checksum mismatch, malformed or
// unknown architecture, a parameter count that does not fit, or (load_weights) an
// architecture different from the model's.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/model.hpp"
#include "aelab/models.hpp"

namespace aelab {

constexpr std::uint32_t kModelFileVersion = 1;

// The container alone: architecture text and parameters, no interpretation.
struct ModelFile {
    std::string architecture;
    std::vector<float> params;  // the parameters, then the buffers
};
std::vector<std::uint8_t> encode_model_file(const std::string& architecture, const float* params,
                                            std::size_t count);
ModelFile decode_model_file(const std::uint8_t* data, std::size_t size, const std::string& source);

// The architecture text of a model (the header line + its layers).
std::string architecture_text(const Sequential& model);
std::string architecture_text(const Vae& vae);

std::vector<std::uint8_t> save_model(const Sequential& model);
std::vector<std::uint8_t> save_model(const Vae& vae);
void save_model_file(const Sequential& model, const std::string& path);
void save_model_file(const Vae& vae, const std::string& path);

// Builds the model the file describes, with its weights.
Sequential load_sequential(const std::uint8_t* data, std::size_t size, const std::string& source);
Sequential load_sequential_file(const std::string& path);
Vae load_vae(const std::uint8_t* data, std::size_t size, const std::string& source);
Vae load_vae_file(const std::string& path);

// Replaces the weights of an existing model; the file's architecture must equal the model's.
void load_weights(Sequential& model, const std::uint8_t* data, std::size_t size, const std::string& source);
void load_weights(Vae& vae, const std::uint8_t* data, std::size_t size, const std::string& source);

}  // namespace aelab
