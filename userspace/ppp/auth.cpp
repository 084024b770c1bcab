#include "ppp/auth.hpp"

#include <algorithm>
#include <bitset>

#include "ppp/auth_text.hpp"
#include "ppp/chap.hpp"
#include "ppp/mschap.hpp"
#include "ppp/mschapv2.hpp"
#include "ppp/pap.hpp"
#include "wire/hex.hpp"
#include "wire/text.hpp"

namespace ppp::auth {

std::uint16_t ppp_protocol(AuthProtocol protocol) {
  switch (protocol) {
    case AuthProtocol::MsChapV2:
    case AuthProtocol::MsChapV1:
    case AuthProtocol::ChapMd5: return kProtoChap;
    case AuthProtocol::Pap: return kProtoPap;
  }
  return kProtoChap;
}

std::string_view to_string(FailureCategory category) {
  switch (category) {
    case FailureCategory::WrongPassword: return "wrong-password";
    case FailureCategory::AccountRestricted: return "account-restricted";
    case FailureCategory::PasswordExpired: return "password-expired";
    case FailureCategory::Rejected: return "rejected";
    case FailureCategory::Impostor: return "impostor";
    case FailureCategory::ProtocolError: return "protocol-error";
    case FailureCategory::Timeout: return "timeout";
  }
  return "?";
}

namespace {

std::string with_server_text(std::string sentence, std::string_view server_text) {
  if (!server_text.empty()) sentence += " (server says \"" + wire::printable(server_text) + "\")";
  return sentence;
}

AuthOutput dropped(std::string why) {
  AuthOutput out;
  out.dropped = std::move(why);
  return out;
}

AuthOutput failed(FailureCategory category, std::string reason) {
  AuthOutput out;
  out.event = AuthFailed{category, std::move(reason)};
  return out;
}

FailureCategory mschap_category(unsigned error) {
  switch (error) {
    case 691: return FailureCategory::WrongPassword;
    case 646:
    case 647:
    case 649: return FailureCategory::AccountRestricted;
    case 648:
    case 709: return FailureCategory::PasswordExpired;
  }
  return FailureCategory::Rejected;
}

// CHAP-MD5, MS-CHAPv1 and MS-CHAPv2 share the packet flow; they differ in the
// challenge they accept, the value they answer with, and what Success means.
class ChapClient final : public Authenticator {
 public:
  ChapClient(AuthProtocol protocol, AuthCredentials creds)
      : protocol_(protocol), username_(std::move(creds.username)), peer_challenge_(creds.peer_challenge) {
    if (protocol_ == AuthProtocol::ChapMd5) {
      secret_ = std::move(creds.password);
    } else {
      // Only the hash is needed from here on; drop the plaintext now.
      password_hash_ = nt_password_hash(creds.password);
    }
    wipe(creds.password);
  }
  ~ChapClient() override { forget_secrets(); }

  AuthProtocol protocol() const override { return protocol_; }
  bool finished() const override { return state_ == State::Succeeded || state_ == State::Failed; }
  AuthOutput start(Clock::time_point) override { return {}; }
  AuthOutput on_timeout(Clock::time_point) override { return {}; }

  AuthOutput on_packet(wire::ByteView payload, Clock::time_point) override {
    auto decoded = decode_chap(payload);
    if (!decoded) return dropped(decoded.error().reason);
    auto& p = *decoded;
    switch (p.code) {
      case ChapCode::Challenge: return on_challenge(p);
      case ChapCode::Response: return dropped("CHAP Response from the server: we do not authenticate it");
      case ChapCode::Success: return on_success(p);
      case ChapCode::Failure: return on_failure(p);
    }
    return dropped("unknown CHAP code");
  }

 private:
  enum class State { WaitChallenge, Responded, Succeeded, Failed };

