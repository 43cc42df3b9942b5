// aelab lesson kit: "Use your own image". The controls every image lesson shares: a button that
// opens the browser's file dialog (natively: a path box), the drag-and-drop hint, the message
// area for a file that cannot be used, and the Fashion-MNIST preprocessing shown step by step.
//
// The image is shared by all lessons while the page (or app) is open: bring it once, use it in
// each lesson. It is kept in memory only: never sent anywhere, never written into the link.
//
//     long seen_ = 0;                       // the lesson's copy of the image serial
//     if (kit::image_input("mine", seen_)) { ... kit::user_image()->image.chw is new ... }
//     if (kit::fashion_input("prep", prep_)) canvas.load(prep_.steps.final);  // 28 x 28
//
// Status for scripts (the browser test): upload = "ok" | "error" (the last file tried),
// upload_name (its name), upload_error, and for the image in use upload_image (its name),
// upload_size ("W x H"), upload_format, upload_serial.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "aelab/image_decode.hpp"
#include "kit/platform_upload.hpp"

namespace aelab::kit {

// A decoded image is scaled down (area averaging, aspect kept) to at most this many pixels on
// its longer side: more than any lesson shows, and 3 MiB of floats instead of up to 192 MiB.
constexpr int kUserImageSide = 512;

struct UserImage {
    long serial = 0;       // 1, 2, ... for each image accepted; 0: none yet
    std::string name;      // file name
    int file_width = 0, file_height = 0;
    DecodedImage image;    // (C, H, W) in [0, 1], C = 1 or 3, at most kUserImageSide a side
};
// Takes an upload the platform holds (a file dropped or chosen) into the shared image.
void poll_uploads();
// The student's current image, or nullptr before the first one (polls first, so a file dropped
// while the image controls are folded away is used too).
const UserImage* user_image();
// Decodes an upload into the shared image. Returns "" or the message (the previous image
// stays). Public for tests; image_input() calls it for each upload the platform hands over.
std::string accept_upload(const platform::Upload& upload);
// The last upload's message ("" after a success).
const std::string& upload_error();
// Forgets the image and the message (tests).
void reset_user_image();

// The controls. Returns true once per lesson (tracked by `seen`) when a new image arrived.
bool image_input(const char* id, long& seen);

// The 28 x 28 grayscale input of the Fashion-MNIST models: options (crop or pad to a square,
// invert) and the four steps as pictures. Recomputes when the image or an option changes and
// then returns true (steps.final is the model's input). Draws nothing without a user image.
struct FashionInput {
    FashionOptions options;
    FashionSteps steps;
    long serial = 0;  // the image the steps are of (0: none)
    bool show_steps = true;
};
bool fashion_input(const char* id, FashionInput& in);
// Computes `in.steps` for the current image without drawing; false without an image.
bool update_fashion_input(FashionInput& in);

// "Your own image" in place of a lesson's test image: a folding section with the image controls,
// a choice between the test image and the student's image as 28 x 28 grayscale, and the
// preprocessing steps. An image brought in another lesson (or dropped while the section is
// folded) is chosen as it arrives. After the call, `use` says which one the lesson shows and
// `input.steps.final` (28 x 28) is up to date when it is the student's.
struct OwnImageChoice {
    FashionInput input;
    long seen = 0;     // the last image serial this lesson saw
    bool use = false;  // show the student's image rather than the test image
    // Differs for each image and preprocessing option (lessons key their caches on it).
    long key() const { return input.serial * 8 + long(input.options.square) * 4 + long(input.options.invert); }
};
void test_or_own_image(OwnImageChoice& choice);

// "Your own image through the network", for lessons whose Fashion-MNIST models reconstruct test
// images: a folding section (open once an image exists) with the image controls, the 28 x 28
// preprocessing, and the input beside what `run` makes of it. `run` gets the model input
// (1, 1, 28, 28) and returns named (1, 1, 28, 28) or (28, 28) outputs in [0, 1]; the MSE against
// the input is shown under each. It runs every frame the section is open (one image: cheap),
// so a model still training is followed live. Status: <id> = "your image" and <id>_mse (the
// first output's) once it has run.
struct ModelOutput {
    std::string caption;
    Tensor image;
};
struct ThroughModel {
    FashionInput input;
    long seen = 0;
};
void user_image_through_model(const char* id, ThroughModel& state,
                              const std::function<std::vector<ModelOutput>(const Tensor& x)>& run);

// The image for a lesson that shows pictures at a fixed size: centre-cropped to the aspect
// h : w, area-averaged to (h, w), as `channels` planes (1: BT.601 gray, 3: RGB).
Tensor fit_user_image(const Tensor& chw, int channels, int h, int w);

}  // namespace aelab::kit
