// A report's table, written once and shown both as Markdown and as HTML (one table per fact, not
// one per format).
#pragma once

#include <set>
#include <string>
#include <vector>

namespace pc {

struct ReportTable {
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> bad;       // per row: shown as a finding (red in HTML)
  std::set<std::size_t> right;  // the columns of numbers, aligned right
};

std::string table_markdown(const ReportTable& t);
std::string table_html(const ReportTable& t);  // cells escaped; the style is html_head's

}  // namespace pc