  AuthOutput on_challenge(const ChapPacket& p) {
    if (state_ == State::Failed) return dropped("CHAP Challenge after authentication failed");
    if (state_ == State::Succeeded && protocol_ != AuthProtocol::ChapMd5)
      return dropped("MS-CHAP re-challenge after success is not supported");
    if (responses_sent_ >= kMaxChapResponses)
      return fail(FailureCategory::ProtocolError,
                  "server sent " + std::to_string(responses_sent_) + " challenges without a verdict");
    ++responses_sent_;
    // The server lost our Response and asks again: answer identically.
    if (state_ == State::Responded && p.id == id_ && p.value == challenge_) {
      AuthOutput out;
      out.send.push_back(response_);
      return out;
    }
    wire::Bytes value;
    switch (protocol_) {
      case AuthProtocol::MsChapV2: {
        if (p.value.size() != auth_challenge_.size())
          return fail(FailureCategory::ProtocolError, "server sent an MS-CHAPv2 challenge of " +
                                                          std::to_string(p.value.size()) +
                                                          " bytes instead of 16 (is it set up for another CHAP?)");
        std::copy(p.value.begin(), p.value.end(), auth_challenge_.begin());
        nt_response_ = generate_nt_response(auth_challenge_, peer_challenge_, username_, password_hash_);
        auto v = encode_mschapv2_response({peer_challenge_, nt_response_, 0});
        value.assign(v.begin(), v.end());
        break;
      }
      case AuthProtocol::MsChapV1: {
        if (p.value.size() != v1_challenge_.size())
          return fail(FailureCategory::ProtocolError, "server sent an MS-CHAP challenge of " +
                                                          std::to_string(p.value.size()) +
                                                          " bytes instead of 8 (is it set up for another CHAP?)");
        std::copy(p.value.begin(), p.value.end(), v1_challenge_.begin());
        auto v = mschapv1_response_value(v1_challenge_, password_hash_);
        value.assign(v.begin(), v.end());
        break;
      }
      case AuthProtocol::ChapMd5: {
        auto v = chap_md5_response(p.id, secret_, p.value);
        value.assign(v.begin(), v.end());
        break;
      }
      case AuthProtocol::Pap:
        return dropped("PAP machine fed a CHAP packet");
    }
    ChapPacket response{ChapCode::Response, p.id, std::move(value), username_, {}};
    auto encoded = encode_chap(response);
    if (!encoded) return fail(FailureCategory::ProtocolError, encoded.error().reason);
    id_ = p.id;
    challenge_ = p.value;
    response_ = std::move(*encoded);
    if (state_ != State::Succeeded) state_ = State::Responded;
    else rechallenged_ = true;
    AuthOutput out;
    out.send.push_back(response_);
    return out;
  }

  bool awaiting_verdict(const ChapPacket& p, std::string& why) const {
    bool pending = state_ == State::Responded || (state_ == State::Succeeded && rechallenged_);
    if (!pending) {
      why = "CHAP verdict without a pending Response";
      return false;
    }
    if (p.id != id_) {
      why = "CHAP verdict for id " + wire::hex(p.id) + ", our Response was " + wire::hex(id_);
      return false;
    }
    return true;
  }

  AuthOutput on_success(const ChapPacket& p) {
    std::string why;
    if (!awaiting_verdict(p, why)) return dropped(why);
    if (state_ == State::Succeeded) {  // CHAP-MD5 re-authentication passed
      rechallenged_ = false;
      return {};
    }
    AuthSucceeded ok;
    switch (protocol_) {
      case AuthProtocol::MsChapV2: {
        auto s = parse_mschapv2_success(p.message);
        if (!s || !check_authenticator_response(s->authenticator_response, password_hash_, nt_response_,
                                                peer_challenge_, auth_challenge_, username_))
          return fail(FailureCategory::Impostor, "server failed to prove it knows the password: possible impostor");
        ok.keys = mppe_keys_mschapv2(password_hash_, nt_response_);
        ok.message = s->message;
        break;
      }
      case AuthProtocol::MsChapV1:
        ok.keys = mppe_keys_mschapv1(password_hash_, v1_challenge_);
        ok.message = p.message;
        break;
      case AuthProtocol::ChapMd5:
        ok.message = p.message;
        break;
      case AuthProtocol::Pap:
        return dropped("PAP machine fed a CHAP packet");
    }
    state_ = State::Succeeded;
    // CHAP-MD5 may be re-challenged, so it keeps its secret; MS-CHAP is done.
    if (protocol_ != AuthProtocol::ChapMd5) forget_secrets();
    AuthOutput out;
    out.event = std::move(ok);
    return out;
  }

  AuthOutput on_failure(const ChapPacket& p) {
    std::string why;
    if (!awaiting_verdict(p, why)) return dropped(why);
    switch (protocol_) {
      case AuthProtocol::MsChapV2:
      case AuthProtocol::MsChapV1: {
        // R=1 and C= invite a retry; we do not take it, so a wrong password
        // cannot turn into a storm of attempts that locks the account.
        auto f = parse_mschap_failure(p.message);
        if (!f)
          return fail(FailureCategory::Rejected,
                      with_server_text("server refused the login without a readable reason", p.message));
        return fail(mschap_category(f->error), with_server_text(mschap_error_sentence(f->error), f->message));
      }
      case AuthProtocol::ChapMd5:
        return fail(FailureCategory::WrongPassword, with_server_text("wrong user name or password", p.message));
      case AuthProtocol::Pap:
        break;
    }
    return dropped("PAP machine fed a CHAP packet");
  }

  AuthOutput fail(FailureCategory category, std::string reason) {
    state_ = State::Failed;
    forget_secrets();
    return failed(category, std::move(reason));
  }

  void forget_secrets() {
    wipe(secret_);
    wipe(password_hash_);
    wipe(nt_response_);
  }

  AuthProtocol protocol_;
  std::string username_;
  std::string secret_;  // CHAP-MD5 only
  Hash16 password_hash_{};  // MS-CHAP only
  Challenge16 peer_challenge_{};
  Challenge16 auth_challenge_{};
  Challenge8 v1_challenge_{};
  Response24 nt_response_{};
  State state_ = State::WaitChallenge;
  bool rechallenged_ = false;
  std::uint8_t id_ = 0;
  wire::Bytes challenge_;
  wire::Bytes response_;
  unsigned responses_sent_ = 0;
};

class PapClient final : public Authenticator {
 public:
  explicit PapClient(AuthCredentials creds) : username_(std::move(creds.username)), password_(std::move(creds.password)) {
    wipe(creds.password);
  }
  ~PapClient() override { wipe(password_); }

