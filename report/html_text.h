// What the HTML reports share: escaping, and one style sheet inline (they fetch nothing).
#pragma once

#include <string>
#include <string_view>

namespace pc {

std::string html_escape(std::string_view text);

// <!DOCTYPE ...> up to and including <body>, with the reports' style inline.
std::string html_head(std::string_view title);

}  // namespace pc
