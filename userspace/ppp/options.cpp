#include "ppp/options.hpp"

#include <algorithm>

namespace ppp {

wire::Result<std::vector<Option>> decode_options(wire::ByteView data) {
  std::vector<Option> out;
  wire::Reader r(data);
  while (!r.empty()) {
    if (out.size() == kMaxOptions) return wire::Error::ignore("more configuration options than we accept");
    Option o;
    o.type = r.u8();
    const std::uint8_t len = r.u8();
    if (!r.ok()) return wire::Error::ignore("configuration option cut off after its type");
    if (len < 2) return wire::Error::ignore("configuration option length below 2");
    o.value = r.bytes(len - 2u);
    if (!r.ok()) return wire::Error::ignore("configuration option runs past the end of the packet");
    out.push_back(o);
  }
  return out;
}

void write_option(wire::Writer& w, std::uint8_t type, wire::ByteView value) {
  value = value.first(std::min<std::size_t>(value.size(), 253));
  w.u8(type).u8(static_cast<std::uint8_t>(value.size() + 2)).bytes(value);
}

void write_option(wire::Writer& w, const Option& o) { write_option(w, o.type, o.value); }

wire::Bytes encode_options(std::span<const Option> options) {
  wire::Writer w;
  for (const auto& o : options) write_option(w, o);
  return w.take();
}

}  // namespace ppp
