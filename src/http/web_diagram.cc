#include "http/web_diagram.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <vector>

namespace redress::http {
namespace {

using workflow::WorkflowDef;

constexpr int kMargin = 16;
constexpr int kLoopRoom = 52;  // above the first row: loops of a status to itself and their labels
constexpr int kBoxHeight = 46;
constexpr int kRowGap = 64;  // between rows: arrows within a column and their labels
constexpr int kMinBoxWidth = 140;
constexpr double kBoxChar = 8.6;    // the average width of a character of a status (14px, bold)
constexpr double kLabelChar = 6.8;  // of a transition's label (12px)
constexpr int kLabelHeight = 14;
constexpr int kLaneGap = 34;  // between the lanes under the boxes that arrows going back follow
constexpr int kCorner = 8;

// Code points: what a text's width is estimated from.
int text_length(const std::string& s) {
  return static_cast<int>(
      std::ranges::count_if(s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

int label_width(const std::string& s) { return static_cast<int>(std::ceil(text_length(s) * kLabelChar)); }

// Distance from the start status, by breadth-first search; statuses it never reaches go
// in the column after the last.
std::map<std::string, int> columns_of(const WorkflowDef& wf) {
  std::map<std::string, int> column;
  std::deque<std::string> frontier;
  if (wf.status(wf.start_status)) {
    column[wf.start_status] = 0;
    frontier.push_back(wf.start_status);
  }
  while (!frontier.empty()) {
    const std::string s = frontier.front();
    frontier.pop_front();
    for (const auto& t : wf.transitions) {
      if (std::ranges::find(t.from, s) == t.from.end() || column.contains(t.to) || !wf.status(t.to)) continue;
      column[t.to] = column[s] + 1;
      frontier.push_back(t.to);
    }
  }
  int last = -1;
  for (const auto& [id, c] : column) last = std::max(last, c);
  for (const auto& s : wf.statuses) {
    if (!column.contains(s.id)) column[s.id] = last + 1;
  }
  return column;
}

struct Box {
  std::string id, label, category;
  bool start = false;
  int column = 0, row = 0, x = 0, y = 0, w = 0;
  int cx() const { return x + w / 2; }
};

struct Edge {
  std::string from, to;
  std::vector<std::string> labels;  // one line each
};

// One arrow per pair of statuses, in the order the workflow first names the pair.
std::vector<Edge> edges_of(const WorkflowDef& wf, const std::string& language) {
  std::vector<Edge> out;
  for (const auto& t : wf.transitions) {
    const std::string label = workflow::label_in(t.labels, language, t.id);
    for (const auto& from : t.from) {
      auto same = std::ranges::find_if(out, [&](const Edge& e) { return e.from == from && e.to == t.to; });
      if (same == out.end()) {
        out.push_back({from, t.to, {label}});
      } else if (std::ranges::find(same->labels, label) == same->labels.end()) {
        same->labels.push_back(label);
      }
    }
  }
  return out;
}

int widest(const std::vector<std::string>& lines) {
  int w = 0;
  for (const auto& l : lines) w = std::max(w, label_width(l));
  return w;
}

struct Label {
  int x, y;            // the first line's baseline
  std::string anchor;  // start, middle, end
  int w, lines;
  int left() const { return anchor == "start" ? x : anchor == "end" ? x - w : x - w / 2; }
  int top() const { return y - kLabelHeight + 2; }
  int bottom() const { return y + (lines - 1) * kLabelHeight + 4; }
  bool overlaps(const Label& o) const {
    return left() < o.left() + o.w && o.left() < left() + w && top() < o.bottom() && o.top() < bottom();
  }
};

// How an arrow runs. Going back to an earlier column, it follows a lane of its own above
// or under the boxes, on the side where it crosses fewer of them.
enum class EdgeRoute { kLoop, kForward, kWithin, kBackOver, kBackUnder };

class Layout {
 public:
  Layout(const WorkflowDef& wf, const std::string& language) : edges_(edges_of(wf, language)) {
    const auto column = columns_of(wf);
    int columns = 0;
    std::map<int, int> rows;
    for (const auto& s : wf.statuses) {
      Box b{s.id,
            workflow::label_in(s.labels, language, s.id),
            s.category,
            s.id == wf.start_status,
            column.at(s.id),
            0,
            0,
            0,
            0};
      b.row = rows[b.column]++;
      columns = std::max(columns, b.column + 1);
      boxes_.push_back(std::move(b));
    }
    widths_.assign(static_cast<size_t>(columns), kMinBoxWidth);
    for (const auto& b : boxes_) {
      auto& w = widths_[static_cast<size_t>(b.column)];
      w = std::max(w, static_cast<int>(std::ceil(text_length(b.label) * kBoxChar)) + 28);
    }
    for (const auto& b : boxes_) rows_ = std::max(rows_, b.row + 1);
    // One gap for all columns, wide enough for the longest line of an arrow going forward.
    gap_ = 110;
    for (const auto& e : edges_) {
      const Box& s = box(e.from);
      const Box& t = box(e.to);
      EdgeRoute r = &s == &t               ? EdgeRoute::kLoop
                : t.column > s.column  ? EdgeRoute::kForward
                : t.column == s.column ? EdgeRoute::kWithin
                                       : EdgeRoute::kBackUnder;
      int lane = 0;
      loops_ = loops_ || r == EdgeRoute::kLoop;
      if (r == EdgeRoute::kForward) gap_ = std::max(gap_, std::min(280, widest(e.labels) + 36));
      if (r == EdgeRoute::kBackUnder) {
        const int over = (s.row > 0) + (t.row > 0);
        const int under = (s.row + 1 < rows[s.column]) + (t.row + 1 < rows[t.column]);
        if (over < under) r = EdgeRoute::kBackOver;
        lane = ++(r == EdgeRoute::kBackOver ? lanes_over_ : lanes_under_);
      }
      routes_.push_back({r, lane});
    }
  }

  // Boxes from x0; arrows and their labels, labels moved down until none overlaps another.
  nlohmann::json draw(int x0) {
    const int first_row = kMargin + (loops_ || lanes_over_ > 0 ? kLoopRoom : 0) +
                          (lanes_over_ > 0 ? kLabelHeight + lanes_over_ * kLaneGap : 0);
    for (auto& b : boxes_) {
      b.x = x0;
      for (int c = 0; c < b.column; ++c) b.x += widths_[static_cast<size_t>(c)] + gap_;
      b.w = widths_[static_cast<size_t>(b.column)];
      b.y = first_row + b.row * (kBoxHeight + kRowGap);
    }
    const int bottom = first_row + rows_ * (kBoxHeight + kRowGap) - kRowGap;
    labels_.clear();
    nlohmann::json edges = nlohmann::json::array();
    for (size_t i = 0; i < edges_.size(); ++i) {
      const Edge& e = edges_[i];
      const auto [route, lane] = routes_[i];
      const Box& s = box(e.from);
      const Box& t = box(e.to);
      const int lines = static_cast<int>(e.labels.size());
      std::string d;
      Label l{0, 0, "middle", widest(e.labels), lines};
      switch (route) {
        case EdgeRoute::kLoop: {  // on the box's top right
          const int a = s.x + s.w - 44, b = s.x + s.w - 12, top = s.y - 34;
          d = "M" + pt(a, s.y) + " C" + pt(a, top) + " " + pt(b, top) + " " + pt(b, s.y);
          l.x = (a + b) / 2;
          l.y = top - 4 - (lines - 1) * kLabelHeight;
          break;
        }
        case EdgeRoute::kForward: {  // right side to left side; the label in the first gap, over the curve
          const int sx = s.x + s.w, sy = s.y + kBoxHeight / 2, ex = t.x, ey = t.y + kBoxHeight / 2;
          const int c1 = sx + gap_ / 2, c2 = ex - gap_ / 2;
          d = "M" + pt(sx, sy) + " C" + pt(c1, sy) + " " + pt(c2, ey) + " " + pt(ex, ey);
          l.x = sx + gap_ / 2;
          l.y = static_cast<int>(std::lround(curve_y_at(sx, sy, c1, c2, ex, ey, l.x))) - 6 - (lines - 1) * kLabelHeight;
          break;
        }
        case EdgeRoute::kWithin: {  // straight down (left of the middle) or up (right of it)
          const bool down = t.row > s.row;
          const int x = s.cx() + (down ? -20 : 20);
          const int y1 = down ? s.y + kBoxHeight : s.y, y2 = down ? t.y : t.y + kBoxHeight;
          d = "M" + pt(x, y1) + " L" + pt(x, y2);
          l = {down ? x - 6 : x + 6, (y1 + y2) / 2 + 4 - (lines - 1) * kLabelHeight / 2, down ? "end" : "start", l.w,
               lines};
          break;
        }
        case EdgeRoute::kBackOver:
        case EdgeRoute::kBackUnder: {  // out of the source, along its lane, into the target
          const bool over = route == EdgeRoute::kBackOver;
          const int y = over ? first_row - kLoopRoom - (lane - 1) * kLaneGap : bottom + lane * kLaneGap - 10;
          const int sx = s.cx() + 2 + 6 * lane, ex = t.cx() - 2 - 6 * lane;
          const int sy = over ? s.y : s.y + kBoxHeight, ey = over ? t.y : t.y + kBoxHeight;
          const int turn = over ? kCorner : -kCorner;  // the corners bend towards the boxes
          d = "M" + pt(sx, sy) + " V" + std::to_string(y + turn) + " Q" + pt(sx, y) + " " + pt(sx - kCorner, y) + " H" +
              std::to_string(ex + kCorner) + " Q" + pt(ex, y) + " " + pt(ex, y + turn) + " V" + std::to_string(ey);
          l.x = (sx + ex) / 2;
          l.y = over ? y - 5 - (lines - 1) * kLabelHeight : y + kLabelHeight;
          break;
        }
      }
      place(l);
      nlohmann::json text = nlohmann::json::array();
      for (int j = 0; j < lines; ++j)
        text.push_back({{"text", e.labels[static_cast<size_t>(j)]}, {"dy", j == 0 ? 0 : kLabelHeight}});
      edges.push_back({{"from", e.from},
                       {"to", e.to},
                       {"label", joined(e.labels)},
                       {"lines", text},
                       {"d", d},
                       {"lx", l.x},
                       {"ly", l.y},
                       {"anchor", l.anchor}});
    }
    height_ = bottom + kLaneGap * lanes_under_ + kMargin;
    nlohmann::json boxes = nlohmann::json::array();
    for (const auto& b : boxes_) {
      boxes.push_back({{"id", b.id},
                       {"label", b.label},
                       {"category", b.category},
                       {"start", b.start},
                       {"column", b.column},
                       {"row", b.row},
                       {"x", b.x},
                       {"y", b.y},
                       {"w", b.w},
                       {"h", kBoxHeight},
                       {"cx", b.cx()},
                       {"ty", b.y + 20},
                       {"cy", b.y + 37}});
    }
    return {{"boxes", boxes}, {"edges", edges}};
  }

  // How far left of the margin a label reached (0 when none did).
  int overflow_left() const {
    int left = kMargin;
    for (const auto& l : labels_) left = std::min(left, l.left());
    return kMargin - left;
  }

  int width() const {
    int right = 0;
    for (const auto& b : boxes_) right = std::max(right, b.x + b.w);
    for (const auto& l : labels_) right = std::max(right, l.left() + l.w);
    return right + kMargin;
  }
  int height() const {
    int low = height_;
    for (const auto& l : labels_) low = std::max(low, l.bottom() + kMargin);
    return low;
  }

 private:
  static std::string pt(int x, int y) { return std::to_string(x) + "," + std::to_string(y); }

  static std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : " / ") + l;
    return out;
  }

  // The height of the cubic curve (sx,sy) (c1,sy) (c2,ey) (ex,ey) where it reaches x.
  static double curve_y_at(int sx, int sy, int c1, int c2, int ex, int ey, int x) {
    for (int i = 0; i <= 100; ++i) {
      const double t = i / 100.0, u = 1 - t;
      const double cx = u * u * u * sx + 3 * u * u * t * c1 + 3 * u * t * t * c2 + t * t * t * ex;
      if (cx >= x) return u * u * u * sy + 3 * u * u * t * sy + 3 * u * t * t * ey + t * t * t * ey;
    }
    return ey;
  }

  const Box& box(const std::string& id) const {
    return *std::ranges::find_if(boxes_, [&](const Box& b) { return b.id == id; });
  }

  void place(Label& l) {
    for (int tries = 0; tries < 8 && std::ranges::any_of(labels_, [&](const Label& o) { return l.overlaps(o); });
         ++tries)
      l.y += kLabelHeight + 2;
    labels_.push_back(l);
  }

  std::vector<Edge> edges_;
  std::vector<std::pair<EdgeRoute, int>> routes_;  // per edge: how, and its lane when going back
  std::vector<Box> boxes_;
  std::vector<int> widths_;
  std::vector<Label> labels_;
  int gap_ = 0;
  int rows_ = 0;
  int lanes_over_ = 0, lanes_under_ = 0;
  bool loops_ = false;
  int height_ = 0;
};

}  // namespace

nlohmann::json workflow_diagram(const WorkflowDef& wf, const std::string& language) {
  Layout layout(wf, language);
  nlohmann::json out = layout.draw(kMargin);
  // A label left of the first column (an arrow within it): everything moves right.
  if (const int shift = layout.overflow_left(); shift > 0) out = layout.draw(kMargin + shift);
  out["width"] = layout.width();
  out["height"] = layout.height();
  return out;
}

}  // namespace redress::http