  AuthProtocol protocol() const override { return AuthProtocol::Pap; }
  bool finished() const override { return state_ == State::Succeeded || state_ == State::Failed; }

  AuthOutput start(Clock::time_point now) override {
    if (state_ != State::Initial) return waiting();
    state_ = State::Sent;
    return transmit(now);
  }

  AuthOutput on_timeout(Clock::time_point now) override {
    if (state_ != State::Sent || now < deadline_) return waiting();
    if (transmissions_ >= kPapMaxTransmits) {
      state_ = State::Failed;
      wipe(password_);
      return failed(FailureCategory::Timeout, "no answer to PAP Authenticate-Request after " +
                                                  std::to_string(transmissions_) + " tries");
    }
    return transmit(now);
  }

  AuthOutput on_packet(wire::ByteView payload, Clock::time_point) override {
    auto decoded = decode_pap(payload);
    if (!decoded) return with_deadline(dropped(decoded.error().reason));
    auto& p = *decoded;
    wipe(p.password);
    if (p.code == PapCode::AuthRequest)
      return with_deadline(dropped("PAP Authenticate-Request from the server: we do not authenticate it"));
    if (state_ != State::Sent) return with_deadline(dropped("PAP verdict without a pending request"));
    if (!sent_ids_.test(p.id)) return with_deadline(dropped("PAP verdict for id " + wire::hex(p.id) + " we never sent"));
    wipe(password_);
    switch (p.code) {
      case PapCode::AuthAck: {
        state_ = State::Succeeded;
        AuthOutput out;
        out.event = AuthSucceeded{std::nullopt, p.message};
        return out;
      }
      case PapCode::AuthNak:
        state_ = State::Failed;
        return failed(FailureCategory::WrongPassword, with_server_text("wrong user name or password", p.message));
      case PapCode::AuthRequest:
        break;
    }
    return {};
  }

 private:
  enum class State { Initial, Sent, Succeeded, Failed };

  AuthOutput waiting() const {
    AuthOutput out;
    if (state_ == State::Sent) out.deadline = deadline_;
    return out;
  }
  AuthOutput with_deadline(AuthOutput out) const {
    if (state_ == State::Sent) out.deadline = deadline_;
    return out;
  }

  AuthOutput transmit(Clock::time_point now) {
    // RFC 1334: a new Identifier for every request, retransmissions included.
    auto id = next_id_++;
    sent_ids_.set(id);
    ++transmissions_;
    deadline_ = now + kPapRestart;
    PapPacket req{PapCode::AuthRequest, id, username_, password_, {}};
    auto encoded = encode_pap(req);
    wipe(req.password);
    AuthOutput out;
    if (!encoded) {  // unreachable: make_authenticator checked the sizes
      state_ = State::Failed;
      return failed(FailureCategory::ProtocolError, encoded.error().reason);
    }
    out.send.push_back(std::move(*encoded));
    out.deadline = deadline_;
    return out;
  }

  std::string username_;
  std::string password_;
  State state_ = State::Initial;
  std::uint8_t next_id_ = 1;
  std::bitset<256> sent_ids_;
  unsigned transmissions_ = 0;
  Clock::time_point deadline_{};
};

}  // namespace

wire::Result<std::unique_ptr<Authenticator>> make_authenticator(AuthProtocol protocol, AuthCredentials credentials) {
  auto refuse = [&](std::string reason) -> wire::Result<std::unique_ptr<Authenticator>> {
    wipe(credentials.password);
    return wire::Error::fatal(std::move(reason));
  };
  if (credentials.username.size() > kMaxNameLength)
    return refuse("user name is longer than 255 bytes");
  switch (protocol) {
    case AuthProtocol::MsChapV2:
    case AuthProtocol::MsChapV1: {
      auto unicode = utf16le(credentials.password);
      auto units = unicode.size() / 2;
      wipe(unicode);
      if (units > kMaxPasswordUnits) return refuse("password is longer than MS-CHAP's 256 characters");
      return std::unique_ptr<Authenticator>(new ChapClient(protocol, std::move(credentials)));
    }
    case AuthProtocol::ChapMd5:
      if (credentials.password.size() > kMaxPapPassword) return refuse("password is longer than 255 bytes");
      return std::unique_ptr<Authenticator>(new ChapClient(protocol, std::move(credentials)));
    case AuthProtocol::Pap:
      if (credentials.password.size() > kMaxPapPassword) return refuse("password is longer than PAP's 255 bytes");
      return std::unique_ptr<Authenticator>(new PapClient(std::move(credentials)));
  }
  return refuse("unknown authentication protocol");
}

}  // namespace ppp::auth
