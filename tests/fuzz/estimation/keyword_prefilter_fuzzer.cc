// KeywordPrefilter's contract on arbitrary values: every keyword whose regex matches
// the value is a candidate or unfiltered. The keywords cover what the prefilter reads:
// literals of every length, (?i), anchors with and without a telling start, \b (which
// RE2's match range ignores), classes, alternations, optional pieces, Latin-1 bytes,
// plain text compared exactly. Input: the value.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "controller/estimation/device_entry.h"
#include "controller/estimation/keyword_prefilter.h"

namespace narrowscan {
namespace {

const char* const kPatterns[] = {
    "^Reolink$",
    "^JAWS/1\\.0",
    "Lantronix",
    "^App-webs/",
    "\\*\\*\\* Lantronix ",
    "(?i)mobotix (?P<model>[A-Z]\\d{2})",
    "(?i)^NETSurveillance WEB$",
    "(?i)\\bQNAP\\b|\\bQTS\\b|Turbo NAS",
    "^(?:WD )?My ?Cloud(?: (?:EX2 Ultra|EX2|Mirror))?$",
    "^TP-LINK\\b.*\\b(?:Router|AP) (?:TL-)?(?P<m>(?:WR|WDR)\\d{3,5}[A-Z+]*)$",
    "\\b(?P<model>(?:LHV|LNR|D|N)\\d{3,4}[A-Z0-9-]*)\\b",
    "^(?:EPSON )?(?P<model>(?:EP|PX|EW|L)-?[A-Z]?\\d{3,4}[A-Z]{0,3})\\b",
    "^(?:ZXHN |ZXV10 )?(?P<model>[FH]\\d{3,4}[A-Z]?\\w*)$",
    "^(?P<model>DS-2[A-Z]{2}\\d{3,4}[A-Z0-9]*(?:-[A-Z0-9()/]+)*)$",
    "\\(ZP[A-Z0-9]+\\)|\\(S\\d{1,2}\\)",
    "/V?(?P<version>\\d+\\.\\d+(?:\\.\\d+)*)",
    "^RTSP/1\\.0 [^\\r\\n]*\\r\\n(?:[^\\r\\n]+\\r\\n)*WWW-Authenticate: Basic realm=\"x\"",
    "(?m)^\\(none\\) login:|^(?:OpenWrt|LEDE) login: ?$",
    "(?s)IX Series (?P<model>IX\\d{4}).*?Version (?P<version>\\d+\\.\\d+\\.\\d+)",
    "\\xff\\xfb\\x01",
    "caf\\xe9",
    "(?i)caf\\xc9",
    "^\\xff\\xfb.",
    "^[A-Z]{2}\\d",
    "^a*b",
    "^(?:x|yz|)q",
    "^ab$|^cd",
    "\\Aabc\\z",
    "^.{2}$",
    "CN=[a-z0-9]{16}\\.myfritz\\.net|CN=fritz\\.box",
    "O=QNAP Systems(?:, | )Inc\\.?|CN=(?:TS|TVS|TS-\\d+) Series NAS",
    "^(?i)amcrest (?:IP[2-8]M|Web)",
    "[Ss]erver$",
    "x\\$y",
    "^\\$",
};

struct Fixture {
  std::unique_ptr<KeywordPrefilter> prefilter;
  std::vector<std::unique_ptr<re2::RE2>> regexes;
};

const Fixture& TheFixture() {
  static const Fixture* f = [] {
    auto* fx = new Fixture;
    std::vector<std::string> patterns(std::begin(kPatterns), std::end(kPatterns));
    auto built = KeywordPrefilter::Build(patterns);
    if (!built) std::abort();
    fx->prefilter = std::make_unique<KeywordPrefilter>(std::move(*built));
    for (const std::string& p : patterns) {
      fx->regexes.push_back(std::make_unique<re2::RE2>(p, KeywordRegexOptions()));
      if (!fx->regexes.back()->ok()) std::abort();
    }
    return fx;
  }();
  return *f;
}

}  // namespace
}  // namespace narrowscan

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narrowscan;
  const Fixture& f = TheFixture();
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  KeywordPrefilter::Scratch scratch;
  std::vector<uint32_t> candidates;
  f.prefilter->Candidates(value, &scratch, &candidates);
  std::vector<bool> admitted(f.regexes.size(), false);
  for (uint32_t k : candidates) admitted[k] = true;
  for (uint32_t k : f.prefilter->unfiltered()) admitted[k] = true;
  for (size_t k = 0; k < f.regexes.size(); ++k) {
    const bool matches = re2::RE2::PartialMatch(value, *f.regexes[k]);
    if (matches && !admitted[k]) std::abort();  // ruled out a keyword that matches
    // A certain keyword is a candidate only when it matches.
    if (admitted[k] && f.prefilter->certain(static_cast<uint32_t>(k)) && !matches) std::abort();
  }
  return 0;
}
