// aelab core: errors.
// Every failure the core can detect (bad shapes, bad parameters, malformed files) is reported
// by throwing aelab::Error with a message that names the op or file, what was expected and
// what was found. Nothing in the core aborts the process.
//
// Messages that quote input (file contents, command-line arguments, URL parameters, spec text)
// pass the quoted part through printable(), so a hostile or corrupt input cannot put control
// characters, terminal escape sequences or invalid UTF-8 into a terminal, a log or the page.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace aelab {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// `s` made safe to show inside a message:
//   - printable ASCII (0x20..0x7E) and valid UTF-8 sequences of printable characters are kept;
//   - '\n' and '\t' become the two characters \n and \t, a NUL byte \x00, every other control
//     byte (0x00..0x1F, 0x7F) and every byte of invalid UTF-8 (stray continuation bytes,
//     truncated or overlong sequences, surrogates, values above U+10FFFF) becomes \xNN
//     (uppercase hex); so do the bytes of the C1 controls (U+0080..U+009F), the line and
//     paragraph separators (U+2028, U+2029), the bidirectional overrides and isolates
//     (U+202A..U+202E, U+2066..U+2069) and the byte-order mark (U+FEFF), which would reorder
//     or hide the text around them;
//   - a result longer than max_len bytes is cut before the character (or escape) that would
//     pass max_len, and "..." is appended (max_len 0: no limit).
// A backslash in the input is kept as it is.
std::string printable(std::string_view s, std::size_t max_len = 80);

}  // namespace aelab
