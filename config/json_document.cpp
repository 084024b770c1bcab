#include "config/json_document.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "config/json_path.hpp"

namespace config {

namespace {

using nlohmann::json;

struct TooDeep {};

// Tracks where the parser is, so a duplicate key can be named by its dotted
// path. nlohmann reports a scalar as `value`; a container closing counts as
// one element of the array around it.
class DuplicateKeyWatch {
 public:
  bool operator()(int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxJsonDepth) throw TooDeep{};
        frames_.push_back(Frame{event == json::parse_event_t::array_start, 0, {}, {}});
        break;
      case json::parse_event_t::key: {
        if (frames_.empty()) break;
        Frame& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.seen.insert(top.key).second && !duplicate_) duplicate_ = describe_duplicate();
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        next_element();
        break;
      case json::parse_event_t::value:
        next_element();
        break;
    }
    return true;
  }

  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  struct Frame {
    bool is_array = false;
    std::size_t index = 0;
    std::string key;
    std::unordered_set<std::string> seen;
  };

  void next_element() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  std::string describe_duplicate() const {
    JsonPath parent;
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      parent = f.is_array ? parent.index(f.index) : parent.key(f.key);
    }
    std::string where = parent.empty() ? std::string() : parent.str() + ": ";
    return where + "key " + quote_key(frames_.back().key) + " appears more than once";
  }

  std::vector<Frame> frames_;
  std::optional<std::string> duplicate_;
};

// nlohmann's message minus its own "[json.exception...] parse error at line
// L, column C: " prefix and minus "; last read: '...'", which quotes the
// input and so could quote a password.
std::string syntax_reason(const json::parse_error& e) {
  std::string what = e.what();
  const std::string marker = "parse error";
  std::size_t start = what.find(marker);
  if (start != std::string::npos) {
    std::size_t colon = what.find(": ", start);
    start = colon == std::string::npos ? 0 : colon + 2;
  } else {
    start = 0;
  }
  std::string reason = what.substr(start);
  std::size_t last_read = reason.find("; last read:");
  if (last_read != std::string::npos) reason.erase(last_read);
  return reason;
}

}  // namespace

TextPosition position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition pos;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

wire::Result<json> parse_json_document(std::string_view text, std::string_view path) {
  const std::string file(path);
  DuplicateKeyWatch watch;
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), std::ref(watch), /*allow_exceptions=*/true,
                      /*ignore_comments=*/false);
  } catch (const json::parse_error& e) {
    // e.byte counts the bytes read, the offending one included.
    const TextPosition pos = position_of(text, e.byte == 0 ? 0 : e.byte - 1);
    return wire::Error::fatal(file + ":" + std::to_string(pos.line) + ":" +
                              std::to_string(pos.column) + ": invalid JSON: " + syntax_reason(e));
  } catch (const json::out_of_range&) {
    return wire::Error::fatal(file + ": invalid JSON: a number is too large");
  } catch (const TooDeep&) {
    return wire::Error::fatal(file + ": invalid JSON: nested more than " +
                              std::to_string(kMaxJsonDepth) + " levels deep");
  } catch (const json::exception&) {
    return wire::Error::fatal(file + ": invalid JSON");
  }
  if (watch.duplicate()) return wire::Error::fatal(file + ": " + *watch.duplicate());
  return doc;
}

}  // namespace config
