// Keys shared by the wire tests: generating P-256 keys is the slow part, so each
// test binary makes two once.
#ifndef NARROWSCAN_TESTS_WIRE_TEST_KEYS_H_
#define NARROWSCAN_TESTS_WIRE_TEST_KEYS_H_

#include <span>

#include "common/signature.h"
#include "common/wire/messages.h"

namespace narrowscan::wire {

inline const SigningKey& ControllerKey() {
  static const SigningKey* key = new SigningKey(SigningKey::Generate().value());
  return *key;
}
inline const VerifyingKey& ControllerPublic() {
  static const VerifyingKey* key =
      new VerifyingKey(VerifyingKey::FromPem(ControllerKey().PublicPem()).value());
  return *key;
}
inline const SigningKey& OtherKey() {
  static const SigningKey* key = new SigningKey(SigningKey::Generate().value());
  return *key;
}

inline std::string ErrorOf(const auto& result) { return result.ok() ? "(ok)" : result.error(); }

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_TESTS_WIRE_TEST_KEYS_H_
