#include "ppp/mschap.hpp"

#include <nettle/des.h>
#include <nettle/md4.h>

#include <algorithm>
#include <charconv>

#include <string.h>  // explicit_bzero

#include "ppp/auth_text.hpp"

namespace ppp::auth {

namespace {

void put_unit(std::vector<std::uint8_t>& out, std::uint32_t unit) {
  out.push_back(static_cast<std::uint8_t>(unit & 0xFF));
  out.push_back(static_cast<std::uint8_t>(unit >> 8));
}

void put_code_point(std::vector<std::uint8_t>& out, std::uint32_t cp) {
  if (cp < 0x10000) {
    put_unit(out, cp);
    return;
  }
  cp -= 0x10000;
  put_unit(out, 0xD800 | (cp >> 10));
  put_unit(out, 0xDC00 | (cp & 0x3FF));
}

// Decodes one well-formed UTF-8 sequence at s[i]; 0 if it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
  auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past Unicode are not UTF-8.
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

std::vector<std::uint8_t> utf16le(std::string_view utf8) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size() * 2);
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::uint32_t cp = 0;
    auto n = utf8_sequence(utf8, i, cp);
    if (n == 0) {
      cp = static_cast<unsigned char>(utf8[i]);
      n = 1;
    }
    put_code_point(out, cp);
    i += n;
  }
  return out;
}

Hash16 nt_password_hash(std::string_view password) {
  auto unicode = utf16le(password);
  md4_ctx ctx;
  md4_init(&ctx);
  md4_update(&ctx, unicode.size(), unicode.data());
  Hash16 out{};
  md4_digest(&ctx, out.size(), out.data());
  wipe(unicode);
  // The context's block buffer may still hold password bytes.
  explicit_bzero(&ctx, sizeof ctx);
  return out;
}

Hash16 hash_nt_password_hash(const Hash16& password_hash) {
  md4_ctx ctx;
  md4_init(&ctx);
  md4_update(&ctx, password_hash.size(), password_hash.data());
  Hash16 out{};
  md4_digest(&ctx, out.size(), out.data());
  explicit_bzero(&ctx, sizeof ctx);  // held the password hash
  return out;
}

std::array<std::uint8_t, 8> des_expand_key(const std::array<std::uint8_t, 7>& key7) {
  // Spread 56 key bits over 8 bytes, 7 bits each in the high bits; the low
  // bit of every byte is parity, fixed by nettle.
  std::array<std::uint8_t, 8> raw{};
  raw[0] = key7[0];
  for (std::size_t i = 1; i < 7; ++i)
    raw[i] = static_cast<std::uint8_t>((key7[i - 1] << (8 - i)) | (key7[i] >> i));
  raw[7] = static_cast<std::uint8_t>(key7[6] << 1);
  std::array<std::uint8_t, 8> out{};
  des_fix_parity(out.size(), out.data(), raw.data());
  return out;
}

std::array<std::uint8_t, 8> des_encrypt_block(const Challenge8& clear, const std::array<std::uint8_t, 7>& key7) {
  auto key = des_expand_key(key7);
  des_ctx ctx;
  // A weak key (all-zero tail of a password hash, 1 in 65536 passwords) is
  // still a key: nettle computes the schedule and only reports weakness, and
  // Windows uses it all the same.
  (void)des_set_key(&ctx, key.data());
  std::array<std::uint8_t, 8> out{};
  des_encrypt(&ctx, out.size(), out.data(), clear.data());
  wipe(key);
  return out;
}

Response24 challenge_response(const Challenge8& challenge, const Hash16& password_hash) {
  std::array<std::uint8_t, 21> z{};
  std::copy(password_hash.begin(), password_hash.end(), z.begin());
  Response24 out{};
  for (std::size_t part = 0; part < 3; ++part) {
    std::array<std::uint8_t, 7> key7{};
    std::copy_n(z.begin() + static_cast<std::ptrdiff_t>(part * 7), 7, key7.begin());
    auto block = des_encrypt_block(challenge, key7);
    std::copy(block.begin(), block.end(), out.begin() + static_cast<std::ptrdiff_t>(part * 8));
    wipe(key7);
  }
  wipe(z);
  return out;
}

Response24 mschapv1_nt_response(const Challenge8& challenge, const Hash16& password_hash) {
  return challenge_response(challenge, password_hash);
}

std::array<std::uint8_t, 49> mschapv1_response_value(const Challenge8& challenge, const Hash16& password_hash) {
  std::array<std::uint8_t, 49> value{};
  auto nt = mschapv1_nt_response(challenge, password_hash);
  std::copy(nt.begin(), nt.end(), value.begin() + 24);
  value[48] = 1;
  return value;
}

namespace {

bool parse_decimal(std::string_view s, unsigned& out) {
  if (s.empty() || s.size() > 9) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

wire::Result<MsChapFailure> parse_mschap_failure(std::string_view text) {
  MsChapFailure f;
  bool have_error = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    // M= runs to the end: the message may contain spaces and '='.
    if (text.compare(pos, 2, "M=") == 0) {
      f.message = std::string(text.substr(pos + 2));
      break;
    }
    auto start = pos;
    auto end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    auto field = text.substr(start, end - start);
    pos = end;
    if (field.size() < 2 || field[1] != '=') {
      // Some servers append free text without M=; keep it as the message.
      f.message = std::string(text.substr(start));
      break;
    }
    auto value = field.substr(2);
    switch (field[0]) {
      case 'E':
        if (!parse_decimal(value, f.error)) return wire::Error::fatal("MS-CHAP Failure has a bad error code");
        have_error = true;
        break;
      case 'R':
        if (value != "0" && value != "1") return wire::Error::fatal("MS-CHAP Failure has a bad retry flag");
        f.retry_allowed = value == "1";
        break;
      case 'C': {
        if (value.size() != 16 && value.size() != 32)
          return wire::Error::fatal("MS-CHAP Failure has a challenge of the wrong length");
        f.new_challenge.resize(value.size() / 2);
        if (!hex_decode(value, f.new_challenge)) return wire::Error::fatal("MS-CHAP Failure has a bad challenge");
        break;
      }
      case 'V':
        if (!parse_decimal(value, f.version)) return wire::Error::fatal("MS-CHAP Failure has a bad version");
        break;
      default:
        break;  // unknown fields are ignored, as the RFC leaves room for them
    }
  }
  if (!have_error) return wire::Error::fatal("MS-CHAP Failure has no error code");
  return f;
}

std::string mschap_error_sentence(unsigned error) {
  switch (error) {
    case 646: return "login not allowed at this time";
    case 647: return "account disabled";
    case 648: return "password expired";
    case 649: return "no dial-in permission";
    case 691: return "wrong user name or password";
    case 709: return "password change failed";
  }
  return "authentication failed (error " + std::to_string(error) + ")";
}

}  // namespace ppp::auth
