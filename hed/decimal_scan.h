// decimal_scan.h -- reading the numbers of plain CSV rows without strtod.
//
// The readers here take the short decimals of prediction files (at most 15
// digits, no exponent) and give the double that strtod would give: the
// digits form an exact integer, 10^k is exact for k <= 15, and one IEEE
// division rounds correctly. They load whole words past the text, so the
// buffer they read needs buffer_padding readable bytes after its end.
// Only reader.cc includes this file.
#ifndef HEDFLOW_HED_DECIMAL_SCAN_H
#define HEDFLOW_HED_DECIMAL_SCAN_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hed {
namespace internal {

/// The bytes after a read buffer's end that the scanners may load.
const size_t buffer_padding = 16;

/// Reads a short decimal (digits with at most one point, 15 digits at
/// most, no sign or exponent) from \a first, stopping at \a last or at the
/// first other byte. The digits form an exact integer and 10^k (k <= 15) is
/// exact, so one IEEE division gives the correctly rounded value, as strtod
/// would. \returns the end of the number, or nullptr when the text there
/// is not a short decimal (then \a out is unchanged).
static inline const char *
scan_short_decimal(const char *first, const char *last, double &out, int &fraction_digits)
{
    static const double powers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    uint64_t digits = 0;
    int count = 0, fraction = 0;
    const char *c = first;
    for (; c < last && unsigned(*c - '0') < 10; c++) {
        digits = digits * 10 + uint64_t(*c - '0');
        count++;
    }
    if (c < last && *c == '.') {
        for (c++; c < last && unsigned(*c - '0') < 10; c++) {
            digits = digits * 10 + uint64_t(*c - '0');
            count++;
            fraction++;
        }
    }
    if (count == 0 || count > 15) {
        return nullptr;
    }
    out = double(digits) / powers[fraction];
    fraction_digits = fraction;
    return c;
}

/// Reads a number of the form "D.F..." (one digit, a point, 1 to 7
/// fraction digits), like scan_short_decimal but without a branch per
/// digit: the fraction digits are found and summed eight bytes at a time.
/// \a first must have 10 readable bytes. \returns the end of the number, or
/// nullptr when it has another form (then scan_short_decimal reads it).
static inline const char *
scan_unit_decimal(const char *first, double &out, int &fraction_digits)
{
    static const double powers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    static const uint64_t integer_scale[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    return nullptr;   // the byte tricks below assume the first character is the lowest byte
#endif
    const uint64_t ones = 0x0101010101010101ULL;
    unsigned integer = unsigned(first[0] - '0');
    if (integer > 9 || first[1] != '.') {
        return nullptr;
    }
    uint64_t chunk;
    std::memcpy(&chunk, first + 2, sizeof chunk);

    // A byte is a digit when its high nibble is 3 and adding 6 to it does
    // not carry out of its low nibble. Bytes after the first non-digit may
    // be wrong (a carry), but only the leading digits are counted.
    uint64_t high = chunk & (0xF0 * ones);
    uint64_t carried = (chunk + 0x06 * ones) & (0xF0 * ones);
    uint64_t other = (high ^ (0x30 * ones)) | (carried ^ (0x30 * ones));
    uint64_t nonzero = ((((other & (0x7F * ones)) + 0x7F * ones) | other) & (0x80 * ones));
    if (nonzero == 0 || (nonzero & 0x80) != 0) {
        return nullptr;   // eight or more fraction digits, or none
    }
    int count = __builtin_ctzll(nonzero) / 8;

    // Keep the count digits, shifted to the top so that the bytes below are
    // leading zeros, and combine pairs, then quads, then the two halves
    // (the first digit is in the lowest byte).
    uint64_t digits = ((chunk - 0x30 * ones) & (0x0F * ones)) << (8 * (8 - count));
    digits = (digits * 10 + (digits >> 8)) & 0x00FF00FF00FF00FFULL;
    digits = (digits * 100 + (digits >> 16)) & 0x0000FFFF0000FFFFULL;
    digits = (digits * 10000 + (digits >> 32)) & 0xFFFFFFFFULL;
    out = double(uint64_t(integer) * integer_scale[count] + digits) / powers[count];
    fraction_digits = count;
    return first + 2 + count;
}

/// Reads an optional minus sign and a short decimal, in a read buffer that
/// has buffer_padding bytes after \a last. \returns the end of the number,
/// or nullptr when the text there is not such a number.
static inline const char *
scan_plain_value(const char *first, const char *last, double &out, int &fraction_digits)
{
    bool negative = *first == '-';
    first += negative;
    const char *end = scan_unit_decimal(first, out, fraction_digits);
    if (end == nullptr) {
        end = scan_short_decimal(first, last, out, fraction_digits);
    }
    out = negative ? -out : out;
    return end;
}

/// Reads a row "D.DDDD,D.DDDD" and its newline (14 bytes, the delimiter in
/// place of the comma), the shape of most IMPROVE rows. Stores each number
/// as the integer DDDDD, its value times 10^4. \a line must have 16
/// readable bytes. \returns false for any other shape.
static inline bool
scan_four_decimal_row(const char *line, uint64_t delimiter_byte, uint32_t &true_key, uint32_t &predicted_key)
{
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    return false;   // the byte layouts below put the first character in the lowest byte
#endif
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t head, tail;
    std::memcpy(&head, line, sizeof head);       // bytes 0-7:  D . D D D D , D
    std::memcpy(&tail, line + 6, sizeof tail);   // bytes 6-13: , D . D D D D \n

    // The row needs digits where the shape has digits (0x30 to 0x39: high
    // nibble 3, and adding 6 does not carry out of the low nibble) and the
    // marks elsewhere. Masked bytes are digits or zero, so adding 6 to them
    // carries into no other byte.
    const uint64_t head_digits = 0xFF00FFFFFFFF00FFULL, tail_digits = 0x00FFFFFFFF00FF00ULL;
    const uint64_t head_marks = (uint64_t('.') << 8) | (delimiter_byte << 48);
    const uint64_t tail_marks = delimiter_byte | (uint64_t('.') << 16) | (uint64_t('\n') << 56);
    uint64_t digits_head = head & head_digits, digits_tail = tail & tail_digits;
    uint64_t wrong = ((digits_head & (0xF0 * ones)) ^ (0x30 * ones & head_digits))
        | (((digits_head + (0x06 * ones & head_digits)) & (0xF0 * ones)) ^ (0x30 * ones & head_digits))
        | ((digits_tail & (0xF0 * ones)) ^ (0x30 * ones & tail_digits))
        | (((digits_tail + (0x06 * ones & tail_digits)) & (0xF0 * ones)) ^ (0x30 * ones & tail_digits))
        | ((head & ~head_digits) ^ head_marks) | ((tail & ~tail_digits) ^ tail_marks);
    if (wrong != 0) {
        return false;
    }

    // The four fraction digits of each number side by side, the first in
    // the lowest byte: combine pairs, then quads, in both halves at once.
    uint64_t fractions = ((head >> 16) & 0xFFFFFFFFULL) | ((tail << 8) & 0xFFFFFFFF00000000ULL);
    fractions -= 0x30 * ones;
    fractions = (fractions * 10 + (fractions >> 8)) & 0x00FF00FF00FF00FFULL;
    fractions = (fractions * 100 + (fractions >> 16)) & 0x0000FFFF0000FFFFULL;
    true_key = uint32_t(head & 0x0F) * 10000 + uint32_t(fractions & 0xFFFF);
    predicted_key = uint32_t((head >> 56) & 0x0F) * 10000 + uint32_t(fractions >> 32);
    return true;
}

/// Reads a row "D.F,D.F" and its LF or CRLF, each F being 1 to 4 fraction
/// digits (the delimiter may replace the comma). Stores both values times
/// 10^4 as integer keys, and their fraction digits. \a line must have 16
/// readable bytes. \returns the length of the row with its line end, or 0
/// for any other shape.
static inline uint32_t
scan_unit_row(const char *line, uint64_t delimiter_byte, uint32_t &true_key, uint32_t &predicted_key,
              int &true_digits, int &predicted_digits)
{
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    return 0;   // the byte layouts below put the first character in the lowest byte
#endif
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t head;
    std::memcpy(&head, line, sizeof head);

    // The delimiter is byte 3, 4, 5 or 6 of the row, the newline byte 3 to
    // 7 of the second number, after a carriage return or not. The lowest
    // zero byte of x ^ marks is exact (borrows spoil only the bytes above).
    uint64_t other = head ^ (delimiter_byte * ones);
    uint64_t zeros = (other - ones) & ~other & 0x0080808080000000ULL;
    if (zeros == 0) {
        return 0;
    }
    uint32_t delimiter = uint32_t(__builtin_ctzll(zeros)) / 8;
    uint64_t tail;
    std::memcpy(&tail, line + delimiter + 1, sizeof tail);
    other = tail ^ (uint64_t('\n') * ones);
    zeros = (other - ones) & ~other & 0x8080808080000000ULL;
    if (zeros == 0) {
        return 0;
    }
    uint32_t newline = uint32_t(__builtin_ctzll(zeros)) / 8;
    uint32_t carriage = uint32_t(((tail >> (8 * newline - 8)) & 0xFF) == '\r');
    uint32_t true_fraction = delimiter - 2, predicted_fraction = newline - 2 - carriage;
    if (predicted_fraction - 1 > 3) {
        return 0;   // none (wrapping below zero) or five fraction digits
    }

    // The row needs digits where the shape has them (the check of
    // scan_four_decimal_row) and a point in byte 1 of both numbers.
    uint64_t true_mask = (((uint64_t(1) << (8 * true_fraction)) - 1) << 16) | 0xFF;
    uint64_t predicted_mask = (((uint64_t(1) << (8 * predicted_fraction)) - 1) << 16) | 0xFF;
    uint64_t head_digits = head & true_mask, tail_digits = tail & predicted_mask;
    uint64_t wrong = ((head_digits & (0xF0 * ones)) ^ (0x30 * ones & true_mask))
        | (((head_digits + (0x06 * ones & true_mask)) & (0xF0 * ones)) ^ (0x30 * ones & true_mask))
        | ((tail_digits & (0xF0 * ones)) ^ (0x30 * ones & predicted_mask))
        | (((tail_digits + (0x06 * ones & predicted_mask)) & (0xF0 * ones)) ^ (0x30 * ones & predicted_mask))
        | ((head ^ (uint64_t('.') << 8)) & 0xFF00) | ((tail ^ (uint64_t('.') << 8)) & 0xFF00);
    if (wrong != 0) {
        return 0;
    }

    // Missing fraction digits become '0', so both keys have scale 10^4.
    uint64_t fractions = ((head_digits >> 16) | (0x30303030ULL & ~(true_mask >> 16)))
        | (((tail_digits >> 16) | (0x30303030ULL & ~(predicted_mask >> 16))) << 32);
    fractions -= 0x30 * ones;
    fractions = (fractions * 10 + (fractions >> 8)) & 0x00FF00FF00FF00FFULL;
    fractions = (fractions * 100 + (fractions >> 16)) & 0x0000FFFF0000FFFFULL;
    true_key = uint32_t(head & 0x0F) * 10000 + uint32_t(fractions & 0xFFFF);
    predicted_key = uint32_t(tail & 0x0F) * 10000 + uint32_t(fractions >> 32);
    true_digits = int(true_fraction);
    predicted_digits = int(predicted_fraction);
    return delimiter + 1 + newline + 1;
}

} // namespace internal
} // namespace hed

#endif
