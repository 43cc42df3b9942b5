// aelab lessons: the little the lessons need from the platform, the same API in the browser
// and natively: page parameters (URL query or command line), saving a file (a download or a
// file on disk) and the lazily loaded dataset asset.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"

namespace aelab::platform {

// --- Page parameters: ?lesson=tensors&embed=1 in the browser, --lesson tensors --embed natively.
// The host fills them at start-up natively; in the browser they are read from the URL.
void set_params(const std::map<std::string, std::string>& params);
// A URL query ("?lesson=tensors&k=3%2C3", the '?' optional) as page parameters, decoded as
// URLSearchParams does: '+' is a space, %XX a byte (a '%' without two hex digits stays as it
// is), a pair without '=' has an empty value, the last of a repeated key wins.
std::map<std::string, std::string> parse_query(const std::string& query);
std::string param(const std::string& key, const std::string& fallback = "");
// Writes a parameter back (browser: history.replaceState, so a copied link reopens the view).
// Cheap when the value is unchanged, so lessons may call it every frame.
void set_param(const std::string& key, const std::string& value);
void set_param(const std::string& key, int value);
void set_param(const std::string& key, float value);
// Typed reads; a missing, malformed or out-of-range value gives the fallback.
int param_int(const std::string& key, int fallback, int lo, int hi);
float param_float(const std::string& key, float fallback, float lo, float hi);
// Lists of numbers ("1,4,-2.5"): the text written to the URL, and the values read back:
// exactly `count` finite numbers of magnitude at most 1000, else an empty vector.
std::string floats_text(const std::vector<float>& values);
std::vector<float> parse_floats(const std::string& text, std::size_t count);
std::vector<float> param_floats(const std::string& key, std::size_t count);
void set_param(const std::string& key, const std::vector<float>& values);
// Whether the page asked to hide a part: &hide=pytorch,export,sidebar,menu (an instructor
// focusing an embedded lesson on one idea).
bool hidden(const std::string& part);
// Drops every parameter but these (the host calls it when another lesson opens, so one
// lesson's state does not leak into the next one's link).
void keep_only_params(const std::vector<std::string>& keys);

// --- Saving: a browser download, or a file in the current directory natively. Returns where
// it went ("downloaded as x.npy" / "saved to /path/x.npy") or throws aelab::Error.
std::string save_file(const std::string& name, const std::vector<std::uint8_t>& bytes);

// --- The Fashion-MNIST asset, loaded on first request: from data/ beside the executable (or
// $AELAB_DATA_DIR) natively, fetched from data/ of the web site in the browser.
enum class AssetState { idle, loading, ready, failed };
struct DatasetAsset {
    AssetState state = AssetState::idle;
    std::string error;               // set when failed
    const Dataset* dataset = nullptr; // set when ready
};
// Starts loading on the first call; cheap afterwards. Call every frame from lessons.
const DatasetAsset& fashion_mnist();
// The asset's state without starting a load.
AssetState fashion_mnist_state();
// Where the asset is read from (for messages) and an override (tests, the desktop app's flag).
std::string dataset_location();
void set_dataset_path(const std::string& path);
// Forgets a failed load so the next fashion_mnist() call tries again.
void retry_dataset();

// --- Other data files (e.g. pretrained models in data/models/), loaded like the dataset: on
// first request, fetched in a page, read from disk natively. `name` is relative to the data
// folder ("models/vae-2d.aelabm").
struct FileAsset {
    AssetState state = AssetState::idle;
    std::string error;                // set when failed
    std::vector<std::uint8_t> bytes;  // set when ready
    std::string path;                 // where it was read or fetched from
};
const FileAsset& data_file(const std::string& name);
void retry_data_file(const std::string& name);
// The folder holding the dataset and the other data files.
std::string data_dir();

// --- Status a lesson reports about itself (training step, loss, ...): shown to scripts as
// Module.aelabState.status in the browser (the browser tests read it); nothing natively.
void set_status(const std::string& key, const std::string& value);
const std::map<std::string, std::string>& status();
void clear_status();

// --- Redrawing. The host draws a frame only when something may have changed (input, a
// training run's news, a file that arrived) and otherwise a few times a second, so an idle page
// leaves the CPU to a training worker and to the battery. Whatever moves on its own (a playing
// stepper, a run on the page's own thread) asks for the next frame in each frame it draws;
// callbacks that complete outside a frame (a fetch, a file the student chose) ask too.
void request_frame();
// The host: whether a frame was asked for since the last call (and forgets it).
bool take_frame_request();

// Build facts for the About box.
struct BuildInfo {
    const char* version;
    const char* build_type;
    const char* target;  // "WebAssembly" or "native"
    const char* simd;    // the core's instruction_set(): "wasm-simd128", "avx2+fma", ...
};
BuildInfo build_info();

}  // namespace aelab::platform
