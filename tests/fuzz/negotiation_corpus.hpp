#pragma once
// The seed corpus of fuzz_negotiation, generated from real exchanges: a
// scripted PoPToP-like server answers what the client actually sent (the
// LCP magic, the CCP and IPCP requests), while every record is both run
// through a Negotiation and written to the script. Each scenario checks it
// ends the way it claims before it is written, so a seed never rots silently.
//   fuzz_negotiation --generate=DIR   (one named file per scenario)
// tests/fuzz/corpus/negotiation is these seeds merged with a 10-minute
// campaign's corpus and minimised to a set cover of its edges:
//   fuzz_negotiation -set_cover_merge=1 -use_counters=0 OUT SEEDS CAMPAIGN
// so only the seeds that still add an edge keep their names there.
#include <fstream>
#include <functional>
#include <string>

#include "negotiation_driver.hpp"
#include "ppp/frame.hpp"
#include "pptp/messages.hpp"

namespace negotiation {

inline wire::Bytes hex(std::string_view h) {
  wire::Bytes out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}
inline wire::Bytes text(std::string_view s) { return {s.begin(), s.end()}; }

constexpr std::uint16_t kServerCall = 0x5678;
constexpr std::string_view kServerMagicOpt = "050633d00800";

class Writer {
 public:
  explicit Writer(std::uint8_t profile) : n(profile), bytes_{profile} { n.start(); }

