// aelab lessons: files the student brings (their own PNG or JPEG), the same API in the browser
// and natively. The bytes stay on the student's machine: in the browser a file chosen in the
// file dialog or dropped on the canvas is read by the page and copied into the program's
// memory, nothing is sent anywhere; natively a file is read from disk.
//   browser  install_image_input() adds a hidden <input type=file accept="image/png,image/jpeg">
//            and drop handlers on the canvas; open_image_picker() opens its dialog (call it from
//            a button press: the browser allows a dialog only right after a click or a key).
//   native   the host queues a file dropped on the window (SDL_DROPFILE) or named by --image;
//            lessons queue a path typed in a box (there is no file dialog).
// An upload waits until a lesson takes it (take_upload, every frame), so a file dropped while
// the lesson is opening is not lost; a newer upload replaces one not taken yet.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aelab::platform {

// Files over this are refused before they are copied (browser) or read (native).
constexpr std::int64_t kMaxUploadBytes = std::int64_t(20) << 20;

struct Upload {
    std::string name;                 // the file name, for messages
    std::vector<std::uint8_t> bytes;  // the file's contents (empty when `error` is set)
    std::string error;                // the file could not be read, or is too large
};

// Browser: the hidden file input (#aelab-image-input) and the canvas's drop handlers, once.
// Natively nothing (the host handles drops). Cheap to call every frame.
void install_image_input();
// Whether open_image_picker() opens a file dialog (browser) or not (native: type a path).
bool has_image_picker();
void open_image_picker();
// Browser: a file is being dragged over the canvas now (for the "drop it here" hint).
bool dragging_file();

// Reads a file from disk into the queue (native; in the browser only files the test suite
// wrote with NODERAWFS). A missing, unreadable or too large file queues an Upload whose error
// says so.
void queue_image_file(const std::string& path);
// Puts an upload in the queue (tests, and the two functions above).
void queue_upload(Upload upload);
// The upload waiting, if any: moves it to `out` and returns true.
bool take_upload(Upload& out);

}  // namespace aelab::platform
