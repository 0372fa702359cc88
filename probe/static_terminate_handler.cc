// The terminate handler of the static probe (cross/, NARROWSCAN_STATIC_PAHO): it
// replaces libstdc++'s __gnu_cxx::__verbose_terminate_handler, the default handler,
// whose demangling of the exception's type name links libstdc++'s whole C++
// demangler (~40 KB of a ~2.5 MB aarch64 binary). Defining the symbol here keeps the
// linker from taking libstdc++'s object for it. The message is libstdc++'s with the
// type name left mangled (c++filt reads it); std::terminate still ends in abort().
#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <typeinfo>

namespace __gnu_cxx {

void __verbose_terminate_handler() {
  static bool terminating = false;
  if (terminating) {
    std::fputs("terminate called recursively\n", stderr);
    std::abort();
  }
  terminating = true;
  if (const std::type_info* type = abi::__cxa_current_exception_type()) {
    std::fprintf(stderr, "terminate called after throwing an instance of '%s'\n", type->name());
    try {
      throw;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "  what():  %s\n", e.what());
    } catch (...) {
    }
  } else {
    std::fputs("terminate called without an active exception\n", stderr);
  }
  std::abort();
}

}  // namespace __gnu_cxx
