// A plain-text table: a header row and rows, columns padded to their widest cell.
#pragma once

#include <string>
#include <vector>

namespace rms::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // Adds a row; missing cells are empty, cells beyond the headers are dropped. Newlines and
  // tabs in a cell become spaces.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // The header and every row, columns separated by two spaces, no trailing spaces, each line
  // ending in "\n".
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace rms::ctl
