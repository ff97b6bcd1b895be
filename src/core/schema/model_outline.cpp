#include "core/interrupts.hpp"
#include "core/schema/model_outline.hpp"

#include <array>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/schema/model.hpp"

namespace mm::schema {

namespace {

// A JSON reader that skips values by their brackets and reads only the
// strings it is asked for. Any unexpected byte stops it (ok() turns false).
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool ok() const { return ok_; }
  void fail() {
    ok_ = false;
    at_ = text_.size();
  }
  std::size_t here() {
    space();
    return at_;
  }
  std::string_view since(std::size_t start) const { return text_.substr(start, at_ - start); }
  bool at_end() { return here() == text_.size(); }

  bool take(char c) {
    if (at_ < text_.size() && text_[at_] == c) {  // compact text: no space to skip first
      ++at_;
      return true;
    }
    if (here() < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  // Steps over `expected` when the text goes on with exactly it.
  bool skip_written(std::string_view expected) {
    if (text_.compare(here(), expected.size(), expected) != 0) return false;
    at_ += expected.size();
    return true;
  }

  bool take_null() {
    if (text_.compare(here(), 4, "null") != 0) return false;
    at_ += 4;
    return true;
  }

  std::string string() {
    std::string decoded;
    const std::string_view value = text_of(decoded);
    return decoded.empty() ? std::string(value) : decoded;
  }

  // A string's value, seen in the text when it has no escape (most names),
  // else decoded into `storage`: no copy for the names only compared.
  std::string_view text_of(std::string& storage) { return decode(string_token(), storage); }

  // The value of a string token (with its quotes), as text_of() gives it.
  std::string_view decode(std::string_view token, std::string& storage) {
    if (!ok_) return {};
    if (token.find('\\') == std::string_view::npos) return token.substr(1, token.size() - 2);
    try {
      storage = nlohmann::json::parse(token).get<std::string>();
      return storage;
    } catch (const nlohmann::json::exception&) {
      fail();
      return {};
    }
  }

  // Skips one value of any kind and returns its text.
  std::string_view value() {
    const std::size_t start = here();
    if (start >= text_.size()) {
      fail();
      return {};
    }
    const char first = text_[at_];
    if (first == '"') {
      string_token();
    } else if (first == '{' || first == '[') {
      int depth = 0;
      while (at_ < text_.size()) {
        const char c = text_[at_];
        if (!kBracketOrQuote[static_cast<unsigned char>(c)]) {
          ++at_;  // most bytes: one lookup
          continue;
        }
        if (c == '"') {
          if (!close_string(at_)) return {};
          continue;
        }
        ++at_;
        if (c == '{' || c == '[') {
          ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
          break;
        }
      }
      if (depth != 0) fail();
    } else {
      while (at_ < text_.size() && !delimiter(text_[at_])) ++at_;
      if (at_ == start) fail();
    }
    return since(start);
  }

  // Calls member(name) for each member; member reads its value.
  template <typename Member>
  void object(Member member) {
    if (!take('{')) return fail();
    if (take('}')) return;
    do {
      std::string storage;
      const std::string_view name = text_of(storage);
      if (!ok_ || !take(':')) return fail();
      member(name);
      if (!ok_) return;
    } while (take(','));
    if (!take('}')) fail();
  }

  template <typename Element>
  void array(Element element) {
    if (!take('[')) return fail();
    if (take(']')) return;
    do {
      element();
      if (!ok_) return;
    } while (take(','));
    if (!take(']')) fail();
  }

 private:
  static bool delimiter(char c) {
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  void space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t'))
      ++at_;
  }

 public:
  // A string token with its quotes.
  std::string_view string_token() {
    const std::size_t start = here();
    if (start >= text_.size() || text_[start] != '"') {
      fail();
      return {};
    }
    if (!close_string(start)) return {};
    return since(start);
  }

 private:
  static constexpr std::array<bool, 256> kBracketOrQuote = [] {
    std::array<bool, 256> table{};
    for (const unsigned char c : {'"', '{', '}', '[', ']'}) table[c] = true;
    return table;
  }();

  // Moves past the string that opens at `start` (a quote); false (and
  // failed) when it does not close.
  bool close_string(std::size_t start) {
    const char* const begin = text_.data();
    const char* const end = begin + text_.size();
    // The closing quote is the first one after an even run of backslashes
    // (memchr: most strings of a model are skipped, not read).
    const char* p = begin + start + 1;
    while (p < end) {
      const char* quote = static_cast<const char*>(std::memchr(p, '"', end - p));
      if (quote == nullptr) break;
      std::size_t backslashes = 0;
      while (quote[-1 - static_cast<std::ptrdiff_t>(backslashes)] == '\\') ++backslashes;
      if (backslashes % 2 == 0) {
        at_ = quote + 1 - begin;
        return true;
      }
      p = quote + 1;
    }
    fail();
    return false;
  }

  std::string_view text_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

// {"schema": ..., "name": ...} (other members skipped); `name_field`
// names the member that holds the name ("name" or "table").
std::pair<std::string, std::string> qualified_name(Scanner& s, const char* name_field) {
  std::pair<std::string, std::string> out;
  bool has_schema = false, has_name = false;
  s.object([&](std::string_view member) {
    if (member == "schema") {
      out.first = s.string();
      has_schema = true;
    } else if (member == name_field) {
      out.second = s.string();
      has_name = true;
    } else {
      s.value();
    }
  });
  if (!has_schema || !has_name) s.fail();
  return out;
}

OutlinedRelation outline_relation(Scanner& s) {
  OutlinedRelation relation;
  const std::size_t start = s.here();
  bool has_schema = false, has_name = false;
  s.object([&](std::string_view member) {
    if (member == "partition_of") {
      if (!s.take_null()) relation.parents.push_back(qualified_name(s, "name"));
    } else if (member == "inherits") {
      if (!s.take_null()) s.array([&] { relation.parents.push_back(qualified_name(s, "name")); });
    } else if (member == "constraints") {
      if (s.take_null()) return;
      s.array([&] {
        std::string name;
        std::optional<std::pair<std::string, std::string>> references;
        s.object([&](std::string_view field) {
          if (field == "name") {
            name = s.string();
          } else if (field == "references" && !s.take_null()) {
            references = qualified_name(s, "table");
          } else if (field != "references") {
            s.value();
          }
        });
        if (references) relation.foreign_keys.push_back({name, references->first, references->second});
      });
    } else if (member == "schema") {
      relation.schema = s.string();
      has_schema = true;
    } else if (member == "name") {
      relation.name = s.string();
      has_name = true;
    } else if (member == "indexes" && !s.take_null()) {
      s.array([&] {
        bool named = false;
        s.object([&](std::string_view field) {
          if (field != "name") return (void)s.value();
          relation.indexes.push_back(s.string());
          named = true;
        });
        if (!named) s.fail();
      });
    } else {
      s.value();
    }
  });
  if (!has_schema || !has_name) s.fail();
  relation.text = s.since(start);
  return relation;
}

// Whether a string token is printed as key_of prints its value: nothing
// escaped in it, no control character to escape.
bool canonical_token(std::string_view token) {
  for (const char c : token)
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

// A key array, read into `out` (a new one). Its canonical text is the written tokens joined when none
// needs escaping, which spares decoding each part and printing it again;
// and that is the text as written when nothing stands between them
// (snapshots' keys): then it is not copied either. Otherwise key_of
// prints the decoded parts.
void read_key(Scanner& s, OutlinedKey& out) {
  const std::size_t start = s.here();
  bool clean = true;            // no token needs escaping
  std::size_t joined_size = 2;  // of "[" tokens joined by "," "]"
  s.array([&] {
    const std::string_view token = s.string_token();
    if (!s.ok()) return;
    const bool clean_token = canonical_token(token);
    std::string storage;
    // A clean token holds no escape: its value is what lies between its quotes.
    const std::string_view part = clean_token ? token.substr(1, token.size() - 2) : s.decode(token, storage);
    if (!s.ok()) return;
    if (out.parts < 3) (out.parts == 0 ? out.kind : out.parts == 1 ? out.schema : out.name) = part;
    joined_size += token.size() + (out.parts++ > 0 ? 1 : 0);
    clean = clean && clean_token;
  });
  if (!s.ok()) return;
  out.text = s.since(start);
  if (clean && joined_size == out.text.size()) return;  // written canonically
  if (clean) {
    // Spaces between the tokens: join them.
    Scanner tokens(out.text);
    out.rewritten.reserve(joined_size);
    out.rewritten.push_back('[');
    tokens.array([&] {
      if (out.rewritten.size() > 1) out.rewritten.push_back(',');
      out.rewritten += tokens.string_token();
    });
    out.rewritten.push_back(']');
  } else {
    out.rewritten = key_of(key_parts_of(out.text));
  }
}

}  // namespace

std::optional<ModelOutline> outline_model(std::string_view text, const ModelOutline* like) {
  Scanner s(text);
  ModelOutline outline;
  bool has_dependencies = false;
  std::map<std::string, bool> seen;
  s.object([&](std::string_view member) {
    if (!seen.emplace(std::string(member), true).second) return s.fail();
    if (member == "tables" || member == "views") {
      auto& list = member == "tables" ? outline.tables : outline.views;
      const std::vector<OutlinedRelation>* known = like ? (member == "tables" ? &like->tables : &like->views) : nullptr;
      std::size_t next_known = 0;  // after the last one found written the same way
      const std::size_t start = s.here();
      s.array([&] {
        check_for_interrupts();
        // The relation `like` has next, or the one after (one dropped here).
        for (std::size_t i = next_known; known && i < known->size() && i < next_known + 2; ++i) {
          if (s.skip_written((*known)[i].text)) {
            list.push_back((*known)[i]);  // its text is `like`'s: the same bytes, found equal by address
            next_known = i + 1;
            return;
          }
        }
        list.push_back(outline_relation(s));
      });
      outline.members.emplace(std::string(member), s.since(start));
    } else if (member == "dependencies") {
      has_dependencies = true;
      const std::size_t start = s.here();
      if (like && s.skip_written(like->dependencies_text)) {
        outline.dependencies = like->dependencies;
        outline.dependencies_text = like->dependencies_text;
      } else {
        auto edges = std::make_shared<std::deque<OutlinedEdge>>();
        s.array([&] {
          if (edges->size() % kObjectsBetweenChecks == 0) check_for_interrupts();
          OutlinedEdge& edge = edges->emplace_back();  // read in place, not moved
          int parts = 0;
          s.array([&] {
            if (++parts > 2) return s.fail();
            read_key(s, parts == 1 ? edge.dependent : edge.referenced);
          });
          if (parts != 2) s.fail();
        });
        outline.dependencies = std::move(edges);
        outline.dependencies_text = s.since(start);
      }
    } else {
      outline.members.emplace(std::string(member), s.value());
    }
  });
  if (!s.ok() || !s.at_end() || !has_dependencies) return std::nullopt;
  return outline;
}

std::vector<std::string> key_parts_of(std::string_view key_text) {
  Scanner s(key_text);
  std::vector<std::string> parts;
  s.array([&] { parts.push_back(s.string()); });
  return parts;
}

}  // namespace mm::schema
