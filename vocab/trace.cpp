#include "vocab/trace.h"

namespace pc {

std::string_view profile_name(Profile p) {
  switch (p) {
    case Profile::Linux: return "linux";
    case Profile::Doc: return "doc";
  }
  return "?";  // a value outside the enum: visible rather than silently "linux"
}

}  // namespace pc
