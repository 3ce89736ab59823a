#include "report/html_text.h"

#include <fmt/format.h>

namespace pc {

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_head(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{}</title>\n"
      "<style>body{{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}}"
      "table{{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}}"
      "th,td{{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;font-size:14px}}"
      "td.n,th.n{{text-align:right}}th{{background:#eee}}tr.bad td{{background:#fde8e8}}tr.skip td{{color:#888}}"
      "code,pre{{background:#f3f3f3;padding:1px 3px;word-break:break-all;white-space:pre-wrap}}"
      ".ok{{color:#176117}}.bad{{color:#a11}}"
      "</style></head><body>\n<h1>{}</h1>\n",
      html_escape(title), html_escape(title));
}

}  // namespace pc
