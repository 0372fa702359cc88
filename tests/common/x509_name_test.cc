// RFC 4514 names from mbedTLS name lists built by hand, so that every escaping rule and
// string type is reached (certificate writers only produce the common ones). Real
// certificates go through the same code in tests/probe (TlsCertificate) and
// tests/curate (MasscanX509).
#include "common/x509_name.h"

#include <gtest/gtest.h>
#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>

#include <deque>
#include <string>

#include "common/utf8.h"

namespace narrowscan {
namespace {

// A name list in DER order (most general first), as mbedTLS parses it.
class NameList {
 public:
  // `merged`: the next attribute belongs to the same RDN.
  NameList& Add(std::string_view oid, std::string value, int tag = MBEDTLS_ASN1_UTF8_STRING,
                bool merged = false) {
    oids_.emplace_back(oid);
    values_.push_back(std::move(value));
    mbedtls_asn1_named_data& n = nodes_.emplace_back();
    n.oid = {MBEDTLS_ASN1_OID, oids_.back().size(),
             reinterpret_cast<unsigned char*>(oids_.back().data())};
    n.val = {tag, values_.back().size(), reinterpret_cast<unsigned char*>(values_.back().data())};
    n.next = nullptr;
    n.next_merged = merged ? 1 : 0;
    if (nodes_.size() > 1) nodes_[nodes_.size() - 2].next = &n;
    return *this;
  }
  std::string Format() const { return FormatRfc4514(nodes_.empty() ? nullptr : &nodes_.front()); }

 private:
  std::deque<std::string> oids_, values_;  // deques: element addresses stay put
  std::deque<mbedtls_asn1_named_data> nodes_;
};

const std::string kCountry = MBEDTLS_OID_AT_COUNTRY;
const std::string kOrganization = MBEDTLS_OID_AT_ORGANIZATION;
const std::string kUnit = MBEDTLS_OID_AT_ORG_UNIT;
const std::string kCommonName = MBEDTLS_OID_AT_CN;

TEST(X509Name, MostSpecificFirst) {
  EXPECT_EQ(NameList()
                .Add(kCountry, "JP", MBEDTLS_ASN1_PRINTABLE_STRING)
                .Add(kOrganization, "NEC Platforms, Ltd.")
                .Add(kCommonName, "aterm.me")
                .Format(),
            "CN=aterm.me,O=NEC Platforms\\, Ltd.,C=JP");
  EXPECT_EQ(NameList().Format(), "");
}

TEST(X509Name, EscapesWhatRfc4514Section24Requires) {
  EXPECT_EQ(NameList().Add(kCommonName, "a\"b+c,d;e<f>g\\h").Format(),
            "CN=a\\\"b\\+c\\,d\\;e\\<f\\>g\\\\h");
  EXPECT_EQ(NameList().Add(kCommonName, "#cam.example ").Format(), "CN=\\#cam.example\\ ");
  EXPECT_EQ(NameList().Add(kCommonName, " lead").Format(), "CN=\\ lead");
  EXPECT_EQ(NameList().Add(kCommonName, "in#side and = sign").Format(),
            "CN=in#side and = sign");  // '#' and '=' only matter where the RFC says
  EXPECT_EQ(NameList().Add(kCommonName, std::string("nul\0tab\tdel\x7f", 12)).Format(),
            "CN=nul\\00tab\\09del\\7f");
}

TEST(X509Name, ValuesBecomeUtf8) {
  // BMPString (UCS-2) and UniversalString (UCS-4) are converted.
  EXPECT_EQ(NameList()
                .Add(kOrganization, std::string("\x65\xe5\x67\x2c", 4), MBEDTLS_ASN1_BMP_STRING)
                .Format(),
            "O=\xe6\x97\xa5\xe6\x9c\xac");
  EXPECT_EQ(NameList()
                .Add(kOrganization, std::string("\0\x01\xf6\x00\0\0\0A", 8),
                     MBEDTLS_ASN1_UNIVERSAL_STRING)
                .Format(),
            "O=\xf0\x9f\x98\x80"
            "A");
  // UTF-8 passes as it is; a Latin-1 (T61String) value is escaped byte by byte.
  EXPECT_EQ(NameList().Add(kCommonName, "caf\xc3\xa9").Format(), "CN=caf\xc3\xa9");
  const std::string latin1 =
      NameList().Add(kCommonName, "caf\xe9", MBEDTLS_ASN1_T61_STRING).Format();
  EXPECT_EQ(latin1, "CN=caf\\e9");
  EXPECT_TRUE(IsValidUtf8(latin1));
  // A lone surrogate in a BMPString cannot be UTF-8: U+FFFD stands in.
  EXPECT_EQ(
      NameList().Add(kCommonName, std::string("\xd8\x00", 2), MBEDTLS_ASN1_BMP_STRING).Format(),
      "CN=\xef\xbf\xbd");
}

TEST(X509Name, MultiValuedRdnsJoinWithPlus) {
  EXPECT_EQ(NameList()
                .Add(kCountry, "JP")
                .Add(kUnit, "R&D", MBEDTLS_ASN1_UTF8_STRING, /*merged=*/true)
                .Add(kCommonName, "cam")
                .Format(),
            "OU=R&D+CN=cam,C=JP");
}

TEST(X509Name, UnknownTypesUseTheDottedOidAndTheBerValue) {
  // 1.2.3.4 = "hi" as a UTF8String: tag 0x0c, length 2.
  EXPECT_EQ(NameList().Add("\x2a\x03\x04", "hi").Add(kCommonName, "x").Format(),
            "CN=x,1.2.3.4=#0c026869");
  // Long values take the long length form.
  const std::string long_value(200, 'a');
  const std::string formatted = NameList().Add("\x2a\x03\x04", long_value).Format();
  EXPECT_EQ(formatted.substr(0, 15), "1.2.3.4=#0c81c8");
  EXPECT_EQ(formatted.size(), 15 + 2 * long_value.size());
}

TEST(X509Name, ReadNamesRefusesWhatIsNotACertificate) {
  auto names = ReadX509Names(std::string("\x30\x03\x01", 3));
  ASSERT_FALSE(names.ok());
  EXPECT_NE(names.error().find("not a DER certificate"), std::string::npos) << names.error();
  EXPECT_FALSE(ReadX509Names("").ok());
}

}  // namespace
}  // namespace narrowscan
