#include "core/schema/json_reader.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace mm::schema {

namespace {

using nlohmann::json;

// A recursive reader of the plain subset of JSON. Every read_* returns
// false on anything outside that subset (valid JSON or not), and the
// caller then leaves the whole text to nlohmann::json::parse, so what it
// accepts it must read exactly as that would.
class PlainJsonReader {
 public:
  explicit PlainJsonReader(std::string_view text) : at_(text.data()), end_(text.data() + text.size()) {}

  bool read_document(json& out) {
    skip_space();
    if (!read_value(out, 0)) return false;
    skip_space();
    return at_ == end_;
  }

 private:
  // Deeper values are left to nlohmann (no recursion limit there).
  static constexpr int kMaxDepth = 64;

  void skip_space() {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) ++at_;
  }

  bool take(char c) {
    skip_space();
    if (at_ == end_ || *at_ != c) return false;
    ++at_;
    return true;
  }

  bool read_value(json& out, int depth) {
    skip_space();
    if (at_ == end_) return false;
    switch (*at_) {
      case '{':
        return depth < kMaxDepth && read_object(out, depth + 1);
      case '[':
        return depth < kMaxDepth && read_array(out, depth + 1);
      case '"': {
        std::string text;
        if (!read_string(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't':
        return read_literal("true", out, json(true));
      case 'f':
        return read_literal("false", out, json(false));
      case 'n':
        return read_literal("null", out, json(nullptr));
      default:
        return read_integer(out);
    }
  }

  bool read_literal(std::string_view word, json& out, json value) {
    if (static_cast<std::size_t>(end_ - at_) < word.size() || std::string_view(at_, word.size()) != word) return false;
    at_ += word.size();
    out = std::move(value);
    return true;
  }

  // -?(0|[1-9][0-9]*) with at most 18 digits, so that it fits either type:
  // unsigned without a sign, signed with one, as nlohmann reads them.
  // Fractions and exponents are left to nlohmann.
  bool read_integer(json& out) {
    const bool negative = *at_ == '-';
    if (negative) ++at_;
    const char* digits = at_;
    std::uint64_t value = 0;
    while (at_ != end_ && *at_ >= '0' && *at_ <= '9') value = value * 10 + static_cast<std::uint64_t>(*at_++ - '0');
    const std::size_t count = static_cast<std::size_t>(at_ - digits);
    if (count == 0 || count > 18 || (count > 1 && *digits == '0')) return false;
    if (at_ != end_ && (*at_ == '.' || *at_ == 'e' || *at_ == 'E')) return false;
    if (negative) {
      out = -static_cast<json::number_integer_t>(value);
    } else {
      out = static_cast<json::number_unsigned_t>(value);
    }
    return true;
  }

  // A string of printable ASCII and the one-letter escapes (no \u).
  bool read_string(std::string& out) {
    ++at_;  // the opening quote
    const char* run = at_;
    for (;;) {
      if (at_ == end_) return false;
      const auto byte = static_cast<unsigned char>(*at_);
      if (byte == '"') break;
      if (byte < 0x20 || byte >= 0x80) return false;
      if (byte != '\\') {
        ++at_;
        continue;
      }
      out.append(run, at_);
      if (++at_ == end_) return false;
      switch (*at_) {
        case '"':
        case '\\':
        case '/':
          out.push_back(*at_);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        default:
          return false;
      }
      run = ++at_;
    }
    out.append(run, at_);
    ++at_;  // the closing quote
    return true;
  }

  bool read_object(json& out, int depth) {
    ++at_;  // {
    out = json::object();
    json::object_t& members = *out.get_ptr<json::object_t*>();
    if (take('}')) return true;
    do {
      skip_space();
      std::string key;
      if (at_ == end_ || *at_ != '"' || !read_string(key) || !take(':')) return false;
      // Snapshots write keys in order: each goes at the end.
      const bool in_order = members.empty() || members.rbegin()->first < key;
      const auto size = members.size();
      const auto member = in_order ? members.emplace_hint(members.end(), std::move(key), json())
                                   : members.emplace(std::move(key), json()).first;
      if (members.size() == size) return false;  // a repeated key: nlohmann keeps the last
      if (!read_value(member->second, depth)) return false;
    } while (take(','));
    return take('}');
  }

  bool read_array(json& out, int depth) {
    ++at_;  // [
    out = json::array();
    json::array_t& items = *out.get_ptr<json::array_t*>();
    if (take(']')) return true;
    do {
      if (!read_value(items.emplace_back(), depth)) return false;
    } while (take(','));
    return take(']');
  }

  const char* at_;
  const char* end_;
};

}  // namespace

json parse_json_text(std::string_view text) {
  json out;
  if (PlainJsonReader(text).read_document(out)) return out;
  return json::parse(text);
}

}  // namespace mm::schema
