// value.cc -- the result tree and its JSON form.
#include "value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace hed {

Value
Value::integer(int64_t number)
{
    Value value;
    value.kind_ = Kind::Integer;
    value.integer_ = number;
    return value;
}

Value
Value::real(double number)
{
    Value value;
    if (std::isfinite(number)) {
        value.kind_ = Kind::Real;
        value.real_ = number;
    }
    return value;
}

Value
Value::string(std::string text)
{
    Value value;
    value.kind_ = Kind::String;
    value.text_ = std::move(text);
    return value;
}

Value
Value::list()
{
    Value value;
    value.kind_ = Kind::List;
    return value;
}

Value
Value::dict()
{
    Value value;
    value.kind_ = Kind::Dict;
    return value;
}

Value
Value::reals(const std::vector<double> &numbers)
{
    Value value = list();
    value.items_.reserve(numbers.size());
    for (double number : numbers) {
        value.items_.push_back(real(number));
    }
    return value;
}

Value &
Value::push(Value item)
{
    items_.push_back(std::move(item));
    return *this;
}

Value &
Value::set(const std::string &key, Value item)
{
    entries_.emplace_back(key, std::move(item));
    return *this;
}

const Value *
Value::find(const std::string &key) const
{
    for (const auto &entry : entries_) {
        if (entry.first == key) {
            return &entry.second;
        }
    }
    return nullptr;
}

std::string
format_real(double number)
{
    if (std::isnan(number)) {
        return "NaN";
    }
    if (std::isinf(number)) {
        return number > 0 ? "Infinity" : "-Infinity";
    }

    // The shortest round-trip digits, then Python's layout rule: positional
    // for decimal exponents -4 <= e < 16, scientific otherwise.
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, number,
                                std::chars_format::scientific);
    std::string text(buffer, result.ptr);
    bool negative = text[0] == '-';
    if (negative) {
        text.erase(0, 1);
    }
    size_t e = text.find('e');
    int exponent = std::atoi(text.c_str() + e + 1);
    std::string digits;
    for (size_t i = 0; i < e; i++) {
        if (text[i] != '.') {
            digits += text[i];
        }
    }

    std::string out = negative ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
        int point = exponent + 1;
        if (point <= 0) {
            out += "0." + std::string(size_t(-point), '0') + digits;
        } else if (size_t(point) >= digits.size()) {
            out += digits + std::string(size_t(point) - digits.size(), '0') + ".0";
        } else {
            out += digits.substr(0, size_t(point)) + "." + digits.substr(size_t(point));
        }
    } else {
        out += digits.substr(0, 1);
        if (digits.size() > 1) {
            out += "." + digits.substr(1);
        }
        char exponent_text[16];
        std::snprintf(exponent_text, sizeof exponent_text, "e%c%02d",
                      exponent < 0 ? '-' : '+', std::abs(exponent));
        out += exponent_text;
    }
    return out;
}

void
append_json_string(std::string &out, const std::string &text)
{
    out += '"';
    for (unsigned char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char escape[8];
                std::snprintf(escape, sizeof escape, "\\u%04x", c);
                out += escape;
            } else {
                out += char(c);
            }
        }
    }
    out += '"';
}

void
Value::write_json(std::string &out) const
{
    switch (kind_) {
    case Kind::Null:
        out += "null";
        break;
    case Kind::Integer:
        out += std::to_string(integer_);
        break;
    case Kind::Real:
        out += format_real(real_);
        break;
    case Kind::String:
        append_json_string(out, text_);
        break;
    case Kind::List:
        out += '[';
        for (size_t i = 0; i < items_.size(); i++) {
            if (i > 0) {
                out += ", ";
            }
            items_[i].write_json(out);
        }
        out += ']';
        break;
    case Kind::Dict:
        out += '{';
        for (size_t i = 0; i < entries_.size(); i++) {
            if (i > 0) {
                out += ", ";
            }
            append_json_string(out, entries_[i].first);
            out += ": ";
            entries_[i].second.write_json(out);
        }
        out += '}';
        break;
    }
}

std::string
Value::json() const
{
    std::string out;
    write_json(out);
    return out;
}

} // namespace hed
