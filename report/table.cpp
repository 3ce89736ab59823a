#include "report/table.h"

#include "report/html_text.h"

namespace pc {
namespace {

std::string md_cell(std::string s) {
  for (std::size_t p = 0; (p = s.find('|', p)) != std::string::npos; p += 2) s.replace(p, 1, "\\|");
  return s;
}

}  // namespace

std::string table_markdown(const ReportTable& t) {
  std::string md = "|";
  for (const std::string& h : t.head) md += " " + md_cell(h) + " |";
  md += "\n|";
  for (std::size_t i = 0; i < t.head.size(); ++i) md += t.right.count(i) ? "---:|" : "---|";
  md += "\n";
  for (const auto& row : t.rows) {
    md += "|";
    for (const std::string& c : row) md += " " + md_cell(c) + " |";
    md += "\n";
  }
  return md + "\n";
}

std::string table_html(const ReportTable& t) {
  std::string h = "<table><tr>";
  for (std::size_t i = 0; i < t.head.size(); ++i)
    h += (t.right.count(i) ? "<th class=\"n\">" : "<th>") + html_escape(t.head[i]) + "</th>";
  h += "</tr>\n";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    h += r < t.bad.size() && t.bad[r] ? "<tr class=\"bad\">" : "<tr>";
    for (std::size_t i = 0; i < t.rows[r].size(); ++i)
      h += (t.right.count(i) ? "<td class=\"n\">" : "<td>") + html_escape(t.rows[r][i]) + "</td>";
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

}  // namespace pc
