// printable(): input quoted in error messages, made safe to show (see error.hpp).
#include "aelab/error.hpp"

#include <cstdint>

namespace aelab {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] and its code point, or 0 if invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    std::size_t n = 0;
    std::uint32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) n = 2, cp = b0 & 0x1Fu, min = 0x80;
    else if (b0 >= 0xE0 && b0 <= 0xEF) n = 3, cp = b0 & 0x0Fu, min = 0x800;
    else if (b0 >= 0xF0 && b0 <= 0xF4) n = 4, cp = b0 & 0x07u, min = 0x10000;
    else return 0;  // ASCII is handled by the caller; 0x80..0xC1 and 0xF5..0xFF never start one
    if (s.size() - i < n) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const unsigned char b = byte(i + k);
        if ((b & 0xC0u) != 0x80u) return 0;
        cp = cp << 6 | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

// Code points that are valid UTF-8 but must not reach a terminal or a page as they are.
bool hidden_code_point(std::uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

void hex_byte(std::string& out, unsigned char b) {
    static const char digits[] = "0123456789ABCDEF";
    out += "\\x";
    out += digits[b >> 4];
    out += digits[b & 0xF];
}

}  // namespace

std::string printable(std::string_view s, std::size_t max_len) {
    std::string out;
    out.reserve(s.size() < 256 ? s.size() + 8 : 256);
    std::string piece;
    for (std::size_t i = 0; i < s.size();) {
        piece.clear();
        const unsigned char b = static_cast<unsigned char>(s[i]);
        std::size_t used = 1;
        if (b == '\n') {
            piece = "\\n";
        } else if (b == '\t') {
            piece = "\\t";
        } else if (b >= 0x20 && b < 0x7F) {
            piece = char(b);
        } else if (b < 0x80) {
            hex_byte(piece, b);  // the other C0 controls and DEL
        } else {
            std::uint32_t cp = 0;
            const std::size_t n = utf8_sequence(s, i, cp);
            if (n == 0) {
                hex_byte(piece, b);  // one invalid byte; resynchronise on the next
            } else {
                used = n;
                if (hidden_code_point(cp))
                    for (std::size_t k = 0; k < n; ++k) hex_byte(piece, static_cast<unsigned char>(s[i + k]));
                else
                    piece.assign(s.substr(i, n));
            }
        }
        if (max_len != 0 && out.size() + piece.size() > max_len) return out + "...";
        out += piece;
        i += used;
    }
    return out;
}

}  // namespace aelab
