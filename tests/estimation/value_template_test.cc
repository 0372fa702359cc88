#include "controller/estimation/value_template.h"

#include <gtest/gtest.h>

#include <map>

namespace narrowscan {
namespace {

std::string Expand(std::string_view value,
                   const std::map<std::string, std::string, std::less<>>& vars) {
  return ExpandTemplate(value, [&](std::string_view ref) -> const std::string* {
    auto it = vars.find(ref);
    return it == vars.end() ? nullptr : &it->second;
  });
}

TEST(ValueTemplate, ExpandsNumberedAndNamedReferences) {
  const std::map<std::string, std::string, std::less<>> vars = {{"1", "2.4"}, {"version", "9"}};
  EXPECT_EQ(Expand("Apache {1}", vars), "Apache 2.4");
  EXPECT_EQ(Expand("v{version}-{1}", vars), "v9-2.4");
  EXPECT_EQ(Expand("{2}", vars), "");  // a group that did not take part
  EXPECT_EQ(Expand("plain", vars), "plain");
}

TEST(ValueTemplate, BracesThatAreNotReferencesStayLiteral) {
  const std::map<std::string, std::string, std::less<>> vars = {{"1", "x"}};
  EXPECT_EQ(Expand("{{1}", vars), "{1}");
  EXPECT_EQ(Expand("a { b", vars), "a { b");
  EXPECT_EQ(Expand("{not a ref}", vars), "{not a ref}");
  EXPECT_EQ(Expand("{os.version}", vars), "{os.version}");
  EXPECT_EQ(Expand("{", vars), "{");
  EXPECT_EQ(Expand("{123}", vars), "{123}");  // group numbers have at most two digits
}

TEST(ValueTemplate, EscapeRoundTripsAndDetectsReferences) {
  for (std::string_view text : {"a{1}b", "{{", "{x}", "no braces", "}{"}) {
    EXPECT_EQ(Expand(EscapeTemplateText(text), {}), text) << text;
    EXPECT_FALSE(HasTemplateReference(EscapeTemplateText(text))) << text;
  }
  EXPECT_TRUE(HasTemplateReference("v{1}"));
  EXPECT_TRUE(HasTemplateReference("{model}"));
  EXPECT_FALSE(HasTemplateReference("{{1}"));
}

}  // namespace
}  // namespace narrowscan