  void control(const wire::Bytes& b) {
    record(Control, b);
    n.control_bytes(b);
  }
  void frame(const wire::Bytes& f) {
    record(Frame, f);
    n.ppp_frame(f);
  }
  void advance(std::uint16_t ms) {
    bytes_.push_back(Advance);
    bytes_.push_back(static_cast<std::uint8_t>(ms >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(ms));
    n.advance(std::chrono::milliseconds(ms));
  }
  void tag(Tag t) {
    bytes_.push_back(t);
    switch (t) {
      case TcpClosed: n.tcp_closed(); break;
      case NextDeadline: n.next_deadline(); break;
      case UserClose: n.user_close(); break;
      case KernelHangup: n.kernel_hangup(); break;
      case Control:
      case Frame:
      case Advance:
      case kTags: broken("generator: tag needs an argument");
    }
  }

  // A polite server: answers every request the client has made since the
  // last call, and whatever those answers bring, until the client is quiet.
  void serve() {
    for (int round = 0; round < 20; ++round) {
      auto tcp = n.take_tcp();
      auto frames = n.take_frames();
      if (tcp.empty() && frames.empty()) return;
      for (const auto& m : tcp) answer_control(m);
      for (const auto& f : frames) answer_frame(f);
    }
  }

  const wire::Bytes& bytes() const { return bytes_; }
  Negotiation n;

 private:
  void record(Tag t, const wire::Bytes& b) {
    bytes_.push_back(t);
    bytes_.push_back(static_cast<std::uint8_t>(b.size() >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(b.size()));
    bytes_.insert(bytes_.end(), b.begin(), b.end());
  }

  void answer_control(const wire::Bytes& b) {
    auto m = pptp::decode(b);
    if (!m) return;
    if (auto* e = std::get_if<pptp::EchoRequest>(&*m)) {
      control(pptp::encode(pptp::EchoReply{e->identifier, 1, 0}));
    } else if (std::get_if<pptp::Ccrq>(&*m)) {
      control(pptp::encode(pptp::Cdn{kServerCall, 3, 0, 0, ""}));
    } else if (std::get_if<pptp::StopCcrq>(&*m)) {
      control(pptp::encode(pptp::StopCcrp{1, 0}));
    }
  }

  void answer_frame(const wire::Bytes& f) {
    auto fr = ppp::decode_frame(f);
    if (!fr) return;
    auto p = ppp::decode_packet(fr->payload);
    if (!p) return;
    const auto proto = fr->protocol;
    if (proto == ppp::proto::PAP && p->code == 1) {
      frame(ppp::encode_control_frame(proto, 2, p->id, hex("00")));
      return;
    }
    if (proto != ppp::proto::LCP && proto != ppp::proto::CCP && proto != ppp::proto::IPCP) return;
    switch (p->code) {
      case ppp::code::ConfReq:
        if (proto == ppp::proto::IPCP && wants_address(p->data)) {
          frame(ppp::encode_control_frame(proto, ppp::code::ConfNak, p->id, ipcp_nak(p->data)));
        } else {
          frame(ppp::encode_control_frame(proto, ppp::code::ConfAck, p->id, p->data));
        }
        break;
      case ppp::code::TermReq: frame(ppp::encode_control_frame(proto, ppp::code::TermAck, p->id, {})); break;
      case ppp::code::EchoReq:
        frame(ppp::encode_control_frame(proto, ppp::code::EchoReply, p->id, hex("33d00800")));
        break;
      default: break;
    }
  }

  // Our IPCP request with 0.0.0.0 in it: the server Naks in its pool
  // address and DNS servers, option by option (RFC 1332, RFC 1877).
  static bool wants_address(wire::ByteView data) {
    for (std::size_t i = 0; i + 6 <= data.size(); i += data[i + 1] < 2 ? data.size() : data[i + 1])
      if (data[i + 1] == 6 && data[i + 2] == 0 && data[i + 3] == 0 && data[i + 4] == 0 && data[i + 5] == 0) return true;
    return false;
  }
  static wire::Bytes ipcp_nak(wire::ByteView data) {
    wire::Bytes out;
    for (std::size_t i = 0; i + 2 <= data.size() && data[i + 1] >= 2; i += data[i + 1]) {
      wire::Bytes opt;
      if (data[i] == 3) opt = hex("0306c633640a");
      if (data[i] == 0x81) opt = hex("8106c0000235");
      if (data[i] == 0x83) opt = hex("8306c0000236");
      out.insert(out.end(), opt.begin(), opt.end());
    }
    return out;
  }

  wire::Bytes bytes_;
};

// The server's side of each phase.
inline wire::Bytes sccrp(std::uint8_t result = 1) {
  return pptp::encode(pptp::Sccrp{0x0100, result, 0, 3, 3, 1, 1, "pptpd", "linux"});
}
inline wire::Bytes ocrp(std::uint8_t result = 1) {
  return pptp::encode(pptp::Ocrp{kServerCall, kOurCall, result, 0, 0, 100000000, 64, 0, 0});
}
inline void handshake(Writer& w) {
  w.control(sccrp());
  w.control(ocrp());
}
// PoPToP's LCP: a first request with options we reject, then auth and magic.
inline void lcp(Writer& w, std::string_view auth_opt = "0305c22381") {
  w.serve();
  w.frame(ppp::encode_control_frame(ppp::proto::LCP, 1, 1,
                                    hex("020600000000" + std::string(auth_opt) + std::string(kServerMagicOpt) + "07020802")));
  w.frame(ppp::encode_control_frame(ppp::proto::LCP, 1, 2, hex(std::string(auth_opt) + std::string(kServerMagicOpt))));
  w.serve();
}
inline void chap_challenge(Writer& w, std::string_view value_hex = "10cab377e1e27533acf78f894190e89fb1") {
  w.frame(ppp::encode_control_frame(ppp::proto::CHAP, 1, 0x9c, hex(std::string(value_hex) + "7070747064")));
}
inline void chap_verdict(Writer& w, std::uint8_t code, std::string_view message) {
  w.frame(ppp::encode_control_frame(ppp::proto::CHAP, code, 0x9c, text(message)));
}
constexpr std::string_view kSuccess = "S=4944C3994C8014F4AC0DCA48795451A66B9C0971 M=Access granted";
inline void mschapv2_ok(Writer& w) {
  chap_challenge(w);
  chap_verdict(w, 3, kSuccess);
}
// CCP and IPCP to Up: the server's MPPE offer first, then every request answered.
inline void network(Writer& w, std::string_view mppe_bits = "01000040") {
  w.frame(ppp::encode_control_frame(ppp::proto::CCP, 1, 1, hex("1206" + std::string(mppe_bits))));
  w.serve();
  w.frame(ppp::encode_control_frame(ppp::proto::IPCP, 1, 1, hex("0306c6336401")));
  w.serve();
}
inline void up_v2(Writer& w) {
  handshake(w);
  lcp(w);
  mschapv2_ok(w);
  network(w);
}

struct Scenario {
  const char* name;
  std::uint8_t profile;
  std::function<void(Writer&)> play;
  std::function<bool(const Negotiation&)> expect;
};

inline bool ended_with(const Negotiation& n, Exit code) { return !n.live() && n.outcome() == code; }
inline bool is_up(const Negotiation& n) { return n.state() == Negotiation::State::Up; }

inline std::vector<Scenario> scenarios() {
  using W = Writer;
  using N = const Negotiation&;
  return {
      {"mschapv2_mppe_up", 0, [](W& w) { up_v2(w); }, [](N n) { return is_up(n) && n.kernel().ccp_up; }},
      {"mschapv2_up_echoes_then_down", 0,
       [](W& w) {
         up_v2(w);
         for (int i = 0; i < 4; ++i) {
           w.advance(10000);
           w.serve();
         }
         w.tag(UserClose);
         w.serve();
       },
       [](N n) { return !n.live() && n.was_up() && n.outcome() == Exit::Ok; }},
      {"split_stream_and_server_echo", 0,
       [](W& w) {
         auto s = sccrp();
         w.control(wire::Bytes(s.begin(), s.begin() + 3));
         w.control(wire::Bytes(s.begin() + 3, s.begin() + 100));
         auto rest = wire::Bytes(s.begin() + 100, s.end());
         auto o = ocrp();
         rest.insert(rest.end(), o.begin(), o.end());
         auto e = pptp::encode(pptp::EchoRequest{77});
         rest.insert(rest.end(), e.begin(), e.end());
         w.control(rest);
         lcp(w);
         mschapv2_ok(w);
         network(w);
         w.tag(TcpClosed);
       },
       [](N n) { return ended_with(n, Exit::LinkLost); }},
      {"wrong_password", 0,
       [](W& w) {
         handshake(w);
         lcp(w);
         chap_challenge(w);
         chap_verdict(w, 4, "E=691 R=0 C=0123456789ABCDEF0123456789ABCDEF V=3 M=Authentication failed");
         w.serve();
       },
       [](N n) { return ended_with(n, Exit::WrongPassword); }},
      {"forged_authenticator", 0,
       [](W& w) {
         handshake(w);
         lcp(w);
         chap_challenge(w);
         chap_verdict(w, 3, "S=0000C3994C8014F4AC0DCA48795451A66B9C0971 M=Access granted");
         w.serve();
       },
       [](N n) { return ended_with(n, Exit::Impostor); }},
      {"cdn_mid_call", 0,
       [](W& w) {
         up_v2(w);
         w.control(pptp::encode(pptp::Cdn{kServerCall, 3, 0, 0, "stats"}));
         w.serve();
       },
       [](N n) { return ended_with(n, Exit::LinkLost); }},
      {"lcp_terminate", 0,
       [](W& w) {
         up_v2(w);
         w.frame(ppp::encode_control_frame(ppp::proto::LCP, ppp::code::TermReq, 9, text("admin reset")));
         w.serve();
       },
       [](N n) { return ended_with(n, Exit::LinkLost); }},
      {"ccp_renegotiation", 0,
       [](W& w) {
         up_v2(w);
         w.frame(ppp::encode_control_frame(ppp::proto::CCP, 1, 7, hex("120601000040")));
         w.serve();
       },
       [](N n) { return !n.live() && n.was_up() && n.outcome() != Exit::Ok; }},
      {"lcp_echo_timeout", 0,
       [](W& w) {
         up_v2(w);
         for (int i = 0; i < 12 && w.n.live(); ++i) w.tag(NextDeadline);
       },
       [](N n) { return ended_with(n, Exit::LinkLost); }},
      {"pptp_echo_timeout", 64,
       [](W& w) {
         up_v2(w);
         for (int i = 0; i < 12 && w.n.live(); ++i) w.tag(NextDeadline);
       },
       [](N n) { return !n.live() && n.was_up() && n.outcome() != Exit::Ok; }},
      {"gre_blocked", 0,
       [](W& w) {
         handshake(w);
         for (int i = 0; i < 40 && w.n.live(); ++i) w.tag(NextDeadline);
       },
       [](N n) { return ended_with(n, Exit::GreBlocked); }},
      {"ccp_rejected", 0,
       [](W& w) {
         handshake(w);
         lcp(w);
         mschapv2_ok(w);
         for (const auto& f : w.n.take_frames()) {
           auto fr = ppp::decode_frame(f);
           auto p = ppp::decode_packet(fr->payload);
           if (fr->protocol == ppp::proto::CCP) w.frame(ppp::encode_control_frame(ppp::proto::CCP, 4, p->id, p->data));
         }
         w.serve();
       },
       [](N n) { return ended_with(n, Exit::MppeRefusedByPeer); }},
      {"mschapv1_mppe_up", 1,
       [](W& w) {
         handshake(w);
         lcp(w, "0305c22380");
         chap_challenge(w, "08cab377e1e27533ac");
         chap_verdict(w, 3, "");
         network(w);
       },
       [](N n) { return is_up(n); }},
      {"chap_md5_no_mppe_up", 2 | 4,
       [](W& w) {
         handshake(w);
         lcp(w, "0305c22305");
         chap_challenge(w);
         chap_verdict(w, 3, "Welcome");
         w.serve();
         w.frame(ppp::encode_control_frame(ppp::proto::IPCP, 1, 1, hex("0306c6336401")));
         w.serve();
       },
       [](N n) { return is_up(n) && !n.link()->mppe; }},
      {"pap_no_mppe_up", 3 | 4 | 32,
       [](W& w) {
         handshake(w);
         lcp(w, "0304c023");
         w.serve();
         w.serve();
         w.frame(ppp::encode_control_frame(ppp::proto::IPCP, 1, 1, hex("0306c6336401")));
         w.serve();
       },
       [](N n) { return is_up(n); }},
      {"pap_refused_when_mppe_required", 2,
       [](W& w) {
         handshake(w);
         lcp(w, "0304c023");
         w.serve();
       },
       [](N n) { return ended_with(n, Exit::AuthFailed); }},
      {"stateful_mppe_up", 8,
       [](W& w) {
         handshake(w);
         lcp(w);
         mschapv2_ok(w);
         network(w, "00000040");
       },
       [](N n) { return is_up(n); }},
      {"forty_bit_up", 16 | 128,
       [](W& w) {
         handshake(w);
         lcp(w);
         mschapv2_ok(w);
         network(w, "01000020");
       },
       [](N n) { return is_up(n); }},
      {"sccrp_refused", 0, [](W& w) { w.control(sccrp(2)); }, [](N n) { return !n.live() && n.outcome() != Exit::Ok; }},
      {"ocrp_refused", 0,
       [](W& w) {
         w.control(sccrp());
         w.control(ocrp(2));
         w.serve();
       },
       [](N n) { return !n.live() && n.outcome() != Exit::Ok; }},
      {"tcp_closed_during_lcp", 0,
       [](W& w) {
         handshake(w);
         w.serve();
         w.tag(TcpClosed);
       },
       [](N n) { return !n.live() && n.outcome() != Exit::Ok; }},
      {"kernel_hangup_when_up", 0,
       [](W& w) {
         up_v2(w);
         w.tag(KernelHangup);
         w.serve();
       },
       [](N n) { return ended_with(n, Exit::LinkLost); }},
      {"connect_timeout_in_auth", 0,
       [](W& w) {
         handshake(w);
         lcp(w);
         w.advance(31000);
         w.serve();
       },
       [](N n) { return !n.live() && n.outcome() != Exit::Ok; }},
  };
}

// Writes one file per scenario; aborts if one does not end as it claims.
inline int generate(const std::string& dir) {
  for (const auto& s : scenarios()) {
    Writer w(s.profile);
    s.play(w);
    if (!s.expect(w.n)) {
      std::fprintf(stderr, "generate: scenario %s did not end as expected (state %d, exit %d: %s)\n", s.name,
                   static_cast<int>(w.n.state()), static_cast<int>(w.n.outcome()), w.n.reason().c_str());
      return 1;
    }
    // The script must replay to the same end through the decoder.
    run_script(w.bytes().data(), w.bytes().size());
    std::ofstream(dir + "/" + s.name, std::ios::binary)
        .write(reinterpret_cast<const char*>(w.bytes().data()), static_cast<std::streamsize>(w.bytes().size()));
    std::printf("generate: %s (%zu bytes)\n", s.name, w.bytes().size());
  }
  return 0;
}

}  // namespace negotiation
